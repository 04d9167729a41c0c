"""comparison views, and the load-time counts they pass through

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 08:02:48.548931
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from etl.views import replace_views, restore_views

VIEWS = [
    "indicator_facts",
    "metric_comparison",
    "city_scorecard",
    "metric_coverage",
    "claim_conflicts",
    "document_overview",
    "place_map",
]

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("place_name", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("report_city", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_documents_report_city"), ["report_city"], unique=False)
        batch_op.add_column(sa.Column("paragraph_count", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("indicator_count", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("keywords", sa.Text(), nullable=True))

    with op.batch_alter_table("indicators", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("place_level", sa.Text(), server_default="city", nullable=False)
        )

    with op.batch_alter_table("metrics", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("city_count", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("document_count", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("indicator_count", sa.Integer(), server_default="0", nullable=False)
        )

    with op.batch_alter_table("places", schema=None) as batch_op:
        batch_op.add_column(sa.Column("popup", sa.Text(), nullable=True))

    op.execute(
        "UPDATE documents SET paragraph_count ="
        " (SELECT count(*) FROM paragraphs WHERE paragraphs.document_id = documents.id)"
    )
    replace_views(op, revision, VIEWS)


def downgrade() -> None:
    restore_views(op, revision, VIEWS)
    with op.batch_alter_table("places", schema=None) as batch_op:
        batch_op.drop_column("popup")
    with op.batch_alter_table("metrics", schema=None) as batch_op:
        batch_op.drop_column("indicator_count")
        batch_op.drop_column("document_count")
        batch_op.drop_column("city_count")

    with op.batch_alter_table("indicators", schema=None) as batch_op:
        batch_op.drop_column("place_level")

    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("keywords")
        batch_op.drop_column("indicator_count")
        batch_op.drop_column("paragraph_count")
        batch_op.drop_index(batch_op.f("ix_documents_report_city"))
        batch_op.drop_column("report_city")
        batch_op.drop_column("place_name")
