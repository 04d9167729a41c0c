"""indicators: quantitative claims and canonical metrics

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 08:00:39.422997
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "metrics",
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("name_zh", sa.Text(), nullable=False),
        sa.Column("name_en", sa.Text(), nullable=False),
        sa.Column("family", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_metrics")),
    )
    op.create_table(
        "metric_synonyms",
        sa.Column("synonym", sa.Text(), nullable=False),
        sa.Column("metric", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["metric"],
            ["metrics.code"],
            name=op.f("fk_metric_synonyms_metric_metrics"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("synonym", name=op.f("pk_metric_synonyms")),
    )
    with op.batch_alter_table("metric_synonyms", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_metric_synonyms_metric"), ["metric"], unique=False)

    op.create_table(
        "indicators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("paragraph_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("start_offset", sa.Integer(), nullable=False),
        sa.Column("end_offset", sa.Integer(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("metric", sa.Text(), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("change_pct", sa.Float(), nullable=True),
        sa.Column("change_pp", sa.Float(), nullable=True),
        sa.Column("direction", sa.Text(), nullable=True),
        sa.Column("basis", sa.Text(), nullable=True),
        sa.Column("period", sa.Text(), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("approx", sa.Text(), nullable=True),
        sa.Column("scope", sa.Text(), nullable=True),
        sa.Column("is_target", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("bound", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_indicators_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["metric"], ["metrics.code"], name=op.f("fk_indicators_metric_metrics")
        ),
        sa.ForeignKeyConstraint(
            ["paragraph_id"],
            ["paragraphs.id"],
            name=op.f("fk_indicators_paragraph_id_paragraphs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicators")),
        sa.UniqueConstraint(
            "paragraph_id", "position", name=op.f("uq_indicators_paragraph_id_position")
        ),
    )
    with op.batch_alter_table("indicators", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_indicators_document_id"), ["document_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_indicators_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_indicators_metric"), ["metric"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("indicators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_indicators_metric"))
        batch_op.drop_index(batch_op.f("ix_indicators_kind"))
        batch_op.drop_index(batch_op.f("ix_indicators_document_id"))

    op.drop_table("indicators")
    with op.batch_alter_table("metric_synonyms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_metric_synonyms_metric"))

    op.drop_table("metric_synonyms")
    op.drop_table("metrics")
