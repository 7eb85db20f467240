from __future__ import annotations

from pathlib import Path

import pytest

from kairos_ci.errors import InputError
from kairos_ci.plan.checkpoints import DirectoryCheckpoints
from kairos_ci.plan.records import Phase


def test_a_saved_phase_loads_back_and_others_are_absent(tmp_path: Path) -> None:
    store = DirectoryCheckpoints(tmp_path)
    store.save("shop-7-v1-abc", Phase.SURVEY, {"data": {"files": 3}})
    assert store.load("shop-7-v1-abc", Phase.SURVEY) == {"data": {"files": 3}}
    assert store.load("shop-7-v1-abc", Phase.IMPACT) is None
    assert list((tmp_path / "shop-7-v1-abc").iterdir()) == [
        tmp_path / "shop-7-v1-abc" / "survey.json"
    ]


def test_a_key_that_could_leave_the_folder_is_refused(tmp_path: Path) -> None:
    store = DirectoryCheckpoints(tmp_path)
    for key in ("../x", "a/b", "..", ""):
        with pytest.raises(ValueError, match="checkpoint job key"):
            store.save(key, Phase.INTAKE, {})


def test_a_damaged_checkpoint_is_an_error_not_a_fresh_start(tmp_path: Path) -> None:
    store = DirectoryCheckpoints(tmp_path)
    (tmp_path / "job").mkdir()
    (tmp_path / "job" / "intake.json").write_text("{half")
    with pytest.raises(InputError, match="checkpoint is not JSON"):
        store.load("job", Phase.INTAKE)
    (tmp_path / "job" / "intake.json").write_text("[1]")
    with pytest.raises(InputError, match="not a JSON object"):
        store.load("job", Phase.INTAKE)
