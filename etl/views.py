"""SQL views as replaceable objects that migrations create, replace and restore.

`sql/views/NAME.sql` is the current definition of a view. A migration that creates or changes views
snapshots them into `migrations/views/REVISION/NAME.sql`, so a landed migration keeps the SQL it was
written with, and its downgrade can restore the snapshot before it (or drop the view if none).
`tests/test_views.py` fails when a view file differs from its newest snapshot.

A comparison too heavy to compute on every page view is materialised: its SQL becomes the
internal view `_NAME_query`, and `NAME` is a table with the same typed columns, refilled from it
after each load (`refresh_materialised`).

SQLite refuses to rebuild a table that a view refers to, and a rebuild silently drops the table's
triggers (those that keep the full-text index in step), so batch migrations run inside
`views_set_aside(op)`, which drops every view and trigger first and recreates them after.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Column, Connection, Index, MetaData, Table, bindparam, inspect, text

from etl.db import MIGRATIONS_DIR, SQL_DIR

VIEWS_DIR = SQL_DIR / "views"
SNAPSHOTS_DIR = MIGRATIONS_DIR / "views"


def view_body(sql: str) -> str:
    """The SELECT of a view file: its header comment stays in the file, not in the database."""
    lines = [line for line in sql.splitlines() if not line.lstrip().startswith("--")]
    return "\n".join(lines).strip().rstrip(";")


def snapshot_path(revision: str, name: str) -> Path:
    return SNAPSHOTS_DIR / revision / f"{name}.sql"


def newest_snapshot(name: str, before: str | None = None) -> Path | None:
    """The latest snapshot of a view, optionally from a revision older than `before`.

    Revision ids are zero-padded numbers ("0005"), so their order is the order of the migrations.
    """
    candidates = sorted(
        p for p in SNAPSHOTS_DIR.glob(f"*/{name}.sql") if before is None or p.parent.name < before
    )
    return candidates[-1] if candidates else None


def in_dialect(sql: str, dialect: str) -> str:
    """Views are written in standard SQL; SQLite before 3.39 knows `IS NOT DISTINCT FROM` (equal,
    or both NULL) only by its own name, `IS`, which its indexes serve just the same."""
    return sql.replace(" IS NOT DISTINCT FROM ", " IS ") if dialect == "sqlite" else sql


def create_view(connection: Connection, name: str, sql: str) -> None:
    body = in_dialect(view_body(sql), connection.dialect.name)
    connection.execute(text(f'DROP VIEW IF EXISTS "{name}"'))
    connection.execute(text(f'CREATE VIEW "{name}" AS\n{body}'))


def replace_views(op, revision: str, names: list[str]) -> None:
    """Upgrade step: (re)create each named view from this revision's snapshot."""
    for name in names:
        create_view(op.get_bind(), name, snapshot_path(revision, name).read_text(encoding="utf-8"))


def restore_views(op, revision: str, names: list[str]) -> None:
    """Downgrade step: put back each view as it was before this revision, or drop it.

    `names` in the order they were created: dependents are dropped first, created last."""
    connection = op.get_bind()
    for name in reversed(names):
        connection.execute(text(f'DROP VIEW IF EXISTS "{name}"'))
    for name in names:
        previous = newest_snapshot(name, before=revision)
        if previous is not None:
            create_view(connection, name, previous.read_text(encoding="utf-8"))


def query_view(name: str) -> str:
    return f"_{name}_query"


def made_by_hand(table: str, views: set[str]) -> bool:
    """FTS shadow tables and views are made by migrations by hand (see etl/dialects.py and this
    module), not from the models: autogenerate leaves them alone. The materialised comparisons
    are models too (their tables are made from their queries, `materialise`)."""
    return "_fts" in table or table in views


def materialise(
    op,
    revision: str,
    names: list[str],
    keys: dict[str, list[str]],
    indexes: dict[str, list[str]],
) -> None:
    """Upgrade step: turn views into tables refilled after each load (names in dependency
    order), keyed (so rows have stable ids and pages of their own), with an index on each
    column that pages filter or facet by."""
    connection = op.get_bind()
    for name in reversed(names):
        connection.execute(text(f'DROP VIEW IF EXISTS "{name}"'))
    for name in names:
        snapshot = newest_snapshot(name, before=f"{revision}~")  # this revision's or the last
        table = query_table(connection, name, snapshot, keys[name])
        for column in indexes.get(name, []):
            Index(f"ix_{name}_{column}", table.c[column])
        table.create(connection)
        refill(connection, name)


def query_table(connection: Connection, name: str, snapshot: Path, key: list[str]) -> Table:
    """Make `_NAME_query` from a snapshot; the table NAME (not yet created) with its columns."""
    create_view(connection, query_view(name), snapshot.read_text(encoding="utf-8"))
    columns = inspect(connection).get_columns(query_view(name))
    return Table(
        name,
        MetaData(),
        *(Column(c["name"], c["type"], primary_key=c["name"] in key) for c in columns),
    )


def rebuild_materialised(
    op,
    revision: str,
    names: list[str],
    keys: dict[str, list[str]],
    indexes: dict[str, dict[str, list[str]]],
    views_read: list[str],
    downgrading: bool = False,
) -> None:
    """Step for materialised comparisons whose columns change: each table (names in dependency
    order) is made again from this revision's query (when downgrading, the one before it).

    Its rows are kept in the columns both tables have, as `requery` keeps them: new columns
    stay empty until the next load refills the rows. Its indexes are kept too, those named in
    `indexes` made on the columns given there (`name DESC` for one in falling order), and those
    on a column the table lost dropped.
    `views_read` are plain views the queries read, replaced (or restored) once no query reads
    them (PostgreSQL refuses to drop a view that another one reads).
    """
    connection = op.get_bind()
    for name in reversed(names):
        connection.execute(text(f'DROP VIEW IF EXISTS "{query_view(name)}"'))
    (restore_views if downgrading else replace_views)(op, revision, views_read)
    for name in names:
        inspector = inspect(connection)
        kept_columns = [c["name"] for c in inspector.get_columns(name)]
        kept_indexes = {i["name"]: sorted_columns(i) for i in inspector.get_indexes(name)}
        kept = f"_{name}_kept"
        connection.execute(text(f'CREATE TABLE "{kept}" AS SELECT * FROM "{name}"'))
        connection.execute(text(f'DROP TABLE "{name}"'))
        snapshot = newest_snapshot(name, before=revision if downgrading else f"{revision}~")
        table = query_table(connection, name, snapshot, keys[name])
        for index, columns in {**kept_indexes, **indexes.get(name, {})}.items():
            if {column.removesuffix(DESCENDING) for column in columns} <= set(table.c.keys()):
                Index(index, *(index_column(table, column) for column in columns))
        table.create(connection)
        both = ", ".join(f'"{column}"' for column in kept_columns if column in table.c)
        connection.execute(text(f'INSERT INTO "{name}" ({both}) SELECT {both} FROM "{kept}"'))
        connection.execute(text(f'DROP TABLE "{kept}"'))


DESCENDING = " DESC"  # after a column's name in an index: the index holds it in falling order


def sorted_columns(index: dict) -> list[str]:
    """A reflected index's columns, each in falling order with DESCENDING after its name."""
    sorting = index.get("column_sorting", {})
    columns = index["column_names"]
    return [f"{c}{DESCENDING}" if "desc" in sorting.get(c, ()) else c for c in columns]


def index_column(table: Table, column: str):
    """`column` of `table` for an index; `name DESC` in falling order."""
    if column.endswith(DESCENDING):
        return table.c[column.removesuffix(DESCENDING)].desc()
    return table.c[column]


def requery(op, revision: str, names: list[str], downgrading: bool = False) -> None:
    """Step for materialised comparisons computed another way, giving the same rows:
    `_NAME_query` becomes this revision's snapshot (when downgrading, the one before it). The
    rows stay as they are; the next load refills them from the new query."""
    connection = op.get_bind()
    for name in names:
        snapshot = newest_snapshot(name, before=revision if downgrading else f"{revision}~")
        create_view(connection, query_view(name), snapshot.read_text(encoding="utf-8"))


def dematerialise(op, names: list[str]) -> None:
    """Downgrade step of `materialise`: drop the tables and their query views."""
    connection = op.get_bind()
    for name in reversed(names):
        connection.execute(text(f'DROP TABLE IF EXISTS "{name}"'))
        connection.execute(text(f'DROP VIEW IF EXISTS "{query_view(name)}"'))


def refresh_materialised(connection: Connection, cities: Collection[str] | None = None) -> None:
    """Refill the materialised comparisons from their query views, those others read first:
    all of them, or only the rows of `cities`.

    Every comparison is made within one city (a row has its city, and what it ranks, pivots or
    pairs shares that city), so a load refills only the cities it touched. At 50,000 documents,
    for three cities: metric_comparison 0.2 s instead of 13 s, claim_conflicts 0.3 s instead of
    30 s (it pairs the claims of comparable_claims, indexed by city and the keys they share).
    """
    queries = {
        name[1 : -len("_query")]: sql
        for name, sql in _view_definitions(connection).items()
        if name.startswith("_") and name.endswith("_query")
    }
    for name in _ordered(queries):
        refill(connection, name, cities)


def refill(connection: Connection, name: str, cities: Collection[str] | None = None) -> None:
    """Refill one materialised comparison from its query view: all rows, or those of `cities`."""
    for sql in (
        f'DELETE FROM "{name}"',
        f'INSERT INTO "{name}" SELECT * FROM "{query_view(name)}"',
    ):
        if cities is None:
            connection.execute(text(sql))
        elif cities:
            in_cities = text(f"{sql} WHERE city IN :cities")
            connection.execute(
                in_cities.bindparams(bindparam("cities", expanding=True)),
                {"cities": sorted(cities)},
            )


@contextmanager
def views_set_aside(op) -> Iterator[None]:
    """Drop views and triggers for the duration of a table rebuild, then recreate them."""
    connection = op.get_bind()
    views = _view_definitions(connection)
    triggers = _trigger_definitions(connection)
    for name in triggers:
        connection.execute(text(f'DROP TRIGGER IF EXISTS "{name}"'))
    for name in reversed(_ordered(views)):
        connection.execute(text(f'DROP VIEW IF EXISTS "{name}"'))
    yield
    for definition in [*_ordered(views).values(), *triggers.values()]:
        connection.execute(text(definition))


def _trigger_definitions(connection: Connection) -> dict[str, str]:
    """SQLite triggers die with their table; PostgreSQL keeps them through ALTER TABLE."""
    if connection.dialect.name != "sqlite":
        return {}
    rows = connection.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
    return dict(rows.all())


def _view_definitions(connection: Connection) -> dict[str, str]:
    if connection.dialect.name == "sqlite":
        rows = connection.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'view'"))
        return dict(rows.all())
    inspector = inspect(connection)
    return {
        name: f'CREATE VIEW "{name}" AS {inspector.get_view_definition(name)}'
        for name in inspector.get_view_names()
    }


def _ordered(definitions: dict[str, str]) -> dict[str, str]:
    """Views that others select from come first, so each CREATE finds what it refers to."""
    remaining = dict(definitions)
    ordered: dict[str, str] = {}
    while remaining:
        ready = [
            name
            for name, sql in remaining.items()
            if not any(re.search(rf"\b{re.escape(o)}\b", sql) for o in remaining if o != name)
        ]
        for name in ready or list(remaining):  # a cycle cannot exist in SQL; be safe anyway
            ordered[name] = remaining.pop(name)
    return ordered
