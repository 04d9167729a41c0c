"""Boilerplate: which lines of a saved page are site chrome rather than article, and what they
tell about the article (date, source, authors, editor, photographer).

The patterns are data (rules/boilerplate.yaml, each with the lines it must and must not match);
this module only knows how to apply them to one normalised line.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

from etl.regex_literals import Required, holds_required, required_strings
from etl.rules_data import load_yaml

RULES_DIR = Path(__file__).with_name("rules")
BOILERPLATE_RULES = RULES_DIR / "boilerplate.yaml"
SURNAMES = RULES_DIR / "surnames.txt"

Role = Literal["field", "chrome", "banner", "byline", "caption", "signoff", "footer"]
# Roles a line has wherever it stands; banner and signoff depend on where, and a footer's
# heading is chrome anywhere but also makes chrome of what follows it (etl.paragraphs).
LINE_ROLES: frozenset[Role] = frozenset({"field", "chrome", "byline", "caption", "footer"})
ALL_ROLES: frozenset[Role] = LINE_ROLES | {"banner", "signoff"}

# A name is not the label of the next field ("张勇 来源:..." names 张勇 only).
PERSONAL_NAME = r"[\u4e00-\u9fff]{2,4}(?:·[\u4e00-\u9fff]{1,6})?(?!\s*:)"
NAMES_PLACEHOLDER = "%NAMES%"
NAMES_PATTERN = rf"{PERSONAL_NAME}(?:[ 、,]+{PERSONAL_NAME})*"
NAME_SEPARATOR = re.compile(r"[ 、,]+")
# What may remain of a line once its fields are taken out, for it still to be a header line.
FIELD_SEPARATORS = re.compile(r"[\s|/·()\[\]【】-]*")
SCALAR_FIELDS = ("published_on", "source", "editor", "photographer")


@dataclass(frozen=True)
class Rule:
    name: str
    role: Role
    pattern: re.Pattern[str]
    required: Required  # strings every match holds (etl.regex_literals)


@dataclass(frozen=True)
class Metadata:
    """What chrome, bylines and credits say about an article; None where nothing said it."""

    published_on: dt.date | None = None
    source: str | None = None
    authors: tuple[str, ...] = ()
    editor: str | None = None
    photographer: str | None = None

    def merged(self, other: Metadata) -> Metadata:
        """The first statement of a field wins; authors accumulate without repeats."""
        scalars = {name: getattr(self, name) or getattr(other, name) for name in SCALAR_FIELDS}
        authors = tuple(dict.fromkeys(self.authors + other.authors))
        return Metadata(authors=authors, **scalars)


@dataclass(frozen=True)
class LineMatch:
    """What a line is (by the rules that recognised it) and the metadata it gives.

    A line made of fields reports role 'chrome'; a caption that is only a credit, too.
    """

    role: Role
    rules: tuple[str, ...]
    metadata: Metadata = field(default_factory=Metadata)


@cache
def load_surnames() -> frozenset[str]:
    lines = SURNAMES.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@cache
def load_rules() -> tuple[Rule, ...]:
    """The rules of boilerplate.yaml, in file order, with %NAMES% expanded."""
    document = load_yaml(BOILERPLATE_RULES.name)
    patterns = [
        re.compile(rule["pattern"].replace(NAMES_PLACEHOLDER, NAMES_PATTERN))
        for rule in document["rules"]
    ]
    return tuple(
        Rule(rule["name"], rule["role"], pattern, required_strings(pattern))
        for rule, pattern in zip(document["rules"], patterns, strict=True)
    )


def is_personal_name(name: str) -> bool:
    surnames = load_surnames()
    return name[:2] in surnames or name[:1] in surnames


def classify_line(line: str, roles: frozenset[Role] = LINE_ROLES) -> LineMatch | None:
    """The boilerplate rule a normalised line answers to, among `roles`, or None for article
    text. Whole-line rules are tried in file order before header-field lines."""
    for rule in load_rules():
        if (
            rule.role == "field"
            or rule.role not in roles
            or not holds_required(line, rule.required)
        ):
            continue
        match = rule.pattern.search(line)
        metadata = _metadata(match) if match else None
        if metadata is None:
            continue
        credit_only = rule.role == "caption" and not line.replace(match[0], "").strip()
        return LineMatch("chrome" if credit_only else rule.role, (rule.name,), metadata)
    return _header_fields(line) if "field" in roles else None


def _header_fields(line: str) -> LineMatch | None:
    """A line made only of metadata fields (date, source, address...) and separators."""
    taken = [False] * len(line)
    names: list[str] = []
    metadata = Metadata()
    for rule in load_rules():
        if rule.role != "field" or not holds_required(line, rule.required):
            continue
        for match in rule.pattern.finditer(line):
            found = _metadata(match)
            if found is None or any(taken[match.start() : match.end()]):
                continue
            taken[match.start() : match.end()] = [True] * (match.end() - match.start())
            names.append(rule.name)
            metadata = metadata.merged(found)
    if not names:
        return None
    leftover = "".join(char for char, is_taken in zip(line, taken, strict=True) if not is_taken)
    if not FIELD_SEPARATORS.fullmatch(leftover):
        return None
    return LineMatch("chrome", tuple(dict.fromkeys(names)), metadata)


def _metadata(match: re.Match[str]) -> Metadata | None:
    """The metadata a match's named groups give, or None when they are not what they seem
    (an impossible date, a "name" that begins with no surname)."""
    groups = {name: value for name, value in match.groupdict().items() if value}
    published_on = None
    if "year" in groups:
        try:
            published_on = dt.date(int(groups["year"]), int(groups["month"]), int(groups["day"]))
        except ValueError:
            return None
    people = {}
    for role in ("authors", "photographer"):
        if role in groups:
            names = NAME_SEPARATOR.split(groups[role].strip())
            if not all(is_personal_name(name) for name in names):
                return None
            people[role] = names
    return Metadata(
        published_on=published_on,
        source=groups.get("source"),
        authors=tuple(people.get("authors", ())),
        editor=groups.get("editor"),
        photographer="、".join(people["photographer"]) if "photographer" in people else None,
    )
