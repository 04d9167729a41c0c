"""The literal precheck before a rule's pattern (etl/regex_literals.py) says "cannot match" only
when the pattern finds nothing: for the cases of tests/cases/regex_literals.yaml, for every rule
pattern on the seeds and on the case tables' texts, and on generated texts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from etl import boilerplate, indicators, periods
from etl.regex_literals import holds_required, required_strings

CASES_DIR = Path(__file__).resolve().parent / "cases"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
CASES = yaml.safe_load((CASES_DIR / "regex_literals.yaml").read_text(encoding="utf-8"))["cases"]


def rule_patterns() -> list[re.Pattern[str]]:
    """Every pattern that is tried behind the precheck: periods, boilerplate, exclusions."""
    return [
        *(pattern for pattern, *_ in periods._patterns()),
        *(rule.pattern for rule in boilerplate.load_rules()),
        *(pattern for pattern, _ in indicators._grammar().excluded),
    ]


def case_texts() -> list[str]:
    """The seeds' lines and every string of the case tables (articles, lines, quotes)."""
    texts = [
        line
        for path in sorted(SEEDS.glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    for table in ("indicators.yaml", "chrome.yaml", "metrics.yaml"):
        texts += list(_strings(yaml.safe_load((CASES_DIR / table).read_text(encoding="utf-8"))))
    texts += [
        line
        for rule in boilerplate.load_yaml("boilerplate.yaml")["rules"]
        for line in [example["line"] for example in rule["examples"]] + rule["ignores"]
    ]
    return texts


def _strings(node: object):
    if isinstance(node, str):
        yield node
        yield from node.splitlines()
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_the_strings_a_pattern_requires(case):
    pattern = re.compile(case["pattern"])
    assert required_strings(pattern) == tuple(frozenset(strings) for strings in case["requires"])
    assert pattern.search(case["matches"])
    assert holds_required(case["matches"], required_strings(pattern))
    if "skips" in case:
        assert not pattern.search(case["skips"])
        assert not holds_required(case["skips"], required_strings(pattern))


def test_most_rule_patterns_get_a_precheck():
    patterns = rule_patterns()
    assert sum(required_strings(p) != () for p in patterns) >= 0.8 * len(patterns)


def test_the_precheck_never_skips_a_match_in_the_seeds_and_cases():
    texts = case_texts()
    assert len(texts) > 1000
    skipped = [
        (pattern.pattern, text)
        for pattern in rule_patterns()
        for text in texts
        if pattern.search(text) and not holds_required(text, required_strings(pattern))
    ]
    assert skipped == []


# Characters of the rules' own literals, digits and punctuation, so that generated texts match.
ALPHABET = sorted(
    {c for p in rule_patterns() for strings in required_strings(p) for s in strings for c in s}
    | set("0123456789 :/-.()“”《》【】,。月日年个")
)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=30))
def test_the_precheck_never_skips_a_match_in_generated_text(text):
    for pattern in rule_patterns():
        if pattern.search(text):
            assert holds_required(text, required_strings(pattern)), pattern.pattern
