"""Migrations carry a populated database forward and back without losing what each schema holds."""

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect, text

from etl import db
from etl.cli import cli
from etl.transfer import copy_rows
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

REVISIONS = [s.revision for s in reversed(list(db.script_directory().walk_revisions()))]


def parent_of(revision: str) -> str:
    down = db.script_directory().get_revision(revision).down_revision
    return down or "base"


def fresh_engine(tmp_path, name="db.sqlite"):
    return db.make_engine(db.database_url(tmp_path / name))


def contents(engine, tables: dict[str, list[str]]) -> dict[str, list[tuple]]:
    with engine.connect() as connection:
        return {
            name: connection.execute(
                # every column in the order: a materialised comparison's first is no key
                text(
                    f'SELECT {", ".join(columns)} FROM "{name}" '
                    f"ORDER BY {', '.join(str(n) for n in range(1, len(columns) + 1))}"
                )
            ).all()
            for name, columns in tables.items()
        }


def schema_of(engine) -> dict[str, list[str]]:
    inspector = inspect(engine)
    return {
        name: [f'"{c["name"]}"' for c in inspector.get_columns(name)]
        for name in inspector.get_table_names()
        if name != "alembic_version" and "_fts" not in name
    }


@pytest.mark.parametrize("revision", REVISIONS)
def test_revision_steps_up_and_down_on_an_empty_database(tmp_path, revision):
    engine = fresh_engine(tmp_path)
    db.upgrade(engine, revision)
    upper = schema_of(engine)
    db.downgrade(engine, parent_of(revision))
    assert db.current_revision(engine) == (
        None if parent_of(revision) == "base" else parent_of(revision)
    )
    db.upgrade(engine, revision)
    assert schema_of(engine) == upper


@pytest.mark.parametrize("revision", REVISIONS)
def test_populated_database_upgrades_to_head_keeping_every_row(tmp_path, seeded_engine, revision):
    engine = fresh_engine(tmp_path)
    db.upgrade(engine, revision)
    copy_rows(seeded_engine, engine)
    old_schema = schema_of(engine)
    before = contents(engine, old_schema)
    assert sum(len(rows) for rows in before.values()) > 100
    db.upgrade(engine)
    assert contents(engine, old_schema) == before


def test_downgrade_to_baseline_and_back_keeps_what_the_baseline_holds(tmp_path, seeded_engine):
    engine = fresh_engine(tmp_path)
    db.upgrade(engine)
    copy_rows(seeded_engine, engine)
    baseline = fresh_engine(tmp_path, "baseline.sqlite")
    db.upgrade(baseline, REVISIONS[0])
    baseline_schema = schema_of(baseline)
    before = contents(engine, baseline_schema)
    db.downgrade(engine, REVISIONS[0])
    assert contents(engine, baseline_schema) == before
    db.upgrade(engine)
    assert contents(engine, baseline_schema) == before


def test_status_says_when_the_database_is_behind(tmp_path):
    engine = fresh_engine(tmp_path)
    db.upgrade(engine, REVISIONS[0])
    result = CliRunner().invoke(cli, ["status", "--db", str(tmp_path / "db.sqlite")])
    if len(REVISIONS) > 1:
        assert "behind the code" in result.output
    db.upgrade(engine)
    result = CliRunner().invoke(cli, ["status", "--db", str(tmp_path / "db.sqlite")])
    assert "up to date" in result.output


def test_load_refuses_a_database_newer_than_the_code(tmp_path):
    engine = fresh_engine(tmp_path)
    db.upgrade(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    result = CliRunner().invoke(cli, ["load", "--db", str(tmp_path / "db.sqlite"), "seeds"])
    assert result.exit_code != 0
    assert "9999_future" in result.output and "upgrade pingan-db" in result.output
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM documents")).scalar() == 0


def test_plain_alembic_from_the_repo_root_migrates_the_database_named_by_pingan_db(tmp_path):
    import os
    import subprocess
    import sys

    target = tmp_path / "plain.sqlite"
    alembic = [sys.executable, "-m", "alembic"]
    env = {**os.environ, "PINGAN_DB": str(target)}
    subprocess.run([*alembic, "upgrade", "head"], cwd=ROOT, env=env, check=True)
    assert db.current_revision(fresh_engine(tmp_path, "plain.sqlite")) == db.head_revision()
    subprocess.run([*alembic, "downgrade", "-1"], cwd=ROOT, env=env, check=True)
    assert db.current_revision(fresh_engine(tmp_path, "plain.sqlite")) == REVISIONS[-2]


def schema_objects(engine) -> dict[str, object]:
    """What a table rebuild could lose: each index's and trigger's SQL, each table's foreign keys
    and columns, and the tables the query planner has statistics of."""
    with engine.connect() as connection:
        objects = connection.execute(
            text("SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger')")
        ).all()
        tables = inspect(connection).get_table_names()
        return {
            "indexes and triggers": {(kind, name, sql) for kind, name, sql in objects},
            "foreign keys": {
                # each key's target table, columns and actions, not its position in the list
                table: sorted(
                    tuple(key[2:])
                    for key in connection.exec_driver_sql(f'PRAGMA foreign_key_list("{table}")')
                )
                for table in tables
            },
            # each column's name, declared type, whether it may be empty, default, key
            "declared": {
                table: [
                    tuple(column[1:])
                    for column in connection.exec_driver_sql(f'PRAGMA table_info("{table}")')
                ]
                for table in [*tables, *inspect(connection).get_view_names()]
            },
            "statistics": set(
                connection.execute(text("SELECT DISTINCT tbl FROM sqlite_stat1")).scalars()
            ),
        }


def test_dates_and_flags_declared_as_such_keep_every_row_index_trigger_and_key(
    tmp_path, seeded_engine
):
    """Revision 0017 declares dates DATE and DATETIME and flags BOOLEAN: a loaded database
    declared as before (TEXT and INTEGER, as its downgrade leaves it) comes through with
    every row, index, full-text trigger, foreign key and statistic."""
    engine = fresh_engine(tmp_path)
    db.upgrade(engine)
    copy_rows(seeded_engine, engine)
    db.downgrade(engine, "0017")  # the revision under test, whatever came after it
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    at_0017 = schema_objects(engine)
    rows = contents(engine, schema_of(engine))
    db.downgrade(engine, "0016")
    before = schema_objects(engine)
    declared_before = {(t, c[0]): c[1] for t, cs in before["declared"].items() for c in cs}
    assert declared_before[("documents", "published_on")] == "TEXT"
    assert declared_before[("indicators", "is_target")] == "INTEGER"
    assert declared_before[("metric_comparison", "period_start")] == "TEXT"
    assert contents(engine, schema_of(engine)) == rows
    db.upgrade(engine, "0017")
    after = schema_objects(engine)
    assert after == at_0017
    declared = {(t, c[0]): c[1] for t, cs in after["declared"].items() for c in cs}
    assert declared[("documents", "published_on")] == "DATE"
    assert declared[("etl_runs", "started_at")] == "DATETIME"
    assert declared[("indicator_facts", "is_target")] == "BOOLEAN"
    assert declared[("metric_comparison", "period_start")] == "DATE"
    assert {k: v for k, v in after.items() if k != "declared"} == {
        k: v for k, v in before.items() if k != "declared"
    }
    assert contents(engine, schema_of(engine)) == rows
    assert db.script_directory().get_revision("0017").down_revision == "0016"
