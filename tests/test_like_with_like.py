"""Like with like (issue 19): the seeds loaded into a real migrated SQLite file, compared as a
reader would: on (metric, measure), with real conflicts only, families listed labelled, and
undated figures saying so and coming after the dated ones."""

from sqlalchemy import inspect, text

from etl import db
from etl.load import load_files, refresh_documents
from etl.read import find_article_files
from etl.views import refresh_materialised
from tests.conftest import SEEDS, get
from tests.test_views import view_rows

CRIMINAL_CASES_FAMILY = {"criminal_cases", "criminal_cases_filed", "criminal_incidents_reported"}


def test_the_seeds_hold_no_false_conflict(seeded_engine):
    """Both conflicts the seeds used to show were false (a subset of one operation's arrests,
    two different forces), and no other pair of their claims cannot both be true."""
    rows = view_rows(seeded_engine, "SELECT quote_a, quote_b FROM claim_conflicts")
    assert rows == []


# An undated article restating one figure three times: rounded (3500余), exactly, and wrongly.
RESTATED = """酒泉市平安建设工作综述
今年以来，酒泉市共有专职网格员3500余名，覆盖城乡。
今年以来，酒泉市共有专职网格员3560名，每天走访群众。
今年以来，酒泉市共有专职网格员4200名，排查矛盾纠纷。
"""


def test_a_rounded_restatement_is_no_conflict_and_a_wrong_one_is(engine, tmp_path):
    (tmp_path / "restated.txt").write_text(RESTATED, encoding="utf-8")
    load_files(engine, [tmp_path / "restated.txt"])
    rows = view_rows(engine, "SELECT value_a, value_b FROM claim_conflicts")
    assert sorted((r["value_a"], r["value_b"]) for r in rows) == [(3500, 4200), (3560, 4200)]


# A city's figure beside the national and provincial ones it is compared with.
CITED_ELSEWHERE = """酒泉市平安建设工作综述
今年以来，全市刑事案件发案数同比下降12%，全国刑事案件发案数同比下降5%，全省刑事案件发案数同比下降7%。
"""


def test_figures_cited_for_another_place_are_left_out_of_comparisons(engine, tmp_path):
    (tmp_path / "cited.txt").write_text(CITED_ELSEWHERE, encoding="utf-8")
    load_files(engine, [tmp_path / "cited.txt"])
    facts = view_rows(engine, "SELECT change_pct, place_level FROM indicator_facts")
    assert {(f["change_pct"], f["place_level"]) for f in facts} >= {
        (-5, "national"),
        (-7, "province"),
    }
    compared = view_rows(engine, "SELECT city, scope, change_pct FROM metric_comparison")
    assert [(r["city"], r["scope"], r["change_pct"]) for r in compared] == [("酒泉市", None, -12)]
    assert view_rows(engine, "SELECT * FROM claim_conflicts") == []


def test_added_cameras_are_not_lined_up_with_totals(seeded_engine):
    rows = view_rows(
        seeded_engine,
        "SELECT city, metric, measure, value FROM metric_comparison"
        " WHERE metric = 'surveillance_cameras' AND kind <> 'change'",
    )
    keys = {(r["city"], r["value"]): (r["metric"], r["measure"]) for r in rows}
    added_in_guiyang = keys[("贵阳市", 7000)]  # 新增加7000个高清探头
    total_in_shantou = keys[("汕头市", 205000)]  # 建有治安视频监控头20.5万个
    assert added_in_guiyang != total_in_shantou
    assert total_in_shantou == keys[("晋中市", 76000)]  # 高清探头达到7.6万个: a total too
    scorecard = {
        r["city"]: (r["surveillance_cameras"], r["surveillance_cameras_measure"])
        for r in view_rows(seeded_engine, "SELECT * FROM city_scorecard")
    }
    assert scorecard["汕头市"] == (205000, total_in_shantou[1])
    assert scorecard["贵阳市"] == (None, None)  # an addition is no total


def test_filed_and_occurring_criminal_cases_are_listed_together_labelled(seeded_engine):
    metrics = view_rows(seeded_engine, "SELECT code, name_zh FROM metrics")
    names = {m["code"]: m["name_zh"] for m in metrics}
    family = view_rows(
        seeded_engine,
        "SELECT * FROM metric_family_comparison WHERE family_metric = 'criminal_cases'",
    )
    listed = {r["metric"] for r in family}
    assert listed >= CRIMINAL_CASES_FAMILY  # 发案 (酒泉, 贵阳...), 立案 and 警情 (汕头)
    assert all(r["metric_name_zh"] == names[r["metric"]] for r in family)
    assert {r["family_name_zh"] for r in family} == {names["criminal_cases"]}
    shantou = {(r["metric"], r["change_pct"]) for r in family if r["city"] == "汕头市"}
    assert {("criminal_cases_filed", -5.8), ("criminal_incidents_reported", -12.1)} <= shantou
    # each figure is listed once under the family, as metric_comparison has it: nothing merged
    compared = view_rows(
        seeded_engine,
        "SELECT indicator_id FROM metric_comparison WHERE metric IN (:a, :b, :c)",
        **dict(zip("abc", sorted(CRIMINAL_CASES_FAMILY), strict=True)),
    )
    in_family = [r["indicator_id"] for r in family if r["metric"] in CRIMINAL_CASES_FAMILY]
    assert sorted(in_family) == sorted(r["indicator_id"] for r in compared)


def test_a_family_never_lists_a_metric_outside_it(seeded_engine):
    with seeded_engine.connect() as connection:
        parents = dict(connection.execute(text("SELECT code, parent FROM metrics")).all())
    assert set(parents.values()) - {None} <= set(parents)  # every parent is a metric
    rows = view_rows(seeded_engine, "SELECT family_metric, metric FROM metric_family_comparison")
    for row in rows:
        lineage, metric = [], row["metric"]
        while metric is not None:
            lineage.append(metric)
            metric = parents[metric]
        assert row["family_metric"] in lineage


def test_metric_comparison_reads_left_to_right_as_a_reader_asks(seeded_engine):
    """What is counted, where, what kind of quantity, how much, when, how it changed, and the
    words and links to check it; the other details after."""
    columns = [c["name"] for c in inspect(seeded_engine).get_columns("metric_comparison")]
    asked = ["metric", "metric_name_zh", "city", "measure", "value", "unit", "period_label"]
    asked += ["period_start", "period_end", "change_pct", "basis", "quote", "document_id"]
    asked += ["paragraph_id"]
    assert [c for c in columns if c in asked] == asked
    links_end = columns.index("paragraph_id")
    assert {"title", "province", "kind", "subject", "indicator_id"} <= set(columns[links_end:])


def test_undated_documents_say_so(seeded_engine):
    documents = view_rows(seeded_engine, "SELECT published_on, date_source FROM documents")
    assert {(d["published_on"] is None, d["date_source"]) for d in documents} == {
        (True, "none"),
        (False, "text"),
    }
    facts = view_rows(
        seeded_engine,
        "SELECT published_on, period, period_start, period_resolved, period_label"
        " FROM indicator_facts",
    )
    undated = [f for f in facts if f["published_on"] is None and f["period_start"] is None]
    assert undated and all(f["period_resolved"] == 0 for f in undated)
    assert all("未注明日期" in f["period_label"] for f in undated)
    # 去年 of an undated article has no year; of a dated one it has
    assert any(f["period"] == "去年" and f["period_resolved"] == 0 for f in facts)
    dated = [f for f in facts if f["period_resolved"] == 1]
    assert dated and not any(word in f["period_label"] for f in dated for word in ("去年", "今年"))


def test_comparisons_rank_undated_figures_after_dated_ones(datasette):
    page = get(datasette, "/pingan/metric_comparison.json?_shape=array&_size=max").json()
    order = [row["period_resolved"] for row in page]
    assert 0 in order and 1 in order
    assert order == sorted(order, reverse=True)
    query = "/pingan/compare_metric.json?metric=criminal_cases&measure=&_shape=array"
    rows = get(datasette, query).json()
    assert {r["period_resolved"] for r in rows} == {0, 1}
    for measure in {r["measure"] for r in rows}:
        ranks = [r["period_resolved"] for r in rows if r["measure"] == measure]
        assert ranks == sorted(ranks, reverse=True)


def test_dated_first_pages_are_read_in_index_order(seeded_engine):
    """A page sorted dated-first (db/metadata.yaml), as Datasette sorts it (the sort column,
    then the primary key), whole or within a metric or family, reads an index in order: sorting
    the whole comparison on each page view grows with the corpus (120 ms at 3,000 documents)."""
    from etl.site import site_metadata

    tables = site_metadata("pingan")["databases"]["pingan"]["tables"]
    pages = {"metric_comparison": "metric", "metric_family_comparison": "family_metric"}
    for table, within in pages.items():
        key = inspect(seeded_engine).get_pk_constraint(table)["constrained_columns"]
        order = f"ORDER BY {tables[table]['sort_desc']} DESC, {', '.join(key)} LIMIT 101"
        for where in ("", f"WHERE {within} = 'criminal_cases'"):
            with seeded_engine.connect() as connection:
                plan = connection.exec_driver_sql(
                    f"EXPLAIN QUERY PLAN SELECT * FROM {table} {where} {order}"
                ).all()
            assert not any("TEMP B-TREE" in step[-1] for step in plan), (table, where, plan)


def test_the_dashboard_charts_only_dated_figures(seeded_engine):
    from etl.site import site_metadata

    charts = site_metadata("pingan")["plugins"]["datasette-dashboards"]["overview"]["charts"]
    with seeded_engine.connect() as connection:
        for name in ("criminal-cases-change", "cameras-by-city"):
            rows = connection.execute(text(charts[name]["query"])).mappings().all()
            assert rows, name
            assert not any("未注明日期" in row["period"] for row in rows), name


# What each comparison says, without the ids a load hands out.
COMPARED = {
    "metric_comparison": "SELECT metric, measure, city, value, period_label FROM metric_comparison",
    "metric_family_comparison": (
        "SELECT family_metric, metric, measure, city, value, period_label"
        " FROM metric_family_comparison"
    ),
    "city_scorecard": "SELECT * FROM city_scorecard",
}


def compared_rows(engine) -> dict[str, list[tuple]]:
    with engine.connect() as connection:
        return {
            name: sorted((tuple(row) for row in connection.execute(text(sql))), key=repr)
            for name, sql in COMPARED.items()
        }


def upgraded_and_refreshed(engine) -> dict[str, list[tuple]]:
    """The seeds loaded into `engine` (migrated to head) as a pingan-db before revision 0015
    left them, upgraded, then derived again by `pingan refresh`, which the changed pipeline
    version asks for: what the comparisons then hold."""
    load_files(engine, list(find_article_files([SEEDS])))
    db.downgrade(engine, "0014")
    with engine.begin() as connection:
        connection.execute(text("UPDATE documents SET pipeline_version = 'before 0015'"))
    db.upgrade(engine)
    with engine.connect() as connection:
        measured = "SELECT count(*) FROM indicators WHERE measure IS NOT NULL"
        assert connection.execute(text(measured)).scalar() == 0
        kept = connection.execute(text("SELECT count(*) FROM metric_comparison")).scalar()
        assert kept > 50  # the rows stay until the refresh refills them
    assert refresh_documents(engine).refreshed == 5
    return compared_rows(engine)


def test_an_upgraded_database_is_filled_by_a_refresh(tmp_path, seeded_engine):
    """A database loaded before revision 0015 gets its measures, dates and families from
    `pingan refresh`, and then compares as one loaded afresh."""
    engine = db.make_engine(db.database_url(tmp_path / "old.sqlite"))
    db.upgrade(engine)
    assert upgraded_and_refreshed(engine) == compared_rows(seeded_engine)
    engine.dispose()


# A city's criminal cases: a level, and the change from 2020 twice, in the unit and in percent.
CHANGED_IN_UNITS = """酒泉市平安建设工作综述
2021年，全市刑事案件发案3315起，比2020年减少484起，下降12.67%。
"""


def test_a_change_in_the_unit_sits_with_changes_never_with_levels(engine, db_path, tmp_path):
    (tmp_path / "units.txt").write_text(CHANGED_IN_UNITS, encoding="utf-8")
    load_files(engine, [tmp_path / "units.txt"])
    with engine.begin() as connection:
        # 减少484起 as the extractor gives it (a change of -484 起), set here should it not yet
        connection.execute(
            text(
                "UPDATE indicators SET change_abs = -484"
                " WHERE quote_normalised LIKE '%减少484起' AND kind = 'change'"
            )
        )
        refresh_materialised(connection)
    compared = view_rows(
        engine,
        "SELECT kind, value, unit, change_pct, change_abs, basis FROM metric_comparison"
        " WHERE city = '酒泉市' AND metric = 'criminal_cases'",
    )
    assert sorted(compared, key=lambda r: r["value"]) == [
        {"kind": "change", "value": -484, "unit": "起", "change_pct": None, "change_abs": -484,
         "basis": "比2020年"},
        {"kind": "change", "value": -12.67, "unit": "%", "change_pct": -12.67, "change_abs": None,
         "basis": "比2020年"},
        {"kind": "count", "value": 3315, "unit": "起", "change_pct": None, "change_abs": None,
         "basis": None},
    ]  # fmt: skip
    family = view_rows(
        engine,
        "SELECT kind, change_abs FROM metric_family_comparison"
        " WHERE family_metric = 'criminal_cases' AND change_abs IS NOT NULL",
    )
    assert family == [{"kind": "change", "change_abs": -484}]
    # two changes in other units of one period are no conflict
    assert view_rows(engine, "SELECT * FROM claim_conflicts") == []
    # the scorecard's change is a percentage, whichever change the article gives first
    (card,) = view_rows(engine, "SELECT * FROM city_scorecard WHERE city = '酒泉市'")
    assert card["criminal_cases_change_pct"] == -12.67
    # the comparison page lists both changes, each in its unit, and charts neither as a level
    from etl.site import make_datasette

    site = make_datasette(db_path)
    shown = get(site, "/compare/criminal_cases.json").json()
    changes = {(row["change_pct"], row["change_abs"]) for row in shown if row["kind"] == "change"}
    assert changes == {(None, -484), (-12.67, None)}
    page = get(site, "/compare/criminal_cases").text
    assert "-484起 比2020年" in page and "-12.67% 比2020年" in page
