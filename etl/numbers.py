"""Numerals as Chinese reports write them: 1,234.5, 20.5万, 三千, 两, 二〇一三, 百分之九十.

The extractor finds where a number is; this module says what it is worth. cn2an reads Chinese
and mixed numerals; thousands separators and bare magnitude words are handled here because
cn2an rejects them.
"""

from __future__ import annotations

import re
from functools import lru_cache

import cn2an

ARABIC = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?"
# A Chinese numeral starts with a digit word or 十, never with a bare magnitude (万家灯火 and
# 百姓 are words, not numbers), except 百 and 千 before 余 or 多 (百余名, 千余人).
CHINESE = (
    r"(?:[〇零一二两三四五六七八九十][〇零一二两三四五六七八九十百千万萬亿億]*|[百千](?=[余多]))"
)
# The first character of every numeral above.
NUMERAL_START = r"[\d〇零一二两三四五六七八九十百千]"
BARE_MAGNITUDES = {"百": 100.0, "千": 1000.0}
_DIRECT_READING = re.compile(r"[〇零一二三四五六七八九]{2,}")


@lru_cache(maxsize=4096)  # the same few numerals recur in every report
def parse_numeral(text: str) -> float:
    """The value of one numeral without its unit: '20.5万' -> 205000.0, '三千' -> 3000.0.

    Runs of bare digit words (二〇一三) are read digit by digit, as years and codes are.
    """
    text = text.replace(",", "").replace("萬", "万").replace("億", "亿")
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    if _DIRECT_READING.fullmatch(text):
        return float(cn2an.cn2an(text, "direct"))
    if text in BARE_MAGNITUDES:
        return BARE_MAGNITUDES[text]
    return float(cn2an.cn2an(text, "smart"))
