"""Normalising: readable numbers, repaired pinyin damage, one script to search in."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etl.normalise import (
    detect_script,
    fullwidth_to_ascii,
    normalise_text,
    normalised_origins,
    original_span,
    repair_pinyin_annotations,
    to_simplified,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_000 = next(SEEDS.glob("000_*.txt")).read_text(encoding="utf-8")
OTHER_SEEDS = sorted(p for p in SEEDS.glob("*.txt") if not p.name.startswith("000_"))
TONED_ANNOTATION = re.compile(r"\([a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*\)")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("２０１５年", "2015年"),
        ("ＡＰＥＣ峰会", "APEC峰会"),
        ("下降１２．１％", "下降12.1%"),
        ("Ｇ２０", "G20"),
        ("（左权）", "(左权)"),
        ("全市　社会", "全市 社会"),
        ("、。“”‘’《》【】…—", "、。“”‘’《》【】…—"),  # Chinese punctuation is kept
    ],
)
def test_fullwidth_forms_become_ascii(text, expected):
    assert fullwidth_to_ascii(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("這是藝術(shù)的和諧", "這是藝術的和諧"),
        ("發(fā)展", "發展"),
        ("關(guān)系", "關系"),
        ("社區(qū)", "社區"),
        ("長(cháng)期", "長期"),  # any reading of a polyphone counts
        ("綠(lǜ)化", "綠化"),
    ],
)
def test_pinyin_of_the_character_before_is_dropped(text, expected):
    assert repair_pinyin_annotations(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "平安甘肃建设优秀市(州)",
        "县(市、区)",
        "晋中(左权)推进会",
        "第(2)条",
        "社区(qu)",  # no tone mark: not a syllable we trust
        "藝術(shū)",  # a syllable, but not a reading of 術
        "APEC(fā)",  # no Han character before it
        "藝術 (shù)",  # not directly after the character
    ],
)
def test_near_misses_are_not_touched(text):
    assert repair_pinyin_annotations(text) == text


def test_all_pinyin_damage_in_seed_000_is_repaired_and_nothing_else():
    assert len(TONED_ANNOTATION.findall(SEED_000)) == 95
    repaired = normalise_text(SEED_000)
    assert TONED_ANNOTATION.findall(repaired) == []
    assert re.findall(r".\([^)]*\)", repaired) == ["镇(街道)", "镇(街道)"]


@pytest.mark.parametrize("path", OTHER_SEEDS, ids=lambda p: p.name[:3])
def test_repair_leaves_articles_without_damage_alone(path):
    text = path.read_text(encoding="utf-8")
    assert repair_pinyin_annotations(text) == text


@pytest.mark.parametrize(
    ("text", "script"),
    [
        (SEED_000, "traditional"),
        *((p.read_text(encoding="utf-8"), "simplified") for p in OTHER_SEEDS),
        ("臨夏市圍繞打造平安臨夏", "traditional"),
        ("临夏市围绕打造平安临夏", "simplified"),
        ("臨夏市围绕打造平安临夏,優化發展環境", "mixed"),
        ("人民", "neutral"),
        ("APEC 2015", "none"),
    ],
)
def test_script_is_detected(text, script):
    assert detect_script(text) == script


def test_traditional_text_is_converted_with_tw2s():
    # t2s leaves 著力 and 著手 as they are; tw2s makes them 着力 and 着手.
    assert to_simplified("著力建設社區,著手治理") == "着力建设社区,着手治理"
    assert normalise_text("城市的發(fā)展,著力建設社區(qū)") == "城市的发展,着力建设社区"


def test_simplified_text_is_not_converted():
    # 著名 is correct simplified Chinese; only traditional text goes through OpenCC.
    assert normalise_text("著名的平安社区,乾隆年间") == "著名的平安社区,乾隆年间"


def test_a_nul_character_does_not_end_the_text_opencc_converts():
    # OpenCC reads a C string: '發展\x00著手' came back as '发展', and the lines after it were lost
    assert normalise_text("發展\x00著手\n經濟", script="traditional") == "发展\x00着手\n经济"


def test_a_neutral_line_of_a_traditional_article_follows_the_document_script():
    assert normalise_text("乾坤", script="traditional") == "乾坤"
    assert normalise_text("後來", script="traditional") == "后来"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  　有人说平安建设  是个概念\xa0 ", "有人说平安建设 是个概念"),
        ("第一段\n\n  第二段 ", "第一段\n\n第二段"),
    ],
)
def test_spaces_are_collapsed_and_lines_stripped(text, expected):
    assert normalise_text(text) == expected


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_normalising_line_by_line_equals_normalising_the_whole(path):
    text = path.read_text(encoding="utf-8")
    script = detect_script(text)
    by_line = "\n".join(normalise_text(line, script) for line in text.split("\n"))
    assert by_line == normalise_text(text, script)


@pytest.mark.parametrize(
    ("line", "normalised", "published"),
    [
        ("全市刑事案件下降１２．１％。", "下降12.1%", "下降１２．１％"),
        ("去年，全市刑事案件同比下降了17.1%。", "去年,全市", "去年，全市"),
        ("嚴(yán)重暴力犯罪下降", "严重暴力", "嚴(yán)重暴力"),  # a reading inside stays
        ("  　有人说  平安建设 ", "有人说 平安", "有人说  平安"),
        ("著力建設社區(qū)3個", "社区3个", "社區(qū)3個"),
    ],
)
def test_a_stretch_of_the_normalised_line_is_quoted_as_published(line, normalised, published):
    start = normalise_text(line).index(normalised)
    first, last = original_span(line, start, start + len(normalised))
    assert line[first:last] == published


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_every_normalised_character_of_the_seeds_has_its_origin(path):
    text = path.read_text(encoding="utf-8")
    script = detect_script(text)
    for line in text.split("\n"):
        normalised = normalise_text(line, script)
        origins = normalised_origins(line)
        assert len(origins) == len(normalised)
        assert normalise_text("".join(line[i] for i in origins), script) == normalised


LINE_CHARACTERS = st.sampled_from("全市刑事案件發展社區著力 　\t１２．％,(fā)(qū)3.5%")


@given(st.text(LINE_CHARACTERS, max_size=40))
def test_origins_rise_and_match_the_normalised_characters(line):
    normalised = normalise_text(line)
    origins = normalised_origins(line)
    assert len(origins) == len(normalised)
    assert list(origins) == sorted(set(origins))
    script = detect_script(line)
    assert all(
        normalise_text(fullwidth_to_ascii(line[origin]), script) in (char, "")
        for origin, char in zip(origins, normalised, strict=True)
    )
