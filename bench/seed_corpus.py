"""The seed articles as the extractor sees them: normalised simplified paragraphs per file.

Shared by the bench scripts so that every extractor is scored on the same text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from etl.normalise import detect_script, normalise_text

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLD = ROOT / "bench" / "gold" / "seed_indicators.csv"


def seed_paragraphs(seeds: Path = SEEDS) -> Iterator[tuple[str, str]]:
    """(file name, paragraph text) for every non-blank line of every seed, in order."""
    for path in sorted(seeds.glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        text = normalise_text(raw, detect_script(raw))
        for line in text.split("\n"):
            if line.strip():
                yield path.name, line
