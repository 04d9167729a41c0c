"""like with like: measures, metric families, dated periods, and conflicts that are real

Comparisons put unlike figures side by side: 7000 cameras newly added beside 20.5万 in all, a
subset of an operation's arrests against its total, 刑事立案 out of sight of 刑事案件, 去年 of an
undated article on one axis with 2021年. This revision gives the database what tells them apart:
  - indicators.measure (stock, added, events, rate, amount) and why_unmapped, from the extractor;
  - indicators.period_resolved and period_label (etl/dating.py): whether a claim can be placed in
    time, and its period in years;
  - documents.date_source: where the publication date came from (text, html, none);
  - metrics.parent: the broader metric a sub-type or near relative rolls up under.
The comparisons key on (metric, measure), claim_conflicts leaves out subsets, other forces and
rounded restatements, and metric_family_comparison (materialised too) lists a family's figures,
labelled. The four materialised comparisons are made again with their new columns, keeping their
rows; the new columns are filled when `pingan refresh` (or a load) derives the documents again,
which the changed pipeline version asks for, and refills the comparisons.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 23:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from etl.views import (
    dematerialise,
    materialise,
    rebuild_materialised,
    replace_views,
    restore_views,
    views_set_aside,
)

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MATERIALISED = ["metric_comparison", "city_scorecard", "comparable_claims", "claim_conflicts"]
KEYS = {
    "metric_comparison": ["indicator_id"],
    "city_scorecard": ["city"],
    "comparable_claims": ["indicator_id"],
    "claim_conflicts": ["indicator_id_a", "indicator_id_b"],
}
# Indexes made anew (the others are kept): a facet on measure, within a metric too; the page's
# default order (db/metadata.yaml: dated figures first, then by id, as Datasette sorts), within
# a metric too, which sorting the whole table on each page view would cost; the pairing index
# with the measure and subject claims now pair on, and the approximation they compare.
PAIRING = "ix_comparable_claims_pairing"
INDEXES = {
    "metric_comparison": {
        "ix_metric_comparison_measure": ["measure"],
        "ix_metric_comparison_metric_measure": ["metric", "measure"],
        "ix_metric_comparison_period_resolved": ["period_resolved DESC", "indicator_id"],
        "ix_metric_comparison_metric_period_resolved": [
            "metric",
            "period_resolved DESC",
            "indicator_id",
        ],
    },
    "comparable_claims": {
        PAIRING: [
            "city",
            "metric",
            "measure",
            "kind",
            "is_target",
            "scope",
            "basis",
            "bound",
            "period_start",
            "period_end",
            "period",
            "document_id",
            "subject",
            "value",
            "approx",
            "change_pct",
            "direction",
        ]
    },
}
# The pairing index as revision 0009 made it, for the downgrade.
INDEXES_BEFORE = {
    "comparable_claims": {
        PAIRING: [
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
    },
}
# A family's figures, refilled after each load like the comparison they list (city by city),
# in the page's default order, within a family too.
FAMILIES = "metric_family_comparison"
FAMILY_KEY = {FAMILIES: ["family_metric", "indicator_id"]}
FAMILY_INDEXES = {FAMILIES: ["city", "measure"]}
FAMILY_ORDER = {
    "ix_metric_family_comparison_period_resolved": [
        "period_resolved DESC",
        "family_metric",
        "indicator_id",
    ],
    "ix_metric_family_comparison_family_metric_period_resolved": [
        "family_metric",
        "period_resolved DESC",
        "indicator_id",
    ],
}
INDICATOR_COLUMNS = {
    "measure": sa.Text,
    "why_unmapped": sa.Text,
    "period_resolved": sa.Boolean,
    "period_label": sa.Text,
}


def upgrade() -> None:
    for name, type_ in INDICATOR_COLUMNS.items():
        op.add_column("indicators", sa.Column(name, type_(), nullable=True))
    op.add_column("documents", sa.Column("date_source", sa.Text(), nullable=True))
    op.add_column("metrics", sa.Column("parent", sa.Text(), nullable=True))
    replace_views(op, revision, ["metric_coverage"])
    rebuild_materialised(op, revision, MATERIALISED, KEYS, INDEXES, ["indicator_facts"])
    materialise(op, revision, [FAMILIES], FAMILY_KEY, FAMILY_INDEXES)
    for index, columns in FAMILY_ORDER.items():
        op.create_index(index, FAMILIES, [sa.text(column) for column in columns])


def downgrade() -> None:
    dematerialise(op, [FAMILIES])
    restore_views(op, revision, ["metric_coverage"])
    rebuild_materialised(
        op, revision, MATERIALISED, KEYS, INDEXES_BEFORE, ["indicator_facts"], downgrading=True
    )
    with views_set_aside(op):
        with op.batch_alter_table("metrics", schema=None) as batch_op:
            batch_op.drop_column("parent")
        with op.batch_alter_table("indicators", schema=None) as batch_op:
            for name in reversed(INDICATOR_COLUMNS):
                batch_op.drop_column(name)
        with op.batch_alter_table("documents", schema=None) as batch_op:
            batch_op.drop_column("date_source")
