"""Measure pingan-db at corpus scale, in one run on one corpus, and write bench/RESULTS.md.

    .venv/bin/python bench/run.py            # quick: 2,000 documents (also `make bench`)
    .venv/bin/python bench/run.py --full     # 100,000 documents
    .venv/bin/python bench/run.py --latency-of DB.sqlite --out F.md   # served pages of a database
    .venv/bin/python bench/run.py --collections [--full]   # exports and WARC archives (issue 22)

What it measures (issue 8): the floor (jieba 0.42.1 alone segmenting all the text, with the
project's user dictionary, just before and just after the load it is compared with);
`pingan load --jobs 1` end to end and its ratio to the floor;
`--jobs 2` against one process; an unchanged re-run against the first load; the peak resident
memory of `pingan load` at two corpus sizes (N and N/10); database size per MB of input; Datasette
latency (p50, p95) of a served instance for a metric_comparison page, a city_scorecard page and a
Chinese search of paragraphs; and a cProfile of one single-process load of a quick-size corpus,
to say where the time goes. Every `pingan` command runs as its own process, as a user runs it;
times are wall-clock and include start-up, and CPU seconds are given too, since the machine is
shared.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import pstats
import re
import shlex
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlencode

from make_corpus import CorpusStats, write_corpus

from etl.read import find_article_files

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
PINGAN = Path(sys.executable).with_name("pingan")
QUICK_DOCS = 2_000
FULL_DOCS = 100_000
SMALL_SHARE = 10
FLOOR_SAMPLE = 20_000
"""The floor is measured on at most this many documents, evenly spread."""
"""The second corpus size for peak memory is N / SMALL_SHARE (10,000 beside 100,000)."""
DATABASE_NAME = "pingan"
SEARCH_QUERY = "刑事发案"
# The search page as readers vary it: a name -> what the form sends. "{city}" is the city with
# the most documents, so that narrowing keeps the most rows.
SEARCH_PAGES = {
    "search": {"q": SEARCH_QUERY},
    "search_common_word": {"q": "平安"},
    "search_other_forms": {"q": "网格员"},
    "search_one_city": {"q": "平安", "city": "{city}"},
    "search_one_year": {"q": "平安", "from": "2020-01-01", "to": "2020-12-31"},
    "search_since_a_date": {"q": "平安", "from": "2016-01-01"},
}
SEARCH_COUNT = """
select count(*) from paragraphs_fts join paragraphs on paragraphs.id = paragraphs_fts.rowid
join documents on documents.id = paragraphs.document_id
where paragraphs_fts match fts_query(:q)
  and (:city is null or documents.report_city = :city)
  and (:from is null or documents.published_on >= :from)
  and (:to is null or documents.published_on <= :to)
"""
WARM_UP_REQUESTS = 3
MIN_REQUESTS = 5
DERIVED = re.compile(r"(\d+) (?:loaded|refreshed)\b")
REFERENCE_LOOP = 1_000_000
REFERENCE_NOTE = f"""Reference ms: how long a fixed pure-Python loop \
({REFERENCE_LOOP:,} additions, best of 3) took just before a phase, a sample of the machine's \
speed at that moment (the work is the same every time). On a shared machine it moves within \
seconds (42 to 72 ms in one minute here, while jieba's rate moved by 10%), so it cannot correct \
a figure; it flags one taken while the machine was slow."""
PROFILE_ROWS = 25


@dataclass(frozen=True)
class CommandRun:
    """One `pingan` process: wall-clock and CPU seconds, peak resident memory (the largest of
    the process and the workers it waited for), exit code and the summary line it printed."""

    seconds: float
    cpu_seconds: float
    peak_rss_bytes: int
    exit_code: int
    output: str
    reference_ms: float

    def summary_line(self) -> str:
        return next((line for line in self.output.splitlines() if line.startswith("run ")), "")

    def documents_derived(self) -> int:
        """Documents this load built (new or re-derived): none, if the corpus and the pipeline
        were unchanged since the previous load."""
        return sum(int(count) for count in DERIVED.findall(self.summary_line()))


@dataclass(frozen=True)
class Latency:
    page: str
    path: str
    requests: int
    rows: int | None
    p50_ms: float
    p95_ms: float
    max_ms: float
    reference_ms: float


def reference_ms() -> float:
    """Milliseconds a fixed pure-Python loop takes now, best of 3: the same work every time, so
    a larger figure is a slower machine. The cores of a shared machine change speed from one
    minute to the next, so every phase records it."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for number in range(REFERENCE_LOOP):
            total += number
        best = min(best, time.perf_counter() - started)
    return best * 1000


def run_measured(command: list[str], log: Path) -> CommandRun:
    """Run a command to the end; `os.wait4` gives this child's own rusage (peak RSS, CPU)."""
    reference = reference_ms()
    with log.open("w") as output:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    return CommandRun(
        seconds=seconds,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        peak_rss_bytes=usage.ru_maxrss * 1024,  # Linux reports kilobytes
        exit_code=process.returncode,
        output=log.read_text(encoding="utf-8", errors="replace"),
        reference_ms=reference,
    )


def pingan_load(database: Path, corpus: Path, jobs: int, log: Path) -> CommandRun:
    """`pingan load`; exit 1 (some files failed) is a result to report, anything else a fault."""
    command = [str(PINGAN), "load", "--db", str(database), "--jobs", str(jobs), str(corpus)]
    run = run_measured(command, log)
    if run.exit_code not in (0, 1) or not run.summary_line():
        raise RuntimeError(f"{shlex.join(command)} exited {run.exit_code}:\n{run.output[-3000:]}")
    return run


def corpus_texts(corpus: Path) -> Iterator[str]:
    for path in find_article_files([corpus]):
        yield path.read_text(encoding="utf-8")


def segmentation_seconds(corpus: Path, backend: str, every: int = 1) -> float:
    """Seconds `backend` takes to cut every document of the corpus, reading and loading its
    dictionary excluded: the cost no loader can avoid. With `every` > 1 only every such
    document is cut and the time is scaled by characters (jieba's rate per character is steady,
    and cutting 100,000 documents would take it half an hour)."""
    from etl.tokens import segmenter

    cut = segmenter(backend).cut
    cut("平安建设")  # jieba builds its prefix dictionary on first use
    seconds = 0.0
    cut_characters = all_characters = 0
    for number, text in enumerate(corpus_texts(corpus)):
        all_characters += len(text)
        if number % every:
            continue
        started = time.perf_counter()
        cut(text)
        seconds += time.perf_counter() - started
        cut_characters += len(text)
    return seconds * all_characters / cut_characters


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def served(database: Path, log: Path) -> Iterator[http.client.HTTPConnection]:
    """`pingan serve` on a free port of 127.0.0.1, and a keep-alive connection to it."""
    port = free_port()
    command = [str(PINGAN), "serve", "--db", str(database), "--host", "127.0.0.1"]
    with log.open("w") as output:
        server = subprocess.Popen(
            [*command, "--port", str(port)], stdout=output, stderr=subprocess.STDOUT
        )
    try:
        connection = wait_until_serving(port, server, log)
        yield connection
        connection.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_until_serving(
    port: int, server: subprocess.Popen, log: Path, timeout: float = 120.0
) -> http.client.HTTPConnection:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"pingan serve exited {server.returncode}:\n{log.read_text()}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            connection.request("GET", "/-/versions.json")
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                return connection
        except OSError:
            connection.close()
            time.sleep(0.2)
    raise RuntimeError(f"pingan serve did not answer on port {port} in {timeout:.0f} s")


def fetch(connection: http.client.HTTPConnection, path: str) -> float:
    """Seconds for one GET, body read; anything but 200 is a fault, not a latency."""
    started = time.perf_counter()
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    seconds = time.perf_counter() - started
    if response.status != 200:
        raise RuntimeError(f"GET {path} answered {response.status}")
    return seconds


def measure_latency(
    connection: http.client.HTTPConnection,
    page: str,
    path: str,
    requests: int,
    budget_seconds: float,
    rows: int | None,
) -> Latency:
    """p50, p95 and max of `requests` GETs, or of those made within the time budget (at least
    MIN_REQUESTS): a page that takes seconds would otherwise hold the benchmark for an hour."""
    reference = reference_ms()
    for _ in range(WARM_UP_REQUESTS):
        fetch(connection, path)
    samples: list[float] = []
    deadline = time.monotonic() + budget_seconds
    while len(samples) < requests and (len(samples) < MIN_REQUESTS or time.monotonic() < deadline):
        samples.append(fetch(connection, path) * 1000)
    samples.sort()
    percentiles = statistics.quantiles(samples, n=100, method="inclusive")
    return Latency(
        page, path, len(samples), rows, percentiles[49], percentiles[94], samples[-1], reference
    )


def busiest_city(database: Path) -> str:
    connection = sqlite3.connect(database)
    row = connection.execute(
        "select report_city from documents where report_city is not null "
        "group by report_city order by count(*) desc, report_city limit 1"
    ).fetchone()
    connection.close()
    return row[0] if row else ""


def search_forms(city: str) -> dict[str, dict[str, str]]:
    return {
        page: {name: value.format(city=city) for name, value in form.items()}
        for page, form in SEARCH_PAGES.items()
    }


def page_rows(database: Path, searches: dict[str, dict[str, str]]) -> dict[str, int | None]:
    """How many rows each measured page works through, so a fast empty page is seen as such."""
    from etl.search import register_search_functions

    connection = sqlite3.connect(database)
    register_search_functions(connection)
    counts: dict[str, int | None] = {}
    for page, sql in {
        "metric_comparison": "select count(*) from metric_comparison",
        "city_scorecard": "select count(*) from city_scorecard",
    }.items():
        counts[page] = count_or_none(connection, sql, {})
    for page, form in searches.items():
        narrowing = dict.fromkeys(("city", "from", "to")) | form
        counts[page] = count_or_none(connection, SEARCH_COUNT, narrowing)
    connection.close()
    return counts


def count_or_none(connection: sqlite3.Connection, sql: str, parameters: dict) -> int | None:
    try:
        return connection.execute(sql, parameters).fetchone()[0]
    except sqlite3.Error:
        return None


def datasette_latencies(
    database: Path, requests: int, budget_seconds: float, log: Path
) -> list[Latency]:
    searches = search_forms(busiest_city(database))
    rows = page_rows(database, searches)
    pages = {
        "metric_comparison": f"/{DATABASE_NAME}/metric_comparison",
        "city_scorecard": f"/{DATABASE_NAME}/city_scorecard",
    } | {
        # the page the search box leads to (the table's search redirects there)
        page: f"/search?{urlencode(form)}"
        for page, form in searches.items()
    }
    with served(database, log) as connection:
        return [
            measure_latency(connection, page, path, requests, budget_seconds, rows[page])
            for page, path in pages.items()
        ]


def profile_load(database: Path, corpus: Path, out: Path, log: Path) -> CommandRun:
    """One single-process load under cProfile (its time is not used for the figures)."""
    command = [sys.executable, "-m", "cProfile", "-o", str(out), str(PINGAN), "load"]
    run = run_measured([*command, "--db", str(database), "--jobs", "1", str(corpus)], log)
    if run.exit_code not in (0, 1):
        raise RuntimeError(f"profiled load exited {run.exit_code}:\n{run.output[-3000:]}")
    return run


def function_label(key: tuple[str, int, str]) -> str:
    """`etl/places.py:120 locate_article`: the folders of the repository and libraries cut off."""
    filename, line, name = key
    if filename == "~":
        return name
    short = re.sub(r".*/(site-packages|lib/python3\.\d+)/", "", filename)
    short = short.removeprefix(str(ROOT) + "/")
    return f"{short}:{line} {name}"


def profile_tables(profile: Path) -> tuple[float, str, str]:
    """(total seconds, table of this project's functions by cumulative time, table of all
    functions by own time)."""
    entries = pstats.Stats(str(profile)).stats
    total = sum(own for _, _, own, _, _ in entries.values())
    header = "| function | calls | own s | cumulative s | cumulative % |\n|---|--:|--:|--:|--:|\n"

    def table(keys: list) -> str:
        rows = []
        for key in keys:
            _, calls, own, cumulative, _ = entries[key]
            rows.append(
                f"| `{function_label(key)}` | {calls:,} | {own:.2f} | {cumulative:.2f} | "
                f"{100 * cumulative / total:.0f}% |"
            )
        return header + "\n".join(rows)

    project = [key for key in entries if key[0].startswith(str(ROOT / "etl"))]
    by_cumulative = sorted(project, key=lambda key: entries[key][3], reverse=True)
    by_own = sorted(entries, key=lambda key: entries[key][2], reverse=True)
    return total, table(by_cumulative[:PROFILE_ROWS]), table(by_own[:PROFILE_ROWS])


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        models = re.findall(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        cpu = models[0] if models else cpu
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return f"{cpu}, {os.cpu_count()} cores, {memory / 2**30:.1f} GiB RAM, {platform.platform()}"


def code_version() -> str:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    changed = git("status", "--porcelain")
    return git("rev-parse", "--short", "HEAD") + (" with uncommitted changes" if changed else "")


def database_bytes(database: Path) -> int:
    wal = database.with_name(database.name + "-wal")
    return database.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def mb(size: float) -> str:
    return f"{size / 2**20:,.1f} MB"


def rate(characters: int, seconds: float) -> str:
    return f"{characters / seconds:,.0f} chars/s"


def met(ok: bool) -> str:
    return "yes" if ok else "**no**"


@dataclass(frozen=True)
class Results:
    mode: str
    command: str
    started: datetime
    code: str
    seed: int
    corpus: CorpusStats
    small_corpus: CorpusStats
    jieba_seconds: float
    jieba_seconds_after: float
    floor_every: int
    floor_reference_ms: float
    floor_after_reference_ms: float
    rjieba_seconds: float
    first: CommandRun
    rerun: CommandRun
    parallel: CommandRun
    small: CommandRun
    database_bytes: int
    requests_asked: int
    latency_budget: float
    latencies: list[Latency]
    profile_corpus: CorpusStats
    profiled: CommandRun
    profile_total: float
    profile_by_cumulative: str
    profile_by_own: str

    @property
    def floor_seconds(self) -> float:
        """The floor measured just before the `--jobs 1` load and just after it, averaged: the
        machine's speed moves, and the ratio's two sides should meet the same moments."""
        return (self.jieba_seconds + self.jieba_seconds_after) / 2


def markdown_table(header: tuple[str, ...], align: str, rows: list[tuple[str, ...]]) -> str:
    """`align` has one letter per column: l (left) or r (right)."""
    rule = "|".join("--:" if a == "r" else "---" for a in align)
    lines = [f"| {' | '.join(header)} |", f"|{rule}|"]
    lines += [f"| {' | '.join(row)} |" for row in rows]
    return "\n".join(lines)


def default_load_note() -> str:
    """`pingan load` runs as many workers as there are cores: say when `--jobs 2` is that."""
    return " (the default load on these 2 cores)" if os.cpu_count() == 2 else ""


def figures_table(r: Results) -> str:
    chars = r.corpus.characters
    ratio = r.floor_seconds / r.first.seconds
    parallel_ratio = r.floor_seconds / r.parallel.seconds
    speed_up = r.first.seconds / r.parallel.seconds
    rerun_share = r.rerun.seconds / r.first.seconds
    growth = r.first.peak_rss_bytes / r.small.peak_rss_bytes
    memory_limit = 500 * 2**20
    slowest_p50 = max(latency.p50_ms for latency in r.latencies)
    rows = [
        (
            f"floor: jieba {version('jieba')} alone, all the text",
            f"{rate(chars, r.floor_seconds)} (before the load {rate(chars, r.jieba_seconds)}, "
            f"after it {rate(chars, r.jieba_seconds_after)})",
            "-",
            "-",
        ),
        ("for comparison: rjieba alone", rate(chars, r.rjieba_seconds), "-", "-"),
        ("`pingan load --jobs 1`, end to end", rate(chars, r.first.seconds), "-", "-"),
        (
            "`pingan load --jobs 1` throughput / the floor's",
            f"{ratio:.2f}x",
            "(2x: set aside for now)",
            "-",
        ),
        (
            f"`pingan load --jobs 2` throughput / the floor's{default_load_note()}",
            f"{parallel_ratio:.2f}x",
            "at least 1x",
            met(parallel_ratio >= 1),
        ),
        (
            "`--jobs 2` speed-up over one process",
            f"{speed_up:.2f}x",
            "at least 1.5x",
            met(speed_up >= 1.5),
        ),
        (
            "unchanged re-run, share of the first load's time",
            f"{100 * rerun_share:.1f}%",
            "at most 3%",
            met(rerun_share <= 0.03)
            if not r.rerun.documents_derived()
            else f"not measured: it re-derived {r.rerun.documents_derived():,} documents, so "
            "the pipeline changed during the benchmark",
        ),
        (
            f"peak memory, {r.small_corpus.documents:,} documents",
            mb(r.small.peak_rss_bytes),
            "under 500 MB",
            met(r.small.peak_rss_bytes < memory_limit),
        ),
        (
            f"peak memory, {r.corpus.documents:,} documents",
            mb(r.first.peak_rss_bytes),
            "under 500 MB, flat",
            f"{met(r.first.peak_rss_bytes < memory_limit)} (x{growth:.2f} for x{SMALL_SHARE} docs)",
        ),
        (
            "database size per MB of input text",
            f"{r.database_bytes / r.corpus.bytes:.2f} MB ({mb(r.database_bytes)} in all)",
            "-",
            "-",
        ),
        (
            "Datasette p50, slowest of the pages below",
            f"{slowest_p50:.1f} ms",
            "under 100 ms",
            met(slowest_p50 < 100),
        ),
    ]
    return markdown_table(("measure", "value", "target (full mode)", "met"), "lrll", rows)


def loads_table(r: Results) -> str:
    return load_runs_table(
        [
            ("first load", 1, r.corpus, r.first),
            ("unchanged re-run", 1, r.corpus, r.rerun),
            ("first load", 2, r.corpus, r.parallel),
            ("first load, small corpus", 1, r.small_corpus, r.small),
        ]
    )


def load_runs_table(loads: list[tuple[str, int, CorpusStats, CommandRun]]) -> str:
    """One row a `pingan load` run: (what it loaded, jobs, the corpus, the run)."""
    rows = [
        (
            name,
            str(jobs),
            f"{corpus.documents:,}",
            f"{run.seconds:.1f}",
            f"{run.cpu_seconds:.1f}",
            rate(corpus.characters, run.seconds),
            mb(run.peak_rss_bytes),
            f"{run.reference_ms:.0f}",
            run.summary_line(),
        )
        for name, jobs, corpus, run in loads
    ]
    header = (
        "run",
        "jobs",
        "documents",
        "wall s",
        "CPU s",
        "chars/s (wall)",
        "peak memory",
        "reference ms",
        "summary line",
    )
    return markdown_table(header, "lrrrrrrrl", rows)


def latency_table(latencies: list[Latency]) -> str:
    rows = [
        (
            lat.page,
            f"`{lat.path}`",
            "?" if lat.rows is None else f"{lat.rows:,}",
            str(lat.requests),
            f"{lat.p50_ms:.1f}",
            f"{lat.p95_ms:.1f}",
            f"{lat.max_ms:.1f}",
            f"{lat.reference_ms:.0f}",
        )
        for lat in latencies
    ]
    header = ("page", "path", "rows", "requests", "p50 ms", "p95 ms", "max ms", "reference ms")
    return markdown_table(header, "llrrrrrr", rows)


def render(r: Results) -> str:
    return f"""# Benchmark results

Written by `bench/run.py` (issue 8); every figure comes from the one run described here. Run it
again to update: `make bench` (quick) or `.venv/bin/python bench/run.py --full`.

- Date: {r.started:%Y-%m-%d %H:%M} UTC
- Command: `{r.command}` ({r.mode}, corpus seed {r.seed})
- Code: commit {r.code} (at the start)
- Machine: {machine()}
- Python {platform.python_version()}, jieba {version("jieba")}, rjieba {version("rjieba")},
  Datasette {version("datasette")}; `PINGAN_SEGMENTER`: {
        os.environ.get("PINGAN_SEGMENTER", "unset (the default backend)")
    }
- Corpus: {r.corpus.documents:,} documents, {r.corpus.characters:,} characters,
  {mb(r.corpus.bytes)} of UTF-8 text (`bench/make_corpus.py`); second size for peak memory:
  {r.small_corpus.documents:,} documents.

Times are wall-clock seconds of the whole `pingan` process (start-up, migrations and dictionary
loading included); CPU seconds are the process's own and its workers', a check on a machine that
others share. Peak memory is the largest resident set of the process or any of its workers
(`wait4` rusage). The floor is the time `jieba.Tokenizer.cut`, with the project's user dictionary,
takes over every document (reading files and loading the dictionary excluded){
        ""
        if r.floor_every == 1
        else f"; measured on one document in {r.floor_every} and scaled by characters"
    }. It is measured just before the `--jobs 1` load and again just after it, and the load is
compared with the mean of the two, so that both sides of the ratio meet the machine at nearly the
same moments.

{REFERENCE_NOTE} Before the floor: {r.floor_reference_ms:.0f} ms; before the floor again, after
the load: {r.floor_after_reference_ms:.0f} ms.

## Figures

{figures_table(r)}

## Loads

{loads_table(r)}

## Datasette latency

`pingan serve` on 127.0.0.1 with the database of the first load; sequential requests on one
keep-alive connection after {WARM_UP_REQUESTS} warm-up requests, each whole HTML page read:
{r.requests_asked} per page, or as many as fit in {r.latency_budget:.0f} s (at least \
{MIN_REQUESTS}) when a page is that slow. Rows: the rows of the page's view, or the paragraphs
matching the search.

{latency_table(r.latencies)}

## Where the time goes

cProfile of `pingan load --jobs 1` over a {r.profile_corpus.documents:,}-document corpus
({r.profile_corpus.characters:,} characters): {r.profile_total:.1f} s of profiled time
({r.profiled.seconds:.1f} s wall under the profiler).

This project's functions (`etl/`) by cumulative time:

{r.profile_by_cumulative}

All functions by own time (where the CPU actually is):

{r.profile_by_own}
"""


def render_latency_only(
    database: Path, command: str, started: datetime, code: str, latencies: list[Latency]
) -> str:
    with sqlite3.connect(database) as connection:
        documents = connection.execute("select count(*) from documents").fetchone()[0]
    return f"""# Datasette latency of a loaded database

Written by `bench/run.py --latency-of` (issue 8): the served pages alone, measured on a database
that an earlier run loaded (its migrations brought up to date first), with the code named here.

- Date: {started:%Y-%m-%d %H:%M} UTC
- Command: `{command}`
- Code: commit {code}
- Machine: {machine()}
- Python {platform.python_version()}, Datasette {version("datasette")}
- Database: {documents:,} documents, {mb(database_bytes(database))}

`pingan serve` on 127.0.0.1; sequential requests on one keep-alive connection after \
{WARM_UP_REQUESTS} warm-up requests, each whole HTML page read. {REFERENCE_NOTE}

{latency_table(latencies)}
"""


def latency_only(args: argparse.Namespace) -> str:
    """Bring the database's schema up to date, then measure its served pages."""
    started, code = datetime.now(UTC), code_version()
    database = args.latency_of
    if database.stem != DATABASE_NAME:
        raise SystemExit(
            f"the pages measured are under /{DATABASE_NAME}/: name the file {DATABASE_NAME}.sqlite"
        )
    with tempfile.TemporaryDirectory(prefix="pingan-bench-") as work:
        upgraded = run_measured(
            [str(PINGAN), "upgrade", "--db", str(database)], Path(work) / "upgrade.log"
        )
        if upgraded.exit_code != 0:
            raise RuntimeError(f"pingan upgrade failed:\n{upgraded.output}")
        step(f"Datasette latency, {args.requests} requests per page")
        latencies = datasette_latencies(
            database, args.requests, args.latency_budget, Path(work) / "serve.log"
        )
    return render_latency_only(
        database, shlex.join(["python", *sys.argv]), started, code, latencies
    )


def step(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def run_benchmark(args: argparse.Namespace, work: Path) -> Results:
    started, code = datetime.now(UTC), code_version()
    documents = args.docs or (FULL_DOCS if args.full else QUICK_DOCS)
    small_documents = max(1, documents // SMALL_SHARE)
    corpus_dir, small_dir = work / "corpus", work / "corpus-small"
    step("writing the corpora")
    corpus = write_corpus(documents, corpus_dir, args.seed)
    small_corpus = write_corpus(small_documents, small_dir, args.seed)
    if documents <= QUICK_DOCS:
        profile_dir, profile_corpus = corpus_dir, corpus
    else:
        profile_dir = work / "corpus-profile"
        profile_corpus = write_corpus(QUICK_DOCS, profile_dir, args.seed)

    step("the floor: jieba alone")
    floor_every = -(-documents // FLOOR_SAMPLE)
    floor_reference_ms = reference_ms()
    jieba_seconds = segmentation_seconds(corpus_dir, "jieba", floor_every)
    step("rjieba alone")
    rjieba_seconds = segmentation_seconds(corpus_dir, "rjieba")
    database = work / "one" / f"{DATABASE_NAME}.sqlite"
    database.parent.mkdir()
    step("pingan load --jobs 1")
    first = pingan_load(database, corpus_dir, 1, work / "load-1.log")
    step("the floor again, after the load")
    floor_after_reference_ms = reference_ms()
    jieba_seconds_after = segmentation_seconds(corpus_dir, "jieba", floor_every)
    step("pingan load --jobs 1, unchanged")
    rerun = pingan_load(database, corpus_dir, 1, work / "rerun.log")
    step("pingan load --jobs 2")
    parallel = pingan_load(work / "two.sqlite", corpus_dir, 2, work / "load-2.log")
    step("pingan load --jobs 1, small corpus")
    small = pingan_load(work / "small.sqlite", small_dir, 1, work / "load-small.log")
    step(f"Datasette latency, {args.requests} requests per page")
    latencies = datasette_latencies(
        database, args.requests, args.latency_budget, work / "serve.log"
    )
    step("profiling one single-process load")
    profile = work / "load.prof"
    profiled = profile_load(work / "profiled.sqlite", profile_dir, profile, work / "profile.log")
    total, by_cumulative, by_own = profile_tables(profile)
    return Results(
        mode=f"{'full' if args.full else 'quick'} mode" if not args.docs else "custom size",
        command=shlex.join(["python", *sys.argv]),
        started=started,
        code=code,
        seed=args.seed,
        corpus=corpus,
        small_corpus=small_corpus,
        jieba_seconds=jieba_seconds,
        jieba_seconds_after=jieba_seconds_after,
        floor_every=floor_every,
        floor_reference_ms=floor_reference_ms,
        floor_after_reference_ms=floor_after_reference_ms,
        rjieba_seconds=rjieba_seconds,
        first=first,
        rerun=rerun,
        parallel=parallel,
        small=small,
        database_bytes=database_bytes(database),
        requests_asked=args.requests,
        latency_budget=args.latency_budget,
        latencies=latencies,
        profile_corpus=profile_corpus,
        profiled=profiled,
        profile_total=total,
        profile_by_cumulative=by_cumulative,
        profile_by_own=by_own,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help=f"{QUICK_DOCS:,} documents (default)")
    mode.add_argument("--full", action="store_true", help=f"{FULL_DOCS:,} documents")
    parser.add_argument("--docs", type=int, help="another number of documents")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    parser.add_argument("--requests", type=int, default=200, help="requests per page (200)")
    parser.add_argument(
        "--latency-budget",
        type=float,
        default=120.0,
        metavar="SECONDS",
        help="stop a page's requests after this long, with fewer than asked (120)",
    )
    mode.add_argument(
        "--latency-of",
        type=Path,
        metavar="DATABASE",
        help="only the Datasette latency of this loaded SQLite database",
    )
    parser.add_argument(
        "--collections",
        action="store_true",
        help="only loads of collections: a JSON Lines export of the documents (and the same "
        "documents as files), a WARC archive of a tenth as many pages",
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="results file (bench/RESULTS.md; bench/RESULTS-collections.md with --collections)",
    )
    parser.add_argument("--workdir", type=Path, help="keep corpora, databases and logs here")
    args = parser.parse_args()
    if args.collections:
        from collections_bench import COLLECTION_RESULTS, run_collections

        args.out = args.out or COLLECTION_RESULTS
        with tempfile.TemporaryDirectory(prefix="pingan-bench-") as work:
            args.out.write_text(run_collections(args, args.workdir or Path(work)), "utf-8")
        step(f"wrote {args.out}")
        return
    args.out = args.out or RESULTS
    if args.latency_of:
        args.out.write_text(latency_only(args), encoding="utf-8")
        step(f"wrote {args.out}")
        return
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        results = run_benchmark(args, args.workdir)
    else:
        with tempfile.TemporaryDirectory(prefix="pingan-bench-") as work:
            results = run_benchmark(args, Path(work))
    args.out.write_text(render(results), encoding="utf-8")
    step(f"wrote {args.out}")


if __name__ == "__main__":
    main()
