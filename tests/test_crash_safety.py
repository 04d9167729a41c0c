"""Crash safety: `pingan load` killed with SIGKILL at random moments leaves a sound database.

Only the parent process is killed, as the kernel's OOM killer or `kill -9 PID` does: its build
workers must follow it within seconds and hold nothing. After each kill: `pingan check` passes,
every document present is wholly there (the same rows as a clean load gives it), and the next
load takes over the dead load's lock, says so, and completes with the same content as one clean
load. Content is compared without ids, run numbers and times, which differ by design.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import time
from collections import defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner

from etl import db
from etl.cli import cli
from etl.models import Base
from tests.browser import PINGAN
from tests.conftest import SEEDS

pytestmark = pytest.mark.slow

TRIALS = 10
ATTEMPTS = 5  # moments drawn for one trial's kill, should the load end before one comes
SEED = 20240611
# Columns that say when or in which run a row was written, or are row ids: they differ between
# two loads of the same files by design. References to documents and paragraphs are followed.
VOLATILE_COLUMNS = frozenset({"id", "run_id", "loaded_at"})
RUN_RECORDS = frozenset({"etl_runs"})
Row = tuple[tuple[str, object], ...]


def build_corpus(corpus: Path) -> int:
    """The seeds, three of them changed by a line (new bytes, new documents) and one exact
    duplicate under another name (a second path for a document). Returns the documents."""
    shutil.copytree(SEEDS, corpus)
    seeds = sorted(SEEDS.glob("*.txt"))
    for number, seed in enumerate(seeds[:3], start=1):
        text = seed.read_text(encoding="utf-8")
        (corpus / f"copy {number}.txt").write_text(f"{text}\n第{number}次转载。", encoding="utf-8")
    (corpus / "duplicate.txt").write_bytes(seeds[-1].read_bytes())
    return len(seeds) + 3


def content_rows(db_path: Path) -> dict[str, list[dict]]:
    """Each table's rows as content: no ids, runs or times; a document is referred to by its
    sha256, a paragraph by (document sha256, position) and a claim by (paragraph, position),
    in the materialised comparisons too (`document_id_a`, `indicator_id_b`...)."""
    connection = sqlite3.connect(db_path)
    documents = dict(connection.execute("SELECT id, sha256 FROM documents").fetchall())
    paragraphs = {
        paragraph_id: (documents[document_id], position)
        for paragraph_id, document_id, position in connection.execute(
            "SELECT id, document_id, position FROM paragraphs"
        )
    }
    claims = {
        indicator_id: (paragraphs[paragraph_id], position)
        for indicator_id, paragraph_id, position in connection.execute(
            "SELECT id, paragraph_id, position FROM indicators"
        )
    }
    references = {"document_id": documents, "paragraph_id": paragraphs, "indicator_id": claims}
    tables = {}
    for table in Base.metadata.sorted_tables:
        if table.name in RUN_RECORDS:
            continue
        rows = []
        cursor = connection.execute(f'SELECT * FROM "{table.name}"')
        columns = [column[0] for column in cursor.description]
        for values in cursor:
            content = {
                k: v for k, v in zip(columns, values, strict=True) if k not in VOLATILE_COLUMNS
            }
            for column, value in content.items():
                referred = references.get(column.removesuffix("_a").removesuffix("_b"))
                if referred is not None and value is not None:
                    content[column] = referred[value]
            rows.append(content)
        tables[table.name] = sorted(rows, key=repr)
    connection.close()
    return tables


def table_digests(tables: dict[str, list[dict]]) -> dict[str, str]:
    return {name: hashlib.sha256(repr(rows).encode()).hexdigest() for name, rows in tables.items()}


def rows_by_document(tables: dict[str, list[dict]]) -> dict[str, dict[str, list[dict]]]:
    """Every row that a document's transaction writes, grouped by the document's sha256 (the
    materialised comparisons are refilled when the run ends, or by the load after it)."""
    from etl.views import VIEWS_DIR

    materialised = {view.stem for view in VIEWS_DIR.glob("*.sql")} & set(Base.metadata.tables)
    owned: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for name, rows in tables.items():
        if name in materialised:
            continue
        for row in rows:
            owner = row["sha256"] if name == "documents" else row.get("document_id")
            if owner is not None:
                owned[owner][name].append(row)
    return owned


# How long the killed load's workers may outlive it.
WORKERS_GRACE_SECONDS = 10


def start_load(db_path: Path, corpus: Path) -> subprocess.Popen:
    """`pingan load` in its own process group, so that its workers can be found (and any left
    over cleared away after the test)."""
    return subprocess.Popen(
        [PINGAN, "load", "--db", str(db_path), "--jobs", "2", str(corpus)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def documents_in(db_path: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=1) as connection:
            return connection.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def kill_parent(load: subprocess.Popen) -> None:
    """SIGKILL to the parent alone; its workers are left to notice by themselves."""
    os.kill(load.pid, signal.SIGKILL)
    load.wait()


def live_processes_in_group(group: int) -> list[int]:
    """The processes of a process group that still run (zombies have stopped)."""
    live = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        state, process_group = fields[0], int(fields[2])
        if process_group == group and state not in "ZX":
            live.append(int(stat.parent.name))
    return live


def wait_for_workers_to_exit(group: int) -> list[int]:
    """The processes of the group still running after the grace period ([] if none)."""
    deadline = time.monotonic() + WORKERS_GRACE_SECONDS
    while (live := live_processes_in_group(group)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return live


def lock_holder_recorded(db_path: Path) -> str:
    lock = db_path.with_name(db_path.name + ".load-lock")
    return lock.read_text().strip() if lock.exists() else ""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    corpus = tmp_path_factory.mktemp("crash") / "corpus"
    return corpus, build_corpus(corpus)


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, empty database: each trial loads into a copy, as into an existing one."""
    path = tmp_path_factory.mktemp("template") / "empty.sqlite"
    engine = db.make_engine(db.database_url(path))
    db.upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="module")
def clean(corpus: tuple[Path, int], empty_db: Path, tmp_path_factory: pytest.TempPathFactory):
    """One clean, unkilled load: its content and how long it took."""
    path = tmp_path_factory.mktemp("clean") / "clean.sqlite"
    shutil.copy(empty_db, path)
    started = time.monotonic()
    load = start_load(path, corpus[0])
    assert load.wait(timeout=600) == 0
    return content_rows(path), time.monotonic() - started


def load_killed_at_a_random_moment(
    path: Path,
    empty_db: Path,
    corpus: tuple[Path, int],
    trial: int,
    rng: random.Random,
    seconds: float,
) -> subprocess.Popen:
    """A load into a copy of the empty database, its parent killed while it runs. A load that
    ends before its moment comes is drawn again on a fresh copy (a kill must happen)."""
    folder, documents = corpus
    for _attempt in range(ATTEMPTS):
        shutil.copy(empty_db, path)
        load = start_load(path, folder)
        if trial % 2:  # at a random moment from the start, startup and migrations included
            time.sleep(rng.uniform(0, seconds))
        else:  # in the middle of writing: once some documents are in
            written = rng.randint(1, documents - 1)
            while documents_in(path) < written and load.poll() is None:
                time.sleep(0.005)
            time.sleep(rng.uniform(0, 0.05))
        if load.poll() is None:
            kill_parent(load)
            return load
    raise AssertionError(
        f"trial {trial}: the load ended (exit {load.returncode}) before every moment drawn"
    )


def test_a_killed_load_leaves_a_sound_database_and_the_next_load_completes_it(
    corpus: tuple[Path, int], empty_db: Path, clean, tmp_path: Path
) -> None:
    folder, documents = corpus
    clean_rows, clean_seconds = clean
    assert len(clean_rows["documents"]) == documents
    clean_documents = rows_by_document(clean_rows)
    rng = random.Random(SEED)
    for trial in range(TRIALS):
        path = tmp_path / f"trial{trial}.sqlite"
        load = load_killed_at_a_random_moment(path, empty_db, corpus, trial, rng, clean_seconds)
        try:
            orphans = wait_for_workers_to_exit(load.pid)
        finally:
            if live_processes_in_group(load.pid):
                os.killpg(load.pid, signal.SIGKILL)
        assert orphans == [], f"trial {trial}: workers outlived their load"

        check = CliRunner().invoke(cli, ["check", "--db", str(path)])
        assert check.exit_code == 0, f"trial {trial}: {check.output}"
        for sha256, rows in rows_by_document(content_rows(path)).items():
            assert rows == clean_documents[sha256], f"trial {trial}: {sha256} is half there"

        died_holding_the_lock = lock_holder_recorded(path) == str(load.pid)
        reload = CliRunner().invoke(cli, ["load", "--db", str(path), "--jobs", "1", str(folder)])
        assert reload.exit_code == 0, f"trial {trial}: {reload.output}"
        took_over = f"an earlier load (process {load.pid}) stopped before it finished"
        assert (took_over in reload.output) == died_holding_the_lock, f"trial {trial}"
        assert lock_holder_recorded(path) == "", f"trial {trial}: the lock still names a holder"
        assert table_digests(content_rows(path)) == table_digests(clean_rows), f"trial {trial}"
        assert stale_comparisons(path) == [], f"trial {trial}"


def stale_comparisons(db_path: Path) -> list[str]:
    """The materialised comparisons whose rows are not what their query gives now."""
    connection = sqlite3.connect(db_path)
    names = [
        name[1 : -len("_query")]
        for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'view'")
        if name.startswith("_") and name.endswith("_query")
    ]
    stale = [
        name
        for name in names
        if sorted(connection.execute(f'SELECT * FROM "{name}"'), key=repr)
        != sorted(connection.execute(f'SELECT * FROM "_{name}_query"'), key=repr)
    ]
    connection.close()
    assert {"metric_comparison", "claim_conflicts"} <= set(names)  # found, not vacuous
    return stale


def test_check_on_a_database_without_schema_says_so(tmp_path: Path) -> None:
    """What a load killed before its first migration committed leaves behind."""
    path = tmp_path / "unmigrated.sqlite"
    sqlite3.connect(path).close()
    check = CliRunner().invoke(cli, ["check", "--db", str(path)])
    assert check.exit_code == 1
    assert check.exception is None or isinstance(check.exception, SystemExit)
    assert "pingan init" in check.output
