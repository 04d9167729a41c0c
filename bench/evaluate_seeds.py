"""Score pingan's indicator extractor on the hand-built gold of the five seeds.

.venv/bin/python bench/evaluate_seeds.py [--gold bench/gold/seed_indicators.csv] [--errors]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from seed_corpus import GOLD, seed_paragraphs

from etl.evaluate import as_rows, evaluate, format_errors, format_scores, read_gold
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
    parser.add_argument(
        "--errors",
        action="store_true",
        help="list missed and spurious rows, unmapped claims and false pairs",
    )
    args = parser.parse_args()
    scores = evaluate(read_gold(args.gold), predicted_rows())
    print(format_scores(scores))
    if args.errors:
        print(format_errors(scores))


if __name__ == "__main__":
    main()
