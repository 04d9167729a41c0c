"""Indicators stage: every number in a paragraph that states a real-world quantity, as one row.

A small engine over rule data (rules/units.yaml, rules/indicator_patterns.yaml,
rules/metrics.yaml). It works on one paragraph's normalised simplified text and needs no word
segmentation: a number is found by its unit (301起, 20.5万个, 96%), its subject is the noun
written right after it (3500余名网格管理员) or else the clause before it (共破获毒品案件7起), and
a level and its change are separate rows (电诈案件301起,同比下降18%).

A change row has kind "change" and its signed value in `value`, and says what it is a change in:
change_pct for percent (同比下降18%, 上升5.3倍 = +530%, 降三成 = -30%), change_pp for
percentage points, change_abs for the unit itself (发案减少832起: -832, unit 起; 损失减少1260万元:
-12600000, unit 元). A rate per ten thousand (万人发案率11.43) keeps its unit ‱.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

from etl.metrics import load_metrics
from etl.numbers import ARABIC, CHINESE, NUMERAL_START, parse_numeral
from etl.periods import Period, find_periods, period_at_start, whole_year
from etl.places import city_of, places_named
from etl.regex_literals import Required, holds_required, required_strings
from etl.rules_data import load_county_names, load_rules, load_units, load_yaml

CLAUSE_BREAKS = ",，;；。!！?？:：、\n "
# A semicolon ends a clause, not a sentence: periods and subjects carry over it.
SENTENCE_BREAKS = "。!！?？\n"
# A condition (一旦...时) reaches to the end of its clause.
CONDITION_BREAKS = ",，;；。!！?？\n"
# A place opens a clause of its sentence.
SCOPE_BREAKS = ",，;；"
# A measure cue (新增, 建有) reaches over a list (新增加7000个探头、防盗报警电话59141个) to a comma.
MEASURE_BREAKS = ",，;；。!！?？\n"
# Metrics of things that exist: a cue word says whether a row counts all of them or additions.
CUED_MEASURES = frozenset({"stock", "added"})
# Whole areas (rules `areas`) whose figures are the article's own place: no scope of their own.
OWN_AREA_LEVELS = frozenset({"county"})
RANGE_SEPARATOR = r"(?:—|–|~|～|至|到|-)"
HAN = re.compile(r"[\u4e00-\u9fff]")
DIGITS = re.compile(r"\d")
# Digit words read one by one (二〇一三, 一一) or side by side (两三个): years, codes, guesses.
DIGIT_BY_DIGIT = re.compile("[〇零一二两三四五六七八九]{2,}")


@dataclass(frozen=True)
class Indicator:
    """One quantitative claim; `quote` is paragraph[start_offset:end_offset]."""

    position: int
    quote: str
    start_offset: int
    end_offset: int
    subject: str | None
    metric: str | None
    value: float
    unit: str | None
    kind: str
    change_pct: float | None
    change_pp: float | None
    direction: str | None
    basis: str | None
    period: str | None
    period_start: dt.date | None
    period_end: dt.date | None
    approx: str | None
    scope: str | None
    is_target: bool
    bound: str | None
    measure: str | None = None  # stock, added, events, rate or amount
    why_unmapped: str | None = None  # why `metric` is None, a code from rules data
    # A change in the unit itself: 发案减少832起 is kind "change", value and change_abs -832,
    # unit 起 (as a change in percent has change_pct, one in points change_pp); None on levels.
    change_abs: float | None = None


# The extractor's own records (_Number, _Subject, _Reading) are never changed once made, but not
# frozen: a frozen dataclass took five times as long to make, and a few are made a number.
@dataclass(slots=True)
class _Number:
    """A number as found: its span, value(s) and unit, before any reading of context."""

    start: int  # including an approximation prefix (近20万名)
    end: int
    values: tuple[float, ...]  # two for a range
    unit: str | None
    unit_kind: str  # count, amount, rate or pp
    approx: str | None
    change_only: bool = False  # a multiple (5.3倍): a claim only as a change
    direction: str | None = None  # what the words state by themselves: 翻一番 is up
    listed: bool = False  # a value of a run after 分别 (提高0.49、-1.3、0.9): shares its change


@dataclass(slots=True)
class _Subject:
    text: str | None
    context: str  # verb and subject, for the metric
    start: int | None  # where the subject starts when it is written before the number
    end: int | None  # where it ends when written after


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _unit_words(units: dict[str, dict]) -> str:
    """The unit words, longest first, each with what must follow it (天 only before 零发案)."""
    return "|".join(
        re.escape(word)
        + (f"(?={units[word]['only_before']})" if "only_before" in units[word] else "")
        for word in sorted(units, key=len, reverse=True)
    )


@dataclass(frozen=True)
class _Grammar:
    number: re.Pattern[str]
    number_start: re.Pattern[str]
    percent_words: dict[str, str]  # 万分之 -> ‱
    fractions: dict[str, dict]  # 成 -> {factor: 10}
    doublings: dict[str, float]  # 翻一番 -> 100
    bare_units: tuple[tuple[re.Pattern[str], str, str], ...]  # (text before, unit, kind)
    change_units: dict[str, str]  # % -> 个百分点
    value_run: re.Pattern[str]
    value: re.Pattern[str]
    excluded: tuple[tuple[re.Pattern[str], Required], ...]  # and what it requires
    units: dict[str, dict]
    percent: dict[str, dict]
    magnitudes: dict[str, int]
    approx_prefixes: tuple[str, ...]  # longest first
    change: re.Pattern[str]
    basis: re.Pattern[str]
    directions: dict[str, str]
    absolute_directions: frozenset[str]
    absolute_not_after: re.Pattern[str]
    lead_in: re.Pattern[str]
    place_prefix: re.Pattern[str]
    verbs: re.Pattern[str]
    verb_not_before: re.Pattern[str]
    subject_opener: re.Pattern[str]
    subject_prefix: re.Pattern[str]
    linking_before: tuple[re.Pattern[str], ...]
    linking_after: re.Pattern[str]
    subject_stop: re.Pattern[str]
    subject_max_chars: int
    abstract_noun: re.Pattern[str]
    conditional_before: re.Pattern[str]
    coordination: re.Pattern[str]
    conditional_after: re.Pattern[str]
    target: re.Pattern[str]
    scope: re.Pattern[str]
    # A scope starts with a county name, long or short (two characters or more): it is tried
    # only where one may start.
    scope_openings: frozenset[str]
    blocked_before: str
    blocked_after: str
    ordinal_prefixes: tuple[str, ...]
    # One-character verbs (立, 有) open a subject only at the front of a clause: inside one
    # they are parts of words (建立, 立体化).
    single_char_verbs: frozenset[str]
    measure_cue: re.Pattern[str]  # rules/measures.yaml cue words
    cue_measures: dict[str, str]  # cue word -> measure
    unit_measures: dict[str, str]  # unit -> measure of a count with no metric
    unmapped: tuple[_UnmappedReason, ...]
    area_levels: dict[str, str]  # 全省 -> province
    area_word: re.Pattern[str]
    respectively: re.Pattern[str]
    list_separator: re.Pattern[str]
    year_range: re.Pattern[str]
    title_after: re.Pattern[str]
    earlier_state: re.Pattern[str]
    from_period_markers: str


@dataclass(frozen=True)
class _UnmappedReason:
    """One reason of rules/unmapped.yaml: a claim whose sentence or subject matches has no metric
    because it measures nothing comparable."""

    code: str
    before: re.Pattern[str] | None
    after: re.Pattern[str] | None
    subject: re.Pattern[str] | None

    def fits(self, before: str, after: str, subject: str) -> bool:
        tests = ((self.before, before), (self.after, after), (self.subject, subject))
        return any(p is not None and p.search(t) is not None for p, t in tests)


@cache
def _grammar() -> _Grammar:
    rules, unit_rules, counties = load_rules(), load_units(), load_county_names()
    units = {u["word"]: u for u in unit_rules["units"]}
    magnitudes = unit_rules["magnitudes"]
    numeral = f"(?:{ARABIC}|{CHINESE})"
    infix = _alternation(rules["approx_infixes"])
    suffix = _alternation(rules["approx_suffixes"])
    magnitude = "[" + "".join(magnitudes) + "]"
    percent_sign = _alternation(list(unit_rules["percent"]))
    fractions = unit_rules["fractions"]
    fraction = "|".join(
        f"{re.escape(word)}(?!{rule['not_before']})" for word, rule in fractions.items()
    )
    number = re.compile(
        # 96%, 0.5‰, 3个百分点, 10%-20%
        rf"(?:(?P<plow>{ARABIC})%?{RANGE_SEPARATOR})?(?P<pnum>{ARABIC})(?P<psign>{percent_sign})"
        rf"(?P<psuffix>{suffix})?"
        # 百分之九十, 百分之百, 万分之三十点五
        rf"|(?P<pword>{_alternation(list(unit_rules['percent_words']))})"
        rf"(?P<pcn>{ARABIC}|{CHINESE}(?:点[〇零一二三四五六七八九]+)?|百)(?P<pcnsuffix>{suffix})?"
        # 3500余名, 20.5万个, 600余万人次, 200—400户, 三千余人
        rf"|(?:(?P<low>{numeral}){RANGE_SEPARATOR})?(?P<num>{numeral})(?P<infix>{infix})?"
        rf"(?P<mag>{magnitude}{{0,2}})(?P<infix2>{infix})?(?P<unit>{_unit_words(units)})"
        rf"(?P<suffix>{suffix})?"
        # 降三成, 近九成, 上升5.3倍, 多了一倍多; 翻一番
        rf"|(?P<fnum>{numeral})(?P<fword>{fraction})(?P<fsuffix>{suffix}|{infix})?"
        rf"|(?P<doubling>{_alternation(list(unit_rules['doublings']))})"
        # 受理治安案件6104, : a bare number closing a clause after its subject, or before the
        # level it went to (由2019年的18.6下降到12.1)
        rf"|(?<=[\u4e00-\u9fff])(?P<bare>{ARABIC})"
        rf"(?=[{re.escape(CLAUSE_BREAKS)}]|$|{rules['bare_before']})"
    )
    directions = {w: d for d, words in rules["directions"].items() for w in words}
    measures = load_yaml("measures.yaml")
    area_levels = {word: level for level, words in rules["areas"].items() for word in words}
    cue_measures = {word: m for m, words in measures["cues"].items() for word in words}
    unit_measures = {
        u["unit"]: measures["unit_families"][u["family"]]
        for u in unit_rules["units"]
        if u["family"] in measures["unit_families"]
    }
    bases = "|".join(f"(?:{b})" for b in rules["bases"])
    abstract = _alternation(rules["abstract_nouns"])
    value = rf"-?{ARABIC}"
    # Where a number may start: a numeral, or the first character of a word that opens one
    # (百分之, 翻一番). One class, to which the engine skips fast: with the words written out
    # it was tried at every character, and finding the numbers took 1.23 times as long.
    words_first = {word[0] for word in [*unit_rules["percent_words"], *unit_rules["doublings"]]}
    return _Grammar(
        number=number,
        number_start=re.compile(f"{NUMERAL_START}|[{re.escape(''.join(sorted(words_first)))}]"),
        percent_words=unit_rules["percent_words"],
        fractions=fractions,
        doublings=unit_rules["doublings"],
        bare_units=tuple(
            (re.compile(b["after"]), b["unit"], b["kind"]) for b in unit_rules["bare_units"]
        ),
        change_units=unit_rules["change_units"],
        value_run=re.compile(
            rules["value_run"]
            .replace("{bases}", bases)
            .replace("{directions}", _alternation(list(directions)))
            .replace("{direction_tail}", rules["direction_tail"])
            .replace("{value}", value)
        ),
        value=re.compile(value),
        excluded=tuple(
            (pattern, required_strings(pattern))
            for pattern in map(re.compile, rules["excluded_spans"])
        ),
        units=units,
        percent=unit_rules["percent"],
        magnitudes=magnitudes,
        approx_prefixes=tuple(sorted(rules["approx_prefixes"], key=len, reverse=True)),
        change=re.compile(
            rf"(?P<basis>{bases})?(?P<direction>{_alternation(list(directions))})"
            rf"{rules['direction_tail']}$"
        ),
        basis=re.compile(bases),
        directions=directions,
        absolute_directions=frozenset(rules["absolute_directions"]),
        absolute_not_after=re.compile(f"(?:{rules['absolute_direction_not_after']})$"),
        lead_in=re.compile(f"^(?:{_alternation(rules['lead_ins'])})"),
        place_prefix=re.compile(rules["place_prefix"]),
        verbs=re.compile(_alternation([v for v in rules["verbs"] if len(v) > 1])),
        verb_not_before=re.compile(rules["verb_not_before"]),
        subject_opener=re.compile(rules["subject_opener"]),
        subject_prefix=re.compile(f"^(?:{_alternation(rules['subject_prefixes'])})+"),
        linking_before=tuple(re.compile(p) for p in rules["linking_before"]),
        linking_after=re.compile(f"^(?:{_alternation(rules['linking_after'])})"),
        subject_stop=re.compile(_alternation(rules["subject_stops"])),
        subject_max_chars=rules["subject_max_chars"],
        abstract_noun=re.compile(f"^(?:{abstract})|(?:{abstract})$"),
        conditional_before=re.compile(rules["conditional_before"]),
        coordination=re.compile(rules["coordination"]),
        conditional_after=re.compile(rules["conditional_after"]),
        target=re.compile("|".join(f"(?:{t})" for t in rules["targets"])),
        scope=re.compile(
            rules["scope"]
            .replace("{county_short}", f"(?:{_alternation(counties.short_names)})")
            .replace("{county}", f"(?:{_alternation(counties.names)})")
        ),
        scope_openings=frozenset(name[:2] for name in counties.names + counties.short_names),
        blocked_before=rules["blocked_before"],
        blocked_after=rules["blocked_after"],
        ordinal_prefixes=tuple(rules["ordinal_prefixes"]),
        single_char_verbs=frozenset(v for v in rules["verbs"] if len(v) == 1),
        measure_cue=re.compile(_alternation(list(cue_measures))),
        cue_measures=cue_measures,
        unit_measures=unit_measures,
        unmapped=tuple(
            _UnmappedReason(
                r["code"],
                *(re.compile(r[k]) if k in r else None for k in ("before", "after", "subject")),
            )
            for r in load_yaml("unmapped.yaml")["reasons"]
        ),
        area_levels=area_levels,
        area_word=re.compile(
            f"(?:{_alternation(list(area_levels))})(?!{rules['area_not_before']})"
        ),
        respectively=re.compile(rules["respectively"]),
        list_separator=re.compile(f"(?:{rules['list_separator']})"),
        year_range=re.compile(rules["year_range"]),
        title_after=re.compile(rules["title_after"]),
        earlier_state=re.compile(rules["earlier_state"]),
        from_period_markers=rules["from_period_markers"],
    )


def placed(
    scope: str | None,
    below_city: str | None,
    city: str | None = None,
    province: str | None = None,
) -> tuple[str | None, str]:
    """(scope, place_level) of a row whose extracted scope is `scope`, in an article about
    `below_city` (a county, or None for a city) of the prefecture-level `city` in `province`. A
    national or provincial figure keeps its area and says so (place_level national or province:
    not the article's place); a city-wide one (全市, 全州) is the report city's (place_level
    city), even in a county's article. 全区 is the county's own in a county's article, the
    autonomous region in a city's of one (广西壮族自治区), and else a district it does not name.
    That, and a county of another city (a neighbour cited for comparison), is `elsewhere`. Only
    city and sub_city rows are the article's own place."""
    level = _grammar().area_levels.get(scope or "")
    if level == "region_or_county":
        if below_city:
            level = "county"
        elif province and province.endswith("自治区"):
            level = "province"
        else:
            return scope, "elsewhere"
    if level in ("national", "province"):
        return scope, level
    if level == "prefecture":
        return None, "city"
    own = None if level == "county" else scope
    if own is not None and city is not None and not _is_within(own, city):
        return own, "elsewhere"
    return own or below_city, "sub_city" if own or below_city else "city"


def _is_within(scope: str, city: str) -> bool:
    """Whether the county a scope opens with (白云区白沙关社区, 澄海公安分局) may lie in `city`:
    true when any county of that name does, or when the name is no county at all."""
    for length in range(min(len(scope), 8), 1, -1):
        counties = [p for p in places_named(scope[:length]) if p.level == "county"]
        if counties:
            return any((found := city_of(p)) is not None and found.name == city for p in counties)
    return True


def _excluded(text: str, grammar: _Grammar) -> bytearray:
    """1 at each offset inside a quote, name, date or slogan; the spans may overlap."""
    inside = bytearray(len(text))
    for pattern, required in grammar.excluded:
        if not holds_required(text, required):
            continue
        for match in pattern.finditer(text):
            inside[match.start() : match.end()] = b"\1" * (match.end() - match.start())
    return inside


def _is_blocked(text: str, start: int, end: int, grammar: _Grammar) -> bool:
    """Neighbours that make a number a name, ratio, code or rank rather than a quantity.
    After a unit word anything may follow (86支1200余人); after digits, letters may not (5G)."""
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) and text[end - 1].isascii() else ""
    return (
        (before in grammar.blocked_before and before != "")
        or (before.isascii() and before.isalnum())
        or (after in grammar.blocked_after and after != "")
        or (after.isascii() and after.isalnum())
        or text.endswith(grammar.ordinal_prefixes, 0, start)
    )


def _quantity_value(numeral: str, magnitude: str, factor: float, grammar: _Grammar) -> float:
    value = parse_numeral(numeral) * factor
    for word in magnitude:
        value *= grammar.magnitudes[word]
    return value


def _is_not_a_count(numeral: str) -> bool:
    """一个, 一套 are articles; 一一, 二〇一三 (digit by digit) are codes or years; 两三个 is
    a guess."""
    return numeral == "一" or DIGIT_BY_DIGIT.fullmatch(numeral) is not None


def _read_number(match: re.Match[str], grammar: _Grammar) -> _Number | None:
    """The number a match states, or None for what is no count (and for a numeral too long
    to be a real quantity: it would overflow to infinity)."""
    number = _read_number_unchecked(match, grammar)
    if number is None or not all(math.isfinite(v) for v in number.values):
        return None
    return number


def _read_number_unchecked(match: re.Match[str], grammar: _Grammar) -> _Number | None:
    if match["pnum"] or match["pcn"]:
        sign = match["psign"] or grammar.percent_words[match["pword"]]
        percent = grammar.percent[sign]
        lows = (float(match["plow"].replace(",", "")),) if match["plow"] else ()
        value = parse_numeral(match["pnum"] or match["pcn"])
        values = tuple(v * percent["factor"] for v in (*lows, value))
        kind = "pp" if percent["unit"] == "个百分点" else "rate"
        approx = match["psuffix"] or match["pcnsuffix"]
        return _Number(match.start(), match.end(), values, percent["unit"], kind, approx)
    if match["fnum"]:
        fraction = grammar.fractions[match["fword"]]
        value = parse_numeral(match["fnum"]) * fraction["factor"]
        return _Number(
            match.start(),
            match.end(),
            (value,),
            "%",
            "rate",
            match["fsuffix"],
            change_only=fraction.get("change_only", False),
        )
    if match["doubling"]:
        value = float(grammar.doublings[match["doubling"]])
        return _Number(match.start(), match.end(), (value,), "%", "rate", None, direction="up")
    if match["bare"]:
        value = float(match["bare"].replace(",", ""))
        text = match.string
        clause = text[_last_break(text, match.start(), CLAUSE_BREAKS) : match.start()]
        unit, kind = next(
            ((u, k) for after, u, k in grammar.bare_units if after.search(clause)), (None, "count")
        )
        return _Number(match.start(), match.end(), (value,), unit, kind, None)
    numerals = [n for n in (match["low"], match["num"]) if n]
    if any(_is_not_a_count(n) for n in numerals):
        return None
    unit = grammar.units[match["unit"]]
    factor = unit.get("factor", 1)
    values = tuple(_quantity_value(n, match["mag"], factor, grammar) for n in numerals)
    approx = match["infix"] or match["infix2"] or match["suffix"]
    return _Number(match.start(), match.end(), values, unit["unit"], unit["kind"], approx)


def _number_matches(text: str, grammar: _Grammar) -> Iterator[re.Match[str]]:
    """What grammar.number.finditer(text) finds, tried only where a number may start (at a
    numeral or a word's first character): the pattern is slow to try at every character."""
    position = 0
    while (start := grammar.number_start.search(text, position)) is not None:
        match = grammar.number.match(text, start.start())
        if match is None:
            position = start.start() + 1
        else:
            yield match
            position = match.end()


def _find_numbers(text: str, grammar: _Grammar) -> list[_Number]:
    """Every quantity-shaped number outside quotes, names, dates and slogans."""
    excluded: bytearray | None = None  # found once a number needs it: most paragraphs have none
    numbers = []
    for match in _number_matches(text, grammar):
        start, end = match.span()
        if _is_blocked(text, start, end, grammar):
            continue
        try:
            number = _read_number(match, grammar)
        except ValueError:  # 一一万: digit words that make no numeral
            continue
        if number is None:
            continue
        if excluded is None:
            excluded = _excluded(text, grammar)
        if excluded[start]:
            continue
        prefix = next((p for p in grammar.approx_prefixes if text.endswith(p, 0, start)), None)
        if prefix:
            number = dataclasses.replace(number, start=start - len(prefix), approx=prefix)
        numbers.append(number)
    if "分别" not in text:
        return numbers
    return _with_value_runs(text, numbers, excluded or _excluded(text, grammar), grammar)


def _unit_of_levels(
    text: str, numbers: list[_Number], start: int, end: int, grammar: _Grammar
) -> tuple[str, str] | None:
    """(unit, unit kind) of the changes in a run of values text[start:end] that has no unit:
    the change unit of the level before it in its sentence when that is a percent (98.12% ->
    个百分点), else the unit of as many levels of one unit as the run has values (分别为812起、
    436起,分别减少96、12); None when there are none (两项指标分别提高1.2、0.4)."""
    sentence_start = _last_break(text, start, SENTENCE_BREAKS)
    levels = [n for n in numbers if sentence_start <= n.start < start and n.unit]
    if not levels:
        return None
    last = levels[-1]
    if last.unit in grammar.change_units:  # rules/units.yaml: percentage points
        return grammar.change_units[last.unit], "pp"
    count = len(grammar.value.findall(text, start, end))
    same = [n for n in levels[-count:] if n.unit == last.unit]
    return (last.unit, last.unit_kind) if len(levels) >= count == len(same) else None


def _with_value_runs(
    text: str, numbers: list[_Number], excluded: bytearray, grammar: _Grammar
) -> list[_Number]:
    """`numbers` with the values of each run after 分别 and a direction (分别比上年提高0.49、
    -1.3、0.9) as listed numbers, in the unit written after the last value, else in the change
    unit of the last level before the run in its sentence; a run with no unit to take is no
    claim at all."""
    for run in grammar.value_run.finditer(text):
        start, end = run.span("run")
        if excluded[start]:
            continue  # inside a quote or a heading
        inside = [n for n in numbers if start <= n.start < end]
        outside = [n for n in numbers if not start <= n.start < end]
        last = inside[-1] if inside else None
        if last is not None and last.unit is not None and last.end > end:
            unit, unit_kind, end = last.unit, last.unit_kind, last.end  # 2.4个百分点
        else:
            unit_of_levels = _unit_of_levels(text, outside, start, end, grammar)
            if unit_of_levels is None:
                numbers = outside
                continue
            unit, unit_kind = unit_of_levels
        values = [
            _Number(v.start(), v.end(), (float(v[0].replace(",", "")),), unit, unit_kind, None)
            for v in grammar.value.finditer(text, start, end)
        ]
        listed = [dataclasses.replace(v, listed=True) for v in values[1:]]
        numbers = sorted([*outside, values[0], *listed], key=lambda n: n.start)
    return numbers


@cache
def _break_pattern(breaks: str) -> re.Pattern[str]:
    return re.compile(f"[{re.escape(breaks)}]")


@lru_cache(maxsize=32)  # a paragraph asks for five kinds of break, and its lists for theirs
def _break_ends(text: str, breaks: str) -> tuple[int, ...]:
    """Indexes just after each of `breaks` in `text`: found once, as every number of a
    paragraph asks where its clause and sentence start."""
    return tuple([m.end() for m in _break_pattern(breaks).finditer(text)])


def _last_break(text: str, before: int, breaks: str) -> int:
    """Index just after the last of `breaks` before `before` (0 if none)."""
    ends = _break_ends(text, breaks)
    found = bisect.bisect_right(ends, before)
    return ends[found - 1] if found else 0


def _strip_front(region: str, grammar: _Grammar) -> int:
    """How many leading characters of a clause are time, place and connective words."""
    offset = 0
    while True:
        rest = region[offset:]
        period = period_at_start(rest)
        step = next(
            (
                m.end()
                for m in (
                    grammar.lead_in.match(rest),
                    grammar.place_prefix.match(rest),
                )
                if m is not None and m.end() > 0
            ),
            period.end if period else 0,
        )
        if step == 0:
            return offset
        offset += step


def _strip_linking(region: str, grammar: _Grammar) -> str:
    """安全感达 -> 安全感, 比例由原来的 -> 比例."""
    while True:
        stripped = region
        for pattern in grammar.linking_before:
            stripped = pattern.sub("", stripped)
        if stripped == region:
            return region
        region = stripped


def _subject_before(
    text: str, start: int, end: int, grammar: _Grammar, *, cut_verb: bool
) -> _Subject:
    """The subject in text[start:end], a clause ending at its number: after the time, place and
    connective words at its front and, for a count, after its last verb (共破获毒品案件 ->
    毒品案件). A rate keeps its verbs: 调处化解率 is one noun."""
    region = _strip_linking(text[start:end], grammar)
    openers = list(grammar.subject_opener.finditer(region))
    opened = openers[-1].end() if openers else 0
    front = opened + _strip_front(region[opened:], grammar)
    context = region[front:]
    if not cut_verb:
        subject = grammar.subject_prefix.sub("", context)
        return _Subject(subject or None, context, start + front if context else None, None)
    verb_end = 0
    if len(context) > 1 and context[0] in grammar.single_char_verbs:
        verb_end = 1
    # A verb leaves at least two characters of subject: 救助金 is not 救助 + 金.
    verbs = [
        m
        for m in grammar.verbs.finditer(context)
        if len(context) - m.end() >= 2 and not grammar.verb_not_before.match(context, m.end())
    ]
    if verbs:
        verb_end = verbs[-1].end()
    elif grammar.verbs.fullmatch(context):
        verb_end = len(context)
    subject = grammar.subject_prefix.sub("", context[verb_end:])
    verb_start = verbs[-1].start() if verbs else 0
    return _Subject(subject or None, context, start + front + verb_start if context else None, None)


def _clause_length(text: str) -> int:
    """Characters before the first clause break outside parentheses: 县(市、区) is one noun."""
    depth = 0
    for i, char in enumerate(text):
        depth += (char in "(（") - (char in ")）")
        if depth <= 0 and char in CLAUSE_BREAKS:
            return i
    return len(text)


def _subject_after(text: str, end: int, grammar: _Grammar) -> str | None:
    """The noun written right after a count (3500余名网格管理员积极... -> 网格管理员), '' when
    there is none, None when the count is of a named thing (两个“十个一”)."""
    rest = text[end:]
    if rest.startswith(("“", "‘", '"')) or grammar.conditional_after.match(rest):
        return None
    rest = rest[: _clause_length(rest)]
    rest = DIGITS.split(rest, maxsplit=1)[0]  # 86支1200余人: the next number starts its own row
    linking = grammar.linking_after.match(rest)
    offset = linking.end() if linking else 0
    rest = rest[offset:]
    stop = grammar.subject_stop.search(rest)
    noun = rest[: stop.start() if stop else len(rest)][: grammar.subject_max_chars]
    return " " * offset + noun if HAN.search(noun) else ""


@dataclass(slots=True)
class _Reading:
    """A number read in context, before it becomes one row (or two, for a range)."""

    number: _Number
    kind: str
    subject: str | None
    context: str
    quote_start: int
    quote_end: int
    direction: str | None
    basis: str | None
    metric: str | None
    measure: str | None
    why_unmapped: str | None


def _measure(
    text: str,
    number: _Number,
    kind: str,
    metric: str | None,
    sentence_start: int,
    grammar: _Grammar,
) -> str | None:
    """What a level row states (rules/measures.yaml): a rate, an amount, the metric's default,
    or for things that exist the last cue word in its clause (建有 -> stock, 新增 -> added)."""
    if kind in ("rate", "amount"):
        return kind
    default = (
        load_metrics().by_code[metric].measure
        if metric
        else grammar.unit_measures.get(number.unit or "")
    )
    if kind == "change" or default not in CUED_MEASURES:
        return default
    start = max(_last_break(text, number.start, MEASURE_BREAKS), sentence_start)
    cues = list(grammar.measure_cue.finditer(text, start, number.start))
    return grammar.cue_measures[cues[-1][0]] if cues else default


def _why_unmapped(
    text: str, number: _Number, sentence_start: int, subject: str | None, grammar: _Grammar
) -> str:
    """The rules/unmapped.yaml code of a claim with no metric."""
    before = text[sentence_start : number.start]
    after = text[number.end : number.end + _clause_length(text[number.end :])]
    reason = next((r for r in grammar.unmapped if r.fits(before, after, subject or "")), None)
    if reason is not None:
        return reason.code
    return "unknown" if subject else "no_subject"


def _read_change(
    text: str, number: _Number, clause_start: int, grammar: _Grammar
) -> tuple[str, str | None, int] | None:
    """(direction, basis, where the basis or direction starts) for a change, else None.

    A percent needs only a direction (下降5.8%); a count needs a basis too (比去年增加120起),
    since 新增加7000个 is a level, or else a direction that only a change has (发案减少832起).
    """
    region = text[clause_start : number.start]
    match = grammar.change.search(region)
    if match is None:
        return None
    basis = match["basis"]
    subject_end = match.start()
    if basis is None:
        earlier = list(grammar.basis.finditer(region, 0, match.start()))
        if earlier:
            basis = earlier[-1][0]
            subject_end = earlier[-1].start()
    if number.unit_kind in ("count", "amount") and basis is None:
        absolute = match["direction"] in grammar.absolute_directions and not (
            grammar.absolute_not_after.search(region, 0, match.start("direction"))
        )
        if not absolute:
            return None  # 新增加7000个: a level
    return grammar.directions[match["direction"]], basis, clause_start + subject_end


def _subject_in_previous_clause(
    text: str, sentence_start: int, clause_start: int, grammar: _Grammar
) -> _Subject:
    """For a rate with no subject in its clause (群众安全感连续3年位居全省前列,达到97.82%): the
    noun at the front of the clause before it, in the same sentence."""
    if clause_start - 1 <= sentence_start:
        return _Subject(None, "", None, None)
    start = max(_last_break(text, clause_start - 1, CLAUSE_BREAKS), sentence_start)
    region = text[start : clause_start - 1]
    front = _strip_front(region, grammar)
    stop = grammar.subject_stop.search(region, front)
    noun = region[front : stop.start() if stop else len(region)]
    if not HAN.search(noun):
        return _Subject(None, "", None, None)
    return _Subject(noun, noun, start + front, None)


def _read(
    text: str, number: _Number, previous: _Reading | None, sentence_start: int, grammar: _Grammar
) -> _Reading | None:
    clause_start = max(_last_break(text, number.start, CLAUSE_BREAKS), _reading_end(previous))
    change = _read_change(text, number, clause_start, grammar)
    if change is None and number.direction is not None:
        change = (number.direction, None, number.start)  # 见警率翻一番
    quote_start = number.start
    if (
        previous is not None
        and previous.kind == "change"
        and (number.unit_kind == "rate" or number.listed)
        and (grammar.coordination.fullmatch(text, previous.number.end, number.start))
    ):
        # 分别下降12.3%和8.7%: the second number shares the first one's change.
        kind, direction, basis = "change", previous.direction, previous.basis
        subject = _Subject(None, "", None, None)
    elif number.change_only and change is None:
        return None  # 是去年的1.5倍: a multiple with no direction says no change
    elif change is not None or number.unit_kind == "pp":
        kind = "change"
        direction, basis, quote_start = change or (None, None, number.start)
        if basis is None and previous is not None and previous.kind == "change":
            basis = previous.basis  # 同比下降18.6%,其中集体访下降31.5%
        subject = _subject_before(text, clause_start, quote_start, grammar, cut_verb=False)
    else:
        kind = number.unit_kind
        direction = basis = None
        # A rate or a sum of money is named before it: 1.2亿元用于... has no noun after.
        after = _subject_after(text, number.end, grammar) if kind == "count" else ""
        if after is None or (after and grammar.abstract_noun.search(after)):
            return None
        before = _subject_before(text, clause_start, number.start, grammar, cut_verb=kind != "rate")
        noun = after.strip()
        # The metric reads a bare verb before the number with the noun after it (新增2000名民警),
        # not a whole clause (每名网格员负责300至500户居民).
        verb = before.context if before.text is None else ""
        subject = _Subject(noun, verb + noun, None, number.end + len(after)) if noun else before
    catalogue = load_metrics()
    unit = number.unit
    metric = catalogue.match(subject.context, kind, unit) if subject.context else None
    if metric is None and previous is not None and previous.subject and subject.context:
        # 电诈案件301起,...;损失2023万元: the loss is read with the sentence's topic.
        topic = previous.subject
        metric = catalogue.match(topic + subject.context, kind, unit, after=len(topic))
    if metric is None and kind == "count" and subject.end is not None:
        # 86个村(社区)创建为“民主法治示范村(社区)”: the places counted, by the title they won.
        title = grammar.title_after.match(text, subject.end)
        metric = catalogue.match(title["title"], kind, unit) if title else None
    text_subject = subject.text
    inherits = previous is not None and (kind == "change" or previous.number.unit == number.unit)
    measure = _measure(text, number, kind, metric, sentence_start, grammar)
    if text_subject is None and inherits and previous is not None:
        if kind == "change" and metric in (None, previous.metric):
            measure = previous.measure  # 电诈案件301起,同比下降18%: the change of the level
        text_subject, metric = previous.subject, metric or previous.metric
        if kind != "change" or measure is None:
            measure = _measure(text, number, kind, metric, sentence_start, grammar)
    elif text_subject is None and subject.context:
        text_subject = subject.context
    elif text_subject is None and kind == "rate":
        subject = _subject_in_previous_clause(text, sentence_start, clause_start, grammar)
        text_subject = subject.text
        metric = catalogue.match(subject.context, kind, unit) if subject.context else None
        measure = _measure(text, number, kind, metric, sentence_start, grammar)
    if number.unit_kind == "pp":
        measure = "rate"  # a change in percentage points is a change of a rate
    if subject.start is not None:
        quote_start = min(quote_start, subject.start)
    return _Reading(
        number,
        kind,
        text_subject,
        subject.context,
        quote_start,
        subject.end or number.end,
        direction,
        basis,
        metric,
        measure,
        None if metric else _why_unmapped(text, number, sentence_start, text_subject, grammar),
    )


def _reading_end(reading: _Reading | None) -> int:
    return 0 if reading is None else reading.quote_end


def _scope(text: str, sentence_start: int, before: int, grammar: _Grammar) -> str | None:
    """The first place below the city that opens a clause of the sentence before `before`."""
    ends = _break_ends(text, SCOPE_BREAKS)
    clauses = ends[bisect.bisect_right(ends, sentence_start) : bisect.bisect_right(ends, before)]
    for start in (sentence_start, *clauses):
        if text[start : start + 2] not in grammar.scope_openings:
            continue
        match = grammar.scope.match(text, start, before)
        if match:
            return match[0]
    return None


def _area(text: str, sentence_start: int, before: int, grammar: _Grammar) -> str | None:
    """The whole area (全国, 全省, 全市...) a figure before `before` is given for: the last one
    named in its own clause, else the nearest earlier clause of its sentence that opens with one
    (after its period)."""
    if grammar.area_word.search(text, sentence_start, before) is None:
        return None  # most sentences name no area
    ends = _break_ends(text, SCOPE_BREAKS)
    starts = [
        sentence_start,
        *ends[bisect.bisect_right(ends, sentence_start) : bisect.bisect_right(ends, before)],
    ]
    named = list(grammar.area_word.finditer(text, starts[-1], before))
    if named:
        return named[-1][0]
    for start in reversed(starts[:-1]):
        period = period_at_start(text[start:before])
        opening = grammar.area_word.match(text, start + (period.end if period else 0), before)
        if opening:
            return opening[0]
    return None


def _list_items(region: str, grammar: _Grammar) -> list[str]:
    """The items of the list that closes `region` (全国、全省、全州的平均值 -> 全国, 全省, 全州),
    after the time, place and connective words at its front."""
    clause = region[_last_break(region, len(region), SCOPE_BREAKS) :]
    period = period_at_start(clause)
    clause = clause[period.end if period else 0 :]
    basis = list(grammar.basis.finditer(clause))
    if basis and basis[-1].end() == len(clause):
        clause = clause[: basis[-1].start()]  # 直接财产损失同比: the item, not its basis
    items = [item for item in grammar.list_separator.split(clause) if item]
    if items:
        items[-1] = items[-1].split("的")[0]  # 全州的平均值: the item, not the head noun
    # An item is an area (全省) or else a subject after its place and connectives (全市刑事案件).
    return [
        item if item in grammar.area_levels else item[_strip_front(item, grammar) :]
        for item in items
    ]


def _bind_respectively(
    text: str, rows: list[Indicator], spans: list[tuple[int, int]], grammar: _Grammar
) -> list[Indicator]:
    """Each value of a 分别 run gets its own item of the list before it: a year (a series of
    years), a whole area (全国、全省) as scope, or else a subject (and its metric), so no two values
    of one list share subject and period by accident."""
    bound = list(rows)
    i = 0
    while i < len(rows):
        start = spans[i][0]
        clause_start = _last_break(text, start, SCOPE_BREAKS)
        cue = list(grammar.respectively.finditer(text, clause_start, start))
        run = [i]
        while run[-1] + 1 < len(rows) and grammar.list_separator.fullmatch(
            text, spans[run[-1]][1], spans[run[-1] + 1][0]
        ):
            run.append(run[-1] + 1)
        if cue and len(run) > 1:
            sentence_start = _last_break(text, cue[-1].start(), SENTENCE_BREAKS)
            # 安全感、知晓率分别为98.1%、86.5%,分别提高0.5、1.3: a second run takes the list
            # of the first when its own clause has none.
            earlier = grammar.respectively.finditer(text, sentence_start, cue[-1].start())
            items: list[str] = []
            for found in (cue[-1], *reversed(list(earlier))):
                items = _run_items(text[sentence_start : found.start()], len(run), grammar)
                if items:
                    break
            for position, item in zip(run, items, strict=False):
                bound[position] = _bound_to(rows[position], item, grammar)
        i = run[-1] + 1
    return bound


def _run_items(region: str, count: int, grammar: _Grammar) -> list[str]:
    """`count` items for a 分别 run from the text before 分别: the years of its last year range
    (2013年至2018年), or the items of its closing list; none when the count differs."""
    years = list(grammar.year_range.finditer(region))
    if years:
        first, last = int(years[-1]["first"]), int(years[-1]["last"])
        if last - first + 1 == count:
            return [f"{year}年" for year in range(first, last + 1)]
    items = _list_items(region, grammar)
    return items if len(items) == count else []


def _bound_to(row: Indicator, item: str, grammar: _Grammar) -> Indicator:
    """`row` as the value of `item` in a 分别 run: its period, its area or its subject."""
    year = re.fullmatch(r"(\d{4})年", item)
    if year:
        start, end = whole_year(int(year[1]))
        return dataclasses.replace(row, period=item, period_start=start, period_end=end)
    if item in grammar.area_levels:
        return dataclasses.replace(row, scope=item)
    catalogue = load_metrics()
    metric = catalogue.match(item, row.kind, row.unit) or row.metric
    if metric == row.metric or metric is None:
        return dataclasses.replace(row, subject=item)
    # A change carries the measure of what changes: the measure of the item's metric.
    measure = catalogue.by_code[metric].measure if row.kind == "change" else row.measure
    return dataclasses.replace(row, subject=item, metric=metric, measure=measure, why_unmapped=None)


def _period(
    text: str, periods: list[Period], sentence_start: int, before: int, taken: int, markers: str
) -> Period | None:
    """The nearest period before `before` in its sentence, but for one written after a
    from-marker (由2015年的1.2万个) that a number before this one (ending at `taken`) took."""
    earlier = [
        p
        for p in periods
        if sentence_start <= p.start
        and p.end <= before
        and not (p.start and text[p.start - 1] in markers and p.end <= taken)
    ]
    return earlier[-1] if earlier else None


def extract_indicators(text: str, published_on: dt.date | None = None) -> list[Indicator]:
    """Every quantitative claim in one paragraph's normalised simplified text, in order.

    A range (200—400户) gives two rows, bound 'low' and 'high'. Relative periods (今年前10月,
    去年) get dates only when `published_on` is known.
    """
    grammar = _grammar()
    periods: list[Period] | None = None  # found once a number is read: most paragraphs have none
    rows: list[Indicator] = []
    spans: list[tuple[int, int]] = []  # each row's number, for 分别 runs
    previous: _Reading | None = None
    for number in _find_numbers(text, grammar):
        sentence_start = _last_break(text, number.start, SENTENCE_BREAKS)
        if previous is not None and previous.quote_end <= sentence_start:
            previous = None
        condition_start = _last_break(text, number.start, CONDITION_BREAKS)
        if grammar.conditional_before.search(text, condition_start, number.start):
            continue
        reading = _read(text, number, previous, sentence_start, grammar)
        if reading is None:
            continue
        previous = reading
        if periods is None:
            periods = find_periods(text, published_on)
        taken = spans[-1][1] if spans and spans[-1][1] > sentence_start else -1
        period = _period(
            text, periods, sentence_start, number.start, taken, grammar.from_period_markers
        )
        earlier = grammar.earlier_state.search(text, max(0, number.start - 12), number.start)
        if earlier is not None:  # 由原来的48%, 比去年同期的29120起: an earlier state
            when = earlier["when"] or earlier["base"]
            period = Period(when, earlier.start(), earlier.end(), None, None) if when else None
        is_target = grammar.target.search(text, sentence_start, number.start) is not None
        area = _area(text, sentence_start, number.start, grammar)
        if grammar.area_levels.get(area or "") in OWN_AREA_LEVELS:
            area = None
        scope = _scope(text, sentence_start, number.start, grammar) or area
        sign = -1 if reading.direction == "down" else 1
        bounds = ("low", "high") if len(number.values) == 2 else (None,)
        for bound, value in zip(bounds, number.values, strict=True):
            signed = sign * value if reading.kind == "change" else value
            direction = reading.direction
            if value < 0 and direction is not None:  # 提高...-1.3: the sign written wins
                direction = "down" if direction == "up" else "up"
            in_units = reading.kind == "change" and number.unit_kind in ("count", "amount")
            rows.append(
                Indicator(
                    position=len(rows),
                    quote=text[reading.quote_start : reading.quote_end],
                    start_offset=reading.quote_start,
                    end_offset=reading.quote_end,
                    subject=reading.subject,
                    metric=reading.metric,
                    value=signed,
                    unit=number.unit,
                    kind=reading.kind,
                    change_pct=signed if reading.kind == "change" and number.unit == "%" else None,
                    change_pp=signed if number.unit_kind == "pp" else None,
                    direction=direction,
                    basis=reading.basis,
                    period=period.text if period else None,
                    period_start=period.period_start if period else None,
                    period_end=period.period_end if period else None,
                    approx=number.approx,
                    scope=scope,
                    is_target=is_target,
                    bound=bound,
                    measure=reading.measure,
                    why_unmapped=reading.why_unmapped,
                    change_abs=signed if in_units else None,
                )
            )
            spans.append((number.start, number.end))
    return _bind_respectively(text, rows, spans, grammar)
