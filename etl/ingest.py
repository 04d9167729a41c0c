"""From a file's bytes to a described article: decode, take the article out of a web page, describe.

This is the whole path the loader needs between `etl.read` and the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from etl.decode import Decoded, DecodeError, decode_bytes
from etl.paragraphs import Article, describe_article
from etl.webpage import extract_webpage

HTML_SUFFIXES = frozenset({".html", ".htm"})


@dataclass(frozen=True)
class Ingested:
    """`decoded.text` is the verbatim original (documents.original_text); for a web page it is
    the markup, and the article's paragraphs are the page's main text."""

    decoded: Decoded
    article: Article
    is_html: bool
    # where article.published_on came from: html (the page's markup), text (a dateline in the
    # text) or none (documents.date_source, an open vocabulary)
    date_source: str


def ingest(data: bytes, path: str) -> Ingested:
    """Describe the article in a file; raises DecodeError (a RejectedFile) with the reason."""
    decoded = decode_bytes(data)
    is_html = decoded.is_html or PurePath(path).suffix.lower() in HTML_SUFFIXES
    from_markup = False
    if is_html:
        page = extract_webpage(decoded.text)
        article = describe_article(page.text, title=page.title, published_on=page.published_on)
        from_markup = page.published_on is not None
    else:
        article = describe_article(decoded.text)
    if not article.paragraphs:
        raise DecodeError("no article text: every line is site chrome")
    date_source = "html" if from_markup else "text" if article.published_on else "none"
    return Ingested(decoded, article, is_html, date_source)
