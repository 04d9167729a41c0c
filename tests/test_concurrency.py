"""Concurrent use: the served site while a load writes, and two loads started at once.

A served Datasette (`pingan serve`, a real server process) must answer every request while
`pingan load` replaces documents, and every answer must show each document wholly old or wholly
new. Two loads on one database must not corrupt it: one writes, the other stops (exit 2).
"""

from __future__ import annotations

import itertools
import shutil
import sqlite3
import subprocess
from collections import Counter
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from etl import db
from etl.cli import cli
from etl.load import load_files
from etl.read import named_article_files
from tests.browser import PINGAN, served_site
from tests.conftest import SEEDS
from tests.test_crash_safety import content_rows, table_digests

pytestmark = pytest.mark.slow

SIMULTANEOUS_LOADS = 3
VERSIONS = 3  # copies of each seed: documents enough for a load that takes a while
# What a reader asks while the load runs: pages, JSON, search, views, the dashboard.
PAGES = [
    "/",
    "/pingan",
    "/pingan/documents",
    "/pingan/documents.json?_shape=array&_size=5",
    "/pingan/paragraphs?_search=平安",  # the table's search box leads to /search
    "/compare",
    "/pingan/metric_comparison",
    "/pingan/city_scorecard.json",
    "/pingan/place_map",
    "/-/dashboards/overview",
]
# One snapshot of every document, read in one statement, so one read transaction.
DOCUMENTS_SQL = """
SELECT dp.path, d.sha256, d.paragraph_count, d.indicator_count,
    (SELECT count(*) FROM paragraphs AS p WHERE p.document_id = d.id) AS paragraphs,
    (SELECT count(*) FROM indicators AS i WHERE i.document_id = d.id) AS indicators,
    (SELECT group_concat(text, char(10)) FROM
        (SELECT text FROM paragraphs AS p WHERE p.document_id = d.id ORDER BY position)) AS joined,
    d.text
FROM document_paths AS dp JOIN documents AS d ON d.id = dp.document_id
"""


def write_version(corpus: Path, version: int) -> None:
    """Every seed, VERSIONS times, each file's bytes marked with `version`."""
    corpus.mkdir(exist_ok=True)
    for seed, copy in itertools.product(sorted(SEEDS.glob("*.txt")), range(VERSIONS)):
        text = seed.read_text(encoding="utf-8")
        (corpus / f"{seed.stem} {copy}.txt").write_text(
            f"{text}\n第{copy}份,第{version}版。", encoding="utf-8"
        )


@pytest.fixture
def site_db(tmp_path: Path) -> tuple[Path, Path]:
    """A database named `pingan` holding version 1 of a corpus, and the corpus folder."""
    corpus = tmp_path / "corpus"
    write_version(corpus, 1)
    path = tmp_path / "pingan.sqlite"
    engine = db.make_engine(db.database_url(path))
    db.upgrade(engine)
    assert load_files(engine, list(named_article_files([corpus]))).failed == 0
    engine.dispose()
    return path, corpus


def read_snapshot(client: httpx.Client, site: str) -> list[dict]:
    response = client.get(f"{site}/pingan.json", params={"sql": DOCUMENTS_SQL, "_shape": "array"})
    assert response.status_code == 200, response.text
    return response.json()


def test_the_site_answers_every_request_while_a_load_replaces_documents(
    site_db: tuple[Path, Path], tmp_path: Path
) -> None:
    path, corpus = site_db
    with (
        served_site(path, tmp_path / "serve.log") as site,
        httpx.Client(timeout=60, follow_redirects=True) as client,
    ):
        old = {row["path"]: row["sha256"] for row in read_snapshot(client, site)}
        write_version(corpus, 2)
        load = subprocess.Popen(
            [PINGAN, "load", "--db", str(path), "--jobs", "2", str(corpus)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        statuses: Counter[int] = Counter()
        backup = tmp_path / "backup.sqlite"
        for page in itertools.cycle(PAGES):
            if load.poll() is not None:
                break
            if not backup.exists():  # `pingan backup` while the site serves and a load writes
                copied = CliRunner().invoke(cli, ["backup", "--db", str(path), str(backup)])
                assert copied.exit_code == 0, copied.output
            response = client.get(site + page)
            statuses[response.status_code] += 1
            assert response.status_code == 200, f"{page}: {response.text[:500]}"
            assert "database is locked" not in response.text
            snapshot = read_snapshot(client, site)
            assert {row["path"] for row in snapshot} == set(old)
            for row in snapshot:
                assert row["paragraphs"] == row["paragraph_count"] > 0, row["path"]
                assert row["indicators"] == (row["indicator_count"] or 0), row["path"]
                assert row["joined"] == row["text"], row["path"]
        output = load.communicate()[0]
        assert load.returncode == 0, output
        new = {row["path"]: row["sha256"] for row in read_snapshot(client, site)}
    assert all(new[p] != old[p] for p in old), "every file changed, so every document is new"
    assert sum(statuses.values()) >= len(PAGES), f"too few requests while loading: {statuses}"
    assert "database is locked" not in (tmp_path / "serve.log").read_text()
    check = CliRunner().invoke(cli, ["check", "--db", str(backup)])
    assert check.exit_code == 0, check.output


def test_loads_started_at_once_leave_one_sound_database(tmp_path: Path) -> None:
    """On a migrated database one load writes; the others stop at once with a clear message
    (exit 2), or find the work done."""
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    reference = tmp_path / "reference.sqlite"
    assert CliRunner().invoke(cli, ["load", "--db", str(reference), str(corpus)]).exit_code == 0
    path = tmp_path / "pingan.sqlite"
    assert CliRunner().invoke(cli, ["init", "--db", str(path)]).exit_code == 0

    command = [PINGAN, "load", "--db", str(path), "--jobs", "1", str(corpus)]
    loads = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(SIMULTANEOUS_LOADS)
    ]
    results = [(load.wait(timeout=600), *load.communicate()) for load in loads]

    assert 0 in [code for code, _, _ in results], results
    for code, _, stderr in results:
        assert code in (0, 2), stderr
        assert "Traceback" not in stderr
        if code == 2:
            assert "another pingan load is writing" in stderr
    check = CliRunner().invoke(cli, ["check", "--db", str(path)])
    assert check.exit_code == 0, check.output
    with sqlite3.connect(path) as connection:
        unfinished = connection.execute(
            "SELECT count(*) FROM etl_runs WHERE finished_at IS NULL"
        ).fetchone()[0]
    assert unfinished == 0
    assert table_digests(content_rows(path)) == table_digests(content_rows(reference))


def test_a_load_that_finds_another_writing_leaves_a_new_database_untouched(tmp_path: Path):
    """The deterministic form of two loads started at once on a new file: the second must
    stop before it migrates, or it migrates beside the first."""
    path = tmp_path / "pingan.sqlite"
    engine = db.make_engine(db.database_url(path))
    with db.exclusive_writer(engine):
        result = CliRunner().invoke(cli, ["load", "--db", str(path), str(SEEDS)])
    engine.dispose()
    assert result.exit_code == 2
    assert "another pingan load is writing" in result.output
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT name FROM sqlite_master").fetchall() == []
