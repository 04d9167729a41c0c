"""Export a table or view for use elsewhere: JSON Lines, CSV or Parquet.

Rows stream from the database a batch at a time, so an export of every indicator holds one
batch in memory, never the table. Dates are ISO 8601 text in JSON Lines and CSV (as SQLite holds
them); Parquet gets each column's declared type (a table's dates are dates; a view's are text).
Parquet needs pyarrow (`pip install 'pingan-db[parquet]'`), an optional dependency.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator, Sequence
from typing import IO, Any

from sqlalchemy import Boolean, Connection, Date, DateTime, Float, Integer, Numeric, inspect, text

FORMATS = ("jsonl", "csv", "parquet")
BATCH_ROWS = 10_000
# What the database holds besides the published tables and views: Alembic's bookkeeping, the
# full-text index's own tables and the queries the materialised comparisons are refilled from.
INTERNAL_PREFIXES = ("_", "sqlite_", "alembic_")
INTERNAL_INFIXES = ("_fts",)


class ExportError(Exception):
    """An export that cannot be made (an unknown table, Parquet without pyarrow), and why."""


def exportable_tables(connection: Connection) -> list[str]:
    """The tables and views a user may export: those the site publishes."""
    inspector = inspect(connection)
    names = inspector.get_table_names() + inspector.get_view_names()
    return sorted(
        name
        for name in names
        if not name.startswith(INTERNAL_PREFIXES)
        and not any(infix in name for infix in INTERNAL_INFIXES)
    )


def export_table(connection: Connection, table: str, format_: str, out: IO[Any]) -> int:
    """Write every row of `table` to `out` (text for jsonl and csv, binary for parquet);
    returns how many rows."""
    if table not in exportable_tables(connection):
        known = ", ".join(exportable_tables(connection))
        raise ExportError(f"no table or view called {table!r}; choose one of {known}")
    columns = declared_columns(connection, table)
    names = [name for name, _ in columns]
    batches = row_batches(connection, table, names)
    if format_ == "jsonl":
        return write_jsonl(batches, names, out)
    if format_ == "csv":
        return write_csv(batches, names, out)
    if format_ == "parquet":
        return write_parquet(batches, columns, out)
    raise ExportError(f"unknown format {format_!r}; choose one of {', '.join(FORMATS)}")


def declared_columns(connection: Connection, table: str) -> list[tuple[str, object]]:
    """Each column's name, in the database's order, and the type the database declares it
    (dates and flags too, since revision 0017; a view's columns pass on their tables')."""
    return [(column["name"], column["type"]) for column in inspect(connection).get_columns(table)]


def row_batches(connection: Connection, table: str, names: Sequence[str]) -> Iterator[list[tuple]]:
    quoted = ", ".join(connection.dialect.identifier_preparer.quote(name) for name in names)
    table_name = connection.dialect.identifier_preparer.quote(table)
    result = connection.execution_options(stream_results=True, yield_per=BATCH_ROWS).execute(
        text(f"SELECT {quoted} FROM {table_name}")  # names from the inspector, quoted
    )
    for partition in result.partitions():
        yield [tuple(row) for row in partition]


def _text(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def write_jsonl(batches: Iterator[list[tuple]], names: Sequence[str], out: IO[str]) -> int:
    count = 0
    for batch in batches:
        out.writelines(
            json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False, default=_text) + "\n"
            for row in batch
        )
        count += len(batch)
    return count


def write_csv(batches: Iterator[list[tuple]], names: Sequence[str], out: IO[str]) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    count = 0
    for batch in batches:
        writer.writerows([_text(value) for value in row] for row in batch)
        count += len(batch)
    return count


def write_parquet(
    batches: Iterator[list[tuple]], columns: list[tuple[str, object]], out: IO[bytes]
) -> int:
    """One row group a batch, each column typed as the database declares it."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as error:
        raise ExportError(
            "Parquet needs pyarrow: pip install 'pingan-db[parquet]' (or pyarrow)"
        ) from error
    schema = pa.schema([(name, _arrow_type(pa, declared)) for name, declared in columns])
    count = 0
    with pq.ParquetWriter(out, schema) as writer:
        for batch in batches:
            arrays = []
            for values, field in zip(zip(*batch, strict=True), schema, strict=True):
                values = _as_arrow_values(pa, field.type, values)
                try:
                    arrays.append(pa.array(values, type=field.type))
                except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
                    raise ExportError(f"column {field.name}: {error}") from error
            writer.write_batch(pa.record_batch(arrays, schema=schema))
            count += len(batch)
    return count


def _as_arrow_values(pa: Any, type_: Any, values: Sequence[object]) -> Sequence[object]:
    """SQLite's values for an Arrow column: ISO text as dates, numbers as text where a view's
    column declares no type."""
    if type_ == pa.string():
        return [value if isinstance(value, str | None) else str(_text(value)) for value in values]
    if type_ == pa.bool_():  # SQLite's 0 and 1
        return [value if value is None else bool(value) for value in values]
    if type_ == pa.date32():
        return [dt.date.fromisoformat(v) if isinstance(v, str) else v for v in values]
    if type_ == pa.timestamp("us"):
        return [dt.datetime.fromisoformat(v) if isinstance(v, str) else v for v in values]
    return values


def _arrow_type(pa: Any, declared: object) -> Any:
    """The Arrow type of a declared column type."""
    if isinstance(declared, Boolean):
        return pa.bool_()
    if isinstance(declared, Integer):
        return pa.int64()
    if isinstance(declared, Float | Numeric):
        return pa.float64()
    if isinstance(declared, DateTime):
        return pa.timestamp("us")
    if isinstance(declared, Date):
        return pa.date32()
    return pa.string()
