"""Literal prechecks for the rules' patterns: strings one of which every match of a pattern must
contain, read from the pattern itself, so that a text holding none of them is not scanned.

Python's regex engine skips ahead quickly only to a literal that opens a pattern; one that opens
with a lookbehind, an optional group or a class (most rules: `(?<![比较与])前年`, `(?:近|过去)?
一年来`, `\\d{4}年`) is tried at every character. A substring test finds in one fast pass that
the text lacks 前年, 一年来 or 年, and the pattern's answer (no match) is the same. Callers keep
a pattern's strings beside it, worked out once: looking them up at each test took twice as long.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

# The parse tree that `re` compiles, under this name since Python 3.11: reading the literals
# from it keeps the prechecks true to the patterns, with nothing written twice in the rules.
from re import _constants as sre
from re import _parser
from typing import Any

Strings = frozenset[str]
# A class of more characters than this (`[一二三四五六七八九十]`) is too common to be worth testing.
MAX_CLASS_LITERALS = 4


def holds_required(text: str, required: Strings | None) -> bool:
    """Whether `text` holds one of the strings a pattern `required` (its `required_strings()`,
    worked out once beside it); if not, the pattern cannot match there."""
    if required is None:
        return True
    # a plain loop: any() over a generator took 1.7 times as long, on 100,000-odd calls a load
    for string in required:  # noqa: SIM110
        if string in text:
            return True
    return False


@cache
def required_strings(pattern: re.Pattern[str]) -> Strings | None:
    """Strings such that every match of `pattern` contains at least one of them, the longest
    the pattern promises; None when it promises none (the pattern is then always tried)."""
    if pattern.flags & re.IGNORECASE:
        return None
    return _of_sequence(_parser.parse(pattern.pattern, pattern.flags))


def _of_sequence(items: Iterable[tuple[Any, Any]]) -> Strings | None:
    """For items matched one after another: a run of literals is one string every match
    holds, and so is what any item that must occur holds; the most selective one wins."""
    candidates: list[Strings] = []
    run: list[str] = []
    for op, argument in items:
        if op is sre.LITERAL:
            run.append(chr(argument))
            continue
        if run:
            candidates.append(frozenset({"".join(run)}))
            run = []
        found = _of_item(op, argument)
        if found is not None:
            candidates.append(found)
    if run:
        candidates.append(frozenset({"".join(run)}))
    if not candidates:
        return None
    # the longest shortest string, then the fewest strings: the rarest in a text
    return max(candidates, key=lambda strings: (min(map(len, strings)), -len(strings)))


def _of_item(op: Any, argument: Any) -> Strings | None:
    """What one node of the parse tree (an operator and its argument) requires."""
    if op is sre.SUBPATTERN:
        _group, added_flags, _removed_flags, inner = argument
        return None if added_flags & re.IGNORECASE else _of_sequence(inner)
    if op is sre.ATOMIC_GROUP:
        return _of_sequence(argument)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, _high, inner = argument
        return _of_sequence(inner) if low >= 1 else None
    if op is sre.BRANCH:
        _, branches = argument
        found = [_of_sequence(branch) for branch in branches]
        if any(strings is None for strings in found):
            return None
        return frozenset().union(*found)
    if op is sre.IN:
        literals = [chr(value) for kind, value in argument if kind is sre.LITERAL]
        if len(literals) != len(argument) or len(literals) > MAX_CLASS_LITERALS:
            return None  # a range, category or negation, or too common a class
        return frozenset(literals)
    return None  # an anchor, a lookaround, any character, a back reference...
