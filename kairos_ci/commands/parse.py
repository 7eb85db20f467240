"""``kairos-ci parse FORMAT FILE...``: test and lint reports as JSON Lines (or a summary).

Each record is printed as soon as it is read, so a large report never sits in memory.
Exit 0 when every file was read, 1 when any produced an error record.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import IO, Any

from kairos_ci.errors import UsageError
from kairos_ci.signals.read import parse_report
from kairos_ci.signals.records import ErrorRecord, ReportLimits
from kairos_ci.signals.serialize import to_json
from kairos_ci.signals.summary import summarize


def run(args: argparse.Namespace) -> int:

    if args.max_bytes is not None and args.max_bytes <= 0:
        raise UsageError("--max-bytes must be a positive number of bytes")
    limits = ReportLimits(max_bytes=args.max_bytes) if args.max_bytes else ReportLimits()
    failed = False

    def records() -> Any:
        nonlocal failed
        for path in args.files:
            for record in parse_report(path, args.format, root=args.root, limits=limits):
                failed = failed or isinstance(record, ErrorRecord)
                yield record

    out = sys.stdout.buffer
    try:
        if args.summary:
            _write(out, summarize(records()))
        else:
            for record in records():
                _write(out, to_json(record))
        out.flush()
    except BrokenPipeError:
        _quiet_stdout()  # the reader went away (``| head``): not our error
    return 1 if failed else 0


def _write(out: IO[bytes], value: dict[str, Any]) -> None:
    out.write(json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogateescape") + b"\n")


def _quiet_stdout() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
