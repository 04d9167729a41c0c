"""pair dated and undated claims apart, each on keys the pairing index serves

claim_conflicts joined a claim to its partners on the city, metric, kind and target, then
checked the rest (scope, basis, bound, period) in ORs that no index serves: each claim was set
against every claim of its city and metric. At 100,000 documents that took 94 s, most of a load's
finishing step, however few documents it added (a load of 300 took 106 s, 88 of them refilling
the comparisons). The keys are now equalities (`IS NOT DISTINCT FROM` where NULL matches NULL),
dated and undated claims in two halves of a UNION ALL, so the index on comparable_claims finds
each claim's partners: 14 s. Same rows (all 381,016 pairs of the 100,000-document benchmark
corpus), so the materialised rows are kept; the next load refills them with the new query.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 05:20:00
"""

from collections.abc import Sequence

from alembic import op

from etl.views import requery

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    requery(op, revision, ["claim_conflicts"])


def downgrade() -> None:
    requery(op, revision, ["claim_conflicts"], downgrading=True)
