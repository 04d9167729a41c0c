"""materialise the heavy comparisons: tables refilled after each load

metric_comparison, city_scorecard and claim_conflicts rank, pivot or pair every indicator; as
views, each page of them re-ran that over the whole corpus (seconds at 2,000 documents). They
become tables with the same typed columns and indexes, refilled from their `_NAME_query` views
after each load.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 09:25:00
"""

from collections.abc import Sequence

from alembic import op

from etl.views import dematerialise, materialise, restore_views

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MATERIALISED = ["metric_comparison", "city_scorecard", "claim_conflicts"]
KEYS = {
    "metric_comparison": ["indicator_id"],
    "city_scorecard": ["city"],
    "claim_conflicts": ["indicator_id_a", "indicator_id_b"],
}
INDEXES = {
    "metric_comparison": ["metric", "city", "province", "kind"],
    "city_scorecard": ["city", "province"],
    "claim_conflicts": ["metric", "city"],
}


def upgrade() -> None:
    materialise(op, revision, MATERIALISED, KEYS, INDEXES)


def downgrade() -> None:
    dematerialise(op, MATERIALISED)
    restore_views(op, revision, MATERIALISED)
