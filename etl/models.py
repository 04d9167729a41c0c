"""The database schema, as SQLAlchemy models.

The models describe the newest schema; Alembic revisions in `migrations/versions/` are what create
and change it in a real database (`tests/test_migrations.py` checks that the two agree).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Text,
    UniqueConstraint,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Named constraints: SQLite batch migrations can only drop or alter a constraint that has a name.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# On SQLite a column's declared type is what BI tools read (PRAGMA table_info) and what views pass
# on: dates and times are declared DATE and DATETIME (their values ISO text), booleans BOOLEAN (0
# and 1), as SQLAlchemy declares them, so that Superset and pandas take them as dates and booleans
# (revision 0017); floats are declared REAL, SQLite's own name. PostgreSQL keeps its native types.
@compiles(Float, "sqlite")
def _sqlite_real(_type, _compiler, **_kw) -> str:
    return "REAL"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class EtlRun(Base):
    """One invocation of `pingan load`: what it saw and what became of it."""

    __tablename__ = "etl_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    files_seen: Mapped[int] = mapped_column(default=0)
    documents_loaded: Mapped[int] = mapped_column(default=0)
    documents_skipped: Mapped[int] = mapped_column(default=0)
    errors: Mapped[int] = mapped_column(default=0)


class Place(Base):
    """One of China's administrative divisions (province, prefecture city, county)."""

    __tablename__ = "places"

    code: Mapped[str] = mapped_column(Text, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    short_name: Mapped[str] = mapped_column(Text)
    level: Mapped[str] = mapped_column(Text)
    parent_code: Mapped[str | None] = mapped_column(Text, index=True)
    longitude: Mapped[float | None] = mapped_column(Float)
    latitude: Mapped[float | None] = mapped_column(Float)
    popup: Mapped[str | None] = mapped_column(Text)


class Document(Base):
    """One article, identified by the sha256 of its raw bytes."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(Text, unique=True)
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    char_count: Mapped[int]
    loaded_at: Mapped[datetime]
    run_id: Mapped[int | None] = mapped_column(ForeignKey("etl_runs.id"))
    title_derived: Mapped[bool] = mapped_column(default=False, server_default="0")
    subtitle: Mapped[str | None] = mapped_column(Text)
    published_on: Mapped[date | None] = mapped_column(index=True)
    source: Mapped[str | None] = mapped_column(Text, index=True)
    authors: Mapped[str | None] = mapped_column(Text)
    editor: Mapped[str | None] = mapped_column(Text)
    photographer: Mapped[str | None] = mapped_column(Text)
    encoding: Mapped[str | None] = mapped_column(Text)
    script: Mapped[str | None] = mapped_column(Text, index=True)
    original_text: Mapped[str | None] = mapped_column(Text)
    place_code: Mapped[str | None] = mapped_column(ForeignKey("places.code"), index=True)
    city: Mapped[str | None] = mapped_column(Text, index=True)
    province: Mapped[str | None] = mapped_column(Text, index=True)
    place_name: Mapped[str | None] = mapped_column(Text)
    report_city: Mapped[str | None] = mapped_column(Text, index=True)
    paragraph_count: Mapped[int | None]
    indicator_count: Mapped[int | None]
    keywords: Mapped[str | None] = mapped_column(Text)
    segmenter: Mapped[str | None] = mapped_column(Text)
    pipeline_version: Mapped[str | None] = mapped_column(Text)
    # where published_on came from: record, manifest, sidecar, html, url, text or none
    date_source: Mapped[str | None] = mapped_column(Text)
    # where a collection's record or a manifest says the article came from (etl.records)
    url: Mapped[str | None] = mapped_column(Text)
    container: Mapped[str | None] = mapped_column(Text)
    record_number: Mapped[int | None]
    given_metadata: Mapped[str | None] = mapped_column(Text)


class DocumentPath(Base):
    """Every path a document's bytes were seen under (the same bytes are one document)."""

    __tablename__ = "document_paths"
    __table_args__ = (UniqueConstraint("document_id", "path"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(Text, index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("etl_runs.id"))


class Paragraph(Base):
    """One paragraph of a document, in reading order."""

    __tablename__ = "paragraphs"
    __table_args__ = (UniqueConstraint("document_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text, default="body", server_default="body")
    start_offset: Mapped[int | None]
    end_offset: Mapped[int | None]
    original_text: Mapped[str | None] = mapped_column(Text)
    tokens: Mapped[str | None] = mapped_column(Text)


class DocumentKeyword(Base):
    """One of a document's top keywords (TF-IDF over its segmented text, genre stop words out)."""

    __tablename__ = "document_keywords"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    rank: Mapped[int] = mapped_column(primary_key=True)
    keyword: Mapped[str] = mapped_column(Text, index=True)
    weight: Mapped[float] = mapped_column(Float)


class LoadError(Base):
    """A file that could not be loaded, and why."""

    __tablename__ = "load_errors"
    __table_args__ = (Index(None, "run_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("etl_runs.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(Text)
    error: Mapped[str] = mapped_column(Text)


class LoadWarning(Base):
    """Something odd about a file that still loaded (a truncated last character, say)."""

    __tablename__ = "load_warnings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("etl_runs.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    path: Mapped[str] = mapped_column(Text)
    warning: Mapped[str] = mapped_column(Text)


class Metric(Base):
    """A canonical metric that differently worded claims are lined up under."""

    __tablename__ = "metrics"

    code: Mapped[str] = mapped_column(Text, primary_key=True)
    name_zh: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    family: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    # the broader metric this one is a sub-type or a near relative of: a metric code, with no
    # foreign key, so that a copy may write the metrics in any order
    parent: Mapped[str | None] = mapped_column(Text)
    city_count: Mapped[int] = mapped_column(default=0, server_default="0")
    document_count: Mapped[int] = mapped_column(default=0, server_default="0")
    indicator_count: Mapped[int] = mapped_column(default=0, server_default="0")


class MetricSynonym(Base):
    """A subject as articles write it (刑事发案数, 刑事案件) and the metric it means."""

    __tablename__ = "metric_synonyms"

    synonym: Mapped[str] = mapped_column(Text, primary_key=True)
    metric: Mapped[str] = mapped_column(ForeignKey("metrics.code", ondelete="CASCADE"), index=True)


class Indicator(Base):
    """One quantitative claim in a paragraph: a level, an amount, a rate or a change."""

    __tablename__ = "indicators"
    __table_args__ = (
        UniqueConstraint("paragraph_id", "position"),
        # metric first, as filters and the per-metric counts read it; with document_id the
        # counts of documents per metric come from the index alone (sql/refresh_counts.sql)
        Index("ix_indicators_metric_document", "metric", "document_id"),
        # document first, for a document's indicators; with metric the count of indicator_facts
        # (every Datasette page of it) reads the index alone, not each indicator's row
        Index("ix_indicators_document_metric", "document_id", "metric"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    paragraph_id: Mapped[int] = mapped_column(ForeignKey("paragraphs.id", ondelete="CASCADE"))
    position: Mapped[int]
    quote: Mapped[str] = mapped_column(Text)  # as published: see original_start_offset
    start_offset: Mapped[int]
    end_offset: Mapped[int]
    subject: Mapped[str | None] = mapped_column(Text)
    metric: Mapped[str | None] = mapped_column(ForeignKey("metrics.code"))
    value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text, index=True)
    change_pct: Mapped[float | None] = mapped_column(Float)
    change_pp: Mapped[float | None] = mapped_column(Float)
    change_abs: Mapped[float | None] = mapped_column(Float)
    direction: Mapped[str | None] = mapped_column(Text)
    basis: Mapped[str | None] = mapped_column(Text)
    period: Mapped[str | None] = mapped_column(Text)
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    approx: Mapped[str | None] = mapped_column(Text)
    scope: Mapped[str | None] = mapped_column(Text)
    place_level: Mapped[str] = mapped_column(Text, default="city", server_default="city")
    is_target: Mapped[bool] = mapped_column(default=False, server_default="0")
    bound: Mapped[str | None] = mapped_column(Text)
    measure: Mapped[str | None] = mapped_column(Text)
    why_unmapped: Mapped[str | None] = mapped_column(Text)
    # NULL until the document is derived again after migration 0015 (`pingan refresh`)
    period_resolved: Mapped[bool | None]
    period_label: Mapped[str | None] = mapped_column(Text)
    # the quote normalised (paragraphs.text[start_offset:end_offset]), for search and comparison;
    # the offsets of `quote` in paragraphs.original_text, NULL until the document is derived again
    # after migration 0018
    quote_normalised: Mapped[str | None] = mapped_column(Text)
    original_start_offset: Mapped[int | None]
    original_end_offset: Mapped[int | None]


# The materialised comparisons (etl/views.py): tables refilled after each load from the query
# views `_NAME_query` (sql/views/NAME.sql), keyed so that rows have pages of their own, and
# indexed on what pages filter, facet and sort by (`DESC`: dated figures first). Their columns
# are the query's, in its order (a refill inserts SELECT *), and declared as the tables the
# query reads declare them.


class MetricComparison(Base):
    """One figure per (metric, measure, city, period): the latest document's."""

    __tablename__ = "metric_comparison"
    __table_args__ = (
        Index("ix_metric_comparison_city", "city"),
        Index("ix_metric_comparison_kind", "kind"),
        Index("ix_metric_comparison_measure", "measure"),
        Index("ix_metric_comparison_metric", "metric"),
        Index("ix_metric_comparison_metric_city", "metric", "city"),
        Index("ix_metric_comparison_metric_kind", "metric", "kind"),
        Index("ix_metric_comparison_metric_measure", "metric", "measure"),
        Index("ix_metric_comparison_metric_place_level", "metric", "place_level"),
        Index("ix_metric_comparison_metric_province", "metric", "province"),
        Index("ix_metric_comparison_place_level", "place_level"),
        Index("ix_metric_comparison_province", "province"),
    )

    metric: Mapped[str | None] = mapped_column(Text)
    metric_name_zh: Mapped[str | None] = mapped_column(Text)
    city: Mapped[str | None] = mapped_column(Text)
    scope: Mapped[str | None] = mapped_column(Text)
    measure: Mapped[str | None] = mapped_column(Text)
    value: Mapped[float | None] = mapped_column(Float)
    approx: Mapped[str | None] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(Text)
    period_label: Mapped[str | None] = mapped_column(Text)
    period: Mapped[str | None] = mapped_column(Text)
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    period_resolved: Mapped[bool | None]
    change_pct: Mapped[float | None] = mapped_column(Float)
    change_pp: Mapped[float | None] = mapped_column(Float)
    change_abs: Mapped[float | None] = mapped_column(Float)
    direction: Mapped[str | None] = mapped_column(Text)
    basis: Mapped[str | None] = mapped_column(Text)
    quote: Mapped[str | None] = mapped_column(Text)
    document_id: Mapped[int | None]
    paragraph_id: Mapped[int | None]
    title: Mapped[str | None] = mapped_column(Text)
    published_on: Mapped[date | None]
    date_source: Mapped[str | None] = mapped_column(Text)
    province: Mapped[str | None] = mapped_column(Text)
    place_level: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(Text)
    is_target: Mapped[bool | None]
    bound: Mapped[str | None] = mapped_column(Text)
    subject: Mapped[str | None] = mapped_column(Text)
    metric_name_en: Mapped[str | None] = mapped_column(Text)
    metric_parent: Mapped[str | None] = mapped_column(Text)
    indicator_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)


class CityScorecard(Base):
    """One city, with its headline figures side by side."""

    __tablename__ = "city_scorecard"
    __table_args__ = (
        Index("ix_city_scorecard_city", "city"),
        Index("ix_city_scorecard_province", "province"),
    )

    city: Mapped[str] = mapped_column(Text, primary_key=True)
    province: Mapped[str | None] = mapped_column(Text)
    criminal_cases_change_pct: Mapped[float | None] = mapped_column(Float)
    criminal_cases_metric: Mapped[str | None] = mapped_column(Text)
    criminal_cases_measure: Mapped[str | None] = mapped_column(Text)
    criminal_cases_period: Mapped[str | None] = mapped_column(Text)
    property_crimes_change_pct: Mapped[float | None] = mapped_column(Float)
    property_crimes_measure: Mapped[str | None] = mapped_column(Text)
    property_crimes_period: Mapped[str | None] = mapped_column(Text)
    telecom_fraud_cases_change_pct: Mapped[float | None] = mapped_column(Float)
    telecom_fraud_cases_measure: Mapped[str | None] = mapped_column(Text)
    telecom_fraud_cases_period: Mapped[str | None] = mapped_column(Text)
    surveillance_cameras: Mapped[float | None] = mapped_column(Float)
    surveillance_cameras_measure: Mapped[str | None] = mapped_column(Text)
    surveillance_cameras_period: Mapped[str | None] = mapped_column(Text)
    grid_workers: Mapped[float | None] = mapped_column(Float)
    grid_workers_measure: Mapped[str | None] = mapped_column(Text)
    grid_workers_period: Mapped[str | None] = mapped_column(Text)
    community_police: Mapped[float | None] = mapped_column(Float)
    community_police_measure: Mapped[str | None] = mapped_column(Text)
    community_police_period: Mapped[str | None] = mapped_column(Text)
    dispute_resolution_rate_pct: Mapped[float | None] = mapped_column(Float)
    dispute_resolution_rate_measure: Mapped[str | None] = mapped_column(Text)
    dispute_resolution_rate_period: Mapped[str | None] = mapped_column(Text)
    public_safety_sense_pct: Mapped[float | None] = mapped_column(Float)
    public_safety_sense_measure: Mapped[str | None] = mapped_column(Text)
    public_safety_sense_period: Mapped[str | None] = mapped_column(Text)


class MetricFamilyComparison(Base):
    """A figure of metric_comparison, once under each family it belongs to."""

    __tablename__ = "metric_family_comparison"
    __table_args__ = (
        Index("ix_metric_family_comparison_city", "city"),
        Index("ix_metric_family_comparison_measure", "measure"),
    )

    family_metric: Mapped[str] = mapped_column(Text, primary_key=True)
    family_name_zh: Mapped[str | None] = mapped_column(Text)
    metric: Mapped[str | None] = mapped_column(Text)
    metric_name_zh: Mapped[str | None] = mapped_column(Text)
    city: Mapped[str | None] = mapped_column(Text)
    scope: Mapped[str | None] = mapped_column(Text)
    measure: Mapped[str | None] = mapped_column(Text)
    value: Mapped[float | None] = mapped_column(Float)
    approx: Mapped[str | None] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(Text)
    period_label: Mapped[str | None] = mapped_column(Text)
    period: Mapped[str | None] = mapped_column(Text)
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    period_resolved: Mapped[bool | None]
    change_pct: Mapped[float | None] = mapped_column(Float)
    change_pp: Mapped[float | None] = mapped_column(Float)
    change_abs: Mapped[float | None] = mapped_column(Float)
    direction: Mapped[str | None] = mapped_column(Text)
    basis: Mapped[str | None] = mapped_column(Text)
    quote: Mapped[str | None] = mapped_column(Text)
    document_id: Mapped[int | None]
    paragraph_id: Mapped[int | None]
    title: Mapped[str | None] = mapped_column(Text)
    published_on: Mapped[date | None]
    province: Mapped[str | None] = mapped_column(Text)
    place_level: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(Text)
    is_target: Mapped[bool | None]
    bound: Mapped[str | None] = mapped_column(Text)
    indicator_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)


class ComparableClaim(Base):
    """A claim that can be set against others, with the keys claim_conflicts pairs on."""

    __tablename__ = "comparable_claims"
    __table_args__ = (
        Index(
            "ix_comparable_claims_pairing",
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
        ),
    )

    indicator_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    document_id: Mapped[int | None]
    city: Mapped[str | None] = mapped_column(Text)
    metric: Mapped[str | None] = mapped_column(Text)
    measure: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(Text)
    is_target: Mapped[bool | None]
    scope: Mapped[str | None] = mapped_column(Text)
    basis: Mapped[str | None] = mapped_column(Text)
    bound: Mapped[str | None] = mapped_column(Text)
    period: Mapped[str | None] = mapped_column(Text)
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    subject: Mapped[str | None] = mapped_column(Text)
    value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(Text)
    approx: Mapped[str | None] = mapped_column(Text)
    change_pct: Mapped[float | None] = mapped_column(Float)
    direction: Mapped[str | None] = mapped_column(Text)


class ClaimConflict(Base):
    """A pair of claims that cannot both be true."""

    __tablename__ = "claim_conflicts"
    __table_args__ = (
        Index("ix_claim_conflicts_city", "city"),
        Index("ix_claim_conflicts_metric", "metric"),
    )

    metric: Mapped[str | None] = mapped_column(Text)
    metric_name_zh: Mapped[str | None] = mapped_column(Text)
    city: Mapped[str | None] = mapped_column(Text)
    scope: Mapped[str | None] = mapped_column(Text)
    measure: Mapped[str | None] = mapped_column(Text)
    period_label: Mapped[str | None] = mapped_column(Text)
    period: Mapped[str | None] = mapped_column(Text)
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    kind: Mapped[str | None] = mapped_column(Text)
    basis: Mapped[str | None] = mapped_column(Text)
    value_a: Mapped[float | None] = mapped_column(Float)
    value_b: Mapped[float | None] = mapped_column(Float)
    approx_a: Mapped[str | None] = mapped_column(Text)
    approx_b: Mapped[str | None] = mapped_column(Text)
    change_pct_a: Mapped[float | None] = mapped_column(Float)
    change_pct_b: Mapped[float | None] = mapped_column(Float)
    change_abs_a: Mapped[float | None] = mapped_column(Float)
    change_abs_b: Mapped[float | None] = mapped_column(Float)
    direction_a: Mapped[str | None] = mapped_column(Text)
    direction_b: Mapped[str | None] = mapped_column(Text)
    subject_a: Mapped[str | None] = mapped_column(Text)
    subject_b: Mapped[str | None] = mapped_column(Text)
    quote_a: Mapped[str | None] = mapped_column(Text)
    quote_b: Mapped[str | None] = mapped_column(Text)
    title_a: Mapped[str | None] = mapped_column(Text)
    title_b: Mapped[str | None] = mapped_column(Text)
    document_id_a: Mapped[int | None]
    document_id_b: Mapped[int | None]
    indicator_id_a: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    indicator_id_b: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    province: Mapped[str | None] = mapped_column(Text)


# dated figures first, as pages sort them (db/metadata.yaml), whole or within a metric or family
Index(
    "ix_metric_comparison_metric_period_resolved",
    MetricComparison.metric,
    MetricComparison.period_resolved.desc(),
    MetricComparison.indicator_id,
)
Index(
    "ix_metric_comparison_period_resolved",
    MetricComparison.period_resolved.desc(),
    MetricComparison.indicator_id,
)
Index(
    "ix_metric_family_comparison_family_metric_period_resolved",
    MetricFamilyComparison.family_metric,
    MetricFamilyComparison.period_resolved.desc(),
    MetricFamilyComparison.indicator_id,
)
Index(
    "ix_metric_family_comparison_period_resolved",
    MetricFamilyComparison.period_resolved.desc(),
    MetricFamilyComparison.family_metric,
    MetricFamilyComparison.indicator_id,
)
