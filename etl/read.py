"""Read stage: find the article files under the paths a user names, and read their bytes."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ARTICLE_SUFFIXES = frozenset({".txt", ".html", ".htm"})


@dataclass(frozen=True)
class SourceFile:
    """A file's raw bytes, its path as the user gave it, and the sha256 that identifies it."""

    path: str
    data: bytes
    sha256: str


def find_article_files(paths: Iterable[str | os.PathLike]) -> Iterator[Path]:
    """Files named directly, and article files found by walking folders, in a stable order.

    Folders are walked without following symbolic links, so a link loop cannot trap the walk.
    A named path that does not exist is yielded as it is, so the loader records it as an error.
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
                if candidate.suffix.lower() in ARTICLE_SUFFIXES and candidate.is_file():
                    yield candidate


def read_source_file(path: Path) -> SourceFile:
    data = path.read_bytes()
    return SourceFile(path=str(path), data=data, sha256=hashlib.sha256(data).hexdigest())
