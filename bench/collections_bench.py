"""The collections case of the benchmark (issue 22): `bench/run.py --collections [--full]`.

Each load is a `pingan load` process, as a user runs it: the corpus generator's documents as
files (the baseline), the same documents as a gzipped JSON Lines export (then an unchanged
re-run, and `--jobs 2`), an export of a tenth as many (peak memory at two sizes: the reader
streams, so memory should not grow with the export), and a WARC archive of a tenth as many web
pages (10,000 beside 100,000 records in full mode).
"""

from __future__ import annotations

import argparse
import platform
import shlex
import sys
from datetime import UTC, datetime
from pathlib import Path

from make_collections import write_jsonl_export, write_warc_archive
from make_corpus import write_corpus
from run import (
    FULL_DOCS,
    QUICK_DOCS,
    ROOT,
    SMALL_SHARE,
    CommandRun,
    code_version,
    load_runs_table,
    machine,
    markdown_table,
    mb,
    pingan_load,
    rate,
    step,
)

COLLECTION_RESULTS = ROOT / "bench" / "RESULTS-collections.md"


def run_collections(args: argparse.Namespace, work: Path) -> str:
    """Write the collections, load each, and return the results as Markdown."""
    started, code = datetime.now(UTC), code_version()
    documents = args.docs or (FULL_DOCS if args.full else QUICK_DOCS)
    fewer = max(1, documents // SMALL_SHARE)
    work.mkdir(parents=True, exist_ok=True)
    step("writing the corpus and the collections")
    files = write_corpus(documents, work / "corpus", args.seed)
    export = write_jsonl_export(documents, work / "export.jsonl.gz", args.seed)
    small_export = write_jsonl_export(fewer, work / "small.jsonl.gz", args.seed)
    archive = write_warc_archive(fewer, work / "pages.warc.gz", args.seed)

    def load(name: str, source: str, jobs: int, database: str) -> CommandRun:
        step(f"pingan load --jobs {jobs} {name}")
        return pingan_load(work / database, work / source, jobs, work / f"{database}.log")

    runs = [
        ("the documents as files", 1, files, load("files", "corpus", 1, "files.sqlite")),
        ("export.jsonl.gz", 1, export, load("export", "export.jsonl.gz", 1, "jsonl.sqlite")),
        (
            "export.jsonl.gz, unchanged re-run",
            1,
            export,
            load("export again", "export.jsonl.gz", 1, "jsonl.sqlite"),
        ),
        ("export.jsonl.gz", 2, export, load("export", "export.jsonl.gz", 2, "jsonl-2.sqlite")),
        ("small.jsonl.gz", 1, small_export, load("small", "small.jsonl.gz", 1, "small.sqlite")),
        ("pages.warc.gz", 1, archive, load("archive", "pages.warc.gz", 1, "warc.sqlite")),
    ]
    as_files, first, rerun, parallel, small, archived = (run for *_, run in runs)
    figures = markdown_table(
        ("measure", "value"),
        "lr",
        [
            (
                "export, `--jobs 1`, against the same documents as files",
                f"{rate(export.characters, first.seconds)} against "
                f"{rate(files.characters, as_files.seconds)} "
                f"({as_files.seconds / first.seconds:.2f}x)",
            ),
            (
                "export, unchanged re-run, share of the first load's time",
                f"{rerun.seconds / first.seconds:.1%}",
            ),
            (
                "export, `--jobs 2` speed-up over one process",
                f"{first.seconds / parallel.seconds:.2f}x",
            ),
            (
                f"export, peak memory at {small_export.documents:,} and "
                f"{export.documents:,} records",
                f"{mb(small.peak_rss_bytes)} and {mb(first.peak_rss_bytes)} "
                f"(x{first.peak_rss_bytes / small.peak_rss_bytes:.2f} for x{SMALL_SHARE} records)",
            ),
            (
                f"WARC archive of {archive.documents:,} pages, `--jobs 1`",
                f"{rate(archive.characters, archived.seconds)}, {mb(archived.peak_rss_bytes)} peak",
            ),
        ],
    )
    return f"""# Benchmark results: collections

Written by `bench/run.py --collections` (issue 22); every figure comes from the one run described
here.

- Date: {started:%Y-%m-%d %H:%M} UTC
- Command: `{shlex.join(["python", *sys.argv])}` (corpus seed {args.seed})
- Code: commit {code} (at the start)
- Machine: {machine()}; Python {platform.python_version()}
- Export: {export.documents:,} records, {export.characters:,} characters of text, {mb(export.bytes)}
  gzipped (`bench/make_collections.py`: the documents of `bench/make_corpus.py`, {mb(files.bytes)}
  as files, with url, title, date and source); a second export of {small_export.documents:,}
  records ({mb(small_export.bytes)}); a WARC archive of {archive.documents:,} pages
  ({mb(archive.bytes)} gzipped, a request and a response record a page).

Times are wall-clock seconds of the whole `pingan` process; CPU seconds are its own and its
workers'; peak memory is the largest resident set of the process or any worker.

## Figures

{figures}

## Loads

{load_runs_table(runs)}
"""
