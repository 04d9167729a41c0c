"""The published site, through Datasette's own test client on the loaded seeds."""

import re
import sqlite3

from datasette.app import Datasette

from etl.site import site_metadata, site_settings
from tests.conftest import get

# Tables whose size does not grow with the corpus: one row per metric, place or city.
FIXED_SIZE_TABLES = {"metrics", "places", "metric_coverage"}


def test_documents_table_as_json(datasette):
    response = get(datasette, "/pingan/documents.json?_shape=array&_col=title")
    assert response.status_code == 200
    assert len(response.json()) == 5


def test_paragraphs_table_as_json(datasette, seeded_engine):
    response = get(datasette, "/pingan/paragraphs.json?_shape=objects&_size=max")
    assert response.status_code == 200
    rows = response.json()["rows"]
    assert rows and {"document_id", "position", "text"} <= set(rows[0])


def test_site_metadata_is_served(datasette):
    response = get(datasette, "/-/metadata.json")
    metadata = response.json()
    assert metadata["title"] == "pingan-db"
    tables = metadata["databases"]["pingan"]["tables"]
    assert tables["documents"]["description"]
    assert tables["alembic_version"]["hidden"] is True


def test_home_page_renders(datasette):
    response = get(datasette, "/")
    assert response.status_code == 200
    assert "pingan-db" in response.text


def test_every_published_column_is_described(engine, db_path):
    """Like PUDL: a table or view whose columns are not all described does not get published."""
    from sqlalchemy import inspect

    from etl.site import database_columns, site_metadata

    described = site_metadata("pingan", database_columns(db_path))["databases"]["pingan"]["tables"]
    inspector = inspect(engine)
    names = inspector.get_table_names() + inspector.get_view_names()
    internal = [name for name in names if name.startswith("_")]  # materialised views' queries
    assert all(described[name]["hidden"] for name in internal)
    missing = [
        f"{name}.{column['name']}"
        for name in names
        if name != "alembic_version" and "_fts" not in name and name not in internal
        for column in inspector.get_columns(name)
        if not described.get(name, {}).get("columns", {}).get(column["name"])
    ]
    assert missing == []


def test_each_column_is_described_once_and_again_only_where_its_table_means_another_thing(
    db_path, engine
):
    """sql/schema.yaml: `fields` describes a name wherever it stands; a table's own words for
    it name a column it has and say something else. No field is left describing nothing."""
    from etl.site import SCHEMA_FILE, database_columns, read_yaml

    schema = read_yaml(SCHEMA_FILE)
    columns = database_columns(db_path)
    assert set(schema["tables"]) <= set(columns)
    for table, described in schema["tables"].items():
        for name, words in described.get("columns", {}).items():
            assert name in columns[table], f"{table}.{name} is no column"
            assert words != schema["fields"].get(name), f"{table}.{name} repeats its field"
    published = {name for table in schema["tables"] for name in columns[table]}
    assert set(schema["fields"]) - published == set()


def test_a_view_passing_a_column_on_shows_its_tables_description(datasette):
    tables = get(datasette, "/-/metadata.json").json()["databases"]["pingan"]["tables"]
    facts, indicators = tables["indicator_facts"]["columns"], tables["indicators"]["columns"]
    assert facts["period_resolved"] == indicators["period_resolved"]
    assert facts["document_id"] == tables["metric_comparison"]["columns"]["document_id"]
    assert tables["paragraphs"]["columns"]["kind"] != indicators["kind"]


def test_canned_queries_have_titles_and_run(datasette):
    queries = get(datasette, "/-/metadata.json").json()["databases"]["pingan"]["queries"]
    assert {"compare_metric", "city_profile"} <= set(queries)
    assert all(q["title"] and q["description"] for q in queries.values())
    response = get(datasette, "/pingan/compare_metric.json?metric=criminal_cases&_shape=array")
    assert response.status_code == 200


def test_dashboard_renders(datasette):
    response = get(datasette, "/-/dashboards/overview")
    assert response.status_code == 200
    assert "How do cities compare?" in response.text


def test_indicator_rows_link_to_their_paragraph_and_document(datasette):
    page = get(datasette, "/pingan/indicator_facts?_size=5").text
    assert 'href="/pingan/paragraphs/' in page
    assert 'href="/pingan/documents/' in page
    table = get(datasette, "/pingan/indicators?_size=5").text
    assert 'href="/pingan/paragraphs/' in table and 'href="/pingan/documents/' in table


def test_map_view_and_facets_are_configured(datasette):
    page = get(datasette, "/pingan/place_map").text
    assert "datasette-cluster-map" in page
    facets = get(datasette, "/pingan/metric_comparison.json?_facet=metric").json()
    assert "metric" in facets["facet_results"]


def test_default_facets_are_counted_from_an_index(seeded_db_path):
    """Every page view counts its default facets: on a table that grows with the corpus, each
    count must come from an index, not a scan that sorts every row (seconds at 50,000 documents)."""
    tables = site_metadata("pingan")["databases"]["pingan"]["tables"]
    faceted = {name: t["facets"] for name, t in tables.items() if t.get("facets")}
    assert "metric_comparison" in faceted
    connection = sqlite3.connect(seeded_db_path)
    for table in faceted.keys() - FIXED_SIZE_TABLES:
        for column in faceted[table]:
            plan = connection.execute(
                f'explain query plan select "{column}" as value, count(*) as count '
                f'from (select * from "{table}") where "{column}" is not null '
                f'group by "{column}" order by count desc, value limit 31'
            ).fetchall()
            steps = " / ".join(step[-1] for step in plan)
            assert "INDEX" in steps and "TEMP B-TREE FOR GROUP BY" not in steps, (
                f"{table}.{column}: {steps}"
            )


def test_facets_within_one_metric_are_counted_from_an_index_alone(seeded_db_path):
    """metric_comparison is read one metric at a time: filtered on a metric, each default facet
    is counted from an index without looking up the rows (231 ms a page at 100,000 documents)."""
    facets = site_metadata("pingan")["databases"]["pingan"]["tables"]["metric_comparison"]["facets"]
    connection = sqlite3.connect(seeded_db_path)
    for column in set(facets) - {"metric"}:
        plan = connection.execute(
            f'explain query plan select "{column}" as value, count(*) as count '
            "from (select * from metric_comparison where metric = 'criminal_cases') "
            f'where "{column}" is not null group by "{column}" order by count desc, value limit 31'
        ).fetchall()
        steps = " / ".join(step[-1] for step in plan)
        assert "COVERING INDEX" in steps and "GROUP BY" not in steps, f"{column}: {steps}"


def test_unused_markdown_plugin_renders_no_cell(datasette):
    from datasette.plugins import pm

    assert get(datasette, "/pingan/metric_comparison").status_code == 200
    renderers = [impl.plugin_name for impl in pm.hook.render_cell.get_hookimpls()]
    assert "pingan" in renderers and "render_markdown" not in renderers
    assert "How do cities compare?" in get(datasette, "/-/dashboards/overview").text


# Pages that show rows through `_table.html`: nulls, foreign-key labels, the plugin's id links in
# views, a filtered search and a row page.
TABLE_PAGES = (
    "/pingan/metric_comparison",
    "/pingan/indicators?_size=30",
    "/pingan/indicator_facts?_size=30",
    "/pingan/documents",
    "/pingan/paragraphs?_search=%E5%88%91%E4%BA%8B&position__gte=0",
    "/pingan/places?level=county",
    "/pingan/documents/1",
)


def markup(page: str) -> str:
    """A page's rows (what `_table.html` writes with `table_rows`), whitespace aside."""
    rows = page[page.index("<tbody>") : page.index("</tbody>")]
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", rows))


def test_table_rows_are_the_markup_of_datasettes_own_template(datasette, seeded_db_path):
    stock = Datasette(
        files=[str(seeded_db_path)], metadata=site_metadata("pingan"), settings=site_settings()
    )
    for path in TABLE_PAGES:
        ours, theirs = get(datasette, path).text, get(stock, path).text
        assert ours.count("<td") > 5, path
        stock_rows = theirs[theirs.index("<tbody>") : theirs.index("</tbody>")]
        assert len(markup(ours)) < len(stock_rows), f"{path}: not written by _table.html"
        assert markup(ours) == markup(theirs), path


def test_column_facets_are_counted_side_by_side_with_the_same_results(datasette, monkeypatch):
    """All of a page's facet counts are under way before the first is back (Datasette alone
    runs one after another), and they give what Datasette alone gives."""
    from datasette.facets import ColumnFacet

    from etl.datasette_plugin import facet_results_one_by_one

    path = "/pingan/metric_comparison.json?_facet=direction"
    get(datasette, path)  # startup has run
    events: list[str] = []
    execute = datasette.execute

    async def recorded_execute(*args, **kwargs):
        events.append("start")
        try:
            return await execute(*args, **kwargs)
        finally:
            events.append("end")

    monkeypatch.setattr(datasette, "execute", recorded_execute)
    side_by_side = get(datasette, path).json()["facet_results"]
    facets = len(site_metadata()["databases"]["pingan"]["tables"]["metric_comparison"]["facets"])
    assert len(side_by_side) == facets + 1  # and direction
    assert events == ["start"] * (facets + 1) + ["end"] * (facets + 1)

    events.clear()
    monkeypatch.setattr(ColumnFacet, "facet_results", facet_results_one_by_one)
    one_by_one = get(datasette, path).json()["facet_results"]
    assert events == ["start", "end"] * (facets + 1)
    assert side_by_side == one_by_one
    assert all(facet["results"] for facet in one_by_one.values())


INTERNAL = ["_metric_comparison_query", "paragraphs_fts", "paragraphs_fts_data", "alembic_version"]


def test_internal_tables_and_views_are_shown_and_counted_nowhere(datasette, seeded_db_path):
    with sqlite3.connect(seeded_db_path) as connection:
        names = {row[0] for row in connection.execute("select name from sqlite_master")}
    assert set(INTERNAL) <= names
    home, database = get(datasette, "/").text, get(datasette, "/pingan").text
    listed = get(datasette, "/pingan.json").json()
    shown = {table["name"] for table in listed["tables"]} | {v["name"] for v in listed["views"]}
    assert "metric_comparison" in shown and "document_overview" in shown
    for name in INTERNAL:
        assert name not in home and name not in database and name not in shown, name
        assert get(datasette, f"/pingan/{name}").status_code == 403
    assert "hidden table" not in home


def test_numbers_are_shown_as_a_reader_writes_them(datasette):
    page = get(datasette, "/pingan/metric_comparison?metric=surveillance_cameras").text
    values = get(
        datasette, "/pingan/metric_comparison.json?metric=surveillance_cameras&_shape=array"
    ).json()
    whole = [row["value"] for row in values if row["value"] and row["value"] >= 1000]
    assert whole and all(float(value).is_integer() for value in whole)
    for value in whole:
        assert f">{int(value):,}<" in page and f">{value}<" not in page


def test_long_text_is_cut_on_list_pages_and_whole_on_a_row_page(datasette):
    text = get(datasette, "/pingan/documents/1.json?_shape=array").json()[0]["text"]
    limit = site_settings()["truncate_cells_html"]
    assert len(text) > limit
    listed = get(datasette, "/pingan/documents").text
    assert text[:limit] + "…" in listed and text not in listed
    assert text.splitlines()[-1] in get(datasette, "/pingan/documents/1").text


def test_an_indicator_row_names_its_document_paragraph_and_metric(datasette):
    row = get(datasette, "/pingan/indicators.json?_shape=array&metric__notblank=1&_size=1").json()
    indicator = row[0]
    title = get(datasette, f"/pingan/documents/{indicator['document_id']}.json?_shape=array")
    name = get(datasette, f"/pingan/metrics/{indicator['metric']}.json?_shape=array")
    page = get(datasette, f"/pingan/indicators/{indicator['id']}").text
    document = f'href="/pingan/documents/{indicator["document_id"]}">{title.json()[0]["title"]}</a>'
    assert document in page
    assert f'href="/pingan/paragraphs/{indicator["paragraph_id"]}">' in page
    assert f'href="/pingan/metrics/{indicator["metric"]}">{name.json()[0]["name_zh"]}</a>' in page


def test_dashboard_charts_say_which_figure_they_show_and_count_in_whole_numbers():
    """A chart that picks one figure per city names its period in the tooltip; counts of
    cities are ticked 0, 1, 2, not 0.0, 0.1 ..."""
    charts = site_metadata()["plugins"]["datasette-dashboards"]["overview"]["charts"].values()
    for chart in charts:
        encoding = chart["display"]["encoding"]
        if "period" in chart["query"]:
            assert "period" in [field["field"] for field in encoding["tooltip"]], chart["title"]
        if encoding["x"]["field"] == "cities":
            assert encoding["x"]["axis"] == {"tickMinStep": 1, "format": "d"}


def test_a_canned_query_shows_its_form_and_rows_before_its_sql(datasette):
    page = get(datasette, "/pingan/compare_metric?metric=criminal_cases").text
    assert "FROM metric_comparison" not in page and ">show<" in page
    assert page.count("<tr>") > 3
    assert "td.col-title" in page  # a title column gets room to be read (db/templates/_rows_head)


def test_a_quote_links_to_its_claim_page(datasette):
    indicator = get(datasette, "/pingan/indicators.json?_shape=array&_size=1").json()[0]
    row_page = get(datasette, f"/pingan/indicators/{indicator['id']}").text
    assert f'<a href="/claim/{indicator["id"]}">{indicator["quote"]}</a>' in row_page
    facts = get(datasette, "/pingan/indicator_facts.json?_shape=array&_size=3").json()
    listed = get(datasette, "/pingan/indicator_facts?_size=3").text
    for fact in facts:
        assert f'<a href="/claim/{fact["indicator_id"]}">{fact["quote"]}</a>' in listed


def test_a_metric_is_named_once_a_row(datasette):
    """Where the row has the Chinese name beside it, the code links alone; elsewhere the link
    carries the name."""
    comparison = get(datasette, "/pingan/metric_comparison?metric=criminal_cases").text
    assert '<a href="/pingan/metrics/criminal_cases">criminal_cases</a>' in comparison
    indicators = get(datasette, "/pingan/indicators?metric=criminal_cases").text
    assert re.search(r'<a href="/pingan/metrics/criminal_cases">[^<]*刑事[^<]*</a>', indicators)
