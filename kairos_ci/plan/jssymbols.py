"""JavaScript and TypeScript definitions, references and imports, from a small tokenizer.

Comments and strings are tokens of their own, so a name in a comment is no reference and
a module specifier is only read from a string in an import position: ``import ... from
'x'``, ``import 'x'``, ``export ... from 'x'``, ``require('x')`` and ``import('x')``.
Regular-expression literals are not recognised; a quote inside one can hide code up to the
next matching quote, which costs some references, never correctness of what is found.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from kairos_ci.plan.symbols import (
    FileSymbols,
    ImportRef,
    SymbolDefinition,
    first_definitions,
    signature,
)

_TOKEN = re.compile(
    r"(?P<comment>//[^\n]*|/\*.*?(?:\*/|\Z))"
    r"|(?P<string>'(?:\\.|[^'\\\n])*'?|\"(?:\\.|[^\"\\\n])*\"?|`(?:\\.|[^`\\])*`?)"
    r"|(?P<ident>[A-Za-z_$][\w$]*)"
    r"|(?P<newline>\n)"
    r"|(?P<punct>[^\s\w$'\"`])",
    re.DOTALL,
)
_RESERVED = """
    abstract as async await break case catch class const continue debugger declare default
    delete do else enum export extends false finally for from function get if implements
    import in instanceof interface let new null of package private protected public readonly
    return set static super switch this throw true try type typeof undefined var void while
    with yield
"""
KEYWORDS = frozenset(_RESERVED.split())
_DECLARERS = frozenset({"function", "class", "interface", "enum", "type", "const", "let", "var"})


@dataclass(frozen=True)
class _Token:
    kind: str  # ident, string, punct
    text: str
    line: int


def script_symbols(path: str, text: str) -> FileSymbols:
    tokens = _tokens(text)
    lines = text.splitlines()
    defines: list[SymbolDefinition] = []
    references: Counter[str] = Counter()
    imports: list[ImportRef] = []
    for index, token in enumerate(tokens):
        if token.kind == "string":
            found = _import_at(tokens, index)
            if found is not None:
                imports.append(found)
        elif token.kind == "ident" and token.text not in KEYWORDS:
            references[token.text] += 1
            if _declares(tokens, index):
                defines.append(
                    SymbolDefinition(token.text, token.line, signature(lines, token.line))
                )
    bound = {name for found in imports for name in found.names}
    own = first_definitions([d for d in defines if d.name not in bound])
    language = "TypeScript" if path.endswith(("ts", "tsx")) else "JavaScript"
    return FileSymbols(path, own, dict(references), tuple(imports), language=language)


def _tokens(text: str) -> list[_Token]:
    found: list[_Token] = []
    line = 1
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "punct"
        value = match.group()
        if kind in ("ident", "string", "punct"):
            found.append(_Token(kind, value, line))
        line += value.count("\n")
    return found


def _text(tokens: Sequence[_Token], index: int) -> str:
    return tokens[index].text if 0 <= index < len(tokens) else ""


def _declares(tokens: Sequence[_Token], index: int) -> bool:
    """``function NAME``, ``class NAME``, ``const NAME =``, ``exports.NAME =`` and the like."""
    before = _text(tokens, index - 1)
    if before in _DECLARERS:
        return True
    if before == "." and _text(tokens, index + 1) == "=" and _text(tokens, index + 2) != "=":
        return _text(tokens, index - 2) == "exports"  # exports.x = / module.exports.x =
    return False


def _import_at(tokens: Sequence[_Token], index: int) -> ImportRef | None:
    """The import whose specifier is the string at ``index``, if it is in import position."""
    spec = tokens[index].text[1:-1] if len(tokens[index].text) >= 2 else ""
    if not spec or "${" in spec:
        return None
    line = tokens[index].line
    before = _text(tokens, index - 1)
    if before == "from":
        return ImportRef(spec, _from_bindings(tokens, index - 1), line)
    if before in ("import", "export") and tokens[index - 1].kind == "ident":
        return ImportRef(spec, (), line)
    if before == "(" and _text(tokens, index + 1) == ")":
        callee = _text(tokens, index - 2)
        if callee == "require":
            return ImportRef(spec, _require_bindings(tokens, index - 2), line)
        if callee == "import":
            return ImportRef(spec, (), line)
    return None


def _from_bindings(tokens: Sequence[_Token], from_index: int) -> tuple[str, ...]:
    """Names bound by ``import a, { b as c, d }, * as ns from`` (``export`` binds none)."""
    start = from_index - 1
    while start >= 0 and tokens[start].text not in ("import", "export", ";"):
        start -= 1
    if start < 0 or tokens[start].text != "import":
        return ()
    clause = [t.text for t in tokens[start + 1 : from_index]]
    names: list[str] = []
    for position, word in enumerate(clause):
        if not (word[:1].isalpha() or word[:1] in "_$") or word in ("as", "type"):
            continue
        if position + 1 < len(clause) and clause[position + 1] == "as":
            continue  # the alias that follows is the binding
        names.append(word)
    return tuple(names)


def _require_bindings(tokens: Sequence[_Token], require_index: int) -> tuple[str, ...]:
    """``const x = require(...)`` binds x; ``const { a, b: c } = require(...)`` binds a, c."""
    if _text(tokens, require_index - 1) != "=":
        return ()
    target = require_index - 2
    if target < 0:
        return ()
    if tokens[target].kind == "ident":
        return (tokens[target].text,)
    if tokens[target].text != "}":
        return ()
    names: list[str] = []
    position = target - 1
    while position >= 0 and tokens[position].text != "{":
        token = tokens[position]
        if token.kind == "ident" and _text(tokens, position + 1) != ":":
            names.append(token.text)
        position -= 1
    return tuple(reversed(names))
