"""From a file's bytes to the rows of one document: the pure part of the ETL, stage by stage.

Nothing here touches the database, so the stages can run in worker processes and be tested alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from etl.errors import RejectedFile
from etl.read import SourceFile


@dataclass(frozen=True)
class ParagraphRecord:
    position: int
    text: str


@dataclass(frozen=True)
class DocumentRecord:
    """Everything the loader writes for one document."""

    path: str
    sha256: str
    title: str | None
    text: str
    paragraphs: list[ParagraphRecord]


def decode_utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RejectedFile(f"not UTF-8 text (invalid byte at offset {error.start})") from error


def build_document(source: SourceFile) -> DocumentRecord:
    text = decode_utf8(source.data)
    lines = [line.strip() for line in text.splitlines()]
    paragraphs = [ParagraphRecord(i, line) for i, line in enumerate(filter(None, lines))]
    if not paragraphs:
        raise RejectedFile("empty file: no text to load" if not text else "whitespace-only file")
    return DocumentRecord(
        path=source.path,
        sha256=source.sha256,
        title=paragraphs[0].text,
        text="\n".join(p.text for p in paragraphs),
        paragraphs=paragraphs,
    )
