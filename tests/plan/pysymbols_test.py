from __future__ import annotations

from kairos_ci.plan.pysymbols import python_symbols
from kairos_ci.plan.symbols import ImportRef

SOURCE = '''"""doc mentioning load_config"""
import os.path
import json as j
from flask import Flask, request as req
from . import views
from ..core.settings import *
LIMIT = 3
name: str = "x"


class App:
    def load_config(self):
        return os.path.join(LIMIT)


async def serve():
    app = Flask(__name__)
'''


def test_definitions_imports_and_references() -> None:
    symbols = python_symbols("pkg/app.py", SOURCE)
    assert [(d.name, d.line) for d in symbols.defines] == [
        ("LIMIT", 7),
        ("name", 8),
        ("App", 11),
        ("load_config", 12),
        ("serve", 16),
    ]
    assert symbols.imports == (
        ImportRef("os.path", ("os",), 2),
        ImportRef("json", ("j",), 3),
        ImportRef("flask", ("Flask", "req"), 4, from_import=True),
        ImportRef(".", ("views",), 5, from_import=True),
        ImportRef("..core.settings", (), 6, from_import=True),
    )
    assert symbols.count("Flask") == 2  # the import and the call
    assert symbols.count("load_config") == 0  # a definition and a docstring are no use
    assert symbols.count("join") == 1


def test_a_syntax_error_still_counts_identifiers() -> None:
    symbols = python_symbols("bad.py", "def broken(:\n    express_app = 1\n")
    assert not symbols.parsed
    assert symbols.count("express_app") == 1 and symbols.count("def") == 0
