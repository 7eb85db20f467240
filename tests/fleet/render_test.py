"""The fleet dashboard's body: a row per repository, problems first, sizes bounded."""

from __future__ import annotations

from kairos_ci.fleet.render import MAX_PROBLEMS, FleetBoard, render
from kairos_ci.fleet.status import Counts, Health, RepoStatus

OK = Counts(0, 1, 0.5, "2026-12-07T03:00:00Z")


def ok(name: str, broken: int = 0) -> RepoStatus:
    return RepoStatus(name, Health.OK, Counts(broken, 1, 0.5, OK.last_run), 1)


def rows(body: str) -> list[str]:
    return [line for line in body.splitlines() if line.startswith("| [")]


def test_one_row_per_repository_with_problems_first_then_most_broken() -> None:
    unreadable = RepoStatus("z/gone", Health.UNREADABLE, None, None, ("memory: denied",))
    body = render(FleetBoard([ok("a/one"), ok("b/two", broken=4), unreadable], "2026-12", 50))
    assert rows(body) == [
        "| [z/gone](https://github.com/z/gone) | **unreadable** | ? | ? | ? | ? | ? |",
        "| [b/two](https://github.com/b/two) | ok | 1 | 4 | 1 | $0.50 | 2026-12-07T03:00:00Z |",
        "| [a/one](https://github.com/a/one) | ok | 1 | 0 | 1 | $0.50 | 2026-12-07T03:00:00Z |",
    ]
    assert "3 repositories, 1 with problems." in body
    assert "| Spend 2026-12 |" in body
    assert (
        "Totals (of the 2 whose memory was read): 4 broken tests, 2 flaky tests, $1.00 spent "
        "in 2026-12; 2 open kairos pull requests in 2 repositories." in body
    )
    assert "## Problems\n\n- z/gone: memory: denied\n" in body


def test_the_same_fleet_renders_the_same_bytes() -> None:
    statuses = [ok("a/one"), ok("b/two")]
    assert render(FleetBoard(statuses, "2026-12", 50)) == render(
        FleetBoard(statuses[::-1], "2026-12", 50)
    )


def test_rows_and_problems_are_capped_and_the_rest_counted() -> None:
    many = [ok(f"org/r{i:03}") for i in range(120)]
    broken = [
        RepoStatus(f"org/x{i:02}", Health.PROBLEMS, OK, 0, ("memory: a", "memory: b"))
        for i in range(20)
    ]
    body = render(FleetBoard([*many, *broken], "2026-12", 50))
    assert len(rows(body)) == 50
    assert rows(body)[0].startswith("| [org/x00]")  # problems are never the ones cut
    assert "… and 90 more repositories (0 with problems) not shown." in body
    problems = [line for line in body.splitlines() if line.startswith("- org/x")]
    assert len(problems) == MAX_PROBLEMS
    assert body.endswith(f"- … and {40 - MAX_PROBLEMS} more\n")


def test_untrusted_problem_text_stays_inert() -> None:
    status = RepoStatus("a/b", Health.PROBLEMS, OK, 0, ("memory: <img src=x> @maria [x]",))
    body = render(FleetBoard([status], "2026-12", 50))
    assert "- a/b: memory: &lt;img src=x&gt; `@maria` &#91;x&#93;" in body
    assert "**read with problems**" in body
