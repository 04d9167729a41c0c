"""pair claims on a table of comparable claims, one city at a time

claim_conflicts paired every claim of the corpus through a CTE that SQLite materialised whole,
so a load that touched three cities still re-read all claims (14 s at 50,000 documents). Its
keys now live in comparable_claims, a materialised table with a covering index on them (city
first): a refill of a few cities reads only their claims (0.3 s). The new query gives the same
rows (all 107,780 pairs of the 50,000-document benchmark corpus), so they are kept as they are.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 22:20:00
"""

from collections.abc import Sequence

from alembic import op

from etl.views import dematerialise, materialise, requery

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What claim_conflicts joins a claim to its partners on, then what it compares: with all of
# them in the index, pairing never reads the table.
PAIRING_COLUMNS = [
    "city",
    "metric",
    "kind",
    "is_target",
    "scope",
    "basis",
    "bound",
    "period_start",
    "period_end",
    "period",
    "document_id",
    "value",
    "change_pct",
    "direction",
]


def upgrade() -> None:
    materialise(op, revision, ["comparable_claims"], {"comparable_claims": ["indicator_id"]}, {})
    op.create_index("ix_comparable_claims_pairing", "comparable_claims", PAIRING_COLUMNS)
    requery(op, revision, ["claim_conflicts"])


def downgrade() -> None:
    requery(op, revision, ["claim_conflicts"], downgrading=True)
    dematerialise(op, ["comparable_claims"])
