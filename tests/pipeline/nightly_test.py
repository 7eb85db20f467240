from __future__ import annotations

import pytest

from kairos_ci.config.records import TaskKind
from kairos_ci.errors import UsageError
from kairos_ci.pipeline.nightly import task_kinds


def test_dispatch_inputs_choose_the_tasks() -> None:
    assert task_kinds(None) == frozenset(TaskKind)
    assert task_kinds({"tasks": "fix_lint, update_deps"}) == {
        TaskKind.FIX_LINT,
        TaskKind.UPDATE_DEPS,
    }


def test_an_unknown_task_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown task 'fix_everything'"):
        task_kinds({"tasks": "fix_everything"})
