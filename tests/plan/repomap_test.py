from __future__ import annotations

from pathlib import Path

from kairos_ci.plan.codeindex import CodeIndex, build_index
from kairos_ci.plan.inventory import take_inventory
from kairos_ci.plan.repomap import (
    fit_map,
    name_weight,
    rank_definitions,
    render,
    repository_map,
)
from kairos_ci.plan.symbols import FileSymbols, SymbolDefinition
from tests.plan.repos import PYTHON_PROJECT, committed


def index_of(files: dict[str, FileSymbols]) -> CodeIndex:
    return CodeIndex(files, (), 0, False)


def symbols(path: str, defines: tuple[str, ...], **refs: int) -> FileSymbols:
    definitions = tuple(SymbolDefinition(n, i + 1, f"def {n}():") for i, n in enumerate(defines))
    return FileSymbols(path, definitions, refs, ())


def test_name_weights_favour_goal_names_and_specific_ones() -> None:
    assert name_weight("run", frozenset(), 1) == 1.0
    assert name_weight("load_config", frozenset(), 1) == 10.0
    assert name_weight("loadConfig", frozenset({"loadconfig"}), 1) == 100.0
    assert name_weight("_x", frozenset(), 6) == 0.1 * 0.1


def test_the_goal_s_names_rank_first() -> None:
    index = index_of(
        {
            "a.py": symbols("a.py", ("alpha", "beta")),
            "b.py": symbols("b.py", (), alpha=5, beta=5),
            "c.py": symbols("c.py", (), alpha=1, beta=1),
        }
    )
    neutral = rank_definitions(index, ())
    assert {d.name for d in neutral} == {"alpha", "beta"}
    assert neutral[0].rank == neutral[1].rank
    assert [d.name for d in rank_definitions(index, ("beta",))] == ["beta", "alpha"]


def test_a_referenced_definition_outranks_an_unreferenced_one(tmp_path: Path) -> None:
    index = build_index(take_inventory(committed(tmp_path, PYTHON_PROJECT)))
    ranked = rank_definitions(index, ("flask",))
    names = [d.name for d in ranked]
    assert names[0] == "load_config"  # app.py imports flask and uses it
    assert set(names[:2]) == {"load_config", "create_app"}
    assert "main" not in names  # nothing refers to it and the goal does not name it


def test_the_map_fits_the_budget_and_keeps_the_best(tmp_path: Path) -> None:
    index = build_index(take_inventory(committed(tmp_path, PYTHON_PROJECT)))
    whole = repository_map(index, ("load_config",), 10_000)
    assert whole.shown == len(whole.ranked)
    assert whole.text.startswith("src/shop/config.py:\n  1: def load_config(path):\n")
    tight = fit_map(whole.ranked, 12)
    assert tight.tokens <= 12 and tight.shown == 1
    assert fit_map(whole.ranked, 1).text == ""
    assert render(()) == ""
