from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kairos_ci.bundle.intents import Kind
from kairos_ci.bundle.load import bundle_to_dict, dump_bundle, load_bundle, parse_bundle
from kairos_ci.config.records import Level, TaskKind
from kairos_ci.errors import InputError, InputTooLarge
from kairos_ci.memory.records import Spend
from tests.bundle.builders import (
    bundle_data,
    comment_write,
    dashboard_write,
    pr_write,
    with_spend,
)

SHA = "a" * 40


def test_round_trip(tmp_path: Path) -> None:
    data = bundle_data(pr_write(SHA, "diff --git a/x b/x\n"), comment_write(3, "hi", "c-1"))
    bundle = parse_bundle(data)
    assert [w.kind for w in bundle.writes] == [Kind.PULL_REQUEST, Kind.COMMENT]
    assert bundle.writes[0].autonomy is Level.APPROVE
    assert bundle.writes[0].task is TaskKind.FIX_LINT
    dump_bundle(bundle, tmp_path / "out" / "bundle.json")
    assert load_bundle(tmp_path / "out" / "bundle.json") == bundle
    assert bundle_to_dict(bundle) == data


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (lambda d: d["writes"][0]["target"].update(branch="main"), "writes[0].target.branch"),
        (lambda d: d["writes"][0].update(autonomy="yolo"), "writes[0].autonomy"),
        (lambda d: d["writes"][1]["payload"].pop("body"), "writes[1].payload"),
        (lambda d: d.update(repository="not a repo"), "repository"),
        (lambda d: d["writes"][0]["payload"]["change"].update(base_sha="HEAD"), "base_sha"),
        (lambda d: d["writes"][1].update(extra=1), "writes[1]"),
    ],
)
def test_invalid_bundles_are_refused_naming_the_place(mutate: object, where: str) -> None:
    data = bundle_data(pr_write(SHA, "p"), comment_write(3, "hi", "c-1"))
    mutate(data)  # type: ignore[operator]
    with pytest.raises(InputError) as caught:
        parse_bundle(data, "bundle.json")
    assert where in str(caught.value)
    assert str(caught.value).startswith("bundle.json: not a valid bundle")


def test_broken_and_huge_files(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    with pytest.raises(InputError, match="not JSON"):
        load_bundle(broken)
    with pytest.raises(InputError, match="cannot read"):
        load_bundle(tmp_path / "missing.json")
    huge = tmp_path / "huge.json"
    huge.write_text(json.dumps(bundle_data(dashboard_write("x" * 1000))) + " " * (9 << 20))
    with pytest.raises(InputTooLarge):
        load_bundle(huge)


def test_spend_round_trips_as_the_ledger_keeps_it(tmp_path: Path) -> None:
    data = with_spend(bundle_data(comment_write(3, "hi", "c-1")), claude_haiku_4_5=0.25)
    bundle = parse_bundle(data)
    assert bundle.run_id == "4242"
    assert bundle.spend is not None and bundle.spend.at == "2026-11-27T03:00:00Z"
    assert bundle.spend.by_model == {"claude-haiku-4-5": Spend(0.25, 25_000, 2_500)}
    dump_bundle(bundle, tmp_path / "bundle.json")
    assert load_bundle(tmp_path / "bundle.json") == bundle
    assert bundle_to_dict(bundle) == data


def test_a_bundle_without_spend_is_written_as_before() -> None:
    data = bundle_data(comment_write(3, "hi", "c-1"))
    assert parse_bundle(data).spend is None
    assert "spend" not in bundle_to_dict(parse_bundle(data))


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (lambda d: d.pop("created_by"), "(root): 'created_by' is a required property"),
        (lambda d: d["created_by"].pop("run_id"), "created_by: 'run_id' is a required"),
        (lambda d: d["spend"]["models"].clear(), "spend.models:"),
        (lambda d: d["spend"]["models"]["m"].update(usd=-1), "spend.models.m.usd:"),
        (
            lambda d: d["spend"]["models"].update({"a b": d["spend"]["models"]["m"]}),
            "spend.models:",
        ),
        (lambda d: d["spend"].update(at="yesterday"), "spend.at:"),
    ],
)
def test_spend_is_refused_without_a_run_to_count_it_under(mutate: Any, where: str) -> None:
    data = with_spend(bundle_data(), m=0.5)
    mutate(data)
    with pytest.raises(InputError) as caught:
        parse_bundle(data)
    assert where in str(caught.value)
