"""The same migrations, ETL and views on a real PostgreSQL server give the same rows as SQLite."""

import pytest
from click.testing import CliRunner
from sqlalchemy import func, inspect, select, text

from etl import db
from etl.cli import cli
from etl.load import load_files
from etl.models import Base, Document, Paragraph
from etl.read import find_article_files
from etl.views import VIEWS_DIR
from tests.conftest import SEEDS
from tests.test_search_seeds import MALFORMED, SEARCHES

pytestmark = pytest.mark.postgres

VIEWS = sorted(p.stem for p in VIEWS_DIR.glob("*.sql"))


@pytest.fixture(scope="module")
def pg_loaded(postgres_url):
    """The seeds loaded by the ETL straight into PostgreSQL."""
    engine = db.make_engine(postgres_url)
    db.ensure_current(engine)
    summary = load_files(engine, list(find_article_files([SEEDS])))
    assert (summary.loaded, summary.failed) == (5, 0)
    yield engine
    db.downgrade(engine, "base")
    engine.dispose()


def rows(engine, sql):
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(text(sql)).all()]


def comparable(values: list[tuple]) -> list[tuple]:
    """Dates come back as date objects from PostgreSQL and ISO text from SQLite; floats may differ
    in their last bits. Compare what a user would see."""

    def cell(v):
        if isinstance(v, float):
            return round(v, 6)
        if hasattr(v, "isoformat"):
            return v.isoformat()
        if isinstance(v, bool):
            return int(v)
        return v

    return sorted((tuple(cell(v) for v in row) for row in values), key=repr)


def test_schema_is_complete_on_postgresql(pg_loaded):
    tables = set(inspect(pg_loaded).get_table_names())
    assert {t.name for t in Base.metadata.sorted_tables} <= tables
    objects = set(inspect(pg_loaded).get_view_names()) | tables
    assert set(VIEWS) <= objects


@pytest.mark.parametrize("model", [Document, Paragraph], ids=["documents", "paragraphs"])
def test_seeds_load_the_same_rows_on_both(pg_loaded, seeded_engine, model):
    columns = [c for c in model.__table__.columns if c.name not in ("id", "loaded_at", "run_id")]
    columns = [c for c in columns if not c.foreign_keys]
    query = select(*columns)
    with pg_loaded.connect() as pg, seeded_engine.connect() as lite:
        assert comparable(pg.execute(query).all()) == comparable(lite.execute(query).all())


@pytest.mark.parametrize("view", VIEWS)
def test_every_view_gives_the_same_rows_on_both(pg_loaded, seeded_engine, view):
    ids = ("_id", "indicator_id")
    with seeded_engine.connect() as lite:
        names = [c["name"] for c in inspect(lite).get_columns(view)]
    kept = ", ".join(f'"{n}"' for n in names if not n.endswith(ids) and n != "document_id")
    sql = f'SELECT {kept} FROM "{view}"'
    assert comparable(rows(pg_loaded, sql)) == comparable(rows(seeded_engine, sql))


def test_copy_moves_a_whole_sqlite_database_to_postgresql(seeded_db_path, postgres_url):
    target = postgres_url.rsplit("/", 1)[0] + "/pingan_copy"
    admin = db.make_engine(postgres_url.rsplit("/", 1)[0] + "/postgres")
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("CREATE DATABASE pingan_copy"))
    admin.dispose()
    result = CliRunner().invoke(cli, ["copy", "--from", str(seeded_db_path), "--to", target])
    assert result.exit_code == 0, result.output
    engine = db.make_engine(target)
    source = db.make_engine(db.database_url(seeded_db_path))
    for table in Base.metadata.sorted_tables:
        query = select(func.count()).select_from(table)
        with engine.connect() as pg, source.connect() as lite:
            assert pg.execute(query).scalar() == lite.execute(query).scalar(), table.name
    again = CliRunner().invoke(cli, ["copy", "--from", str(seeded_db_path), "--to", target])
    assert again.exit_code != 0 and "already holds documents" in again.output
    engine.dispose()
    source.dispose()


@pytest.mark.parametrize("query", [s[0] for s in SEARCHES] + MALFORMED)
def test_search_finds_the_same_paragraphs_on_both(pg_loaded, seeded_engine, query):
    from etl.search import search_paragraphs

    def found(engine):
        with engine.connect() as connection:
            hits = search_paragraphs(connection, query, limit=500)
        return sorted((hit.title, hit.text) for hit in hits)

    assert found(pg_loaded) == found(seeded_engine)


def new_database(postgres_url: str, name: str):
    """A database of its own on the session's server, migrated to head."""
    admin = db.make_engine(postgres_url.rsplit("/", 1)[0] + "/postgres")
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    engine = db.make_engine(postgres_url.rsplit("/", 1)[0] + f"/{name}")
    db.ensure_current(engine)
    return engine


def test_metric_comparison_keeps_the_latest_dated_figure_on_postgresql(postgres_url, tmp_path):
    # PostgreSQL sorts NULL first in DESC order, SQLite last: an undated reprint loaded last must
    # not win over the dated figures there either.
    from tests.test_views import latest_figures, write_shantou_reprints

    engine = new_database(postgres_url, "pingan_reprints")
    write_shantou_reprints(tmp_path, ["2013-11-05", None])
    load_files(engine, [*find_article_files([SEEDS]), *find_article_files([tmp_path])])
    with engine.connect() as connection:
        facts = [
            dict(r) for r in connection.execute(text("SELECT * FROM indicator_facts")).mappings()
        ]
        chosen = connection.execute(text("SELECT indicator_id FROM metric_comparison")).all()
    engine.dispose()
    undated = {f["indicator_id"] for f in facts if f["published_on"] is None}
    assert undated and len(chosen) == len(set(chosen))
    assert {indicator_id for (indicator_id,) in chosen} == latest_figures(facts)


def test_an_upgraded_database_is_filled_by_a_refresh_on_postgresql(postgres_url, seeded_engine):
    # Revision 0015 makes the materialised comparisons again, keeping their rows, on
    # PostgreSQL too; a refresh then fills the new columns as on SQLite.
    from tests.test_like_with_like import compared_rows, upgraded_and_refreshed

    engine = new_database(postgres_url, "pingan_upgraded")
    refreshed = upgraded_and_refreshed(engine)
    engine.dispose()
    expected = compared_rows(seeded_engine)
    assert {t: comparable(rows) for t, rows in refreshed.items()} == {
        t: comparable(rows) for t, rows in expected.items()
    }
