"""Copy a whole database from one backend to another (SQLite <-> PostgreSQL), in batches.

The target is migrated to the newest revision first; rows are copied table by table in foreign-key
order, keeping the columns both sides have, so an older source schema copies too.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, MetaData, select, text

from etl import db
from etl.models import Base

BATCH_ROWS = 2_000


def copy_rows(
    source: Engine, target: Engine, on_table: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Copy every model table's rows from `source` into the (empty) tables of `target`."""
    source_meta, target_meta = MetaData(), MetaData()
    source_meta.reflect(source)
    target_meta.reflect(target)
    copied: dict[str, int] = {}
    with source.connect() as read, target.begin() as write:
        for model_table in Base.metadata.sorted_tables:
            table = target_meta.tables.get(model_table.name)
            origin = source_meta.tables.get(model_table.name)
            if table is None or origin is None:
                continue
            names = [c.name for c in table.columns if c.name in origin.columns]
            result = read.execution_options(stream_results=True).execute(
                select(*[origin.c[n] for n in names]).order_by(*origin.primary_key.columns)
            )
            copied[table.name] = 0
            while batch := result.mappings().fetchmany(BATCH_ROWS):
                write.execute(table.insert(), [dict(row) for row in batch])
                copied[table.name] += len(batch)
            if on_table:
                on_table(table.name, copied[table.name])
        if target.dialect.name == "postgresql":
            reset_sequences(write, target_meta)
    return copied


def reset_sequences(connection, metadata: MetaData) -> None:
    """Rows copied with their ids leave PostgreSQL's id sequences behind; move them on."""
    for table in metadata.sorted_tables:
        if "id" in table.columns and table.c.id.autoincrement:
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"
                )
            )


def copy_database(source_url: str, target_url: str) -> dict[str, int]:
    source, target = db.make_engine(source_url), db.make_engine(target_url)
    db.ensure_current(target)
    with target.connect() as connection:
        if connection.execute(text("SELECT count(*) FROM documents")).scalar():
            raise ValueError(f"{target_url} already holds documents; copy into an empty database")
    try:
        return copy_rows(source, target)
    finally:
        source.dispose()
        target.dispose()
