"""search: paragraph tokens, full-text index, document keywords

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 08:00:06.877096
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from etl.dialects import FULLTEXT_CREATE, FULLTEXT_DROP

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "document_keywords",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("keyword", sa.Text(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_document_keywords_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("document_id", "rank", name=op.f("pk_document_keywords")),
    )
    with op.batch_alter_table("document_keywords", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_keywords_keyword"), ["keyword"], unique=False)

    with op.batch_alter_table("paragraphs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tokens", sa.Text(), nullable=True))

    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("segmenter", sa.Text(), nullable=True))

    for statement in FULLTEXT_CREATE[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade() -> None:
    for statement in FULLTEXT_DROP[op.get_bind().dialect.name]:
        op.execute(statement)
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("segmenter")
    with op.batch_alter_table("paragraphs", schema=None) as batch_op:
        batch_op.drop_column("tokens")

    with op.batch_alter_table("document_keywords", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_keywords_keyword"))

    op.drop_table("document_keywords")
