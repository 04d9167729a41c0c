"""Web pages saved from news sites: their article text, headline and date, without the page.

trafilatura is built for exactly this (news pages, boilerplate removal, htmldate for dates), so
scripts, styles, navigation and footers are its job, not ours. Its date search stays off the
page's running text: a date it would have to guess (a copyright year) is no publication date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import trafilatura

from etl.decode import DecodeError

DATE_SEARCH = {"extensive_search": False, "original_date": True}


@dataclass(frozen=True)
class WebPage:
    """The article of a page: `text` has one paragraph per line, the headline first."""

    text: str
    title: str | None
    published_on: dt.date | None


def extract_webpage(html: str) -> WebPage:
    """The main text, headline and stated date of an HTML page; DecodeError if it has none."""
    document = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        date_extraction_params=DATE_SEARCH,
    )
    if document is None or not (document.text or "").strip():
        raise DecodeError("HTML page without article text")
    title = (document.title or "").strip() or None
    text = document.text.strip()
    if title and text.split("\n", 1)[0].strip() != title:
        text = f"{title}\n{text}"
    published_on = dt.date.fromisoformat(document.date) if document.date else None
    return WebPage(text=text, title=title, published_on=published_on)
