"""Shared fixtures: real SQLite files migrated by the real Alembic revisions."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from sqlalchemy import Engine

from etl import db
from etl.load import load_files
from etl.read import find_article_files

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.sqlite"


@pytest.fixture
def engine(db_path: Path) -> Engine:
    engine = db.make_engine(db.database_url(db_path))
    db.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def seeded_db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The five seeds loaded once into a migrated database; tests must only read it."""
    path = tmp_path_factory.mktemp("seeded") / "pingan.sqlite"
    engine = db.make_engine(db.database_url(path))
    db.upgrade(engine)
    summary = load_files(engine, list(find_article_files([SEEDS])))
    assert summary.loaded == 5, summary.line()
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def seeded_engine(seeded_db_path: Path) -> Engine:
    engine = db.make_engine(db.database_url(seeded_db_path))
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def datasette(seeded_db_path: Path):
    from etl.site import make_datasette

    return make_datasette(seeded_db_path)


def get(datasette, path: str):
    """A request through Datasette's own test client (real routing, real SQL, no server)."""
    return asyncio.run(datasette.client.get(path))


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """A real PostgreSQL server for the session; CI installs one, so there it is never skipped."""
    import shutil
    import tempfile

    from tests.postgres import postgres_bin, temporary_server

    if postgres_bin() is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install PostgreSQL (.ci/run): apt-get install postgresql")
        pytest.skip("no PostgreSQL server installed here")
    # Not under pytest's basetemp: the server runs as `postgres`, which cannot enter root's dirs.
    workdir = Path(tempfile.mkdtemp(prefix="pingan-pg-"))
    try:
        with temporary_server(workdir) as url:
            yield url
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
