"""Keywords: what each document is about, as its top TF-IDF words.

Term frequency comes from our own `segment()` (so the words are the ones the index holds, and the
fast backend suffices); inverse document frequency from jieba's general-corpus IDF table, which
rewards words that are rare in ordinary Chinese. The genre's filler (全市, 工作, 进一步 ...) is
frequent here but rare elsewhere, so IDF alone would promote it: `rules/stopwords.txt` removes it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import cache, lru_cache
from importlib.util import find_spec
from pathlib import Path
from statistics import median

from etl.tokens import WORD_CACHE_SIZE, segment

HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
STOPWORDS_PATH = Path(__file__).parent / "rules" / "stopwords.txt"


@cache
def stopwords() -> frozenset[str]:
    lines = STOPWORDS_PATH.read_text(encoding="utf-8").splitlines()
    return frozenset(word for line in lines if not line.startswith("#") for word in line.split())


@cache
def idf_table() -> tuple[dict[str, float], float]:
    """jieba's IDF per word, and the median IDF that a word missing from the table gets."""
    text = jieba_idf_path().read_text(encoding="utf-8")
    table = {word: float(idf) for word, idf in (line.split(" ") for line in text.splitlines())}
    return table, median(table.values())


def jieba_idf_path() -> Path:
    """Found without importing jieba, which the default segmenter (rjieba) does not need:
    importing it (and the pkg_resources it imports) cost each build process 0.1 s."""
    spec = find_spec("jieba")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("jieba, whose IDF table the keywords use, is not installed")
    return Path(spec.origin).parent / "analyse" / "idf.txt"


def is_candidate(word: str) -> bool:
    """Two characters or more, at least one of them Han (numbers and stray pinyin such as `shù`
    describe nothing), and not genre filler."""
    return len(word) >= 2 and HAN.search(word) is not None and word not in stopwords()


def top_keywords(text: str, n: int = 10) -> list[tuple[str, float]]:
    """The `n` words with the highest TF-IDF weight, heaviest first (ties in first-seen order)."""
    return top_keywords_in(segment(text), n)


def top_keywords_in(words: Iterable[str], n: int = 10) -> list[tuple[str, float]]:
    """`top_keywords()` of a text already segmented (the loader segments each paragraph once)."""
    counts = [
        (word, count, idf)
        for word, count in Counter(words).items()
        if (idf := idf_of(word)) is not None
    ]
    total = sum(count for _, count, _ in counts)
    weights = [(word, count * idf / total) for word, count, idf in counts]
    return sorted(weights, key=lambda item: item[1], reverse=True)[:n]


@lru_cache(maxsize=WORD_CACHE_SIZE)
def idf_of(word: str) -> float | None:
    """A candidate's IDF (the median for a word jieba's table lacks); None for no candidate."""
    if not is_candidate(word):
        return None
    idf, median_idf = idf_table()
    return idf.get(word, median_idf)
