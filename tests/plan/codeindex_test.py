from __future__ import annotations

from pathlib import Path

from kairos_ci.plan.codeindex import ImportEdge, IndexLimits, build_index
from kairos_ci.plan.inventory import take_inventory
from tests.plan.express_app import build_express_app
from tests.plan.repos import PYTHON_PROJECT, committed


def test_script_imports_resolve_to_files_or_name_a_package(tmp_path: Path) -> None:
    index = build_index(take_inventory(build_express_app(tmp_path)))
    edges = {(e.source, e.target, e.external) for e in index.edges}
    assert ("src/server.js", "src/app.js", None) in edges
    assert ("test/app.test.js", "src/app.js", None) in edges
    assert ("src/app.js", None, "express") in edges
    assert ("src/routes/users.js", "src/services/store.js", None) in edges
    assert index.externals == {"express", "cors", "supertest", "assert"}
    assert index.importers["src/app.js"] == (
        ImportEdge("src/server.js", "src/app.js", None, ("createApp",), 1),
        ImportEdge("test/app.test.js", "src/app.js", None, ("createApp",), 2),
    )


def test_script_specifiers_find_extensions_index_files_and_ts_sources(tmp_path: Path) -> None:
    files = {
        "src/main.ts": (
            "import { a } from './lib';\nimport b from './b.js';\nimport '@scope/pkg/x';\n"
        ),
        "src/lib/index.ts": "export const a = 1;\n",
        "src/b.ts": "export default 2;\n",
        "src/up.js": "require('../../outside');\n",
    }
    index = build_index(take_inventory(committed(tmp_path, files)))
    edges = {(e.source, e.target, e.external) for e in index.edges}
    assert edges == {
        ("src/main.ts", "src/lib/index.ts", None),
        ("src/main.ts", "src/b.ts", None),
        ("src/main.ts", None, "@scope/pkg"),
        ("src/up.js", None, None),
    }


def test_python_imports_resolve_in_a_src_layout(tmp_path: Path) -> None:
    index = build_index(take_inventory(committed(tmp_path, PYTHON_PROJECT)))
    edges = {(e.source, e.target, e.external, e.names) for e in index.edges}
    assert edges == {
        ("src/shop/app.py", None, "flask", ("Flask",)),
        ("src/shop/app.py", "src/shop/config.py", None, ("load_config",)),
        ("src/shop/app.py", "src/shop/views.py", None, ("views",)),
        ("src/shop/views.py", None, "flask", ("flask",)),
        ("src/shop/cli.py", "src/shop/app.py", None, ("shop",)),
        ("tests/test_app.py", "src/shop/app.py", None, ("create_app",)),
        ("tests/test_app.py", "src/shop/config.py", None, ("load_config",)),
    }
    assert index.definers["load_config"] == ("src/shop/config.py",)


def test_the_index_is_bounded_and_says_so(tmp_path: Path) -> None:
    index = build_index(
        take_inventory(committed(tmp_path, PYTHON_PROJECT)), IndexLimits(max_files=2)
    )
    assert len(index.files) == 2
    assert index.truncated and index.unread == 4
