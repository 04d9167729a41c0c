"""When a claim holds, said so that a reader can line claims up: whether its period is placed in
time, and a label naming it (2021年, 2013年1-9月) instead of a relative word (去年) whose year
nobody knows.

An article's 去年 is a year only when the article is dated; the figures of an undated article
say so (未注明日期), and the comparisons rank them after the dated ones.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

UNDATED = "未注明日期"  # the article states no date, so its relative periods have no year
UNRESOLVED = "无法确定日期"  # a dated article, but words no rule turns into dates


class Claim(Protocol):
    """The period of a claim (etl.indicators.Indicator) as written, and its dates if resolved."""

    period: str | None
    period_start: dt.date | None
    period_end: dt.date | None


def period_resolved(claim: Claim, published_on: dt.date | None) -> bool:
    """Can the claim be placed in time? Yes when its period has dates (written as 2021年, or
    resolved against the article's date), or when it names no period and the article is dated:
    then it holds as of publication."""
    if claim.period_start is not None and claim.period_end is not None:
        return True
    return claim.period is None and published_on is not None


def period_label(claim: Claim, published_on: dt.date | None) -> str:
    """The period as a reader lines it up: its dates in words, or why it has none."""
    if claim.period_start is not None and claim.period_end is not None:
        return span_label(claim.period_start, claim.period_end)
    if claim.period is None:
        return f"截至{published_on.year}年{published_on.month}月" if published_on else UNDATED
    return f"{claim.period}（{UNRESOLVED if published_on else UNDATED}）"


def span_label(start: dt.date, end: dt.date) -> str:
    """2021年, 2019-2021年, 2013年9月, 2013年1-9月, 2010年11月-2013年11月."""
    whole_years = (start.month, start.day, end.month, end.day) == (1, 1, 12, 31)
    if whole_years:
        years = str(start.year) if start.year == end.year else f"{start.year}-{end.year}"
        return f"{years}年"
    if start.year != end.year:
        return f"{start.year}年{start.month}月-{end.year}年{end.month}月"
    months = str(start.month) if start.month == end.month else f"{start.month}-{end.month}"
    return f"{start.year}年{months}月"
