"""declared types: dates as DATE and DATETIME, booleans as BOOLEAN

On SQLite, dates and times were declared TEXT and booleans INTEGER (their storage classes), so
BI tools took no column as temporal (Superset's time charts wanted each date column marked by
hand) and offered sums of is_target. A column's declared type is what PRAGMA table_info, the
views that pass the column on, SQLAlchemy's reflection and pandas read. This revision declares
them DATE, DATETIME and BOOLEAN; the values stay as they were, ISO text and 0/1 (a declared DATE
has NUMERIC affinity, which leaves text that is no number as it is). The tables are rebuilt
(their rows, indexes, foreign keys and the full-text triggers kept), and the materialised
comparisons made again from their queries, which now pass the declared types on.

PostgreSQL has declared DATE, TIMESTAMP and BOOLEAN from the start: nothing changes there.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from etl.views import rebuild_materialised, views_set_aside

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each column: the type it is declared now, the one it was declared before (its storage class),
# whether it may be empty, and its default.
DECLARED = {
    "etl_runs": {
        "started_at": (sa.DATETIME, sa.TEXT, False, None),
        "finished_at": (sa.DATETIME, sa.TEXT, True, None),
    },
    "documents": {
        "loaded_at": (sa.DATETIME, sa.TEXT, False, None),
        "title_derived": (sa.BOOLEAN, sa.INTEGER, False, "0"),
        "published_on": (sa.DATE, sa.TEXT, True, None),
    },
    "indicators": {
        "period_start": (sa.DATE, sa.TEXT, True, None),
        "period_end": (sa.DATE, sa.TEXT, True, None),
        "is_target": (sa.BOOLEAN, sa.INTEGER, False, "0"),
        "period_resolved": (sa.BOOLEAN, sa.INTEGER, True, None),
    },
}
# in the order they read one another (the city scorecard and the families read the comparison)
MATERIALISED = [
    "metric_comparison",
    "city_scorecard",
    "metric_family_comparison",
    "comparable_claims",
    "claim_conflicts",
]
KEYS = {
    "metric_comparison": ["indicator_id"],
    "city_scorecard": ["city"],
    "metric_family_comparison": ["family_metric", "indicator_id"],
    "comparable_claims": ["indicator_id"],
    "claim_conflicts": ["indicator_id_a", "indicator_id_b"],
}
# The indexes in falling order that pages read dated figures first from: a table made again
# keeps its other indexes, but SQLite's reflection does not tell a falling column.
DATED_FIRST = {
    "metric_comparison": {
        "ix_metric_comparison_period_resolved": ["period_resolved DESC", "indicator_id"],
        "ix_metric_comparison_metric_period_resolved": [
            "metric",
            "period_resolved DESC",
            "indicator_id",
        ],
    },
    "metric_family_comparison": {
        "ix_metric_family_comparison_period_resolved": [
            "period_resolved DESC",
            "family_metric",
            "indicator_id",
        ],
        "ix_metric_family_comparison_family_metric_period_resolved": [
            "family_metric",
            "period_resolved DESC",
            "indicator_id",
        ],
    },
}


def upgrade() -> None:
    declare(now=True)


def downgrade() -> None:
    declare(now=False)


def declare(now: bool) -> None:
    """Rebuild each table with its columns declared as now (or as before), then the
    materialised comparisons, whose columns take their types from the queries that read them."""
    if op.get_bind().dialect.name != "sqlite":
        return
    analysed = statistics_kept()
    with views_set_aside(op):
        for table, columns in DECLARED.items():
            # The columns are given, not altered: Alembic would copy an altered column's values
            # through CAST(x AS DATE), which SQLite turns into a number (2013).
            declared = [
                sa.Column(
                    name,
                    (now_type if now else before_type)(),
                    nullable=empty,
                    server_default=default,
                )
                for name, (now_type, before_type, empty, default) in columns.items()
            ]
            with op.batch_alter_table(table, recreate="always", reflect_args=declared):
                pass
    rebuild_materialised(op, revision, MATERIALISED, KEYS, DATED_FIRST, [], downgrading=not now)
    for table in analysed:
        op.execute(f'ANALYZE "{table}"')


def statistics_kept() -> list[str]:
    """The tables of this revision that ANALYZE had measured (sqlite_stat1), which a rebuild
    forgets: the query planner chooses by them."""
    connection = op.get_bind()
    statistics = "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'"
    if connection.execute(sa.text(statistics)).first() is None:
        return []
    measured = set(connection.execute(sa.text("SELECT tbl FROM sqlite_stat1")).scalars())
    return [table for table in [*DECLARED, *MATERIALISED] if table in measured]
