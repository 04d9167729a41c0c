"""Read stage: find the article files under the paths a user names, and read their bytes."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from etl.errors import RejectedFile

if TYPE_CHECKING:
    from etl.records import Given

ARTICLE_SUFFIXES = frozenset({".txt", ".html", ".htm"})
# Collections of many articles (etl.records reads them): crawler exports and WARC archives. A
# folder's manifest.csv says where its files came from and is no export.
EXPORT_SUFFIXES = (".jsonl", ".jsonl.gz", ".csv", ".csv.gz")
WARC_SUFFIXES = (".warc", ".warc.gz")
MANIFEST_NAME = "manifest.csv"
# An article is kilobytes (the seeds are 6-13 KB; a long web page is a few hundred). A bigger
# file is an export of many articles or no article at all, and as one document it would help no
# reader while costing minutes to load and check.
MAX_ARTICLE_BYTES = 5_000_000


@dataclass(frozen=True)
class SourceFile:
    """A file's raw bytes, its path as the user gave it, and the sha256 that identifies it;
    `given` is what a collection says of it (a record's fields, a manifest row, a sidecar)."""

    path: str
    data: bytes
    sha256: str
    given: Given | None = None


def find_article_files(paths: Iterable[str | os.PathLike]) -> Iterator[Path]:
    """Files named directly, and article files found by walking folders, in a stable order.

    Folders are walked without following symbolic links, so a link loop cannot trap the walk.
    Whatever bears an article's name is yielded, even a link that leads nowhere or a FIFO, and a
    named path that does not exist is yielded as it is: the loader records why it cannot be read.
    """
    for given in paths:
        path = Path(given)
        if not path.is_dir():
            yield path
            continue
        for folder, subfolders, files in os.walk(path):
            subfolders.sort()
            for name in sorted(files):
                candidate = Path(folder) / name
                if is_loadable(name):
                    yield candidate


def is_loadable(name: str) -> bool:
    """Is a file of this name an article, or a collection of articles?"""
    lowered = name.lower()
    if lowered.endswith(EXPORT_SUFFIXES + WARC_SUFFIXES):
        return lowered != MANIFEST_NAME
    return Path(lowered).suffix in ARTICLE_SUFFIXES


class ArticleFile(NamedTuple):
    """A file to load: where it is read from, and the path the database records for it."""

    location: str
    name: str


def named_article_files(paths: Iterable[str | os.PathLike]) -> Iterator[ArticleFile]:
    """`find_article_files`, each recorded by its path relative to the folder holding what was
    named (`/home/me/seeds` gives `seeds/001.txt`, `/home/me/a.txt` gives `a.txt`): the site
    publishes the path, and a directory of the loader's machine is no business of its readers.
    The same argument gives the same names from any working directory, so reloads match."""
    for given in paths:
        top = Path(os.path.abspath(given))
        for path in find_article_files([given]):
            relative = Path(os.path.abspath(path)).relative_to(top.parent)
            yield ArticleFile(str(path), relative.as_posix())


def as_article_file(file: str | os.PathLike | ArticleFile) -> ArticleFile:
    """A file named by its path alone is recorded by that path."""
    if isinstance(file, ArticleFile):
        return file
    location = str(file)
    return ArticleFile(location, location)


def read_source_file(path: Path, name: str | None = None) -> SourceFile:
    """The file at `path`, recorded as `name` (by default the path itself).

    Raises OSError with the reason; a FIFO or device is refused unopened, as it could block,
    and a file too large to be one article (RejectedFile) unread."""
    status = os.stat(path)
    if not stat.S_ISREG(status.st_mode):
        raise OSError(errno.EINVAL, "not a regular file (a FIFO, socket or device)", str(path))
    if status.st_size > MAX_ARTICLE_BYTES:
        raise RejectedFile(
            f"too large for one article: {status.st_size / 1e6:.1f} MB "
            f"(limit {MAX_ARTICLE_BYTES / 1e6:.0f} MB); split it into its articles"
        )
    data = path.read_bytes()
    return SourceFile(path=name or str(path), data=data, sha256=hashlib.sha256(data).hexdigest())
