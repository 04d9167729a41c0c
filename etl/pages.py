"""The pages a reader starts from, served by the Datasette plugin (`register_routes`): `/search`.

Each handler runs its SQL through Datasette (its time limit and read-only connections hold) and
renders a template of `db/templates/`, so the site stays one Datasette with its own look.
"""

from __future__ import annotations

from urllib.parse import urlencode

from datasette.database import QueryInterrupted
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from etl.search import MARK_END, MARK_START, NARROWING_PARAMETERS, search_sql, searched_forms

SEARCH_PAGE_ROWS = 100
# A table of the corpus, to tell its database from others Datasette may serve.
CORPUS_TABLE = "documents"


async def corpus_database(datasette):
    """The database that holds the corpus (the site serves one)."""
    for name, database in datasette.databases.items():
        if name != "_internal" and await database.table_exists(CORPUS_TABLE):
            return database
    raise LookupError("no database with a documents table is served")


def marked(snippet: str | None) -> Markup:
    """A snippet escaped, its `<mark>` tags kept as highlighting."""
    escaped = str(escape(snippet or ""))
    return Markup(
        escaped.replace(str(escape(MARK_START)), MARK_START).replace(
            str(escape(MARK_END)), MARK_END
        )
    )


async def search_page(datasette, request) -> Response:
    """Paragraphs matching what was typed, best first, narrowed by city, document or dates."""
    database = await corpus_database(datasette)
    typed = request.args.get("q", "").strip()
    narrowing = {name: request.args.get(name, "").strip() for name in NARROWING_PARAMETERS}
    cities = await database.execute(
        "select report_city as city, count(*) as documents from documents "
        "where report_city is not null group by report_city order by documents desc, city"
    )
    document = None
    if narrowing["document_id"]:
        found = await database.execute(
            "select id, title from documents where id = :id", {"id": narrowing["document_id"]}
        )
        document = found.first()
    hits, error = [], None
    if typed:
        try:
            result = await database.execute(
                search_sql(), {"q": typed, "limit": SEARCH_PAGE_ROWS, **narrowing}
            )
            hits = [dict(row) for row in result.rows]
        except QueryInterrupted:
            error = "This search took too long: add a word, or narrow it to a city or dates."
    context = {
        "database": database.name,
        "typed": typed,
        "narrowing": narrowing,
        "document": document,
        "cities": cities.rows,
        "forms": searched_forms(typed) if typed else [],
        "hits": hits,
        "limit": SEARCH_PAGE_ROWS,
        "error": error,
        "downloads": {
            label: datasette.urls.path(f"/{database.name}/search.{extension}")
            + "?"
            + urlencode({"q": typed, **narrowing, "limit": datasette.max_returned_rows, **shape})
            for label, extension, shape in (
                ("CSV", "csv", {"_dl": 1}),
                ("JSON", "json", {"_shape": "array"}),
            )
        },
    }
    html = await datasette.render_template("search.html", context, request=request)
    return Response.html(html)
