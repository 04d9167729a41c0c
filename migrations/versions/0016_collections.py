"""collections: where a record of an export, archive or manifest came from

Articles now also come from crawler exports (JSON Lines, CSV), WARC archives and folders with a
manifest or sidecar files (etl/records.py). A document keeps what that material said:
  - documents.url: the article's address;
  - documents.container and record_number: the export or archive it was a record of, and where;
  - documents.given_metadata: everything the record, manifest row or sidecar stated (JSON), so
    that `pingan refresh` derives the document again with it, without the files.
documents.date_source gains the values record, manifest, sidecar and url.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 23:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from etl.views import views_set_aside

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = {
    "url": sa.Text,
    "container": sa.Text,
    "record_number": sa.Integer,
    "given_metadata": sa.Text,
}


def upgrade() -> None:
    for name, type_ in COLUMNS.items():
        op.add_column("documents", sa.Column(name, type_(), nullable=True))


def downgrade() -> None:
    with views_set_aside(op), op.batch_alter_table("documents", schema=None) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
