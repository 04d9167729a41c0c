"""index metric_comparison's facets by metric first

The comparison is read one metric at a time ("filter on one metric to line the cities up"). With
?metric= set, each default facet counted its column's values by looking up every row of that
metric: 25-31 ms a facet at 100,000 documents, the page 231 ms. An index on (metric, column)
counts them from the index alone: the page 114 ms.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 00:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FACETS_WITHIN_A_METRIC = ["province", "city", "kind", "place_level"]


def upgrade() -> None:
    for column in FACETS_WITHIN_A_METRIC:
        op.create_index(
            f"ix_metric_comparison_metric_{column}", "metric_comparison", ["metric", column]
        )


def downgrade() -> None:
    for column in FACETS_WITHIN_A_METRIC:
        op.drop_index(f"ix_metric_comparison_metric_{column}", table_name="metric_comparison")
