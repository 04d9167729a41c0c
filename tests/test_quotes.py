"""Quotes as published (issue 20, item 6): `indicators.quote` is the claim as it stood in the
source - its script, punctuation and spacing - at offsets into the paragraph's verbatim line;
`quote_normalised` is what search and comparison read. Seed 000 is in traditional script."""

from __future__ import annotations

import csv
import io

from sqlalchemy import text

from etl.load import load_files
from etl.normalise import normalise_text
from tests.conftest import ROOT, get
from tests.test_views import view_rows

SEED_GOLD = ROOT / "bench" / "gold" / "seed_indicators.csv"
QUOTES_SQL = """
SELECT i.id, i.quote, i.quote_normalised, i.start_offset, i.end_offset, i.original_start_offset,
    i.original_end_offset, i.metric, p.text, p.original_text, d.script
FROM indicators AS i
JOIN paragraphs AS p ON p.id = i.paragraph_id
JOIN documents AS d ON d.id = i.document_id
"""


def test_every_quote_is_the_slice_of_its_verbatim_line_its_offsets_name(seeded_engine):
    claims = view_rows(seeded_engine, QUOTES_SQL)
    assert claims
    for claim in claims:
        start, end = claim["original_start_offset"], claim["original_end_offset"]
        assert claim["quote"] == claim["original_text"][start:end]
        normalised = claim["text"][claim["start_offset"] : claim["end_offset"]]
        assert claim["quote_normalised"] == normalised


def test_the_traditional_seed_is_quoted_in_traditional_script(seeded_engine):
    claims = view_rows(seeded_engine, QUOTES_SQL + " WHERE d.script = 'traditional'")
    assert claims
    for claim in claims:
        assert normalise_text(claim["quote"], "traditional") == claim["quote_normalised"]
    calls = next(c for c in claims if c["metric"] == "police_calls_handled")
    assert (calls["quote"], calls["quote_normalised"]) == ("接處警2168起", "接处警2168起")
    # as it stood, pinyin damage and all: 創(chuàng)建無毒鎮(zhèn)(街道)8個
    assert any("(chuàng)" in c["quote"] and "(" not in c["quote_normalised"][:3] for c in claims)
    assert sum(c["quote"] != c["quote_normalised"] for c in claims) >= len(claims) - 1


FULLWIDTH = """某市平安建设工作综述
２０２１年，全市刑事案件发案３３１５起，同比下降１２．６７％。
"""


def test_fullwidth_punctuation_and_digits_are_quoted_as_published(engine, tmp_path):
    (tmp_path / "fullwidth.txt").write_text(FULLWIDTH, encoding="utf-8")
    load_files(engine, [tmp_path / "fullwidth.txt"])
    quotes = {
        (claim["quote"], claim["quote_normalised"]) for claim in view_rows(engine, QUOTES_SQL)
    }
    assert ("同比下降１２．６７％", "同比下降12.67%") in quotes
    assert any(quote.endswith("３３１５起") for quote, _ in quotes)


def test_the_claim_page_and_the_download_show_the_published_words(seeded_engine, datasette):
    claim = view_rows(
        seeded_engine,
        QUOTES_SQL + " WHERE d.script = 'traditional' AND i.metric = 'police_calls_handled'",
    )[0]
    page = get(datasette, f"/claim/{claim['id']}").text
    assert f'<mark class="claim">{claim["quote"]}</mark>' in page
    start = claim["original_start_offset"]
    assert claim["original_text"][max(start - 10, 0) : start] in page  # the line as published

    download = get(datasette, "/compare/police_calls_handled.csv").text
    rows = list(csv.DictReader(io.StringIO(download.removeprefix("\ufeff"))))
    row = next(r for r in rows if r["indicator_id"] == str(claim["id"]))
    assert row["quote"] == "接處警2168起"
    assert row["quote"] in row["sentence"] and row["sentence"] in claim["original_text"]


def test_the_normalised_quote_is_what_the_evaluation_scores(seeded_db_path, tmp_path):
    """A gold file quotes the normalised words: 11个民族 is found although the seed published
    11個民族 (two runs of two characters in common, too few to count as the same quote)."""
    from click.testing import CliRunner

    from etl.cli import cli

    header, *lines = SEED_GOLD.read_text(encoding="utf-8").splitlines()
    gold = tmp_path / "gold.csv"
    gold.write_text("\n".join([header, *[ln for ln in lines if ",11个民族," in ln]]), "utf-8")
    result = CliRunner().invoke(cli, ["evaluate", "--db", str(seeded_db_path), str(gold)])
    assert result.exit_code == 0, result.output
    assert "recall 1.000" in result.output


def test_migrating_keeps_the_old_quote_as_the_normalised_one_until_a_refresh(tmp_path):
    """A database loaded before revision 0018 keeps its quotes, normalised, until its documents
    are derived again; stepping down gives the older code the normalised words back."""
    from click.testing import CliRunner

    from etl import db
    from etl.cli import cli
    from etl.read import find_article_files
    from tests.conftest import SEEDS

    path = tmp_path / "old.sqlite"
    engine = db.make_engine(db.database_url(path))
    db.upgrade(engine)
    load_files(engine, list(find_article_files([SEEDS])))
    published = view_rows(engine, QUOTES_SQL)
    db.downgrade(engine, "-1")
    with engine.begin() as connection:
        older = dict(connection.execute(text("SELECT id, quote FROM indicators")).all())
        connection.execute(text("UPDATE documents SET pipeline_version = 'before 0018'"))
    assert older == {claim["id"]: claim["quote_normalised"] for claim in published}

    db.upgrade(engine)
    migrated = view_rows(engine, QUOTES_SQL)
    assert {c["id"]: (c["quote"], c["quote_normalised"]) for c in migrated} == {
        id_: (quote, quote) for id_, quote in older.items()
    }
    assert {c["original_start_offset"] for c in migrated} == {None}

    result = CliRunner().invoke(cli, ["refresh", "--db", str(path)])
    assert result.exit_code == 0, result.output
    refreshed = view_rows(engine, QUOTES_SQL)
    assert sorted((c["quote"], c["quote_normalised"]) for c in refreshed) == sorted(
        (c["quote"], c["quote_normalised"]) for c in published
    )
    engine.dispose()
