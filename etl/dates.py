"""When an article was published, from wherever that is said, most trusted first.

A collection's own metadata (an export's record, a manifest row, a sidecar) was written by
whoever gathered the article and names it; a page's markup (read by htmldate, inside
trafilatura: etl.webpage) is the publisher's; a URL's date is the publisher's filing of it; a
dateline found in the text (etl.boilerplate) may be a reprint's or a copy's. The first that
gives a date wins, and `documents.date_source` names it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from etl.rules_data import load_yaml

URL_DATE_RULES = "url_dates.yaml"
NO_DATE = "none"
# A date as collections write it: 2016-11-15, 2016/11/15, 2016.11.15, 2016年11月15日, with or
# without a time after it; or run together, 20161115.
WRITTEN_DATE = re.compile(
    r"(?P<year>(?:19|20)\d\d)\s*[-/.年]\s*(?P<month>[01]?\d)\s*[-/.月]\s*(?P<day>[0-3]?\d)(?!\d)"
    r"|(?P<compact_year>(?:19|20)\d\d)(?P<compact_month>[01]\d)(?P<compact_day>[0-3]\d)(?!\d)"
)


@dataclass(frozen=True)
class UrlDateRule:
    name: str
    precision: str  # day, or month (the article is dated to the 1st of its month)
    pattern: re.Pattern[str]


@cache
def url_date_rules() -> tuple[UrlDateRule, ...]:
    """The patterns of rules/url_dates.yaml, in file order."""
    return tuple(
        UrlDateRule(rule["name"], rule["precision"], re.compile(rule["pattern"]))
        for rule in load_yaml(URL_DATE_RULES)["patterns"]
    )


def _date(year: str, month: str, day: str | None) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day or 1))
    except ValueError:
        return None


def url_date(url: str | None) -> dt.date | None:
    """The date in a URL's path (/2016-11/15/, /20161115/, /201603/), or None."""
    if not url:
        return None
    path = urlsplit(url).path
    for rule in url_date_rules():
        for match in rule.pattern.finditer(path):
            found = _date(match["year"], match["month"], match.groupdict().get("day"))
            if found is not None:
                return found
    return None


def parse_date(value: str | None) -> dt.date | None:
    """A date as a collection's metadata writes it (ISO 8601 with or without a time, 2016/11/15,
    2016年11月15日, 20161115), or None when the value holds no real date."""
    if not value or not value.strip():
        return None
    text = value.strip()
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    match = WRITTEN_DATE.search(text)
    if match is None:
        return None
    if match["year"]:
        return _date(match["year"], match["month"], match["day"])
    return _date(match["compact_year"], match["compact_month"], match["compact_day"])


def first_date(candidates: Iterable[tuple[str, dt.date | None]]) -> tuple[dt.date | None, str]:
    """The first (source, date) that has a date, most trusted first, as (date, source); or
    (None, 'none')."""
    for source, found in candidates:
        if found is not None:
            return found, source
    return None, NO_DATE
