from __future__ import annotations

from kairos_ci.plan.jssymbols import script_symbols
from kairos_ci.plan.symbols import ImportRef

SOURCE = """// require('commented-out')
const express = require('express');
const { Router, json: parseJson } = require("express");
import fastify, { a as b, c } from 'fastify';
import * as ns from './lib/ns.js';
import './side';
export { x } from './re';
const lazy = import('./lazy');
function handler(req, res) { res.send('require("not-an-import")'); }
class Server {}
exports.start = () => {};
module.exports.stop = 1;
const app = express();
app.use(express.json()); /* app.use again */
const t = `template ${app}`;
"""


def test_imports_in_every_form_with_their_bindings() -> None:
    symbols = script_symbols("src/a.js", SOURCE)
    assert symbols.imports == (
        ImportRef("express", ("express",), 2),
        ImportRef("express", ("Router", "parseJson"), 3),
        ImportRef("fastify", ("fastify", "b", "c"), 4),
        ImportRef("./lib/ns.js", ("ns",), 5),
        ImportRef("./side", (), 6),
        ImportRef("./re", (), 7),
        ImportRef("./lazy", (), 8),
    )


def test_definitions_leave_out_import_bindings() -> None:
    symbols = script_symbols("src/a.js", SOURCE)
    assert [(d.name, d.line) for d in symbols.defines] == [
        ("lazy", 8),
        ("handler", 9),
        ("Server", 10),
        ("start", 11),
        ("stop", 12),
        ("app", 13),
        ("t", 15),
    ]
    assert symbols.defines[1].signature.startswith("function handler(req, res)")


def test_references_skip_comments_strings_and_keywords() -> None:
    symbols = script_symbols("src/a.js", SOURCE)
    assert symbols.count("express") == 3  # binding, express(), express.json
    assert symbols.count("use") == 1  # the comment's app.use does not count
    assert symbols.count("const") == 0
    assert symbols.count("commented") == 0


def test_typescript_declarations_and_an_unterminated_string() -> None:
    symbols = script_symbols(
        "src/t.ts", "interface Shape {}\ntype Id = string;\nenum E {}\nconst s = 'open"
    )
    assert [d.name for d in symbols.defines] == ["Shape", "Id", "E", "s"]
    assert symbols.language == "TypeScript"
