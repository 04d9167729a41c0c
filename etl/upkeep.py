"""Upkeep after a load: the per-metric counts and the materialised comparisons refilled (for
the cities the load touched, or all), and after a large load the full-text index merged and the
query planner's statistics updated.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Connection, Engine, func, select, text

from etl.db import SQL_DIR
from etl.models import Document, EtlRun
from etl.views import refresh_materialised

COUNTS_SQL = SQL_DIR / "refresh_counts.sql"

# A load that writes at least this share of the documents is a large one: it refills every
# comparison at once (as fast as city by city then), merges the full-text index into one and
# updates the query planner's statistics.
LARGE_LOAD_SHARE = 0.1


def refill_after(
    connection: Connection, run_id: int, written: int, cities: Collection[str]
) -> bool:
    """In the run's closing transaction: the counts and the comparisons of `cities` refilled,
    every city's after a large load or one that follows an interrupted run. Returns whether
    the load was large (`compact` then, once committed)."""
    interrupted = follows_an_interrupted_run(connection, run_id)
    large = is_large_load(connection, written)
    if written or interrupted:
        refresh_counts(connection)
        every_city = large or interrupted
        refresh_materialised(connection, None if every_city else cities)
    return large


def compact(engine: Engine) -> None:
    """After a large load: the full-text index in one piece, the planner's statistics new."""
    optimize_fulltext(engine)
    update_planner_statistics(engine)


def is_large_load(connection: Connection, written: int) -> bool:
    """Did the run write at least LARGE_LOAD_SHARE of the documents?"""
    documents = connection.execute(select(func.count()).select_from(Document)).scalar_one()
    return written > 0 and written >= LARGE_LOAD_SHARE * documents


def follows_an_interrupted_run(connection: Connection, run_id: int) -> bool:
    """Was a run stopped (killed, or its machine lost) since the last one that finished? It may
    have committed documents whose counts and comparisons it never refilled: refill them all."""
    last_finished = (
        select(func.coalesce(func.max(EtlRun.id), 0))
        .where(EtlRun.finished_at.is_not(None), EtlRun.id < run_id)
        .scalar_subquery()
    )
    unfinished = select(func.count()).where(EtlRun.id < run_id, EtlRun.id > last_finished)
    return connection.execute(unfinished).scalar_one() > 0


def optimize_fulltext(engine: Engine) -> None:
    """Merge the FTS5 index's segments into one after a large load, so searches stay fast as the
    corpus grows. A smaller load leaves merging to FTS5's automerge: `optimize` rewrites the
    whole index, 8 s at 50,000 documents however few were added. PostgreSQL's GIN index needs
    no such step. The SQL is FTS5's own command, as sqlite-utils' `optimize()` runs it: importing
    sqlite-utils (which imports pandas and pyarrow where installed) took 0.8 s of every load."""
    if engine.dialect.name != "sqlite":
        return
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO paragraphs_fts (paragraphs_fts) VALUES ('optimize')"))


def update_planner_statistics(engine: Engine) -> None:
    """ANALYZE after a large load, as both SQLite and PostgreSQL advise after bulk changes: with
    no statistics SQLite guessed that filtering indicator_facts on a metric narrows more than on
    a city, and read all 79,892 rows of the metric for 446 (770 ms at 100,000 documents; 12 ms
    with them). 2.2 s at that size; a smaller load keeps the statistics, still near the truth."""
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))


def refresh_counts(connection: Connection) -> None:
    """Counts that views pass through (so that they carry a declared type), made current."""
    for statement in counts_statements():
        connection.execute(text(statement))


def counts_statements() -> list[str]:
    """The statements of `sql/refresh_counts.sql`, comments left out."""
    lines = COUNTS_SQL.read_text(encoding="utf-8").splitlines()
    sql = "\n".join(line for line in lines if not line.lstrip().startswith("--"))
    return [statement for statement in sql.split(";") if statement.strip()]
