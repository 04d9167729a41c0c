"""Reporting periods as written (今年前10月, 2021年, 近3年来) and the dates they stand for.

Each period pattern in rules/indicator_patterns.yaml names a resolver here. Relative periods
resolve only against a known publication date: a report's 去年 means nothing without it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from etl.numbers import parse_numeral
from etl.regex_literals import Required, holds_required, required_strings
from etl.rules_data import load_rules

DateRange = tuple[dt.date | None, dt.date | None]
NO_DATES: DateRange = (None, None)


@dataclass(frozen=True)
class Period:
    text: str
    start: int
    end: int
    period_start: dt.date | None
    period_end: dt.date | None


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def whole_year(year: int) -> DateRange:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _month(groups: dict[str, str | None], key: str) -> int:
    return int(parse_numeral(groups[key] or ""))


def _year(groups: dict[str, str | None]) -> int:
    """2021 or 二〇二一."""
    return int(parse_numeral(groups["y"] or ""))


def _months(year: int, first: int, last: int) -> DateRange:
    if not (1 <= first <= last <= 12):
        return NO_DATES
    return dt.date(year, first, 1), _month_end(year, last)


def _shift_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _shift_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


Resolver = Callable[[dict[str, str | None], dt.date | None], DateRange]


def _relative(resolve: Callable[[dict[str, str | None], dt.date], DateRange]) -> Resolver:
    """A resolver that needs the publication date, and gives no dates without one."""

    def resolver(groups: dict[str, str | None], published_on: dt.date | None) -> DateRange:
        return NO_DATES if published_on is None else resolve(groups, published_on)

    return resolver


RESOLVERS: dict[str, Resolver] = {
    "none": lambda groups, published_on: NO_DATES,
    "year": lambda g, _: whole_year(_year(g)),
    "year_months": lambda g, _: _months(_year(g), _month(g, "m1"), _month(g, "m2")),
    "year_first_months": lambda g, _: _months(_year(g), 1, _month(g, "m2")),
    "since_year": _relative(lambda g, day: (dt.date(_year(g), 1, 1), day)),
    "this_year": _relative(lambda g, day: whole_year(day.year)),
    "this_year_to_date": _relative(lambda g, day: (dt.date(day.year, 1, 1), day)),
    "this_year_first_months": _relative(lambda g, day: _months(day.year, 1, _month(g, "m2"))),
    "this_year_months": _relative(
        lambda g, day: _months(day.year, _month(g, "m1"), _month(g, "m2"))
    ),
    "this_year_month": _relative(
        lambda g, day: _months(day.year, _month(g, "m2"), _month(g, "m2"))
    ),
    "this_year_first_half": _relative(lambda g, day: _months(day.year, 1, 6)),
    "last_year": _relative(lambda g, day: whole_year(day.year - 1)),
    "since_last_year": _relative(lambda g, day: (dt.date(day.year - 1, 1, 1), day)),
    "year_before_last": _relative(lambda g, day: whole_year(day.year - 2)),
    "next_year": _relative(lambda g, day: whole_year(day.year + 1)),
    "recent_years": _relative(
        lambda g, day: (_shift_years(day, -int(parse_numeral(g["n"] or ""))), day)
    ),
    "recent_months": _relative(
        lambda g, day: (_shift_months(day, -int(parse_numeral(g["n"] or ""))), day)
    ),
    "past_year": _relative(lambda g, day: (_shift_years(day, -1), day)),
}


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], Resolver, Required], ...]:
    """Each period pattern, its resolver and the strings every match of it holds."""
    patterns = [(re.compile(rule["pattern"]), rule["resolve"]) for rule in load_rules()["periods"]]
    return tuple(
        (pattern, RESOLVERS[resolve], required_strings(pattern)) for pattern, resolve in patterns
    )


@cache
def _any_period() -> re.Pattern[str]:
    """Every period pattern in one, to tell cheaply whether a text starts with a period.
    Group names repeat across the patterns, so they are dropped."""
    unnamed = (re.sub(r"\(\?P<\w+>", "(?:", pattern.pattern) for pattern, *_ in _patterns())
    return re.compile("|".join(f"(?:{pattern})" for pattern in unnamed))


def find_periods(text: str, published_on: dt.date | None = None) -> list[Period]:
    """Every period written in `text`, earliest first; where two patterns overlap the one
    listed first in the rules (the more specific) wins."""
    taken: list[Period] = []
    for pattern, resolve, required in _patterns():
        if not holds_required(text, required):
            continue
        for match in pattern.finditer(text):
            if any(match.start() < p.end and p.start < match.end() for p in taken):
                continue
            try:
                start, end = resolve(match.groupdict(), published_on)
            except ValueError:  # 13月, 2月30日: written badly, keep the words, drop the dates
                start, end = NO_DATES
            taken.append(Period(match[0], match.start(), match.end(), start, end))
    return sorted(taken, key=lambda p: p.start)


def period_at_start(text: str) -> Period | None:
    """The period find_periods(text) finds at the very start of `text`, if any. Most clauses
    start with none, and one combined match says so without running every pattern."""
    if _any_period().match(text) is None:
        return None
    return next((p for p in find_periods(text) if p.start == 0), None)
