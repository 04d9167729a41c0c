"""The pages a reader starts from, served by the Datasette plugin (`register_routes`): `/search`,
`/compare`, `/compare/<metric>`, `/city/<city>` and `/claim/<indicator id>`.

Each handler runs its SQL through Datasette (its time limit and read-only connections hold) and
renders a template of `db/templates/`, so the site stays one Datasette with its own look.
"""

from __future__ import annotations

import csv
import io
import json
import re
from functools import cache
from urllib.parse import urlencode

from datasette.database import QueryInterrupted
from datasette.utils import tilde_decode, tilde_encode
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup, escape

from etl.rules_data import load_yaml
from etl.search import (
    MARK_END,
    MARK_START,
    NARROWING_PARAMETERS,
    RANKED_AT_MOST,
    search_sql,
    searched_forms,
)

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
        "ranked_at_most": RANKED_AT_MOST,
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


def readable_number(value: float | int) -> str:
    """3315.0 as 3,315 and 205000.0 as 205,000; 21.22 stays 21.22 (12 significant digits hide
    binary fractions such as 0.30000000000000004)."""
    return format(value, ",.12g")


@cache
def approximation_places() -> dict[str, str]:
    """Where each approximation word stands, from the extractor's rules: 近 before the number,
    余 between it and the unit, 以上 after the unit."""
    rules = load_yaml("indicator_patterns.yaml")
    return {
        **dict.fromkeys(rules["approx_prefixes"], "before"),
        **dict.fromkeys(rules["approx_infixes"], "between"),
        **dict.fromkeys(rules["approx_suffixes"], "after"),
    }


def figure(row: dict) -> str:
    """A claim's level as a reader writes it: 近205,000个, 3,500余名, 98.5%以上; an empty string
    for a change."""
    if row.get("kind") == "change" or row.get("value") is None:
        return ""
    approx, unit = row.get("approx") or "", row.get("unit") or ""
    place = approximation_places().get(approx, "before")
    number = readable_number(row["value"])
    if place == "between":
        return f"{number}{approx}{unit}"
    if place == "after":
        return f"{number}{unit}{approx}"
    return f"{approx}{number}{unit}"


def change(row: dict) -> str:
    """A claim's change with its basis: -12.67% 比2020年, +3.5个百分点 同比, -832起 同比."""
    if row.get("change_pct") is not None:
        amount = f"{row['change_pct']:+,.12g}%"
    elif row.get("change_pp") is not None:
        amount = f"{row['change_pp']:+,.12g}个百分点"
    elif row.get("change_abs") is not None:
        amount = f"{row['change_abs']:+,.12g}{row.get('unit') or ''}"
    else:
        return ""
    return f"{amount} {row.get('basis') or ''}".strip()


SENTENCE_END = re.compile(r"[。！？!?\n]")


def sentence_bounds(paragraph: str, start: int, end: int) -> tuple[int, int]:
    """Where the sentence of a paragraph that holds the stretch [start, end) begins and ends: a
    claim's quote is a fragment (比2020年下降12.67%), and a reader cites the whole sentence."""
    before = [m.end() for m in SENTENCE_END.finditer(paragraph, 0, max(start, 0))]
    after = SENTENCE_END.search(paragraph, max(end, 0))
    return (before[-1] if before else 0), (after.end() if after else len(paragraph))


def with_claim_marked(paragraph: str, start: int, end: int) -> Markup:
    """The paragraph, escaped, the claim's words inside `<mark class="claim">`."""
    return Markup('{}<mark class="claim">{}</mark>{}').format(
        paragraph[:start], paragraph[start:end], paragraph[end:]
    )


# A claim in the words it was published in: its paragraph's verbatim line and the claim's
# offsets there (a document loaded before revision 0018 and not yet derived again has only the
# normalised ones).
AS_PUBLISHED = """
  case when i.original_start_offset is null then p.text else p.original_text end as paragraph,
  coalesce(i.original_start_offset, i.start_offset) as quote_start,
  coalesce(i.original_end_offset, i.end_offset) as quote_end"""
METRICS_SQL = """
select code, name_zh, name_en, family, parent, kind, unit, description, city_count,
  document_count, indicator_count
from metrics order by family, code
"""
# A metric's figures, city by city, with what a download needs: the paragraph as published (for
# the whole sentence), the claim's offsets in it, and the document's source. A change in
# percent and one in the unit itself (减少832起) are two changes.
FIGURES_SQL = f"""
with ranked as (
  select m.*, row_number() over (
      partition by m.measure, m.city, m.kind = 'change',
        case when m.kind = 'change' then m.unit end
      order by m.place_level = 'city' desc, m.is_target, m.period_resolved desc,
        m.period_end desc nulls last, m.published_on desc nulls last, m.indicator_id
    ) as city_rank
  from metric_comparison as m
  where m.{{column}} = :key
)
select ranked.*, d.source,{AS_PUBLISHED}
from ranked
  join indicators as i on i.id = ranked.indicator_id
  join paragraphs as p on p.id = ranked.paragraph_id
  join documents as d on d.id = ranked.document_id
where {{kept}}
order by {{order}}
"""
# A metric across cities: each city's latest figure of each measure, its level and its change
# (the city's own, not a district's or a target, and dated if any is), ranked before the quotes
# and paragraphs are joined: 2,279 rows of criminal_cases at 3,000 documents, a page no one
# reads, became one or two a city.
COMPARISON_SQL = FIGURES_SQL.format(
    column="metric",
    kept="ranked.city_rank = 1",
    order="ranked.measure, ranked.kind = 'change', ranked.value desc, ranked.city",
)
# One city: every figure its documents claim (the latest for each period).
CITY_FIGURES_SQL = FIGURES_SQL.format(
    column="city",
    kept="1",
    order="ranked.metric, ranked.period_resolved desc, ranked.period_end desc,"
    " ranked.kind = 'change'",
)
# The columns of a comparison's download: what a reader needs to cite each figure.
DOWNLOAD_COLUMNS = (
    "metric", "metric_name_zh", "city", "scope", "measure", "kind", "value", "approx", "unit",
    "change_pct", "change_pp", "change_abs", "basis", "period_label", "period_start", "period_end",
    "is_target", "sentence", "quote", "title", "published_on", "source", "document_id",
    "indicator_id",
)  # fmt: skip


async def metric_catalogue(database) -> list[dict]:
    return [dict(row) for row in await database.execute(METRICS_SQL)]


def ordered_by_family(metrics: list[dict]) -> dict[str, list[dict]]:
    """Each family's metrics, every parent followed by its sub-types (indented by `depth`)."""
    children: dict[str | None, list[dict]] = {}
    codes = {metric["code"] for metric in metrics}
    for metric in metrics:
        parent = metric["parent"] if metric["parent"] in codes else None
        children.setdefault(parent, []).append(metric)
    families: dict[str, list[dict]] = {}

    def visit(metric: dict, depth: int) -> None:
        families.setdefault(metric["family"], []).append({**metric, "depth": depth})
        for child in children.get(metric["code"], []):
            visit(child, depth + 1)

    for metric in children.get(None, []):
        visit(metric, 0)
    return families


def matches(metric: dict, typed: str) -> bool:
    folded = typed.casefold()
    return any(folded in (metric[key] or "").casefold() for key in ("code", "name_zh", "name_en"))


async def compare_index(datasette, request) -> Response:
    """Every metric by family, with how many cities and documents report it; `q` narrows the
    list by Chinese or English name, and a name given whole goes straight to its comparison."""
    database = await corpus_database(datasette)
    metrics = await metric_catalogue(database)
    typed = request.args.get("q", "").strip()
    if typed:
        exact = [m for m in metrics if typed.casefold() in (m["code"], m["name_zh"],
                 (m["name_en"] or "").casefold())]  # fmt: skip
        if len(exact) == 1:
            return Response.redirect(datasette.urls.path(f"/compare/{exact[0]['code']}"))
        metrics = [metric for metric in metrics if matches(metric, typed)]
    context = {
        "database": database.name,
        "typed": typed,
        "families": ordered_by_family(metrics),
        "names": sorted({m["name_zh"] for m in await metric_catalogue(database)}),
    }
    html = await datasette.render_template("compare.html", context, request=request)
    return Response.html(html)


def comparison_row(row: dict) -> dict:
    """A row of metric_comparison as a reader reads it, and as a download carries it."""
    start, end = row["quote_start"], row["quote_end"]
    first, last = sentence_bounds(row["paragraph"], start, end)
    sentence = row["paragraph"][first:last]
    return {
        **row,
        "figure": figure(row),
        "change": change(row),
        "sentence": sentence.strip(),
        "sentence_marked": with_claim_marked(sentence, start - first, end - first),
    }


def bar_charts(rows: list[dict]) -> dict[str, list[dict]]:
    """Bars for a measure's levels and for its changes, each chart's widths a percentage of its
    largest magnitude: the chart is HTML and needs no script."""
    charts = {}
    for title, key, shown in (("level", "value", "figure"), ("change (%)", "change_pct", "change")):
        charted = [row for row in rows if row[shown] and row[key] is not None]
        largest = max((abs(row[key]) for row in charted), default=0) or 1
        charts[title] = [
            {
                "label": row["city"] + (f" {row['scope']}" if row["scope"] else ""),
                "period": row["period_label"],
                "width": round(100 * abs(row[key]) / largest, 1),
                "negative": row[key] < 0,
                "text": row[shown],
                "indicator_id": row["indicator_id"],
            }
            for row in charted
        ]
    return {title: bars for title, bars in charts.items() if bars}


async def compare_metric(datasette, request) -> Response:
    """One metric: a chart and a table of every city's figures, each linked to its sentence; the
    same rows as CSV (with a byte-order mark, for Excel and WPS) or JSON."""
    database = await corpus_database(datasette)
    code = tilde_decode(request.url_vars["metric"])
    catalogue = {metric["code"]: metric for metric in await metric_catalogue(database)}
    metric = catalogue.get(code)
    if metric is None:
        raise NotFound(f"No metric {code}: see /compare for the list")
    result = await database.execute(COMPARISON_SQL, {"key": code})
    rows = [comparison_row(dict(row)) for row in result.rows]
    download = request.url_vars.get("format")
    if download:
        return downloaded(rows, f"{code}.{download}", download)
    measures: dict[str, list[dict]] = {}
    for row in rows:
        measures.setdefault(row["measure"] or "", []).append(row)
    family = [other for other in catalogue.values() if other["family"] == metric["family"]]
    context = {
        "database": database.name,
        "metric": metric,
        "measures": {m: {"rows": r, "charts": bar_charts(r)} for m, r in measures.items()},
        "family": ordered_by_family(family).get(metric["family"], []),
        "downloads": {
            "CSV": datasette.urls.path(f"/compare/{code}.csv"),
            "JSON": datasette.urls.path(f"/compare/{code}.json"),
        },
    }
    html = await datasette.render_template("compare_metric.html", context, request=request)
    return Response.html(html)


def downloaded(rows: list[dict], filename: str, download: str) -> Response:
    """The rows as the reader saw them, with the whole sentence, title and date of each."""
    records = [{column: row.get(column) for column in DOWNLOAD_COLUMNS} for row in rows]
    disposition = {"content-disposition": f'attachment; filename="{filename}"'}
    if download == "json":
        body = json.dumps(records, ensure_ascii=False, indent=2)
        return Response(body, content_type="application/json; charset=utf-8", headers=disposition)
    out = io.StringIO()
    out.write("\ufeff")  # Excel and WPS read UTF-8 only with a byte-order mark
    writer = csv.DictWriter(out, DOWNLOAD_COLUMNS)
    writer.writeheader()
    writer.writerows(records)
    return Response(out.getvalue(), content_type="text/csv; charset=utf-8", headers=disposition)


CITY_SQL = """
select d.report_city as city, d.province, p.name as place, p.level, p.latitude, p.longitude
from documents as d left join places as p on p.code = d.place_code
where d.report_city = :city limit 1
"""
CITY_DOCUMENTS_SQL = """
select id, title, published_on, source, indicator_count from documents
where report_city = :city order by published_on desc, id desc
"""


async def city_page(datasette, request) -> Response:
    """One city: every figure its documents claim (the latest for each period), by family, each
    linked to its sentence; its documents; its place on the map."""
    database = await corpus_database(datasette)
    name = tilde_decode(request.url_vars["city"])  # Datasette routes the tilde-encoded path
    found = (await database.execute(CITY_SQL, {"city": name})).first()
    if found is None:
        longer = (await database.execute(CITY_SQL, {"city": name + "市"})).first()
        if longer is not None:
            return Response.redirect(datasette.urls.path(f"/city/{tilde_encode(longer['city'])}"))
        raise NotFound(f"No document is about a city called {name}")
    catalogue = {metric["code"]: metric for metric in await metric_catalogue(database)}
    result = await database.execute(CITY_FIGURES_SQL, {"key": name})
    families: dict[str, dict[str, list[dict]]] = {}
    for row in (comparison_row(dict(row)) for row in result.rows):
        family = catalogue.get(row["metric"], {}).get("family", "other")
        families.setdefault(family, {}).setdefault(row["metric"], []).append(row)
    documents = await database.execute(CITY_DOCUMENTS_SQL, {"city": name})
    context = {
        "database": database.name,
        "city": dict(found),
        "families": families,
        "metrics": catalogue,
        "documents": documents.rows,
        "map_url": datasette.urls.table(database.name, "place_map")
        + "?"
        + urlencode({"city": name}),
    }
    html = await datasette.render_template("city.html", context, request=request)
    return Response.html(html)


CLAIM_SQL = f"""
select i.*, p.position as paragraph_position, d.title, d.published_on, d.source,
  d.report_city as city, m.name_zh as metric_name_zh, m.name_en as metric_name_en,{AS_PUBLISHED}
from indicators as i
  join paragraphs as p on p.id = i.paragraph_id
  join documents as d on d.id = i.document_id
  left join metrics as m on m.code = i.metric
where i.id = :id
"""
PARAGRAPH_CLAIMS_SQL = """
select i.*, m.name_zh as metric_name_zh from indicators as i
  left join metrics as m on m.code = i.metric
where i.paragraph_id = :paragraph_id order by i.position
"""


async def claim_page(datasette, request) -> Response:
    """One claim in its paragraph: the words marked, the document's title, date and source with a
    link to the whole document, and every other claim of the paragraph."""
    database = await corpus_database(datasette)
    found = (await database.execute(CLAIM_SQL, {"id": request.url_vars["id"]})).first()
    if found is None:
        raise NotFound("No such claim")
    claim = dict(found)
    others = await database.execute(PARAGRAPH_CLAIMS_SQL, {"paragraph_id": claim["paragraph_id"]})
    context = {
        "database": database.name,
        "claim": {**claim, "figure": figure(claim), "change": change(claim)},
        "paragraph": with_claim_marked(
            claim["paragraph"], claim["quote_start"], claim["quote_end"]
        ),
        "others": [
            {**dict(row), "figure": figure(dict(row)), "change": change(dict(row))}
            for row in others.rows
            if row["id"] != claim["id"]
        ],
    }
    html = await datasette.render_template("claim.html", context, request=request)
    return Response.html(html)
