"""Reading report files into records, one file at a time, never raising for a bad file.

``parse_report`` is the entry point: it detects the format by content when asked
(``auto``), streams XML, and turns every problem with the file into an ``ErrorRecord``
so that the other files of a run still count.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import chain
from pathlib import Path
from typing import Any

from kairos_ci.errors import InputError
from kairos_ci.signals import checkstyle, jsondoc, junit, linters, sarif, source, xmlstream
from kairos_ci.signals.budget import RunTally
from kairos_ci.signals.records import ErrorRecord, Record, ReportFormat, ReportLimits

_XML_FORMATS = (ReportFormat.JUNIT, ReportFormat.CHECKSTYLE)
_FOREIGN_XML = {
    "test-run": "NUnit 3 XML",
    "test-results": "NUnit 2 XML",
    "test-suite": "NUnit XML",
    "assemblies": "xUnit.net XML",
    "assembly": "xUnit.net XML",
    "TestRun": "Visual Studio TRX",
    "failsafe-summary": "a Maven Failsafe summary (not a test report)",
    "pmd": "PMD XML",
    "BugCollection": "SpotBugs XML",
    "html": "HTML",
}


def parse_report(
    path: Path | str,
    fmt: ReportFormat | str = ReportFormat.AUTO,
    *,
    display: str | None = None,
    root: Path | str | None = None,
    limits: ReportLimits | None = None,
    tally: RunTally | None = None,
) -> Iterator[Record]:
    """Records from one report; problems become an ``ErrorRecord``, never an exception.

    ``display`` names the file in records (default: ``path`` as given); ``root`` is the
    checkout as the report's producer saw it, for repository-relative paths. Records
    read before a file turns out to be truncated are kept, followed by its error record.
    ``tally``, shared by every report of a run, holds the run to its budget (``budget``).
    """
    shown = display if display is not None else str(path)
    limits = limits or ReportLimits()

    def batches() -> Iterator[Sequence[Record]]:
        try:
            if tally is not None:
                tally.admit(source.check_size(Path(path), limits))
            for batch in _records(Path(path), ReportFormat(fmt), shown, _root(root), limits):
                if tally is not None and (fits := tally.take(batch)) < len(batch):
                    yield batch[:fits]
                    raise tally.stop()
                yield batch
        except InputError as err:
            yield (ErrorRecord(shown, str(err)),)

    # Batches inside, records outside: chain hands out a batch's records in C, with no
    # generator resumed per record (a 100,000-testcase file is 100,000 resumptions).
    return chain.from_iterable(batches())


def parse_reports(
    paths: Iterable[Path | str],
    fmt: ReportFormat | str = ReportFormat.AUTO,
    *,
    root: Path | str | None = None,
    limits: ReportLimits | None = None,
    tally: RunTally | None = None,
) -> Iterator[Record]:
    for path in paths:
        yield from parse_report(path, fmt, root=root, limits=limits, tally=tally)


def _root(root: Path | str | None) -> str | None:
    """The checkout as a POSIX-style string; a Windows path (from a Windows-built report)
    is kept as written, a relative one is resolved against the working directory."""
    if root is None:
        return None
    text = str(root).replace("\\", "/")
    if text.startswith("/") or (len(text) > 2 and text[1] == ":" and text[2] == "/"):
        return text
    return Path(text).resolve().as_posix()


def _records(
    path: Path, fmt: ReportFormat, display: str, root: str | None, limits: ReportLimits
) -> Iterator[Sequence[Record]]:
    kind = _sniff(path, limits)
    if fmt in _XML_FORMATS or (fmt is ReportFormat.AUTO and kind == "xml"):
        if kind != "xml":
            raise InputError(f"expected {fmt.value} XML, but the file is not XML")
        yield from _xml(path, fmt, display, root, limits)
        return
    if kind != "json":
        raise InputError(f"expected {fmt.value} JSON, but the file is {kind or 'not JSON'}")
    for record in _json(jsondoc.load(path, limits), fmt, display, root, limits):
        yield (record,)


def _sniff(path: Path, limits: ReportLimits) -> str | None:
    """``xml`` or ``json`` from the first non-blank character (after any BOM)."""
    head = b""
    for chunk in source.chunks(path, limits):
        head = chunk[:4096]
        break
    if not head:
        raise InputError("empty file")
    start = source.decode(head, lenient=True).lstrip()[:1]
    if start == "<":
        return "xml"
    if start in ("{", "["):
        return "json"
    raise InputError("not a report: it is neither XML nor JSON")


def _xml(
    path: Path, fmt: ReportFormat, display: str, root: str | None, limits: ReportLimits
) -> Iterator[list[Record]]:
    def pick(tag: str) -> xmlstream.Handler | None:
        if tag in junit.ROOTS and fmt in (ReportFormat.AUTO, ReportFormat.JUNIT):
            return junit.JUnitHandler(display, root, limits)
        if tag == "checkstyle" and fmt in (ReportFormat.AUTO, ReportFormat.CHECKSTYLE):
            return checkstyle.CheckstyleHandler(display, root, limits, "checkstyle")
        raise InputError(_foreign_xml(tag, fmt))

    yield from xmlstream.stream(path, pick, limits)


def _foreign_xml(tag: str, fmt: ReportFormat) -> str:
    known = _FOREIGN_XML.get(tag)
    what = f"{known} (root <{tag}>)" if known else f"XML with root <{tag}>"
    wanted = "JUnit or checkstyle XML" if fmt is ReportFormat.AUTO else f"{fmt.value} XML"
    return f"{what} is not {wanted}, which is what kairos reads"


def _json(
    doc: Any, fmt: ReportFormat, display: str, root: str | None, limits: ReportLimits
) -> Iterator[Record]:
    kind = fmt.value
    if fmt is ReportFormat.AUTO:
        if sarif.is_sarif(doc):
            kind = "sarif"
        elif doc == []:
            return  # a linter that found nothing: any of the array formats
        else:
            kind = linters.kind_of(doc) or ""
    elif kind != "sarif" and doc != [] and linters.kind_of(doc) != kind:
        raise InputError(f"not {kind} JSON output ({_shape(doc)})")
    if kind == "sarif":
        yield from sarif.read(doc, display, root, limits)
    elif kind == "ruff":
        yield from linters.ruff(doc, display, root, limits)
    elif kind == "eslint":
        yield from linters.eslint(doc, display, root, limits)
    elif kind == "pylint":
        yield from linters.pylint(doc, display, root, limits)
    else:
        raise InputError(f"JSON that is not SARIF, ruff, ESLint or pylint output ({_shape(doc)})")


def _shape(doc: Any) -> str:
    if isinstance(doc, dict):
        keys = ", ".join(sorted(str(key) for key in doc)[:6])
        return f"an object with keys {keys}" if keys else "an empty object"
    if isinstance(doc, list):
        return f"an array of {len(doc)} items"
    return f"a {type(doc).__name__}"
