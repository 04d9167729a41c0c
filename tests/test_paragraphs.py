"""Boilerplate patterns, the seeds' metadata, and paragraph kinds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.boilerplate import ALL_ROLES, BOILERPLATE_RULES, classify_line, load_rules
from etl.normalise import normalise_text
from etl.paragraphs import describe_article

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
RULES = yaml.safe_load(BOILERPLATE_RULES.read_text(encoding="utf-8"))["rules"]
EXAMPLES = [(rule["name"], example) for rule in RULES for example in rule["examples"]]
IGNORES = [(rule["name"], line) for rule in RULES for line in rule["ignores"]]


def seed(number: str) -> str:
    return next(SEEDS.glob(f"{number}_*.txt")).read_text(encoding="utf-8")


def said(metadata) -> dict:
    """A LineMatch's metadata as boilerplate.yaml writes it: only what was said."""
    fields = {name: value for name, value in vars(metadata).items() if value not in (None, ())}
    if "authors" in fields:
        fields["authors"] = list(fields["authors"])
    return fields


def test_every_pattern_has_examples_and_near_misses():
    assert [rule.name for rule in load_rules()] == [rule["name"] for rule in RULES]
    for rule in RULES:
        assert rule["examples"] and rule["ignores"], rule["name"]


@pytest.mark.parametrize(("rule", "example"), EXAMPLES, ids=lambda v: str(v)[:24])
def test_pattern_recognises_its_examples(rule, example):
    match = classify_line(example["line"], ALL_ROLES)
    assert match is not None and rule in match.rules
    assert said(match.metadata) == example["gives"]


@pytest.mark.parametrize(("rule", "line"), IGNORES, ids=lambda v: str(v)[:24])
def test_pattern_leaves_article_text_alone(rule, line):
    match = classify_line(line, ALL_ROLES)
    assert match is None or rule not in match.rules


SEED_METADATA = [
    # number, title, title_derived, subtitle, published_on, source, authors, editor, photographer
    ("000", "琴瑟和鸣、黄钟大吕,这是艺术的和谐", True, None, None, None, [], None, None),
    (
        "001",
        "酒泉市全力推进更高水平的平安酒泉建设",
        False,
        "酒泉市全力推进更高水平的平安酒泉建设",
        None,
        "酒泉日报",
        [],
        None,
        "王明玲",
    ),
    (
        "002",
        "贵阳:治标治本施综合之策 同心同力建平安之城",
        False,
        "贵阳市加强社会治理深化平安建设工作综述",
        None,
        None,
        ["张勇", "黄圣杰"],
        None,
        None,
    ),
    (
        "003",
        "创新机制夯实基础 创建平安幸福汕头",
        False,
        "大处着眼 小处着手 要处着力 创新机制夯实基础 创建平安幸福汕头",
        dt.date(2013, 11, 1),
        "汕头日报",
        [],
        "李家亮",
        None,
    ),
    (
        "004",
        "山西晋中平安建设“以点带面 百花齐放”",
        False,
        None,
        dt.date(2016, 11, 15),
        None,
        [],
        None,
        None,
    ),
]


@pytest.mark.parametrize("expected", SEED_METADATA, ids=lambda row: row[0])
def test_seed_metadata(expected):
    article = describe_article(seed(expected[0]))
    assert (
        expected[0],
        article.title,
        article.title_derived,
        article.subtitle,
        article.published_on,
        article.source,
        article.authors,
        article.editor,
        article.photographer,
    ) == expected


@pytest.mark.parametrize(
    ("number", "boilerplate"),
    [
        ("000", []),
        ("001", ["来源:《酒泉日报》"]),
        ("002", []),
        (
            "003",
            [
                "中国长安网 > 公众版> 长安传真",
                "2013-11-01 15:19:07 http://www.chinapeace.org.cn/ 来源:汕头日报 ",
                "[责任编辑:李家亮]",
            ],
        ),
        ("004", ["创建平安河源", "更新时间:2016/11/15", "Baidu", "map"]),
    ],
)
def test_site_chrome_leaves_the_paragraphs(number, boilerplate):
    article = describe_article(seed(number))
    assert article.boilerplate == boilerplate
    originals = [p.original_text for p in article.paragraphs]
    assert not set(boilerplate) & set(originals)


@pytest.mark.parametrize("number", ["000", "001", "002", "003", "004"])
def test_paragraphs_keep_their_verbatim_line_beside_the_normalised_text(number):
    text = seed(number)
    article = describe_article(text)
    lines = text.split("\n")
    assert [p.original_text for p in article.paragraphs] == [
        line for line in lines if line.strip() and line not in article.boilerplate
    ]
    for paragraph in article.paragraphs:
        assert paragraph.text == normalise_text(paragraph.original_text, article.script)


def test_seed_000_is_traditional_with_simplified_repaired_paragraphs():
    article = describe_article(seed("000"))
    assert article.script == "traditional"
    assert article.paragraphs[0].original_text.startswith("琴瑟和鳴、黃鐘大呂,這是藝術(shù)的")
    assert article.paragraphs[0].text.startswith("琴瑟和鸣、黄钟大吕,这是艺术的和谐")
    assert {p.kind for p in article.paragraphs} == {"body"}


@pytest.mark.parametrize(
    ("number", "kinds"),
    [
        ("001", ["title", "byline", "subtitle", "subtitle", "body", "caption", "body", "heading"]),
        ("002", ["title", "subtitle", "subtitle", "body", "body", "body", "heading", "body"]),
        ("003", ["title", "subtitle", "heading", "heading", "heading", "heading", "heading"]),
        ("004", ["title", "body", "body", "heading", "body", "body", "heading", "body"]),
    ],
)
def test_paragraph_kinds_of_the_opening(number, kinds):
    article = describe_article(seed(number))
    assert [p.kind for p in article.paragraphs[: len(kinds)]] == kinds


def test_a_site_slogan_above_the_headline_is_dropped_even_without_a_dateline():
    article = describe_article("平安中国\n\n汕头召开平安建设推进会\n\n会议要求,全市要提高认识。")
    assert article.title == "汕头召开平安建设推进会"
    assert article.boilerplate == ["平安中国"]


def test_a_slogan_that_is_the_only_headline_stays_the_headline():
    article = describe_article("平安中国\n\n会议要求,全市上下要进一步提高认识。")
    assert (article.title, article.title_derived) == ("平安中国", False)


def test_a_date_in_the_body_is_not_a_publication_date():
    article = describe_article("贵阳部署专项斗争\n2013年9月29日,贵阳市发出“动员令”,部署专项斗争。")
    assert article.published_on is None


def test_a_page_title_and_date_win_over_the_text():
    article = describe_article(
        "创建平安河源\n汕头召开平安建设推进会\n会议要求,全市上下要进一步提高认识。",
        title="汕头召开平安建设推进会",
        published_on=dt.date(2020, 3, 2),
    )
    assert (article.title, article.published_on) == ("汕头召开平安建设推进会", dt.date(2020, 3, 2))
    assert article.boilerplate == ["创建平安河源"]


def test_a_derived_title_is_cut_at_a_clause_when_the_sentence_is_long():
    body = "琴瑟和鸣、黄钟大吕,这是艺术的和谐;和风细雨、桃红柳绿,这是自然的和谐;才是社会的和谐。"
    article = describe_article(body)
    assert (article.title, article.title_derived) == ("琴瑟和鸣、黄钟大吕,这是艺术的和谐", True)


def test_a_derived_title_skips_an_empty_first_clause():
    article = describe_article(";2013-11-012013-11-01平平平平平平平来源:")
    assert article.title == "2013-11-012013-11-01平平平平平平平来源:"


def test_fullwidth_and_traditional_text_is_described_in_its_normalised_form():
    article = describe_article("創建平安臨夏\n記者 張勇\n２０１５年，臨夏市案件下降１７．１％。")
    assert article.title == "创建平安临夏"
    assert article.authors == ["张勇"]
    assert article.paragraphs[-1].text == "2015年,临夏市案件下降17.1%。"
    assert [p.kind for p in article.paragraphs] == ["title", "byline", "body"]


ARTICLE_PIECES = list("平安建設临夏市。,:;!()《》“”— \n") + [
    "2013-11-01",
    "来源:",
    "记者",
    "张勇",
    " 摄",
    "\n\n",
    "——",
    "[责任编辑:",
    "]",
    "(shù)",
    "Baidu",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(ARTICLE_PIECES), max_size=60).map("".join))
def test_any_text_is_described_with_paragraphs_true_to_their_lines(text):
    article = describe_article(text)
    for paragraph in article.paragraphs:
        assert paragraph.text
        assert paragraph.text == normalise_text(paragraph.original_text, article.script)
    assert article.title or not article.paragraphs
