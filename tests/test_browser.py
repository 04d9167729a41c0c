"""The served site as a visitor meets it: real `pingan serve`, real headless Chromium.

The pages render without console errors (the map's tiles from tile.openstreetmap.org are the one
expected failure: tests run offline), markup in a document is shown as text and runs no script,
and the public site has no write path and keeps its limits.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Route

from etl import db
from etl.load import load_files
from etl.site import site_settings
from tests.browser import chromium, served_site
from tests.conftest import ROOT, SEEDS

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "test-artifacts"
HOSTILE_TITLE = '<img src=x onerror="window.__pwned=1">平安建设'
# The map's tile server is out of reach offline; its failures are expected and are the only ones.
TILE_HOSTS = frozenset({"tile.openstreetmap.org", *(f"{s}.tile.openstreetmap.org" for s in "abc")})
TCP_LISTEN = "0A"  # the state /proc/net/tcp gives a listening socket
VIEWPORT = {"width": 1366, "height": 768}  # a reader's laptop
# page -> (path, a selector that exists only once the page has drawn its content: facet
# values, chart bars, result rows, map markers)
PAGES = {
    "home": ("/", "a[href='/pingan']"),
    "facets": ("/pingan/metric_comparison", ".facet-results .facet-info li"),
    "dashboard": ("/-/dashboards/overview", ".dashboard-grid svg .mark-rect path"),
    "canned_query": (
        "/pingan/compare_metric?metric=criminal_cases",
        "table.rows-and-columns tbody tr",
    ),
    "map": ("/pingan/place_map", ".leaflet-marker-icon"),
}


@pytest.fixture(scope="module")
def site_db(seeded_db_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds plus one article whose title line is an XSS attempt, named so Datasette
    calls it `pingan` (the name the site's metadata and links use)."""
    folder = tmp_path_factory.mktemp("site")
    path = folder / "pingan.sqlite"
    with sqlite3.connect(seeded_db_path) as source, sqlite3.connect(path) as target:
        source.backup(target)
    hostile = folder / "hostile.txt"
    body = (SEEDS / "001_8c17534d86b76211.txt").read_text(encoding="utf-8")
    hostile.write_text(f"{HOSTILE_TITLE}\n\n{body}", encoding="utf-8")
    engine = db.make_engine(db.database_url(path))
    assert load_files(engine, [hostile]).loaded == 1
    engine.dispose()
    return path


@pytest.fixture(scope="module")
def site(site_db: Path) -> Iterator[str]:
    with served_site(site_db, site_db.with_name("serve.log")) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Browser, site: str) -> Iterator[Page]:
    """A fresh page that may reach only the local site: anything else is refused at once."""
    local = urlsplit(site).netloc

    def offline(route: Route) -> None:
        if urlsplit(route.request.url).netloc == local:
            route.continue_()
        else:
            route.abort()

    context = browser.new_context(viewport=VIEWPORT)
    context.route("**/*", offline)
    opened = context.new_page()
    yield opened
    context.close()


def unexpected_errors(page: Page) -> list[str]:
    """Collects console errors and uncaught exceptions, except those of unreachable map tiles."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        if urlsplit(message.location.get("url", "")).hostname in TILE_HOSTS:
            return
        errors.append(f"console: {message.text} at {message.location}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    return errors


@pytest.mark.parametrize("name", PAGES)
def test_page_renders_without_console_errors(page: Page, site: str, name: str) -> None:
    path, rendered = PAGES[name]
    errors = unexpected_errors(page)
    response = page.goto(site + path, wait_until="networkidle")
    assert response is not None and response.status == 200
    page.wait_for_selector(rendered, state="attached", timeout=15_000)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
    assert errors == []


def hostile_document_id(site_db: Path) -> int:
    with sqlite3.connect(site_db) as connection:
        rows = connection.execute(
            "SELECT id FROM documents WHERE title = ?", (HOSTILE_TITLE,)
        ).fetchall()
    assert len(rows) == 1, "the hostile title must be stored verbatim for this test to mean much"
    return rows[0][0]


@pytest.mark.parametrize(
    "path",
    [
        "/pingan/documents/{id}",
        "/pingan/documents?id={id}",
        "/pingan/document_overview?document_id={id}",
        "/pingan/paragraphs?document_id={id}&kind=title",
        "/pingan/paragraphs?_search=平安建设",
    ],
)
def test_markup_in_a_title_is_shown_as_text_and_runs_no_script(
    page: Page, site: str, site_db: Path, path: str
) -> None:
    response = page.goto(
        site + path.format(id=hostile_document_id(site_db)), wait_until="networkidle"
    )
    assert response is not None and response.status == 200
    assert page.evaluate("window.__pwned") is None
    assert page.locator("img[src='x']").count() == 0
    assert HOSTILE_TITLE in page.locator("body").inner_text()


def test_no_write_path_through_the_site(site: str, site_db: Path) -> None:
    """Datasette 0.65 has no write API, and its SQL runs on a read-only connection."""
    write_sql = "INSERT INTO documents (path, sha256, title, text) VALUES ('x', 'x', 'x', 'x')"
    before = schema_and_documents(site_db)
    attempts = [
        httpx.post(f"{site}/pingan/documents/-/insert", json={"row": {"title": "x"}}),
        httpx.post(f"{site}/pingan/-/create", json={"table": "x", "rows": [{"a": 1}]}),
        httpx.get(f"{site}/pingan.json", params={"sql": write_sql}),
        httpx.get(f"{site}/pingan.json", params={"sql": "DELETE FROM documents"}),
        httpx.post(f"{site}/pingan", data={"sql": "DROP TABLE documents"}),
    ]
    assert all(response.status_code >= 400 for response in attempts), [
        (response.request.url, response.status_code) for response in attempts
    ]
    assert schema_and_documents(site_db) == before


def schema_and_documents(site_db: Path) -> tuple[list, list]:
    with sqlite3.connect(site_db) as connection:
        schema = connection.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()
        documents = connection.execute("SELECT id, sha256 FROM documents ORDER BY id").fetchall()
    return schema, documents


def test_limits_are_set_and_served(site: str) -> None:
    expected = {name: site_settings()[name] for name in ("sql_time_limit_ms", "max_returned_rows")}
    served = httpx.get(f"{site}/-/settings.json").json()
    assert {name: served[name] for name in expected} == expected


def test_a_query_returns_at_most_max_returned_rows(site: str) -> None:
    limit = site_settings()["max_returned_rows"]
    many = f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n LIMIT {limit * 3}) "
    response = httpx.get(f"{site}/pingan.json", params={"sql": many + "SELECT i FROM n"})
    assert response.status_code == 200
    assert len(response.json()["rows"]) == limit
    assert response.json()["truncated"] is True


def test_a_query_over_the_time_limit_is_stopped(site: str) -> None:
    endless = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
    )
    response = httpx.get(f"{site}/pingan.json", params={"sql": endless}, timeout=60)
    assert response.status_code >= 400
    assert "time limit" in response.text.lower() or "interrupted" in response.text.lower()


def listening_addresses(port: int) -> list[str]:
    """Local addresses listening on `port`, in the kernel's hex (127.0.0.1 is 0100007F)."""
    addresses = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].rsplit(":", 1)
            if fields[3] == TCP_LISTEN and int(hex_port, 16) == port:
                addresses.append(address)
    return addresses


def test_served_on_loopback_only_by_default(site: str) -> None:
    """`pingan serve` without --host listens on 127.0.0.1, not on every interface."""
    assert listening_addresses(urlsplit(site).port) == ["0100007F"]


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def column_texts(page: Page, column: int) -> list[str]:
    return page.locator(f"table.results tbody tr td:nth-child({column})").all_inner_texts()


def test_typing_in_the_search_box_finds_every_form_ranked_and_marked(page: Page, site: str) -> None:
    """What a reader does: open the paragraphs, type 网格员 in the box, press Enter. The box's form
    also sends its sort; the answer is the search page, best first, with 贵阳's 网格管理员 too."""
    errors = unexpected_errors(page)
    page.goto(site + "/pingan/paragraphs", wait_until="networkidle")
    page.fill("input#_search", "网格员")
    with page.expect_navigation(wait_until="networkidle"):
        page.press("input#_search", "Enter")
    assert urlsplit(page.url).path == "/search"
    assert page.input_value("input#q") == "网格员"
    assert "网格管理员" in page.locator("p.forms").inner_text()
    cities = column_texts(page, 3)
    assert {"酒泉市", "贵阳市"} <= set(cities)
    snippets = page.locator("table.results td.snippet")
    assert snippets.count() == len(cities)
    for index in range(snippets.count()):
        assert snippets.nth(index).locator("mark").count() >= 1
    assert page.locator("table.results td.snippet mark").first.inner_text() in (
        page.locator("p.forms").inner_text()
    )
    screenshot(page, "search")

    page.select_option("select#city", "贵阳市")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("form.narrow input[type=submit]")
    assert set(column_texts(page, 3)) == {"贵阳市"}
    page.fill("input#from", "2099-01-01")
    with page.expect_navigation(wait_until="networkidle"):
        page.press("input#q", "Enter")
    assert page.locator("table.results").count() == 0
    assert "No paragraph matches in 贵阳市" in page.locator("section.content").inner_text()
    assert errors == []


def right_edge(page: Page, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box["x"] + box["width"]


def metric_name(site_db: Path, code: str) -> str:
    with sqlite3.connect(site_db) as connection:
        row = connection.execute("SELECT name_zh FROM metrics WHERE code = ?", (code,)).fetchone()
    return row[0]


def test_a_reader_compares_cities_and_follows_a_figure_to_its_document(
    page: Page, site: str, site_db: Path
) -> None:
    """Choose a metric by its Chinese name, read the cities' figures (the value column on the
    first screen), click a row through to its sentence and on to the whole document."""
    errors = unexpected_errors(page)
    page.goto(site + "/compare", wait_until="networkidle")
    screenshot(page, "compare")
    name = metric_name(site_db, "criminal_cases")
    page.fill("input#q", name)
    with page.expect_navigation(wait_until="networkidle"):
        page.press("input#q", "Enter")
    assert urlsplit(page.url).path == "/compare/criminal_cases"
    assert page.locator("h1").inner_text().startswith(name)
    rows = page.locator("table.comparison tbody tr")
    assert rows.count() >= 3
    assert right_edge(page, "table.comparison th:has-text('Value')") <= VIEWPORT["width"]
    assert page.locator(".bars .bar").count() >= 3
    screenshot(page, "compare_metric")

    sentence = rows.first.locator("td.sentence")
    quote = sentence.locator("mark").inner_text()
    with page.expect_navigation(wait_until="networkidle"):
        sentence.locator("a:has-text('sentence')").click()
    assert urlsplit(page.url).path.startswith("/claim/")
    assert page.locator("blockquote.paragraph mark.claim").inner_text() == quote
    screenshot(page, "claim")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("a:has-text('the whole document')")
    assert urlsplit(page.url).path.startswith("/pingan/documents/")
    assert quote in page.locator("table.rows-and-columns").inner_text()
    assert errors == []


def test_a_reader_opens_a_city_from_a_comparison(page: Page, site: str) -> None:
    errors = unexpected_errors(page)
    page.goto(site + "/compare/criminal_cases", wait_until="networkidle")
    city = page.locator("table.comparison tbody tr td a").first
    name = city.inner_text()
    with page.expect_navigation(wait_until="networkidle"):
        city.click()
    assert page.locator("h1").inner_text().startswith(name)
    figures = page.locator("table.figures tbody tr")
    assert figures.count() >= 3
    assert right_edge(page, "table.figures th:has-text('Value')") <= VIEWPORT["width"]
    assert page.locator("table.documents tbody tr").count() >= 1
    page.wait_for_selector("#city-map .leaflet-marker-icon", timeout=15_000)
    screenshot(page, "city")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("a:has-text('Search its reports')")
    assert page.locator("select#city").input_value() == name
    assert errors == []


def test_a_comparison_downloads_whole_sentences_that_excel_reads(site: str) -> None:
    csv_response = httpx.get(f"{site}/compare/criminal_cases.csv")
    shown = httpx.get(f"{site}/compare/criminal_cases.json").json()
    assert csv_response.status_code == 200 and csv_response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert len(rows) == len(shown) >= 3
    for row in rows:
        assert row["quote"] in row["sentence"] and len(row["sentence"]) > len(row["quote"])
        assert row["title"] and row["city"] and row["indicator_id"]


def test_table_pages_put_what_a_reader_needs_on_the_first_screen(page: Page, site: str) -> None:
    """metric_comparison's value column within 1366 px; documents' texts cut on the list and
    whole on a row page; an indicator's row names its document and metric; no internal object
    is listed."""
    errors = unexpected_errors(page)
    page.goto(site + "/pingan/metric_comparison?metric=criminal_cases", wait_until="networkidle")
    assert right_edge(page, "table.rows-and-columns th.col-value") <= VIEWPORT["width"]
    assert page.locator("dl.column-descriptions").bounding_box()["height"] < 150
    screenshot(page, "table_metric_comparison")
    page.goto(site + "/pingan/documents", wait_until="networkidle")
    cells = page.locator("table.rows-and-columns td.col-text").all_inner_texts()
    assert cells and all(len(text) <= 161 for text in cells)
    screenshot(page, "table_documents")
    with page.expect_navigation(wait_until="networkidle"):
        page.locator("table.rows-and-columns td.col-id a").first.click()
    assert len(page.locator("td.col-text").inner_text()) > 161
    page.goto(site + "/pingan/indicators?metric__notblank=1", wait_until="networkidle")
    with page.expect_navigation(wait_until="networkidle"):
        page.locator("table.rows-and-columns td.col-id a").first.click()
    assert page.locator("td.col-document_id a").inner_text() != ""
    assert page.locator("td.col-metric a").count() == page.locator("td.col-metric em").count() == 1
    screenshot(page, "row_indicator")
    page.goto(site + "/pingan", wait_until="networkidle")
    listed = page.locator("section.content").inner_text()
    assert "metric_comparison" in listed and "_query" not in listed and "_fts" not in listed
    assert errors == []
