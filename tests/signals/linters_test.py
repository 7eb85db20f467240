"""ruff, ESLint, pylint JSON and checkstyle XML: synthetic samples and the corpus."""

from __future__ import annotations

import json
from pathlib import Path

from kairos_ci.signals.records import Severity
from tests.signals.helpers import errors_of, findings_of, read, write


def test_ruff_json_and_json_lines(tmp_path: Path) -> None:
    items = [
        {
            "code": "F401",
            "message": "`os` imported but unused",
            "location": {"row": 1, "column": 8},
            "end_location": {"row": 1, "column": 10},
            "filename": "/work/repo/src/a.py",
        },
        {
            "code": None,
            "message": "SyntaxError: invalid syntax",
            "location": {"row": 3, "column": 1},
            "end_location": {"row": 3, "column": 2},
            "filename": "/work/repo/src/b.py",
            "severity": "error",
        },
    ]
    as_json = findings_of(read(write(tmp_path, "r.json", json.dumps(items)), root="/work/repo"))
    lines = "\n".join(json.dumps(i) for i in items) + "\n"
    as_lines = findings_of(read(write(tmp_path, "r.jsonl", lines), "ruff", root="/work/repo"))
    assert [(f.rule, f.path, f.start_line, f.start_column, f.severity) for f in as_json] == [
        ("F401", "src/a.py", 1, 8, Severity.ERROR),
        (None, "src/b.py", 3, 1, Severity.ERROR),
    ]
    assert [f.fingerprint for f in as_lines] == [f.fingerprint for f in as_json]


def test_eslint_json_and_with_metadata(tmp_path: Path) -> None:
    results = [
        {
            "filePath": "/work/repo/web/app.js",
            "messages": [
                {
                    "ruleId": "no-unused-vars",
                    "severity": 1,
                    "message": "x unused",
                    "line": 1,
                    "column": 10,
                    "endLine": 1,
                },
                {
                    "ruleId": None,
                    "fatal": True,
                    "severity": 2,
                    "message": "Parsing error",
                    "line": 4,
                },
                {"ruleId": "info-only", "severity": 0, "message": "meh"},
            ],
        },
        {"filePath": "/work/repo/clean.js", "messages": []},
    ]
    plain = findings_of(read(write(tmp_path, "e.json", json.dumps(results)), root="/work/repo"))
    wrapped = {"results": results, "metadata": {"rulesMeta": {}}}
    meta = findings_of(read(write(tmp_path, "m.json", json.dumps(wrapped)), root="/work/repo"))
    assert [(f.rule, f.severity, f.path, f.start_line) for f in plain] == [
        ("no-unused-vars", Severity.WARNING, "web/app.js", 1),
        (None, Severity.ERROR, "web/app.js", 4),
        ("info-only", Severity.NOTE, "web/app.js", None),
    ]
    assert [f.fingerprint for f in meta] == [f.fingerprint for f in plain]


def test_pylint_json_and_json2(tmp_path: Path) -> None:
    old = [
        {"type": "convention", "module": "m", "obj": "", "line": 18, "column": 0, "path": "m.py",
         "symbol": "line-too-long", "message": "Line too long", "message-id": "C0301"},
        {"type": "error", "module": "m", "obj": "f", "line": 2, "column": 4, "path": "m.py",
         "symbol": "no-member", "message": "E", "message-id": "E1101"},
    ]  # fmt: skip
    new = {"messages": [{"type": "warning", "messageId": "W0611", "symbol": "unused-import",
                         "path": "n.py", "line": 1, "column": 0, "message": "unused"}],
           "statistics": {}}  # fmt: skip
    got = findings_of(read(write(tmp_path, "p.json", json.dumps(old))))
    assert [(f.rule, f.severity, f.start_column) for f in got] == [
        ("C0301", Severity.NOTE, 1),  # pylint columns are 0-based
        ("E1101", Severity.ERROR, 5),
    ]
    [second] = findings_of(read(write(tmp_path, "p2.json", json.dumps(new))))
    assert (second.rule, second.severity, second.path) == ("W0611", Severity.WARNING, "n.py")


def test_explicit_format_must_match_the_content(tmp_path: Path) -> None:
    eslint = write(tmp_path, "e.json", json.dumps([{"filePath": "a.js", "messages": []}]))
    [error] = read(eslint, "ruff")
    assert "not ruff JSON" in error.message
    assert read(write(tmp_path, "empty.json", "[]"), "pylint") == []


def test_checkstyle(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "cs.xml",
        """<?xml version="1.0"?><checkstyle version="8.0">
             <file name="/work/repo/src/A.java">
               <error line="0" severity="error" message="Missing package doc."
                      source="PackageHtmlCheck"/>
               <error line="17" column="5" severity="warning"
                      message="&apos;x&apos; hides a field" source="HiddenField"/>
               <error line="3" severity="info" message="note this"/>
             </file><file name="src/B.java"/></checkstyle>""",
    )
    got = findings_of(read(path, root="/work/repo"))
    assert [(f.rule, f.severity, f.path, f.start_line, f.start_column) for f in got] == [
        ("PackageHtmlCheck", Severity.ERROR, "src/A.java", None, None),
        ("HiddenField", Severity.WARNING, "src/A.java", 17, 5),
        (None, Severity.NOTE, "src/A.java", 3, None),
    ]
    assert got[1].message == "'x' hides a field" and got[0].tool == "checkstyle"


# --- the corpus ------------------------------------------------------------------------


def snapshot_stdout(path: Path) -> str:
    """The tool output inside an insta snapshot (between the stdout/stderr markers)."""
    text = path.read_text("utf-8")
    if "----- stdout -----" in text:
        return text.split("----- stdout -----", 1)[1].split("----- stderr -----", 1)[0]
    return text.split("---", 2)[2]


def test_ruff_snapshots(shared_dir: Path, tmp_path: Path) -> None:
    base = shared_dir / "corpus/lint/ruff/astral-sh-ruff/ruff/tests/cli/snapshots"
    cases = {
        "cli__lint__output_format_json.snap": ("ruff", 3),
        "cli__lint__output_format_preview_json-lines.snap": ("ruff", 3),
        "cli__lint__output_format_sarif.snap": ("sarif", 3),
        "cli__lint__output_format_preview_sarif.snap": ("sarif", 3),
    }
    for name, (fmt, count) in cases.items():
        if not (base / name).exists():
            continue
        path = write(tmp_path, name + ".out", snapshot_stdout(base / name))
        got = findings_of(read(path, fmt, root="[TMP]"))
        assert len(got) == count, name
        assert {f.path for f in got} <= {"[TMP]/input.py", "input.py"}, name
    json_ones = findings_of(
        read(
            write(tmp_path, "j", snapshot_stdout(base / "cli__lint__output_format_json.snap")),
            root="[TMP]",
        )
    )
    # Newer ruff names syntax errors "invalid-syntax" (older versions wrote null).
    assert [f.rule for f in json_ones] == ["F401", "F821", "invalid-syntax"]


def test_lint_corpus_files(shared_dir: Path) -> None:
    lint = shared_dir / "corpus/lint"
    expectations = {
        "ruff/jenkinsci-analysis-model/ruff.json": ("ruff", None),
        "eslint/jenkinsci-analysis-model/eslint/eslint.json": ("eslint", None),
        "eslint/jenkinsci-analysis-model/eslint/eslint-with-metadata.json": ("eslint", None),
        "eslint/ataylorme-eslint-annotate-action/eslintReport-1-error.json": ("eslint", None),
        "checkstyle/jenkinsci-analysis-model/checkstyle/all-severities.xml": ("checkstyle", 3),
        "checkstyle/tomasbjerre-violations-lib/checkstyle/golangci-lint.xml": ("checkstyle", 2),
        "checkstyle/tomasbjerre-violations-lib/checkstyle/checkstyle-no-source.xml": (
            "checkstyle",
            1,
        ),
        "eslint/tomasbjerre-violations-lib/eslint/eslint.xml": ("checkstyle", None),
    }
    for name, (tool, count) in expectations.items():
        records = read(lint / name)
        assert not errors_of(records), name
        got = findings_of(records)
        assert got and all(f.tool == tool for f in got), name
        assert count is None or len(got) == count, name
    severities = [
        f.severity
        for f in findings_of(
            read(lint / "checkstyle/jenkinsci-analysis-model/checkstyle/all-severities.xml")
        )
    ]
    assert severities == [Severity.ERROR, Severity.WARNING, Severity.NOTE]


def test_ruff_json_in_corpus_counts(shared_dir: Path) -> None:
    path = shared_dir / "corpus/lint/ruff/jenkinsci-analysis-model/ruff.json"
    items = json.loads(path.read_text("utf-8"))
    got = findings_of(read(path))
    assert [(f.rule, f.path, f.start_line) for f in got] == [
        (i["code"], i["filename"], i["location"]["row"]) for i in items
    ]


def test_eslint_json_in_corpus_counts(shared_dir: Path) -> None:
    path = shared_dir / "corpus/lint/eslint/jenkinsci-analysis-model/eslint/eslint.json"
    items = json.loads(path.read_text("utf-8"))
    messages = [m for entry in items for m in entry["messages"]]
    got = findings_of(read(path))
    assert len(got) == len(messages)
    # The fixture's errorCount (4) disagrees with its messages (two with severity 2, two
    # hand-broken ones with no severity); severity decides for us, as in ESLint itself.
    assert [f.severity is Severity.ERROR for f in got] == [m.get("severity") == 2 for m in messages]
    assert got[-1].message == "no keys" and got[-2].message == "(no message)"
