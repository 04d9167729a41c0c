"""Hostile input: `pingan load` on a folder of broken, odd and huge files, built by the test.

Every good file becomes a document, every bad one a `load_errors` row with a clear reason, the
exit status says that something failed, and the database that is left passes `pingan check`.
"""

from __future__ import annotations

import codecs
import os
import random
import re
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import opencc
import pytest

from tests.browser import PINGAN
from tests.conftest import SEEDS

pytestmark = pytest.mark.slow

ARTICLE = (SEEDS / "002_4d1602843caf5288.txt").read_text(encoding="utf-8").strip()
ARTICLE_TITLE = "贵阳:治标治本施综合之策 同心同力建平安之城"
MARKUP_TITLE = '<img src=x onerror="window.__pwned=1">平安建设'
HUGE_BYTES = 20_000_000
LONG_LINE_BYTES = 400_000
SCRIPT_MARKER = "SCRIPT-MARKER"


def repeated_to(size: int, unit: str) -> bytes:
    """`unit` repeated to exactly `size` UTF-8 bytes, cut at a character boundary."""
    data = (unit * (size // len(unit.encode()) + 1)).encode()[:size]
    return data.decode("utf-8", errors="ignore").encode()


def web_page() -> bytes:
    """A news page with scripts, styles, site chrome and entities around the article."""
    lines = ARTICLE.splitlines()
    paragraphs = "\n".join(f"<p>{line}</p>" for line in lines[3:] if line.strip())
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>{lines[0]} &amp; 平安</title>
<script>var tracker = "{SCRIPT_MARKER}"; document.write("<p>{SCRIPT_MARKER}</p>");</script>
<style>.{SCRIPT_MARKER} {{ color: red }}</style></head>
<body><nav>首页 &gt; 新闻</nav><h1>{lines[0]}</h1><p>2023-01-05 来源:贵阳日报</p>
<p>本报讯 全市治安 &lt;平安&gt; 建设 &#24179;&#23433;贵阳 &quot;引号&quot;,群众安全感持续提升。</p>
{paragraphs}
<script>alert("{SCRIPT_MARKER}")</script></body></html>""".encode()


def binary_noise() -> bytes:
    """A PNG header and seeded random bytes: an image saved with a .txt name."""
    return b"\x89PNG\r\n\x1a\n" + random.Random(9).randbytes(50_000)


@dataclass(frozen=True)
class Good:
    """A file that must load: its bytes, and the encoding the document must record."""

    content: Callable[[], bytes]
    encoding: str


# path in the corpus -> the file; the first six hold the same article in different encodings.
GOOD_FILES = {
    "utf-8.txt": Good(lambda: ARTICLE.encode(), "utf-8"),
    "utf-8 with BOM.txt": Good(lambda: codecs.BOM_UTF8 + ARTICLE.encode(), "utf-8-sig"),
    "utf-16-le.txt": Good(lambda: codecs.BOM_UTF16_LE + ARTICLE.encode("utf-16-le"), "utf-16-le"),
    "utf-16-be.txt": Good(lambda: codecs.BOM_UTF16_BE + ARTICLE.encode("utf-16-be"), "utf-16-be"),
    "gb18030.txt": Good(lambda: ARTICLE.encode("gb18030"), "gb18030"),
    "big5 繁體.txt": Good(lambda: opencc.OpenCC("s2tw").convert(ARTICLE).encode("big5"), "big5"),
    # cut inside the last character (安 is three bytes), as a download cut short leaves it
    "truncated utf-8.txt": Good(lambda: (ARTICLE + "平安").encode()[:-1], "utf-8"),
    "nul bytes.txt": Good(lambda: ARTICLE.replace("。", "。\x00", 3).encode(), "utf-8"),
    "平安 建设/嵌套 目录/深 层/报告 2023.txt": Good(
        lambda: ARTICLE.replace("贵阳", "遵义").encode(), "utf-8"
    ),
    "one line.txt": Good(lambda: repeated_to(LONG_LINE_BYTES, ARTICLE.replace("\n", "")), "utf-8"),
    "page.html": Good(web_page, "utf-8"),
    "markup title.txt": Good(lambda: f"{MARKUP_TITLE}\n\n{ARTICLE}".encode(), "utf-8"),
}
SAME_ARTICLE = list(GOOD_FILES)[:6]
# path in the corpus -> (its bytes, or None for the special files made below; the reason given)
BAD_FILES = {
    "empty.txt": (b"", "empty file (0 bytes)"),
    "whitespace only.txt": (" \n\t\r\n\u3000\n".encode(), "nothing but whitespace"),
    "photo.txt": (binary_noise(), "binary data, not text"),
    "mostly nul.txt": (b"\x00" * 5_000 + ARTICLE.encode()[:300], "binary data, not text"),
    "平安 建设/dangling link.txt": (None, "cannot read file: No such file or directory"),
    "平安 建设/link loop.txt": (None, "cannot read file: Too many levels of symbolic links"),
    "平安 建设/pipe.txt": (None, "cannot read file: not a regular file"),
}


def recorded(name: str) -> str:
    """How a file of the corpus is recorded: by its path from the folder holding the folder
    named to `pingan load`, never by where the loader's machine keeps it."""
    return f"corpus/{name}"


def build_corpus(corpus: Path) -> None:
    for name, good in GOOD_FILES.items():
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        (corpus / name).write_bytes(good.content())
    for name, (content, _) in BAD_FILES.items():
        if content is not None:
            (corpus / name).write_bytes(content)
    folder = corpus / "平安 建设"
    (folder / "dangling link.txt").symlink_to("missing.txt")
    (folder / "link loop.txt").symlink_to("link loop.txt")
    os.mkfifo(folder / "pipe.txt")
    # A folder that contains itself: a walk that followed links would never end.
    (folder / "嵌套 目录" / "loop").symlink_to("..", target_is_directory=True)


@dataclass(frozen=True)
class LoadedCorpus:
    corpus: Path
    db_path: Path
    load: subprocess.CompletedProcess
    documents: dict[str, sqlite3.Row]
    errors: dict[str, str]
    warnings: dict[str, list[str]]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> LoadedCorpus:
    """One `pingan load` of the whole corpus, as a user would run it, in two processes."""
    root = tmp_path_factory.mktemp("hostile")
    corpus = root / "corpus"
    corpus.mkdir()
    build_corpus(corpus)
    db_path = root / "pingan.sqlite"
    load = subprocess.run(
        [PINGAN, "load", "--db", str(db_path), "--jobs", "2", str(corpus)],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    connection = sqlite3.connect(db_path)
    connection.row_factory = sqlite3.Row
    documents = {row["path"]: row for row in connection.execute("SELECT * FROM documents")}
    errors = dict(connection.execute("SELECT path, error FROM load_errors").fetchall())
    warnings: dict[str, list[str]] = {}
    for path, warning in connection.execute("SELECT path, warning FROM load_warnings"):
        warnings.setdefault(path, []).append(warning)
    connection.close()
    return LoadedCorpus(corpus, db_path, load, documents, errors, warnings)


def test_load_finishes_and_its_exit_status_says_files_failed(loaded: LoadedCorpus) -> None:
    assert loaded.load.returncode == 1, loaded.load.stderr
    assert "Traceback" not in loaded.load.stderr
    assert re.search(
        f"{len(GOOD_FILES) + len(BAD_FILES)} files seen, {len(GOOD_FILES)} loaded, .*"
        f"0 skipped .*, {len(BAD_FILES)} failed",
        loaded.load.stdout,
    ), loaded.load.stdout
    for name, (_, reason) in BAD_FILES.items():
        listed = f"failed: {re.escape(recorded(name))}: .*{re.escape(reason)}"
        assert re.search(listed, loaded.load.stderr), (name, loaded.load.stderr)
    assert "kept in load_errors where run_id = 1" in loaded.load.stderr


@pytest.mark.parametrize("name", GOOD_FILES)
def test_every_good_file_is_one_document(loaded: LoadedCorpus, name: str) -> None:
    document = loaded.documents[recorded(name)]
    assert document["encoding"] == GOOD_FILES[name].encoding
    assert document["paragraph_count"] >= 1
    assert document["text"].strip()


@pytest.mark.parametrize("name", BAD_FILES)
def test_every_bad_file_is_recorded_with_its_reason(loaded: LoadedCorpus, name: str) -> None:
    path = recorded(name)
    assert BAD_FILES[name][1] in loaded.errors[path]
    assert path not in loaded.documents


def test_nothing_else_is_loaded_or_recorded(loaded: LoadedCorpus) -> None:
    """The folder link loop is not followed: no path through it, nothing twice."""
    assert set(loaded.documents) == {recorded(name) for name in GOOD_FILES}
    assert set(loaded.errors) == {recorded(name) for name in BAD_FILES}


def test_the_same_article_reads_the_same_in_every_encoding(loaded: LoadedCorpus) -> None:
    documents = [loaded.documents[recorded(name)] for name in SAME_ARTICLE]
    assert {(d["title"], d["text"]) for d in documents} == {(ARTICLE_TITLE, documents[0]["text"])}


@pytest.mark.parametrize(
    "name, warning",
    [
        ("truncated utf-8.txt", "truncated last character: 2 trailing byte(s) dropped"),
        ("nul bytes.txt", "removed 3 NUL character(s)"),
    ],
)
def test_a_repaired_file_loads_with_a_warning(loaded: LoadedCorpus, name: str, warning: str):
    path = recorded(name)
    assert loaded.warnings[path] == [warning]
    assert "\x00" not in loaded.documents[path]["text"]


def test_a_cut_file_loses_only_its_cut_character(loaded: LoadedCorpus) -> None:
    whole = loaded.documents[recorded("utf-8.txt")]["text"]
    cut = loaded.documents[recorded("truncated utf-8.txt")]["text"]
    assert cut == whole + "平"


def test_a_web_page_keeps_its_article_and_drops_its_scripts(loaded: LoadedCorpus) -> None:
    document = loaded.documents[recorded("page.html")]
    assert document["title"] == ARTICLE_TITLE
    assert SCRIPT_MARKER not in document["text"]
    assert '全市治安 <平安> 建设 平安贵阳 "引号"' in document["text"]
    assert "&lt;" not in document["text"] and "&#" not in document["text"]


def test_markup_in_a_title_line_is_kept_verbatim_as_text(loaded: LoadedCorpus) -> None:
    assert loaded.documents[recorded("markup title.txt")]["title"] == MARKUP_TITLE


def test_a_400_kb_line_is_one_whole_paragraph(loaded: LoadedCorpus) -> None:
    line = loaded.documents[recorded("one line.txt")]
    assert line["paragraph_count"] == 1
    assert line["char_count"] > LONG_LINE_BYTES // 3


def test_the_database_left_passes_check(loaded: LoadedCorpus) -> None:
    check = subprocess.run(
        [PINGAN, "check", "--db", str(loaded.db_path)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_20_mb_file_is_refused_with_a_clear_reason(tmp_path: Path) -> None:
    """No article is 20 MB (the seeds are 6-13 KB): such a file is an export of many articles
    or no article at all, and one document made of it helps no reader."""
    huge = tmp_path / "huge.txt"
    huge.write_bytes(repeated_to(HUGE_BYTES, ARTICLE + "\n"))
    db_path = tmp_path / "pingan.sqlite"
    load = subprocess.run(
        [PINGAN, "load", "--db", str(db_path), "--jobs", "1", str(huge)],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert load.returncode == 1, load.stdout + load.stderr
    with sqlite3.connect(db_path) as connection:
        errors = connection.execute("SELECT path, error FROM load_errors").fetchall()
    assert len(errors) == 1 and errors[0][0] == "huge.txt"
    assert "too large" in errors[0][1] and "MB" in errors[0][1]
