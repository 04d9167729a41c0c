"""Chinese search through Datasette's own test client, on the loaded seeds."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from urllib.parse import quote

import pytest
from datasette.app import Datasette
from sqlalchemy import create_engine

from etl.search import (
    NARROWING_PARAMETERS,
    register_search_functions,
    search_paragraphs,
    search_sql,
)
from tests.conftest import get
from tests.test_search_query import MALFORMED


def search_rows(datasette: Datasette, query: str, extra: str = "") -> list[dict]:
    response = get(datasette, f"/pingan/paragraphs.json?_search={quote(query)}&_shape=array{extra}")
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("query", ['"刑事发案"', '"刑事发案数"', '贵阳 "刑事发案"'])
def test_table_search_segments_the_query_and_ranks_by_bm25(datasette, query):
    rows = search_rows(datasette, query)
    assert rows and all("刑事发案" in row["text"] for row in rows)
    assert [row["rank"] for row in rows] == sorted(row["rank"] for row in rows)
    assert {row["city"] for row in rows} == {"贵阳市"}


def test_unsegmented_phrase_is_found_although_no_token_holds_it(datasette):
    rows = search_rows(datasette, '"专职社区民警"')
    assert rows and all("专职社区民警" in row["text"] for row in rows)


def followed(datasette: Datasette, path: str):
    return asyncio.run(datasette.client.get(path, follow_redirects=True))


@pytest.mark.parametrize(
    "form", ["", "&_sort=id", "&_sort_desc=position&_facet=kind", "&_sort=position&_size=20"]
)
def test_the_search_box_leads_to_the_search_page_whatever_the_form_sends(datasette, form):
    """Datasette's form sends its sort (and facets) with the words: the search is ranked anyway."""
    response = get(datasette, "/pingan/paragraphs?_search=" + quote("视频监控") + form)
    assert response.status_code == 302
    assert response.headers["location"] == "/search?q=" + quote("视频监控")
    page = followed(datasette, "/pingan/paragraphs?_search=" + quote("视频监控") + form)
    assert 'value="视频监控"' in page.text
    assert "<mark>视频监控</mark>" in page.text


def test_search_within_a_document_is_ranked_within_it(datasette):
    rows = search_rows(datasette, "网格", "&document_id=2&_sort=position")
    assert rows and {row["document_id"] for row in rows} == {2}
    assert all("网格" in row["text"] for row in rows)
    assert [row["rank"] for row in rows] == sorted(row["rank"] for row in rows)
    page = followed(datasette, "/pingan/paragraphs?_search=%E7%BD%91%E6%A0%BC&document_id=2")
    assert "In one document" in page.text and page.text.count('class="snippet"') == len(rows)


def test_search_with_a_filter_on_another_column_stays_on_the_table(datasette):
    """With such a filter the table page answers, through Datasette's escape_fts, which the plugin
    replaces: Datasette's own would look for one token 刑事发案数 and find nothing."""
    rows = search_rows(datasette, '"刑事发案数"', "&position__gte=0")
    assert rows and all("刑事发案数" in row["text"] for row in rows)
    assert "rank" not in rows[0]


def search_page_cities(datasette: Datasette, arguments: str) -> list[str]:
    page = get(datasette, "/search?" + arguments).text
    return re.findall(r'<td class="nowrap"><a href="/city/[^"]+">([^<]+)</a></td>', page)


def test_the_search_page_is_narrowed_by_city_and_dates(datasette):
    everywhere = search_page_cities(datasette, "q=" + quote("网格员"))
    assert {"酒泉市", "贵阳市"} <= set(everywhere)
    in_guiyang = search_page_cities(datasette, "q=" + quote("网格员") + "&city=" + quote("贵阳市"))
    assert in_guiyang == ["贵阳市"] * everywhere.count("贵阳市")
    rows = get(datasette, "/pingan/search.json?_shape=array&q=" + quote("平安")).json()
    dated = sorted(row["published_on"] for row in rows if row["published_on"])
    since = dated[len(dated) // 2]
    later = get(datasette, f"/pingan/search.json?_shape=array&q={quote('平安')}&from={since}")
    assert later.json() and all(row["published_on"] >= since for row in later.json())
    assert len(later.json()) < len(rows)


def test_the_search_page_says_which_forms_it_searched(datasette):
    page = get(datasette, "/search?q=" + quote("网格员")).text
    assert re.search(r"Searched for\s*<b>网格员</b> or its other forms [^<]*网格管理员", page)
    assert "<mark>网格管理员</mark>" in page
    quoted = get(datasette, "/search?q=" + quote('"网格员"')).text
    assert "网格管理员" not in quoted.split("Searched for")[1]


def test_csv_export_of_a_search_is_ranked_too(datasette):
    response = get(datasette, "/pingan/paragraphs.csv?_size=max&_search=" + quote("网格"))
    assert response.status_code == 200
    header, *lines = response.text.splitlines()
    assert header.startswith("title,city,published_on,text,snippet,rank") and len(lines) > 5


def test_traditional_seed_is_found_by_simplified_query(datasette):
    assert "临夏市" in {row["city"] for row in search_rows(datasette, "和谐")}


def test_blank_search_is_no_search(datasette):
    response = get(datasette, "/pingan/paragraphs.json?_search=%20&_shape=array&_size=max")
    assert response.status_code == 200
    everything = get(datasette, "/pingan/paragraphs.json?_shape=array&_size=max")
    assert len(response.json()) == len(everything.json())


@pytest.mark.parametrize("query", MALFORMED)
@pytest.mark.parametrize("extra", ["", "&_sort=id", "&_searchmode=raw", "&position__gte=0"])
def test_malformed_search_is_never_a_server_error(datasette, query, extra):
    path = f"/pingan/paragraphs.json?_search={quote(query)}{extra}"
    assert get(datasette, path).status_code < 500


def test_query_string_that_is_not_utf8_is_not_a_server_error(datasette):
    assert get(datasette, "/pingan/paragraphs.json?_search=%FF%FE网格").status_code < 500


def test_canned_query_returns_document_fields_and_snippet(datasette):
    response = get(datasette, "/pingan/search.json?_shape=array&limit=3&q=" + quote("两抢一盗"))
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == 3
    for row in rows:
        assert {"title", "city", "published_on", "text", "snippet", "rank"} <= set(row)
        assert re.search("<mark>[^<]*两抢一盗[^<]*</mark>", row["snippet"])


def test_cli_search_returns_what_datasette_returns(datasette, seeded_db_path):
    engine = create_engine(f"sqlite:///{seeded_db_path}")
    with engine.connect() as connection:
        hits = search_paragraphs(connection, "视频监控", limit=10)
        assert search_paragraphs(connection, '"', limit=10) == []
    engine.dispose()
    rows = search_rows(datasette, "视频监控")
    assert [hit.id for hit in hits] == [row["id"] for row in rows][:10]
    assert hits and all("<mark>" in hit.snippet for hit in hits)


def test_the_search_query_is_defined_once_and_described_to_a_reader(datasette):
    from datasette.plugins import pm

    assert "pingan" not in [impl.plugin_name for impl in pm.hook.canned_queries.get_hookimpls()]
    search = get(datasette, "/-/metadata.json").json()["databases"]["pingan"]["queries"]["search"]
    assert search["title"] == "Search the paragraphs"
    assert "网格管理员" in search["description"] and "SQL function" not in search["description"]
    page = get(datasette, "/pingan/search?q=" + quote("网格员")).text
    assert re.search(r"<title>\s*Search the paragraphs\s*</title>", page)


def run_search(connection, query: str, **narrowing) -> list[sqlite3.Row]:
    arguments = {"q": query, "limit": 100, **dict.fromkeys(NARROWING_PARAMETERS), **narrowing}
    return connection.execute(search_sql(), arguments).fetchall()


def test_a_search_of_very_many_paragraphs_ranks_the_newest_and_says_so(seeded_db_path):
    """Past `ranked_at_most` matches, only the most recently loaded are ranked (at 100,000
    documents ranking them all took seconds), in a city as everywhere; within the limit, all."""
    connection = sqlite3.connect(f"file:{seeded_db_path}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    register_search_functions(connection, ranked_at_most=3)
    matching = sorted(
        row[0]
        for row in connection.execute(
            "select rowid from paragraphs_fts where paragraphs_fts match fts_query('平安')"
        )
    )
    assert len(matching) > 10
    newest = run_search(connection, "平安")
    assert sorted(row["id"] for row in newest) == matching[-3:]
    assert all(row["approximate"] for row in newest)
    in_the_city = sorted(
        row[0]
        for row in connection.execute(
            "select paragraphs_fts.rowid from paragraphs_fts "
            "join paragraphs on paragraphs.id = paragraphs_fts.rowid "
            "join documents on documents.id = paragraphs.document_id "
            "where paragraphs_fts match fts_query('平安') and documents.report_city = '贵阳市'"
        )
    )
    assert 3 < len(in_the_city) < len(matching)
    in_a_city = run_search(connection, "平安", city="贵阳市")
    assert sorted(row["id"] for row in in_a_city) == in_the_city[-3:]
    assert all(row["approximate"] and row["city"] == "贵阳市" for row in in_a_city)
    register_search_functions(connection, ranked_at_most=len(in_the_city))
    in_a_city = run_search(connection, "平安", city="贵阳市")
    assert sorted(row["id"] for row in in_a_city) == in_the_city
    assert not any(row["approximate"] for row in in_a_city)
    register_search_functions(connection, ranked_at_most=len(matching))
    every = run_search(connection, "平安")
    assert sorted(row["id"] for row in every) == matching
    assert not any(row["approximate"] for row in every)
    connection.close()


EMPTY_NARROWINGS = ("a city no document is in", "a city after its documents")


def narrowings(connection: sqlite3.Connection) -> dict[str, dict[str, str]]:
    """A city, dates (a span, an open end, a city and a start), and one document, taken from the
    loaded seeds so that each keeps some matches of 平安 and leaves others out; and two that
    keep none."""
    dates = sorted(
        day for (day,) in connection.execute("select published_on from documents") if day
    )
    middle = dates[len(dates) // 2]
    document_id, dated_city = connection.execute(
        "select document_id, report_city from paragraphs join documents on documents.id = "
        "document_id where published_on is not null and paragraphs.text like '%平安%' limit 1"
    ).fetchone()
    return {
        "city": {"city": "贵阳市"},
        "span of dates": {"from": dates[0], "to": middle},
        "from a date on": {"from": middle},
        "up to a date": {"to": middle},
        "a city from a date on": {"city": dated_city, "from": dates[0]},
        "one document": {"document_id": str(document_id)},
        "a city no document is in": {"city": "不存在市"},
        "a city after its documents": {"city": dated_city, "from": "9999-01-01"},
    }


def matches_within(connection: sqlite3.Connection, query: str, narrowing: dict) -> list[int]:
    """The paragraphs matching `query` within the narrowing, best first: the plain join the
    search SQL must agree with, however it goes about it."""
    return [
        paragraph_id
        for (paragraph_id,) in connection.execute(
            "select paragraphs_fts.rowid from paragraphs_fts "
            "join paragraphs on paragraphs.id = paragraphs_fts.rowid "
            "join documents on documents.id = paragraphs.document_id "
            "where paragraphs_fts match fts_query(:q) "
            "and (:city is null or documents.report_city = :city) "
            "and (:from is null or documents.published_on >= :from) "
            "and (:to is null or documents.published_on <= :to) "
            "and (:document_id is null or documents.id = :document_id) "
            "order by paragraphs_fts.rank, paragraphs_fts.rowid",
            {"q": query, **dict.fromkeys(NARROWING_PARAMETERS), **narrowing},
        )
    ]


@pytest.mark.parametrize(
    "by_paragraphs_at_most", [3000, 0], ids=["paragraphs' ids", "each match's document"]
)
def test_a_narrowed_search_finds_what_a_plain_join_finds_either_way_it_checks(
    seeded_db_path, by_paragraphs_at_most
):
    """Few documents are checked through their paragraphs' ids, many through each match's
    document (at 100,000 documents); both must give the matches the narrowing holds, best first,
    and, past the ranking limit, the newest of them."""
    connection = sqlite3.connect(f"file:{seeded_db_path}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    register_search_functions(connection, 10**6, by_paragraphs_at_most)
    everywhere = matches_within(connection, "平安", {})
    for name, narrowing in narrowings(connection).items():
        expected = matches_within(connection, "平安", narrowing)
        assert 0 < len(expected) < len(everywhere) or name in EMPTY_NARROWINGS, name
        found = run_search(connection, "平安", **narrowing)
        assert [row["id"] for row in found] == expected[:100], name
        assert not any(row["approximate"] for row in found), name
    register_search_functions(connection, 3, by_paragraphs_at_most)
    for name, narrowing in narrowings(connection).items():
        expected = matches_within(connection, "平安", narrowing)
        found = run_search(connection, "平安", **narrowing)
        assert sorted(row["id"] for row in found) == sorted(expected)[-3:], name
        assert [row["approximate"] for row in found] == [len(expected) > 3] * len(found), name
    connection.close()
