"""What a portal prints under an article (tests/cases/chrome.yaml) leaves the paragraphs, and so
no claim is read from it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlalchemy import text

from etl.indicators import extract_indicators
from etl.load import load_files
from etl.normalise import normalise_text
from etl.paragraphs import describe_article
from etl.read import find_article_files

CASES_FILE = Path(__file__).resolve().parent / "cases" / "chrome.yaml"
CASES = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))["cases"]


def test_the_table_has_cases_that_keep_everything():
    assert len(CASES) >= 10
    assert sum(not case["goes"] for case in CASES) >= 3


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_chrome_goes_and_the_article_stays(case):
    article = describe_article(case["text"])
    assert [p.original_text for p in article.paragraphs] == case["stays"]
    assert article.boilerplate == case["goes"]


def test_no_claim_is_loaded_from_chrome(engine, tmp_path):
    for number, case in enumerate(CASES):
        (tmp_path / f"case_{number:02d}.txt").write_text(case["text"], encoding="utf-8")
    chrome = {line for case in CASES for line in case["goes"]}
    # the chrome holds claims the extractor reads when they stand in an article
    assert sum(bool(extract_indicators(normalise_text(line))) for line in chrome) >= 5

    summary = load_files(engine, list(find_article_files([tmp_path])))

    assert summary.loaded == len(CASES), summary.line()
    with engine.connect() as connection:
        paragraphs = connection.execute(text("SELECT original_text FROM paragraphs")).scalars()
        claimed_in = connection.execute(
            text(
                "SELECT DISTINCT p.original_text FROM indicators AS i"
                " JOIN paragraphs AS p ON p.id = i.paragraph_id"
            )
        ).scalars()
        assert not chrome & set(paragraphs)
        assert set(claimed_in) <= {line for case in CASES for line in case["stays"]}
