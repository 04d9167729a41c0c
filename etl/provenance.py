"""What a collection says of an article, over what the article says of itself.

A record's, manifest row's or sidecar's title, source and author win over the text's; the date
is the most trusted of the collection's, the page markup's, the URL's and the text's
(etl.dates); a city named there wins over the place the text is about, and when the two differ
the document gets a warning, since one of them is wrong.
"""

from __future__ import annotations

from dataclasses import replace

from etl.dates import first_date, parse_date, url_date
from etl.ingest import Ingested
from etl.places import PlaceMatch, place_match, places_named
from etl.records import Given


def with_given(ingested: Ingested, given: Given) -> tuple[Ingested, list[str]]:
    """The article as the collection describes it, and warnings about what it said."""
    article = ingested.article
    warnings = list(given.warnings)
    stated = parse_date(given.published)
    if given.published and stated is None:
        warnings.append(f"the {given.origin}'s date {given.published!r} is no date: ignored")
    published_on, date_source = first_date(
        [
            (given.origin, stated),
            ("html", article.published_on if ingested.date_source == "html" else None),
            ("url", url_date(given.url)),
            ("text", article.published_on if ingested.date_source == "text" else None),
        ]
    )
    article = replace(
        article,
        published_on=published_on,
        title=given.title or article.title,
        title_derived=article.title_derived and not given.title,
        source=given.source or article.source,
        authors=[given.author] if given.author else article.authors,
    )
    return replace(ingested, article=article, date_source=date_source), warnings


def placed_as_given(found: PlaceMatch | None, given: Given) -> tuple[PlaceMatch | None, list[str]]:
    """The collection's city, if it names a known place, else the text's; with a warning when
    they disagree or the city is unknown."""
    if not given.city:
        return found, []
    candidates = places_named(given.city)
    if not candidates:
        unknown = f"the {given.origin}'s city {given.city!r} is no known place: kept the text's"
        return found, [unknown]
    if found is None:
        return place_match(candidates[0]), []
    city_of_text = found.city_code or found.code
    if any(city_of_text in (place.code, place_match(place).city_code) for place in candidates):
        return found, []  # they agree; the text's place may be the finer one (a county)
    disagreement = (
        f"the {given.origin} says {given.city} but the text is about "
        f"{found.city or found.name}: kept the {given.origin}'s"
    )
    return place_match(candidates[0]), [disagreement]
