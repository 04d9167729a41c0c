"""Scoring an indicator extractor against a hand-built gold file.

A predicted row matches a gold row of the same document when it claims the same thing: same
kind, value, unit and change, and quotes that overlap. Offsets are not compared, so a gold file
stays valid when paragraph splitting changes, and other extractors can be scored on it too.

A gold file with a `concept` column (what a claim measures, at the granularity where two cities'
figures can be set side by side) also scores the metric codes as a comparison uses them: of the
pairs of rows from different documents that share a metric and measure, how many the gold calls
one concept (pair precision); of the pairs the gold calls one concept, how many share a metric
and measure (pair recall); and how many claims with a concept get a metric at all (coverage).
Rows marked `optional` (scaffolding such as a count of list items) are left out of these.
"""

from __future__ import annotations

import csv
import dataclasses
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import combinations
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
class ConceptScores:
    """How well metric codes line up like with like, from the gold's `concept` column."""

    pairs_predicted: int  # pairs of rows of different documents sharing metric and measure
    pairs_correct: int  # ... that the gold calls one concept
    pairs_gold: int  # pairs of gold rows of different documents with one concept
    pairs_found: int  # ... whose predicted rows share metric and measure
    pair_precision: float
    pair_recall: float
    with_concept: int  # matched gold rows with a concept
    mapped: int  # ... whose predicted row has a metric
    coverage: float
    measure_agreement: float  # matched rows with a gold measure: share predicted alike


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
    concepts: ConceptScores | None  # when the gold has a `concept` column
    # matched gold rows with a concept whose predicted row has no metric, and pairs of
    # predicted rows that share metric and measure across concepts
    unmapped: list[Row]
    false_pairs: list[tuple[Row, Row]]


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
    """Same document, kind, value, unit and change, and overlapping quotes.

    `change_abs` (a change in the unit itself, 减少832起 -> -832) is compared when the gold
    file has that column: gold files written before it existed say nothing about it.
    """
    return (
        _text(gold["document"]) == _text(predicted["document"])
        and _text(gold["kind"]) == _text(predicted["kind"])
        and _same_number(gold["value"], predicted["value"])
        and _text(gold.get("unit")) == _text(predicted.get("unit"))
        and _same_number(gold.get("change_pct"), predicted.get("change_pct"))
        and (
            "change_abs" not in gold
            or _same_number(gold["change_abs"], predicted.get("change_abs"))
        )
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


def _comparable_key(row: Row) -> tuple[str, str] | None:
    """What a comparison lines rows up on: (metric, measure), None for a row with no metric."""
    metric = _text(row.get("metric"))
    return (metric, _text(row.get("measure"))) if metric else None


def _is_optional(row: Row) -> bool:
    return _text(row.get("optional")) not in ("", "0")


def score_concepts(
    gold_rows: Sequence[Row], pairs: Sequence[tuple[Row, Row]]
) -> tuple[ConceptScores, list[Row], list[tuple[Row, Row]]]:
    """Pair precision, pair recall and coverage of matched (gold, predicted) pairs, with the
    unmapped claims and the false pairs, for reading the errors."""
    counted = [(g, p) for g, p in pairs if not _is_optional(g)]
    predicted_pairs = [
        (a, b)
        for a, b in combinations(counted, 2)
        if _text(a[0]["document"]) != _text(b[0]["document"])
        and _comparable_key(a[1]) is not None
        and _comparable_key(a[1]) == _comparable_key(b[1])
    ]
    false_pairs = [
        (a[1], b[1])
        for a, b in predicted_pairs
        if not _text(a[0].get("concept")) or _text(a[0]["concept"]) != _text(b[0]["concept"])
    ]
    found_for = {id(g): p for g, p in counted}
    gold_pairs = [
        (a, b)
        for a, b in combinations([g for g in gold_rows if not _is_optional(g)], 2)
        if _text(a["document"]) != _text(b["document"])
        and _text(a.get("concept"))
        and _text(a["concept"]) == _text(b.get("concept"))
    ]
    found = sum(
        id(a) in found_for
        and id(b) in found_for
        and _comparable_key(found_for[id(a)]) is not None
        and _comparable_key(found_for[id(a)]) == _comparable_key(found_for[id(b)])
        for a, b in gold_pairs
    )
    with_concept = [(g, p) for g, p in counted if _text(g.get("concept"))]
    unmapped = [p for _, p in with_concept if not _text(p.get("metric"))]
    with_measure = [(g, p) for g, p in counted if _text(g.get("measure"))]
    scores = ConceptScores(
        pairs_predicted=len(predicted_pairs),
        pairs_correct=len(predicted_pairs) - len(false_pairs),
        pairs_gold=len(gold_pairs),
        pairs_found=found,
        pair_precision=_ratio(len(predicted_pairs) - len(false_pairs), len(predicted_pairs)),
        pair_recall=_ratio(found, len(gold_pairs)),
        with_concept=len(with_concept),
        mapped=len(with_concept) - len(unmapped),
        coverage=_ratio(len(with_concept) - len(unmapped), len(with_concept)),
        measure_agreement=_ratio(
            sum(_text(g["measure"]) == _text(p.get("measure")) for g, p in with_measure),
            len(with_measure),
        ),
    )
    return scores, unmapped, false_pairs


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
    has_concepts = any("concept" in r for r in gold_rows)
    concepts, unmapped, false_pairs = (
        score_concepts(gold_rows, pairs) if has_concepts else (None, [], [])
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
        concepts=concepts,
        unmapped=unmapped,
        false_pairs=false_pairs,
    )


def read_gold(path: Path) -> list[dict[str, str]]:
    """A gold CSV: one row per indicator, columns document, quote, subject, metric, value,
    unit, kind, change_pct, basis, period (and any others; change_abs is scored when present)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def as_rows(document: str, indicators: Iterable[Any]) -> list[dict[str, Any]]:
    """Extracted indicators (dataclasses) as rows that `evaluate` reads."""
    return [{"document": document, **dataclasses.asdict(i)} for i in indicators]


def format_errors(scores: Scores) -> str:
    """Missed and spurious rows, claims with a concept but no metric, and false pairs."""
    lines = [
        f"{label}: {r['document']} {r['kind']} {r['value']} {r.get('unit')} | {r['quote']}"
        f" | {r.get('subject')}"
        for label, rows in (("missed", scores.missed), ("spurious", scores.spurious))
        for r in rows
    ]
    lines += [
        f"unmapped: {r['document']} {r.get('why_unmapped')} | {r['quote']}" for r in scores.unmapped
    ]
    lines += [
        f"false pair: {a.get('metric')} {a.get('measure')} | {a['document']} {a['quote']}"
        f" | {b['document']} {b['quote']}"
        for a, b in scores.false_pairs
    ]
    return "\n".join(lines)


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
    if (c := scores.concepts) is not None:
        lines.append(
            f"pair precision {c.pair_precision:.3f} ({c.pairs_correct}/{c.pairs_predicted})  "
            f"pair recall {c.pair_recall:.3f} ({c.pairs_found}/{c.pairs_gold})  "
            f"coverage {c.coverage:.3f} ({c.mapped}/{c.with_concept})  "
            f"measure agreement {c.measure_agreement:.3f}"
        )
    return "\n".join(lines)
