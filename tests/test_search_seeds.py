"""Chinese full-text search on the loaded seeds, as a user types it: in Datasette and the CLI."""

import pytest
from click.testing import CliRunner

from etl.cli import cli
from tests.conftest import get

# query -> seeds (by number) that must be found, and seeds that must not
SEARCHES = [
    ("两抢一盗", {"000", "001", "002", "003"}, {"004"}),
    ("网格", {"002", "004"}, set()),
    ("视频监控", {"003", "004"}, {"000"}),
    ("电诈", {"001"}, {"000", "003"}),
    ("禁毒", {"000"}, set()),
    ("枫桥经验", {"001"}, {"000", "002"}),
    ("社区民警", {"003"}, set()),
    ("和谐", {"000"}, set()),
    ('"刑事发案"', {"002"}, {"000"}),
    ("网格员", {"001", "002"}, {"003"}),  # 贵阳 (002) says 网格管理员
    ("扫黑除恶", {"001"}, {"000", "003"}),
    ('"治安视频监控"', {"003"}, {"000"}),
    ("贵阳 网格", {"002"}, {"000", "001", "003", "004"}),
    ("2013 平安", {"004"}, set()),
    ("综治中心", set(), {"000"}),
    ("不存在的词语组合", set(), {"000", "001", "002", "003", "004"}),
]
MALFORMED = ['"', '视频"监控', "平安 AND", "*", "AND", "((", "NEAR(", "监控 OR", "-", "'"]


def seed_numbers(datasette, paragraph_rows) -> set[str]:
    paths = get(datasette, "/pingan/documents.json?_shape=array&_col=path").json()
    path_of = {row["id"]: row["path"] for row in paths}
    return {path_of[row["document_id"]].rsplit("/", 1)[-1][:3] for row in paragraph_rows}


@pytest.mark.parametrize("query, found, not_found", SEARCHES, ids=[s[0] for s in SEARCHES])
def test_datasette_search_box(datasette, query, found, not_found):
    response = get(datasette, f"/pingan/paragraphs.json?_search={query}&_shape=array&_size=max")
    assert response.status_code == 200
    seeds = seed_numbers(datasette, response.json())
    assert found <= seeds
    assert not (not_found & seeds)


@pytest.mark.parametrize("query, found, not_found", SEARCHES, ids=[s[0] for s in SEARCHES])
def test_cli_search_finds_the_same_documents(datasette, seeded_db_path, query, found, not_found):
    result = CliRunner().invoke(
        cli, ["search", "--db", str(seeded_db_path), query, "--limit", "200"]
    )
    assert result.exit_code == 0, result.output
    response = get(datasette, f"/pingan/search.json?q={query}&_shape=array")
    titles = {row["title"] for row in response.json()}
    assert f"{len(response.json())} paragraphs found" in result.output
    for title in titles:
        assert title[:6] in result.output


def test_search_results_are_ranked_and_highlighted(datasette):
    rows = get(datasette, "/pingan/search.json?q=视频监控&_shape=array").json()
    assert rows and all("<mark>" in row["snippet"] for row in rows)
    assert [row["rank"] for row in rows] == sorted(row["rank"] for row in rows)


@pytest.mark.parametrize("query", MALFORMED)
def test_malformed_queries_never_give_a_server_error(datasette, query):
    for path in (f"/pingan/paragraphs.json?_search={query}", f"/pingan/search.json?q={query}"):
        assert get(datasette, path).status_code == 200, path
