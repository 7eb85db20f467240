"""Fitting a diff into the model's budget: additions first, then by risk; the rest listed."""

from __future__ import annotations

from kairos_ci.tasks.review.packing import pack, risk


def patch(path: str, added: int, start: int = 1) -> str:
    rows = "".join(f"+line {n}\n" for n in range(added))
    header = f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n"
    return f"{header}@@ -0,0 +{start},{added} @@\n{rows}"


DELETION = "diff --git a/old.py b/old.py\n--- a/old.py\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-a\n-b\n"


def lines(**files: int) -> dict[str, frozenset[int]]:
    return {
        path.replace("_", "/", 1).replace("__", "."): frozenset(range(1, n + 1))
        for path, n in files.items()
    }


def test_added_lines_are_numbered_and_deletions_only_listed() -> None:
    patches = {"src/a.py": patch("src/a.py", 2, 10), "old.py": DELETION}
    packed = pack(patches, {"src/a.py": frozenset({10, 11})}, 10_000)
    (excerpt,) = packed.excerpts
    assert excerpt.text.splitlines()[1:] == [
        "@@ -0,0 +10,2 @@",
        "+    10 | line 0",
        "+    11 | line 1",
    ]
    assert [(n.path, n.for_size) for n in packed.left_out] == [("old.py", False)]


def test_riskier_files_first_and_what_does_not_fit_is_listed_for_size() -> None:
    patches = {
        "docs/guide.md": patch("docs/guide.md", 50),
        ".github/workflows/ci.yml": patch(".github/workflows/ci.yml", 50),
        "src/auth.py": patch("src/auth.py", 50),
        "package-lock.json": patch("package-lock.json", 5),
    }
    wanted = {path: frozenset(range(1, 51)) for path in patches}
    sizes = {e.path: len(e.text) for e in pack(patches, wanted, 100_000).excerpts}
    packed = pack(patches, wanted, sizes[".github/workflows/ci.yml"] + sizes["src/auth.py"])
    assert [e.path for e in packed.excerpts] == [".github/workflows/ci.yml", "src/auth.py"]
    left = {n.path: (n.why, n.for_size) for n in packed.left_out}
    assert left["docs/guide.md"][1] is True and "did not fit" in left["docs/guide.md"][0]
    assert left["package-lock.json"] == ("generated, vendored or a lock file", False)


def test_secret_lines_are_withheld_and_flagged_files_rank_higher() -> None:
    packed = pack(
        {"a.py": patch("a.py", 2)},
        {"a.py": frozenset({1, 2})},
        10_000,
        withheld={"a.py": frozenset({2})},
    )
    assert "+     2 | [withheld: a likely secret]" in packed.excerpts[0].text
    assert "line 1" not in packed.excerpts[0].text
    assert risk("docs/a.md", flagged=True) > risk("src/b.py", flagged=False)
