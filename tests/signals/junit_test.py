"""JUnit dialects on small synthetic reports written here (the corpus tests are separate)."""

from __future__ import annotations

from pathlib import Path

from kairos_ci.signals.junit_suite import REPEATED_SUITE, RERUN_ELEMENTS
from kairos_ci.signals.records import Outcome, ReportLimits, SuiteTotals
from tests.signals.helpers import by_id, errors_of, notices, read, results_of, write

F, P, E, S, FLAKY = (
    Outcome.FAILED,
    Outcome.PASSED,
    Outcome.ERRORED,
    Outcome.SKIPPED,
    Outcome.FLAKY,
)


def outcomes(result: object) -> list[Outcome]:
    return [a.outcome for a in result.attempts]  # type: ignore[attr-defined]


def test_nested_suites_keep_their_path(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "nested.xml",
        """<testsuites><testsuite name="Project">
             <testsuite name="Unit"><testsuite name="Unit.Math">
               <testcase name="adds" classname="MathTest" file="tests/MathTest.php" line="12"/>
             </testsuite>
             <testcase name="top" classname="UnitTest"/></testsuite>
             <testcase name="loose" classname="P"/>
           </testsuite></testsuites>""",
    )
    got = by_id(read(path))
    assert got["MathTest::adds"].suite == ("Project", "Unit", "Unit.Math")
    assert got["MathTest::adds"].path == "tests/MathTest.php"
    assert got["MathTest::adds"].line == 12
    assert got["UnitTest::top"].suite == ("Project", "Unit")
    assert got["P::loose"].suite == ("Project",)


def test_surefire_flaky_failure_is_flaky_with_failed_attempts_first(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "TEST-Flaky.xml",
        """<testsuite name="org.acme.FlakyTest" tests="1">
             <testcase name="testFlaky" classname="org.acme.FlakyTest" time="0.034">
               <flakyFailure message="expected: &lt;1&gt;" type="AssertionFailedError">
                 <stackTrace>AssertionFailedError
	at org.acme.FlakyTest.testFlaky(FlakyTest.java:18)</stackTrace>
                 <system-out>noise that is not the failure</system-out>
               </flakyFailure>
               <flakyError message="boom" type="IllegalStateException">
                 <stackTrace>ISE</stackTrace></flakyError>
             </testcase></testsuite>""",
    )
    [test] = results_of(read(path))
    assert test.outcome is FLAKY
    assert outcomes(test) == [F, E, P]
    assert test.attempts[0].message == "expected: <1>"
    assert test.attempts[2].duration_s == 0.034
    assert test.details == "ISE"
    assert test.message == "boom"  # the last failure before the pass


def test_surefire_rerun_failure_stays_failed(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "TEST-Always.xml",
        """<testsuite name="AlwaysFailTest"><testcase name="testApp" classname="AlwaysFailTest">
             <failure message="built to fail" type="AssertionFailedError">first run
	at io.olamy.AlwaysFailTest.testApp(AlwaysFailTest.java:23)</failure>
             <system-out>out</system-out>
             <rerunFailure message="built to fail again">
               <stackTrace>rerun 1</stackTrace></rerunFailure>
             <rerunError message="then it errored"><stackTrace>rerun 2</stackTrace></rerunError>
           </testcase></testsuite>""",
    )
    [test] = results_of(read(path))
    assert test.outcome is E  # the last attempt decides
    assert outcomes(test) == [F, F, E]
    assert test.message == "then it errored"
    assert test.details == "rerun 2"


def test_same_named_testcases_without_reruns_stay_distinct_tests(tmp_path: Path) -> None:
    # jest and mocha can name two tests alike (an it() in a loop); a fail-then-pass pair of
    # them is two tests, not one flaky one.
    path = write(
        tmp_path,
        "jest.xml",
        """<testsuite name="cart">
             <testcase classname="cart adds" name="cart adds" time="1">
               <failure message="f"/>
             </testcase>
             <testcase classname="cart other" name="cart adds" time="1"/>
             <testcase classname="cart adds" name="cart adds" time="2"/>
             <testcase classname="cart adds" name="cart adds" time="3"/>
           </testsuite>""",
    )
    records = read(path)
    got = by_id(records)
    assert list(got) == [
        "cart adds::cart adds", "cart adds::cart adds#2", "cart adds::cart adds#3",
        "cart other::cart adds",
    ]  # fmt: skip
    assert [got[k].outcome for k in got] == [F, P, P, P]
    assert all(t.merged_by is None and len(t.attempts) == 1 for t in got.values())
    [notice] = notices(records)
    assert notice.message.startswith("2 testcase(s) repeat a name") and "distinct" in notice.message


def test_rerun_elements_in_the_suite_make_repeats_attempts(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "retries.xml",
        """<testsuite name="S">
             <testcase classname="t.A" name="x" time="1"><failure message="f1"/></testcase>
             <testcase classname="t.B" name="x" time="1"/>
             <testcase classname="t.A" name="x" time="2"><error message="e2"/></testcase>
             <testcase classname="t.A" name="x" time="3"/>
             <testcase classname="t.C" name="y"/>
             <testcase classname="t.C" name="y"><failure message="later"/></testcase>
             <testcase classname="t.D" name="z"><rerunFailure message="r"/></testcase>
           </testsuite>""",
    )
    records = read(path)
    got = by_id(records)
    assert list(got) == ["t.A::x", "t.B::x", "t.C::y", "t.D::z"]  # document order, one each
    assert got["t.A::x"].outcome is FLAKY
    assert outcomes(got["t.A::x"]) == [F, E, P]
    assert got["t.A::x"].duration_s == 6.0
    assert got["t.A::x"].message == "e2"
    assert got["t.A::x"].merged_by == RERUN_ELEMENTS
    assert got["t.B::x"].outcome is P and got["t.B::x"].merged_by is None  # other class
    assert got["t.C::y"].outcome is F  # a failure after a pass is a failure, not flaky
    [notice] = notices(records)
    assert (
        notice.message
        == f"3 repeated testcase(s) read as reruns of an earlier one: {RERUN_ELEMENTS}"
    )


def test_a_rerun_plugins_property_makes_repeats_attempts(tmp_path: Path) -> None:
    def suite(count: str) -> str:
        return f"""<testsuite name="S"><properties>
             <property name="java.version" value="21"/>
             <property name="surefire.rerunFailingTestsCount" value="{count}"/></properties>
             <testcase classname="c" name="n"><failure message="first"/></testcase>
             <testcase classname="c" name="n"/></testsuite>"""

    [test] = results_of(read(write(tmp_path, "on.xml", suite("2"))))
    assert test.outcome is FLAKY and outcomes(test) == [F, P]
    assert (
        test.merged_by == "the suite's surefire.rerunFailingTestsCount property (a rerun setting)"
    )
    off = results_of(read(write(tmp_path, "off.xml", suite("0"))))  # 0: reruns were off
    assert [(t.id, t.outcome) for t in off] == [("c::n", F), ("c::n#2", P)]


def test_identical_ids_across_a_repeated_suite_are_attempts(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "again.xml",
        """<testsuites>
             <testsuite name="pkg"><testcase classname="pkg" name="A"><failure/></testcase>
               <testcase classname="pkg" name="B"/></testsuite>
             <testsuite name="pkg"><testcase classname="pkg" name="A"/>
               <testcase classname="pkg" name="C"/></testsuite>
             <testsuite name="other"><testcase classname="other" name="A"/></testsuite>
             <testsuite name="other2"><testcase classname="pkg" name="A"/></testsuite>
           </testsuites>""",
    )
    tests = results_of(read(path))
    assert [(t.suite, t.id) for t in tests] == [
        (("pkg",), "pkg::A"), (("pkg",), "pkg::B"), (("pkg",), "pkg::C"),
        (("other",), "other::A"),
        (("other2",), "pkg::A"),  # another suite's name: a test of its own, not an attempt
    ]  # fmt: skip
    again = tests[0]
    assert again.outcome is FLAKY and again.merged_by == REPEATED_SUITE
    assert outcomes(again) == [F, P]
    assert tests[1].merged_by is None and tests[2].merged_by is None


def test_an_error_directly_under_a_suite_is_an_errored_test(tmp_path: Path) -> None:
    # Ant's JUnit task, when a test class does not load: no testcase, the error on the suite.
    path = write(
        tmp_path,
        "TEST-com.acme.BrokenTest.xml",
        """<testsuite name="com.acme.BrokenTest" tests="1" errors="1" failures="0">
             <properties/>
             <error message="com.acme.Missing" type="java.lang.NoClassDefFoundError">\
java.lang.NoClassDefFoundError: com.acme.Missing
	at com.acme.BrokenTest.&lt;clinit&gt;(BrokenTest.java:7)</error>
             <system-out/></testsuite>""",
    )
    records = read(path)
    [test] = results_of(records)
    assert (test.id, test.outcome, test.message) == (
        "com.acme.BrokenTest::(suite)",
        E,
        "com.acme.Missing",
    )
    assert test.details is not None and "BrokenTest.java:7" in test.details
    assert not [r for r in records if isinstance(r, SuiteTotals)]  # its one test is this one
    counted = write(
        tmp_path,
        "counted.xml",
        '<testsuite name="S" tests="3" errors="2"><error message="setup failed"/></testsuite>',
    )
    records = read(counted)
    assert [t.outcome for t in results_of(records)] == [E]
    assert [r for r in records if isinstance(r, SuiteTotals)] == [
        SuiteTotals(str(counted), ("S",), 2, 0, 1, 0)
    ]
    after = write(
        tmp_path,
        "after.xml",
        '<testsuite name="S"><testcase classname="S" name="t"/><error message="teardown"/>'
        "</testsuite>",
    )
    assert sorted((t.id, t.outcome, t.message or "") for t in results_of(read(after))) == [
        ("S::(suite)", E, "teardown"),  # beside testcases, the suite's own error is kept too
        ("S::t", P, ""),
    ]


def test_skip_after_failure_does_not_hide_it(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "skipafter.xml",
        """<testsuite name="S"><testcase classname="c" name="n"><failure/></testcase>
           <testcase classname="c" name="n"><skipped/></testcase></testsuite>""",
    )
    assert results_of(read(path))[0].outcome is F


def test_several_results_in_one_testcase_most_severe_wins(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "multi.xml",
        """<testsuite name="S">
             <testcase classname="c" name="a">
               <skipped/><failure message="f"/><error message="e"/></testcase>
             <testcase classname="c" name="b">
               <skipped/><failure message="f">body</failure></testcase>
           </testsuite>""",
    )
    got = by_id(read(path))
    assert got["c::a"].outcome is E and got["c::a"].message == "e"
    assert got["c::b"].outcome is F and got["c::b"].details == "body"
    assert len(got["c::a"].attempts) == 1


def test_status_attributes(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "status.xml",
        """<testsuites><testsuite name="factorial" tests="6" disabled="1">
             <testcase name="off" status="disabled"/>
             <testcase name="notrun" status="notrun"/>
             <testcase name="ran" status="run"/>
             <testcase name="ctest-fail" status="fail"/>
             <testcase name="nunit" status="Success"/>
             <testcase name="ignored" status="Ignored"/>
             <testcase name="bazel" status="run">
               <error message="exited with error code 1"/></testcase>
           </testsuite></testsuites>""",
    )
    got = by_id(read(path))
    assert got["factorial::off"].outcome is S
    assert got["factorial::notrun"].outcome is S
    assert got["factorial::ran"].outcome is P
    assert got["factorial::ctest-fail"].outcome is F
    assert got["factorial::nunit"].outcome is P
    assert got["factorial::ignored"].outcome is S
    assert got["factorial::bazel"].outcome is E


def test_suite_counters_only_for_suites_without_testcases(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "counters.xml",
        """<testsuites>
             <testsuite name="outer" tests="9" failures="9">
               <testsuite name="counted" tests="5" failures="1" errors="1" skipped="1"
                          disabled="1"/>
               <testsuite name="empty" tests="0"/>
             </testsuite>
             <testsuite name="real" tests="99" failures="42">
               <testcase classname="c" name="t"/></testsuite>
           </testsuites>""",
    )
    records = read(path)
    totals = [r for r in records if isinstance(r, SuiteTotals)]
    assert totals == [SuiteTotals(str(path), ("outer", "counted"), 5, 1, 1, 2)]
    assert totals[0].passed == 1
    assert len(results_of(records)) == 1  # the 99 of "real" are not invented from its counters


def test_nameless_testcases_are_never_merged(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "noattrs.xml",
        "<testsuites><testsuite><testcase/><testcase><skipped/></testcase>"
        "<testcase><failure/></testcase><testcase><error/></testcase></testsuite></testsuites>",
    )
    got = results_of(read(path))
    assert [t.outcome for t in got] == [P, S, F, E]
    assert len({t.id for t in got}) == 4
    assert all(t.name == "" and t.classname is None for t in got)


def test_failure_location_attributes_and_root_testcase(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "catch2.xml",
        """<testcase classname="ut" name="is constant" status="run">
             <failure file="/src/repo/test/unit/x.cpp" line="19"
                      message="REQUIRE(v == 1)">at x.cpp:19</failure>
           </testcase>""",
    )
    [test] = results_of(read(path, root="/src/repo"))
    assert (test.path, test.line, test.outcome) == ("test/unit/x.cpp", 19, F)
    assert test.suite == ()


def test_defensive_time_and_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "times.xml",
        """<testsuite name="S">
             <testcase classname="c" name="neg" time="-345345" line="-3"/>
             <testcase classname="c" name="comma" time="0,288" line="x"/>
             <testcase classname="c" name="empty" time=""/>
           </testsuite>""",
    )
    got = by_id(read(path))
    assert got["c::neg"].duration_s is None and got["c::neg"].line is None
    assert got["c::comma"].duration_s == 0.288 and got["c::comma"].line is None
    assert got["c::empty"].duration_s is None


def test_default_namespace_and_utf16(tmp_path: Path) -> None:
    doc = (
        '<?xml version="1.0" encoding="UTF-16"?>'
        '<testsuites xmlns="urn:example"><testsuite name="S">'
        '<testcase classname="c" name="ü"><failure message="ß"/></testcase>'
        "</testsuite></testsuites>"
    )
    path = write(tmp_path, "u16.xml", doc.encode("utf-16"))
    [test] = results_of(read(path))
    assert (test.id, test.outcome, test.message) == ("c::ü", F, "ß")


def test_messages_and_details_are_capped(tmp_path: Path) -> None:
    big = "x" * 50_000
    path = write(
        tmp_path,
        "big.xml",
        f'<testsuite name="S"><testcase classname="c" name="n">'
        f'<failure message="{big}">{big}</failure></testcase></testsuite>',
    )
    limits = ReportLimits(max_message_chars=100, max_details_chars=1_000)
    [test] = results_of(read(path, limits=limits))
    assert test.message is not None and len(test.message) < 200
    assert test.details is not None and len(test.details) < 1_100
    assert test.details.endswith("[cut at 1,000 of 50,000 characters]")


def test_testcase_cap_keeps_what_was_read_and_says_so(tmp_path: Path) -> None:
    cases = "".join(f'<testcase classname="c" name="t{i}"/>' for i in range(50))
    path = write(tmp_path, "many.xml", f'<testsuite name="S">{cases}</testsuite>')
    records = read(path, limits=ReportLimits(max_tests=10))
    assert len(results_of(records)) == 10
    [error] = errors_of(records)
    assert "stopped after 10 testcases" in error.message


def test_pending_cap_bounds_memory_for_huge_suites(tmp_path: Path) -> None:
    cases = "".join(f'<testcase classname="c" name="t{i % 7}"/>' for i in range(30))
    reruns = '<properties><property name="failsafe.rerunFailingTestsCount" value="3"/></properties>'
    path = write(tmp_path, "pending.xml", f'<testsuite name="S">{reruns}{cases}</testsuite>')
    merged = results_of(read(path))
    bounded = results_of(read(path, limits=ReportLimits(max_pending=3)))
    assert len(merged) == 7 and sum(len(t.attempts) for t in merged) == 30
    assert sum(len(t.attempts) for t in bounded) == 30  # nothing lost, merged less


def test_truncated_file_keeps_finished_suites_then_reports(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "cut.xml",
        '<testsuites><testsuite name="done"><testcase classname="c" name="a"/></testsuite>'
        '<testsuite name="cut"><testcase classname="c" name="b"/><testcase classname="c" nam',
    )
    records = read(path)
    assert [t.id for t in results_of(records)] == ["c::a"]
    [error] = errors_of(records)
    assert error.message.startswith("not well-formed XML") and "line 1" in error.message
