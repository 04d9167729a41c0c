"""The public views: kept in step with their migrations, typed for BI tools, documented."""

import itertools
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Boolean, Date, DateTime, inspect, text

from etl.load import load_files
from etl.models import Base
from etl.read import find_article_files
from etl.upkeep import counts_statements
from etl.views import VIEWS_DIR, newest_snapshot, view_body
from tests.conftest import SEEDS

VIEW_FILES = sorted(VIEWS_DIR.glob("*.sql"))
VIEW_NAMES = [p.stem for p in VIEW_FILES]


@pytest.mark.parametrize("path", VIEW_FILES, ids=VIEW_NAMES)
def test_view_file_matches_its_newest_migration_snapshot(path):
    snapshot = newest_snapshot(path.stem)
    assert snapshot is not None, f"no migration creates {path.stem}: add one (see README)"
    assert view_body(path.read_text()) == view_body(snapshot.read_text()), (
        f"{path.name} changed since its migration: add a revision that snapshots it"
    )


@pytest.mark.parametrize("path", VIEW_FILES, ids=VIEW_NAMES)
def test_view_file_opens_with_a_comment_saying_what_a_row_is(path):
    first = path.read_text().splitlines()[0]
    assert first.startswith(f"-- {path.stem}: one row per")


# What SQLite columns are declared as: storage classes, and the dates and flags BI tools read
# as such (values ISO text and 0/1). SQLite's CAST(x AS DATE) gives a number (2013), so a view
# computes none: a date it passes on keeps its table's declared type.
DECLARED_TYPES = ("INTEGER", "REAL", "TEXT", "DATE", "DATETIME", "BOOLEAN")


@pytest.mark.parametrize("name", VIEW_NAMES)
def test_every_view_column_has_a_declared_type(engine, name):
    with engine.connect() as connection:
        columns = connection.execute(text(f'PRAGMA table_info("{name}")')).all()
    assert columns, f"view or materialised table {name} does not exist"
    untyped = [c.name for c in columns if c.type not in DECLARED_TYPES]
    assert untyped == []


def test_migrated_database_has_exactly_the_view_files(engine):
    """Each view file is a view, or a materialised table with its `_NAME_query` view."""
    from etl.views import query_view

    views, tables = set(inspect(engine).get_view_names()), set(inspect(engine).get_table_names())
    materialised = {name for name in VIEW_NAMES if name in tables}
    assert materialised == {
        "metric_comparison",
        "metric_family_comparison",
        "city_scorecard",
        "claim_conflicts",
        "comparable_claims",
    }
    assert views == (set(VIEW_NAMES) - materialised) | {query_view(n) for n in materialised}


def view_rows(engine, sql: str, **params) -> list[dict]:
    with engine.connect() as connection:
        return [dict(r) for r in connection.execute(text(sql), params).mappings()]


def test_metric_comparison_lines_up_cities_on_criminal_cases(seeded_engine):
    rows = view_rows(
        seeded_engine, "SELECT * FROM metric_comparison WHERE metric = 'criminal_cases'"
    )
    by_city = {}
    for row in rows:
        by_city.setdefault(row["city"], []).append(row)
    assert {"临夏市", "酒泉市", "贵阳市"} <= set(by_city)
    guiyang = {(r["period"], r["change_pct"]) for r in by_city["贵阳市"]}
    assert ("今年前10月", -21.22) in guiyang
    jiuquan = {(r["basis"], r["change_pct"]) for r in by_city["酒泉市"]}
    assert {("比2020年", -12.67), ("比2019年", -24.09)} <= jiuquan
    assert all(r["quote"] and r["document_id"] and r["paragraph_id"] for r in rows)


def test_shantou_police_reports_and_filed_cases_have_their_own_metrics(seeded_engine):
    rows = view_rows(
        seeded_engine,
        "SELECT metric, change_pct, period FROM metric_comparison WHERE city = '汕头市'",
    )
    found = {(r["metric"], r["change_pct"]) for r in rows}
    assert {("criminal_incidents_reported", -12.1), ("criminal_cases_filed", -5.8)} <= found
    assert ("criminal_cases", -12.1) not in found


def test_city_scorecard_has_one_row_per_city_with_periods(seeded_engine):
    rows = view_rows(seeded_engine, "SELECT * FROM city_scorecard")
    cities = [r["city"] for r in rows]
    assert len(cities) == len(set(cities))
    shantou = next(r for r in rows if r["city"] == "汕头市")
    assert shantou["surveillance_cameras"] == 205000
    assert shantou["surveillance_cameras_measure"] == "stock"
    assert shantou["surveillance_cameras_period"] == "截至2013年11月"  # as of its publication
    # 汕头 gives no 发案 figure: its crime cell is its 立案 one, and says so
    assert (shantou["criminal_cases_change_pct"], shantou["criminal_cases_metric"]) == (
        -5.8,
        "刑事立案数",
    )
    assert shantou["criminal_cases_period"] == "2013年1-9月"
    guiyang = next(r for r in rows if r["city"] == "贵阳市")
    assert guiyang["criminal_cases_change_pct"] == -21.22
    assert guiyang["criminal_cases_period"] == "今年前10月（未注明日期）"  # no year: undated


def test_indicator_facts_has_every_indicator_with_its_document(seeded_engine):
    facts = view_rows(seeded_engine, "SELECT count(*) AS n FROM indicator_facts")[0]["n"]
    indicators = view_rows(seeded_engine, "SELECT count(*) AS n FROM indicators")[0]["n"]
    assert facts == indicators > 50


def test_metric_coverage_counts_cities_and_documents(seeded_engine):
    rows = {r["metric"]: r for r in view_rows(seeded_engine, "SELECT * FROM metric_coverage")}
    assert rows["criminal_cases"]["city_count"] >= 3
    assert rows["criminal_cases"]["document_count"] >= 3
    assert all(r["name_zh"] and r["name_en"] for r in rows.values())


def test_metric_counts_are_those_of_the_indicators(seeded_engine):
    """The counts that `sql/refresh_counts.sql` stores, against the indicators counted here."""
    with seeded_engine.connect() as connection:
        stored = {
            code: counts
            for code, *counts in connection.execute(
                text("SELECT code, city_count, document_count, indicator_count FROM metrics")
            )
        }
        claims = connection.execute(
            text(
                "SELECT i.metric, d.report_city, i.document_id FROM indicators AS i "
                "JOIN documents AS d ON d.id = i.document_id"
            )
        ).all()
    counted = {
        code: [
            len({city for metric, city, _ in claims if metric == code and city is not None}),
            len({document for metric, _, document in claims if metric == code}),
            sum(1 for metric, _, _ in claims if metric == code),
        ]
        for code in stored
    }
    assert stored == counted
    assert sum(counts[2] for counts in stored.values()) > 50


def indicator_reads(engine, statements: list[str]) -> list[str]:
    """The lines of the statements' query plans that read the indicators table."""
    with engine.connect() as connection:
        plans = [
            detail
            for statement in statements
            for *_, detail in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}")
        ]
    reads = [line for line in plans if re.match(r"(SCAN|SEARCH) (i|indicators)\b", line)]
    assert reads, plans
    return reads


def test_metric_counts_read_the_indicators_from_an_index_alone(seeded_engine):
    """Every load recounts all indicators; reading their rows for the document ids took 3 of the
    count's 4 s at 100,000 documents (migration 0012)."""
    reads = indicator_reads(seeded_engine, counts_statements())
    assert all("COVERING INDEX" in line for line in reads), reads


def test_counting_indicator_facts_reads_the_indicators_from_an_index_alone(seeded_engine):
    """Every Datasette page of indicator_facts counts its rows; reading each indicator's row for
    its metric took 530 ms at 100,000 documents, 10.9 s from disk (migration 0014)."""
    counts = [
        "SELECT count(*) FROM indicator_facts",
        "SELECT count(*) FROM indicator_facts WHERE city = '汕头市'",
    ]
    reads = indicator_reads(seeded_engine, counts)
    assert all("COVERING INDEX" in line for line in reads), reads


def test_claim_conflicts_pairs_disagreeing_claims_and_skips_agreeing_repeats(seeded_engine):
    rows = view_rows(seeded_engine, "SELECT * FROM claim_conflicts")
    for row in rows:
        assert row["indicator_id_a"] != row["indicator_id_b"]
        assert (row["value_a"], row["change_pct_a"], row["direction_a"]) != (
            row["value_b"],
            row["change_pct_b"],
            row["direction_b"],
        )


def conflicting_pairs(claims: list[dict]) -> set[tuple[int, int]]:
    """What claim_conflicts must hold, worked out here from comparable_claims as the view says
    it in words: the same city, metric, measure, kind, target, scope, basis and bound (a NULL
    scope, basis or bound matches only NULL), for changes the same unit (%, 个百分点, or the unit
    itself: 减少484起), the same dated period or, undated, the same period
    words in the same document; within one document, the same subject as written; and a
    different direction, or a different value or change beyond rounding (when either figure is
    approximate, more than a tenth of the larger apart)."""

    def equal(x, y) -> bool:
        return x is not None and x == y

    def differ(x, y) -> bool:
        return x is not None and y is not None and x != y

    pairs = set()
    for a, b in itertools.combinations(sorted(claims, key=lambda c: c["indicator_id"]), 2):
        keys = ("city", "metric", "measure", "kind", "is_target")
        same_keys = all(equal(a[k], b[k]) for k in keys)
        same_keys &= all(a[k] == b[k] for k in ("scope", "basis", "bound"))
        same_keys &= a["kind"] != "change" or a["unit"] == b["unit"]
        one_document = a["document_id"] == b["document_id"]
        dated = all(equal(a[k], b[k]) for k in ("period_start", "period_end"))
        undated = (
            a["period_start"] is None
            and b["period_start"] is None
            and equal(a["period"], b["period"])
            and one_document
        )
        same_subject = not one_document or a["subject"] == b["subject"]
        rounded = (a["approx"] or b["approx"]) is not None
        beyond_rounding = not rounded or abs(a["value"] - b["value"]) * 10 > max(
            abs(a["value"]), abs(b["value"])
        )
        differs = any(differ(a[k], b[k]) for k in ("value", "change_pct"))
        disagree = differ(a["direction"], b["direction"]) or (differs and beyond_rounding)
        if same_keys and (dated or undated) and same_subject and disagree:
            pairs.add((a["indicator_id"], b["indicator_id"]))
    return pairs


# An undated article that gives one figure twice, differently: a conflict within a document.
SELF_CONTRADICTING = """某市平安建设成效显著
今年以来，酒泉市刑事案件发案数同比下降21%，群众安全感进一步提升。
今年以来，酒泉市刑事案件发案数同比下降25%，破案率明显提高。
"""


def test_claim_conflicts_are_the_disagreeing_pairs_of_comparable_claims(engine, tmp_path):
    # The seeds, two reprints of 汕头's dated report with its percentages changed (the same
    # dated claims across documents) and an undated article contradicting itself.
    write_shantou_reprints(tmp_path, ["2013-11-01", "2013-11-01"])
    (tmp_path / "contradiction.txt").write_text(SELF_CONTRADICTING, encoding="utf-8")
    load_files(engine, [*find_article_files([SEEDS]), *find_article_files([tmp_path])])
    claims = view_rows(engine, "SELECT * FROM comparable_claims")
    expected = conflicting_pairs(claims)
    dated = {c["indicator_id"] for c in claims if c["period_start"] is not None}
    across_documents = {(a, b) for a, b in expected if {a, b} <= dated}
    assert across_documents and expected - across_documents  # both halves of the view at work
    rows = view_rows(engine, "SELECT indicator_id_a, indicator_id_b FROM claim_conflicts")
    assert {(r["indicator_id_a"], r["indicator_id_b"]) for r in rows} == expected
    assert len(rows) == len(expected)


def latest_figures(facts: list[dict]) -> set[int]:
    """What metric_comparison's header describes, computed here: for each metric, measure, city,
    scope, period, kind, basis, bound and target, and for a change its unit, the indicator of the
    latest published document (the newest document, then the first indicator, on a tie); figures
    cited for another place left out."""
    groups: dict[tuple, list[dict]] = {}
    for fact in facts:
        compared = fact["place_level"] in ("city", "sub_city")  # not a figure cited elsewhere
        if fact["metric"] is not None and fact["city"] is not None and compared:
            change_unit = fact["unit"] if fact["kind"] == "change" else None
            key = (*(fact[k] for k in PARTITION), change_unit)
            groups.setdefault(key, []).append(fact)
    return {
        min(
            group,
            key=lambda f: (-date_rank(f["published_on"]), -f["document_id"], f["indicator_id"]),
        )["indicator_id"]
        for group in groups.values()
    }


PARTITION = (
    "metric",
    "measure",
    "city",
    "scope",
    "period",
    "kind",
    "basis",
    "bound",
    "is_target",
)


def date_rank(published_on: str | date | None) -> int:
    """Dates (ISO text from SQLite, dates from PostgreSQL) as numbers, a missing one last."""
    return int(str(published_on).replace("-", "")) if published_on else -1


def write_shantou_reprints(folder: Path, dates: list[str | None]) -> None:
    """Reprints of 汕头's report (a seed) with its percentages raised by 1, 2...: one file each,
    dated as given (None: the date line removed), loaded in that order after the seeds."""
    shantou = (SEEDS / "003_80641e2bde794d19.txt").read_text(encoding="utf-8")
    for shift, day in enumerate(dates, start=1):
        changed = re.sub(r"(\d+(?:\.\d+)?)%", lambda m, by=shift: f"{float(m[1]) + by:g}%", shantou)
        dated = (
            changed.replace("2013-11-01 15:19:07 ", "")
            if day is None
            else changed.replace("2013-11-01", day)
        )
        (folder / f"reprint-{shift}.txt").write_text(dated, encoding="utf-8")


def test_metric_comparison_keeps_the_latest_published_figure_of_each_kind(engine, tmp_path):
    # The seeds, and reprints of 汕头's report: one published later than the original, one
    # earlier, one undated; the last two loaded after it (newer documents).
    write_shantou_reprints(tmp_path, ["2013-11-05", "2013-10-20", None])
    load_files(engine, [*find_article_files([SEEDS]), *find_article_files([tmp_path])])
    facts = view_rows(engine, "SELECT * FROM indicator_facts")
    assert any(f["published_on"] is None and f["city"] == "汕头市" for f in facts)
    expected = latest_figures(facts)
    rows = view_rows(engine, "SELECT indicator_id, city, published_on FROM metric_comparison")
    assert {r["indicator_id"] for r in rows} == expected
    assert len(rows) == len(expected)
    # the date decides, not the order of loading or a missing date: every figure of 汕头's comes
    # from the reprint published last
    assert {r["published_on"] for r in rows if r["city"] == "汕头市"} == {"2013-11-05"}


def test_document_overview_has_counts_and_keywords(seeded_engine):
    rows = view_rows(seeded_engine, "SELECT * FROM document_overview")
    assert len(rows) == 5
    assert all(r["paragraph_count"] > 5 and r["keywords"] for r in rows)
    assert sum(r["indicator_count"] for r in rows) > 50


def test_place_map_puts_every_document_on_the_map(seeded_engine):
    rows = view_rows(seeded_engine, "SELECT * FROM place_map")
    assert {r["place_name"] for r in rows} == {"临夏市", "酒泉市", "贵阳市", "汕头市", "晋中市"}
    assert all(r["latitude"] and r["longitude"] and "city_profile" in r["popup"] for r in rows)


@pytest.mark.parametrize("name", VIEW_NAMES)
def test_views_read_through_datasette_json_and_csv(datasette, name):
    from tests.conftest import get

    as_json = get(datasette, f"/pingan/{name}.json?_shape=array&_size=max")
    as_csv = get(datasette, f"/pingan/{name}.csv?_size=max")
    assert as_json.status_code == as_csv.status_code == 200
    assert len(as_csv.text.strip().splitlines()) == len(as_json.json()) + 1


@pytest.fixture(scope="module")
def contradicted_engine(tmp_path_factory):
    """The seeds and an article contradicting itself: every view has rows (the seeds alone have
    no conflict)."""
    from etl import db

    folder = tmp_path_factory.mktemp("contradicted")
    (folder / "contradiction.txt").write_text(SELF_CONTRADICTING, encoding="utf-8")
    engine = db.make_engine(db.database_url(folder / "pingan.sqlite"))
    db.upgrade(engine)
    load_files(engine, [*find_article_files([SEEDS]), folder / "contradiction.txt"])
    yield engine
    engine.dispose()


# The types a BI tool offers time axes and yes/no filters for (DateTime before Date: SQLite's
# DATETIME is no Date, nor its DATE a DateTime, but be sure of the order anyway).
TEMPORAL_OR_FLAG = (DateTime, Date, Boolean)


def kind_of(type_) -> type | None:
    return next((kind for kind in TEMPORAL_OR_FLAG if isinstance(type_, kind)), None)


def model_kinds() -> dict[str, type | None]:
    """Each model column's name and kind (date, time, flag or neither); a view's column of that
    name passes it on. A name means one kind wherever it stands."""
    kinds: dict[str, set[type | None]] = {}
    for table in Base.metadata.tables.values():
        for column in table.columns:
            kinds.setdefault(column.name, set()).add(kind_of(column.type))
    assert all(len(found) == 1 for found in kinds.values() if found != {None}), kinds
    return {name: found.pop() for name, found in kinds.items()}


def public_names(engine) -> list[str]:
    """The tables and views an analyst reads: not the internal ones the site hides."""
    from etl.datasette_plugin import INTERNAL_TABLE

    inspector = inspect(engine)
    names = [*inspector.get_table_names(), *inspector.get_view_names()]
    return sorted(name for name in names if not INTERNAL_TABLE.search(name))


def test_reflection_gives_dates_times_and_flags_where_the_models_say_so(contradicted_engine):
    from sqlalchemy import MetaData, Table

    kinds = model_kinds()
    names = public_names(contradicted_engine)
    assert {"documents", "indicators", "indicator_facts", "metric_comparison"} <= set(names)
    typed = {}
    for name in names:
        table = Table(name, MetaData(), autoload_with=contradicted_engine)
        for column in table.columns:
            assert kind_of(column.type) == kinds.get(column.name), f"{name}.{column.name}"
            typed[f"{name}.{column.name}"] = kind_of(column.type)
    assert typed["documents.published_on"] is Date
    assert typed["indicator_facts.period_start"] is Date
    assert typed["etl_runs.started_at"] is DateTime
    assert typed["metric_comparison.is_target"] is Boolean


@pytest.mark.parametrize("name", VIEW_NAMES)
def test_views_read_through_sqlalchemy_as_a_bi_tool_would(contradicted_engine, name):
    from sqlalchemy import MetaData, Table, select

    view = Table(name, MetaData(), autoload_with=contradicted_engine)
    with contradicted_engine.connect() as connection:
        rows = connection.execute(select(view)).all()
    assert rows
    assert all(str(column.type) in DECLARED_TYPES for column in view.columns)
    python_types = {Date: date, DateTime: datetime, Boolean: bool}
    for column in view.columns:
        expected = python_types.get(kind_of(column.type))
        if expected is not None:
            values = [row._mapping[column.name] for row in rows]
            assert all(isinstance(v, expected) for v in values if v is not None), column.name


def test_pandas_reads_dates_as_datetimes_and_flags_as_booleans(contradicted_engine):
    import pandas

    facts = pandas.read_sql_table("indicator_facts", contradicted_engine)
    assert pandas.api.types.is_datetime64_any_dtype(facts["published_on"])
    assert pandas.api.types.is_datetime64_any_dtype(facts["period_start"])
    assert pandas.api.types.is_bool_dtype(facts["is_target"])
    runs = pandas.read_sql_table("etl_runs", contradicted_engine)
    assert pandas.api.types.is_datetime64_any_dtype(runs["started_at"])


@pytest.mark.parametrize(
    "name, key",
    [
        ("metric_comparison", ["indicator_id"]),
        ("metric_family_comparison", ["family_metric", "indicator_id"]),
        ("city_scorecard", ["city"]),
        ("claim_conflicts", ["indicator_id_a", "indicator_id_b"]),
        ("comparable_claims", ["indicator_id"]),
    ],
)
def test_materialised_comparisons_are_keyed_so_rows_have_pages(seeded_engine, datasette, name, key):
    from tests.conftest import get

    assert inspect(seeded_engine).get_pk_constraint(name)["constrained_columns"] == key
    rows = get(datasette, f"/pingan/{name}.json?_shape=array").json()
    assert rows == [] or "rowid" not in rows[0]
