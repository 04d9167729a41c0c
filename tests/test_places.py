"""Places: the division table, name matching, and the place each article is about."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.paragraphs import describe_article
from etl.places import city_of, load_places, locate_article, places_named, province_of

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def seed(number: str) -> str:
    return next(SEEDS.glob(f"{number}_*.txt")).read_text(encoding="utf-8")


def only(name: str):
    [place] = places_named(name)
    return place


def test_the_table_holds_every_level_and_real_parents_only():
    places = load_places()
    by_code = {place.code: place for place in places}
    levels = [place.level for place in places]
    assert (levels.count("province"), levels.count("prefecture")) == (34, 334)
    assert levels.count("county") > 2800
    assert all(place.parent_code in by_code for place in places if place.parent_code)
    assert not {"市辖区", "县", "省直辖县级行政区划"} & {place.name for place in places}
    assert by_code["622901"].longitude == pytest.approx(103.243021)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("贵阳", "520100"),
        ("贵阳市", "520100"),
        ("酒泉", "620900"),
        ("臨夏市", "622901"),
        ("临夏回族自治州", "622900"),
        ("广西", "450000"),
        ("內蒙古自治區", "150000"),
        ("黔东南", "522600"),
    ],
)
def test_names_short_forms_and_traditional_forms_are_found(name, code):
    assert only(name).code == code


@pytest.mark.parametrize(
    ("name", "city", "province"),
    [
        ("临夏市", "临夏回族自治州", "甘肃省"),  # a county-level city keeps its prefecture
        ("平邑县", "临沂市", "山东省"),
        ("东城区", "北京市", "北京市"),  # a municipality is its districts' city
        ("仙桃市", "仙桃市", "湖北省"),  # governed by the province directly
        ("酒泉市", "酒泉市", "甘肃省"),
    ],
)
def test_city_and_province_of_a_place(name, city, province):
    place = only(name)
    assert (city_of(place).name, province_of(place).name) == (city, province)


@pytest.mark.parametrize(
    ("number", "code", "name", "city", "province"),
    [
        ("000", "622901", "临夏市", "临夏回族自治州", "甘肃省"),
        ("001", "620900", "酒泉市", "酒泉市", "甘肃省"),
        ("002", "520100", "贵阳市", "贵阳市", "贵州省"),
        ("003", "440500", "汕头市", "汕头市", "广东省"),
        ("004", "140700", "晋中市", "晋中市", "山西省"),
    ],
)
def test_each_seed_is_about_its_city(number, code, name, city, province):
    match = locate_article(describe_article(seed(number)))
    assert (match.code, match.name, match.city, match.province) == (code, name, city, province)


def test_an_article_about_a_county_names_the_county_and_its_city():
    article = describe_article(
        "平邑县扎实推进平安建设\n"
        "近年来,平邑县坚持把平安建设作为民生工程,临沂市委政法委给予充分肯定。\n"
        "平邑全县刑事案件同比下降12%,平邑县群众安全感达98%。"
    )
    match = locate_article(article)
    assert (match.name, match.level, match.city, match.province) == (
        "平邑县",
        "county",
        "临沂市",
        "山东省",
    )


def test_a_city_named_often_wins_over_the_counties_it_mentions():
    article = describe_article(
        "晋中市平安建设综述\n晋中市在平安建设中成效明显。全省推进会在晋中(左权)召开,晋中经验得到推广。"
    )
    assert locate_article(article).name == "晋中市"


def test_place_names_inside_idioms_are_not_mentions():
    # 长治 in 长治久安 and 大同 in 世界大同 are words, not cities.
    article = describe_article("长治久安\n全力维护社会长治久安,共建世界大同,甘肃全省上下一心。")
    match = locate_article(article)
    assert (match.name, match.level) == ("甘肃省", "province")


def test_a_district_name_shared_by_two_cities_follows_the_city_named():
    article = describe_article("白云区推进基层治理\n贵阳市白云区加强网格化管理,白云区发案下降51%。")
    match = locate_article(article)
    assert (match.code, match.city) == ("520113", "贵阳市")


def test_a_county_short_form_alone_is_no_place():
    # 和平 is 和平县's short form, but here it is the word peace.
    article = describe_article("和平与发展\n和平与发展是时代主题。")
    assert locate_article(article) is None


def test_the_banner_above_the_headline_does_not_choose_the_place():
    # 河源 is named only in the site banner of the 晋中 article.
    article = describe_article(seed("004"))
    assert "创建平安河源" in article.boilerplate
    assert locate_article(article).city == "晋中市"
