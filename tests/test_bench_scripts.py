"""The benchmark scripts, run as a user runs them: `bench/make_corpus.py` writes a deterministic
corpus of unique documents about varied cities, and `bench/run.py` runs end to end on a tiny one.

Nothing here looks at a timing: the benchmark measures speed, the tests only that it works.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from etl import db
from etl.ingest import ingest
from etl.places import locate_article

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
MAKE_CORPUS = ROOT / "bench" / "make_corpus.py"
RUN = ROOT / "bench" / "run.py"
SEEDS = ROOT / "seeds"


def make_corpus(count: int, out: Path, seed: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(MAKE_CORPUS), str(count), str(out), "--seed", str(seed)],
        capture_output=True,
        text=True,
        check=False,
    )


def corpus_files(out: Path) -> dict[str, bytes]:
    """Each document's bytes by its path inside the corpus."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*.txt"))}


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    """Four corpora: 30 documents with seed 7 twice, 10 with seed 7 and 10 with seed 8."""
    made = {}
    for name, count, seed in [("a", 30, 7), ("b", 30, 7), ("short", 10, 7), ("other", 10, 8)]:
        out = tmp_path_factory.mktemp("corpus") / name
        result = make_corpus(count, out, seed)
        assert result.returncode == 0, result.stderr
        assert f"wrote {count} documents" in result.stdout
        made[name] = corpus_files(out)
    return made


def test_corpus_has_n_unique_documents(corpora: dict[str, dict[str, bytes]]) -> None:
    documents = corpora["a"]
    assert len(documents) == 30
    assert len({hashlib.sha256(data).digest() for data in documents.values()}) == 30
    assert list(documents)[:2] == ["000/000000.txt", "000/000001.txt"]


def test_same_seed_gives_the_same_bytes(corpora: dict[str, dict[str, bytes]]) -> None:
    assert corpora["a"] == corpora["b"]


def test_a_smaller_corpus_is_the_start_of_a_larger_one(
    corpora: dict[str, dict[str, bytes]],
) -> None:
    assert corpora["short"] == dict(list(corpora["a"].items())[:10])


def test_another_seed_gives_other_documents(corpora: dict[str, dict[str, bytes]]) -> None:
    assert not set(corpora["other"].values()) & set(corpora["a"].values())


def test_documents_are_seed_paragraphs_about_varied_cities(
    corpora: dict[str, dict[str, bytes]],
) -> None:
    """The pipeline locates the documents in many cities, not just the seeds' own, and each
    document keeps some seed paragraphs word for word (those without a number or place name)."""
    seed_cities = set()
    seed_lines = set()
    for path in SEEDS.glob("*.txt"):
        seed = ingest(path.read_bytes(), str(path))
        seed_cities.add(locate_article(seed.article).city)
        seed_lines |= {line for line in seed.decoded.text.splitlines() if len(line.strip()) > 10}
    cities = []
    for path, data in corpora["a"].items():
        document = ingest(data, path)
        place = locate_article(document.article)
        assert place is not None, path
        cities.append(place.city)
        assert set(document.decoded.text.splitlines()) & seed_lines, path
    assert len(set(cities)) >= 20
    assert cities.count(None) == 0
    assert not set(cities) <= seed_cities


def test_corpus_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    result = make_corpus(3, tmp_path, 0)
    assert result.returncode != 0
    assert "is not empty" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_run_writes_every_figure_for_a_tiny_corpus(tmp_path: Path) -> None:
    """The quick path end to end on 6 documents: loads, re-run, jobs 2, memory, served
    Datasette and the profile all land in the results file."""
    results = tmp_path / "RESULTS.md"
    command = [sys.executable, str(RUN), "--quick", "--docs", "6", "--requests", "3"]
    run = subprocess.run(
        [*command, "--out", str(results)], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr[-3000:]
    text = results.read_text(encoding="utf-8")
    for heading in ["## Figures", "## Loads", "## Datasette latency", "## Where the time goes"]:
        assert heading in text
    for measure in [
        "floor: jieba 0.42.1 alone",
        "`pingan load --jobs 1` throughput / the floor's",
        "`--jobs 2` speed-up over one process",
        "unchanged re-run, share of the first load's time",
        "peak memory, 6 documents",
        "peak memory, 1 documents",
        "database size per MB of input text",
        "Datasette p50, slowest of the pages below",
    ]:
        assert f"| {measure}" in text
    assert "6 files seen, 6 loaded," in text
    assert "6 files seen, 0 loaded," in text and "6 skipped (already loaded)" in text
    assert "0 failed" in text and not re.search(r"[1-9]\d* failed", text)
    for page in ["/pingan/metric_comparison", "/pingan/city_scorecard", "/search?"]:
        assert f"`{page}" in text
    assert "etl/pipeline.py" in text and "build_document" in text
    assert re.search(r"Before the floor: [1-9]\d* ms; before the floor again", text)
    assert re.search(r"after\nthe load: [1-9]\d* ms\.", text)
    assert re.search(r"^\| first load \|.* \| [1-9]\d* \| run ", text, re.M)


def test_latency_of_a_loaded_database_upgrades_it_first(tmp_path: Path, seeded_db_path) -> None:
    """`--latency-of`: a database one revision behind is brought up to date, then served."""
    database = tmp_path / "pingan.sqlite"
    shutil.copyfile(seeded_db_path, database)
    engine = db.make_engine(db.database_url(database))
    previous = db.script_directory().get_revision(db.head_revision()).down_revision
    db.downgrade(engine, previous)
    results = tmp_path / "LATENCY.md"
    command = [sys.executable, str(RUN), "--latency-of", str(database), "--requests", "3"]
    run = subprocess.run(
        [*command, "--out", str(results)], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert db.current_revision(engine) == db.head_revision()
    engine.dispose()
    text = results.read_text(encoding="utf-8")
    assert "Database: 5 documents" in text
    for page in ["/pingan/metric_comparison", "/pingan/city_scorecard", "/search?"]:
        row = re.search(rf"^\| \w+ \| `{re.escape(page)}[^`]*` \| [\d,]+ \| 3 \| .*$", text, re.M)
        assert row, page
        assert int(row[0].split("|")[-2]) > 0  # the machine's reference speed beside it
    assert "Reference ms:" in text


def test_the_load_is_compared_with_the_floor_measured_before_and_after_it(monkeypatch) -> None:
    """jieba took 10 s before the load and 30 s after it; the load took 10 s: 2x the mean."""
    monkeypatch.syspath_prepend(str(RUN.parent))
    import run

    load = run.CommandRun(10.0, 10.0, 300 * 2**20, 0, "run 1: ...", 40.0)
    corpus = run.CorpusStats(documents=100, characters=1_000_000, bytes=3_000_000)
    results = run.Results(
        **{field.name: None for field in dataclasses.fields(run.Results)}
        | {"corpus": corpus, "small_corpus": corpus, "first": load, "rerun": load}
        | {"parallel": load, "small": load, "database_bytes": 1}
        | {"latencies": [run.Latency("search", "/", 200, 1, 50.0, 60.0, 70.0, 40.0)]}
        | {"jieba_seconds": 10.0, "jieba_seconds_after": 30.0, "rjieba_seconds": 1.0}
    )
    table = run.figures_table(results)
    assert "| 50,000 chars/s (before the load 100,000 chars/s, after it 33,333 chars/s) |" in table
    assert "| `pingan load --jobs 1` throughput / the floor's | 2.00x |" in table
    assert re.search(r"\| `pingan load --jobs 2` throughput / the floor's[^|]* \| 2\.00x \|", table)
