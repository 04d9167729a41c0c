"""Tokens stage: the one segmentation of Chinese text that indexing, queries, keywords and the
indicator extractor all share.

SQLite's FTS5 tokenizers cannot split Chinese into words, so the words are cut here, with jieba's
dictionary plus the field's own terms (`rules/userdict.txt`), and stored space-separated. A query
must be cut by the very same segmenter as the text it searches, or a phrase is split differently
and finds nothing; that is why every caller goes through `segment()` and why `SEGMENTER` names the
backend and dictionary a database was built with.

Two backends cut the same way: rjieba (jieba-rs, Rust, several times faster) and jieba 0.42.1, the
reference. `tests/test_tokens.py` checks that they agree on the seeds; the faster one is the default
and `PINGAN_SEGMENTER=jieba` switches back.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Callable
from functools import cache, lru_cache
from importlib.metadata import version
from itertools import accumulate, chain, repeat
from pathlib import Path
from typing import NamedTuple

USER_DICT_PATH = Path(__file__).parent / "rules" / "userdict.txt"
BACKENDS = ("rjieba", "jieba")
BACKEND = os.environ.get("PINGAN_SEGMENTER", BACKENDS[0])
if BACKEND not in BACKENDS:
    raise ValueError(f"PINGAN_SEGMENTER must be one of {BACKENDS}, not {BACKEND!r}")

HAN_ONLY = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
ASCII_WORD = re.compile(r"[A-Za-z0-9]+(?:\.[0-9]+)?%?")
WORD_CHARACTER = re.compile(r"[^\W_]")  # a letter, digit or Han character: str.isalnum()
# Entries in each per-word cache: enough for the words that recur (Zipf), a few MB, where a cache
# of every word a large corpus holds grew by 150 MB.
WORD_CACHE_SIZE = 1 << 13


class UserWord(NamedTuple):
    """One line of a jieba user dictionary: `word [frequency] [part-of-speech tag]`."""

    word: str
    frequency: int | None
    tag: str | None


def parse_user_dict(text: str) -> list[UserWord]:
    """jieba's user-dictionary format; a missing frequency lets the segmenter pick one that is
    just high enough to keep the word whole."""
    words = []
    for line in text.splitlines():
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        word, rest = fields[0], fields[1:]
        frequency = int(rest.pop(0)) if rest and rest[0].isdigit() else None
        words.append(UserWord(word, frequency, rest[0] if rest else None))
    return words


@cache
def user_dict_bytes() -> bytes:
    return USER_DICT_PATH.read_bytes()


def user_words() -> list[UserWord]:
    return parse_user_dict(user_dict_bytes().decode("utf-8"))


class Segmenter(NamedTuple):
    """A backend with the user dictionary loaded: its raw cut (whitespace and punctuation
    included) and its dictionary lookup."""

    cut: Callable[[str], list[str]]
    has_word: Callable[[str], bool]


@cache
def segmenter(backend: str) -> Segmenter:
    """The backend, built once per process (jieba takes about a second to load its dictionary)."""
    if backend == "rjieba":
        import rjieba

        engine = rjieba.Jieba()
        for entry in user_words():
            engine.add_word(*entry)
        return Segmenter(engine.cut, engine.has_word)
    if backend == "jieba":
        import jieba

        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        for entry in user_words():
            tokenizer.add_word(*entry)
        # jieba's FREQ also holds every prefix of a word, with frequency 0.
        return Segmenter(tokenizer.lcut, lambda word: tokenizer.FREQ.get(word, 0) > 0)
    raise ValueError(f"unknown segmenter backend {backend!r}; choose one of {BACKENDS}")


@lru_cache(maxsize=256)
def raw_cut(backend: str, text: str) -> tuple[str, ...]:
    """The backend's cut of `text`, whitespace and punctuation included. Cached for the few
    paragraphs in hand, because the loader needs both the words and their positions."""
    return tuple(segmenter(backend).cut(text))


@lru_cache(maxsize=WORD_CACHE_SIZE)
def words_of_token(token: str) -> tuple[str, ...]:
    """The words a raw token counts as (see `segment_with`); cached, as tokens repeat."""
    if token.isascii():
        return tuple(ASCII_WORD.findall(token))
    return (token,) if WORD_CHARACTER.search(token) else ()


def segment_with(backend: str, text: str) -> list[str]:
    """`segment()` with a named backend, so the backends can be compared.

    An ASCII token splits into runs of letters or of digits with an optional decimal part and
    percent sign (`2013-11-01` -> 2013 11 01, `21.22%` stays whole): jieba cuts such runs that
    way and rjieba does not, so this makes the backends agree. Other tokens are words when they
    hold a letter, digit or Han character; `、`, `“` and spaces are not words and would only pad
    the index."""
    return list(chain.from_iterable(map(words_of_token, raw_cut(backend, text))))


def segment(text: str) -> list[str]:
    """The words of `text`, in order: `刑事发案数同比下降21.22%` -> 刑事发案 数 同比 下降 21.22%."""
    return segment_with(BACKEND, text)


def word_boundaries(text: str) -> list[int]:
    """Where each raw token of `text` starts, and finally where the text ends, for callers that
    need positions (is a place name a word of its own, or inside a longer one?). The raw cut
    covers the whole text."""
    return list(accumulate(map(len, raw_cut(BACKEND, text)), initial=0))


@lru_cache(maxsize=WORD_CACHE_SIZE)
def inner_words_with(backend: str, word: str) -> tuple[str, ...]:
    """The dictionary words of two or more characters inside a longer Han word, shortest first:
    贵阳市 -> 贵阳; 网格管理员 -> 网格 管理 管理员.
    Cached: the vocabulary is small beside the text."""
    if len(word) < 3 or not HAN_ONLY.fullmatch(word):
        return ()
    has_word = segmenter(backend).has_word
    return tuple(
        word[start : start + length]
        for length in range(2, len(word))
        for start in range(len(word) - length + 1)
        if has_word(word[start : start + length])
    )


def inner_words(word: str) -> list[str]:
    return list(inner_words_with(BACKEND, word))


def index_words_with(backend: str, text: str) -> list[str]:
    """`index_words()` with a named backend, so the backends can be compared."""
    return index_words_of(segment_with(backend, text), backend)


def index_words_of(words: list[str], backend: str = BACKEND) -> list[str]:
    """`index_words()` of words already segmented (the loader segments each paragraph once)."""
    return list(chain.from_iterable(map(index_entry, repeat(backend), words)))


@lru_cache(maxsize=WORD_CACHE_SIZE)
def index_entry(backend: str, word: str) -> tuple[str, ...]:
    """What the index holds for one word: the dictionary words inside it, then the word."""
    return (*inner_words_with(backend, word), word)


def index_words(text: str) -> list[str]:
    """What the full-text index holds: each word of `segment()`, preceded by the dictionary words
    inside it, so that a search for 贵阳, 网格 or 监控 finds 贵阳市, 网格员 and 视频监控 (a
    paragraph "contains" them, as a reader sees it). Queries are cut with plain `segment()`."""
    return index_words_with(BACKEND, text)


def segmented(text: str) -> str:
    """The value of `paragraphs.tokens`: `index_words()` joined by spaces, for FTS5 to index."""
    return tokens_of(segment(text))


def tokens_of(words: list[str]) -> str:
    """`segmented()` of a paragraph already cut into words (the loader cuts each paragraph once).
    Each word's entries are joined once and cached: joining all of a paragraph's entries anew
    took 1.8 times as long."""
    return " ".join(map(index_text, words))


@lru_cache(maxsize=WORD_CACHE_SIZE)
def index_text(word: str) -> str:
    """What `paragraphs.tokens` holds for one word: its `index_entry()`, space-separated."""
    return " ".join(index_entry(BACKEND, word))


SEGMENTER = (
    f"{BACKEND} {version(BACKEND)}; "
    f"userdict sha256:{hashlib.sha256(user_dict_bytes()).hexdigest()[:16]}"
)
"""Which segmenter and dictionary cut a database's tokens; a different value means re-segment."""
