"""The indicator extractor against its case table (tests/cases/indicators.yaml), plus the
invariants every row keeps whatever the text: quotes are exact substrings, positions run."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.indicators import Indicator, extract_indicators
from etl.metrics import load_metrics

CASES = yaml.safe_load(
    (Path(__file__).parent / "cases" / "indicators.yaml").read_text(encoding="utf-8")
)


def _same(expected: object, actual: object) -> bool:
    if isinstance(expected, float | int) and not isinstance(expected, bool):
        return isinstance(actual, float | int) and math.isclose(expected, actual, abs_tol=1e-9)
    return expected == actual


def _describe(rows: list[Indicator]) -> list[str]:
    return [f"{r.kind} {r.value:g}{r.unit or ''} {r.subject} [{r.quote}]" for r in rows]


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:30] for c in CASES])
def test_case_table(case: dict) -> None:
    published_on = case.get("published_on")
    rows = extract_indicators(case["text"], published_on)
    assert len(rows) == len(case["rows"]), _describe(rows)
    for row, expected in zip(rows, case["rows"], strict=True):
        wrong = {
            field: getattr(row, field)
            for field, value in expected.items()
            if not _same(value, getattr(row, field))
        }
        assert not wrong, (expected, _describe([row]))


@pytest.mark.parametrize(
    ("text", "published_on", "period", "start", "end"),
    [
        (
            "今年前10月,贵阳市刑事发案数同比下降21.22%。",
            "2014-11-20",
            "今年前10月",
            "2014-01-01",
            "2014-10-31",
        ),
        (
            "今年1至9月,全市接报刑事警情同比下降12.1%。",
            "2013-11-01",
            "今年1至9月",
            "2013-01-01",
            "2013-09-30",
        ),
        ("去年,全市共破获毒品案件7起。", "2010-03-05", "去年", "2009-01-01", "2009-12-31"),
        ("今年,酒泉市共立电诈案件301起。", "2022-06-01", "今年", "2022-01-01", "2022-12-31"),
        ("2021年,全市刑事案件发案3315起。", None, "2021年", "2021-01-01", "2021-12-31"),
        ("近3年来,全力攻克陈年命案积案15起。", "2022-06-01", "近3年来", "2019-06-01", "2022-06-01"),
        ("2014年以来共评估决策项目544项。", "2016-11-15", "2014年以来", "2014-01-01", "2016-11-15"),
        (
            "今年以来,澄海分局抓获犯罪嫌疑人118名。",
            "2013-11-01",
            "今年以来",
            "2013-01-01",
            "2013-11-01",
        ),
        (
            "一年来,贵阳市共新增加7000个高清探头。",
            "2014-12-01",
            "一年来",
            "2013-12-01",
            "2014-12-01",
        ),
        ("今年前10月,贵阳市刑事发案数同比下降21.22%。", None, "今年前10月", None, None),
        ("去年,全市共破获毒品案件7起。", None, "去年", None, None),
    ],
)
def test_periods_resolve_only_with_a_date(
    text: str, published_on: str | None, period: str, start: str | None, end: str | None
) -> None:
    date = dt.date.fromisoformat(published_on) if published_on else None
    (row,) = extract_indicators(text, date)
    assert row.period == period
    assert row.period_start == (dt.date.fromisoformat(start) if start else None)
    assert row.period_end == (dt.date.fromisoformat(end) if end else None)


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:30] for c in CASES])
def test_quotes_are_exact_substrings(case: dict) -> None:
    text = case["text"]
    rows = extract_indicators(text)
    assert [r.position for r in rows] == list(range(len(rows)))
    for row in rows:
        assert text[row.start_offset : row.end_offset] == row.quote
        assert row.quote


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet="共全市刑事案件起个名人万余多近同比下降上升增长了%,。、第年月0123456789.一二两三十百千"
    )
)
def test_any_text_gives_well_formed_rows(text: str) -> None:
    for row in extract_indicators(text):
        assert text[row.start_offset : row.end_offset] == row.quote
        assert row.kind in {"count", "amount", "rate", "change"}
        assert (row.change_pct is not None or row.change_pp is not None) <= (row.kind == "change")


def test_every_metric_is_named_in_both_languages_and_has_synonyms() -> None:
    catalogue = load_metrics()
    codes = [m.code for m in catalogue.metrics]
    assert len(codes) == len(set(codes))
    for metric in catalogue.metrics:
        assert metric.name_zh and metric.name_en and metric.synonyms, metric.code
        assert metric.kind in {"count", "amount", "rate"}
    required = {
        "criminal_cases",
        "criminal_incidents_reported",
        "criminal_cases_filed",
        "property_crimes",
        "public_order_cases",
        "telecom_fraud_cases",
        "telecom_fraud_losses",
        "cases_solved",
        "suspects_arrested",
        "gangs_dismantled",
        "drug_cases",
        "drugs_seized",
        "surveillance_cameras",
        "grid_workers",
        "grids",
        "community_police",
        "community_police_offices",
        "police_stations",
        "governance_centers",
        "disputes_handled",
        "disputes_resolved",
        "dispute_resolution_rate",
        "petition_resolution_rate",
        "public_safety_sense",
        "volunteers",
        "patrol_personnel",
        "investment",
    }
    assert required <= set(codes)


def test_there_are_at_least_120_cases() -> None:
    assert len(CASES) >= 120


def test_every_scope_alternative_opens_with_a_county_name() -> None:
    """The extractor tries the scope pattern only where a county name may start (its first two
    characters): a scope alternative opening otherwise would never be tried."""
    from etl.rules_data import load_rules

    scope = load_rules()["scope"]
    assert scope.startswith("(?:") and scope.endswith(")")
    depth, alternatives, current = 0, [], ""
    for character in scope[3:-1]:
        depth += {"(": 1, ")": -1}.get(character, 0)
        if character == "|" and depth == 0:
            alternatives.append(current)
            current = ""
        else:
            current += character
    alternatives.append(current)
    assert all(a.startswith(("{county}", "{county_short}")) for a in alternatives), alternatives


def test_numbers_are_tried_only_where_a_numeral_starts_and_none_is_missed() -> None:
    """The extractor tries its number pattern only at NUMERAL_START characters: on every case
    sentence that finds exactly what trying it at every character finds."""
    from etl.indicators import _grammar, _number_matches

    grammar = _grammar()
    for case in CASES:
        everywhere = [m.span() for m in grammar.number.finditer(case["text"])]
        assert [m.span() for m in _number_matches(case["text"], grammar)] == everywhere
