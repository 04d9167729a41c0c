"""quotes as published, and changes in the unit itself

A claim's quote was the normalised text (ASCII punctuation, simplified script), which a reader
would cite as if it were the original. This revision gives the database:
  - indicators.quote as published (script, punctuation and spacing of the source), with
    original_start_offset and original_end_offset, where it stands in paragraphs.original_text;
    quote_normalised keeps the normalised words, paragraphs.text[start_offset:end_offset], which
    search and comparison read;
  - indicators.change_abs, a change in the unit itself (减少832起: -832, unit 起), which the
    extractor reads as a change rather than a count.
The comparisons carry change_abs, and keep a change in the unit beside the levels, never in
their place, and apart from a change in percent (metric_comparison ranks them apart,
claim_conflicts pairs no change with one in another unit, city_scorecard's percent cells take
none). The materialised comparisons are made again with their new columns, keeping their rows.
Rows loaded before this revision keep their normalised quote, copied to quote_normalised, and
have no original offsets until `pingan refresh` (or a load) derives their documents again,
which the changed pipeline version asks for.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from etl.views import rebuild_materialised, views_set_aside

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = {
    "change_abs": sa.Float,
    "quote_normalised": sa.Text,
    "original_start_offset": sa.Integer,
    "original_end_offset": sa.Integer,
}
# in the order they read one another (the city scorecard and the families read the comparison)
MATERIALISED = [
    "metric_comparison",
    "city_scorecard",
    "metric_family_comparison",
    "comparable_claims",
    "claim_conflicts",
]
KEYS = {
    "metric_comparison": ["indicator_id"],
    "city_scorecard": ["city"],
    "metric_family_comparison": ["family_metric", "indicator_id"],
    "comparable_claims": ["indicator_id"],
    "claim_conflicts": ["indicator_id_a", "indicator_id_b"],
}

# The indexes in falling order that pages read dated figures first from: a table made again
# keeps its other indexes, but SQLite's reflection does not tell a falling column.
DATED_FIRST = {
    "metric_comparison": {
        "ix_metric_comparison_period_resolved": ["period_resolved DESC", "indicator_id"],
        "ix_metric_comparison_metric_period_resolved": [
            "metric",
            "period_resolved DESC",
            "indicator_id",
        ],
    },
    "metric_family_comparison": {
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
    },
}


def upgrade() -> None:
    for name, type_ in COLUMNS.items():
        op.add_column("indicators", sa.Column(name, type_(), nullable=True))
    op.execute("UPDATE indicators SET quote_normalised = quote")
    rebuild_materialised(op, revision, MATERIALISED, KEYS, DATED_FIRST, ["indicator_facts"])


def downgrade() -> None:
    rebuild_materialised(
        op, revision, MATERIALISED, KEYS, DATED_FIRST, ["indicator_facts"], downgrading=True
    )
    # the revisions before this one quote the normalised words
    op.execute("UPDATE indicators SET quote = quote_normalised WHERE quote_normalised IS NOT NULL")
    with views_set_aside(op), op.batch_alter_table("indicators", schema=None) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
