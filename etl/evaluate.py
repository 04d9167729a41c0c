"""Scoring an indicator extractor against a hand-built gold file.

A predicted row matches a gold row of the same document when it claims the same thing: same
kind, value, unit and change, and quotes that overlap. Offsets are not compared, so a gold file
stays valid when paragraph splitting changes, and other extractors can be scored on it too.
"""

from __future__ import annotations

import csv
import dataclasses
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

Row = Mapping[str, Any]
# Characters that do not change what a subject says: quotes around 两抢一盗, spaces.
SUBJECT_NOISE = str.maketrans("", "", "“”‘’\"' ")


@dataclass(frozen=True)
class KindScores:
    kind: str
    gold: int
    predicted: int
    matched: int
    recall: float
    precision: float


@dataclass(frozen=True)
class Scores:
    gold: int
    predicted: int
    matched: int
    recall: float
    precision: float
    subject_agreement: float  # share of matched pairs whose subjects agree
    metric_agreement: float  # share of matched pairs with the same metric code (or both none)
    per_kind: dict[str, KindScores]
    missed: list[Row]  # gold rows nothing matched
    spurious: list[Row]  # predicted rows that match no gold row


def _number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    return float(value)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _same_number(a: Any, b: Any) -> bool:
    x, y = _number(a), _number(b)
    if x is None or y is None:
        return x is y
    return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)


def quotes_overlap(a: str, b: str) -> bool:
    """True when one quote contains the other, or a common run of at least three characters
    covers more than half of the shorter one."""
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    longest = SequenceMatcher(None, a, b, autojunk=False).find_longest_match()
    return longest.size >= 3 and longest.size * 2 > min(len(a), len(b))


def rows_match(gold: Row, predicted: Row) -> bool:
    """Same document, kind, value, unit and change, and overlapping quotes."""
    return (
        _text(gold["document"]) == _text(predicted["document"])
        and _text(gold["kind"]) == _text(predicted["kind"])
        and _same_number(gold["value"], predicted["value"])
        and _text(gold.get("unit")) == _text(predicted.get("unit"))
        and _same_number(gold.get("change_pct"), predicted.get("change_pct"))
        and quotes_overlap(_text(gold["quote"]), _text(predicted["quote"]))
    )


def subjects_agree(gold: Any, predicted: Any) -> bool:
    """Equal, or one contains the other: 电诈案件 agrees with 立电诈案件 and with 电诈."""
    a, b = _text(gold).translate(SUBJECT_NOISE), _text(predicted).translate(SUBJECT_NOISE)
    if not a or not b:
        return a == b
    return a in b or b in a


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 1.0


def evaluate(gold_rows: Sequence[Row], predicted_rows: Sequence[Row]) -> Scores:
    """Recall, precision, subject and metric agreement, overall and per kind.

    Each gold row is matched to at most one predicted row and the other way round, in order,
    so a claim repeated in a document must be found as often as it is written.
    """
    unmatched = list(range(len(predicted_rows)))
    pairs: list[tuple[Row, Row]] = []
    missed: list[Row] = []
    for gold in gold_rows:
        found = next((i for i in unmatched if rows_match(gold, predicted_rows[i])), None)
        if found is None:
            missed.append(gold)
            continue
        unmatched.remove(found)
        pairs.append((gold, predicted_rows[found]))
    kinds = sorted({_text(r["kind"]) for r in (*gold_rows, *predicted_rows)})
    per_kind = {}
    for kind in kinds:
        gold_n = sum(_text(r["kind"]) == kind for r in gold_rows)
        predicted_n = sum(_text(r["kind"]) == kind for r in predicted_rows)
        matched_n = sum(_text(g["kind"]) == kind for g, _ in pairs)
        per_kind[kind] = KindScores(
            kind,
            gold_n,
            predicted_n,
            matched_n,
            _ratio(matched_n, gold_n),
            _ratio(matched_n, predicted_n),
        )
    return Scores(
        gold=len(gold_rows),
        predicted=len(predicted_rows),
        matched=len(pairs),
        recall=_ratio(len(pairs), len(gold_rows)),
        precision=_ratio(len(pairs), len(predicted_rows)),
        subject_agreement=_ratio(
            sum(subjects_agree(g.get("subject"), p.get("subject")) for g, p in pairs), len(pairs)
        ),
        metric_agreement=_ratio(
            sum(_text(g.get("metric")) == _text(p.get("metric")) for g, p in pairs), len(pairs)
        ),
        per_kind=per_kind,
        missed=missed,
        spurious=[predicted_rows[i] for i in unmatched],
    )


def read_gold(path: Path) -> list[dict[str, str]]:
    """A gold CSV: one row per indicator, columns document, quote, subject, metric, value,
    unit, kind, change_pct, basis, period (and any others)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def as_rows(document: str, indicators: Iterable[Any]) -> list[dict[str, Any]]:
    """Extracted indicators (dataclasses) as rows that `evaluate` reads."""
    return [{"document": document, **dataclasses.asdict(i)} for i in indicators]


def format_scores(scores: Scores) -> str:
    """A short plain-text report."""
    lines = [
        f"gold {scores.gold}  predicted {scores.predicted}  matched {scores.matched}",
        f"recall {scores.recall:.3f}  precision {scores.precision:.3f}  "
        f"subject agreement {scores.subject_agreement:.3f}  "
        f"metric agreement {scores.metric_agreement:.3f}",
    ]
    for k in scores.per_kind.values():
        lines.append(
            f"  {k.kind:<7} gold {k.gold:>4}  predicted {k.predicted:>4}  matched {k.matched:>4}"
            f"  recall {k.recall:.3f}  precision {k.precision:.3f}"
        )
    return "\n".join(lines)
