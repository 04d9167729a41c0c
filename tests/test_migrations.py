"""The schema comes only from the Alembic revisions, and it is the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from etl import db
from etl.models import Base


def test_upgrade_builds_every_model_table_from_nothing(engine):
    tables = set(inspect(engine).get_table_names())
    assert {t.name for t in Base.metadata.sorted_tables} <= tables
    assert db.current_revision(engine) == db.head_revision()


def test_models_match_migrated_schema(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        diff = [d for d in compare_metadata(context, Base.metadata) if not _is_unmanaged(d)]
    assert diff == []


def _is_unmanaged(difference) -> bool:
    """FTS shadow tables are created by hand in migrations, not by the models."""
    return difference[0] == "remove_table" and "_fts" in difference[1].name


def test_sqlite_pragmas_hold_on_every_connection(engine):
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_downgrade_to_base_removes_every_table(engine):
    db.downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    db.upgrade(engine)
    assert db.current_revision(engine) == db.head_revision()
