"""Datasette plugin: Chinese full-text search on the `paragraphs` table, ranked by bm25, and
the pages a reader starts from.

Datasette 0.65's table search (`datasette/filters.py`) runs
`id in (select rowid from paragraphs_fts where paragraphs_fts match escape_fts(:search))`:
`escape_fts` quotes each whitespace-separated term, so an unsegmented `刑事发案数` is one token that
the index never holds, and the rows come back in `id` order whatever their relevance (the table
view has no hook for its ORDER BY). Three hooks fix that without touching Datasette:

- `prepare_connection` (trylast, so it runs after Datasette registers its own) replaces the SQL
  function `escape_fts` with `etl.search.match_expression`: every table search segments the query
  the same way the index was built (a metric's name in all its forms) and never hands FTS5
  invalid syntax. It also registers the functions of the canned query `search`
  (`sql/queries/search.sql`, published by `etl/site.py` like every canned query).
- `asgi_wrapper` sends a search of the table to the ranked search, whatever else Datasette's form
  sends with it (its sort, facets, a document filter): a web page to the search page `/search`
  (`etl/pages.py`: title, city, date and the words around the match, best first, narrowed by
  city and dates), other formats (`.json`, `.csv`) to the canned query at the same URL. A filter
  on another column, a later page, or `_searchmode=raw` (FTS5 syntax typed by the user) stays on
  the table page. A blank `_search` is no search at all.
- `register_routes` serves the reader pages of `etl/pages.py`.

`render_cell` shows the snippet's `<mark>` tags as highlighting, everything else escaped.

`prepare_jinja2_environment` adds the filter `table_rows`, with which `db/templates/_table.html`
writes a table page's rows in one Python call: async Jinja's loop over every cell took a quarter
of a metric_comparison page (50 rows of 27 columns). The markup is Datasette's own.

`startup` blocks datasette-render-markdown, which datasette-dashboards brings in: no column of
ours holds Markdown (nor does any dashboard chart), yet its `render_cell` looked up the plugin
configuration for every cell of every page, 6-8% of a table page's time. It also replaces
Datasette's `ColumnFacet.facet_results` with `column_facets_side_by_side`, the one place the plugin
patches Datasette (pinned to 0.65.x; a test compares the two): 0.65 counts a page's column facets
one after another, and the five of metric_comparison were a third of its page.
"""

from __future__ import annotations

import asyncio
import copy
import re
from contextvars import ContextVar
from urllib.parse import parse_qsl, urlencode
from weakref import WeakKeyDictionary

from datasette import hookimpl
from datasette.facets import ColumnFacet
from datasette.plugins import pm
from datasette.utils import tilde_decode, tilde_encode, to_css_class
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from etl.pages import (
    city_page,
    claim_page,
    compare_index,
    compare_metric,
    marked,
    readable_number,
    search_page,
)
from etl.search import MARK_START, match_expression, register_search_functions

SEARCHED_TABLE = "paragraphs"
FTS_TABLE = "paragraphs_fts"
CANNED_QUERY = "search"
SEARCH_PAGE = "/search"
# What Datasette's search form sends besides `_search`, and what the ranked search honours (a
# document) or leaves aside: the order of a search is relevance, and the search page narrows by
# city and date rather than by facets. Any other argument (a filter on another column, a page
# after the first, raw FTS5 syntax) keeps the request on the table.
IGNORED_BY_RANKED_SEARCH = frozenset(
    {"_sort", "_sort_desc", "_facet", "_facet_array", "_facet_date"}
)
RANKED_SEARCH_ARGS = (
    frozenset({"_search", "_size", "_shape", "document_id"}) | IGNORED_BY_RANKED_SEARCH
)
# The form's filter rows and sort tick box, which Datasette first turns into a plain URL.
DATASETTE_REDIRECTS = frozenset({"_filter_column", "_filter_op", "_filter_value", "_sort_by_desc"})


UNUSED_PLUGINS = ("render_markdown",)


@hookimpl
def startup(datasette) -> None:
    for name in UNUSED_PLUGINS:
        pm.set_blocked(name)
    ColumnFacet.facet_results = column_facets_side_by_side


facet_results_one_by_one = ColumnFacet.facet_results


async def column_facets_side_by_side(facet: ColumnFacet) -> tuple[list[dict], list[str]]:
    """Datasette's own `facet_results`, run once for each facet at the same time: SQLite lets go
    of the GIL while it counts, so the counts share the cores (and the SQL threads). The results
    are the same, in the same order."""
    configs = facet.get_configs()
    if len(configs) < 2:
        return await facet_results_one_by_one(facet)
    counted = await asyncio.gather(
        *(facet_results_one_by_one(with_configs(facet, [config])) for config in configs)
    )
    results = [result for facet_results, _ in counted for result in facet_results]
    timed_out = [column for _, columns in counted for column in columns]
    return results, timed_out


def with_configs(facet: ColumnFacet, configs: list[dict]) -> ColumnFacet:
    """A copy of the facet that counts only `configs`."""
    one = copy.copy(facet)
    one.get_configs = lambda: configs
    return one


@hookimpl(trylast=True)
def prepare_connection(conn) -> None:
    register_search_functions(conn)
    conn.create_function("escape_fts", 1, match_expression, deterministic=True)


@hookimpl
def prepare_jinja2_environment(env) -> None:
    env.filters["table_rows"] = table_rows
    env.filters["marked"] = marked
    env.filters["tilde_encode"] = tilde_encode  # a city in a path, as Datasette routes it


# Tables and views that are the machinery, not the data: materialised views' queries, the
# full-text index and its shadow tables, the query planner's statistics, the schema revision.
INTERNAL_TABLE = re.compile(r"^_|_fts($|_)|^sqlite_stat\d$|^alembic_version$")


@hookimpl
def permission_allowed(action, resource):
    """Internal tables and views are listed nowhere, counted nowhere and not browsable (SQL
    still reads them)."""
    internal = (
        action == "view-table"
        and isinstance(resource, tuple | list)
        and INTERNAL_TABLE.search(resource[1])
    )
    return False if internal else None


@hookimpl
def register_routes(datasette):
    return [
        (r"^/search$", search_page),
        (r"^/compare$", compare_index),
        (r"^/compare/(?P<metric>[^/.]+)(\.(?P<format>csv|json))?$", compare_metric),
        (r"^/city/(?P<city>[^/]+)$", city_page),
        (r"^/claim/(?P<id>\d+)$", claim_page),
    ]


def table_rows(display_rows: list[list[dict]]) -> Markup:
    """The `<tr>` rows of a table page, cell for cell what Datasette 0.65's `_table.html` loop
    writes (class from the column and value type, value escaped unless already markup)."""
    css_classes: dict[str, str] = {}
    html = []
    for row in display_rows:
        html.append("<tr>")
        for cell in row:
            column = cell["column"]
            if column not in css_classes:
                css_classes[column] = str(escape(to_css_class(column)))
            html.append(
                f'<td class="col-{css_classes[column]} type-{escape(cell["value_type"])}">'
                f"{escape(cell['value'])}</td>"
            )
        html.append("</tr>")
    return Markup("".join(html))


# An id column links to its row page wherever Datasette does not (tables get that from their
# foreign keys): indicator rows lead to their paragraph and document, and a claim (indicator_id)
# to its sentence page. On a row page the link is labelled with the title or the paragraph's
# first words.
ID_COLUMN_TABLES = {
    "document_id": "documents",
    "paragraph_id": "paragraphs",
}
ID_COLUMN = re.compile(r"^(document_id|paragraph_id|indicator_id)(_a|_b)?$")
LABELS = {
    "documents": "select title from documents where id = :id",
    "paragraphs": "select substr(text, 1, 40) from paragraphs where id = :id",
}
LABEL_LINK = '<a href="{url}">{label}</a>&nbsp;<em>{value}</em>'
# The path of the page being served, so that a cell knows whether it is on a row page (one row,
# in full) or on a list of rows (Datasette's truncate_cells_html cuts long text there).
PAGE_PATH: ContextVar[str] = ContextVar("page_path", default="")


def on_row_page() -> bool:
    """`/db/table/pk` rather than `/db/table` or a query."""
    return PAGE_PATH.get().strip("/").count("/") >= 2


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if table is None and column == "snippet" and isinstance(value, str) and MARK_START in value:
        return marked(value)
    if column == "quote" and isinstance(value, str) and value:
        claim = claim_id(row, table)
        if claim is not None:
            url = datasette.urls.path(f"/claim/{claim}")
            return Markup(f'<a href="{escape(url)}">{escape(value)}</a>')
    if isinstance(value, float):
        return readable_number(value)
    if column == "metric" and isinstance(value, str) and value:
        columns = row.keys()  # a sqlite3.Row: `in row` would look among its values
        if "metric_name_zh" in columns:  # the name is beside it: link the code alone
            url = datasette.urls.row(database, "metrics", value)
            return Markup(f'<a href="{escape(url)}">{escape(value)}</a>')
        return metric_link(datasette, database, value)
    id_column = ID_COLUMN.match(column)
    if id_column and isinstance(value, int):
        if id_column[1] == "indicator_id":  # a claim: its sentence page
            return Markup(f'<a href="{escape(datasette.urls.path(f"/claim/{value}"))}">{value}</a>')
        target = ID_COLUMN_TABLES[id_column[1]]
        url = datasette.urls.row(database, target, value)
        if target in LABELS and on_row_page():
            return labelled_link(datasette, database, target, value, url)
        return Markup(f'<a href="{escape(url)}">{value}</a>')
    return None


def claim_id(row, table: str | None) -> int | None:
    """The claim a row's quote belongs to: an indicator's own id, or the indicator_id of a view."""
    keys = row.keys()
    if table == "indicators" and "id" in keys:
        return row["id"]
    return row["indicator_id"] if "indicator_id" in keys else None


async def labelled_link(datasette, database: str, table: str, value: int, url: str) -> Markup:
    rows = await datasette.get_database(database).execute(LABELS[table], {"id": value})
    label = rows.first()[0] if rows.first() else None
    if not label:
        return Markup(f'<a href="{escape(url)}">{value}</a>')
    return Markup(LABEL_LINK.format(url=escape(url), label=escape(label), value=value))


# Each served database's metric names, read once: the catalogue changes only with the code.
METRIC_NAMES: WeakKeyDictionary = WeakKeyDictionary()


async def metric_link(datasette, database: str, code: str) -> Markup | None:
    """A metric's code as a link to its row in `metrics`, labelled with its Chinese name."""
    names = METRIC_NAMES.setdefault(datasette, {})
    if database not in names:
        db = datasette.get_database(database)
        if not await db.table_exists("metrics"):
            return None
        rows = await db.execute("select code, name_zh from metrics")
        names[database] = {row["code"]: row["name_zh"] for row in rows}
    name = names[database].get(code)
    if name is None:
        return None
    url = datasette.urls.row(database, "metrics", code)
    return Markup(LABEL_LINK.format(url=escape(url), label=escape(name), value=escape(code)))


def ranked_search_target(path: str, query_string: str, datasette) -> tuple[str, str] | None:
    """Where a search of the table goes instead, with its query string: the search page for a
    web page, the canned query for other formats (.json, .csv); None to stay on the table."""
    database, _, rest = path.partition("?")[0].lstrip("/").partition("/")
    table, dot, extension = rest.partition(".")
    args = parse_qsl(query_string, keep_blank_values=True)
    names = {name for name, _ in args}
    if (
        tilde_decode(table) != SEARCHED_TABLE
        or tilde_decode(database) not in datasette.databases
        or "_search" not in names
        or names & DATASETTE_REDIRECTS
        or not names <= RANKED_SEARCH_ARGS
    ):
        return None
    taken = [(name, value) for name, value in args if name not in IGNORED_BY_RANKED_SEARCH]
    if not dot:  # the search page shows the best SEARCH_PAGE_ROWS, in HTML
        page_args = [search_page_arg(name, value) for name, value in taken]
        return SEARCH_PAGE, urlencode([arg for arg in page_args if arg[0] in SEARCH_PAGE_ARGS])
    canned_args = [
        canned_query_arg(name, value, datasette.max_returned_rows) for name, value in taken
    ]
    return f"/{database}/{CANNED_QUERY}{dot}{extension}", urlencode(canned_args)


SEARCH_PAGE_ARGS = frozenset({"q", "document_id"})


def search_page_arg(name: str, value: str) -> tuple[str, str]:
    """A table-page argument as the search page takes it: `_search` is `q`."""
    return ("q", value) if name == "_search" else (name, value)


def canned_query_arg(name: str, value: str, max_rows: int) -> tuple[str, str]:
    """A table-page argument as the canned query takes it: `_search` is `q`, `_size` is `limit`."""
    if name == "_search":
        return "q", value
    if name == "_size":
        return "limit", str(max_rows) if value == "max" else value
    return name, value


def without_blank_search(query_string: str) -> str:
    args = parse_qsl(query_string, keep_blank_values=True)
    return urlencode([(name, value) for name, value in args if name != "_search" or value.strip()])


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def search_ranked_by_bm25(scope, receive, send):
            if scope["type"] == "http":
                PAGE_PATH.set(scope["path"])
            if scope["type"] == "http" and b"_search" in scope.get("query_string", b""):
                scope, redirect = search_scope(scope, datasette)
                if redirect is not None:
                    await Response.redirect(redirect).asgi_send(send)
                    return
            await app(scope, receive, send)

        return search_ranked_by_bm25

    return wrap


def search_scope(scope: dict, datasette) -> tuple[dict, str | None]:
    """The request with a blank `_search` dropped and a table search sent to the canned query,
    or the URL of the search page to redirect a web page's search to. Paths are matched as
    Datasette routes them: the raw, tilde-encoded path."""
    # Percent-encoded as a rule, but a client may send raw UTF-8: never fail on it.
    query_string = without_blank_search(scope["query_string"].decode("utf-8", "replace"))
    raw_path = (scope.get("raw_path") or scope["path"].encode("utf-8")).decode("ascii")
    target = ranked_search_target(raw_path, query_string, datasette)
    if target is None:
        return dict(scope, query_string=query_string.encode("ascii")), None
    path, query_string = target
    if path == SEARCH_PAGE:
        return scope, f"{path}?{query_string}"
    rewritten = dict(
        scope, path=path, raw_path=path.encode("ascii"), query_string=query_string.encode("ascii")
    )
    return rewritten, None
