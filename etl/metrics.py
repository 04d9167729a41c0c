"""Canonical metrics (rules/metrics.yaml) and the mapping from what a report counts to them.

Reports name one quantity many ways (刑事发案数, 刑事案件, 刑事发案); comparison views need one
code. The match reads a row's context (verb and subject, 破获毒品案件) and prefers the synonym
that covers most of it, so 破获毒品案件 is drug_cases_solved while 破获刑事案件 is cases_solved.
A sub-type names its general metric as `parent`: a family is a metric with all its descendants,
so a reader asking for criminal cases is shown 警情, 发案 and 立案, each under its own code.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache, cached_property

from etl.rules_data import load_units, load_yaml

# `*` in a synonym: up to eight characters of anything but a clause break.
WILDCARD = r"[^,，。;；、]{0,8}?"
LEVEL_KINDS = frozenset({"count", "amount", "rate"})
# Kinds whose metric must be in the family of the row's unit: cases never persons, % never ‱.
UNIT_BOUND_KINDS = frozenset({"count", "rate"})


@dataclass(frozen=True)
class Metric:
    """One row of the `metrics` table."""

    code: str
    name_zh: str
    name_en: str
    family: str  # the field of work (crime, policing...)
    parent: str | None  # the general metric this one is a sub-type of
    kind: str
    unit: str
    measure: str  # what a level row states unless a cue says otherwise (stock, events...)
    description: str
    synonyms: tuple[str, ...]


@dataclass(frozen=True)
class Synonym:
    """One row of a `metric_synonyms` table: the word as written and its metric's code."""

    text: str
    code: str
    pattern: re.Pattern[str]
    is_literal: bool
    literal_chars: int  # characters not under a wildcard: 破获*毒品*案件 is more specific


@dataclass(frozen=True)
class MetricCatalogue:
    metrics: tuple[Metric, ...]
    synonyms: tuple[Synonym, ...]
    unit_families: dict[str, str]  # 起 -> case, 名 -> person, 个 -> item

    @cached_property
    def kinds(self) -> dict[str, str]:
        return {metric.code: metric.kind for metric in self.metrics}

    @cached_property
    def families(self) -> dict[str, str | None]:
        """The family of thing each metric counts (case, person, item), from its unit."""
        return {m.code: self.unit_families.get(m.unit) for m in self.metrics}

    @cached_property
    def by_code(self) -> dict[str, Metric]:
        return {metric.code: metric for metric in self.metrics}

    def ancestors(self, code: str) -> tuple[str, ...]:
        """The metric's parent, its parent's parent... up to the head of its family."""
        chain: list[str] = []
        parent = self.by_code[code].parent
        while parent is not None:
            chain.append(parent)
            parent = self.by_code[parent].parent
        return tuple(chain)

    def family_head(self, code: str) -> str:
        """The most general metric of `code`'s family (itself when it has no parent)."""
        return (code, *self.ancestors(code))[-1]

    def family_members(self, code: str) -> tuple[str, ...]:
        """`code` and every metric below it, in catalogue order: what a family view rolls up."""
        return tuple(m.code for m in self.metrics if code in (m.code, *self.ancestors(m.code)))

    @cached_property
    def _indexes(self) -> dict[tuple[str, str | None], dict[str, tuple[int, ...]]]:
        return {}

    @cached_property
    def _keys(self) -> tuple[str, ...]:
        """Each synonym's index key: of the strings every match of it holds (its literal
        parts' character pairs, or characters when it has none), the one fewest synonyms
        hold. A context is tried against the synonyms whose key it holds: keyed by a first
        character, twenty a context, of which two matched; keyed so, three."""
        held = [_key_candidates(synonym.text) for synonym in self.synonyms]
        holders = Counter(key for keys in held for key in keys)
        return tuple(min(sorted(keys), key=holders.__getitem__) for keys in held)

    def _index(self, kind: str, family: str | None) -> dict[str, tuple[int, ...]]:
        """The positions of the synonyms a row of `kind` counting `family` may map to, each
        filed under its key (`_keys`): a context is tried only against the synonyms whose
        key it holds."""
        if (kind, family) not in self._indexes:
            kinds, families = self.kinds, self.families
            index: dict[str, list[int]] = {}
            for position, (synonym, key) in enumerate(zip(self.synonyms, self._keys, strict=True)):
                if kind in LEVEL_KINDS and kinds[synonym.code] != kind:
                    continue
                if (
                    kind in UNIT_BOUND_KINDS
                    and family
                    and families[synonym.code]
                    not in (
                        None,
                        family,
                    )
                ):
                    continue
                index.setdefault(key, []).append(position)
            self._indexes[kind, family] = {c: tuple(found) for c, found in index.items()}
        return self._indexes[kind, family]

    def match(self, context: str, kind: str, unit: str | None = None, after: int = 0) -> str | None:
        """The metric code for a row of `kind` whose verb and subject read `context`, or None.

        A rate maps only to rate metrics and a level only to metrics of its kind; a change
        maps to whatever metric it changes. A count maps only to a metric that counts the
        same family of thing as its unit (12个窝点 is not a number of cases), a rate only to
        one in its unit (万人发案率11.43‱ is no percent); a row without a unit maps freely.
        The longest synonym wins, then a literal one, then the one with more literal
        characters (破获*毒品*案件 over 破获*案件: the sub-type), then the one nearer the end
        (Chinese puts the head noun last: 安全感调查显示满意率 is a satisfaction rate). A
        synonym must end past `after`, the length of a topic prefixed to the context.
        """
        index = self._index(kind, self.unit_families.get(unit or ""))
        best: tuple[int, bool, int, int] | None = None
        code = None
        # In catalogue order, since the first of equal scores wins.
        held = {*context, *(context[i : i + 2] for i in range(len(context) - 1))}
        positions = sorted({p for key in held for p in index.get(key, ())})
        for synonym in (self.synonyms[p] for p in positions):
            found = synonym.pattern.search(context)
            if found is None or found.end() <= after:
                continue
            score = (
                found.end() - found.start(),
                synonym.is_literal,
                synonym.literal_chars,
                found.end(),
            )
            if best is None or score > best:
                best, code = score, synonym.code
        return code


def _key_candidates(text: str) -> set[str]:
    """The character pairs of a synonym's literal parts (its characters if it has none): a
    match holds every part whole, whatever its wildcards (`*`) match."""
    parts = text.split("*")
    pairs = {part[i : i + 2] for part in parts for i in range(len(part) - 1)}
    return pairs or {character for part in parts for character in part}


def _synonym(text: str, code: str) -> Synonym:
    pattern = WILDCARD.join(re.escape(part) for part in text.split("*"))
    return Synonym(text, code, re.compile(pattern), "*" not in text, len(text.replace("*", "")))


@cache
def load_metrics() -> MetricCatalogue:
    """The metric records (for seeding `metrics`) and their synonyms (the subject->metric map)."""
    records = tuple(
        Metric(**{**entry, "synonyms": tuple(entry["synonyms"])})
        for entry in load_yaml("metrics.yaml")["metrics"]
    )
    synonyms = tuple(_synonym(text, metric.code) for metric in records for text in metric.synonyms)
    units = load_units()
    families = {u["unit"]: u["family"] for u in units["units"]}
    families |= {p["unit"]: p["family"] for p in units["percent"].values()}
    return MetricCatalogue(records, synonyms, families)
