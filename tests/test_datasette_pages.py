"""The reader pages (etl/pages.py): /compare, /compare/<metric>, /city/<city>, /claim/<id>,
through Datasette's own test client on the loaded seeds."""

from __future__ import annotations

import asyncio
import re
from urllib.parse import quote

import pytest
from datasette.utils import tilde_decode, tilde_encode

from etl.pages import change, figure, sentence_bounds
from tests.conftest import get

PARAGRAPH = (
    "近年来,酒泉市持续强化管理。2021年,全市刑事案件发案3315起,比2020年下降12.67%;受理治安案件6104。"
    "新的一句"
)


@pytest.mark.parametrize(
    ("claim", "sentence"),
    [
        (
            "比2020年下降12.67%",
            "2021年,全市刑事案件发案3315起,比2020年下降12.67%;受理治安案件6104。",
        ),
        ("近年来", "近年来,酒泉市持续强化管理。"),
        ("新的一句", "新的一句"),
    ],
)
def test_a_claim_is_cited_in_its_whole_sentence(claim, sentence):
    start = PARAGRAPH.index(claim)
    first, last = sentence_bounds(PARAGRAPH, start, start + len(claim))
    assert PARAGRAPH[first:last] == sentence


@pytest.mark.parametrize(
    ("row", "shown"),
    [
        ({"kind": "count", "value": 205000.0, "unit": "个", "approx": None}, "205,000个"),
        ({"kind": "count", "value": 3500.0, "unit": "名", "approx": "余"}, "3,500余名"),
        ({"kind": "rate", "value": 98.5, "unit": "%", "approx": "以上"}, "98.5%以上"),
        ({"kind": "count", "value": 200000.0, "unit": "人", "approx": "近"}, "近200,000人"),
        ({"kind": "change", "value": -12.67, "unit": "%", "approx": None}, ""),
    ],
)
def test_a_figure_is_written_as_a_reader_writes_it(row, shown):
    assert figure(row) == shown


@pytest.mark.parametrize(
    ("row", "shown"),
    [
        ({"change_pct": -12.67, "change_pp": None, "basis": "比2020年"}, "-12.67% 比2020年"),
        ({"change_pct": None, "change_pp": 3.5, "basis": "同比"}, "+3.5个百分点 同比"),
        ({"change_abs": -832.0, "unit": "起", "basis": "同比"}, "-832起 同比"),
        ({"change_pct": None, "change_pp": None, "basis": None}, ""),
    ],
)
def test_a_change_carries_its_basis(row, shown):
    assert change(row) == shown


def rows(datasette, path: str) -> list[dict]:
    return get(datasette, path + ("&" if "?" in path else "?") + "_shape=array&_size=max").json()


def test_compare_lists_every_metric_by_family_and_finds_one_by_either_name(datasette):
    metrics = rows(datasette, "/pingan/metrics.json?_col=name_zh&_col=name_en&_col=family")
    page = get(datasette, "/compare").text
    for metric in metrics:
        assert f">{metric['name_zh']}</a>" in page
    assert len(re.findall(r"<h2 id=", page)) == len({metric["family"] for metric in metrics})
    crime = get(datasette, "/compare?q=" + quote("刑事")).text
    assert ">刑事立案数</a>" in crime and ">网格员</a>" not in crime
    for name in ("刑事警情", "criminal incidents reported"):
        response = get(datasette, "/compare?q=" + quote(name))
        assert response.status_code == 302
        assert response.headers["location"] == "/compare/criminal_incidents_reported"


def group(row: dict) -> tuple:
    """What a comparison shows one row of: a city's level, or its change, on one measure."""
    return row["measure"], row["city"], row["kind"] == "change"


def test_a_comparison_shows_each_citys_latest_level_and_change_linked_to_its_sentence(datasette):
    figures = rows(datasette, "/pingan/metric_comparison.json?metric=criminal_cases")
    shown = get(datasette, "/compare/criminal_cases.json").json()
    assert sorted(map(group, shown)) == sorted(set(map(group, figures)))
    assert len(shown) < len(figures)  # 酒泉 compares 2021 with 2020 and with 2019: one is shown
    for row in shown:
        rivals = [other for other in figures if group(other) == group(row)]
        dated = [other["period_end"] for other in rivals if other["period_resolved"]]
        assert not dated or row["period_end"] == max(dated)
    page = get(datasette, "/compare/criminal_cases").text
    table = page[page.index('<table class="rows-and-columns comparison">') :]
    assert table.count("<tr>") - table.count("<thead><tr>") == len(shown) >= 3
    for row in shown:
        assert f'href="/claim/{row["indicator_id"]}"' in page
    assert 'href="/compare/criminal_cases_filed"' in page  # a metric of its family
    assert get(datasette, "/compare/no_such_metric").status_code == 404


def test_a_city_page_has_its_figures_by_family_and_its_documents(datasette):
    short = asyncio.run(datasette.client.get("/city/" + quote("贵阳"), follow_redirects=True))
    assert short.status_code == 200 and tilde_decode(short.url.path) == "/city/贵阳市"
    figures = rows(datasette, "/pingan/metric_comparison.json?city=" + quote("贵阳市"))
    documents = rows(datasette, "/pingan/documents.json?report_city=" + quote("贵阳市"))
    page = get(datasette, "/city/" + tilde_encode("贵阳市")).text
    for row in figures:
        assert f'href="/claim/{row["indicator_id"]}"' in page
    for document in documents:
        assert f'href="/pingan/documents/{document["id"]}"' in page
    assert get(datasette, "/city/" + tilde_encode("没有这个市")).status_code == 404


def test_a_claim_page_marks_the_claim_and_lists_the_paragraphs_other_claims(datasette):
    claim = rows(datasette, "/pingan/indicators.json?metric=criminal_cases&_sort=id")[0]
    same_paragraph = rows(
        datasette, f"/pingan/indicators.json?paragraph_id={claim['paragraph_id']}"
    )
    page = get(datasette, f"/claim/{claim['id']}").text
    assert f'<mark class="claim">{claim["quote"]}</mark>' in page
    assert f'href="/pingan/documents/{claim["document_id"]}"' in page
    others = [row for row in same_paragraph if row["id"] != claim["id"]]
    assert others
    for other in others:
        assert f'href="/claim/{other["id"]}"' in page
    assert get(datasette, "/claim/999999999").status_code == 404


def test_claims_in_views_link_to_their_sentence_page(datasette):
    page = get(datasette, "/pingan/indicator_facts?metric=criminal_cases").text
    assert re.search(r'href="/claim/\d+"', page)
