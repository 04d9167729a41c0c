"""Which pipeline derived a document's rows: a fingerprint of the code and rules that derive
them, so that a load can tell stale documents from current ones without building anything.

Kept apart from etl.pipeline, whose imports (pypinyin, cn2an, trafilatura...) take a second: a
re-run that finds nothing to do should not pay for them.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from etl.tokens import SEGMENTER

PACKAGE = Path(__file__).resolve().parent
# What derives a document's rows from its text: when any of these changes, stored documents are
# derived again (`pingan load` of the same files, or `pingan refresh` from the stored originals).
DERIVING_MODULES = (
    "decode",
    "webpage",
    "normalise",
    "boilerplate",
    "paragraphs",
    "places",
    "tokens",
    "keywords",
    "indicators",
    "numbers",
    "periods",
    "metrics",
    "rules_data",
    "ingest",
    "pipeline",
)


@cache
def pipeline_version() -> str:
    """A fingerprint of the normaliser, segmenter and dictionary, and the rule files."""
    digest = hashlib.sha256(SEGMENTER.encode())
    files = [PACKAGE / f"{name}.py" for name in DERIVING_MODULES]
    files += sorted((PACKAGE / "rules").glob("*")) + sorted((PACKAGE / "data").glob("*.csv"))
    for path in files:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]
