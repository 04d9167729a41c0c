"""Load stage: write documents into the database, 50 to a transaction, and record the run.

Documents are built (decoded, described, segmented, mined for indicators) by `etl.pipeline`, in
worker processes when `jobs` > 1; this module is the one writer. A file that fails is recorded in
`load_errors` with its reason and never stops the others; a document is either wholly in the
database or not at all.
"""

from __future__ import annotations

import ctypes
import gc
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cache
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

import sqlite_utils
from sqlalchemy import Connection, Engine, delete, func, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from etl import db
from etl.db import SQL_DIR
from etl.errors import RejectedFile
from etl.fingerprint import pipeline_version
from etl.inputs import CollectionOptions, Unreadable, read_inputs
from etl.models import (
    Base,
    Document,
    DocumentKeyword,
    DocumentPath,
    EtlRun,
    Indicator,
    LoadError,
    LoadWarning,
    Paragraph,
)
from etl.read import ArticleFile, SourceFile, as_article_file
from etl.records import Given
from etl.reference import sync_reference_data
from etl.views import refresh_materialised

if TYPE_CHECKING:
    from etl.pipeline import DocumentRecord, IndicatorRecord

# Documents a transaction: enough that commits cost little, few enough that a reader sees the
# load advance and a crash loses little work (what it loses is loaded again by the next run).
BATCH_DOCUMENTS = 50
# Files whose bytes and paths are looked up in the database with one query each: so many, or
# fewer when their bytes (held until they are built) reach LOOKUP_BYTES.
LOOKUP_FILES = 500
LOOKUP_BYTES = 8_000_000
COUNTS_SQL = SQL_DIR / "refresh_counts.sql"
# A load that writes at least this share of the documents is a large one: it refills every
# comparison at once (as fast as city by city then), merges the full-text index into one and
# updates the query planner's statistics.
LARGE_LOAD_SHARE = 0.1
ProgressCallback = Callable[[str, int], None]
"""Called after each file with its outcome ('loaded', 'skipped', 'failed') and its characters,
then once with FINISHING when the files are done and the counts and comparisons are refilled."""
FINISHING = "finishing"
PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent dies


@dataclass
class LoadSummary:
    run_id: int
    files_seen: int = 0
    loaded: int = 0
    refreshed: int = 0
    skipped: int = 0
    failed: int = 0
    characters: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        rate = self.characters / self.seconds if self.seconds else 0.0
        return (
            f"run {self.run_id}: {self.files_seen} files seen, {self.loaded} loaded, "
            f"{self.refreshed} refreshed, {self.skipped} skipped (already loaded), "
            f"{self.failed} failed in {self.seconds:.1f} s ({rate:,.0f} characters/s)"
        )


@dataclass(frozen=True)
class Job:
    """One document to build: new bytes, or a stored document to derive again (`replacing`)."""

    source: SourceFile
    replacing: int | None = None
    encoding: str | None = None
    retire: bool = True  # False: the path is new, so no older document of it is to be retired


@dataclass(frozen=True)
class Built:
    """What a worker hands back for one job: a document to write, or why there is none."""

    job: Job
    record: DocumentRecord | None = None
    error: str | None = None


@dataclass
class Known:
    """What the loader knows of the bytes and paths it meets: what the database held at the last
    look-up, and what this run has sent to be written since.

    The database is asked about one chunk of files at a time (`lookup_chunks`), never read whole:
    memory stays flat however many documents it holds. This run's documents are remembered
    until a look-up can see them committed; those still being built stay, so that the same bytes
    met again are not built twice.
    """

    # sha256 -> (id, pipeline version) of this chunk's bytes
    stored: dict[str, tuple[int, str | None]] = field(default_factory=dict)
    stored_paths: set[tuple[int, str]] = field(default_factory=set)  # (document id, path)
    stored_path_names: set[str] = field(default_factory=set)
    # sha256 -> (id, version) of this run's documents; id 0 while new bytes are being built
    in_run: dict[str, tuple[int, str | None]] = field(default_factory=dict)
    committed: set[str] = field(default_factory=set)  # of in_run, those written and committed
    # more paths of bytes that are being built in this run (their document has no id yet)
    pending_paths: dict[str, list[str]] = field(default_factory=dict)

    def look_up(self, connection: Connection, sources: Sequence[SourceFile]) -> None:
        """Ask the database about these files' bytes and paths; forget what it now holds."""
        for sha256 in self.committed:
            self.in_run.pop(sha256, None)
        self.committed.clear()
        hashes = {source.sha256 for source in sources}
        self.stored = {
            sha: (id_, version)
            for id_, sha, version in connection.execute(
                select(Document.id, Document.sha256, Document.pipeline_version).where(
                    Document.sha256.in_(hashes)
                )
            )
        }
        self.stored_paths = {
            (id_, path)
            for id_, path in connection.execute(
                select(DocumentPath.document_id, DocumentPath.path).where(
                    DocumentPath.path.in_({source.path for source in sources})
                )
            )
        }
        self.stored_path_names = {path for _, path in self.stored_paths}

    def document(self, sha256: str) -> tuple[int, str | None] | None:
        return self.in_run.get(sha256) or self.stored.get(sha256)

    def record(self, written: Written) -> None:
        """A document written and committed in this run."""
        assert written.document_id is not None
        self.in_run[written.sha256] = (written.document_id, written.pipeline_version)
        self.committed.add(written.sha256)
        self.pending_paths.pop(written.sha256, None)


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def build(job: Job) -> Built:
    """Build one document, turning any failure into a reason (runs in worker processes)."""
    from etl.pipeline import build_document  # here: a run that builds nothing skips its imports

    try:
        record = build_document(job.source)
        if job.encoding:
            record = replace(record, encoding=job.encoding)
        return Built(job, record=record)
    except RejectedFile as error:
        return Built(job, error=str(error))
    except Exception as error:  # noqa: BLE001 - one broken file must never stop the others
        return Built(job, error=f"unexpected {type(error).__name__}: {error}")


@contextmanager
def exclusive_load(engine: Engine) -> Iterator[int | None]:
    """What a load or refresh holds while it writes: the load lock (`db.exclusive_writer`), the
    schema brought to the newest revision under it (so loads started together never race in
    the migrations) and the garbage collector tuned for a batch job. Yields the process id of
    a load that died holding the lock, or None."""
    with db.exclusive_writer(engine) as dead_load:
        db.ensure_current(engine)
        with garbage_collected_as_a_batch_job():
            yield dead_load


@contextmanager
def garbage_collected_as_a_batch_job() -> Iterator[None]:
    """What is loaded by now (SQLAlchemy, Alembic, the models) lives as long as the load: keep it
    out of the garbage collector's full scans, and look for cycles among new objects every 50,000
    allocations rather than 700. The collector took 6.3% of a 600-document load, 2.7% so (perf).
    Forked workers inherit both; the process gets its collector back as it was."""
    threshold = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def load_files(
    engine: Engine,
    files: Iterable[str | Path | ArticleFile],
    on_progress: ProgressCallback | None = None,
    jobs: int = 1,
    collections: CollectionOptions | None = None,
) -> LoadSummary:
    """Load files: new bytes become documents, known bytes built by an older pipeline are
    derived again from the file, the rest are skipped (gaining their path if it is new).
    A file is recorded by its path, or by its `ArticleFile.name` (`etl.read.named_article_files`).
    Exports and WARC archives give a document a record (`etl.inputs`), recorded as NAME#NUMBER.
    """
    # where each file is read -> the path recorded for it, as plain strings, 3x smaller than Path
    # objects: 10 MB for 100,000 files (forked workers inherit it too); a path named twice is
    # one file
    names = dict(as_article_file(file) for file in files)
    known = Known()
    run = start_run(engine, len(names), on_progress)
    version = pipeline_version()

    def readable() -> Iterator[SourceFile]:
        for found in read_inputs(names.items(), collections):
            if isinstance(found, Unreadable):
                run.queue(lambda c, bad=found: write_error(c, run.id, bad.path, bad.reason))
                run.count("failed")
            else:
                yield found

    def jobs_for_files() -> Iterator[Job]:
        for sources in lookup_chunks(readable()):
            with engine.connect() as connection:
                known.look_up(connection, sources)
            for source in sources:
                found = known.document(source.sha256)
                if found is None:
                    known.in_run[source.sha256] = (0, version)
                    yield Job(source, retire=source.path in known.stored_path_names)
                    continue
                document_id, built_by = found
                if not document_id:
                    known.pending_paths.setdefault(source.sha256, []).append(source.path)
                    run.count("skipped")
                    continue
                if (document_id, source.path) not in known.stored_paths:
                    run.queue(lambda c, d=document_id, p=source.path: add_path(c, d, p, run.id))
                if built_by == version:
                    run.count("skipped")
                    continue
                known.in_run[source.sha256] = (document_id, version)
                yield Job(source, replacing=document_id)

    built = build_all(jobs_for_files(), jobs)
    return run.finish(engine, write_built(engine, run, built, known))


def lookup_chunks(sources: Iterable[SourceFile]) -> Iterator[list[SourceFile]]:
    """The files in chunks of LOOKUP_FILES, or fewer when their bytes reach LOOKUP_BYTES."""
    chunk: list[SourceFile] = []
    size = 0
    for source in sources:
        chunk.append(source)
        size += len(source.data)
        if len(chunk) >= LOOKUP_FILES or size >= LOOKUP_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def refresh_documents(
    engine: Engine, on_progress: ProgressCallback | None = None, jobs: int = 1
) -> LoadSummary:
    """Derive again every document built by an older pipeline, from its stored original text."""
    ids = stale_document_ids(engine)
    run = start_run(engine, len(ids), on_progress)

    def jobs_for_stale() -> Iterator[Job]:
        for document_id in ids:
            with engine.connect() as connection:
                path, sha256, text_, encoding, stated = connection.execute(
                    select(
                        Document.path,
                        Document.sha256,
                        Document.original_text,
                        Document.encoding,
                        Document.given_metadata,
                    ).where(Document.id == document_id)
                ).one()
            data = (text_ or "").encode("utf-8")
            given = Given.from_json(stated) if stated else None
            source = SourceFile(path, data, sha256, given)
            yield Job(source, replacing=document_id, encoding=encoding)

    return run.finish(engine, write_built(engine, run, build_all(jobs_for_stale(), jobs)))


def stale_document_ids(engine: Engine) -> list[int]:
    version = pipeline_version()
    stale = (Document.pipeline_version != version) | Document.pipeline_version.is_(None)
    with engine.connect() as connection:
        return list(connection.execute(select(Document.id).where(stale)).scalars())


@dataclass
class Run:
    """One run's record in `etl_runs`, and its running counts."""

    summary: LoadSummary
    on_progress: ProgressCallback | None
    started: float
    # writes found while reading files (an error, one more path), made by the one writer
    queued: list[Callable[[Connection], None]] = field(default_factory=list)
    changed_cities: set[str] = field(default_factory=set)  # their comparisons are refreshed

    @property
    def id(self) -> int:
        return self.summary.run_id

    def count(self, outcome: str, characters: int = 0) -> None:
        setattr(self.summary, outcome, getattr(self.summary, outcome) + 1)
        self.summary.characters += characters
        if self.on_progress:
            self.on_progress(outcome, characters)

    def queue(self, write: Callable[[Connection], None]) -> None:
        self.queued.append(write)

    def take_queued(self) -> list[Callable[[Connection], None]]:
        queued, self.queued = self.queued, []
        return queued

    def finish(self, engine: Engine, _written: None) -> LoadSummary:
        if self.on_progress:
            self.on_progress(FINISHING, 0)
        written = self.summary.loaded + self.summary.refreshed
        with engine.begin() as connection:
            for write in self.take_queued():
                write(connection)
            connection.execute(
                update(EtlRun)
                .where(EtlRun.id == self.id)
                .values(
                    finished_at=now(),
                    documents_loaded=written,
                    documents_skipped=self.summary.skipped,
                    errors=self.summary.failed,
                )
            )
            interrupted = follows_an_interrupted_run(connection, self.id)
            large = is_large_load(connection, written)
            if written or interrupted:
                refresh_counts(connection)
                every_city = large or interrupted
                refresh_materialised(connection, None if every_city else self.changed_cities)
        if large:
            optimize_fulltext(engine)
            update_planner_statistics(engine)
        self.summary.seconds = time.perf_counter() - self.started
        return self.summary


def is_large_load(connection: Connection, written: int) -> bool:
    """Did the run write at least LARGE_LOAD_SHARE of the documents?"""
    documents = connection.execute(select(func.count()).select_from(Document)).scalar_one()
    return written > 0 and written >= LARGE_LOAD_SHARE * documents


def follows_an_interrupted_run(connection: Connection, run_id: int) -> bool:
    """Was a run stopped (killed, or its machine lost) since the last one that finished? It may
    have committed documents whose counts and comparisons it never refilled: refill them all."""
    last_finished = (
        select(func.coalesce(func.max(EtlRun.id), 0))
        .where(EtlRun.finished_at.is_not(None), EtlRun.id < run_id)
        .scalar_subquery()
    )
    unfinished = select(func.count()).where(EtlRun.id < run_id, EtlRun.id > last_finished)
    return connection.execute(unfinished).scalar_one() > 0


def optimize_fulltext(engine: Engine) -> None:
    """Merge the FTS5 index's segments into one after a large load, so searches stay fast as the
    corpus grows (sqlite-utils finds the index that Datasette uses for the table). A smaller
    load leaves merging to FTS5's automerge: `optimize` rewrites the whole index, 8 s at 50,000
    documents however few were added. PostgreSQL's GIN index needs no such step."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        sqlite_utils.Database(connection.connection.driver_connection)["paragraphs"].optimize()


def update_planner_statistics(engine: Engine) -> None:
    """ANALYZE after a large load, as both SQLite and PostgreSQL advise after bulk changes: with
    no statistics SQLite guessed that filtering indicator_facts on a metric narrows more than on
    a city, and read all 79,892 rows of the metric for 446 (770 ms at 100,000 documents; 12 ms
    with them). 2.2 s at that size; a smaller load keeps the statistics, still near the truth."""
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))


def start_run(engine: Engine, files_seen: int, on_progress: ProgressCallback | None) -> Run:
    started = time.perf_counter()
    with engine.begin() as connection:
        sync_reference_data(connection)
        run_id = connection.execute(
            insert(EtlRun).values(started_at=now(), files_seen=files_seen).returning(EtlRun.id)
        ).scalar_one()
    return Run(LoadSummary(run_id=run_id, files_seen=files_seen), on_progress, started)


def write_built(
    engine: Engine,
    run: Run,
    built_documents: Iterable[Built],
    known: Known | None = None,
) -> None:
    """The one writer: documents in batches of BATCH_DOCUMENTS, one transaction a batch (a
    commit per document cost a tenth of the load). A document that the database refuses fails
    alone: its batch is rolled back and written again one document a transaction."""
    for batch in batched(built_documents, BATCH_DOCUMENTS):
        queued = run.take_queued()
        try:
            with engine.begin() as connection:
                for write in queued:
                    write(connection)
                outcomes = [write_one(connection, built, run.id, known) for built in batch]
        except DBAPIError:
            with engine.begin() as connection:
                for write in queued:
                    write(connection)
            outcomes = [write_alone(engine, built, run.id, known) for built in batch]
        for outcome in outcomes:  # committed: now the run may know of them
            if known is not None and outcome.document_id is not None:
                known.record(outcome)
            run.count(outcome.outcome, outcome.characters)
            run.changed_cities |= outcome.cities


@dataclass(frozen=True)
class Written:
    """What writing one built document did: 'loaded', 'refreshed' or 'failed', and for a
    document its id and every path it now has (for `Known`, once committed)."""

    outcome: str
    characters: int = 0
    document_id: int | None = None
    sha256: str = ""
    pipeline_version: str | None = None
    paths: tuple[str, ...] = ()
    cities: frozenset[str] = frozenset()  # whose comparisons change


def batched(items: Iterable[Built], size: int) -> Iterator[list[Built]]:
    """itertools.batched, which Python 3.11 lacks."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def write_alone(engine: Engine, built: Built, run_id: int, known: Known | None) -> Written:
    try:
        with engine.begin() as connection:
            return write_one(connection, built, run_id, known)
    except DBAPIError as error:
        reason = f"the database refused it: {error.orig}"
        with engine.begin() as connection:
            return write_one(connection, replace(built, record=None, error=reason), run_id, known)


def write_one(connection: Connection, built: Built, run_id: int, known: Known | None) -> Written:
    """Write one built document, with the other paths its bytes were found under in this run,
    or the reason it has none."""
    record = built.record
    if record is None:
        write_error(connection, run_id, built.job.source.path, built.error or "unknown error")
        return Written("failed")
    retire = built.job.retire
    cities = previous_cities(connection, record.path if retire else None, built.job.replacing)
    if record.report_city:
        cities.add(record.report_city)
    document_id = write_document(
        connection, record, run_id, replacing=built.job.replacing, retire=retire
    )
    paths = [record.path]
    if known is not None:
        for path in known.pending_paths.get(record.sha256, []):
            if path not in paths:
                add_path(connection, document_id, path, run_id)
                paths.append(path)
    return Written(
        "refreshed" if built.job.replacing else "loaded",
        len(record.text),
        document_id,
        record.sha256,
        record.pipeline_version,
        tuple(paths),
        frozenset(cities),
    )


def previous_cities(connection: Connection, path: str | None, replacing: int | None) -> set[str]:
    """The cities of what a write replaces: the stored document derived again, or the one its
    path held. Their comparisons change too."""
    if replacing is not None:
        query = select(Document.report_city).where(Document.id == replacing)
    elif path is not None:
        query = (
            select(Document.report_city)
            .join(DocumentPath, DocumentPath.document_id == Document.id)
            .where(DocumentPath.path == path)
        )
    else:
        return set()
    return {city for (city,) in connection.execute(query) if city}


def build_all(jobs_to_build: Iterable[Job], jobs: int) -> Iterator[Built]:
    """Build documents in order, in `jobs` processes, with a bounded number in flight.

    Bounded, so that memory stays flat however many files there are.
    """
    if jobs <= 1:
        yield from map(build, jobs_to_build)
        return
    with ProcessPoolExecutor(
        max_workers=jobs, initializer=exit_with_parent, initargs=(os.getpid(),)
    ) as pool:
        # enough in flight that the workers stay busy while the writer writes a batch
        yield from _bounded_map(pool, jobs_to_build, in_flight=jobs * 8 + BATCH_DOCUMENTS)


def exit_with_parent(parent: int) -> None:
    """Make this worker die with the load that started it, whatever kills the load.

    A worker blocked on its task queue never notices that the parent is gone: killed loads
    left their workers idle for good, holding what they had inherited (memory, database
    sockets). On Linux the kernel sends the worker SIGKILL when its parent dies; elsewhere a
    thread looks for a new parent once a second."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    else:
        threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent died before the worker could ask to follow it
        os._exit(1)


def _exit_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


def _bounded_map(pool: Executor, jobs_to_build: Iterable[Job], in_flight: int) -> Iterator[Built]:
    pending: deque[Future[Built]] = deque()
    for job in jobs_to_build:
        pending.append(pool.submit(build, job))
        if len(pending) >= in_flight:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def write_error(connection: Connection, run_id: int, path: str, reason: str) -> None:
    connection.execute(insert(LoadError).values(run_id=run_id, path=path, error=reason))


def add_path(connection: Connection, document_id: int, path: str, run_id: int) -> None:
    """Record one more path for bytes already loaded (the same bytes are one document)."""
    connection.execute(
        insert(DocumentPath), {"document_id": document_id, "path": path, "run_id": run_id}
    )


def write_document(
    connection: Connection,
    record: DocumentRecord,
    run_id: int,
    replacing: int | None = None,
    retire: bool = True,
) -> int:
    """Write a document and all that derives from it. A new document replaces what its path
    held before (`retire` False: the caller knows the path is new); `replacing` names a stored
    document derived again, which keeps its id."""
    values = document_values(record, run_id)
    if replacing is None:
        if retire:
            retire_previous_version(connection, record.path)
        document_id = connection.execute(
            insert(Document).returning(Document.id), values
        ).scalar_one()
        add_path(connection, document_id, record.path, run_id)
    else:
        document_id = replacing
        for derived in (Paragraph, DocumentKeyword, LoadWarning):
            connection.execute(delete(derived).where(derived.document_id == document_id))
        values.pop("path")
        connection.execute(update(Document).where(Document.id == document_id).values(**values))
    paragraph_ids = dict(
        connection.execute(
            insert(Paragraph).returning(Paragraph.position, Paragraph.id),
            [model_row(Paragraph, p, document_id=document_id) for p in record.paragraphs],
        ).all()
    )
    if record.indicators:
        connection.execute(
            insert(Indicator),
            [
                indicator_values(found, document_id, paragraph_ids[found.paragraph_position])
                for found in record.indicators
            ],
        )
    if record.keywords:
        connection.execute(
            insert(DocumentKeyword),
            [
                {"document_id": document_id, "rank": rank, "keyword": keyword, "weight": weight}
                for rank, (keyword, weight) in enumerate(record.keywords, start=1)
            ],
        )
    if record.warnings:
        connection.execute(
            insert(LoadWarning),
            [
                {"run_id": run_id, "document_id": document_id, "path": record.path, "warning": w}
                for w in record.warnings
            ],
        )
    return document_id


def model_row(model: type[Base], *sources: object, **computed: object) -> dict:
    """A row of `model` for every column it has: from `computed`, else from the first of
    `sources` that has an attribute of the column's name (a record of `etl.pipeline`). A new
    column of the model needs no line here, only a source; one that nothing gives is an error,
    never a silent NULL. The generated key is left to the database."""
    row = {}
    for name, generated in model_columns(model):
        if name in computed:
            row[name] = computed[name]
            continue
        source = next((s for s in sources if hasattr(s, name)), None)
        if source is not None:
            row[name] = getattr(source, name)
        elif not generated:
            raise TypeError(f"nothing gives {model.__tablename__}.{name} a value")
    return row


@cache
def model_columns(model: type[Base]) -> list[tuple[str, bool]]:
    """Each column's name, and whether the database makes its value (an integer key)."""
    table = model.__table__
    return [(column.name, column is table.autoincrement_column) for column in table.columns]


def indicator_values(found: IndicatorRecord, document_id: int, paragraph_id: int) -> dict:
    """The claim as the pipeline placed it (its published quote, scope, period...), over the
    extractor's claim; the extractor's quote is the normalised one."""
    return model_row(
        Indicator,
        found,
        found.indicator,
        document_id=document_id,
        paragraph_id=paragraph_id,
        quote_normalised=found.indicator.quote,
    )


def document_values(record: DocumentRecord, run_id: int) -> dict:
    return model_row(
        Document,
        record,
        char_count=len(record.text),
        loaded_at=now(),
        run_id=run_id,
        paragraph_count=len(record.paragraphs),
        indicator_count=len(record.indicators),
        keywords=", ".join(keyword for keyword, _ in record.keywords) or None,
        **given_values(record.given),
    )


def given_values(given: Given | None) -> dict:
    """Where a collection says the document came from, and all it said (etl.records)."""
    if given is None:
        return dict.fromkeys(("url", "container", "record_number", "given_metadata"))
    return {
        "url": given.url,
        "container": given.container,
        "record_number": given.record,
        "given_metadata": given.to_json(),
    }


def refresh_counts(connection: Connection) -> None:
    """Counts that views pass through (so that they carry a declared type), made current."""
    for statement in counts_statements():
        connection.execute(text(statement))


def counts_statements() -> list[str]:
    """The statements of `sql/refresh_counts.sql`, comments left out."""
    lines = COUNTS_SQL.read_text(encoding="utf-8").splitlines()
    sql = "\n".join(line for line in lines if not line.lstrip().startswith("--"))
    return [statement for statement in sql.split(";") if statement.strip()]


def retire_previous_version(connection: Connection, path: str) -> None:
    """A path that now holds other bytes: its old document goes, unless another path keeps it."""
    for (document_id,) in connection.execute(
        select(DocumentPath.document_id).where(DocumentPath.path == path)
    ).all():
        connection.execute(
            delete(DocumentPath).where(
                DocumentPath.document_id == document_id, DocumentPath.path == path
            )
        )
        others = connection.execute(
            select(func.count())
            .select_from(DocumentPath)
            .where(DocumentPath.document_id == document_id)
        ).scalar_one()
        if not others:
            connection.execute(delete(Document).where(Document.id == document_id))
