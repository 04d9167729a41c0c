"""pipeline version of each document

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 08:21:38.688564
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from etl.views import views_set_aside

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pipeline_version", sa.Text(), nullable=True))


def downgrade() -> None:
    with views_set_aside(op), op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("pipeline_version")
