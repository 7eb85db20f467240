"""Reading report bytes under a size cap, and decoding text by its byte-order mark."""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path

from kairos_ci.errors import InputError, InputTooLarge
from kairos_ci.signals.records import ReportLimits

CHUNK = 1 << 16

# Longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def check_size(path: Path, limits: ReportLimits) -> int:
    """The file's size; refuses directories and files over the cap before reading a byte."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError("file does not exist") from None
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror or err}") from None
    if path.is_dir():
        raise InputError("is a directory, not a report file")
    if info.st_size > limits.max_bytes:
        raise InputTooLarge(
            f"{info.st_size:,} bytes is over the {limits.max_bytes:,}-byte cap; "
            "refused without reading it"
        )
    return info.st_size


def chunks(path: Path, limits: ReportLimits) -> Iterator[bytes]:
    """The file's bytes in chunks; stops with an error once the cap is passed.

    The size is checked again while reading: a pipe or a growing file has no honest size.
    """
    check_size(path, limits)
    total = 0
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(CHUNK):
                total += len(chunk)
                if total > limits.max_bytes:
                    raise InputTooLarge(f"more than the {limits.max_bytes:,}-byte cap")
                yield chunk
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror or err}") from None


def read_all(path: Path, limits: ReportLimits) -> bytes:
    return b"".join(chunks(path, limits))


def decode(data: bytes, *, lenient: bool = False) -> str:
    """Text from bytes: the BOM decides (UTF-8, UTF-16 LE/BE, UTF-32), else strict UTF-8.

    ``lenient`` replaces bad bytes instead of failing: for sniffing a file's first bytes,
    where a character may be cut in half.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode(data[len(bom) :], encoding, lenient)
    if len(data) >= 2 and data[0] != 0 and data[1] == 0:
        return _decode(data, "utf-16-le", lenient)  # UTF-16 without a BOM: "[\0{\0..."
    if len(data) >= 2 and data[0] == 0 and data[1] != 0:
        return _decode(data, "utf-16-be", lenient)
    return _decode(data, "utf-8", lenient)


def _decode(data: bytes, encoding: str, lenient: bool) -> str:
    try:
        return data.decode(encoding, "replace" if lenient else "strict")
    except UnicodeDecodeError as err:
        raise InputError(f"not valid {encoding.upper()} at byte {err.start}") from None
