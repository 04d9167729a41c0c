"""Decode stage: a file's bytes become clean text, whatever encoding the file was saved in.

Collections mix UTF-8 (with and without BOM), UTF-16 exports, GB18030/GBK/GB2312 and Big5 files.
A byte-order mark is certain, a page's own <meta charset> is next best, strict UTF-8 is almost
never wrong when it succeeds, and only then do we ask charset-normalizer to weigh the rest.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from charset_normalizer import from_bytes

from etl.errors import RejectedFile

# Checked in this order: the UTF-32-LE mark begins with the UTF-16-LE one.
BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# What a detector or a page may call an encoding -> (name we record, codecs tried in order).
# GB18030 decodes everything GBK and GB2312 do; cp950 and HKSCS extend Big5.
ENCODING_FAMILIES = {
    "gb2312": ("gb18030", ("gb18030",)),
    "gbk": ("gb18030", ("gb18030",)),
    "gb18030": ("gb18030", ("gb18030",)),
    "big5": ("big5", ("cp950", "big5hkscs")),
    "cp950": ("big5", ("cp950", "big5hkscs")),
    "big5hkscs": ("big5", ("big5hkscs",)),
    "utf_8": ("utf-8", ("utf-8",)),
    "utf-8": ("utf-8", ("utf-8",)),
    "utf_16_le": ("utf-16-le", ("utf-16-le",)),
    "utf_16_be": ("utf-16-be", ("utf-16-be",)),
}
# The detector only weighs the multi-byte encodings Chinese articles are saved in, so that a short
# GBK file is not read as Shift-JIS, EUC-KR or BOM-less UTF-16.
DETECTOR_CANDIDATES = ["gb18030", "big5", "cp950", "big5hkscs"]
LONGEST_CHARACTER_BYTES = 4
META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_-]+)", re.I)
HTML_MARKERS = re.compile(r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.I)
HTML_TAGS = re.compile(r"</?(?:p|div|br|span|a|table|td|h[1-6])(?:\s[^>]*)?/?>", re.I)
MIN_TAGS_FOR_HTML = 3
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_CONTROL_SHARE = 0.05


class DecodeError(RejectedFile):
    """The bytes cannot become article text; `reason` says why, for `load_errors`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Decoded:
    """Clean text (LF line ends, no NUL or zero-width characters) and how it was read."""

    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)
    is_html: bool = False


def decode_bytes(data: bytes) -> Decoded:
    """Decode an article file, or raise DecodeError saying why it is not one."""
    if not data:
        raise DecodeError("empty file (0 bytes)")
    if not data.startswith(tuple(mark for mark, _ in BYTE_ORDER_MARKS)):
        # Without a BOM every encoding we read keeps control bytes for control characters.
        _reject_binary(data.decode("latin-1"))
    encoding, text, warnings = _decode(data)
    _reject_binary(text)
    text, cleaning_warnings = _clean(text)
    if not text.strip():
        raise DecodeError(f"no text: nothing but whitespace in {len(data)} bytes")
    return Decoded(
        text=text,
        encoding=encoding,
        warnings=warnings + cleaning_warnings,
        is_html=looks_like_html(text),
    )


def _reject_binary(text: str) -> None:
    """Binary files (images, archives, office documents) are full of control characters."""
    control_share = len(CONTROL_CHARACTERS.findall(text)) / max(len(text), 1)
    if control_share > MAX_CONTROL_SHARE:
        raise DecodeError(
            f"binary data, not text: {control_share:.0%} control characters "
            "(UTF-16 needs a byte-order mark)"
        )


def looks_like_html(text: str) -> bool:
    """True for markup, whatever the file's suffix: pages are often saved as .txt."""
    return (
        bool(HTML_MARKERS.search(text[:4096])) or len(HTML_TAGS.findall(text)) >= MIN_TAGS_FOR_HTML
    )


def _decode(data: bytes) -> tuple[str, str, list[str]]:
    """(encoding recorded, text, warnings) for the first reading that works."""
    for mark, codec in BYTE_ORDER_MARKS:
        if data.startswith(mark):
            decoded = _decode_tolerating_truncation(data[len(mark) :], (codec,))
            if decoded is None:
                raise DecodeError(f"invalid {codec} data after its byte-order mark")
            return codec, *decoded
    for family in _declared_families(data):
        name, codecs_to_try = ENCODING_FAMILIES[family]
        decoded = _decode_tolerating_truncation(data, codecs_to_try)
        if decoded is not None:
            return name, *decoded
    decoded = _decode_tolerating_truncation(data, ("utf-8",))
    if decoded is not None:
        return "utf-8", *decoded
    for trimmed in range(LONGEST_CHARACTER_BYTES):
        best = from_bytes(data[: len(data) - trimmed], cp_isolation=DETECTOR_CANDIDATES).best()
        if best is not None and best.encoding in ENCODING_FAMILIES:
            name, codecs_to_try = ENCODING_FAMILIES[best.encoding]
            decoded = _decode_tolerating_truncation(data, codecs_to_try)
            if decoded is not None:
                return name, *decoded
    raise DecodeError("undecodable: not UTF-8, UTF-16, GB18030 (GBK, GB2312) or Big5 text")


def _declared_families(data: bytes) -> list[str]:
    """Encodings a page declares in <meta charset>, if we know them."""
    found = META_CHARSET.search(data[:4096])
    if found is None:
        return []
    declared = found.group(1).decode("ascii").lower().replace("-", "_")
    return [
        family for family in (declared, declared.replace("_", "")) if family in ENCODING_FAMILIES
    ]


def _decode_tolerating_truncation(
    data: bytes, codecs_to_try: tuple[str, ...]
) -> tuple[str, list[str]] | None:
    """Strict decoding that forgives one incomplete character at the very end (a cut file)."""
    for codec in codecs_to_try:
        decoder = codecs.getincrementaldecoder(codec)()
        try:
            text = decoder.decode(data, final=False)
        except UnicodeDecodeError:
            continue
        pending = len(decoder.getstate()[0])
        if pending:
            return text, [f"truncated last character: {pending} trailing byte(s) dropped"]
        return text, []
    return None


def _clean(text: str) -> tuple[str, list[str]]:
    """Remove NUL and zero-width characters and unify line ends to LF."""
    warnings = []
    nul_count = text.count("\x00")
    if nul_count:
        warnings.append(f"removed {nul_count} NUL character(s)")
    zero_width_count = sum(text.count(chr(code)) for code in ZERO_WIDTH)
    if zero_width_count:
        warnings.append(f"removed {zero_width_count} zero-width character(s)")
    if nul_count:
        text = text.replace("\x00", "")
    if zero_width_count:  # translate() looks up every character: 0.2 ms a document
        text = text.translate(ZERO_WIDTH)
    return text.replace("\r\n", "\n").replace("\r", "\n"), warnings
