"""Segmentation: the user dictionary keeps the field's terms whole, and both backends agree."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import opencc
import pytest

from etl.tokens import (
    BACKENDS,
    SEGMENTER,
    index_words_with,
    parse_user_dict,
    segment,
    segment_with,
    segmented,
    user_words,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
# Contexts a term meets in the reports: alone, between filler, after a number, in quotes.
CONTEXTS = ("{}", "全市深入开展{}工作", "共有{}3500余名", "“{}”取得实效。")


@cache
def seed_lines() -> tuple[tuple[str, str], ...]:
    """(seed number, line) for every non-blank seed line, in simplified script as loaded (seed 000
    is traditional; OpenCC stands in for the normalise stage)."""
    to_simplified = opencc.OpenCC("t2s")
    return tuple(
        (path.name[:3], to_simplified.convert(line.strip()))
        for path in sorted(SEEDS.glob("*.txt"))
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
        if line.strip()
    )


def test_user_dictionary_has_at_least_60_distinct_terms():
    words = [entry.word for entry in user_words()]
    assert len(set(words)) == len(words) >= 60


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("term", [entry.word for entry in user_words()])
def test_every_user_dictionary_term_is_kept_whole(term, backend):
    for context in CONTEXTS:
        assert term in segment_with(backend, context.format(term)), context.format(term)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("贵阳市刑事发案数同比下降21.22%;", ["贵阳市", "刑事发案", "数", "同比", "下降", "21.22%"]),
        ("严打严防“两抢一盗”、降刑事发案", ["严打", "严防", "两抢一盗", "降", "刑事发案"]),
        ("2013-11-01 15:19:07", ["2013", "11", "01", "15", "19", "07"]),
        ("  ,、。“”…… * ", []),
    ],
)
def test_segment_keeps_words_and_drops_punctuation_and_spaces(text, words):
    assert segment(text) == words


def test_index_holds_the_dictionary_words_inside_longer_words():
    assert segmented("贵阳市网格管理员") == "贵阳 贵阳市 网格 管理 管理员 网格管理员"


@pytest.mark.parametrize("cut", [segment_with, index_words_with], ids=["segment", "index_words"])
def test_rjieba_cuts_the_seeds_exactly_as_jieba(cut):
    differing = [
        (seed, line) for seed, line in seed_lines() if cut("rjieba", line) != cut("jieba", line)
    ]
    assert len(seed_lines()) > 100
    assert differing == []


def test_user_dictionary_format():
    assert parse_user_dict("# comment\n\n网格员 n\n两抢一盗 3000 n\n电诈\n") == [
        ("网格员", None, "n"),
        ("两抢一盗", 3000, "n"),
        ("电诈", None, None),
    ]


def test_segmenter_names_backend_and_dictionary():
    assert SEGMENTER.startswith(BACKENDS[0])
    assert "userdict sha256:" in SEGMENTER
