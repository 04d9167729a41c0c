"""What users type, made into FTS5 queries, run against a real FTS5 index of the segmented seeds."""

from __future__ import annotations

import sqlite3

import pytest

from etl.metrics import load_metrics
from etl.search import (
    fts_query,
    match_expression,
    search_is_exact,
    search_matches,
    search_snippet,
    searched_forms,
)
from etl.tokens import segmented
from tests.test_tokens import seed_lines

# query -> seeds that must have a matching paragraph, seeds that must not. 000 is the traditional
# seed (indexed in simplified script), so 和谐 and 临夏 find it.
SEARCHES = [
    ("两抢一盗", {"002", "003"}, {"004"}),
    ("网格", {"001", "002", "004"}, {"000"}),
    ("网格员", {"001", "002"}, {"000", "003"}),  # 贵阳 (002) says 网格管理员, a synonym
    ('"网格员"', {"001"}, {"000", "002", "003"}),  # quoted: the word alone
    ('"视频监控"', {"003", "004"}, {"000", "001", "002"}),
    ("视频监控", {"001", "002", "003", "004"}, {"000"}),  # and 探头, 摄像头, 监控点...
    ("监控", {"003", "004"}, {"000", "001"}),
    ('"电诈"', {"001"}, {"000", "002", "003", "004"}),
    ("禁毒", {"000", "004"}, {"002"}),
    ("枫桥经验", {"001"}, {"000", "002", "003", "004"}),
    ("“枫桥经验”", {"001"}, {"000", "002", "003", "004"}),
    ("社区民警", {"002", "003", "004"}, {"001"}),
    ('"社区 民警"', {"002", "003", "004"}, {"001"}),
    ("和谐", {"000", "001", "002"}, {"004"}),
    ('"刑事发案"', {"002"}, {"000", "004"}),
    ("贵阳", {"002"}, {"000", "001", "003", "004"}),
    ("临夏 禁毒", {"000"}, {"001", "002", "003", "004"}),
    ('综治 "网格"', {"001", "002"}, {"000"}),
    ("2013年9月", {"002"}, {"000", "001"}),
    ("扫黑除恶", {"001"}, {"000", "002", "003", "004"}),
    ("民警*", {"000", "002", "003", "004"}, set()),
    ('"视频监控', {"003", "004"}, {"000"}),
    ("电诈 AND", {"001"}, {"000", "002"}),
    ("雪亮工程", set(), {"000", "001", "002", "003", "004"}),
]
# Input FTS5 would reject if passed on as typed.
MALFORMED = [
    '"',
    '""',
    "*",
    "AND",
    "OR",
    "NOT",
    "电诈 AND",
    "AND 电诈",
    "NEAR(",
    "禁毒)",
    "(禁毒",
    ":",
    "网格:",
    "^禁毒",
    "-禁毒",
    "禁毒 NOT",
    "tokens:禁毒",
    "{禁毒}",
    '网"格',
    "***",
    "'",
    "禁毒' OR 1=1 --",
    "",
    "   ",
    "\t\n",
    "网格 OR",
    "网格*" * 3,
    "NEAR(网格 禁毒, 2)",
]


@pytest.fixture(scope="module")
def index() -> sqlite3.Connection:
    """The seed paragraphs, tokens as the loader stores them, in an FTS5 table."""
    connection = sqlite3.connect(":memory:")
    connection.execute("create virtual table paragraphs_fts using fts5(tokens)")
    connection.executemany(
        "insert into paragraphs_fts (rowid, tokens) values (?, ?)",
        [(rowid, segmented(line)) for rowid, (_, line) in enumerate(seed_lines())],
    )
    return connection


def seeds_found(index: sqlite3.Connection, query: str) -> set[str]:
    rows = index.execute(
        "select rowid from paragraphs_fts where paragraphs_fts match ? order by rank",
        (match_expression(query),),
    )
    return {seed_lines()[rowid][0] for (rowid,) in rows}


@pytest.mark.parametrize(("query", "must", "must_not"), SEARCHES)
def test_search_hits_and_misses(index, query, must, must_not):
    found = seeds_found(index, query)
    assert must <= found
    assert not must_not & found


@pytest.mark.parametrize("query", MALFORMED)
def test_malformed_queries_never_raise(index, query):
    assert isinstance(seeds_found(index, query), set)


@pytest.mark.parametrize(
    ("typed", "expression"),
    [
        ('"刑事发案"', '"刑事发案"'),
        ('"刑事发案数"', 'NEAR("刑事发案" "数", 7)'),
        ('"视频监控" “网格”', '"视频监控" AND "网格"'),
        ("“枫桥经验”", '"枫桥经验"'),
        ('"两抢一盗', '"两抢一盗"'),
        ("网格*", '"网格" *'),
        ("２０１５年", 'NEAR("2015" "年", 4)'),
        ('"电诈" AND', '"电诈"'),
        ('a"b', '"a" AND "b"'),
        ("*", None),
        ("AND", None),
        ("、。", None),
    ],
)
def test_fts_query(typed, expression):
    assert fts_query(typed) == expression


def test_a_metric_name_is_searched_in_every_form_the_metrics_give_it():
    """网格员 finds 贵阳's 网格管理员: the forms are the grid_workers synonyms of metrics.yaml."""
    grid_workers = next(m for m in load_metrics().metrics if m.code == "grid_workers")
    (forms, peace) = searched_forms("网格员 平安")
    assert forms[0] == "网格员" and set(forms) == {grid_workers.name_zh, *grid_workers.synonyms}
    assert {"网格管理员", "专兼职网格员"} <= set(forms) and peace == ("平安",)
    expression = fts_query("网格员")
    assert expression.startswith('("网格员" OR "网格管理员" OR ') and expression.endswith(")")
    assert 'NEAR("专兼职" "网格员", 6)' in expression
    assert searched_forms('"网格员"') == [("网格员",)]


def test_nothing_searchable_matches_nothing_in_sql():
    assert match_expression(None) == match_expression("*") == '""'


PARAGRAPH = "今年前10月,贵阳市刑事发案数同比下降21.22%;在全市信访积案和贵州省“百日攻坚战”交办"


@pytest.mark.parametrize(
    ("query", "snippet"),
    [
        ('"刑事发案"', "…前10月,贵阳市<mark>刑事发案</mark>数同比下降21.…"),
        ("刑事发案", "…前10月,贵阳市<mark>刑事发案数</mark>同比下降21.2…"),
        ("贵阳 21.22%", "今年前10月,<mark>贵阳</mark>市刑事发案数同比…"),
        ("下降 21.22%", "…市刑事发案数同比<mark>下降</mark><mark>21.22%</mark>;在…"),
        ("下降21.22%", "…市刑事发案数同比<mark>下降21.22%</mark>;在全市信访积案…"),
        ("禁毒", "今年前10月,贵阳市刑事发案数同…"),
    ],
)
def test_snippet_marks_matches_in_the_original_text(query, snippet):
    assert search_snippet(PARAGRAPH, query, context=8) == snippet


@pytest.mark.parametrize(
    ("query", "exact"),
    [
        ('"刑事发案"', True),
        ('"社区" "民警"', True),
        ("网格员", False),  # and 网格管理员, two words
        ("监控*", True),
        ("贵阳", True),
        ('"社区 民警"', False),  # a phrase of two words: the index's NEAR window is looser
        ("21.22%", False),  # the index cuts it into 21 and 22
        ("GDP", False),
        ("", True),  # no term: nothing to check (and fts_query matches nothing)
    ],
)
def test_search_is_exact_only_for_single_chinese_words(query, exact):
    assert search_is_exact(query) == exact


EXACT_QUERIES = ['"刑事发案"', "平安", '"网格"', "监控*", "贵阳", '"社区" "民警"', "和谐"]


@pytest.mark.parametrize("query", EXACT_QUERIES)
def test_where_search_is_exact_every_candidate_passes_the_phrase_check(index, query):
    """The shortcut in sql/queries/search.sql keeps every paragraph the index finds: for these
    queries the phrase check would have dropped none of the seed paragraphs."""
    assert search_is_exact(query)
    rows = index.execute(
        "select rowid from paragraphs_fts where paragraphs_fts match ?", (match_expression(query),)
    ).fetchall()
    assert rows, query
    assert all(search_matches(seed_lines()[rowid][1], query) for (rowid,) in rows)
