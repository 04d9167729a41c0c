"""Places: China's administrative divisions, and the one place an article reports on.

An article names many places (its province, neighbouring cities, districts where something
happened); the place it is about is the city it keeps coming back to, headline first. Mentions
are counted per city (a county's mention counts for its prefecture), and the article is about a
county when that county is named more often than its city.

Short forms (贵阳, 酒泉) are matched for provinces and cities. A county's short form (平邑) counts
only when the article also names its city or province, because two-character county names are
everyday words (和平, 城区, 新华). A name inside a longer word (长治 in 长治久安, 大同 in 世界大同)
is no mention: the segmenter (etl.tokens) decides what the words are.
"""

from __future__ import annotations

import csv
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from ahocorasick_rs import AhoCorasick, MatchKind

from etl.normalise import to_simplified
from etl.paragraphs import Article, ParagraphKind
from etl.tokens import word_boundaries

PLACES_CSV = Path(__file__).with_name("data") / "places.csv"
Level = Literal["province", "prefecture", "county"]
LEVEL_RANK = {"province": 0, "prefecture": 1, "county": 2}
# Provinces that are cities themselves: their districts' city is the municipality.
MUNICIPALITY_CODES = frozenset({"110000", "120000", "310000", "500000"})
# A name in the headline says more about the subject than one in the body.
KIND_WEIGHTS: dict[ParagraphKind, int] = {
    "title": 3,
    "subtitle": 2,
    "heading": 1,
    "body": 1,
    "caption": 1,
    "byline": 0,
}


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    short_name: str
    level: Level
    parent_code: str | None
    longitude: float | None
    latitude: float | None


@dataclass(frozen=True)
class PlaceMatch:
    """The place an article is about, with its city (a county's prefecture; a city itself) and
    province. `mentions` is the weighted count of mentions that chose it."""

    code: str
    name: str
    level: Level
    city_code: str | None
    city: str | None
    province_code: str
    province: str
    mentions: int


@dataclass(frozen=True)
class _Mention:
    name: str
    candidates: tuple[Place, ...]
    weight: int
    position: int


@cache
def _gazetteer() -> tuple[dict[str, Place], dict[str, tuple[Place, ...]], AhoCorasick, list[str]]:
    """(places by code, places by name or short form, an automaton finding any name, the names
    in the automaton's order).

    Aho-Corasick finds every name in one pass over the text, leftmost and then longest (临夏市
    before 临夏); a regex of the names' prefix tree took 30 times as long, about as long as
    segmenting the text."""
    by_code = {place.code: place for place in load_places()}
    by_name: dict[str, list[Place]] = defaultdict(list)
    for place in by_code.values():
        by_name[place.name].append(place)
        if place.short_name != place.name:
            by_name[place.short_name].append(place)
    names = list(by_name)
    automaton = AhoCorasick(names, matchkind=MatchKind.LeftmostLongest)
    return by_code, {name: tuple(places) for name, places in by_name.items()}, automaton, names


@cache
def _load_places() -> tuple[Place, ...]:
    with PLACES_CSV.open(encoding="utf-8", newline="") as source:
        return tuple(
            Place(
                code=row["code"],
                name=row["name"],
                short_name=row["short_name"],
                level=row["level"],
                parent_code=row["parent_code"] or None,
                longitude=float(row["longitude"]) if row["longitude"] else None,
                latitude=float(row["latitude"]) if row["latitude"] else None,
            )
            for row in csv.DictReader(source)
        )


def load_places() -> list[Place]:
    """All divisions of etl/data/places.csv (see PLACES.md for its source and licence)."""
    return list(_load_places())


def places_named(name: str) -> list[Place]:
    """Places called `name` in full or short form, in either script (臨夏市 finds 临夏市)."""
    return list(_gazetteer()[1].get(to_simplified(name.strip()), ()))


def ancestors(place: Place) -> list[Place]:
    """The place's parent, grandparent..., nearest first."""
    by_code = _gazetteer()[0]
    chain = []
    while place.parent_code is not None:
        place = by_code[place.parent_code]
        chain.append(place)
    return chain


def city_of(place: Place) -> Place | None:
    """The prefecture-level city a place belongs to: a county's prefecture, a municipality for
    its districts, the county-level city itself when a province governs it directly."""
    if place.level == "prefecture" or place.code in MUNICIPALITY_CODES:
        return place
    if place.level == "province":
        return None
    parent = ancestors(place)[0]
    return parent if parent.level == "prefecture" or parent.code in MUNICIPALITY_CODES else place


def province_of(place: Place) -> Place:
    return ([place] + ancestors(place))[-1]


def locate_article(article: Article) -> PlaceMatch | None:
    """The place the article reports on, or None when it names no place."""
    mentions = _mentions(article)
    counted = [
        (place, city_of(place), mention.weight, mention.position)
        for mention, place in zip(mentions, _resolve(mentions), strict=True)
        if place is not None
    ]
    if not counted:
        return None
    by_code = _gazetteer()[0]
    city_weights: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    for _, city, weight, position in counted:
        if city is not None:
            city_weights[city.code] += weight
            first_seen.setdefault(city.code, position)
    if not city_weights:  # only provinces are named: the article is about one of them
        provinces: Counter[str] = Counter()
        for place, _, weight, _ in counted:
            provinces[place.code] += weight
        code, weight = provinces.most_common(1)[0]
        return _match(by_code[code], weight)
    city_code = max(city_weights, key=lambda code: (city_weights[code], -first_seen[code]))
    within: Counter[str] = Counter()
    for place, city, weight, _ in counted:
        if city is not None and city.code == city_code:
            within[place.code] += weight
    county_code, county_weight = max(
        ((code, weight) for code, weight in within.items() if code != city_code),
        key=lambda item: item[1],
        default=(None, 0),
    )
    if county_code is not None and county_weight > within[city_code]:
        return _match(by_code[county_code], county_weight)
    return _match(by_code[city_code], city_weights[city_code])


def place_match(place: Place) -> PlaceMatch:
    """A place named outside the text (a manifest's city), described as a match of no mentions."""
    return _match(place, 0)


def _match(place: Place, mentions: int) -> PlaceMatch:
    city = city_of(place)
    province = province_of(place)
    return PlaceMatch(
        code=place.code,
        name=place.name,
        level=place.level,
        city_code=city.code if city else None,
        city=city.name if city else None,
        province_code=province.code,
        province=province.name,
        mentions=mentions,
    )


def _mentions(article: Article) -> list[_Mention]:
    """Every place name in the article's paragraphs that is a word of its own."""
    by_name, automaton, names = _gazetteer()[1:]
    mentions = []
    offset = 0
    for paragraph in article.paragraphs:
        weight = KIND_WEIGHTS[paragraph.kind]
        found = automaton.find_matches_as_indexes(paragraph.text) if weight else []
        boundaries = word_boundaries(paragraph.text) if found else []
        for index, match_start, match_end in found:
            # the word the match starts in: a name inside a longer word is no mention
            word = bisect_right(boundaries, match_start) - 1
            start, end = boundaries[word], boundaries[word + 1]
            inside_word = (
                start <= match_start and match_end <= end and end - start > match_end - match_start
            )
            if not inside_word:
                name = names[index]
                mentions.append(_Mention(name, by_name[name], weight, offset + match_start))
        offset += len(paragraph.text) + 1
    return mentions


def _resolve(mentions: list[_Mention]) -> list[Place | None]:
    """The place each mention means. Among places of one name, the one whose province or
    city the article also names wins, then the higher level (吉林 the province, not the city).
    A county's short form, or a two-character county name (城区, 郊区), needs such support,
    or it is no mention at all."""
    support: Counter[str] = Counter()
    support_by_name: dict[str, Counter[str]] = defaultdict(Counter)
    for mention in mentions:
        for code in {place.code for place in mention.candidates}:
            support[code] += mention.weight
            support_by_name[mention.name][code] += mention.weight
    # Every mention of one name means the same place: worked out once a name (an article
    # names its city ten times and more).
    chosen: dict[str, Place | None] = {}
    for mention in mentions:
        if mention.name in chosen:
            continue
        # A name cannot back itself: 临夏 (the prefecture) does not make 临夏 mean 临夏市.
        same_name = support_by_name[mention.name]
        ranked = []
        for place in mention.candidates:
            backing = sum(support[a.code] - same_name[a.code] for a in ancestors(place))
            everyday_word = mention.name != place.name or len(place.name) <= 2  # 平邑, 城区
            if place.level == "county" and everyday_word and backing == 0:
                continue
            ranked.append((backing, -LEVEL_RANK[place.level], place))
        chosen[mention.name] = max(ranked, key=lambda item: item[:2])[2] if ranked else None
    return [chosen[mention.name] for mention in mentions]


def report_city(name: str, level: str, city: str | None) -> str:
    """The city a place's figures are compared as: a city reports as itself (the county-level
    临夏市 too, and the municipalities), a county or district as part of its prefecture city."""
    if level == "county" and not name.endswith("市") and city:
        return city
    return name
