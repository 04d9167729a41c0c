"""`pingan export`: a table or view as JSON Lines, CSV or Parquet, with every row and value."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner, Result

from etl.cli import cli


def pingan(*args) -> Result:
    return CliRunner().invoke(cli, [str(arg) for arg in args])


def rows_of(db_path: Path, table: str) -> tuple[list[str], list[tuple]]:
    with sqlite3.connect(db_path) as connection:
        cursor = connection.execute(f'SELECT * FROM "{table}"')
        return [column[0] for column in cursor.description], cursor.fetchall()


def test_jsonl_on_standard_output_holds_every_row_and_value(seeded_db_path):
    result = pingan("export", "--db", seeded_db_path)
    assert result.exit_code == 0, result.output
    names, rows = rows_of(seeded_db_path, "documents")
    exported = [json.loads(line) for line in result.stdout.splitlines()]
    assert exported == [dict(zip(names, row, strict=True)) for row in rows]
    assert result.stderr == f"{len(rows)} rows of documents exported\n"


def test_csv_of_the_indicators_reads_back_as_the_table(seeded_db_path, tmp_path):
    out = tmp_path / "indicators.csv"
    result = pingan("export", "--db", seeded_db_path, "--table", "indicators", "--format", "csv",
                    "--out", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    names, rows = rows_of(seeded_db_path, "indicators")
    with out.open(encoding="utf-8", newline="") as exported:
        reader = csv.reader(exported)
        assert next(reader) == names
        read_back = list(reader)
    expected = [["" if value is None else str(value) for value in row] for row in rows]
    assert read_back == expected
    assert len(rows) > 100  # the seeds' claims, not an empty table


def test_parquet_keeps_the_declared_types_and_every_value(seeded_db_path, tmp_path):
    out = tmp_path / "documents.parquet"
    result = pingan("export", "--db", seeded_db_path, "--format", "parquet", "--out", out)
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    types = {name: str(table.schema.field(name).type) for name in ("id", "published_on")}
    assert types == {"id": "int64", "published_on": "date32[day]"}
    assert str(table.schema.field("title_derived").type) == "bool"
    names, rows = rows_of(seeded_db_path, "documents")
    assert table.column_names == names
    published = [row[names.index("published_on")] for row in rows]
    assert table.column("published_on").to_pylist() == [
        dt.date.fromisoformat(value) if value else None for value in published
    ]
    assert table.column("text").to_pylist() == [row[names.index("text")] for row in rows]


def test_a_comparison_view_exports_as_parquet_too_its_dates_as_dates(seeded_db_path, tmp_path):
    out = tmp_path / "metric_comparison.parquet"
    result = pingan("export", "--db", seeded_db_path, "--table", "metric_comparison",
                    "--format", "parquet", "--out", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    assert str(table.schema.field("period_start").type) == "date32[day]"
    assert str(table.schema.field("is_target").type) == "bool"
    names, rows = rows_of(seeded_db_path, "metric_comparison")
    with sqlite3.connect(seeded_db_path) as connection:
        declared = dict(
            (column[1], column[2])
            for column in connection.execute("PRAGMA table_info(metric_comparison)")
        )
    read_as = {"DATE": dt.date.fromisoformat, "BOOLEAN": bool}  # ISO text and SQLite's 0 and 1
    assert table.to_pylist() == [
        {
            name: read_as[declared[name]](value)
            if value is not None and declared[name] in read_as
            else value
            for name, value in zip(names, row, strict=True)
        }
        for row in rows
    ]


def test_a_file_export_gives_the_bytes_standard_output_gives(seeded_db_path, tmp_path):
    out = tmp_path / "c.csv"
    to_file = pingan("export", "--db", seeded_db_path, "--format", "csv", "--out", out)
    to_stdout = pingan("export", "--db", seeded_db_path, "--format", "csv")
    assert to_file.exit_code == to_stdout.exit_code == 0
    assert out.read_bytes() == to_stdout.stdout_bytes
    assert not out.with_name("c.csv.part").exists()


@pytest.mark.parametrize("table", ["alembic_version", "paragraphs_fts", "nonsense"])
def test_what_the_site_does_not_publish_is_refused_with_the_list(seeded_db_path, table):
    result = pingan("export", "--db", seeded_db_path, "--table", table)
    assert result.exit_code == 1
    assert f"no table or view called {table!r}" in result.stderr
    assert "metric_comparison" in result.stderr


def test_parquet_needs_a_file_to_write(seeded_db_path):
    result = pingan("export", "--db", seeded_db_path, "--format", "parquet")
    assert result.exit_code == 2
    assert "--out" in result.stderr


def test_the_jsonl_export_loads_into_pandas_style_readers_line_by_line(seeded_db_path):
    """Each line is one object, as `pandas.read_json(..., lines=True)` and DuckDB's
    read_json_auto expect: no line breaks inside a record, even in multi-paragraph text."""
    result = pingan("export", "--db", seeded_db_path)
    lines = result.stdout.split("\n")
    assert lines[-1] == ""
    assert all(json.loads(line)["text"].count("\n") > 3 for line in lines[:-1])
