"""Benchmark: the planning run's deterministic phases on a 5,000-file repository.

Generates a repository (real git, in a temporary folder) of Python and JavaScript modules
that import each other and some external packages, plus docs and data files. Then, in a
fresh child process each time (so the peak is the phases' own), runs the survey without
the test run, the ranked repository map and the impact analysis, and prints wall time and
peak resident memory (VmHWM): median, min and max over the repeats.

    python bench/plan_survey.py [--files 5000] [--repeat 3]

Targets: under 20 s and under 300 MiB. Exits 1 when the median misses either.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kairos_ci.git import Git

TARGET_SECONDS = 20.0
TARGET_MIB = 300.0
GOAL = "Migrate the backend from Express to Fastify and rename `load_config`."
PACKAGES_JS = ("express", "lodash", "axios", "cors", "dayjs")
PACKAGES_PY = ("flask", "requests", "yaml", "attrs", "click")


def python_module(n: int, count: int, chance: random.Random) -> str:
    imports = [f"from app.pkg{m % 40}.mod{m} import func_{m}_0" for m in _others(n, count, chance)]
    imports.append(f"import {chance.choice(PACKAGES_PY)}")
    if n % 50 == 0:
        imports.append("from app.settings import load_config")
    body = []
    for k in range(12):
        body.append(
            f"def func_{n}_{k}(value, other=None):\n"
            f'    """Work step {k} of module {n}."""\n'
            f"    result = [value * {k} for _ in range(3)]\n"
            f"    return helper_{n}(result) if other else result\n"
        )
    body.append(f"class Service{n}:\n    def run(self):\n        return func_{n}_0(1)\n")
    body.append(f"def helper_{n}(items):\n    return sorted(items)\n")
    return "\n".join(imports) + "\n\n\n" + "\n\n".join(body)


def script_module(n: int, count: int, chance: random.Random) -> str:
    lines = [f"const pkg = require('{chance.choice(PACKAGES_JS)}');"]
    for m in _others(n, count, chance):
        lines.append(f"const {{ handler{m}_0 }} = require('../web{m % 40}/route{m}');")
    for k in range(12):
        lines.append(
            f"function handler{n}_{k}(req, res, next) {{\n"
            f"  // step {k}: 'quoted' text and pkg.use in a comment\n"
            f"  const data = pkg.get(req.params.id, {k});\n"
            f"  res.json({{ data, at: `${{Date.now()}}` }});\n"
            f"}}"
        )
    exported = ", ".join(f"handler{n}_{k}" for k in range(12))
    lines.append(f"module.exports = {{ {exported} }};")
    return "\n".join(lines) + "\n"


def _others(n: int, count: int, chance: random.Random) -> list[int]:
    return [m for m in chance.sample(range(count), 3) if m != n]


def generate(root: Path, total: int) -> None:
    chance = random.Random(total)
    python = total * 2 // 5
    scripts = total * 2 // 5
    files: dict[str, str] = {
        "pyproject.toml": '[project]\nname = "big"\ndependencies = ["flask"]\n'
        "[tool.pytest.ini_options]\n",
        "package.json": json.dumps(
            {"scripts": {"test": "jest"}, "dependencies": dict.fromkeys(PACKAGES_JS, "*")}
        ),
        "package-lock.json": "{}",
        "app/settings.py": "def load_config(path):\n    return {}\n",
        ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    steps:\n      - run: pytest -q\n",
    }
    for n in range(python):
        files[f"app/pkg{n % 40}/mod{n}.py"] = python_module(n, python, chance)
    for n in range(scripts):
        files[f"web/web{n % 40}/route{n}.js"] = script_module(n, scripts, chance)
    for n in range(total - len(files)):
        suffix = (".md", ".json", ".txt")[n % 3]
        files[f"docs/d{n % 30}/page{n}{suffix}"] = f"Page {n}\n" * 20
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    git = Git(root, timeout_s=600)
    git.run("init", "-q", "-b", "main")
    git.run("add", "--all")
    git.run("commit", "-q", "-m", "generated")


def measure_child(root: Path) -> dict[str, float]:
    """Run in the child: the phases once, timed, with this process's peak RSS."""
    from kairos_ci.plan.goalterms import goal_terms
    from kairos_ci.plan.impact import analyse_impact, find_targets
    from kairos_ci.plan.survey import SurveyLimits, reader, survey_repository

    began = time.perf_counter()
    terms = goal_terms(GOAL)
    surveyed = survey_repository(Git(root), terms, run_baseline=None)
    read = reader(surveyed.inventory, SurveyLimits().index)
    impact = analyse_impact(surveyed.index, find_targets(surveyed.index, terms), read)
    seconds = time.perf_counter() - began
    return {
        "seconds": seconds,
        "peak_mib": _peak_mib(),
        "files": surveyed.survey.files,
        "parsed": len(surveyed.index.files),
        "map_tokens": surveyed.survey.map_tokens,
        "impacted": len(impact.entries),
        "references": impact.references,
    }


def _peak_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the child's mode
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure_child(args.measure)))
        return 0
    with tempfile.TemporaryDirectory(prefix="kairos-bench-") as tmp:
        root = Path(tmp) / "repo"
        began = time.perf_counter()
        generate(root, args.files)
        built = time.perf_counter() - began
        runs = [_child(root) for _ in range(args.repeat)]
    seconds = [r["seconds"] for r in runs]
    peaks = [r["peak_mib"] for r in runs]
    last = runs[-1]
    print(f"plan survey + repository map + impact, {args.files} files (built in {built:.1f} s)")
    print(
        f"  files {last['files']:.0f}, parsed {last['parsed']:.0f}, map {last['map_tokens']:.0f} "
        f"tokens, impact {last['references']:.0f} references in {last['impacted']:.0f} files"
    )
    print(f"{'':>10} {'median':>8} {'min':>8} {'max':>8}")
    print(f"{'seconds':>10} {_row(seconds)}")
    print(f"{'peak MiB':>10} {_row(peaks)}")
    ok = statistics.median(seconds) < TARGET_SECONDS and statistics.median(peaks) < TARGET_MIB
    verdict = "met" if ok else "MISSED"
    print(f"targets: < {TARGET_SECONDS:.0f} s and < {TARGET_MIB:.0f} MiB: {verdict}")
    return 0 if ok else 1


def _child(root: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--measure", str(root)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(done.stdout)
    return result


def _row(values: list[float]) -> str:
    return f"{statistics.median(values):>8.2f} {min(values):>8.2f} {max(values):>8.2f}"


if __name__ == "__main__":
    sys.exit(main())
