"""Load stage: write documents into the database, one transaction each, and record the run.

A file that fails is recorded in `load_errors` with its reason and never stops the others;
a document is either wholly in the database or not at all.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, insert, select, update

from etl.errors import RejectedFile
from etl.models import Document, EtlRun, LoadError, Paragraph
from etl.pipeline import DocumentRecord, build_document
from etl.read import read_source_file

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


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def load_files(
    engine: Engine, files: Sequence[Path], on_progress: ProgressCallback | None = None
) -> LoadSummary:
    started = time.perf_counter()
    with engine.begin() as connection:
        run_id = connection.execute(
            insert(EtlRun).values(started_at=now(), files_seen=len(files)).returning(EtlRun.id)
        ).scalar_one()
    summary = LoadSummary(run_id=run_id, files_seen=len(files))
    for path in files:
        outcome, characters = _load_one(engine, run_id, path)
        setattr(summary, outcome, getattr(summary, outcome) + 1)
        summary.characters += characters
        if on_progress:
            on_progress(outcome, characters)
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


def _load_one(engine: Engine, run_id: int, path: Path) -> tuple[str, int]:
    try:
        source = read_source_file(path)
        with engine.connect() as connection:
            if _is_loaded(connection, source.sha256):
                return "skipped", 0
        record = build_document(source)
        with engine.begin() as connection:
            insert_document(connection, record, run_id)
        return "loaded", len(record.text)
    except RejectedFile as error:
        reason = str(error)
    except OSError as error:
        reason = f"cannot read file: {error.strerror or error}"
    except Exception as error:  # noqa: BLE001 - one broken file must never stop the others
        reason = f"unexpected {type(error).__name__}: {error}"
    with engine.begin() as connection:
        connection.execute(insert(LoadError).values(run_id=run_id, path=str(path), error=reason))
    return "failed", 0


def _is_loaded(connection: Connection, sha256: str) -> bool:
    found = connection.execute(select(Document.id).where(Document.sha256 == sha256)).first()
    return found is not None


def insert_document(connection: Connection, record: DocumentRecord, run_id: int) -> int:
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
        )
        .returning(Document.id)
    ).scalar_one()
    connection.execute(
        insert(Paragraph),
        [
            {"document_id": document_id, "position": p.position, "text": p.text}
            for p in record.paragraphs
        ],
    )
    return document_id
