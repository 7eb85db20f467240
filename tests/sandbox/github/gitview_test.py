"""Reading PR diffs from real git: statuses, renames, and where comments may land."""

from __future__ import annotations

from kairos_ci.sandbox.github.gitview import GitView
from tests.sandbox.github.world import World, add_branch


def test_statuses_and_renames(world: World) -> None:
    world.git("checkout", "-q", "-b", "topic")
    world.git("mv", "README.md", "DOCS.md")
    (world.work / "gone.txt").write_text("")
    world.commit({"app.py": "line 1\n", "added.txt": "new\n"}, "mixed change")
    view = GitView(world.origin)
    files = {f.filename: f for f in view.pull_diff("main", "topic")}
    assert files["DOCS.md"].status == "renamed"
    assert files["DOCS.md"].previous_filename == "README.md"
    assert files["added.txt"].status == "added"
    assert files["app.py"].status == "modified"
    assert (files["app.py"].additions, files["app.py"].deletions) == (0, 39)


def test_commentable_lines_are_the_hunks_of_both_sides(world: World) -> None:
    text = "".join(f"{'new' if i == 20 else f'line {i}'}\n" for i in range(1, 41))
    add_branch(world, "topic", {"app.py": text})
    view = GitView(world.origin)
    [diff] = view.pull_diff("main", "topic")
    assert diff.right_lines == frozenset(range(17, 24))
    assert diff.left_lines == frozenset(range(17, 24))
    removed = diff.positions[("LEFT", 20)]
    added = diff.positions[("RIGHT", 20)]
    assert (removed, added) == (4, 5)  # position 1 is the line under the first @@
    assert diff.hunk_until(added).splitlines()[-1] == "+new"


def test_default_branch_and_refs(world: World) -> None:
    view = GitView(world.origin)
    sha = view.branch_sha("main")
    assert view.default_branch() == "main"
    assert ("refs/heads/main", sha) in view.refs()
    assert view.branch_sha("missing") is None
