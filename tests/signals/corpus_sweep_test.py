"""Every file in ../shared/corpus: records or error records, never an exception.

Each file is read in auto mode; every record must serialize and match
schemas/signals.schema.json (the first 50 per file are validated, to keep this fast).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from kairos_ci.config.schema import load_schema
from kairos_ci.signals.read import parse_report
from kairos_ci.signals.serialize import to_json
from tests.conftest import shared_path


def _files() -> list[str]:
    base = shared_path() / "corpus"
    if not base.is_dir():
        return []
    return sorted(p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def validator() -> Any:
    import jsonschema

    schema = load_schema("signals")
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("name", _files())
def test_corpus_file(shared_dir: Path, validator: Any, name: str) -> None:
    path = shared_dir / "corpus" / name
    records = list(parse_report(path, root=shared_dir / "corpus"))  # must not raise
    for index, record in enumerate(records):
        assert record.file == str(path)
        document = json.loads(json.dumps(to_json(record)))
        if index < 50:
            validator.validate(document)
    errors = [r for r in records if r.kind == "error"]
    assert len(errors) <= 1  # one error per file, and it is the last record
    if errors:
        assert records[-1] is errors[0] and errors[0].message.strip()


def test_corpus_sweep_found_real_evidence(shared_dir: Path) -> None:
    totals = Counter[str]()
    for name in _files():
        for record in parse_report(shared_dir / "corpus" / name):
            totals[record.kind] += 1
    # Counted from the corpus when this test was written; a reader regression drops these.
    assert totals["test"] >= 12_900
    assert totals["finding"] >= 4_290
    # 264: two SARIF logs whose tool did not finish and listed no results are errors now,
    # not clean runs (issue 21).
    assert totals["error"] <= 264
