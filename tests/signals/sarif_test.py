"""SARIF: rules, levels, suppressions, URI bases, versions; synthetic logs and the corpus."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kairos_ci.signals.records import Finding, Notice, Severity
from tests.signals.helpers import errors_of, findings_of, read, write


def log(results: list[dict[str, Any]], **run: Any) -> dict[str, Any]:
    driver = run.pop("driver", {"name": "Scanner"})
    return {"version": "2.1.0", "runs": [{"tool": {"driver": driver}, "results": results, **run}]}


def sarif(tmp_path: Path, doc: dict[str, Any], name: str = "r.sarif") -> list[Any]:
    return read(write(tmp_path, name, json.dumps(doc)), root="/work/repo")


def loc(uri: str, line: int | None = 3, **extra: Any) -> list[dict[str, Any]]:
    region = {"startLine": line, "startColumn": 5} if line else {}
    return [{"physicalLocation": {"artifactLocation": {"uri": uri, **extra}, "region": region}}]


def test_rule_index_default_levels_and_messages(tmp_path: Path) -> None:
    rules = [
        {"id": "R1", "defaultConfiguration": {"level": "error"}},
        {"id": "R2", "messageStrings": {"default": {"text": "Variable '{0}' unused in {1}."}}},
    ]
    doc = log(
        [
            {"ruleIndex": 0, "message": {"text": "from index"}, "locations": loc("a.py")},
            {
                "ruleId": "R1",
                "level": "note",
                "message": {"text": "own level"},
                "locations": loc("a.py"),
            },
            {
                "ruleId": "R2",
                "message": {"id": "default", "arguments": ["x", "f"]},
                "locations": loc("b.py"),
            },
            {"ruleId": "R3", "message": {"text": "no rule metadata"}},
        ],
        driver={"name": "Scanner", "rules": rules},
    )
    got = findings_of(sarif(tmp_path, doc))
    assert [(f.rule, f.severity) for f in got] == [
        ("R1", Severity.ERROR),
        ("R1", Severity.NOTE),
        ("R2", Severity.WARNING),
        ("R3", Severity.WARNING),
    ]
    assert got[2].message == "Variable 'x' unused in f."
    assert (got[0].path, got[0].start_line, got[0].start_column) == ("a.py", 3, 5)
    assert got[3].path is None and got[3].start_line is None


def test_suppressions_baseline_and_kinds(tmp_path: Path) -> None:
    doc = log(
        [
            {"ruleId": "K", "message": {"text": "shown"}},
            {
                "ruleId": "K",
                "message": {"text": "in source"},
                "suppressions": [{"kind": "inSource"}],
            },
            {
                "ruleId": "K",
                "message": {"text": "accepted"},
                "suppressions": [{"status": "accepted"}],
            },
            {
                "ruleId": "K",
                "message": {"text": "rejected: shown"},
                "suppressions": [{"status": "rejected"}],
            },
            {
                "ruleId": "K",
                "message": {"text": "reviewing: shown"},
                "suppressions": [{"status": "underReview"}],
            },
            {"ruleId": "K", "message": {"text": "gone"}, "baselineState": "absent"},
            {"ruleId": "K", "message": {"text": "a pass"}, "kind": "pass"},
            {"ruleId": "K", "message": {"text": "new: shown"}, "baselineState": "new"},
        ]
    )
    assert [f.message for f in findings_of(sarif(tmp_path, doc))] == [
        "shown",
        "rejected: shown",
        "reviewing: shown",
        "new: shown",
    ]


def test_uri_base_ids_and_file_uris_become_repository_paths(tmp_path: Path) -> None:
    bases = {
        "REPO": {"uri": "file:///work/repo/"},
        "SRC": {"uri": "src/", "uriBaseId": "REPO"},
        "LOOP": {"uri": "x/", "uriBaseId": "LOOP"},
    }
    doc = log(
        [
            {
                "ruleId": "A",
                "message": {"text": "1"},
                "locations": loc("a%20b.py", uriBaseId="SRC"),
            },
            {
                "ruleId": "A",
                "message": {"text": "2"},
                "locations": loc("file:///work/repo/lib/c.py"),
            },
            {
                "ruleId": "A",
                "message": {"text": "3"},
                "locations": loc("d.py", uriBaseId="%SRCROOT%"),
            },
            {"ruleId": "A", "message": {"text": "4"}, "locations": loc("/elsewhere/e.py")},
            {"ruleId": "A", "message": {"text": "5"}, "locations": loc("f.py", uriBaseId="LOOP")},
            {
                "ruleId": "A",
                "message": {"text": "6"},
                "locations": [{"physicalLocation": {"artifactLocation": {"index": 0}}}],
            },
        ],
        originalUriBaseIds=bases,
        artifacts=[{"location": {"uri": "g.py", "uriBaseId": "SRC"}}],
    )
    paths = [f.path for f in findings_of(sarif(tmp_path, doc))]
    assert paths[:4] == ["src/a b.py", "lib/c.py", "d.py", "/elsewhere/e.py"]
    assert paths[4] is not None and paths[4].endswith("f.py")  # a cycle ends, it does not hang
    assert paths[5] == "src/g.py"


def test_partial_fingerprints_kept_and_fingerprint_ignores_line(tmp_path: Path) -> None:
    first = {"ruleId": "R", "message": {"text": "same"}, "locations": loc("a.py", 3)}
    moved = {
        **first,
        "locations": loc("a.py", 30),
        "partialFingerprints": {"primaryLocationLineHash": "abc:1"},
    }
    other = {**first, "message": {"text": "different"}}
    got = findings_of(sarif(tmp_path, log([first, moved, other])))
    assert got[0].fingerprint == got[1].fingerprint != got[2].fingerprint
    assert got[1].partial_fingerprints == (("primaryLocationLineHash", "abc:1"),)


def test_all_runs_are_read_and_each_names_its_tool(tmp_path: Path) -> None:
    doc = {
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "one"}},
                "results": [{"ruleId": "a", "message": {"text": "x"}}],
            },
            {
                "tool": {"driver": {"name": "two"}},
                "results": [{"ruleId": "b", "message": {"text": "y"}}],
            },
            {"tool": {"driver": {"name": "three"}}},
        ],
    }
    assert [f.tool for f in findings_of(sarif(tmp_path, doc))] == ["one", "two"]


def test_version_2_0_0_is_read_with_a_warning(tmp_path: Path) -> None:
    doc = {
        "version": "2.0.0",
        "runs": [
            {
                "tool": {"name": "Old"},
                "resources": {
                    "rules": {"C1": {"id": "C1", "defaultConfiguration": {"level": "error"}}}
                },
                "originalUriBaseIds": {"ROOT": "file:///work/repo/"},
                "results": [
                    {
                        "ruleId": "C1",
                        "message": {"text": "t"},
                        "locations": [
                            {
                                "physicalLocation": {
                                    "fileLocation": {"uri": "x.c", "uriBaseId": "ROOT"}
                                }
                            }
                        ],
                    },
                    {
                        "ruleId": "C1",
                        "message": {"text": "s"},
                        "suppressionStates": ["suppressedInSource"],
                    },
                ],
            }
        ],
    }
    records = sarif(tmp_path, doc)
    assert isinstance(records[0], Notice) and "2.0.0" in records[0].message
    [found] = findings_of(records)
    assert (found.tool, found.path, found.severity) == ("Old", "x.c", Severity.ERROR)


def test_malformed_shapes_do_not_raise(tmp_path: Path) -> None:
    doc = {
        "version": "2.1.0",
        "runs": [None, 3, {"results": [None, {"message": 5, "locations": "x"}]}],
    }
    [found] = findings_of(sarif(tmp_path, doc))
    assert found.message == "(no message)" and found.tool == "sarif"
    no_runs = write(tmp_path, "n.sarif", json.dumps({"version": "2.1.0"}))
    assert errors_of(read(no_runs, "sarif"))[0].message.startswith("not a SARIF log")


# --- the corpus ------------------------------------------------------------------------

SDK = "sarif/microsoft-sarif-sdk/Test.FunctionalTests.Sarif/"


def test_sarif_tutorial_suppressions(shared_dir: Path) -> None:
    path = shared_dir / "corpus/sarif/tomasbjerre-violations-lib/samples/Suppressions.sarif"
    doc = json.loads(path.read_text("utf-8"))
    messages = [r["message"]["text"] for r in doc["runs"][0]["results"]]
    visible = [m for m in messages if "is visible" in m]
    # Knowingly different: the tutorial's own samples disagree. A lone "underReview"
    # suppression leaves a result visible, yet "underReview" plus "rejected" is said to
    # hide it. We follow the first: only accepted (or status-less) suppressions hide a
    # result, as GitHub code scanning does.
    contested = [m for m in messages if "has not yet been rejected" in m]
    assert len(contested) == 1
    got = [f.message for f in findings_of(read(path))]
    assert got == [m for m in messages if m in visible or m in contested]
    assert len(got) < len(messages)


def test_default_rule_configuration_sample(shared_dir: Path) -> None:
    path = (
        shared_dir
        / "corpus/sarif/tomasbjerre-violations-lib/samples/DefaultRuleConfiguration.sarif"
    )
    doc = json.loads(path.read_text("utf-8"))
    got = findings_of(read(path))
    assert len(got) == len(doc["runs"][0]["results"])
    assert {f.severity for f in got} != {Severity.WARNING}  # levels come from the rules


def test_file_uri_paths_relative_to_the_checkout(shared_dir: Path) -> None:
    path = (
        shared_dir
        / "corpus/sarif/jenkinsci-analysis-model/violations/filePathInFileUriScheme.sarif"
    )
    got = findings_of(read(path, root="C:/my/workspace/project"))
    assert [f.path for f in got] == ["whatever/€path.cs", "this/dir/file.cs"]


def test_utf8_bom_binskim_log_and_trailing_comma_logs(shared_dir: Path) -> None:
    base = shared_dir / "corpus" / SDK / "DirectProducerTestData/BinSkim"
    read_with_bom = 0
    for path in sorted(base.glob("*.sarif")):
        records = read(path)
        errors = errors_of(records)
        if errors:  # BinSkim wrote some logs with trailing commas: not JSON
            assert "not valid JSON" in errors[0].message and "line" in errors[0].message
        elif path.read_bytes().startswith(b"\xef\xbb\xbf"):
            read_with_bom += 1
    assert read_with_bom >= 1


def test_sdk_pylint_converter_expected_output(shared_dir: Path) -> None:
    """pylint JSON (UTF-16 LE with BOM) against the SARIF the SDK converted it to."""
    base = shared_dir / "corpus/lint/pylint/microsoft-sarif-sdk/Pylint"
    ours = findings_of(read(base / "Pylint-01.json"))
    theirs = findings_of(read(base / "Pylint-01.json.sarif"))
    assert len(ours) == len(theirs) == 72
    for mine, sdk in zip(ours, theirs, strict=True):
        assert (mine.path, mine.start_line, mine.message) == (sdk.path, sdk.start_line, sdk.message)
        assert sdk.rule is not None and sdk.rule.startswith(
            f"{mine.rule}("
        )  # "C0301(line-too-long)"
    # Knowingly different: the SDK leaves every level unset (so: warning); we map pylint's
    # convention/refactor messages to note, keeping warning for warnings.
    assert {f.severity for f in theirs} == {Severity.WARNING}
    assert {f.severity for f in ours} == {Severity.WARNING, Severity.NOTE}


def test_sdk_baseline_matching_agrees_with_our_identity(shared_dir: Path) -> None:
    """Results the SDK marks ``unchanged`` against a baseline are exactly the ones whose
    (rule, path, message) we find in that baseline. The SDK's test harness names the tool
    differently in baseline and output, so the tool is left out of this comparison."""
    base = shared_dir / "corpus" / SDK / "TestData/Multitool/BaselineOption"
    for name in (
        "TEST1004.ValidateBaseline.NewResults",
        "TEST1005.ValidateBaseline.UnchangedResults",
    ):
        expected = base / "ExpectedOutputs" / f"{name}.sarif"
        known = {_key(f) for f in findings_of(read(base / "Inputs" / f"{name[:8]}.Baseline.sarif"))}
        doc = json.loads(expected.read_text("utf-8"))
        states = [r.get("baselineState") for r in doc["runs"][0]["results"]]
        found = findings_of(read(expected))
        assert len(states) == len(found)
        assert [s == "unchanged" for s in states] == [_key(f) in known for f in found]


def _key(found: Finding) -> tuple[str | None, str | None, str]:
    return (found.rule, found.path, found.message)


def test_sdk_deserialization_error_sample_is_read_leniently(shared_dir: Path) -> None:
    # Knowingly different: the SDK rejects this log against the schema (JSON1002: a result
    # without ruleId, an empty stack). It is valid JSON with a readable result, and a
    # finding without a rule is still worth reporting.
    path = (
        shared_dir
        / "corpus"
        / SDK
        / "TestData/Multitool/ValidateCommand/Inputs/JSON1002.DeserializationError.sarif"
    )
    [found] = findings_of(read(path))
    assert found.rule is None and found.message == "Some testing occurred."


def test_codeql_fingerprinting_does_not_change_our_fingerprint(shared_dir: Path) -> None:
    base = shared_dir / "corpus/sarif/github-codeql-action"
    before = findings_of(read(base / "fingerprinting2.input.sarif"))
    after = findings_of(read(base / "fingerprinting2.expected.sarif"))
    assert [f.fingerprint for f in before] == [f.fingerprint for f in after]
    assert before


# --- edge cases a sweep of real reports found (issue 21) -------------------------------


def test_a_suppression_status_written_with_the_draft_key_state_is_read(tmp_path: Path) -> None:
    def suppressed(message: str, **given: str) -> dict[str, Any]:
        return {"ruleId": "K", "message": {"text": message}, "suppressions": [given]}

    doc = log(
        [
            suppressed("state rejected: shown", state="rejected"),
            suppressed("state accepted: hidden", state="accepted"),
            suppressed("state under review: shown", state="underReview"),
            suppressed("status wins: hidden", status="accepted", state="rejected"),
            suppressed("status wins: shown", status="rejected", state="accepted"),
        ]
    )
    assert [f.message for f in findings_of(sarif(tmp_path, doc))] == [
        "state rejected: shown",
        "state under review: shown",
        "status wins: shown",
    ]


def failed_run(name: str, **invocation: Any) -> dict[str, Any]:
    return {
        "tool": {"driver": {"name": name}},
        "invocations": [{"executionSuccessful": False, **invocation}],
    }


def test_a_run_that_did_not_finish_and_lists_no_results_is_an_error(tmp_path: Path) -> None:
    notes = [
        {"level": "warning", "message": {"text": "slow disk"}},
        {"level": "error", "message": {"text": "Out of memory."}},
    ]
    ran = {"tool": {"driver": {"name": "Other"}}, "results": [{"message": {"text": "x"}}]}
    doc = {
        "version": "2.1.0",
        "runs": [
            failed_run("Scanner", toolExecutionNotifications=notes, exitCode=3),
            ran,
            failed_run("Quiet", results=[]),
        ],
    }
    records = sarif(tmp_path, doc)
    assert [f.tool for f in findings_of(records)] == ["Other"]  # the other run still counts
    [error] = errors_of(records)
    assert records[-1] is error  # an error record is a file's last record
    assert error.message == (
        "Scanner did not complete its analysis (executionSuccessful: false, exit code 3) and "
        "reported no results, so this is not a clean run: Out of memory.; "
        "Quiet did not complete its analysis (executionSuccessful: false) and reported no "
        "results, so this is not a clean run: the log gives no reason"
    )
    many = {"version": "2.1.0", "runs": [failed_run(f"T{i}") for i in range(5)]}
    [error] = sarif(tmp_path, many, "many.sarif")
    assert error.message.count("did not complete") == 3  # bounded, and the rest counted
    assert error.message.endswith("; and 2 more run(s)")


def test_a_run_that_did_not_finish_keeps_its_results_with_a_notice(tmp_path: Path) -> None:
    partial = {**failed_run("Scanner"), "results": [{"message": {"text": "found"}}]}
    finished = log([], invocations=[{"executionSuccessful": True}])
    records = sarif(tmp_path, {"version": "2.1.0", "runs": [partial]})
    assert [f.message for f in findings_of(records)] == ["found"] and not errors_of(records)
    assert [r.message for r in records if isinstance(r, Notice)] == [
        "Scanner reports executionSuccessful: false: findings may be missing"
    ]
    assert sarif(tmp_path, finished, "clean.sarif") == []  # finished, nothing found: clean


def test_a_base_uri_that_names_no_place_leaves_paths_unmapped(tmp_path: Path) -> None:
    bases = {
        "SRCROOT": {"uri": "empty:"},
        "LIB": {"uri": "lib/", "uriBaseId": "SRCROOT"},
        "WEB": {"uri": "https://example.com/src/"},
        "REPO": {"uri": "file:///work/repo/"},
    }

    def at(message: str, uri: str, base: str | None) -> dict[str, Any]:
        where = loc(uri, uriBaseId=base) if base else loc(uri)
        return {"ruleId": "A", "message": {"text": message}, "locations": where}

    doc = log(
        [
            at("empty base", "a.py", "SRCROOT"),
            at("through it", "b.py", "LIB"),
            at("web base", "c.py", "WEB"),
            at("absolute: no base needed", "file:///work/repo/d.py", "SRCROOT"),
            at("file base", "e.py", "REPO"),
            at("no base", "f.py", None),
        ],
        originalUriBaseIds=bases,
    )
    records = sarif(tmp_path, doc)
    got = findings_of(records)
    assert [(f.path, f.start_line) for f in got] == [
        (None, None),
        (None, None),
        (None, None),
        ("d.py", 3),
        ("e.py", 3),
        ("f.py", 3),
    ]
    assert [r.message for r in records if isinstance(r, Notice)] == [
        "2 result(s) of Scanner point through the base URI SRCROOT ('empty:'), which names "
        "no place in the checkout: left without a path",
        "1 result(s) of Scanner point through the base URI WEB ('https://example.com/src/'), "
        "which names no place in the checkout: left without a path",
    ]
