"""Collections built from the seeds, as crawlers and archivers write them (for the tests)."""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterable
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def seed_text(number: int) -> str:
    return SEEDS[number].read_text(encoding="utf-8")


def write_jsonl(path: Path, rows: Iterable[dict | str]) -> Path:
    """One JSON object a line (a str row is written as it is: a broken line); gzipped when the
    name ends in .gz."""
    lines = "".join(
        (row if isinstance(row, str) else json.dumps(row, ensure_ascii=False)) + "\n"
        for row in rows
    ).encode("utf-8")
    path.write_bytes(gzip.compress(lines) if path.suffix == ".gz" else lines)
    return path


def write_csv(path: Path, rows: list[dict], encoding: str = "utf-8") -> Path:
    columns = list(dict.fromkeys(key for row in rows for key in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def write_warc(path: Path, records: Iterable[tuple[str, str, bytes]], gzipped: bool = True) -> Path:
    """Response records of (target URI, content type, body), each after its request record,
    as a crawler archives them."""
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=gzipped)
        for uri, content_type, body in records:
            request = writer.create_warc_record(
                uri,
                "request",
                payload=io.BytesIO(b""),
                http_headers=StatusAndHeaders(
                    "GET / HTTP/1.1", [("Host", "example.cn")], is_http_request=True
                ),
            )
            writer.write_record(request)
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1"
            )
            writer.write_record(
                writer.create_warc_record(
                    uri, "response", payload=io.BytesIO(body), http_headers=headers
                )
            )
    return path


def as_page(text: str, head: str = "") -> bytes:
    """An article as a news site serves it: headline, paragraphs, and what `head` adds."""
    title, *paragraphs = [line for line in text.splitlines() if line.strip()]
    body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
        f"<body><nav><a href='/'>首页</a></nav><article><h1>{title}</h1>{body}</article>"
        "</body></html>"
    ).encode()
