"""Load stage: write documents into the database, one transaction each, and record the run.

Documents are built (decoded, described, segmented, mined for indicators) by `etl.pipeline`, in
worker processes when `jobs` > 1; this module is the one writer. A file that fails is recorded in
`load_errors` with its reason and never stops the others; a document is either wholly in the
database or not at all.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from etl.errors import RejectedFile
from etl.models import (
    Document,
    DocumentKeyword,
    DocumentPath,
    EtlRun,
    LoadError,
    LoadWarning,
    Paragraph,
)
from etl.pipeline import DocumentRecord, build_document
from etl.read import SourceFile, read_source_file
from etl.reference import sync_reference_data

ProgressCallback = Callable[[str, int], None]
"""Called after each file with its outcome ('loaded', 'skipped', 'failed') and its characters."""


@dataclass
class LoadSummary:
    run_id: int
    files_seen: int = 0
    loaded: int = 0
    skipped: int = 0
    failed: int = 0
    characters: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        rate = self.characters / self.seconds if self.seconds else 0.0
        return (
            f"run {self.run_id}: {self.files_seen} files seen, {self.loaded} loaded, "
            f"{self.skipped} skipped (already loaded), {self.failed} failed "
            f"in {self.seconds:.1f} s ({rate:,.0f} characters/s)"
        )


@dataclass(frozen=True)
class Built:
    """What a worker hands back for one file: a document to write, or why there is none."""

    path: str
    record: DocumentRecord | None = None
    error: str | None = None


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def build(source: SourceFile) -> Built:
    """Build one document, turning any failure into a reason (runs in worker processes)."""
    try:
        return Built(source.path, record=build_document(source))
    except RejectedFile as error:
        return Built(source.path, error=str(error))
    except Exception as error:  # noqa: BLE001 - one broken file must never stop the others
        return Built(source.path, error=f"unexpected {type(error).__name__}: {error}")


def load_files(
    engine: Engine,
    files: Sequence[Path],
    on_progress: ProgressCallback | None = None,
    jobs: int = 1,
) -> LoadSummary:
    started = time.perf_counter()
    with engine.begin() as connection:
        sync_reference_data(connection)
        run_id = connection.execute(
            insert(EtlRun).values(started_at=now(), files_seen=len(files)).returning(EtlRun.id)
        ).scalar_one()
    summary = LoadSummary(run_id=run_id, files_seen=len(files))

    def record(outcome: str, characters: int = 0) -> None:
        setattr(summary, outcome, getattr(summary, outcome) + 1)
        summary.characters += characters
        if on_progress:
            on_progress(outcome, characters)

    with engine.connect() as connection:
        known = set(connection.execute(select(Document.sha256)).scalars())

    def new_sources() -> Iterator[SourceFile]:
        """Read each file once; already-loaded bytes only gain a path, in this process."""
        for path in files:
            try:
                source = read_source_file(path)
            except OSError as error:
                write_error(engine, run_id, str(path), f"cannot read file: {error.strerror}")
                record("failed")
                continue
            if source.sha256 in known:
                with engine.begin() as connection:
                    add_path(connection, source.sha256, source.path, run_id)
                record("skipped")
                continue
            known.add(source.sha256)
            yield source

    for built in build_all(new_sources(), jobs):
        if built.record is None:
            write_error(engine, run_id, built.path, built.error or "unknown error")
            record("failed")
            continue
        with engine.begin() as connection:
            write_document(connection, built.record, run_id)
        record("loaded", len(built.record.text))

    summary.seconds = time.perf_counter() - started
    with engine.begin() as connection:
        connection.execute(
            update(EtlRun)
            .where(EtlRun.id == run_id)
            .values(
                finished_at=now(),
                documents_loaded=summary.loaded,
                documents_skipped=summary.skipped,
                errors=summary.failed,
            )
        )
    return summary


def build_all(sources: Iterable[SourceFile], jobs: int) -> Iterator[Built]:
    """Build documents in order, in `jobs` processes, with a bounded number in flight.

    Bounded, so that memory stays flat however many files there are.
    """
    if jobs <= 1:
        yield from map(build, sources)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from _bounded_map(pool, sources, in_flight=jobs * 8)


def _bounded_map(pool: Executor, sources: Iterable[SourceFile], in_flight: int) -> Iterator[Built]:
    pending: deque[Future[Built]] = deque()
    for source in sources:
        pending.append(pool.submit(build, source))
        if len(pending) >= in_flight:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def write_error(engine: Engine, run_id: int, path: str, reason: str) -> None:
    with engine.begin() as connection:
        connection.execute(insert(LoadError).values(run_id=run_id, path=path, error=reason))


def add_path(connection: Connection, sha256: str, path: str, run_id: int) -> None:
    """Record one more path for bytes already loaded (the same bytes are one document)."""
    document_id = connection.execute(
        select(Document.id).where(Document.sha256 == sha256)
    ).scalar_one()
    seen = connection.execute(
        select(func.count())
        .select_from(DocumentPath)
        .where(DocumentPath.document_id == document_id, DocumentPath.path == path)
    ).scalar_one()
    if not seen:
        connection.execute(
            insert(DocumentPath).values(document_id=document_id, path=path, run_id=run_id)
        )


def write_document(connection: Connection, record: DocumentRecord, run_id: int) -> int:
    """Insert a document and all that derives from it; it replaces what its path held before."""
    retire_previous_version(connection, record.path)
    document_id = connection.execute(
        insert(Document)
        .values(
            path=record.path,
            sha256=record.sha256,
            title=record.title,
            text=record.text,
            char_count=len(record.text),
            loaded_at=now(),
            run_id=run_id,
            title_derived=record.title_derived,
            subtitle=record.subtitle,
            published_on=record.published_on,
            source=record.source,
            authors=record.authors,
            editor=record.editor,
            photographer=record.photographer,
            encoding=record.encoding,
            script=record.script,
            original_text=record.original_text,
            place_code=record.place_code,
            place_name=record.place_name,
            report_city=record.report_city,
            city=record.city,
            province=record.province,
            paragraph_count=len(record.paragraphs),
            keywords=", ".join(keyword for keyword, _ in record.keywords) or None,
            segmenter=record.segmenter,
        )
        .returning(Document.id)
    ).scalar_one()
    connection.execute(
        insert(DocumentPath).values(document_id=document_id, path=record.path, run_id=run_id)
    )
    connection.execute(
        insert(Paragraph),
        [
            {
                "document_id": document_id,
                "position": p.position,
                "kind": p.kind,
                "text": p.text,
                "original_text": p.original_text,
                "start_offset": p.start_offset,
                "end_offset": p.end_offset,
                "tokens": p.tokens,
            }
            for p in record.paragraphs
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
