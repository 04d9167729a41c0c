"""Publication dates from wherever a collection says them, most trusted first (etl.dates), and
documents.date_source naming where: one test for each source, through a real load."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from etl.dates import parse_date, url_date
from etl.load import load_files
from etl.models import Document, LoadWarning
from etl.read import named_article_files
from etl.rules_data import RULES
from tests.collection_inputs import as_page, seed_text, write_csv, write_jsonl, write_warc

URL_RULES = yaml.safe_load((RULES / "url_dates.yaml").read_text(encoding="utf-8"))["patterns"]
EXAMPLES = [(rule["name"], example) for rule in URL_RULES for example in rule["examples"]]
IGNORES = [(rule["name"], url) for rule in URL_RULES for url in rule["ignores"]]
UNDATED_SEED = 0  # 临夏: no date anywhere in its text
DATELINED_SEED = 3  # 汕头: "2013-11-01 15:19:07 ... 来源:汕头日报"


def test_every_url_pattern_has_examples_and_near_misses():
    assert all(rule["examples"] and rule["ignores"] for rule in URL_RULES)


@pytest.mark.parametrize(("rule", "example"), EXAMPLES, ids=lambda v: str(v)[:40])
def test_url_date_reads_each_pattern_s_examples(rule, example):
    assert url_date(example["url"]) == example["date"]


@pytest.mark.parametrize(("rule", "url"), IGNORES, ids=lambda v: str(v)[:40])
def test_url_date_finds_no_date_in_the_near_misses(rule, url):
    assert url_date(url) is None


def test_url_date_reads_the_path_not_the_host_or_query():
    assert url_date("http://20161115.example.cn/a.html?day=20170102") is None


@pytest.mark.parametrize(
    "written",
    [
        "2016-11-15",
        "2016/11/15",
        "2016.11.15",
        "2016年11月15日",
        "2016年11月15日 10:30",
        "2016-11-15T08:00:00+08:00",
        "2016-11-15T00:00:00Z",
        "20161115",
    ],
)
def test_a_collection_s_date_is_read_as_collections_write_it(written):
    assert parse_date(written) == dt.date(2016, 11, 15)


@pytest.mark.parametrize("written", ["", "   ", "unknown", "2016-13-40", "去年"])
def test_what_holds_no_real_date_is_no_date(written):
    assert parse_date(written) is None


def dated(engine, *paths: Path) -> dict[str, tuple[dt.date | None, str]]:
    load_files(engine, list(named_article_files(paths)))
    with engine.connect() as connection:
        rows = connection.execute(
            select(Document.path, Document.published_on, Document.date_source)
        ).all()
    return {path: (published_on, source) for path, published_on, source in rows}


def test_a_record_s_date_wins_over_its_url_and_text(engine, tmp_path):
    export = write_jsonl(
        tmp_path / "a.jsonl",
        [
            {
                "text": seed_text(DATELINED_SEED),
                "url": "http://www.example.cn/201001/t20100105_1.html",
                "pubdate": "2014年3月2日",
            }
        ],
    )
    assert dated(engine, export) == {"a.jsonl#1": (dt.date(2014, 3, 2), "record")}


def test_a_manifest_row_s_date_wins_over_the_text(engine, tmp_path):
    folder = tmp_path / "crawl"
    folder.mkdir()
    (folder / "shantou.txt").write_text(seed_text(DATELINED_SEED), encoding="utf-8")
    write_csv(folder / "manifest.csv", [{"file": "shantou.txt", "date": "2014-03-02"}])
    assert dated(engine, folder) == {"crawl/shantou.txt": (dt.date(2014, 3, 2), "manifest")}


def test_a_sidecar_s_date_wins_over_the_text(engine, tmp_path):
    (tmp_path / "shantou.txt").write_text(seed_text(DATELINED_SEED), encoding="utf-8")
    (tmp_path / "shantou.json").write_text(json.dumps({"published": "2014-03-02"}))
    found = dated(engine, tmp_path / "shantou.txt")
    assert found == {"shantou.txt": (dt.date(2014, 3, 2), "sidecar")}


def test_a_page_s_markup_date_wins_over_its_url(engine, tmp_path):
    page = as_page(
        seed_text(UNDATED_SEED),
        head='<meta property="article:published_time" content="2014-03-02T08:00:00+08:00">',
    )
    archive = write_warc(
        tmp_path / "a.warc.gz",
        [("http://www.example.cn/201001/t20100105_1.html", "text/html", page)],
    )
    assert dated(engine, archive) == {"a.warc.gz#2": (dt.date(2014, 3, 2), "html")}


def test_a_url_s_date_wins_over_the_text(engine, tmp_path):
    export = write_jsonl(
        tmp_path / "a.jsonl.gz",
        [{"content": seed_text(DATELINED_SEED), "url": "http://www.example.cn/2014-03/02/c_1.htm"}],
    )
    assert dated(engine, export) == {"a.jsonl.gz#1": (dt.date(2014, 3, 2), "url")}


def test_a_month_in_the_url_dates_the_article_to_the_month_s_first_day(engine, tmp_path):
    export = write_jsonl(
        tmp_path / "a.jsonl",
        [{"body": seed_text(UNDATED_SEED), "url": "http://www.example.cn/xwzx/201403/a.html"}],
    )
    assert dated(engine, export) == {"a.jsonl#1": (dt.date(2014, 3, 1), "url")}


def test_the_text_s_dateline_dates_an_article_nothing_else_dates(engine, tmp_path):
    export = write_jsonl(tmp_path / "a.jsonl", [{"text": seed_text(DATELINED_SEED)}])
    assert dated(engine, export) == {"a.jsonl#1": (dt.date(2013, 11, 1), "text")}


def test_an_article_dated_nowhere_says_so(engine, tmp_path):
    export = write_jsonl(
        tmp_path / "a.jsonl",
        [{"text": seed_text(UNDATED_SEED), "url": "http://www.example.cn/news/a.html"}],
    )
    assert dated(engine, export) == {"a.jsonl#1": (None, "none")}


def test_a_record_s_date_that_is_no_date_is_a_warning_and_the_next_source_dates_it(
    engine, tmp_path
):
    export = write_jsonl(
        tmp_path / "a.jsonl", [{"text": seed_text(DATELINED_SEED), "date": "last spring"}]
    )
    assert dated(engine, export) == {"a.jsonl#1": (dt.date(2013, 11, 1), "text")}
    with engine.connect() as connection:
        warnings = connection.execute(select(LoadWarning.path, LoadWarning.warning)).all()
    assert warnings == [("a.jsonl#1", "the record's date 'last spring' is no date: ignored")]
