"""What the loader reads from the paths a user names: article files, with what a folder's
manifest or a sidecar says of them, and the records of exports and WARC archives.

Each yields a `SourceFile` (a record's path is CONTAINER#NUMBER) or an `Unreadable` with the
reason for `load_errors`; a bad record or an unreadable file stops nothing.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import os
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import Engine, select, update

from etl.errors import RejectedFile
from etl.models import Document, DocumentPath
from etl.read import MANIFEST_NAME, SourceFile, read_source_file
from etl.records import (
    SIDECAR_SUFFIX,
    BadRecord,
    Given,
    Record,
    is_export,
    is_warc,
    read_export,
    read_manifest,
    read_sidecar,
    read_warc,
)


@dataclass(frozen=True)
class Unreadable:
    path: str
    reason: str


@dataclass
class ReadProgress:
    """How many bytes of the named files the loader has read, for a progress bar: inside an
    export or archive, as far as its reading has got (compressed bytes for a gzipped one). The
    reading runs ahead of the building by a look-up chunk and the documents in flight, so each
    document read leaves where the reading stood, and the bar shows that for the documents done."""

    per_document: bool = False  # keep where the reading stood at each document (a bar does)
    finished: int = 0  # bytes of the files read to their end
    current: int = 0  # bytes read of the one being read
    read_to: deque[int] = field(default_factory=deque)  # of each document read, not yet done
    done_to: int = 0  # where the reading stood at the last document done

    @property
    def bytes_read(self) -> int:
        return self.finished + self.current

    def finish(self, size: int) -> None:
        self.finished += size
        self.current = 0

    def document_done(self) -> int:
        """One more document written, skipped or failed: the bytes read up to it."""
        if self.read_to:
            self.done_to = self.read_to.popleft()
        return self.done_to


@dataclass(frozen=True)
class CollectionOptions:
    """`pingan load --manifest FILE` (besides the manifest.csv a folder holds) and `--columns`;
    `progress` is updated as the files are read."""

    manifest: Path | None = None
    columns: Mapping[str, str] = field(default_factory=dict)
    progress: ReadProgress = field(default_factory=ReadProgress)


def read_inputs(
    files: Iterable[tuple[str, str]], options: CollectionOptions | None = None
) -> Iterator[SourceFile | Unreadable]:
    """The sources of the files (where each is read, the name it is recorded by), in order."""
    options = options or CollectionOptions()
    progress = options.progress
    for found in _sources(files, options):
        if progress.per_document:
            progress.read_to.append(progress.bytes_read)
        yield found


def _sources(
    files: Iterable[tuple[str, str]], options: CollectionOptions
) -> Iterator[SourceFile | Unreadable]:
    around = Surroundings(options.manifest)
    for location, name in files:
        if is_warc(name) or is_export(name):
            yield from container_sources(Path(location), name, options)
        elif name.rsplit("/", 1)[-1].lower() != MANIFEST_NAME:  # a manifest is read for the
            found = file_source(location, name, around)  # files it names
            options.progress.finish(len(found.data) if isinstance(found, SourceFile) else 0)
            yield found
        yield from around.take_problems()


def collections_in(files: Iterable[tuple[str, str]]) -> bool:
    """Is any of the files an export or an archive?"""
    return any(is_warc(name) or is_export(name) for _, name in files)


def input_bytes(files: Iterable[tuple[str, str]]) -> int:
    """The files' size together (what the loader will read; one it cannot see counts 0)."""
    total = 0
    for location, _ in files:
        with contextlib.suppress(OSError):
            total += os.path.getsize(location)
    return total


def container_sources(
    path: Path, name: str, options: CollectionOptions
) -> Iterator[SourceFile | Unreadable]:
    """A container's records as sources named NAME#NUMBER; a container that cannot be read to
    its end (a truncated gzip, a broken WARC) is reported after the records it gave."""
    from warcio.exceptions import ArchiveLoadFailed

    progress = options.progress
    last = 0  # the number of the last record read
    try:
        with path.open("rb") as raw:
            size = os.fstat(raw.fileno()).st_size
            if is_warc(name):
                records = read_warc(raw, name)
            else:
                records = read_export(raw, name, options.columns)
            for found in records:
                progress.current, last = raw.tell(), found.number
                yield record_source(name, found)
            progress.finish(size)
    except OSError as error:
        if error.strerror:  # the file cannot be opened
            yield Unreadable(name, f"cannot read file: {error.strerror}")
        else:  # a gzip stream that is not one, or breaks off
            yield Unreadable(name, broken_off(last, error))
    except (EOFError, ValueError, csv.Error, ArchiveLoadFailed) as error:
        yield Unreadable(name, broken_off(last, error))


def broken_off(last: int, error: Exception) -> str:
    where = f"past record {last}" if last else "at all"
    return f"cannot read it {where}: {error}"


def record_source(container: str, found: Record | BadRecord) -> SourceFile | Unreadable:
    path = f"{container}#{found.number}"
    if isinstance(found, BadRecord):
        return Unreadable(path, found.reason)
    return SourceFile(path, found.data, identity(found.data, found.given), found.given)


def identity(data: bytes, given: Given) -> str:
    """The sha256 that identifies a document: of its bytes and what its collection says of it,
    so that a manifest that gains a date, or the same text at another URL, makes another one."""
    return hashlib.sha256(data + b"\0" + given.identity()).hexdigest()


def file_source(location: str, name: str, around: Surroundings) -> SourceFile | Unreadable:
    """An article file, with its manifest row or else its sidecar's metadata."""
    try:
        source = read_source_file(Path(location), name)
    except (OSError, RejectedFile) as error:
        reason = (
            str(error) if isinstance(error, RejectedFile) else f"cannot read file: {error.strerror}"
        )
        return Unreadable(name, reason)
    absolute = os.path.abspath(location)
    # the folders up to the one named: as many as the name has ('/'-separated, etl.read)
    given = around.manifest_row(absolute, levels=name.count("/"))
    if given is None:
        given = around.sidecar(absolute)
    if given is None:
        return source
    return replace(source, sha256=identity(source.data, given), given=given)


class Surroundings:
    """What surrounds the files being loaded and speaks of them: the manifest named with
    --manifest, each folder's manifest.csv (for the files under that folder) and sidecars. Each
    folder is listed once, for all its files: a look for a sidecar per file would cost a stat."""

    def __init__(self, named: Path | None) -> None:
        self.listings: dict[str, frozenset[str]] = {}
        self.by_folder: dict[str, dict[str, Given]] = {}
        self.problems: list[Unreadable] = []
        self.named = self._read(named) if named is not None else None

    def _read(self, path: Path) -> tuple[str, dict[str, Given]]:
        entries, bad = read_manifest(path)
        self.problems += [Unreadable(f"{path}#{row.number}", row.reason) for row in bad]
        return os.path.dirname(os.path.abspath(path)), entries

    def names_in(self, folder: str) -> frozenset[str]:
        if folder not in self.listings:
            try:
                self.listings[folder] = frozenset(os.listdir(folder))
            except OSError:
                self.listings[folder] = frozenset()
        return self.listings[folder]

    def manifest_row(self, absolute: str, levels: int) -> Given | None:
        """The row for the file at `absolute`: of --manifest, else of a manifest.csv in its
        folder or in one of the `levels` folders above it, up to the folder the user named."""
        if self.named is not None:
            found = _row_for(absolute, *self.named)
            if found is not None:
                return found
        folder = os.path.dirname(absolute)
        for _ in range(max(1, levels)):
            if MANIFEST_NAME in self.names_in(folder):
                if folder not in self.by_folder:
                    self.by_folder[folder] = self._read(Path(folder, MANIFEST_NAME))[1]
                found = _row_for(absolute, folder, self.by_folder[folder])
                if found is not None:
                    return found
            folder = os.path.dirname(folder)
        return None

    def sidecar(self, absolute: str) -> Given | None:
        """NAME.json beside NAME.html or NAME.txt, if there is one."""
        folder, filename = os.path.split(absolute)
        sidecar = os.path.splitext(filename)[0] + SIDECAR_SUFFIX
        if sidecar not in self.names_in(folder):
            return None
        return read_sidecar(Path(folder, sidecar))

    def take_problems(self) -> list[Unreadable]:
        problems, self.problems = self.problems, []
        return problems


def _row_for(absolute: str, folder: str, entries: dict[str, Given]) -> Given | None:
    return entries.get(Path(os.path.relpath(absolute, folder)).as_posix())


@dataclass(frozen=True)
class Restated:
    documents: int  # stored documents given new metadata, now stale
    unmatched: list[str]  # files of the manifest that name no stored document


def restate_from_manifest(engine: Engine, manifest: Path) -> Restated:
    """Give the stored documents a manifest names what it now says of them, without their
    files: each whose metadata changes is marked stale, and `pingan refresh` derives it again
    from its stored text. A row names a document by its recorded path, FOLDER/FILE (the
    manifest's folder, as `pingan load FOLDER` records its files) or FILE (a file named alone)."""
    entries, _ = read_manifest(manifest)
    folder = manifest.resolve().parent.name
    changed = 0
    unmatched = []
    with engine.begin() as connection:
        for file, given in entries.items():
            ids = set(
                connection.execute(
                    select(DocumentPath.document_id).where(
                        DocumentPath.path.in_([f"{folder}/{file}", file])
                    )
                ).scalars()
            )
            if not ids:
                unmatched.append(file)
                continue
            stated = given.to_json()
            changed += connection.execute(
                update(Document)
                .where(Document.id.in_(ids), Document.given_metadata.is_distinct_from(stated))
                .values(given_metadata=stated, url=given.url, pipeline_version=None)
            ).rowcount
    return Restated(changed, unmatched)
