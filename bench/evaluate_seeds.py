"""Score pingan's indicator extractor on the hand-built gold of the five seeds.

.venv/bin/python bench/evaluate_seeds.py [--gold bench/gold/seed_indicators.csv] [--errors]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from seed_corpus import GOLD, seed_paragraphs

from etl.evaluate import as_rows, evaluate, format_scores, read_gold
from etl.indicators import extract_indicators


def predicted_rows() -> list[dict]:
    return [
        row
        for document, paragraph in seed_paragraphs()
        for row in as_rows(document, extract_indicators(paragraph))
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--errors", action="store_true", help="list missed and spurious rows")
    args = parser.parse_args()
    scores = evaluate(read_gold(args.gold), predicted_rows())
    print(format_scores(scores))
    if args.errors:
        for label, rows in (("missed", scores.missed), ("spurious", scores.spurious)):
            for row in rows:
                print(
                    f"{label}: {row['document']} {row['kind']} {row['value']} "
                    f"{row.get('unit')} | {row['quote']} | {row.get('subject')}"
                )


if __name__ == "__main__":
    main()
