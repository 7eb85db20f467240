"""Where a planning run keeps each finished phase's result, so a rerun resumes after it.

The port is two methods; the pipeline backs it with the memory branch. ``DirectoryCheckpoints``
keeps them as JSON files in a folder (local runs, artifacts, tests): each write is atomic,
so a run killed mid-save leaves the previous state, never half a file.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from kairos_ci.errors import InputError
from kairos_ci.plan.records import Phase

_JOB = re.compile(r"^[A-Za-z0-9._-]{1,120}$")
MAX_CHECKPOINT_BYTES = 16 * 1024 * 1024


class CheckpointStore(Protocol):
    def load(self, job: str, phase: Phase) -> Mapping[str, Any] | None: ...

    def save(self, job: str, phase: Phase, result: Mapping[str, Any]) -> None: ...


class DirectoryCheckpoints:
    """``<root>/<job>/<phase>.json``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def load(self, job: str, phase: Phase) -> Mapping[str, Any] | None:
        path = self._path(job, phase)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as err:
            raise InputError(f"{path}: cannot read the checkpoint: {err.strerror}") from None
        if len(raw) > MAX_CHECKPOINT_BYTES:
            raise InputError(f"{path}: checkpoint larger than {MAX_CHECKPOINT_BYTES} bytes")
        try:
            data = json.loads(raw)
        except ValueError as err:
            raise InputError(f"{path}: checkpoint is not JSON: {err}") from None
        if not isinstance(data, dict):
            raise InputError(f"{path}: checkpoint is not a JSON object")
        return data

    def save(self, job: str, phase: Phase, result: Mapping[str, Any]) -> None:
        path = self._path(job, phase)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{phase}-", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(result, out, ensure_ascii=False)
        Path(tmp).replace(path)

    def _path(self, job: str, phase: Phase) -> Path:
        if not _JOB.match(job) or job in (".", ".."):
            raise ValueError(f"checkpoint job key {job!r} must match {_JOB.pattern}")
        return self.root / job / f"{phase.value}.json"
