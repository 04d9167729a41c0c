"""Full-text search over the segmented paragraphs: what a user types, made into a safe FTS5 query.

`paragraphs_fts` indexes `paragraphs.tokens` (`etl.tokens.segmented()`: the words of the text, each
preceded by the dictionary words inside it). A typed query is cut by the same `segment()`: each
whitespace-separated term (or `"quoted phrase"`) must occur in the paragraph, its words close
together: `刑事发案数` finds 刑事发案 next to 数; `视频监控 网格` needs both terms, anywhere.
Whatever the user typed ends up as words inside double-quoted FTS5 strings or is dropped, so no
input is an FTS5 syntax error: stray quotes close at the end, punctuation (a lone `*` included) is
not a word, and FTS5's operators `AND OR NOT NEAR` typed as bare words are dropped rather than read
as syntax (terms are always ANDed). A term ending in `*` is a prefix search on its last word.

A bare term that names a metric as the reports do (a synonym in `etl/rules/metrics.yaml`, the
data the extractor maps claims with) also finds the metric's other forms: 网格员 finds 网格管理员
and 专兼职网格员 too (`searched_forms` says which). In double quotes a term is searched alone.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from itertools import islice

from sqlalchemy import Connection, text

from etl.db import SQL_DIR
from etl.dialects import SEARCH_POSTGRESQL
from etl.metrics import load_metrics
from etl.tokens import HAN_ONLY, inner_words, segment

SEARCH_SQL_PATH = SQL_DIR / "queries" / "search.sql"
MATCHES_NOTHING = '""'
"""What the SQL function `fts_query` returns when nothing searchable is left: FTS5 rejects an
empty or NULL query, and the empty phrase is valid and matches no row."""
MARK_START, MARK_END = "<mark>", "</mark>"
# A search ranks at most this many of its matches, the most recently loaded
# (sql/queries/search.sql): bm25 costs about a microsecond a match, and a narrowed search checks
# every entry of the index it reads against the city, document or dates.
RANKED_AT_MOST = 2_000
# A search narrowed to at most this many documents checks each match against their paragraphs'
# ids; past it, against the documents themselves (sql/queries/search.sql says why).
NARROWED_BY_PARAGRAPHS_AT_MOST = 3_000
# What narrows a search in `sql/queries/search.sql` (blank: no narrowing); from and to are dates.
NARROWING_PARAMETERS = ("city", "from", "to", "document_id")
FTS5_OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})
# Typographic quotes count as the ASCII double quote: users type “枫桥经验” as a phrase.
QUOTES = str.maketrans({"“": '"', "”": '"', "「": '"', "」": '"', "『": '"', "』": '"'})
# A quoted phrase (closed or running to the end) or a bare run of non-space, non-quote characters.
TERM = re.compile(r'"(?P<phrase>[^"]*)"?|(?P<bare>[^\s"]+)')


@dataclass(frozen=True)
class Term:
    """One phrase of a query: its words in order, and whether the last one is a prefix."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class TypedTerm:
    """A term as the user typed it and the forms it is searched in: itself, then its synonyms.
    A paragraph matches the term when it holds any of the forms."""

    forms: tuple[Term, ...]
    texts: tuple[str, ...]


@cache
def metric_forms() -> dict[str, tuple[str, ...]]:
    """Each literal name of a metric (its Chinese name, its synonyms without a `*`) -> every
    literal name of the metrics it names, as written in `etl/rules/metrics.yaml`."""
    forms: dict[str, tuple[str, ...]] = {}
    for metric in load_metrics().metrics:
        names = tuple(dict.fromkeys(n for n in (metric.name_zh, *metric.synonyms) if "*" not in n))
        for name in names:
            forms[name] = tuple(dict.fromkeys((*forms.get(name, ()), *names)))
    return forms


def typed_terms(user_query: str) -> list[TypedTerm]:
    """The terms a user typed, each with the forms it is searched in; full-width forms are
    folded as the stored text's are."""
    typed = unicodedata.normalize("NFKC", user_query).translate(QUOTES)
    terms = []
    for match in TERM.finditer(typed):
        phrase, bare = match["phrase"], match["bare"]
        if bare in FTS5_OPERATORS:
            continue
        text_ = phrase if phrase is not None else bare
        words = tuple(segment(text_))
        if not words:
            continue
        prefix = bare is not None and bare.endswith("*")
        synonyms = metric_forms().get(bare, ()) if bare is not None else ()
        others = [name for name in synonyms if name != bare and segment(name)]
        terms.append(
            TypedTerm(
                forms=(Term(words, prefix), *(Term(tuple(segment(name))) for name in others)),
                texts=(text_.strip(), *others),
            )
        )
    return terms


def query_terms(user_query: str) -> list[Term]:
    """Every form of every term in what a user typed."""
    return [form for term in typed_terms(user_query) for form in term.forms]


@lru_cache(maxsize=64)
def searched_forms(user_query: str) -> list[tuple[str, ...]]:
    """What is searched for each typed term: 网格员 -> (网格员, 网格管理员, 网格长, ...)."""
    return [term.texts for term in typed_terms(user_query)]


def fts_group(term: Term) -> str:
    """One word is one FTS5 string; several are a NEAR group, not a phrase, because the index
    holds the dictionary words inside each word between them (贵阳 贵阳市 刑事 事发 发案 刑事发案),
    so the window allows for those (and for the word turning up inside a longer one)."""
    strings = [f'"{word.replace(chr(34), chr(34) * 2)}"' for word in term.words]
    if term.prefix:
        strings[-1] += " *"
    if len(strings) == 1:
        return strings[0]
    window = sum(len(inner_words(word)) + 2 for word in term.words)
    return f"NEAR({' '.join(strings)}, {window})"


def fts_alternatives(term: TypedTerm) -> str:
    """A typed term as FTS5: its one form, or its forms in parentheses joined by OR."""
    if len(term.forms) == 1:
        return fts_group(term.forms[0])
    return "(" + " OR ".join(fts_group(form) for form in term.forms) + ")"


def fts_query(user_query: str) -> str | None:
    """A valid FTS5 MATCH expression for `paragraphs_fts`, or None when nothing searchable is left.

    `"刑事发案" "社区 民警" 2015年*` ->
    `"刑事发案" AND NEAR("社区" "民警", 4) AND NEAR("2015" "年" *, 4)`;
    网格员 -> `("网格员" OR NEAR("网格" "管理员", 5) OR ...)`.
    """
    # AND written out: FTS5 reads two strings side by side as AND, but not a parenthesised group.
    return " AND ".join(fts_alternatives(term) for term in typed_terms(user_query)) or None


def match_expression(user_query: str | None) -> str:
    """`fts_query()` for SQL, where a NULL or empty MATCH would be an error."""
    return fts_query(user_query or "") or MATCHES_NOTHING


def phrase_regex(term: Term, between: str = r"[\W_]*") -> str:
    """A term as it stands in the text: its words with only punctuation or spaces between."""
    return between.join(re.escape(word) for word in term.words)


def search_matches(paragraph: str, user_query: str | None) -> bool:
    """Does the paragraph hold every term as typed, its words side by side? The index finds
    candidates (its NEAR window is looser than a phrase); this keeps the true matches, the same
    on SQLite and PostgreSQL."""
    return all(pattern.search(paragraph) for pattern in phrase_patterns(user_query or ""))


@lru_cache(maxsize=64)
def search_is_exact(user_query: str | None) -> bool:
    """Does the index alone decide, with no need of `search_matches`? So when every form is one
    Han word: the index holds it only where the text does (a token, or a word inside one)."""
    terms = query_terms(user_query or "")
    return all(len(term.words) == 1 and HAN_ONLY.fullmatch(term.words[0]) for term in terms)


@lru_cache(maxsize=64)
def phrase_patterns(user_query: str) -> tuple[re.Pattern[str], ...]:
    """One compiled pattern per typed term, any of its forms: SQLite calls `search_matches` for
    every candidate row, and cutting the query again for each took a second for 58,000 rows."""
    return tuple(term_pattern(list(term.forms)) for term in typed_terms(user_query))


def term_pattern(terms: list[Term]) -> re.Pattern[str]:
    """Where the terms occur in the original text: their words with only punctuation or spaces
    between them (the tokens dropped those), longest phrase first."""
    alternatives = sorted((phrase_regex(term) for term in terms), key=len, reverse=True)
    return re.compile("|".join(alternatives), re.IGNORECASE)


@lru_cache(maxsize=64)
def query_pattern(user_query: str) -> re.Pattern[str] | None:
    terms = query_terms(user_query)
    return term_pattern(terms) if terms else None


def search_snippet(paragraph: str, user_query: str | None, context: int = 40) -> str:
    """The part of a paragraph around its first match, every match there inside `<mark>` tags.

    Cut from the original text (the index holds words without punctuation, unfit to read)."""
    pattern = query_pattern(user_query or "")
    first = pattern.search(paragraph) if pattern else None
    if first is None:
        return paragraph[: 2 * context] + ("…" if len(paragraph) > 2 * context else "")
    start, end = max(0, first.start() - context), min(len(paragraph), first.end() + context)
    window = pattern.sub(lambda m: f"{MARK_START}{m[0]}{MARK_END}", paragraph[start:end])
    return ("…" if start else "") + window + ("…" if end < len(paragraph) else "")


def register_search_functions(
    connection: sqlite3.Connection,
    ranked_at_most: int = RANKED_AT_MOST,
    narrowed_by_paragraphs_at_most: int = NARROWED_BY_PARAGRAPHS_AT_MOST,
) -> None:
    """The SQL functions that `sql/queries/search.sql` calls; tests lower the two limits to reach
    the ways a search of 100,000 documents goes."""
    connection.create_function(
        "search_ranked_at_most", 0, lambda: ranked_at_most, deterministic=True
    )
    connection.create_function(
        "search_narrowed_by_paragraphs_at_most",
        0,
        lambda: narrowed_by_paragraphs_at_most,
        deterministic=True,
    )
    connection.create_function("fts_query", 1, match_expression, deterministic=True)
    connection.create_function("search_snippet", 2, search_snippet, deterministic=True)
    connection.create_function("search_matches", 2, search_matches, deterministic=True)
    connection.create_function("search_is_exact", 1, search_is_exact, deterministic=True)


def search_sql() -> str:
    return SEARCH_SQL_PATH.read_text(encoding="utf-8")


@dataclass(frozen=True)
class SearchHit:
    """One paragraph that matched, with its document's title, city and date."""

    title: str | None
    city: str | None
    published_on: date | str | None
    text: str
    snippet: str
    rank: float
    id: int
    document_id: int
    position: int
    approximate: bool = False  # ranked among the RANKED_AT_MOST most recently loaded matches


def ts_form(term: Term) -> str:
    """One form for PostgreSQL: every word of it (`&`; PostgreSQL has no NEAR window, so a
    several-word form is looser there)."""
    lexemes = [
        "'" + word.replace("'", "''") + "'" + (":*" if term.prefix and last else "")
        for last, word in ((i == len(term.words) - 1, w) for i, w in enumerate(term.words))
    ]
    return "(" + " & ".join(lexemes) + ")"


def tsquery(user_query: str) -> str | None:
    """The PostgreSQL twin of `fts_query`: each typed term, in any of its forms."""
    terms = typed_terms(user_query)
    alternatives = ["(" + " | ".join(ts_form(f) for f in term.forms) + ")" for term in terms]
    return " & ".join(alternatives) or None


def search_paragraphs(connection: Connection, query: str, limit: int = 20) -> list[SearchHit]:
    """The best `limit` paragraphs for a typed query, best first; [] when nothing matches or
    nothing searchable was typed. On SQLite the SQL is `sql/queries/search.sql` (bm25); on
    PostgreSQL it is `etl.dialects.SEARCH_POSTGRESQL` (ts_rank) over the same tokens."""
    if fts_query(query) is None:
        return []
    if connection.dialect.name == "postgresql":
        # Ranked candidates, streamed, kept by the same phrase test as SQLite's (in Python: a
        # PostgreSQL regex would depend on the server's locale), until `limit` are found.
        rows = connection.execution_options(stream_results=True).execute(
            text(SEARCH_POSTGRESQL), {"tsquery": tsquery(query)}
        )
        hits = (row for row in rows.mappings() if search_matches(row["text"], query))
        return [
            SearchHit(snippet=search_snippet(row["text"], query), **row)
            for row in islice(hits, limit)
        ]
    register_search_functions(connection.connection.driver_connection)
    narrowing = dict.fromkeys(NARROWING_PARAMETERS)
    rows = connection.execute(
        text(search_sql()), {"q": query, "limit": limit, **narrowing}
    ).mappings()
    return [SearchHit(**row) for row in rows]
