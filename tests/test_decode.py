"""Reading real collections: every encoding they come in, cut files, binary junk, web pages."""

from __future__ import annotations

import codecs
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.decode import DecodeError, decode_bytes, looks_like_html
from etl.errors import RejectedFile
from etl.ingest import ingest
from etl.webpage import extract_webpage

SIMPLIFIED = "临夏市全力推进平安建设,今年全市刑事案件同比下降17.1%。\n群众安全感达到94.2%。"
TRADITIONAL = "臨夏市全力推進平安建設,今年全市刑事案件同比下降17.1%。\n群眾安全感達到94.2%。"


@pytest.mark.parametrize(
    ("data", "encoding", "text"),
    [
        (SIMPLIFIED.encode("utf-8"), "utf-8", SIMPLIFIED),
        (SIMPLIFIED.encode("utf-8-sig"), "utf-8-sig", SIMPLIFIED),
        (SIMPLIFIED.encode("utf-16"), "utf-16-le", SIMPLIFIED),  # Python writes a LE BOM
        (codecs.BOM_UTF16_BE + SIMPLIFIED.encode("utf-16-be"), "utf-16-be", SIMPLIFIED),
        (SIMPLIFIED.encode("gb18030"), "gb18030", SIMPLIFIED),
        (SIMPLIFIED.encode("gbk"), "gb18030", SIMPLIFIED),
        (SIMPLIFIED.encode("gb2312"), "gb18030", SIMPLIFIED),
        (TRADITIONAL.encode("big5"), "big5", TRADITIONAL),
        (TRADITIONAL.encode("cp950"), "big5", TRADITIONAL),
        (TRADITIONAL.encode("gb18030"), "gb18030", TRADITIONAL),
    ],
)
def test_each_encoding_is_detected_and_decoded(data, encoding, text):
    decoded = decode_bytes(data)
    assert (decoded.encoding, decoded.text, decoded.warnings) == (encoding, text, [])


@pytest.mark.parametrize("codec", ["utf-8", "utf-16", "gb18030", "big5"])
def test_a_truncated_last_character_loads_with_a_warning(codec):
    source = TRADITIONAL if codec == "big5" else SIMPLIFIED
    decoded = decode_bytes(source.encode(codec)[:-1])
    assert decoded.text == source[:-1]
    assert len(decoded.warnings) == 1
    assert decoded.warnings[0].startswith("truncated last character")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b" \r\n\t \n", "no text: nothing but whitespace"),
        ("\u3000\u3000\n\u200b\n".encode(), "no text: nothing but whitespace"),
        ("\u3000 \n".encode("utf-16"), "no text: nothing but whitespace"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary data"),
        (b"PK\x03\x04" + bytes(200) + b"word/document.xml", "binary data"),
        (bytes(range(128, 256)) * 8, "undecodable"),
    ],
)
def test_files_that_are_not_articles_are_rejected_with_a_reason(data, reason):
    with pytest.raises(DecodeError) as rejected:
        decode_bytes(data)
    assert reason in rejected.value.reason
    assert isinstance(rejected.value, RejectedFile)


def test_nul_and_zero_width_characters_are_removed_with_warnings():
    dirty = "平安\x00建设\u200b推进\ufeff会\u200d召开。" + SIMPLIFIED
    decoded = decode_bytes(dirty.encode())
    assert decoded.text == "平安建设推进会召开。" + SIMPLIFIED
    assert decoded.warnings == ["removed 1 NUL character(s)", "removed 3 zero-width character(s)"]


@pytest.mark.parametrize("line_end", ["\r\n", "\r", "\n"])
def test_line_ends_become_lf(line_end):
    decoded = decode_bytes(line_end.join(["标题", "", "正文。"]).encode("gb18030"))
    assert decoded.text == "标题\n\n正文。"


@pytest.mark.parametrize(
    ("text", "is_html"),
    [
        ("<!DOCTYPE html><html><body><p>正文</p></body></html>", True),
        ("<HTML>\n<BODY>正文</BODY>", True),
        ("<div>标题</div><p>第一段</p><p>第二段</p>", True),
        ("全市发案数<200起,破案率>90%。", False),
        (SIMPLIFIED, False),
    ],
)
def test_markup_is_sniffed_whatever_the_suffix(text, is_html):
    assert looks_like_html(text) is is_html
    assert decode_bytes(text.encode()).is_html is is_html


PAGE = """<!DOCTYPE html>
<html><head><meta charset="gb2312"><title>晋中平安建设以点带面_中国长安网</title>
<meta name="publishdate" content="2016-11-15">
<style>.nav {{ color: red }}</style><script>var tracker = "统计脚本不是正文";</script></head>
<body>
<nav><ul><li><a href="/">网站首页</a></li><li><a href="/a">政法要闻</a></li></ul></nav>
<div class="article"><h1>山西晋中平安建设“以点带面 百花齐放”</h1>
<p>有人说平安建设是个宏观概念，支撑它的是一个个积小安为大安的微观元素，只有微观总量聚少成多，
宏观层面才能脱胎换骨&mdash;晋中市在平安建设中紧紧抓住治理元素&amp;平安经验。</p>
<p>近年来，在晋中市委、市政府的正确领导下，紧紧围绕发展大局，积极创新理念思路、体制机制、
方法手段，不断深化平安晋中建设，切实提高维护公共安全能力水平，确保了全市社会大局持续稳定。</p>
{extra}
</div>
<footer><p>版权所有 中国长安网 京ICP备05040036号</p></footer>
</body></html>"""


def test_html_gives_main_text_title_and_date_without_page_chrome():
    page = extract_webpage(PAGE.format(extra=""))
    assert page.title == "山西晋中平安建设“以点带面 百花齐放”"
    assert page.published_on == dt.date(2016, 11, 15)
    assert page.text.split("\n")[0] == page.title
    assert "宏观层面才能脱胎换骨—晋中市" in page.text  # entities decoded
    assert "治理元素&平安经验" in page.text
    for chrome in ("统计脚本", "color", "网站首页", "政法要闻", "版权所有", "ICP"):
        assert chrome not in page.text


def test_a_page_states_no_date_when_only_a_copyright_year_could_be_guessed():
    page = PAGE.replace('<meta name="publishdate" content="2016-11-15">', "").format(
        extra="<p>2013年9月29日，贵阳市发出动员令，部署两严一降专项斗争，力争三年实现好转。</p>"
    )
    assert extract_webpage(page).published_on is None


def test_a_page_without_article_text_is_rejected():
    with pytest.raises(DecodeError, match="without article text"):
        extract_webpage(
            "<html><head><title>空页面</title></head><body><script></script></body></html>"
        )


@pytest.mark.parametrize("path", ["page.html", "page.htm", "saved-as-text.txt"])
def test_ingest_reads_a_gbk_web_page_by_its_meta_charset(path):
    ingested = ingest(PAGE.format(extra="").encode("gbk"), path)
    assert ingested.is_html
    assert ingested.decoded.encoding == "gb18030"
    assert ingested.decoded.text.startswith("<!DOCTYPE html>")  # the verbatim original
    article = ingested.article
    assert article.title == "山西晋中平安建设“以点带面 百花齐放”"
    assert not article.title_derived
    assert article.published_on == dt.date(2016, 11, 15)
    assert [p.kind for p in article.paragraphs] == ["title", "body", "body"]
    assert article.paragraphs[1].text.startswith("有人说平安建设是个宏观概念,支撑")


def test_ingest_of_a_plain_text_file_describes_it_directly():
    ingested = ingest(("平安建设推进会召开\n" + SIMPLIFIED).encode("gb18030"), "a.txt")
    assert not ingested.is_html
    assert ingested.article.title == "平安建设推进会召开"


def test_a_file_of_site_chrome_only_is_rejected():
    with pytest.raises(DecodeError, match="site chrome"):
        ingest("Baidu\nmap\n中国长安网 > 公众版> 长安传真\n".encode(), "a.txt")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=100).map(str.encode))
def test_any_bytes_either_decode_or_are_rejected_with_a_reason(data):
    try:
        decoded = decode_bytes(data)
    except DecodeError as rejected:
        assert rejected.reason
    else:
        assert decoded.text.strip()
        assert "\r" not in decoded.text and "\x00" not in decoded.text
