"""Where a planning run keeps each finished phase's result, so a rerun resumes after it.

``DirectoryCheckpoints`` keeps them as JSON files in a folder, with the plan's artefacts
beside them: each write is atomic, so a run killed mid-save leaves the previous state,
never half a file. Between runs the folder lives on the memory branch (``remembered``).
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

JOB_KEY = re.compile(r"^[A-Za-z0-9._-]{1,120}$")
MAX_CHECKPOINT_BYTES = 16 * 1024 * 1024


class CheckpointStore(Protocol):
    def load(self, job: str, phase: Phase) -> Mapping[str, Any] | None: ...

    def save(self, job: str, phase: Phase, result: Mapping[str, Any]) -> None: ...

    def save_artefact(self, job: str, name: str, text: str) -> None:
        """A file for people (the plan as JSON, as Markdown), kept beside the checkpoints."""


class DirectoryCheckpoints:
    """``<root>/<job>/<phase>.json``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def load(self, job: str, phase: Phase) -> Mapping[str, Any] | None:
        path = self._path(job, phase.value + ".json")
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
        raw = json.dumps(result, ensure_ascii=False).encode("utf-8")
        write_atomically(self._path(job, phase.value + ".json"), raw)

    def save_artefact(self, job: str, name: str, text: str) -> None:
        write_atomically(self._path(job, name), text.encode("utf-8"))

    def _path(self, job: str, name: str) -> Path:
        if not JOB_KEY.match(job) or job in (".", ".."):
            raise ValueError(f"checkpoint job key {job!r} must match {JOB_KEY.pattern}")
        return self.root / job / name


def write_atomically(path: Path, raw: bytes) -> None:
    """A reader sees the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    with os.fdopen(fd, "wb") as out:
        out.write(raw)
    Path(tmp).replace(path)
