"""index every column that a page facets by

Datasette counts each default facet on every page view. Without an index the count reads the
whole table: at 50,000 documents, documents.source and documents.script took 240-290 ms each (the
rows carry the articles' text, which the scan walks past) and metric_comparison.place_level 39 ms;
through an index each is a few milliseconds.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 22:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FACET_INDEXES = {
    "documents": ["source", "script"],
    "metric_comparison": ["place_level"],
}


def upgrade() -> None:
    for table, columns in FACET_INDEXES.items():
        for column in columns:
            op.create_index(f"ix_{table}_{column}", table, [column])


def downgrade() -> None:
    for table, columns in FACET_INDEXES.items():
        for column in columns:
            op.drop_index(f"ix_{table}_{column}", table_name=table)
