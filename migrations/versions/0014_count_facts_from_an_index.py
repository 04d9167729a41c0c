"""index indicators by document and metric, so that counting indicator_facts reads the index alone

Every Datasette page of `indicator_facts` counts its rows. The view joins each indicator to its
document and to its metric's names, so SQLite read every indicator's row for its metric after
finding it through the index on document_id: 530 ms at 100,000 documents with the pages in
memory, 10.9 s without. With (document_id, metric) the count reads the index alone: 245-315 ms,
and the page (in one process) takes 230-262 ms instead of 457-575 ms.
The new index replaces the one on document_id alone, whose lookups (a document's indicators, the
foreign key's cascade) it serves as well.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 13:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_indicators_document_metric", "indicators", ["document_id", "metric"])
    op.drop_index("ix_indicators_document_id", table_name="indicators")


def downgrade() -> None:
    op.create_index("ix_indicators_document_id", "indicators", ["document_id"])
    op.drop_index("ix_indicators_document_metric", table_name="indicators")
