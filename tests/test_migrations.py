"""The schema comes only from the Alembic revisions, and it is the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import event, inspect, text

from etl import db
from etl.models import Base
from etl.views import made_by_hand


def test_upgrade_builds_every_model_table_from_nothing(engine):
    tables = set(inspect(engine).get_table_names())
    assert {t.name for t in Base.metadata.sorted_tables} <= tables
    assert db.current_revision(engine) == db.head_revision()


def test_models_match_migrated_schema(engine):
    """No pending autogenerate diff, for what the models make (see etl.views.made_by_hand)."""
    with engine.connect() as connection:
        views = set(inspect(connection).get_view_names())

        def include(obj, name, type_, reflected, compare_to) -> bool:
            if type_ != "table" or not reflected or compare_to is not None:
                return True
            return not made_by_hand(name, views)

        context = MigrationContext.configure(connection, opts={"include_object": include})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_sqlite_pragmas_hold_on_every_connection(engine):
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_downgrade_to_base_removes_every_table(engine):
    db.downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    db.upgrade(engine)
    assert db.current_revision(engine) == db.head_revision()


def test_a_database_at_head_is_not_migrated_again(engine):
    """`pingan load` makes sure of the schema each time; at head that costs nothing (the check of
    every foreign key that follows a migration took 5 s at 100,000 documents)."""
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    db.ensure_current(engine)
    assert not any("foreign_key_check" in sql for sql in statements)
    db.downgrade(engine, "-1")
    db.ensure_current(engine)
    assert any("foreign_key_check" in sql for sql in statements)
    assert db.current_revision(engine) == db.head_revision()
