"""Rewrite pinned versions (and their ``--hash`` options) in place: nothing else moves."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kairos_ci.errors import InputError
from kairos_ci.tasks.deps.records import Pin


@dataclass(frozen=True)
class PinEdit:
    pin: Pin
    version: str
    hashes: tuple[str, ...] | None = None  # new sha256 digests, required when the pin has hashes


def rewrite(text: str, edits: Sequence[PinEdit]) -> str:
    """``text`` with each pin's version (and hashes) replaced; every other byte kept."""
    replacements: list[tuple[int, int, str]] = []
    for edit in edits:
        pin = edit.pin
        if text[pin.start : pin.end] != pin.version:
            raise InputError(f"{pin.manifest}: {pin.name} is no longer at {pin.version}")
        replacements.append((pin.start, pin.end, edit.version))
        if pin.hashes is not None:
            if not edit.hashes:
                raise InputError(f"{pin.manifest}: {pin.name} needs new hashes")
            block = pin.hashes
            options = block.separator.join(block.prefix + digest for digest in edit.hashes)
            replacements.append((block.start, block.end, options))
    replacements.sort(reverse=True)
    for earlier, later in zip(replacements[1:], replacements, strict=False):
        if earlier[1] > later[0]:
            raise InputError("overlapping edits in one manifest")
    for start, end, new in replacements:
        text = text[:start] + new + text[end:]
    return text
