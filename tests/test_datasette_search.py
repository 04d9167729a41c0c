"""Chinese search through Datasette's own test client, on the loaded seeds."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from datasette.app import Datasette
from sqlalchemy import create_engine

from etl.search import search_paragraphs
from tests.conftest import get
from tests.test_search_query import MALFORMED


def search_rows(datasette: Datasette, query: str, extra: str = "") -> list[dict]:
    response = get(datasette, f"/pingan/paragraphs.json?_search={quote(query)}&_shape=array{extra}")
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("query", ["刑事发案", "刑事发案数", "贵阳 刑事发案"])
def test_table_search_segments_the_query_and_ranks_by_bm25(datasette, query):
    rows = search_rows(datasette, query)
    assert rows and all("刑事发案" in row["text"] for row in rows)
    assert [row["rank"] for row in rows] == sorted(row["rank"] for row in rows)
    assert {row["city"] for row in rows} == {"贵阳市"}


def test_unsegmented_phrase_is_found_although_no_token_holds_it(datasette):
    rows = search_rows(datasette, "专职社区民警")
    assert rows and all("专职社区民警" in row["text"] for row in rows)


def test_search_box_shows_what_was_typed_and_marks_the_hits(datasette):
    response = get(datasette, "/pingan/paragraphs?_search=" + quote("视频监控"))
    assert response.status_code == 200
    assert 'value="视频监控"' in response.text
    assert "<mark>视频监控</mark>" in response.text


def test_search_with_a_filter_stays_on_the_table_and_keeps_the_filter(datasette):
    rows = search_rows(datasette, "网格", "&document_id=2&_sort=position")
    assert rows and {row["document_id"] for row in rows} == {2}
    assert all("网格" in row["text"] for row in rows)
    assert [row["position"] for row in rows] == sorted(row["position"] for row in rows)


def test_table_search_itself_segments_the_query(datasette):
    """With a sort the table page answers, through Datasette's escape_fts, which the plugin
    replaces: Datasette's own would look for one token 刑事发案数 and find nothing."""
    rows = search_rows(datasette, "刑事发案数", "&_sort=id")
    assert rows and all("刑事发案数" in row["text"] for row in rows)
    assert "rank" not in rows[0]


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
@pytest.mark.parametrize("extra", ["", "&_sort=id", "&_searchmode=raw"])
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
        assert "<mark>两抢一盗</mark>" in row["snippet"]


def test_cli_search_returns_what_datasette_returns(datasette, seeded_db_path):
    engine = create_engine(f"sqlite:///{seeded_db_path}")
    with engine.connect() as connection:
        hits = search_paragraphs(connection, "视频监控", limit=10)
        assert search_paragraphs(connection, '"', limit=10) == []
    engine.dispose()
    rows = search_rows(datasette, "视频监控")
    assert [hit.id for hit in hits] == [row["id"] for row in rows][:10]
    assert hits and all("<mark>视频监控</mark>" in hit.snippet for hit in hits)
