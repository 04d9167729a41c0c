"""Write benchmark collections: the corpus generator's documents as a crawler's JSON Lines export
and as a WARC archive of their web pages.

    .venv/bin/python bench/make_collections.py N OUT.jsonl.gz [--warc PAGES OUT.warc.gz] [--seed 0]

Each record is one document of `make_corpus.generate_documents` (the same bytes as the files of a
corpus of the same seed), with the url, title, publication date and source a crawler records;
each WARC page is one such document as a news site serves it (headline, paragraphs, navigation),
archived as a request and a response. Both stream: a 100,000-record export is never in memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import html
import io
import json
from collections.abc import Iterator
from pathlib import Path

from make_corpus import CorpusStats, generate_documents
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

FIRST_DAY = dt.date(2012, 1, 1)
SOURCE = "平安建设网"


def crawled(count: int, seed: int = 0) -> Iterator[dict[str, str]]:
    """Each document with what a crawler records of it; the date walks a day a document."""
    for index, data in enumerate(generate_documents(count, seed)):
        text = data.decode("utf-8")
        published = FIRST_DAY + dt.timedelta(days=index % 5000)
        yield {
            "url": f"http://www.example.gov.cn/pingan/{published:%Y%m}/t{published:%Y%m%d}_{index}.html",
            "title": next(line for line in text.splitlines() if line.strip()).strip(),
            "published": published.isoformat(),
            "source": SOURCE,
            "text": text,
        }


def write_jsonl_export(count: int, out: Path, seed: int = 0) -> CorpusStats:
    """One record a line, gzipped (OUT.jsonl.gz), as crawlers write large exports."""
    out.parent.mkdir(parents=True, exist_ok=True)
    characters = 0
    with gzip.open(out, "wt", encoding="utf-8") as export:
        for record in crawled(count, seed):
            characters += len(record["text"])
            export.write(json.dumps(record, ensure_ascii=False) + "\n")
    return CorpusStats(count, characters, out.stat().st_size)


def web_page(record: dict[str, str]) -> bytes:
    title, *paragraphs = [line for line in record["text"].splitlines() if line.strip()]
    body = "".join(f"<p>{html.escape(paragraph)}</p>" for paragraph in paragraphs)
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title>"
        f"<meta name='pubdate' content='{record['published']}'></head><body>"
        "<nav><a href='/'>首页</a> | <a href='/pingan/'>平安建设</a></nav>"
        f"<article><h1>{html.escape(title)}</h1>{body}</article>"
        "<footer>版权所有 平安建设网</footer></body></html>"
    ).encode()


def write_warc_archive(count: int, out: Path, seed: int = 0) -> CorpusStats:
    """A request and a response record a page, gzipped record by record (as crawlers write)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    characters = 0
    with out.open("wb") as archive:
        writer = WARCWriter(archive, gzip=out.suffix == ".gz")
        for record in crawled(count, seed):
            characters += len(record["text"])
            request = StatusAndHeaders(
                "GET / HTTP/1.1", [("Host", "www.example.gov.cn")], is_http_request=True
            )
            response = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            for kind, headers, payload in (
                ("request", request, b""),
                ("response", response, web_page(record)),
            ):
                writer.write_record(
                    writer.create_warc_record(
                        record["url"], kind, payload=io.BytesIO(payload), http_headers=headers
                    )
                )
    return CorpusStats(count, characters, out.stat().st_size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--warc", nargs=2, metavar=("PAGES", "OUT"))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(write_jsonl_export(args.count, args.out, args.seed))
    if args.warc:
        print(write_warc_archive(int(args.warc[0]), Path(args.warc[1]), args.seed))


if __name__ == "__main__":
    main()
