"""Paragraphs stage: decoded text -> an article with its headline, metadata and typed paragraphs.

One non-blank line is one paragraph. Site chrome (rules/boilerplate.yaml) leaves the paragraphs
and becomes metadata; so does the list of other stories a portal prints under the article. The
headline is found by the layout of web pages: it is the short line just above the dateline
("2013-11-01 来源:汕头日报"), so short lines above it are site banners. Without a dateline the
first short line is the headline, unless it is a site slogan. Every paragraph keeps its verbatim
line beside its normalised (simplified) text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Literal

from etl.boilerplate import LineMatch, Metadata, classify_line
from etl.normalise import Script, detect_script, normalise_text

ParagraphKind = Literal["title", "subtitle", "heading", "body", "caption", "byline"]

# Headlines and headings are short and do not end a sentence.
MAX_HEADLINE_CHARS = 50
SENTENCE_END = re.compile(r"[。!?;…:,、—][”’」』)]*$")
SENTENCE_BREAK = re.compile(r"[。!?]")
CLAUSE_BREAK = re.compile(r";")
MAX_DERIVED_TITLE_CHARS = 30
# "——贵阳市加强社会治理..." : a dash opens a subtitle.
SUBTITLE_DASH = re.compile(r"^(?:——|—|--|-)\s*")
# "贵阳:治标治本..." : an outlet's place prefix before the headline proper.
HEADLINE_PREFIX = re.compile(r"^[^:]{1,8}:")
# Lines that leave the paragraphs wherever they stand (a footer's heading takes its list too).
CHROME_ROLES = frozenset({"chrome", "footer"})


@dataclass(frozen=True)
class Paragraph:
    kind: ParagraphKind
    text: str
    original_text: str


@dataclass(frozen=True)
class Article:
    """An article as the database describes it. `title_derived` marks a title made from the
    first sentence of an article printed without a headline."""

    title: str
    title_derived: bool
    subtitle: str | None
    published_on: dt.date | None
    source: str | None
    authors: list[str]
    editor: str | None
    photographer: str | None
    script: Script
    paragraphs: list[Paragraph]
    boilerplate: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Line:
    original: str
    text: str
    match: LineMatch | None

    @property
    def is_headline_like(self) -> bool:
        return (
            self.match is None
            and len(self.text) <= MAX_HEADLINE_CHARS
            and not SENTENCE_END.search(self.text)
        )

    @property
    def is_dateline(self) -> bool:
        return (
            self.match is not None
            and self.match.role == "chrome"
            and (self.match.metadata.published_on or self.match.metadata.source) is not None
        )


def describe_article(
    text: str, *, title: str | None = None, published_on: dt.date | None = None
) -> Article:
    """Describe decoded (not yet normalised) article text.

    `title` and `published_on` are what a web page's markup says (see etl.webpage); they
    win over what the text's lines suggest.
    """
    script = detect_script(text)
    # normalised in one piece, which keeps the lines: under half the time of line by line
    lines = [
        _Line(original, normalised, classify_line(normalised))
        for original, normalised in zip(
            text.split("\n"), normalise_text(text, script).split("\n"), strict=True
        )
        if normalised
    ]
    kinds = _kinds(lines, normalise_text(title, script) if title else None)
    paragraphs = [
        Paragraph(kind, line.text, line.original)
        for line, kind in zip(lines, kinds, strict=True)
        if kind is not None
    ]
    metadata = _metadata(lines, paragraphs)
    headline = next((p.text for p in paragraphs if p.kind == "title"), None)
    return Article(
        title=headline or derive_title(paragraphs),
        title_derived=headline is None,
        subtitle=_subtitle(paragraphs),
        published_on=published_on or metadata.published_on,
        source=metadata.source,
        authors=list(metadata.authors),
        editor=metadata.editor,
        photographer=metadata.photographer,
        script=script,
        paragraphs=paragraphs,
        boilerplate=[line.original for line, kind in zip(lines, kinds, strict=True) if not kind],
    )


def derive_title(paragraphs: list[Paragraph]) -> str:
    """A title for an article printed without one: the first sentence of its first body
    paragraph (of its first paragraph if none is body), cut to its first clause when it is
    too long to read as a title (its first clause that says something: a stray ';' opens none)."""
    texts = [p.text for p in paragraphs if p.kind == "body"] or [p.text for p in paragraphs]
    sentences = [s for text in texts[:1] for s in SENTENCE_BREAK.split(text) if s.strip()]
    sentence = sentences[0] if sentences else "".join(texts[:1])
    if len(sentence) > MAX_DERIVED_TITLE_CHARS:
        sentence = next((c for c in CLAUSE_BREAK.split(sentence) if c.strip()), sentence)
    if len(sentence) > MAX_DERIVED_TITLE_CHARS:
        sentence = sentence[:MAX_DERIVED_TITLE_CHARS] + "…"
    return sentence


def _kinds(lines: list[_Line], given_title: str | None) -> list[ParagraphKind | None]:
    """Each line's paragraph kind; None for chrome."""
    first_body = next(
        (i for i, line in enumerate(lines) if line.match is None and not line.is_headline_like),
        len(lines),
    )
    title_at = _headline_index(lines[:first_body], given_title)
    # the list of other stories under the article: from its heading on, nothing is article
    footer_at = next(
        (i for i in range(first_body, len(lines)) if _is_footer_heading(lines[i])), len(lines)
    )
    kinds: list[ParagraphKind | None] = []
    for i, line in enumerate(lines):
        if i >= footer_at:
            kinds.append(None)
        elif line.match is not None:
            kinds.append(None if line.match.role in CHROME_ROLES else line.match.role)
        elif title_at is not None and i < title_at:
            kinds.append(None)  # a banner above the headline
        elif i == title_at:
            kinds.append("title")
        elif i < first_body and title_at is not None and _is_subtitle(lines, i, title_at):
            kinds.append("subtitle")
        elif line.is_headline_like and i + 1 < len(lines):
            kinds.append("heading")
        else:
            kinds.append("body")
    return kinds


def _headline_index(head: list[_Line], given_title: str | None) -> int | None:
    """Where the headline stands among the lines before the first body paragraph."""
    candidates = [i for i, line in enumerate(head) if line.is_headline_like]
    if given_title is not None:
        return next((i for i in candidates if head[i].text == given_title), None)
    dateline = next((i for i, line in enumerate(head) if line.is_dateline), None)
    if dateline is not None:
        above = [i for i in candidates if i < dateline]
        if above:
            return above[-1]
    if len(candidates) > 1 and _is_banner(head[candidates[0]]):
        return candidates[1]
    return candidates[0] if candidates else None


def _is_footer_heading(line: _Line) -> bool:
    return line.match is not None and line.match.role == "footer"


def _is_banner(line: _Line) -> bool:
    match = classify_line(line.text, frozenset({"banner"}))
    return match is not None


def _is_subtitle(lines: list[_Line], i: int, title_at: int) -> bool:
    """A dash-led line, the headline line of a dash-led subtitle, or a restatement of the
    headline (with or without its place prefix)."""
    if SUBTITLE_DASH.match(lines[i].text):
        return True
    following = next((line for line in lines[i + 1 :] if line.match is None), None)
    if following is not None and SUBTITLE_DASH.match(following.text):
        return True
    headline = HEADLINE_PREFIX.sub("", lines[title_at].text)
    text = HEADLINE_PREFIX.sub("", lines[i].text)
    return headline in text or text in headline


def _subtitle(paragraphs: list[Paragraph]) -> str | None:
    subtitles = [p.text for p in paragraphs if p.kind == "subtitle"]
    dashed = [text for text in subtitles if SUBTITLE_DASH.match(text)]
    chosen = (dashed or subtitles or [None])[0]
    return SUBTITLE_DASH.sub("", chosen) if chosen else None


def _metadata(lines: list[_Line], paragraphs: list[Paragraph]) -> Metadata:
    """What the chrome, bylines, captions and the closing signoff say, first statement first."""
    metadata = Metadata()
    for line in lines:
        if line.match is not None:
            metadata = metadata.merged(line.match.metadata)
    last_body = next((p for p in reversed(paragraphs) if p.kind == "body"), None)
    if last_body is not None:
        signoff = classify_line(last_body.text, frozenset({"signoff"}))
        if signoff is not None:
            metadata = metadata.merged(signoff.metadata)
    return metadata
