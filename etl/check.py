"""`pingan check`: is the database whole and consistent? Each check lists what fails.

The portable checks are SQL files in `sql/checks/` (a query returning the failing rows); the
paragraph offsets, SQLite's own integrity, foreign key and full-text checks are run here; every
public view must be readable.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from etl.db import SQL_DIR

CHECKS_DIR = SQL_DIR / "checks"


@dataclass(frozen=True)
class Problem:
    check: str
    detail: str


def check_database(engine: Engine) -> list[Problem]:
    with engine.connect() as connection:
        if "documents" not in inspect(connection).get_table_names():
            return [Problem("schema", "the database has no pingan tables: run `pingan init`")]
        problems = [
            *sql_checks(connection),
            *paragraph_offset_checks(connection),
            *view_checks(connection),
        ]
        if connection.dialect.name == "sqlite":
            problems += sqlite_checks(connection)
    return problems


def sql_checks(connection: Connection) -> list[Problem]:
    problems = []
    for path in sorted(CHECKS_DIR.glob("*.sql")):
        rows = connection.execute(text(path.read_text(encoding="utf-8"))).mappings().all()
        problems += [Problem(path.stem, ", ".join(f"{k}={v}" for k, v in r.items())) for r in rows]
    return problems


def paragraph_offset_checks(connection: Connection) -> list[Problem]:
    """Paragraphs whose offsets do not give their text back from the document's text.

    In Python, one document at a time: in SQL, substr() over a long document's text for each of
    its paragraphs is quadratic in the document's length."""
    problems = []
    documents = connection.execution_options(stream_results=True).execute(
        text("SELECT id, text FROM documents ORDER BY id")
    )
    for document_id, document_text in documents:
        paragraphs = connection.execute(
            text(
                "SELECT id, start_offset, end_offset, text FROM paragraphs"
                " WHERE document_id = :id AND start_offset IS NOT NULL"
            ),
            {"id": document_id},
        )
        problems += [
            Problem("paragraph_offsets", f"paragraph_id={pid}, document_id={document_id}")
            for pid, start, end, paragraph in paragraphs
            if document_text[start:end] != paragraph
        ]
    return problems


def view_checks(connection: Connection) -> list[Problem]:
    problems = []
    for view in inspect(connection).get_view_names():
        try:
            connection.execute(text(f'SELECT * FROM "{view}" LIMIT 1')).all()
        except DBAPIError as error:
            problems.append(Problem("view_readable", f"{view}: {error.orig}"))
    return problems


def sqlite_checks(connection: Connection) -> list[Problem]:
    problems = [
        Problem("integrity", row[0])
        for row in connection.exec_driver_sql("PRAGMA integrity_check").all()
        if row[0] != "ok"
    ]
    problems += [
        Problem("foreign_keys", f"{row[0]} rowid {row[1]} -> {row[2]}")
        for row in connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    ]
    if "paragraphs_fts" in inspect(connection).get_table_names():
        try:
            connection.exec_driver_sql(
                "INSERT INTO paragraphs_fts (paragraphs_fts, rank) VALUES ('integrity-check', 1)"
            )
        except DBAPIError as error:
            problems.append(Problem("fulltext_in_step", str(error.orig)))
        connection.rollback()
    return problems
