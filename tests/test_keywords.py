"""Keywords: TF-IDF over our own segmentation, with the genre's filler left out."""

from __future__ import annotations

import pytest

from etl.keywords import stopwords, top_keywords
from tests.test_tokens import seed_lines


def seed_text(seed: str) -> str:
    return "\n".join(line for number, line in seed_lines() if number == seed)


@pytest.mark.parametrize(
    ("seed", "expected"),
    [
        ("001", {"酒泉", "电诈", "扫黑除恶"}),
        ("002", {"贵阳市", "两抢一盗", "刑事发案", "信访维稳"}),
        ("003", {"汕头", "平安细胞"}),
        ("004", {"晋中市", "网格", "矛盾纠纷"}),
        ("000", {"临夏市", "禁毒"}),
    ],
)
def test_top_keywords_name_what_a_report_is_about(seed, expected):
    words = [word for word, _ in top_keywords(seed_text(seed), n=15)]
    assert expected <= set(words), words


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_genre_filler_numbers_and_pinyin_never_rank(seed):
    ranked = top_keywords(seed_text(seed), n=50)
    weights = [weight for _, weight in ranked]
    assert len(ranked) == 50
    assert weights == sorted(weights, reverse=True) and weights[-1] > 0
    for word, _ in ranked:
        assert word not in stopwords() and len(word) >= 2
        assert not word.isascii(), word  # 2013, 21.22%, stray pinyin such as ng or sh


def test_filler_words_are_stop_words():
    assert {"全市", "工作", "进一步", "开展", "加强"} <= stopwords()


def test_text_without_candidates_has_no_keywords():
    assert top_keywords("全市进一步开展工作。2013年,") == []
    assert top_keywords("") == []
