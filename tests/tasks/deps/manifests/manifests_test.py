from __future__ import annotations

from pathlib import Path

from kairos_ci.tasks.deps.manifests import kind_of, read_manifests
from tests.tasks.deps.gitrepo import commit_files, git


def test_manifests_are_found_by_git_and_broken_ones_reported(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    commit_files(
        repo,
        {
            "requirements.txt": "alpha==1.0\n",
            "requirements/dev.txt": "beta==2.0\n",
            "requirements-broken.txt": b"gamma==1.0 \xff\n",
            "sub/pyproject.toml": '[project]\nname = "s"\ndependencies = ["delta==3.0"]\n',
            "web/package.json": '{"devDependencies": {"tap": "16.0.0"}}',
            "web/package-lock.json": "{}",
            "web/node_modules/x/package.json": '{"dependencies": {"no": "1.0.0"}}',
            "bad/package.json": "{",
            "notes.txt": "zeta==1.0\n",
        },
    )
    (repo / "untracked-requirements.txt").write_text("omega==1.0\n")
    found = read_manifests(repo)
    assert [(m.path, [p.name for p in m.pins]) for m in found.manifests] == [
        ("bad/package.json", []),
        ("requirements.txt", ["alpha"]),
        ("requirements/dev.txt", ["beta"]),
        ("sub/pyproject.toml", ["delta"]),
        ("web/package.json", ["tap"]),
    ]
    assert [str(p) for p in found.problems] == [
        "bad/package.json: file: not valid JSON: Expecting property name enclosed in double "
        "quotes: line 1 column 2 (char 1)",
        "requirements-broken.txt: file: not UTF-8 (byte 11)",
    ]
    assert found.lockfiles == ("web/package-lock.json",)


def test_a_symlinked_manifest_is_left_alone(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    commit_files(repo, {"real.txt": "alpha==1.0\n"})
    (repo / "requirements.txt").symlink_to("real.txt")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "link")
    found = read_manifests(repo)
    assert found.manifests == ()
    assert [p.why for p in found.problems] == ["not a regular file; left alone"]


def test_kinds() -> None:
    assert kind_of("requirements-dev.txt") == "requirements"
    assert kind_of("a/requirements/test.txt") == "requirements"
    assert kind_of("a/node_modules/b/package.json") is None
    assert kind_of("docs/requirements.in") is None
