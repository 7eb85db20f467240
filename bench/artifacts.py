"""Benchmark: a failed run's JUnit artifacts through the real entry point, against their number.

    python bench/artifacts.py [--artifacts 1 5 10 20] [--mb 12] [--repeat 3] [--cap-mib 4096]

One JUnit file of about ``--mb`` MB (suites of 1,000 testcases, 2 % failures with a
traceback, as bench/parse_junit.py writes them) is zipped once, and a fake forge serves
it as every artifact of one run. For each count, fresh subprocesses run
``tasks.fix_tests.artifacts.junit_from_run`` (download, checked unpack, parse) and report
CPU and wall seconds, peak RSS (VmHWM of the worker itself), the test records kept, and
whether the result says it is partial. Each worker runs under an address-space cap
(RLIMIT_AS, ``--cap-mib``): a reader whose memory grows with the run fails alone, and the
row says so, instead of taking a shared machine down. Prints median, min and max.

Target (issue 17, per-run budgets): 20 artifacts of 12 MB, each inside the per-file
limits: peak under 300 MiB, and a clear partial result within 60 s.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from parse_junit import generate  # bench/ is on the path when this script runs

PEAK_TARGET_MIB = 300.0
TIME_TARGET_S = 60.0
_BYTES_PER_CASE = 145  # what bench/parse_junit.py's generator writes per testcase


class _Forge:
    """The two calls ``junit_from_run`` makes, serving one zip as ``count`` artifacts."""

    def __init__(self, zipped: bytes, count: int) -> None:
        self.zipped = zipped
        self.count = count

    def list_artifacts(self, run_id: int) -> tuple[Any, ...]:
        from kairos_ci.forge.records import Artifact

        size = len(self.zipped)
        return tuple(Artifact(i, f"junit-{i}", size, False, run_id) for i in range(self.count))

    def download_artifact(self, artifact_id: int, max_bytes: int) -> bytes:
        return self.zipped


def worker(zipped_path: Path, count: int, cap_mib: int) -> dict[str, Any]:
    cap = cap_mib * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    from kairos_ci.tasks.fix_tests.artifacts import junit_from_run

    forge = _Forge(zipped_path.read_bytes(), count)
    started = (time.perf_counter(), time.process_time())
    outcome: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as workdir:
        try:
            reports = junit_from_run(forge, 1, Path(workdir))  # type: ignore[arg-type]
        except MemoryError:
            outcome = {"over_cap": True}
        else:
            outcome = {"tests": reports.read, "partial": reports.partial is not None}
    return {
        "seconds": time.perf_counter() - started[0],
        "cpu": time.process_time() - started[1],
        "peak_mib": _peak_kib() / 1024,
        **outcome,
    }


def _peak_kib() -> int:
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss across fork+exec from the parent.
    with Path("/proc/self/status").open() as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))


def artifact(scratch: Path, mb: float) -> tuple[Path, int]:
    """The zip every artifact is, and the bytes of its one report unpacked."""
    report = scratch / "junit.xml"
    generate(report, max(1_000, int(mb * 1e6 / _BYTES_PER_CASE)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(report, "reports/junit.xml")
    zipped = scratch / "artifact.zip"
    zipped.write_bytes(buffer.getvalue())
    return zipped, report.stat().st_size


def measure(zipped: Path, count: int, repeat: int, cap_mib: int) -> list[dict[str, Any]]:
    runs = []
    for _ in range(repeat):
        command = [sys.executable, __file__, "--worker", str(zipped), str(count), str(cap_mib)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
        if done.returncode != 0:  # killed, or died outside Python's MemoryError
            runs.append({"failed": done.stderr.strip().splitlines()[-1:] or ["no output"]})
            continue
        runs.append(json.loads(done.stdout))
    return runs


def _spread(values: list[float], unit: str) -> str:
    return (
        f"median {statistics.median(values):7.1f}{unit} "
        f"[min {min(values):7.1f}, max {max(values):7.1f}]"
    )


def report(count: int, zip_mb: float, unpacked_mb: float, runs: list[dict[str, Any]]) -> bool:
    print(f"{count:>3} artifacts ({count * zip_mb:6.1f} MB zipped, {count * unpacked_mb:6.1f} MB):")
    done = [r for r in runs if "cpu" in r and not r.get("over_cap")]
    broken = len(runs) - len(done)
    if broken:
        print(f"      {broken} of {len(runs)} runs failed (over the memory cap or killed)")
    if not done:
        return False
    peak = [r["peak_mib"] for r in done]
    wall = [r["seconds"] for r in done]
    print(f"      CPU  {_spread([r['cpu'] for r in done], ' s')}   wall {_spread(wall, ' s')}")
    print(f"      peak {_spread(peak, ' MiB')}   tests kept {done[0]['tests']:,}", end="")
    print(f"   labelled partial: {'yes' if done[0]['partial'] else 'no'}")
    return broken == 0 and max(peak) < PEAK_TARGET_MIB and max(wall) < TIME_TARGET_S


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--artifacts", type=int, nargs="+", default=[1, 5, 10, 20])
    parser.add_argument("--mb", type=float, default=12.0, help="unpacked MB per artifact")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cap-mib", type=int, default=4096, help="address space per worker")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        zipped, count, cap = args.worker
        print(json.dumps(worker(Path(zipped), int(count), int(cap))))
        return 0
    met = {}
    with tempfile.TemporaryDirectory() as scratch:
        zipped, unpacked = artifact(Path(scratch), args.mb)
        zip_mb, unpacked_mb = zipped.stat().st_size / 1e6, unpacked / 1e6
        for count in args.artifacts:
            runs = measure(zipped, count, args.repeat, args.cap_mib)
            met[count] = report(count, zip_mb, unpacked_mb, runs)
    most = max(args.artifacts)
    verdict = "met" if met[most] else "MISSED"
    print(
        f"{most} artifacts: peak < {PEAK_TARGET_MIB:.0f} MiB and < {TIME_TARGET_S:.0f} s: {verdict}"
    )
    return 0 if met[most] else 1


if __name__ == "__main__":
    raise SystemExit(main())
