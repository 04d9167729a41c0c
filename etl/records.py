"""Collections as users hold them: crawler exports (JSON Lines, CSV), WARC archives, and a folder's
manifest or sidecar files saying where each article came from.

Every reader streams: it holds one record at a time, however large the file. A bad record (invalid
JSON, a row with no text, a WARC response that is no HTML page) is yielded as a `BadRecord` with
its position, and the reading goes on.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import BinaryIO

from etl.read import EXPORT_SUFFIXES, MANIFEST_NAME, MAX_ARTICLE_BYTES, WARC_SUFFIXES

# What each field may be called in an export, a manifest or a sidecar (compared ignoring case).
FIELD_COLUMNS: dict[str, tuple[str, ...]] = {
    "text": ("text", "content", "body"),
    "html": ("html",),
    "title": ("title",),
    "url": ("url",),
    "published": ("published", "date", "pubdate"),
    "source": ("source", "site"),
    "author": ("author",),
    "city": ("city",),
    "file": ("file",),
}
SIDECAR_SUFFIX = ".json"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# A CSV field holding a whole article is far longer than the csv module's 128 KB default.
csv.field_size_limit(MAX_ARTICLE_BYTES)
ENCODING_SAMPLE = 65_536


@dataclass(frozen=True)
class Given:
    """What a collection says about one article besides its text: `origin` is where it says it
    (record, manifest or sidecar), `published` is as written there (etl.dates reads it), and
    `container`/`record` place an export's or archive's record in its file (from 1)."""

    origin: str
    url: str | None = None
    published: str | None = None
    title: str | None = None
    source: str | None = None
    author: str | None = None
    city: str | None = None
    captured_at: str | None = None  # a WARC record's WARC-Date: when it was archived
    container: str | None = None
    record: int | None = None
    warnings: tuple[str, ...] = ()

    def to_json(self) -> str:
        """The fields that hold something, for documents.given_metadata (read by `from_json`)."""
        stated = {name: value for name, value in asdict(self).items() if value}
        return json.dumps(stated, ensure_ascii=False, sort_keys=True)

    def identity(self) -> bytes:
        """What the collection says that makes the article another document: not where its
        record stands (a record moved by an insertion is the same article) nor when it was
        archived (a second capture of the same page is the same article)."""
        stated = replace(self, container=None, record=None, captured_at=None, warnings=())
        return stated.to_json().encode("utf-8")

    @classmethod
    def from_json(cls, text: str) -> Given:
        stated = json.loads(text)
        stated["warnings"] = tuple(stated.get("warnings", ()))
        return cls(**stated)


@dataclass(frozen=True)
class Record:
    """One article of a container: its bytes (text as UTF-8, or a page as archived)."""

    number: int
    data: bytes
    given: Given


@dataclass(frozen=True)
class BadRecord:
    number: int
    reason: str


def is_export(name: str) -> bool:
    lowered = name.lower()
    return lowered.endswith(EXPORT_SUFFIXES) and Path(lowered).name != MANIFEST_NAME


def is_warc(name: str) -> bool:
    return name.lower().endswith(WARC_SUFFIXES)


def parse_columns(spec: str) -> dict[str, str]:
    """`--columns text=正文,published=发布时间` as {field: column}; ValueError for a field that
    does not exist or an item that is no FIELD=COLUMN."""
    mapping = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        field_name, sep, column = item.partition("=")
        if not sep or not column.strip() or field_name.strip() not in FIELD_COLUMNS:
            known = ", ".join(FIELD_COLUMNS)
            raise ValueError(f"{item!r} is not FIELD=COLUMN with FIELD one of {known}")
        mapping[field_name.strip()] = column.strip()
    return mapping


class Fields:
    """Which of a table's columns holds each field: the first of FIELD_COLUMNS present, unless
    `overrides` names the column."""

    def __init__(self, columns: Iterable[str], overrides: Mapping[str, str] | None = None):
        by_lower = {}
        for column in columns:
            by_lower.setdefault(column.strip().lower(), column)
        self.column_of: dict[str, str] = {}
        for name, candidates in FIELD_COLUMNS.items():
            wanted = (overrides or {}).get(name)
            found = (
                by_lower.get(wanted.lower())
                if wanted
                else next((by_lower[c] for c in candidates if c in by_lower), None)
            )
            if found is not None:
                self.column_of[name] = found

    def value(self, row: Mapping[str, object], name: str) -> str | None:
        """The field's value as text, None when absent or blank (a list is joined: authors)."""
        column = self.column_of.get(name)
        value = row.get(column) if column is not None else None
        if isinstance(value, list):
            value = "、".join(str(item) for item in value if item is not None)
        if value is None or isinstance(value, dict):
            return None
        text = str(value).strip()
        return text or None

    def given(self, row: Mapping[str, object], origin: str, **origin_fields) -> Given:
        return Given(
            origin,
            url=self.value(row, "url"),
            published=self.value(row, "published"),
            title=self.value(row, "title"),
            source=self.value(row, "source"),
            author=self.value(row, "author"),
            city=self.value(row, "city"),
            **origin_fields,
        )


def decompressed(raw: BinaryIO, name: str) -> BinaryIO:
    """The file's bytes, decompressed as they are read when its name ends in .gz."""
    if name.lower().endswith(".gz"):
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    return raw


def read_export(
    raw: BinaryIO, container: str, overrides: Mapping[str, str] | None = None
) -> Iterator[Record | BadRecord]:
    """The articles of a JSON Lines or CSV export read from `raw`, one a record; `container` is
    the name the database records the file by. Numbers are JSON lines or CSV data rows, from 1."""
    with decompressed(raw, container) as stream:
        if container.lower().removesuffix(".gz").endswith(".jsonl"):
            rows = _json_lines(stream)
        else:
            rows = _csv_rows(stream)
        fields_by_columns: dict[tuple[str, ...], Fields] = {}  # JSON lines may differ in keys
        for number, row in rows:
            if isinstance(row, BadRecord):
                yield row
                continue
            columns = tuple(row)
            fields = fields_by_columns.get(columns)
            if fields is None:
                fields = fields_by_columns[columns] = Fields(columns, overrides)
            yield _record(number, row, fields, container)


def _record(
    number: int, row: Mapping[str, object], fields: Fields, container: str
) -> Record | BadRecord:
    text = fields.value(row, "text")
    page = None if text else fields.value(row, "html")
    if text is None and page is None:
        names = "/".join(FIELD_COLUMNS["text"] + FIELD_COLUMNS["html"])
        return BadRecord(number, f"no article text: no {names} value")
    data = (text or page or "").encode("utf-8")
    if len(data) > MAX_ARTICLE_BYTES:
        return BadRecord(number, f"too large for one article: {len(data) / 1e6:.1f} MB")
    return Record(number, data, fields.given(row, "record", container=container, record=number))


def _json_lines(stream: BinaryIO) -> Iterator[tuple[int, dict | BadRecord]]:
    """Each line's object. Read line by line rather than by rows_from_file's newline-JSON mode,
    whose generator ends at the first line that is not JSON: a bad line must stop nothing."""
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except (ValueError, UnicodeDecodeError) as error:
            yield number, BadRecord(number, f"invalid JSON: {error}")
            continue
        if not isinstance(row, dict):
            yield number, BadRecord(number, f"a JSON {type(row).__name__}, not an object")
            continue
        yield number, row


def _csv_rows(stream: BinaryIO) -> Iterator[tuple[int, dict | BadRecord]]:
    """Each data row, read by sqlite-utils' rows_from_file. The dialect is sniffed from the
    header line alone: articles in the first rows, with their commas, semicolons and quotes,
    misled the sniffer. The encoding is UTF-8 (with or without BOM) or, as Excel saves it on
    Chinese Windows, GB18030."""
    # imported here: sqlite-utils imports pandas and pyarrow where installed, 0.8 s that a load
    # of article files need not spend
    from sqlite_utils.utils import Format, rows_from_file

    buffered = io.BufferedReader(stream)  # type: ignore[arg-type]
    sample = buffered.peek(ENCODING_SAMPLE)[:ENCODING_SAMPLE]
    encoding = "utf-8-sig" if _is_utf8(sample) else "gb18030"
    header = sample.split(b"\n", 1)[0].decode(encoding, "replace")
    try:
        dialect = csv.Sniffer().sniff(header, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    rows, _ = rows_from_file(
        buffered, format=Format.CSV, dialect=dialect, encoding=encoding, extras_key="\0extra"
    )
    for number, row in enumerate(rows, start=1):
        if "\0extra" in row:
            yield number, BadRecord(number, "more values than the header has columns")
        else:
            yield number, row


def _is_utf8(sample: bytes) -> bool:
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start >= len(sample) - 3  # only a character cut at the sample's end
    return True


def read_warc(raw: BinaryIO, container: str) -> Iterator[Record | BadRecord]:
    """One article per HTML response (or resource) record of a WARC file, gzipped or not, with
    its target URI and WARC-Date. Requests, metadata and the like are no articles and are passed
    over; a response that is not an HTML page, or not a success, is a bad record. Numbers count
    every record of the file, from 1."""
    from warcio.archiveiterator import ArchiveIterator

    for number, record in enumerate(ArchiveIterator(raw), start=1):
        if record.rec_type not in ("response", "resource"):
            continue
        # a response's page type and status are in its HTTP headers; a resource has none
        headers = record.http_headers or record.rec_headers
        status = record.http_headers.get_statuscode() if record.http_headers else "200"
        content_type = headers.get_header("Content-Type") or ""
        media_type = content_type.split(";", 1)[0].strip().lower()
        if media_type not in HTML_TYPES:
            yield BadRecord(number, f"not an HTML page: {media_type or 'no content type'}")
            continue
        if not status.startswith("2"):
            yield BadRecord(number, f"not a page but HTTP status {status}")
            continue
        data = record.content_stream().read(MAX_ARTICLE_BYTES + 1)
        if len(data) > MAX_ARTICLE_BYTES:
            yield BadRecord(number, "too large for one article")
            continue
        given = Given(
            "record",
            url=record.rec_headers.get_header("WARC-Target-URI"),
            captured_at=record.rec_headers.get_header("WARC-Date"),
            container=container,
            record=number,
        )
        yield Record(number, data, given)


def read_manifest(path: Path) -> tuple[dict[str, Given], list[BadRecord]]:
    """A manifest's rows by their `file` (relative to the manifest's folder, '/'-separated),
    and the rows that name no file."""
    entries: dict[str, Given] = {}
    bad = []
    fields: Fields | None = None
    with path.open("rb") as stream:
        for number, row in _csv_rows(stream):
            if isinstance(row, BadRecord):
                bad.append(row)
                continue
            fields = fields or Fields(row)
            file = fields.value(row, "file")
            if file is None:
                bad.append(BadRecord(number, "no file named (the `file` column)"))
                continue
            entries[Path(file.replace("\\", "/")).as_posix()] = fields.given(row, "manifest")
    return entries, bad


def read_sidecar(path: Path) -> Given:
    """The metadata in NAME.json beside NAME.html or NAME.txt; one that cannot be read gives
    nothing but a warning, and the article still loads."""
    try:
        stated = json.loads(path.read_bytes())
    except (OSError, ValueError) as error:
        return Given("sidecar", warnings=(f"sidecar {path.name} ignored: {error}",))
    if not isinstance(stated, dict):
        return Given("sidecar", warnings=(f"sidecar {path.name} ignored: not a JSON object",))
    return Fields(stated.keys()).given(stated, "sidecar")
