"""The schema comes only from the Alembic revisions, and it is the schema the models describe;
a landed revision, and every view snapshot it loads, never changes."""

import hashlib
import shutil
from pathlib import Path

import pytest
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


MATERIALISED = [
    "metric_comparison",
    "city_scorecard",
    "metric_family_comparison",
    "comparable_claims",
    "claim_conflicts",
]


@pytest.mark.parametrize("name", MATERIALISED)
def test_materialised_comparisons_are_their_models_column_for_column_and_index_for_index(
    engine, name
):
    """What autogenerate does not compare: the column order a refill's SELECT * relies on, and
    the falling order of an index (SQLite's reflection does not tell it)."""
    from sqlalchemy.schema import CreateIndex

    from etl.views import query_view

    model = Base.metadata.tables[name]
    columns = [c["name"] for c in inspect(engine).get_columns(name)]
    assert [c.name for c in model.columns] == columns
    assert [c["name"] for c in inspect(engine).get_columns(query_view(name))] == columns
    with engine.connect() as connection:
        stored = connection.execute(
            text("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :name"),
            {"name": name},
        ).scalars()
        declared = {str(CreateIndex(i).compile(connection)).strip() for i in model.indexes}
    assert declared == {sql for sql in stored if sql is not None}


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


# What a revision reads from the migrations folder: its Python, and the view snapshots of its own
# and earlier revisions (`replace_views`, `restore_views`, `requery`, `materialise`).
LANDED_FILES = ("versions/*.py", "views/*/*.sql")


def landed_changes(migrations: Path) -> list[str]:
    """Every way a migrations folder breaks `landed.sha256` (README, "Changing the schema"): a
    recorded file changed or gone, or a revision or snapshot that was never recorded."""
    lines = (migrations / "landed.sha256").read_text(encoding="utf-8").splitlines()
    recorded = dict(line.split()[::-1] for line in lines if line.strip())
    present = {
        path.relative_to(migrations).as_posix()
        for pattern in LANDED_FILES
        for path in migrations.glob(pattern)
    }
    problems = [
        f"{name}: record it in landed.sha256 when it lands"
        for name in sorted(present - recorded.keys())
    ]
    for name, digest in sorted(recorded.items()):
        path = migrations / name
        if not path.is_file():
            problems.append(f"{name} has landed and is gone")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            problems.append(f"{name} has landed and must not change: write a new revision")
    return problems


def test_no_landed_revision_or_snapshot_was_edited():
    assert landed_changes(db.MIGRATIONS_DIR) == []


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (  # commit 0c53e19 made this edit, after 0013 had landed
            lambda m: edit(m / "views/0013/metric_comparison.sql", "NULLS LAST", ""),
            "views/0013/metric_comparison.sql has landed and must not change",
        ),
        (
            lambda m: edit(m / "views/0005/place_map.sql", "SELECT", "SELECT DISTINCT"),
            "views/0005/place_map.sql has landed and must not change",
        ),
        (
            lambda m: edit(m / "versions/0014_count_facts_from_an_index.py", '"metric"]', "]"),
            "versions/0014_count_facts_from_an_index.py has landed and must not change",
        ),
        (
            lambda m: (m / "views/0005/place_map.sql").unlink(),
            "views/0005/place_map.sql has landed and is gone",
        ),
        (
            lambda m: shutil.copy(m / "views/0013/metric_comparison.sql", m / "views/0011"),
            "views/0011/metric_comparison.sql: record it",
        ),
    ],
    ids=["snapshot-edited", "first-snapshot-edited", "revision-edited", "gone", "added-to-landed"],
)
def test_the_landed_check_fails_on_a_copy_whose_landed_files_changed(tmp_path, change, expected):
    """Each change, and only it, is reported (a revision still being written is, too)."""
    copy = tmp_path / "migrations"
    shutil.copytree(db.MIGRATIONS_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = landed_changes(copy)
    change(copy)
    problems = [problem for problem in landed_changes(copy) if problem not in before]
    assert len(problems) == 1 and problems[0].startswith(expected), problems
