"""The scorer of bench/: matching rules and figures, on tiny hand-made tables."""

from __future__ import annotations

import pytest

from etl.evaluate import evaluate, quotes_overlap, rows_match, subjects_agree


def row(
    quote: str,
    value: float,
    kind: str = "count",
    unit: str | None = "起",
    change_pct: float | None = None,
    subject: str = "",
    document: str = "a.txt",
) -> dict:
    return {
        "document": document,
        "quote": quote,
        "value": value,
        "kind": kind,
        "unit": unit,
        "change_pct": change_pct,
        "subject": subject,
        "metric": None,
    }


GOLD = row("共立电诈案件301起", 301, subject="电诈案件")


@pytest.mark.parametrize(
    ("predicted", "matches"),
    [
        (row("电诈案件301起", 301), True),  # quote inside the gold quote
        (row("301", 301), True),
        (row("共立电诈案件301起,同比", 301), True),  # gold quote inside the predicted one
        (row("电诈案件301起", 301.0000000001), True),
        (row("电诈案件301起", 30.1), False),  # another value
        (row("电诈案件301起", 301, unit="个"), False),  # another unit
        (row("电诈案件301起", 301, kind="change"), False),  # another kind
        (row("电诈案件301起", 301, document="b.txt"), False),  # another document
        (row("抓获301人", 301), False),  # quotes share too little
        (row("电诈案件301起", "301"), True),  # values read from CSV are text
    ],
)
def test_rows_match(predicted: dict, matches: bool) -> None:
    assert rows_match(GOLD, predicted) is matches


ABS_GOLD = {**row("发案减少832起", -832, kind="change"), "change_abs": "-832"}


@pytest.mark.parametrize(
    ("gold", "predicted", "matches"),
    [
        (ABS_GOLD, {**row("减少832起", -832, kind="change"), "change_abs": -832.0}, True),
        # The same change in a row that does not say it is one in units.
        (ABS_GOLD, row("减少832起", -832, kind="change"), False),
        (ABS_GOLD, {**row("减少832起", -832, kind="change"), "change_abs": -83.2}, False),
        # A gold file without the column does not score it.
        (row("发案减少832起", -832, kind="change"), {**ABS_GOLD, "change_abs": -832.0}, True),
        # A level row of the gold matches no change row.
        ({**GOLD, "change_abs": ""}, {**GOLD, "change_abs": 301.0}, False),
        ({**GOLD, "change_abs": ""}, {**GOLD, "change_abs": None}, True),
    ],
)
def test_change_abs_is_scored_when_the_gold_has_it(
    gold: dict, predicted: dict, matches: bool
) -> None:
    assert rows_match(gold, predicted) is matches


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        ("同比下降18%", "下降18%", True),
        ("同比下降18%", "同比下降3%", True),
        ("18%", "3%", False),
        ("", "18%", False),
    ],
)
def test_quotes_overlap(a: str, b: str, overlap: bool) -> None:
    assert quotes_overlap(a, b) is overlap


@pytest.mark.parametrize(
    ("gold", "predicted", "agree"),
    [
        ("电诈案件", "立电诈案件", True),
        ("“两抢一盗”案件", "两抢一盗案件", True),
        ("网格员", "网格管理员", False),
        ("", None, True),
        ("民警", "", False),
    ],
)
def test_subjects_agree(gold: str, predicted: str | None, agree: bool) -> None:
    assert subjects_agree(gold, predicted) is agree


def test_scores_count_each_claim_once_and_break_down_by_kind() -> None:
    gold = [
        GOLD,
        row("同比下降18%", -18, kind="change", unit="%", change_pct=-18, subject="电诈案件"),
        row("同比下降18%", -18, kind="change", unit="%", change_pct=-18, subject="损失"),
    ]
    predicted = [
        row("电诈案件301起", 301, subject="立电诈案件"),
        row("同比下降18%", -18, kind="change", unit="%", change_pct=-18, subject="刑事案件"),
        row("95%", 95, kind="rate", unit="%"),
    ]
    scores = evaluate(gold, predicted)
    assert (scores.matched, scores.recall, scores.precision) == (2, 2 / 3, 2 / 3)
    assert scores.subject_agreement == 0.5
    assert scores.per_kind["change"].recall == 0.5
    assert scores.per_kind["count"].precision == 1.0
    assert scores.per_kind["rate"].precision == 0.0
    assert [r["value"] for r in scores.missed] == [-18]
    assert [r["value"] for r in scores.spurious] == [95]


def test_empty_tables_score_perfectly() -> None:
    scores = evaluate([], [])
    assert (scores.recall, scores.precision, scores.subject_agreement) == (1.0, 1.0, 1.0)


def claim(document: str, value: float, metric: str | None, measure: str, concept: str) -> dict:
    """A row that is both a gold row (with `concept`) and a predicted one (metric, measure)."""
    return {
        **row(f"数量{value:g}个", value, unit="个", document=document),
        "metric": metric,
        "measure": measure,
        "concept": concept,
        "optional": "",
    }


def test_pair_scores_count_like_with_like_across_documents() -> None:
    gold = [
        claim("a.txt", 7000, "cameras", "added", "cameras_added"),
        claim("b.txt", 205000, "cameras", "stock", "cameras_total"),
        claim("c.txt", 76000, "cameras", "stock", "cameras_total"),
        claim("a.txt", 6, "stations", "stock", "checkpoints"),
        claim("b.txt", 48, "stations", "stock", "police_stations"),
        claim("c.txt", 11, None, "stock", "safe_counties"),
        claim("b.txt", 7, None, "stock", "safe_counties"),
    ]
    # The prediction lumps the totals and the additions (one measure) and the stations.
    predicted = [{**r, "measure": "stock"} if r["metric"] == "cameras" else dict(r) for r in gold]
    scores = evaluate(gold, predicted).concepts
    assert scores is not None
    # Pairs across documents sharing (metric, measure): 3 camera pairs and 1 station pair, of
    # which only the two totals are one concept.
    assert (scores.pairs_predicted, scores.pairs_correct) == (4, 1)
    assert scores.pair_precision == 0.25
    # Gold pairs: the two totals and the two safe counties; only the totals were lined up.
    assert (scores.pairs_gold, scores.pairs_found, scores.pair_recall) == (2, 1, 0.5)
    assert (scores.with_concept, scores.mapped) == (7, 5)
    assert scores.measure_agreement == 6 / 7


def test_pairs_within_one_document_and_optional_rows_are_not_scored() -> None:
    gold = [
        claim("a.txt", 1, "grids", "stock", "grids"),
        claim("a.txt", 2, "grids", "stock", "grids"),
        {**claim("b.txt", 3, "grids", "stock", ""), "optional": "1"},
    ]
    scores = evaluate(gold, [dict(r) for r in gold]).concepts
    assert scores is not None
    assert (scores.pairs_predicted, scores.pairs_gold) == (0, 0)
    assert (scores.pair_precision, scores.pair_recall, scores.coverage) == (1.0, 1.0, 1.0)


def test_a_missed_claim_loses_its_gold_pairs_and_a_gold_without_concepts_scores_none() -> None:
    gold = [
        claim("a.txt", 1, "grids", "stock", "grids"),
        claim("b.txt", 2, "grids", "stock", "grids"),
    ]
    scores = evaluate(gold, gold[:1]).concepts
    assert scores is not None and (scores.pairs_gold, scores.pairs_found) == (1, 0)
    assert evaluate([GOLD], [GOLD]).concepts is None


def test_the_seed_gold_gives_every_claim_a_concept_column() -> None:
    from pathlib import Path

    from etl.evaluate import read_gold

    bench = Path(__file__).resolve().parent.parent / "bench" / "gold"
    for name in ("seed_indicators.csv", "heldout_indicators.csv"):
        rows = read_gold(bench / name)
        assert rows and all("concept" in r and "measure" in r for r in rows), name
        assert sum(bool(r["concept"]) for r in rows) > 0.8 * len(rows), name


def test_errors_name_the_unmapped_claims_and_the_false_pairs() -> None:
    from etl.evaluate import format_errors

    gold = [
        claim("a.txt", 7000, "cameras", "added", "cameras_added"),
        claim("b.txt", 205000, "cameras", "added", "cameras_total"),
        {**claim("c.txt", 27, None, "stock", "communities"), "why_unmapped": "unknown"},
    ]
    lines = format_errors(evaluate(gold, [dict(r) for r in gold])).splitlines()
    assert lines == [
        "unmapped: c.txt unknown | 数量27个",
        "false pair: cameras added | a.txt 数量7000个 | b.txt 数量205000个",
    ]
