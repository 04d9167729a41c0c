"""ingestion: document metadata, places, paths, paragraph kinds and offsets

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 07:59:08.006265
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "places",
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("short_name", sa.Text(), nullable=False),
        sa.Column("level", sa.Text(), nullable=False),
        sa.Column("parent_code", sa.Text(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_places")),
    )
    with op.batch_alter_table("places", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_places_parent_code"), ["parent_code"], unique=False)

    op.create_table(
        "document_paths",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_document_paths_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["etl_runs.id"], name=op.f("fk_document_paths_run_id_etl_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_paths")),
        sa.UniqueConstraint("document_id", "path", name=op.f("uq_document_paths_document_id_path")),
    )
    with op.batch_alter_table("document_paths", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_paths_path"), ["path"], unique=False)

    op.create_table(
        "load_warnings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("warning", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_load_warnings_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["etl_runs.id"],
            name=op.f("fk_load_warnings_run_id_etl_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_load_warnings")),
    )
    with op.batch_alter_table("load_warnings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_load_warnings_document_id"), ["document_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_load_warnings_run_id"), ["run_id"], unique=False)

    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("title_derived", sa.Boolean(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("subtitle", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("published_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("source", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("authors", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("editor", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("photographer", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("encoding", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("script", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("original_text", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("place_code", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("city", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("province", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_documents_city"), ["city"], unique=False)
        batch_op.create_index(batch_op.f("ix_documents_place_code"), ["place_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_documents_province"), ["province"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_documents_published_on"), ["published_on"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_documents_place_code_places"), "places", ["place_code"], ["code"]
        )

    with op.batch_alter_table("paragraphs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.Text(), server_default="body", nullable=False))
        batch_op.add_column(sa.Column("start_offset", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("end_offset", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("original_text", sa.Text(), nullable=True))

    # Documents loaded before this revision were seen under one path each.
    op.execute(
        "INSERT INTO document_paths (document_id, path, run_id)"
        " SELECT id, path, run_id FROM documents"
    )


def downgrade() -> None:
    with op.batch_alter_table("paragraphs", schema=None) as batch_op:
        batch_op.drop_column("original_text")
        batch_op.drop_column("end_offset")
        batch_op.drop_column("start_offset")
        batch_op.drop_column("kind")

    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_documents_place_code_places"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_documents_published_on"))
        batch_op.drop_index(batch_op.f("ix_documents_province"))
        batch_op.drop_index(batch_op.f("ix_documents_place_code"))
        batch_op.drop_index(batch_op.f("ix_documents_city"))
        batch_op.drop_column("province")
        batch_op.drop_column("city")
        batch_op.drop_column("place_code")
        batch_op.drop_column("original_text")
        batch_op.drop_column("script")
        batch_op.drop_column("encoding")
        batch_op.drop_column("photographer")
        batch_op.drop_column("editor")
        batch_op.drop_column("authors")
        batch_op.drop_column("source")
        batch_op.drop_column("published_on")
        batch_op.drop_column("subtitle")
        batch_op.drop_column("title_derived")

    with op.batch_alter_table("load_warnings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_load_warnings_run_id"))
        batch_op.drop_index(batch_op.f("ix_load_warnings_document_id"))

    op.drop_table("load_warnings")
    with op.batch_alter_table("document_paths", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_paths_path"))

    op.drop_table("document_paths")
    with op.batch_alter_table("places", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_places_parent_code"))

    op.drop_table("places")
