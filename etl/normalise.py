"""Normalise stage: one searchable form of the text, kept beside the verbatim original.

Every step works on a single line, so a paragraph's normalised text can always be recomputed
from its original. Order matters: full-width forms first (so `（shù）` is seen as `(shù)`),
pinyin repair before script conversion (OpenCC then sees 藝術 as one word, not 藝術(shù)).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache, lru_cache
from typing import Literal

import opencc

Script = Literal["simplified", "traditional", "mixed", "neutral", "none"]

# U+FF01..U+FF5E are the full-width twins of ASCII ! .. ~; U+3000 is the ideographic space.
# Chinese punctuation proper (、。“”《》【】…—) lives in other blocks and is kept.
FULLWIDTH_TO_ASCII = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
FULLWIDTH_RUN = re.compile("[\uff01-\uff5e\u3000]+")
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TONED_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
# A Han character directly followed by one lower-case syllable carrying a tone mark.
PINYIN_ANNOTATION = re.compile(rf"(?P<han>[{HAN}])\((?P<syllable>[a-zü]*[{TONED_VOWELS}][a-zü]*)\)")
HAN_CHARACTER = re.compile(f"[{HAN}]")
HAN_RUN = re.compile(f"[{HAN}]+")
HORIZONTAL_SPACE = re.compile(r"[^\S\n]+")
# What collapsing and stripping drop: a line's outer spaces, and each run's spaces after its first.
DROPPED_SPACE = re.compile(r"^[^\S\n]+|[^\S\n]+$|(?<=[^\S\n])[^\S\n]+")
# A text is mixed when the minority script holds more than this share of script-specific chars.
MIXED_SHARE = 0.2
CONVERTED_SCRIPTS = frozenset({"traditional", "mixed"})


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


@cache
def _readings(han: str) -> frozenset[str]:
    from pypinyin import Style, pinyin  # here: its dictionaries take 0.6 s to import

    return frozenset(pinyin(han, style=Style.TONE, heteronym=True)[0])


def fullwidth_to_ascii(text: str) -> str:
    """`２０１５年` -> `2015年`, so numbers and Latin letters can be read."""
    # Only the runs of full-width characters: translate() over the whole text looks up every
    # character in the table, five times slower on an article.
    return FULLWIDTH_RUN.sub(lambda run: run[0].translate(FULLWIDTH_TO_ASCII), text)


def _is_reading(annotation: re.Match[str]) -> bool:
    return annotation["syllable"] in _readings(annotation["han"])


def repair_pinyin_annotations(text: str) -> str:
    """`藝術(shù)` -> `藝術`: drop a parenthesised syllable only when it is a reading of the
    character before it, so `(州)`, `(市、区)`, `(左权)` and `(2)` stay."""
    return PINYIN_ANNOTATION.sub(
        lambda match: match["han"] if _is_reading(match) else match[0], text
    )


SCRIPT_SAMPLE = 2_000


@cache
def _character_script(character: str) -> tuple[int, int]:
    """(1, 0) for a character that conversion to simplified changes, (0, 1) for one that
    conversion to traditional changes (both for the rare character that both change)."""
    return (
        int(_converter("tw2s").convert(character) != character),
        int(_converter("s2tw").convert(character) != character),
    )


def _script_specific_counts(text: str) -> tuple[int, int]:
    """(traditional-only, simplified-only) Han characters among the first SCRIPT_SAMPLE (enough to
    judge). Characters are judged one at a time and remembered: converting each document's sample
    twice took a fifth of the time of building a document."""
    han = "".join(HAN_RUN.findall(text))[:SCRIPT_SAMPLE]
    traditional = simplified = 0
    for character, count in Counter(han).items():
        is_traditional, is_simplified = _character_script(character)
        traditional += is_traditional * count
        simplified += is_simplified * count
    return traditional, simplified


def detect_script(text: str) -> Script:
    """'traditional', 'simplified', 'mixed', 'neutral' (Han text written alike in both) or
    'none' (no Han characters)."""
    if not HAN_CHARACTER.search(text):
        return "none"
    traditional, simplified = _script_specific_counts(text)
    total = traditional + simplified
    if total == 0:
        return "neutral"
    if min(traditional, simplified) / total > MIXED_SHARE:
        return "mixed"
    return "traditional" if traditional > simplified else "simplified"


def to_simplified(text: str) -> str:
    """OpenCC tw2s: unlike t2s it also converts 著力 and 著手 to 着力 and 着手. OpenCC reads a C
    string, so a NUL would end the text there: the pieces between NULs are converted apart."""
    convert = _converter("tw2s").convert
    return "\x00".join(map(convert, text.split("\x00"))) if "\x00" in text else convert(text)


def normalise_text(text: str, script: Script | None = None) -> str:
    """The searchable form of `text`: ASCII digits and letters, pinyin damage repaired,
    simplified script, runs of spaces collapsed and each line stripped.

    `script` is the whole document's script, so that a short line of a traditional article
    is converted even when the line alone looks neutral; by default the text is judged alone.
    """
    text = repair_pinyin_annotations(fullwidth_to_ascii(text))
    if (script or detect_script(text)) in CONVERTED_SCRIPTS:
        text = to_simplified(text)
    return "\n".join(HORIZONTAL_SPACE.sub(" ", line).strip() for line in text.split("\n"))


@lru_cache(maxsize=16)  # a paragraph's claims are quoted one after another
def normalised_origins(line: str) -> tuple[int, ...]:
    """Where each character of `normalise_text(line, script)` stood in `line` (one line, any
    script): so a claim found in the normalised text can be quoted as it was published.

    Normalising only drops characters (pinyin readings, repeated and outer spaces) and replaces
    others one for one: full-width forms by ASCII, and OpenCC's tw2s maps every character and
    phrase of its dictionaries to one of the same length.
    """
    text = fullwidth_to_ascii(line)
    dropped = [
        (annotation.end("han"), annotation.end())
        for annotation in PINYIN_ANNOTATION.finditer(text)
        if _is_reading(annotation)
    ]
    dropped += [space.span() for space in DROPPED_SPACE.finditer(text)]
    origins: list[int] = []
    kept_from = 0
    for start, end in sorted(dropped):  # spans may overlap (a line of spaces)
        origins.extend(range(kept_from, start))
        kept_from = max(kept_from, end)
    origins.extend(range(kept_from, len(text)))
    return tuple(origins)


def original_span(line: str, start: int, end: int) -> tuple[int, int]:
    """Where `normalise_text(line)[start:end]` (not empty) stood in `line`."""
    origins = normalised_origins(line)
    return origins[start], origins[end - 1] + 1
