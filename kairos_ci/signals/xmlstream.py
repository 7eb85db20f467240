"""Streaming, hardened XML: an expat parser pushes events straight into a handler.

The parser refuses any DOCTYPE, entity declaration and external reference before
anything can expand or be fetched: defusedxml's own refusal handlers
(``defusedxml.ElementTree.DefusedXMLParser`` with ``forbid_dtd=True``) are installed on
it. Only expat's element and text handlers point at a ``Handler``, so no tree and no
per-event ElementTree layer is built: memory stays flat and the cost per testcase is
what the handler does. (``defusedxml.ElementTree.iterparse`` builds an element per node
and costs about 1.6x lxml before any work is done.)

The parser is made here rather than taken from defusedxml's, for two costs per element:

- no string interning: pyexpat otherwise looks every tag and attribute name up in a
  dict of its own (5 % of reading a JUnit file);
- no default handler: with no character-data handler, expat hands text to the default
  handler, and ElementTree's is a Python method: every run of whitespace between two
  elements cost a Python call (13 % of an all-pass file). It has nothing to refuse here:
  with no DTD allowed, expat itself rejects an undefined entity.

Why expat and not lxml (issue 21 asked for 1.5x lxml's ``iterparse``): the parser is not
where the time goes. bench/parse_junit.py times bare expat with a start handler next to
lxml's ``iterparse`` in one interleaved run: expat costs 0.8-0.95x lxml's CPU.
Everything kairos spends above that is building records (identity, suite path, repository
path, line, attempts, failure text), which lxml would not remove. Moving to lxml would add
a compiled runtime dependency and a second hardening to prove (no DTD, no entities, no
network, size caps) for no gain; the records are what to make cheaper (``junit_build``).

The garbage collector is paused while expat parses a chunk: the handlers make no cycles,
and otherwise its young-generation passes rescan the records a chunk allocates.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol
from xml.parsers import expat

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser

from kairos_ci.errors import InputError, InputTooLarge
from kairos_ci.signals import source
from kairos_ci.signals.records import Record, ReportLimits

Listen = Callable[[bool], None]


def ignore_text(on: bool) -> None:
    return None


class Handler(Protocol):
    """Receives expat events. Tags may carry a namespace as ``uri}local``; strip it.

    Text is delivered to ``data`` only between ``listen(True)`` and ``listen(False)``:
    the whitespace between elements would otherwise cost a Python call each.
    """

    listen: Listen

    def start(self, tag: str, attrs: dict[str, str]) -> None: ...
    def end(self, tag: str) -> None: ...
    def data(self, text: str) -> None: ...
    def drain(self) -> list[Record]: ...
    def finish(self) -> list[Record]: ...
    def salvage(self) -> list[Record]: ...  # what was complete when the file broke off


HandlerFactory = Callable[[str], Handler | None]  # root tag -> handler, or None: foreign


def local(tag: str) -> str:
    return tag.rpartition("}")[2] if "}" in tag else tag


class Depth:
    """Nesting guard for handlers: call ``enter`` on every start, ``leave`` on every end."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.depth = 0

    def enter(self) -> None:
        self.depth += 1
        if self.depth > self.limit:
            raise InputTooLarge(f"elements nested deeper than {self.limit}")

    def leave(self) -> None:
        self.depth -= 1


class _NoTree:
    """The ElementTree target defusedxml's parser wants; only its refusals are used."""

    def close(self) -> None:
        return None


_REFUSALS = (
    "StartDoctypeDeclHandler",
    "EntityDeclHandler",
    "UnparsedEntityDeclHandler",
    "ExternalEntityRefHandler",
)


def hardened_parser() -> Any:
    """A pyexpat parser with defusedxml's refusal handlers, no string interning, no
    default handler, and attributes as a dict (built in C)."""
    defused = DefusedXMLParser(target=_NoTree(), forbid_dtd=True).parser
    parser = expat.ParserCreate(None, "}", intern=None)
    for refusal in _REFUSALS:
        setattr(parser, refusal, getattr(defused, refusal))
    parser.buffer_text = True
    parser.ordered_attributes = False
    return parser


def _hardened(pick: HandlerFactory, chosen: list[Handler]) -> Any:
    expat_parser = hardened_parser()

    def root(tag: str, attrs: dict[str, str]) -> None:
        handler = pick(local(tag))
        if handler is None:
            raise InputError(f"root element <{local(tag)}> is not a format this reader reads")
        chosen.append(handler)
        expat_parser.StartElementHandler = handler.start
        expat_parser.EndElementHandler = handler.end

        def listen(on: bool) -> None:
            expat_parser.CharacterDataHandler = handler.data if on else None

        handler.listen = listen
        handler.start(tag, attrs)

    expat_parser.StartElementHandler = root
    return expat_parser


def stream(path: Path, pick: HandlerFactory, limits: ReportLimits) -> Iterator[list[Record]]:
    """Records from an XML report in batches (one per chunk read), as the file is read.

    Raises ``InputError`` (with the line where it applies) for anything that is not a
    well-formed, DTD-free document with a root ``pick`` accepts. Records finished before
    the damage in a broken file are yielded first: they are real results.
    """
    chosen: list[Handler] = []
    parser = _hardened(pick, chosen)
    failure: InputError | None = None
    size = 0
    try:
        for chunk in source.chunks(path, limits):
            size += len(chunk)
            paused = gc.isenabled()
            if paused:
                gc.disable()
            try:
                parser.Parse(chunk, False)
            finally:
                if paused:
                    gc.enable()
            if chosen:
                yield chosen[0].drain()
        if size == 0:
            raise InputError("empty file")
        parser.Parse(b"", True)
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden) as err:
        failure = InputError(_refusal(err, parser.CurrentLineNumber))
    except expat.ExpatError as err:
        failure = InputError(f"not well-formed XML: {err}")
    except InputError as err:
        failure = err
    if not chosen:
        raise failure or InputError("no root element")
    if failure is not None:
        yield chosen[0].salvage()
        raise failure
    yield chosen[0].finish()


def _refusal(err: Exception, line: int) -> str:
    if isinstance(err, DTDForbidden):
        what = "a DOCTYPE (DTD) declaration"
    elif isinstance(err, EntitiesForbidden):
        what = "an entity declaration"
    else:
        what = "an external entity reference"
    return f"refused {what} at line {line}: reports must not declare or load entities"
