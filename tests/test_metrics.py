"""What a claim measures, against its case table (tests/cases/metrics.yaml), and the metric
families of rules/metrics.yaml."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

from etl.indicators import Indicator, extract_indicators
from etl.metrics import load_metrics
from etl.rules_data import load_yaml

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "metrics.yaml").read_text("utf-8"))
CHECKED = ("metric", "measure", "why_unmapped", "scope")


def _row_of(case: dict) -> Indicator:
    rows = [r for r in extract_indicators(case["text"]) if math.isclose(r.value, case["value"])]
    assert len(rows) == 1, [(r.value, r.quote) for r in extract_indicators(case["text"])]
    return rows[0]


@pytest.mark.parametrize("case", CASES, ids=[f"{c['text'][:24]}-{c['value']}" for c in CASES])
def test_case_table(case: dict) -> None:
    row = _row_of(case)
    wrong = {f: getattr(row, f) for f in CHECKED if f in case and getattr(row, f) != case[f]}
    assert not wrong, (wrong, row.quote, row.subject)


def test_the_table_holds_at_least_60_sentences_beyond_the_seeds() -> None:
    assert len({c["text"] for c in CASES}) >= 60 + 20


def test_every_unmapped_case_says_why() -> None:
    reasons = {r["code"] for r in load_yaml("unmapped.yaml")["reasons"]}
    for case in CASES:
        if case["metric"] is None:
            assert case["why_unmapped"] in reasons | {"unknown", "no_subject"}, case


def test_every_measure_and_parent_is_known() -> None:
    catalogue = load_metrics()
    measures = set(load_yaml("measures.yaml")["measures"])
    codes = {m.code for m in catalogue.metrics}
    for metric in catalogue.metrics:
        assert metric.measure in measures, metric.code
        assert metric.parent is None or metric.parent in codes, metric.code
        assert metric.code not in catalogue.ancestors(metric.code), metric.code  # no cycle
        # A rate metric states a rate, an amount metric an amount; counts never either.
        assert (metric.kind in ("rate", "amount")) == (metric.measure in ("rate", "amount"))
    assert {c["measure"] for c in CASES} <= measures


def test_a_synonym_names_one_metric() -> None:
    """metric_synonyms is keyed on the synonym: a word of two metrics would fail the load."""
    texts = [s.text for s in load_metrics().synonyms]
    assert sorted(t for t in set(texts) if texts.count(t) > 1) == []


def test_every_synonym_written_out_maps_to_its_own_metric() -> None:
    """A context is tried only against the synonyms filed under a string it holds: none may be
    filed where its own words cannot find it (a wildcard written as 某)."""
    catalogue = load_metrics()
    wrong = [
        (s.text, s.code, found)
        for s in catalogue.synonyms
        if (found := catalogue.match(s.text.replace("*", "某"), "change")) != s.code
    ]
    assert wrong == []


def test_criminal_cases_family_holds_incidents_occurring_and_filed_apart() -> None:
    catalogue = load_metrics()
    family = catalogue.family_members("criminal_cases")
    assert family[0] == "criminal_cases"
    assert {"criminal_incidents_reported", "criminal_cases_filed"} <= set(family)
    assert catalogue.family_head("criminal_cases_filed") == "criminal_cases"
    assert catalogue.family_head("property_crime_incidents_reported") == "criminal_cases"
    assert catalogue.ancestors("property_crime_incidents_reported") == (
        "property_crimes",
        "criminal_cases",
    )


@pytest.mark.parametrize(
    ("general", "sub_type"),
    [
        ("suspects_arrested", "drug_suspects_arrested"),
        ("suspects_arrested", "telecom_fraud_suspects_arrested"),
        ("suspects_arrested", "gang_suspects_arrested"),
        ("suspects_arrested", "fugitives_arrested"),
        ("cases_solved", "cold_cases_solved"),
        ("criminal_cases", "property_crimes"),
        ("property_crimes", "thefts"),
    ],
)
def test_sub_types_roll_up_to_their_general_metric(general: str, sub_type: str) -> None:
    assert sub_type in load_metrics().family_members(general)
    assert general not in load_metrics().family_members(sub_type)


@pytest.mark.parametrize(
    ("unlike", "other"),
    [
        ("police_checkpoint_stations", "police_stations"),
        ("police_duty_points", "community_police_offices"),
    ],
)
def test_unlike_places_are_no_family(unlike: str, other: str) -> None:
    catalogue = load_metrics()
    assert catalogue.family_head(unlike) != catalogue.family_head(other)


@pytest.mark.parametrize(
    ("scope", "below_city", "city", "province", "placed_as"),
    [
        ("全国", None, "贵阳市", "贵州省", ("全国", "national")),
        ("全省", "仁寿县", "眉山市", "四川省", ("全省", "province")),
        ("全市", "仁寿县", "眉山市", "四川省", (None, "city")),  # a county's article, its city
        ("全市", None, "贵阳市", "贵州省", (None, "city")),
        ("全区", "白云区", "贵阳市", "贵州省", ("白云区", "sub_city")),  # a district's own
        ("全区", None, "玉林市", "广西壮族自治区", ("全区", "province")),  # the region
        ("全区", None, "贵阳市", "贵州省", ("全区", "elsewhere")),  # a district it does not name
        ("澄海分局", None, "汕头市", "广东省", ("澄海分局", "sub_city")),
        ("白云区白沙关社区", None, "贵阳市", "贵州省", ("白云区白沙关社区", "sub_city")),
        ("澄海公安分局", None, "贵阳市", "贵州省", ("澄海公安分局", "elsewhere")),  # another city's
        ("修文县", None, "眉山市", "四川省", ("修文县", "elsewhere")),
        (None, "仁寿县", "眉山市", "四川省", ("仁寿县", "sub_city")),
        (None, None, "贵阳市", "贵州省", (None, "city")),
    ],
)
def test_a_figure_of_another_place_carries_that_place(
    scope: str | None,
    below_city: str | None,
    city: str,
    province: str,
    placed_as: tuple[str | None, str],
) -> None:
    from etl.indicators import placed

    assert placed(scope, below_city, city, province) == placed_as


def test_a_county_report_keeps_province_figures_and_its_series_apart() -> None:
    """The held-out county report: its own six-year series, the province's and the city's rate."""
    from etl.pipeline import build_document
    from etl.read import read_source_file

    path = Path(__file__).resolve().parent.parent / "bench" / "gold" / "heldout_a_renshou.txt"
    document = build_document(read_source_file(path))
    safety = [
        (r.indicator.value, r.indicator.period, r.scope, r.place_level)
        for r in document.indicators
        if r.indicator.metric == "public_safety_sense"
    ]
    assert safety == [
        *(
            (v, f"{y}年", "仁寿县", "sub_city")
            for v, y in zip((91.2, 92.6, 93.5, 94.8, 95.9, 96.7), range(2013, 2019), strict=True)
        ),
        (94.1, "2018年", "全省", "province"),
        (95.3, "2018年", None, "city"),
    ]
    own = [(period, scope) for _, period, scope, level in safety if level == "sub_city"]
    assert len(own) == len(set(own))  # no two values of the series share subject and period
