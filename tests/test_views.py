"""The public views: kept in step with their migrations, typed for BI tools, documented."""

import pytest
from sqlalchemy import inspect, text

from etl.views import VIEWS_DIR, newest_snapshot, view_body

VIEW_FILES = sorted(VIEWS_DIR.glob("*.sql"))
VIEW_NAMES = [p.stem for p in VIEW_FILES]


@pytest.mark.parametrize("path", VIEW_FILES, ids=VIEW_NAMES)
def test_view_file_matches_its_newest_migration_snapshot(path):
    snapshot = newest_snapshot(path.stem)
    assert snapshot is not None, f"no migration creates {path.stem}: add one (see README)"
    assert view_body(path.read_text()) == view_body(snapshot.read_text()), (
        f"{path.name} changed since its migration: add a revision that snapshots it"
    )


@pytest.mark.parametrize("path", VIEW_FILES, ids=VIEW_NAMES)
def test_view_file_opens_with_a_comment_saying_what_a_row_is(path):
    first = path.read_text().splitlines()[0]
    assert first.startswith(f"-- {path.stem}: one row per")


@pytest.mark.parametrize("name", VIEW_NAMES)
def test_every_view_column_has_a_declared_type(engine, name):
    with engine.connect() as connection:
        columns = connection.execute(text(f'PRAGMA table_info("{name}")')).all()
    assert columns, f"view {name} does not exist"
    untyped = [c.name for c in columns if c.type not in ("INTEGER", "REAL", "TEXT")]
    assert untyped == []


def test_migrated_database_has_exactly_the_view_files(engine):
    assert set(inspect(engine).get_view_names()) == set(VIEW_NAMES)
