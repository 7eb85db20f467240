from __future__ import annotations

from kairos_ci.signals.frames import extract
from kairos_ci.signals.records import Frame

PYTHON = """Traceback (most recent call last):
  File "/home/runner/work/r/r/tests/test_x.py", line 12, in test_a
    helper()
  File "/home/runner/work/r/r/src/pkg/mod.py", line 40, in helper
    raise ValueError
ValueError"""

JAVA = """org.opentest4j.AssertionFailedError: expected: <1> but was: <0>
	at org.junit.jupiter.api.AssertionFailureBuilder.build(AssertionFailureBuilder.java:151)
	at org.acme.FlakyTest.testFlaky(FlakyTest.java:18)
	at java.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke0(Native Method)
	at com.example.Outer$Inner.run(Outer.kt:7)"""

NODE = """Error: expect(received).toBe(expected)
    at Object.<anonymous> (/work/app/src/__tests__/sum.test.ts:10:18)
    at processTicksAndRejections (node:internal/process/task_queues:95:5)
see https://jestjs.io:443/docs for help"""


def test_python_frames_in_order() -> None:
    assert extract(PYTHON, 10) == (
        Frame("/home/runner/work/r/r/tests/test_x.py", 12),
        Frame("/home/runner/work/r/r/src/pkg/mod.py", 40),
    )


def test_jvm_frames_become_package_paths() -> None:
    frames = extract(JAVA, 10)
    assert Frame("org/acme/FlakyTest.java", 18) in frames
    assert Frame("org/junit/jupiter/api/AssertionFailureBuilder.java", 151) in frames
    assert Frame("com/example/Outer.kt", 7) in frames
    assert all("Native Method" not in f.path for f in frames)


def test_path_line_column_form_and_no_urls() -> None:
    frames = extract(NODE, 10)
    assert frames[0] == Frame("/work/app/src/__tests__/sum.test.ts", 10)
    assert all("jestjs.io" not in f.path for f in frames)


def test_go_and_pytest_short_forms() -> None:
    text = "    race_test.go:13: oops\ntests/test_a.py:42: AssertionError\nfoo.go:0: nothing"
    assert extract(text, 10) == (Frame("race_test.go", 13), Frame("tests/test_a.py", 42))


def test_limit_and_dedup() -> None:
    text = "a.py:1\na.py:1\nb.py:2\nc.py:3"
    assert extract(text, 2) == (Frame("a.py", 1), Frame("b.py", 2))
    assert extract(None, 5) == ()
