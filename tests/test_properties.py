"""Property tests: the normaliser and the indicator extractor on text nobody wrote for them.

Arbitrary Unicode finds crashes; text stitched from the pieces claims are made of (numerals,
units, magnitudes, changes, periods) reaches the extractor's deeper paths. Examples are bounded
so the suite stays fast; hypothesis keeps the failures it finds in .hypothesis/ and replays them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from etl.indicators import Indicator, extract_indicators
from etl.normalise import FULLWIDTH_TO_ASCII, fullwidth_to_ascii, normalise_text

pytestmark = pytest.mark.slow

# The pieces of "今年前10月,全市刑事案件同比下降21.22%,破获近3500余起" and their troublemakers:
# full-width digits, ranges, Chinese numerals, per mille, stray marks, pinyin.
MARKS_AND_UNITS = "0123456789.,，;；。、:：%‰～~—-至到余多近约万亿千百十个名起件人次元户"
NUMERAL_WORDS = ["０１２", "一", "二十", "三百", "两", "四千五百", "零点五", "百分之"]
CHANGE_WORDS = ["同比", "环比", "下降", "上升", "增长", "减少", "个百分点", "较去年"]
PERIOD_WORDS = ["今年", "去年", "前10月", "1—6月", "2023年", "上半年", "截至"]
SUBJECT_WORDS = ["刑事案件", "刑事发案数", "破获", "网格员", "监控探头", "全市", "目标", "力争"]
CLAIM_PIECES = [
    *MARKS_AND_UNITS,
    *NUMERAL_WORDS,
    *CHANGE_WORDS,
    *PERIOD_WORDS,
    *SUBJECT_WORDS,
    *["(shù)", "\n", " ", "\u3000"],
]
# A numeral of any length and precision, as a page might print it (or a scraper mangle it).
NUMERAL = st.one_of(
    st.from_regex(r"\A[0-9]{1,20}(\.[0-9]{1,20})?\Z"),
    st.integers(min_value=1, max_value=500).map(lambda digits: "9" * digits),
    st.integers(min_value=0).map(str),
    st.sampled_from(["零", "十", "两千", "九千九百九十九亿", "1e308", "１２.５", "0" * 60]),
)
# A claim in the extractor's own shape: what comes before a number, the number, its unit.
CLAIM = st.tuples(
    st.sampled_from(["破获", "刑事案件同比下降", "建成", "共有网格员", "发案数下降", "近", ""]),
    NUMERAL,
    st.sampled_from(["起", "%", "万个", "亿元", "名", "个百分点", "‰", "万", "—20%", ""]),
).map("".join)
CLAIMISH_TEXT = st.lists(
    st.one_of(CLAIM, st.sampled_from(CLAIM_PIECES), st.text(max_size=3)), max_size=40
).map("".join)
ANY_TEXT = st.one_of(st.text(max_size=300), CLAIMISH_TEXT)
FULLWIDTH_ASCII = {chr(code) for code in range(0xFF01, 0xFF5F)}
EXAMPLES = settings(max_examples=300, deadline=None)


@EXAMPLES
@given(ANY_TEXT)
def test_normalising_keeps_the_lines_and_is_stable(text: str) -> None:
    normalised = normalise_text(text)
    assert normalised.count("\n") == text.count("\n")
    assert normalise_text(normalised) == normalised
    assert not FULLWIDTH_ASCII & set(normalised)
    for line in normalised.split("\n"):
        assert line == line.strip()
        assert "  " not in line


@EXAMPLES
@given(
    st.one_of(ANY_TEXT, st.text(alphabet=st.characters(min_codepoint=0x2FF0, max_codepoint=0xFF70)))
)
def test_folding_full_width_runs_equals_translating_every_character(text: str) -> None:
    assert fullwidth_to_ascii(text) == text.translate(FULLWIDTH_TO_ASCII)


# Traditional and simplified characters, and the phrases OpenCC converts as a whole (著手, 藝術).
SCRIPT_TEXT = st.lists(
    st.sampled_from(
        ["著手", "藝術(shù)", "發展", "发展", "乾隆", "\n", " ", "，", "２０", "經濟", "头髮"]
    )
    | st.text(max_size=3),
    max_size=30,
).map("".join)


@EXAMPLES
@given(st.one_of(ANY_TEXT, SCRIPT_TEXT), st.sampled_from(["simplified", "traditional", "mixed"]))
def test_normalising_a_text_equals_normalising_its_lines(text: str, script: str) -> None:
    # describe_article() normalises the whole text at once and pairs its lines with the originals
    lines = [normalise_text(line, script) for line in text.split("\n")]
    assert normalise_text(text, script).split("\n") == lines


def indicators_of(text: str, published_on: dt.date | None) -> Iterator[tuple[str, Indicator]]:
    """The indicators of a text as given and as the loader gives it (normalised)."""
    for paragraph in (text, normalise_text(text)):
        for position, indicator in enumerate(extract_indicators(paragraph, published_on)):
            assert indicator.position == position
            yield paragraph, indicator


@EXAMPLES
@given(ANY_TEXT, st.none() | st.dates())
def test_every_indicator_quotes_its_own_slice(text: str, published_on: dt.date | None) -> None:
    for paragraph, indicator in indicators_of(text, published_on):
        assert 0 <= indicator.start_offset < indicator.end_offset <= len(paragraph)
        assert indicator.quote == paragraph[indicator.start_offset : indicator.end_offset]
        if indicator.period_start and indicator.period_end:
            assert indicator.period_start <= indicator.period_end, indicator


@EXAMPLES
@given(ANY_TEXT, st.none() | st.dates())
@example("破获" + "9" * 309 + "起", None)
def test_every_indicator_value_is_finite(text: str, published_on: dt.date | None) -> None:
    for _, indicator in indicators_of(text, published_on):
        for value in (indicator.value, indicator.change_pct, indicator.change_pp):
            assert value is None or math.isfinite(value), indicator
