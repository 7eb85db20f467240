"""The progress tracker: the header, rows and totals people read, the remaining critical
path and its lower-bound ETA, untrusted text kept inert, and one edit per finished task."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from kairos_ci.coordinator.moves import Report, advance, claim, finish, refreshed
from kairos_ci.coordinator.progress import (
    MAX_ROWS,
    ProgressView,
    done_share,
    eta,
    header_line,
    owner_name,
    read_answers,
    remaining_critical_path,
    render_progress,
    run_link,
    totals_line,
)
from kairos_ci.coordinator.records import (
    Board,
    BoardTask,
    Question,
    TaskEvent,
    TaskStatus,
    WorkResult,
)
from kairos_ci.errors import InputError
from tests.coordinator.boards import T0, board, task

MIN = timedelta(minutes=1)
RUNS = "https://github.com/o/r/actions/runs"
PR_A = "https://github.com/o/r/pull/45"


def minutes(t: BoardTask, estimate: float) -> BoardTask:
    return replace(t, estimate_minutes=estimate)


def ended(t: BoardTask, state: TaskStatus, note: str = "") -> BoardTask:
    return replace(
        t, state=state, history=(TaskEvent("2026-11-27T03:00:00Z", str(state), note=note),)
    )


def scene() -> Board:
    """At T0+20: A done by run 123.1 after 12 minutes, B running for 15 of its 25,
    C after both, D wanting B's folder, E waiting for decision D1."""
    b = board(
        task("A", "a.py", priority=30),
        minutes(task("B", "src/Dashboard.tsx", priority=20), 25.0),
        task("C", "c.py", deps=("A", "B")),
        task("D", "src/", priority=0.5),
        task("E", "e.py", decisions=("D1",)),
        budget=5.0,
        decisions={"D1": None},
    )
    b, a = claim(b, owner_name("123.1", "work", 1), T0)
    b, running = claim(b, owner_name("124", "work", 2), T0 + 5 * MIN)
    assert a is not None and running is not None
    b = advance(b, Report("B", running.fence, T0 + 6 * MIN), TaskStatus.RUNNING)
    done = WorkResult(ok=True, branch="kairos/plan-7/A", usd=0.75)
    b = finish(b, Report("A", a.fence, T0 + 12 * MIN), done)
    return replace(b, pulls={"A": PR_A})  # integration proposed A's slice


VIEW = ProgressView(now=T0 + 20 * MIN, runs_url=RUNS)


def test_the_header_line_counts_agents_locks_queue_and_progress() -> None:
    assert header_line(scene(), replace(VIEW, conflicts_resolved=2)) == (
        "1 agent active; locks: src/Dashboard.tsx (B); conflicts resolved: 2; queue: 3; "
        "progress 15%"  # 10 of 65 estimated minutes are done
    )
    idle = board(task("A", "a.py"), task("B", "b.py"))
    assert header_line(idle, VIEW) == (
        "0 agents active; locks: none; conflicts resolved: 0; queue: 2; progress 0%"
    )


def test_each_step_shows_its_state_owner_run_elapsed_pr_and_what_it_waits_for() -> None:
    lines = render_progress(scene(), VIEW).splitlines()
    assert lines[4:11] == [
        "| state | step | title | owner | elapsed / estimate | PR | waiting for / why |",
        "|---|---|---|---|---|---|---|",
        f"| ✅ done | A | Step A | [123.1/work/1]({RUNS}/123) | 12 min / 10 min "
        f"| [PR 45]({PR_A}) | - |",
        f"| 🔄 running | B | Step B | [124/work/2]({RUNS}/124) | 15 min / 25 min | - | - |",
        "| ⏸️ pending | C | Step C | - | - / 10 min | - | dependency: B |",
        "| ⏳ ready | D | Step D | - | - / 10 min | - | lock: src/Dashboard.tsx (B) |",
        "| ⏸️ pending | E | Step E | - | - / 10 min | - | decision: D1 |",
    ]
    assert lines[0] == "### Progress: plan plan-7"


def test_the_totals_give_spend_the_critical_path_and_an_eta_labelled_a_lower_bound() -> None:
    assert totals_line(scene(), VIEW.now) == (
        "**Done 1 of 5** · spend $0.75 of $5.00 · remaining critical path 20 min · "
        "ETA: not before 2026-11-27 03:40 UTC (a lower bound: the remaining critical path, "
        "as if every task had a free worker and nothing waited for a lock, a decision, "
        "people or a retry)"
    )
    over = board(ended(task("A", "a.py"), TaskStatus.DONE), ended(task("B"), TaskStatus.FAILED))
    assert totals_line(over, T0) == (
        "**Done 1 of 2** · spend $0.00 (no plan budget) · remaining critical path 0 min · "
        "ETA: every task has ended"
    )


def test_integrations_full_suite_line_follows_the_totals_as_inert_text() -> None:
    line = "Full suite on slices 1-2 together: 4 passed, 1 new failure (tests.t::test_*x*)"
    shown = render_progress(scene(), replace(VIEW, full_suite=line)).rstrip().split("\n\n")
    assert shown[3].startswith("**Done 1 of 5**")
    assert shown[4] == (
        "Full suite on slices 1-2 together: 4 passed, 1 new failure (tests.t::test\\_\\*x\\*)"
    )
    assert "Full suite" not in render_progress(scene(), VIEW)


def test_the_remaining_critical_path_follows_dependencies_over_tasks_not_ended() -> None:
    chain = board(
        minutes(task("A"), 10),
        minutes(task("B", deps=("A",)), 20),
        minutes(task("C", deps=("B",)), 5),
        minutes(task("D"), 30),
    )
    assert remaining_critical_path(chain) == 35  # A, B, C
    a_done = replace(chain, tasks=(ended(chain.tasks[0], TaskStatus.DONE), *chain.tasks[1:]))
    assert remaining_critical_path(a_done) == 30  # B, C is 25: D is longer now
    nothing = replace(chain, tasks=tuple(ended(t, TaskStatus.CANCELLED) for t in chain.tasks))
    assert remaining_critical_path(nothing) == 0


def test_a_live_task_counts_only_what_is_left_of_its_estimate() -> None:
    b = board(minutes(task("A", "a.py"), 30), minutes(task("B", "b.py", deps=("A",)), 10))
    b, got = claim(b, "w1", T0)
    assert got is not None
    assert remaining_critical_path(b) == 40  # without a clock: whole estimates
    assert remaining_critical_path(b, T0 + 12 * MIN) == 28
    assert remaining_critical_path(b, T0 + 45 * MIN) == 10  # overran: at least B is left
    assert eta(b, T0 + 12 * MIN) == T0 + 40 * MIN


def test_a_dependency_cycle_is_an_error_naming_its_tasks() -> None:
    b = board(task("A", deps=("B",)), task("B", deps=("A",)), task("C"))
    with pytest.raises(InputError, match=r"board plan-7: tasks depend on each other: [AB] -> "):
        remaining_critical_path(b)


EVIL = "**Bold** <img src=x onerror=alert(1)> @octocat | [a](javascript:x) #12 `x` - [ ] <!--k-->"


def test_untrusted_board_text_is_rendered_as_inert_data() -> None:
    b = board(
        replace(task("A", "src/<b>@admin</b>_x.py"), title=EVIL),
        replace(task("B", "b.py", deps=("A",)), id="B|@root"),
        ended(task("C"), TaskStatus.FAILED, note="tests failed: <script>@team/sec</script>"),
    )
    b = replace(b, plan_id="*p* @x")
    b, got = claim(b, "evil [x](https://e.example) @mallory", T0)
    assert got is not None
    text = render_progress(b, VIEW)
    lines = text.splitlines()
    assert lines[0] == r"### Progress: plan \*p\* `@x`"
    assert lines[2].startswith(r"1 agent active; locks: src/&lt;b&gt;`@admin`&lt;/b&gt;\_x.py (A);")
    assert lines[6] == (
        r"| 🔒 leased | A | \*\*Bold\*\* &lt;img src=x onerror=alert(1)&gt; `@octocat` \| "
        r"&#91;a&#93;(javascript:x) `#12` 'x' - &#91; &#93; &lt;!--k--&gt; "
        r"| evil &#91;x&#93;(https://e.example) `@mallory` | 20 min / 10 min | - | - |"
    )
    assert lines[7] == r"| ⏸️ pending | B\|`@root` | Step B | - | - / 10 min | - | dependency: A |"
    assert lines[8].endswith(r"| tests failed: &lt;script&gt;`@team/sec`&lt;/script&gt; |")
    for live in ("<img", "<script", "<!--", "[ ]", "](javascript", " @octocat", " @mallory"):
        assert live not in text


def test_a_cut_code_span_does_not_shield_emphasis() -> None:
    b = board(replace(task("A"), title="x" * 110 + " @org/a_b_c"))
    row = render_progress(b, VIEW).splitlines()[6]
    assert "| " + "x" * 110 + r" `@org/a\_… |" in row  # a cut span is no span: plain text
    loose = board(replace(task("A"), title="a_b *c* `@d` ~e~"))
    assert r"| a\_b \*c\* '`@d`' \~e\~ |" in render_progress(loose, VIEW)


def test_an_owner_links_to_its_run_only_in_the_workers_form() -> None:
    assert owner_name("1234.2", "work", 3) == "1234.2/work/3"
    assert run_link("1234.2/work/3", RUNS + "/") == f"[1234.2/work/3]({RUNS}/1234)"
    assert run_link("1234.2/work/3", "") == "1234.2/work/3"  # a local run has no page
    assert run_link("w1", RUNS) == "w1"
    with pytest.raises(ValueError, match=r"worker owner 'local/work/1' is not <run id>"):
        owner_name("local", "work", 1)


def test_a_pull_request_link_is_made_only_from_an_https_url() -> None:
    a = replace(
        ended(task("A", "a.py"), TaskStatus.DONE),
        result=WorkResult(ok=True, branch="kairos/plan-7/A"),
    )

    def pr_cell(url: str) -> str:
        proposed = replace(board(a), pulls={"A": url})
        return render_progress(proposed, VIEW).splitlines()[6].split(" | ")[5]

    assert pr_cell(PR_A) == f"[PR 45]({PR_A})"
    assert pr_cell("javascript:alert(1)//)") == "javascript:alert(1)//)"
    assert pr_cell("https://x.example/a) [b](c") == "https://x.example/a) &#91;b&#93;(c"


def test_elapsed_runs_from_the_first_claim_to_the_end_or_now() -> None:
    b = board(task("A", "a.py", attempts=3))
    b, first = claim(b, "w1", T0)
    assert first is not None
    b = finish(b, Report("A", first.fence, T0 + 5 * MIN), WorkResult(ok=False, note="red"))
    b, second = claim(b, "w2", T0 + 7 * MIN)
    assert second is not None
    view = replace(VIEW, now=T0 + 70 * MIN + 59 * timedelta(seconds=1))
    assert "| w2 | 1 h 10 min / 10 min |" in render_progress(b, view)
    b = finish(b, Report("A", second.fence, T0 + 9 * MIN), WorkResult(ok=True))
    assert "| w2 | 9 min / 10 min |" in render_progress(b, view)
    broken = replace(b.tasks[0], history=(*b.tasks[0].history, TaskEvent("yesterday", "done")))
    assert "| w2 | ? / 10 min |" in render_progress(board(broken), view)


def test_progress_is_the_done_share_of_estimated_work_rounded_down() -> None:
    big, small = minutes(task("A"), 999), minutes(task("B"), 1)
    assert done_share(board(ended(big, TaskStatus.DONE), small)) == 99
    assert done_share(board(ended(big, TaskStatus.DONE), ended(small, TaskStatus.DONE))) == 100
    unestimated = (minutes(task("A"), 0), minutes(task("B"), 0), minutes(task("C"), 0))
    assert done_share(board(ended(unestimated[0], TaskStatus.DONE), *unestimated[1:])) == 33
    assert done_share(board()) == 0


def test_a_budget_block_and_a_long_board_are_shown_bounded() -> None:
    tasks = [task(f"T{i:02d}", f"f{i}.py") for i in range(MAX_ROWS + 5)]
    b = refreshed(board(*tasks, budget=1.0), T0)
    b, got = claim(b, "w1", T0)
    assert got is not None
    b = finish(b, Report(got.task.id, got.fence, T0), WorkResult(ok=True, usd=1.5))
    lines = render_progress(b, VIEW).splitlines()
    assert lines[7].endswith("| budget: $1.50 of $1.00 spent |")
    assert "_5 more steps are not shown._" in lines
    locked = board(*(task(f"L{i}", f"l{i}.py") for i in range(10)))
    for i in range(10):
        locked, _ = claim(locked, f"w{i}", T0)
    assert header_line(locked, VIEW).startswith("10 agents active; locks: l0.py (L0), l1.py")
    assert "l7.py (L7) and 2 more; conflicts resolved" in header_line(locked, VIEW)


def test_an_open_question_shows_one_box_per_option_and_an_answer_shows_who_chose() -> None:
    b = replace(
        board(task("S1", "a.py", decisions=("D2",)), task("S2", "b.py", deps=("S1",))),
        decisions={"D2": None},
        questions=(
            Question("D2", "Keep *v1* exports?", ("keep v1", "@all move to v2"), "S1", "t"),
        ),
    )
    shown = render_progress(b, VIEW)
    assert "#### Decision D2: Keep \\*v1\\* exports?" in shown
    assert "Asked while carrying out S1; waiting: S1." in shown
    assert "- [ ] a: keep v1 <!-- kairos:board=ffffffff:dp=D2:opt=a -->" in shown
    assert "- [ ] b: `@all` move to v2 <!-- kairos:board=ffffffff:dp=D2:opt=b -->" in shown
    assert read_answers("f" * 64, shown) == ({}, ())
    ticked = shown.replace("- [ ] b:", "- [x] b:")
    assert read_answers("f" * 64, ticked) == ({"D2": "b"}, ())
    assert read_answers("e" * 64, ticked) == ({}, ())  # another version's comment
    both = ticked.replace("- [ ] a:", "- [X] a:")
    assert read_answers("f" * 64, both) == ({}, ("D2: 2 options ticked; tick one",))
    decided = replace(
        b, decisions={"D2": "b"}, questions=(replace(b.questions[0], answered_by="maria"),)
    )
    after = render_progress(decided, VIEW)
    assert "Decided by maria: b: " in after and "- [ ]" not in after
