"""Literal prechecks for the rules' patterns: strings one of which every match of a pattern must
contain, read from the pattern itself, so that a text holding none of them is not scanned.

Python's regex engine skips ahead quickly only to a literal that opens a pattern; one that opens
with a lookbehind, an optional group or a class (most rules: `(?<![比较与])前年`, `(?:近|过去)?
一年来`, `\\d{4}年`) is tried at every character. A substring test finds in one fast pass that
the text lacks 前年, 一年来 or 年, and the pattern's answer (no match) is the same. A pattern may
promise several such sets (`\\d+个多?月(?:以来|来)`: 个, 月, and 以来 or 来): the text must hold
one string of each, and most texts that hold a 个 lack the rest. Callers keep a pattern's sets
beside it, worked out once: looking them up at each test took twice as long.
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
# Sets of strings, every one of which a text must hold a string of: the rarest set first.
Required = tuple[Strings, ...]
# A class of more characters than this (`[一二三四五六七八九十]`) is too common to be worth testing.
MAX_CLASS_LITERALS = 4


def holds_required(text: str, required: Required) -> bool:
    """Whether `text` holds a string of each set a pattern `required` (its `required_strings()`,
    worked out once beside it); if not, the pattern cannot match there."""
    # plain loops: any() over a generator took 1.7 times as long, on 100,000-odd calls a load
    for strings in required:
        for string in strings:
            if string in text:
                break
        else:
            return False
    return True


@cache
def required_strings(pattern: re.Pattern[str]) -> Required:
    """Sets of strings such that every match of `pattern` contains a string of each, the set of
    the longest strings first; () when the pattern promises none (it is then always tried)."""
    if pattern.flags & re.IGNORECASE:
        return ()
    candidates = _candidates(_parser.parse(pattern.pattern, pattern.flags))
    return tuple(sorted(dict.fromkeys(candidates), key=_rarity, reverse=True))


def _rarity(strings: Strings) -> tuple[int, int]:
    """The longest shortest string, then the fewest strings: the rarest in a text."""
    return min(map(len, strings)), -len(strings)


def _candidates(items: Iterable[tuple[Any, Any]]) -> list[Strings]:
    """For items matched one after another: a run of literals is one string every match
    holds, and so is what any item that must occur holds."""
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
    return candidates


def _of_sequence(items: Iterable[tuple[Any, Any]]) -> Strings | None:
    """The rarest set of strings items matched one after another promise, or None."""
    candidates = _candidates(items)
    return max(candidates, key=_rarity) if candidates else None


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
