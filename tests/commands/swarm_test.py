from __future__ import annotations

import json
from pathlib import Path

import pytest

from kairos_ci.cli import main
from tests.plan.sample import sample_document


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["swarm", "simulate", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_random_dag_prints_its_schedule_makespan_bound_and_ratio(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "--random", "60", "--workers", "3", "--seed", "4", "--locks", "0.3")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "swarm simulate: 60 random tasks (seed 4, locks 0.3), 3 workers"
    assert lines[1].split() == ["start", "end", "worker", "task"]
    assert "  ... and 20 more" in lines  # 40 slots shown
    assert any(line.startswith("makespan ") and ", ratio " in line for line in lines)
    assert any(line.startswith("utilisation ") and "locks" in line for line in lines)
    assert lines[-1].startswith("with 4 workers: makespan ")
    assert (
        run(capsys, "--random", "60", "--workers", "3", "--seed", "4", "--locks", "0.3")[1] == out
    )


def test_a_plan_s_steps_are_scheduled_by_their_estimates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(sample_document()))
    code, out, _ = run(capsys, "--plan", str(plan), "--workers", "2")
    assert code == 0
    assert out.splitlines()[0] == f"swarm simulate: 4 steps of {plan}, 2 workers"
    # S1 (10) then S2 (20), then S3 (10) and S4 (15) side by side: the critical path.
    assert "makespan 45.0 min, LB 45.0 min (critical path), ratio 1.000" in out


def test_a_file_that_is_not_a_plan_is_refused_by_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "plan.json"
    broken.write_text("{not json")
    code, _, err = run(capsys, "--plan", str(broken), "--workers", "2")
    assert code == 1
    assert f"{broken}: not a readable plan JSON file" in err
    broken.write_text('{"steps": []}')
    code, _, err = run(capsys, "--plan", str(broken), "--workers", "2")
    assert code == 1 and "not a valid plan" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--random", "5", "--workers", "0"], "--workers must be 1 to 256"),
        (["--random", "20000", "--workers", "2"], "--random must be 1 to 10000"),
        (["--random", "5", "--workers", "2", "--locks", "1.5"], "--locks is a chance"),
    ],
)
def test_sizes_out_of_bounds_are_usage_errors(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2 and message in err
