"""Load stage: load files or derive stored documents again, as the database's one writer.

A load plans what to build (`etl.plan`), builds it in worker processes (`etl.workers`, running
`etl.pipeline`), writes it (`etl.writer`) and does the upkeep after (`etl.upkeep`), all under
the load lock with the schema migrated and the garbage collector tuned (`exclusive_load`):
the command line, the tests and the benchmark take that one path. A file that fails is
recorded in `load_errors` with its reason and never stops the others.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Engine, insert, update

from etl import db
from etl.inputs import CollectionOptions, Unreadable, read_inputs
from etl.models import EtlRun
from etl.plan import Known, files_to_build, stale_document_ids, stale_to_build
from etl.read import ArticleFile, SourceFile, as_article_file
from etl.reference import sync_reference_data
from etl.upkeep import compact, refill_after
from etl.workers import build_all
from etl.writer import now, write_built, write_error

ProgressCallback = Callable[[str, int], None]
"""Called after each file with its outcome ('loaded', 'skipped', 'failed') and its characters,
then once with FINISHING when the files are done and the counts and comparisons are refilled."""


FINISHING = "finishing"


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
class LoadLock:
    """The load lock held (`exclusive_load`): `dead_load` is the process id of a load that
    died holding it, whose lock this one took over, or None."""

    dead_load: int | None


@contextmanager
def exclusive_load(engine: Engine) -> Iterator[LoadLock]:
    """What a load or refresh holds while it writes: the load lock (`db.exclusive_writer`), the
    schema brought to the newest revision under it (so loads started together never race in
    the migrations) and the garbage collector tuned for a batch job."""
    with db.exclusive_writer(engine) as dead_load:
        db.ensure_current(engine)
        with garbage_collected_as_a_batch_job():
            yield LoadLock(dead_load)


@contextmanager
def holding(engine: Engine, lock: LoadLock | None) -> Iterator[LoadLock]:
    """The lock a caller already holds (the command line takes it to say what it took over
    and to count the work first), else the lock taken here: one path either way."""
    if lock is not None:
        yield lock
        return
    with exclusive_load(engine) as taken:
        yield taken


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
    lock: LoadLock | None = None,
) -> LoadSummary:
    """Load files: new bytes become documents, known bytes built by an older pipeline are
    derived again from the file, the rest are skipped (gaining their path if it is new).
    A file is recorded by its path, or by its `ArticleFile.name` (`etl.read.named_article_files`).
    Exports and WARC archives give a document a record (`etl.inputs`), recorded as NAME#NUMBER.
    Runs under the load lock (`holding`).
    """
    # where each file is read -> the path recorded for it, as plain strings, 3x smaller than Path
    # objects: 10 MB for 100,000 files (forked workers inherit it too); a path named twice is
    # one file
    names = dict(as_article_file(file) for file in files)
    with holding(engine, lock):
        known = Known()
        run = start_run(engine, len(names), on_progress)

        def readable() -> Iterator[SourceFile]:
            for found in read_inputs(names.items(), collections):
                if isinstance(found, Unreadable):
                    run.queue(lambda c, bad=found: write_error(c, run.id, bad.path, bad.reason))
                    run.count("failed")
                else:
                    yield found

        built = build_all(files_to_build(engine, readable(), known, run), jobs)
        return run.finish(engine, write_built(engine, run, built, known))


def refresh_documents(
    engine: Engine,
    on_progress: ProgressCallback | None = None,
    jobs: int = 1,
    lock: LoadLock | None = None,
) -> LoadSummary:
    """Derive again every document built by an older pipeline, from its stored original text,
    under the load lock (`holding`)."""
    with holding(engine, lock):
        ids = stale_document_ids(engine)
        run = start_run(engine, len(ids), on_progress)
        built = build_all(stale_to_build(engine, ids), jobs)
        return run.finish(engine, write_built(engine, run, built))


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
            large = refill_after(connection, self.id, written, self.changed_cities)
        if large:
            compact(engine)
        self.summary.seconds = time.perf_counter() - self.started
        return self.summary


def start_run(engine: Engine, files_seen: int, on_progress: ProgressCallback | None) -> Run:
    started = time.perf_counter()
    with engine.begin() as connection:
        sync_reference_data(connection)
        run_id = connection.execute(
            insert(EtlRun).values(started_at=now(), files_seen=files_seen).returning(EtlRun.id)
        ).scalar_one()
    return Run(LoadSummary(run_id=run_id, files_seen=files_seen), on_progress, started)
