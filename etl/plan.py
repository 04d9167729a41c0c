"""Planning what to load: which files and stored documents need building, and which are
skipped or only gain a path.

The database is asked about the files a chunk at a time (`Known`, `lookup_chunks`), never read
whole, so a load's memory does not grow with the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, select

from etl.fingerprint import pipeline_version
from etl.models import Document, DocumentPath
from etl.read import SourceFile
from etl.records import Given
from etl.writer import add_path

if TYPE_CHECKING:
    from etl.load import Run
    from etl.writer import Written

# Files whose bytes and paths are looked up in the database with one query each: so many, or
# fewer when their bytes (held until they are built) reach LOOKUP_BYTES.
LOOKUP_FILES = 500

LOOKUP_BYTES = 8_000_000


@dataclass(frozen=True)
class Job:
    """One document to build: new bytes, or a stored document to derive again (`replacing`)."""

    source: SourceFile
    replacing: int | None = None
    encoding: str | None = None
    retire: bool = True  # False: the path is new, so no older document of it is to be retired


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


def files_to_build(
    engine: Engine, sources: Iterable[SourceFile], known: Known, run: Run
) -> Iterator[Job]:
    """A job for each file whose bytes are new, or were built by an older pipeline; the others
    are counted as skipped, gaining their path when it is new (written by the one writer)."""
    version = pipeline_version()
    for chunk in lookup_chunks(sources):
        with engine.connect() as connection:
            known.look_up(connection, chunk)
        for source in chunk:
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


def stale_document_ids(engine: Engine) -> list[int]:
    version = pipeline_version()
    stale = (Document.pipeline_version != version) | Document.pipeline_version.is_(None)
    with engine.connect() as connection:
        return list(connection.execute(select(Document.id).where(stale)).scalars())


def stale_to_build(engine: Engine, ids: Iterable[int]) -> Iterator[Job]:
    """A job for each stored document, built again from its original text and what its
    collection said of it."""
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
