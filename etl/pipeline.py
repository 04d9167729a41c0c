"""From a file's bytes to the rows of one document: the pure part of the ETL, stage by stage.

read (etl.read) -> decode and describe (etl.ingest: decode, webpage, normalise, paragraphs) ->
place (etl.places) -> offsets -> tokens and keywords (etl.tokens, etl.keywords) -> indicators
(etl.indicators). Nothing here touches the database, so documents can be built in worker
processes and the stages tested alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import chain

from etl.dating import period_label, period_resolved
from etl.fingerprint import pipeline_version
from etl.indicators import Indicator, extract_indicators, placed
from etl.ingest import Ingested, ingest
from etl.keywords import top_keywords_in
from etl.normalise import original_span
from etl.places import locate_article, report_city
from etl.provenance import placed_as_given, with_given
from etl.read import SourceFile
from etl.records import Given
from etl.tokens import SEGMENTER, segment, tokens_of

PARAGRAPH_SEPARATOR = "\n"


@dataclass(frozen=True)
class ParagraphRecord:
    position: int
    kind: str
    text: str
    original_text: str
    start_offset: int
    end_offset: int
    tokens: str


@dataclass(frozen=True)
class IndicatorRecord:
    """An extracted claim, with the paragraph it is in and where it stands below the city."""

    paragraph_position: int
    indicator: Indicator
    scope: str | None
    place_level: str
    period_resolved: bool  # see etl.dating
    period_label: str
    # the claim as published, original_text[original_start_offset:original_end_offset] of its
    # paragraph (the indicator's own quote and offsets are in the normalised text)
    quote: str
    original_start_offset: int
    original_end_offset: int


@dataclass(frozen=True)
class DocumentRecord:
    """Everything the loader writes for one document."""

    path: str
    sha256: str
    encoding: str
    original_text: str
    title: str
    title_derived: bool
    subtitle: str | None
    published_on: dt.date | None
    date_source: str  # where published_on came from (etl.ingest, etl.provenance)
    source: str | None
    authors: str | None
    editor: str | None
    photographer: str | None
    script: str
    place_code: str | None
    place_name: str | None
    report_city: str | None
    city: str | None
    province: str | None
    text: str
    paragraphs: list[ParagraphRecord]
    keywords: list[tuple[str, float]]
    indicators: list[IndicatorRecord]
    segmenter: str
    pipeline_version: str
    warnings: list[str] = field(default_factory=list)
    given: Given | None = None  # what a collection said of it (etl.records)


def build_document(source: SourceFile) -> DocumentRecord:
    """Raises RejectedFile (with a reason for `load_errors`) for a file that is no article."""
    return describe_document(ingest(source.data, source.path), source)


def describe_document(ingested: Ingested, source: SourceFile) -> DocumentRecord:
    given_warnings: list[str] = []
    if source.given is not None:  # what a collection says of the article (etl.provenance)
        ingested, given_warnings = with_given(ingested, source.given)
    article = ingested.article
    words = [segment(p.text) for p in article.paragraphs]  # once: for the index and keywords
    paragraphs = with_offsets(
        [
            (p.kind, p.text, p.original_text, tokens_of(paragraph_words))
            for p, paragraph_words in zip(article.paragraphs, words, strict=True)
        ]
    )
    place = locate_article(article)
    if source.given is not None:
        place, place_warnings = placed_as_given(place, source.given)
        given_warnings += place_warnings
    text = PARAGRAPH_SEPARATOR.join(p.text for p in paragraphs)
    compared_as = report_city(place.name, place.level, place.city) if place else None
    # An article about a county (平邑县) reports figures below its city (临沂市).
    below_city = place.name if place and compared_as != place.name else None
    indicators = [
        IndicatorRecord(
            p.position,
            found,
            *placed(
                found.scope,
                below_city,
                place.city if place else None,
                place.province if place else None,
            ),
            period_resolved=period_resolved(found, article.published_on),
            period_label=period_label(found, article.published_on),
            **as_published(p.original_text, found),
        )
        for p in paragraphs
        for found in extract_indicators(p.text, article.published_on)
    ]
    return DocumentRecord(
        path=source.path,
        sha256=source.sha256,
        encoding=ingested.decoded.encoding,
        original_text=ingested.decoded.text,
        title=article.title,
        title_derived=article.title_derived,
        subtitle=article.subtitle,
        published_on=article.published_on,
        date_source=ingested.date_source,
        source=article.source,
        authors=", ".join(article.authors) or None,
        editor=article.editor,
        photographer=article.photographer,
        script=article.script,
        place_code=place.code if place else None,
        place_name=place.name if place else None,
        report_city=compared_as,
        city=place.city if place else None,
        province=place.province if place else None,
        text=text,
        paragraphs=paragraphs,
        keywords=top_keywords_in(chain.from_iterable(words)),
        indicators=indicators,
        segmenter=SEGMENTER,
        pipeline_version=pipeline_version(),
        warnings=list(ingested.decoded.warnings) + given_warnings,
        given=source.given,
    )


def as_published(original: str, found: Indicator) -> dict[str, str | int]:
    """A claim's quote and offsets in its paragraph's verbatim line (script, punctuation and
    spacing as published), from where the extractor found it in the normalised text."""
    start, end = original_span(original, found.start_offset, found.end_offset)
    return {
        "quote": original[start:end],
        "original_start_offset": start,
        "original_end_offset": end,
    }


def with_offsets(paragraphs: list[tuple[str, str, str, str]]) -> list[ParagraphRecord]:
    """Number the paragraphs (kind, text, original, tokens) and place them in the document text
    they will be joined into."""
    records = []
    offset = 0
    for position, (kind, text, original, tokens) in enumerate(paragraphs):
        records.append(
            ParagraphRecord(position, kind, text, original, offset, offset + len(text), tokens)
        )
        offset += len(text) + len(PARAGRAPH_SEPARATOR)
    return records
