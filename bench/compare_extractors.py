"""Score pingan's extractor and general-purpose recognisers of Chinese quantities on one gold.

    .venv/bin/python bench/compare_extractors.py [--gold bench/gold/seed_indicators.csv]

The recognisers are optional and not dependencies of the package or its tests; one that is not
installed is reported as skipped. Install them by hand to compare:
    .venv/bin/pip install recognizers-text-suite "emoji<1" jionlp
(recognizers-text 1.0.2a2 imports emoji.UNICODE_EMOJI, which emoji 1.0 removed.)

A recogniser finds numbers, not claims, so each is given the thinnest fair adapter: a percent
is a rate, money is an amount in 元, a measure keeps its unit, and a plain number is a count
whose unit is the unit word written right after it (rules/units.yaml). None of them reads a
change (同比下降18%), so change rows can only be missed.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from seed_corpus import GOLD, seed_paragraphs

from etl.evaluate import as_rows, evaluate, format_scores, read_gold
from etl.indicators import extract_indicators
from etl.rules_data import load_units

Extractor = Callable[[str, str], list[dict]]
DIMENSION_UNITS = {"Gram": "克", "Kilogram": "公斤", "Kilometer": "公里", "Meter": "米"}


def _row(document: str, quote: str, value: float, unit: str | None, kind: str) -> dict:
    return {
        "document": document,
        "quote": quote,
        "value": value,
        "unit": unit,
        "kind": kind,
        "change_pct": None,
        "subject": None,
        "metric": None,
    }


def _unit_after(paragraph: str, end: int) -> str | None:
    """The unit word written right after a plain number (301起 -> 起), longest first."""
    words = sorted((u["word"] for u in load_units()["units"]), key=len, reverse=True)
    unit = next((w for w in words if paragraph.startswith(w, end)), None)
    return (
        None
        if unit is None
        else next(u["unit"] for u in load_units()["units"] if u["word"] == unit)
    )


def pingan(document: str, paragraph: str) -> list[dict]:
    return as_rows(document, extract_indicators(paragraph))


def recognizers_text() -> Extractor:
    from recognizers_number import NumberRecognizer
    from recognizers_number_with_unit import NumberWithUnitRecognizer
    from recognizers_text import Culture

    units = NumberWithUnitRecognizer(Culture.Chinese)
    numbers = NumberRecognizer(Culture.Chinese)
    currency, dimension = units.get_currency_model(), units.get_dimension_model()
    number, percentage = numbers.get_number_model(), numbers.get_percentage_model()

    def extract(document: str, paragraph: str) -> list[dict]:
        rows, taken = [], []
        for result in percentage.parse(paragraph):
            value = float(result.resolution["value"].rstrip("%"))
            rows.append(_row(document, result.text, value, "%", "rate"))
            taken.append((result.start, result.end))
        for result in currency.parse(paragraph):
            value = float(result.resolution["value"])
            rows.append(_row(document, result.text, value, "元", "amount"))
            taken.append((result.start, result.end))
        for result in dimension.parse(paragraph):
            unit = DIMENSION_UNITS.get(result.resolution.get("unit"), result.resolution.get("unit"))
            value = float(result.resolution["value"])
            rows.append(_row(document, result.text, value, unit, "count"))
            taken.append((result.start, result.end))
        for result in number.parse(paragraph):
            if any(a <= result.start <= b for a, b in taken):
                continue
            value = float(result.resolution["value"])
            unit = _unit_after(paragraph, result.end + 1)
            rows.append(_row(document, result.text, value, unit, "count"))
        return rows

    return extract


def jionlp() -> Extractor:
    import jionlp as jio

    def extract(document: str, paragraph: str) -> list[dict]:
        return [
            _row(document, found["text"], float(found["detail"]["num"]), "元", "amount")
            for found in jio.ner.extract_money(paragraph, with_parsing=True)
            if found["detail"]["case"] == "元"
        ]

    return extract


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=GOLD)
    args = parser.parse_args()
    gold = read_gold(args.gold)
    paragraphs = list(seed_paragraphs())
    makers: dict[str, Callable[[], Extractor]] = {
        "pingan (etl.indicators)": lambda: pingan,
        "Microsoft Recognizers-Text 1.0.2a2 (zh-cn)": recognizers_text,
        "jionlp (ner.extract_money)": jionlp,
    }
    for name, make in makers.items():
        try:
            extract = make()
        except ImportError as error:
            print(f"== {name}: skipped ({error})\n")
            continue
        started = time.perf_counter()
        predicted = [row for doc, text in paragraphs for row in extract(doc, text)]
        seconds = time.perf_counter() - started
        print(f"== {name}  ({seconds:.2f} s)\n{format_scores(evaluate(gold, predicted))}\n")


if __name__ == "__main__":
    main()
