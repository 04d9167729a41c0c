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


def ingest(data: bytes, path: str) -> Ingested:
    """Describe the article in a file; raises DecodeError (a RejectedFile) with the reason."""
    decoded = decode_bytes(data)
    is_html = decoded.is_html or PurePath(path).suffix.lower() in HTML_SUFFIXES
    if is_html:
        page = extract_webpage(decoded.text)
        article = describe_article(page.text, title=page.title, published_on=page.published_on)
    else:
        article = describe_article(decoded.text)
    if not article.paragraphs:
        raise DecodeError("no article text: every line is site chrome")
    return Ingested(decoded, article, is_html)
