"""Collections as users hold them: exports, WARC archives, manifests and sidecars load as the same
documents as the plain files, with what their metadata says, and a bad record stops nothing."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine, func, select, update

from etl import db
from etl.cli import cli
from etl.dating import UNDATED
from etl.inputs import CollectionOptions, ReadProgress
from etl.load import FINISHING, load_files, refresh_documents
from etl.models import Document, DocumentPath, Indicator, LoadError, LoadWarning
from etl.read import named_article_files
from etl.records import parse_columns
from tests.collection_inputs import (
    ROOT,
    SEEDS,
    as_page,
    seed_text,
    write_csv,
    write_jsonl,
    write_warc,
)

pytestmark = pytest.mark.slow

UNDATED_SEED = 0  # 临夏市 (临夏回族自治州): no date in its text


def load(engine: Engine, *paths: Path, **options):
    return load_files(engine, list(named_article_files(paths)), **options)


def documents(engine: Engine) -> list[tuple]:
    """Each document's title, text and claims, in the order they were loaded."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(Document.id, Document.title, Document.text).order_by(Document.id)
        ).all()
        return [
            (
                title,
                text,
                connection.execute(
                    select(
                        Indicator.quote,
                        Indicator.start_offset,
                        Indicator.value,
                        Indicator.unit,
                        Indicator.metric,
                        Indicator.period_start,
                        Indicator.period_end,
                    )
                    .where(Indicator.document_id == id_)
                    .order_by(Indicator.id)
                ).all(),
            )
            for id_, title, text in rows
        ]


def fresh_engine(path: Path) -> Engine:
    engine = db.make_engine(db.database_url(path))
    db.upgrade(engine)
    return engine


@pytest.fixture(scope="module")
def plain_seeds(tmp_path_factory) -> list[tuple]:
    """The seeds loaded as plain files: what every collection of them must give."""
    engine = fresh_engine(tmp_path_factory.mktemp("plain") / "plain.sqlite")
    load(engine, *SEEDS)
    yield documents(engine)
    engine.dispose()


def seed_rows(text_column: str = "text") -> list[dict]:
    return [{text_column: path.read_text(encoding="utf-8")} for path in SEEDS]


@pytest.mark.parametrize(
    ("name", "column"),
    [("a.jsonl", "text"), ("a.jsonl.gz", "content"), ("a.csv", "body"), ("a.csv.gz", "text")],
)
def test_an_export_loads_as_the_same_documents_as_the_plain_files(
    engine, tmp_path, plain_seeds, name, column
):
    path = tmp_path / name
    if ".csv" in name:
        write_csv(path.with_suffix("") if name.endswith(".gz") else path, seed_rows(column))
        if name.endswith(".gz"):
            path.write_bytes(gzip.compress(path.with_suffix("").read_bytes()))
    else:
        write_jsonl(path, seed_rows(column))
    summary = load(engine, path)
    assert (summary.loaded, summary.failed) == (5, 0)
    assert documents(engine) == plain_seeds
    with engine.connect() as connection:
        origins = connection.execute(
            select(Document.path, Document.container, Document.record_number).order_by(
                Document.record_number
            )
        ).all()
    assert origins == [(f"{name}#{n}", name, n) for n in range(1, 6)]


def test_a_warc_archive_loads_as_the_same_documents_as_the_pages_saved_as_files(
    tmp_path, plain_seeds
):
    pages = [as_page(path.read_text(encoding="utf-8")) for path in SEEDS]
    folder = tmp_path / "pages"
    folder.mkdir()
    for number, page in enumerate(pages):
        (folder / f"{number}.html").write_bytes(page)
    saved = fresh_engine(tmp_path / "saved.sqlite")
    load(saved, folder)
    uris = [f"http://www.example.cn/news/{number}.html" for number in range(5)]
    archive = write_warc(
        tmp_path / "crawl.warc.gz",
        [(uri, "text/html; charset=utf-8", page) for uri, page in zip(uris, pages, strict=True)],
    )
    archived = fresh_engine(tmp_path / "archived.sqlite")
    summary = load(archived, archive)
    assert (summary.loaded, summary.failed) == (5, 0)
    assert documents(archived) == documents(saved)
    with archived.connect() as connection:
        origins = connection.execute(
            select(Document.url, Document.record_number, Document.given_metadata).order_by(
                Document.record_number
            )
        ).all()
    # a request record before each response: the responses are records 2, 4, 6...
    assert [(url, number) for url, number, _ in origins] == list(
        zip(uris, range(2, 12, 2), strict=True)
    )
    assert all(json.loads(given)["captured_at"].startswith("20") for _, _, given in origins)


def test_an_uncompressed_warc_loads_too(engine, tmp_path):
    page = as_page(seed_text(1))
    archive = write_warc(tmp_path / "a.warc", [("http://a.cn/x.html", "text/html", page)], False)
    assert load(engine, archive).loaded == 1


def test_a_record_s_url_title_source_author_and_city_are_the_document_s(engine, tmp_path):
    export = write_jsonl(
        tmp_path / "a.jsonl",
        [
            {
                "text": seed_text(UNDATED_SEED),
                "title": "临夏市平安建设纪实",
                "url": "http://www.example.cn/gansu/a.html",
                "site": "甘肃日报",
                "author": "马明",
                "city": "临夏市",
            }
        ],
    )
    load(engine, export)
    with engine.connect() as connection:
        row = connection.execute(
            select(
                Document.title,
                Document.url,
                Document.source,
                Document.authors,
                Document.place_name,
                Document.city,
            )
        ).one()
        warnings = connection.execute(select(LoadWarning.warning)).scalars().all()
    assert tuple(row) == (
        "临夏市平安建设纪实",
        "http://www.example.cn/gansu/a.html",
        "甘肃日报",
        "马明",
        "临夏市",
        "临夏回族自治州",
    )
    assert warnings == []  # the text is about 临夏 too


def test_columns_named_otherwise_are_mapped_with_columns(engine, tmp_path):
    export = write_csv(
        tmp_path / "a.csv",
        [{"正文": seed_text(UNDATED_SEED), "发布时间": "2014/3/2", "链接": "http://a.cn/1.html"}],
    )
    columns = parse_columns("text=正文, published=发布时间, url=链接")
    load(engine, export, collections=CollectionOptions(columns=columns))
    with engine.connect() as connection:
        row = connection.execute(
            select(Document.published_on, Document.date_source, Document.url)
        ).one()
    assert tuple(row) == (dt.date(2014, 3, 2), "record", "http://a.cn/1.html")


@pytest.mark.parametrize("spec", ["txt=正文", "text", "text="])
def test_a_columns_option_that_names_no_field_is_refused(spec):
    with pytest.raises(ValueError, match="FIELD=COLUMN"):
        parse_columns(spec)


def test_a_csv_as_excel_saves_it_on_chinese_windows_loads(engine, tmp_path, plain_seeds):
    export = write_csv(tmp_path / "a.csv", seed_rows(), encoding="gb18030")
    load(engine, export)
    assert [text for _, text, _ in documents(engine)] == [text for _, text, _ in plain_seeds]


def test_a_semicolon_separated_csv_is_read_by_its_header(engine, tmp_path):
    rows = [{"title": "一", "text": seed_text(1)}, {"title": "二", "text": seed_text(2)}]
    export = tmp_path / "a.csv"
    write_csv(export, rows)
    export.write_text(
        export.read_text(encoding="utf-8").replace('"', "").replace(",", ";", 1), "utf-8"
    )
    # the articles' own commas now stand unquoted: only the header tells the separator
    export.write_text(
        "title;text\r\n" + "".join(f'{r["title"]};"{r["text"]}"\r\n' for r in rows), "utf-8"
    )
    assert load(engine, export).loaded == 2
    with engine.connect() as connection:
        titles = connection.execute(select(Document.title).order_by(Document.path)).scalars()
        assert list(titles) == ["一", "二"]


def errors(engine: Engine) -> list[tuple[str, str]]:
    with engine.connect() as connection:
        return connection.execute(
            select(LoadError.path, LoadError.error).order_by(LoadError.id)
        ).all()


def test_bad_records_are_recorded_with_their_position_and_stop_nothing(engine, tmp_path):
    export = write_jsonl(
        tmp_path / "a.jsonl.gz",
        [{"text": seed_text(1)}, '{"text": "unterminated', ["a list"], {"text": seed_text(2)}],
    )
    table = write_csv(
        tmp_path / "b.csv", [{"text": seed_text(3), "url": "1"}, {"text": "", "url": "2"}]
    )
    archive = write_warc(
        tmp_path / "c.warc.gz",
        [
            ("http://a.cn/logo.png", "image/png", b"\x89PNG\r\n"),
            ("http://a.cn/4.html", "text/html", as_page(seed_text(4))),
        ],
    )
    summary = load(engine, export, table, archive)
    assert (summary.loaded, summary.failed) == (4, 4)
    found = errors(engine)
    assert [path for path, _ in found] == ["a.jsonl.gz#2", "a.jsonl.gz#3", "b.csv#2", "c.warc.gz#2"]
    reasons = [reason for _, reason in found]
    assert reasons[0].startswith("invalid JSON")
    assert reasons[1] == "a JSON list, not an object"
    assert reasons[2].startswith("no article text")
    assert reasons[3] == "not an HTML page: image/png"


def test_a_truncated_gzip_loads_the_records_before_the_cut_and_says_where_it_broke(
    engine, tmp_path
):
    export = write_jsonl(tmp_path / "a.jsonl.gz", seed_rows())
    data = export.read_bytes()
    export.write_bytes(data[: len(data) * 3 // 4])
    summary = load(engine, export)
    assert summary.loaded >= 1
    assert summary.failed == 1
    [(path, reason)] = errors(engine)
    assert path == "a.jsonl.gz"
    assert reason.startswith(f"cannot read it past record {summary.loaded}: ")


@pytest.mark.parametrize(
    ("name", "content", "why"),
    [
        ("a.jsonl.gz", b'{"text": "not gzipped"}\n', "Not a gzipped file"),
        ("a.warc", b"hello world\n", "Unknown archive format"),
    ],
)
def test_a_container_that_is_not_what_its_name_says_is_one_error(
    engine, tmp_path, name, content, why
):
    (tmp_path / name).write_bytes(content)
    (tmp_path / "b.txt").write_text(seed_text(1), encoding="utf-8")
    summary = load(engine, tmp_path / name, tmp_path / "b.txt")
    assert (summary.loaded, summary.failed) == (1, 1)
    [(path, reason)] = errors(engine)
    assert path == name
    assert reason.startswith("cannot read it at all: ") and why in reason


def folder_with_manifest(tmp_path: Path, rows: list[dict]) -> Path:
    folder = tmp_path / "crawl"
    folder.mkdir(exist_ok=True)
    for number in range(3):
        shutil.copy(SEEDS[number], folder / f"{number}.txt")
    write_csv(folder / "manifest.csv", rows)
    return folder


def test_a_folder_s_manifest_gives_its_files_their_origin(engine, tmp_path):
    folder = folder_with_manifest(
        tmp_path,
        [
            {
                "file": "0.txt",
                "url": "http://a.cn/0.html",
                "source": "临夏日报",
                "title": "和谐临夏",
            },
            {"file": "1.txt", "url": "http://a.cn/1.html", "source": "酒泉发布", "title": ""},
        ],
    )
    summary = load(engine, folder)
    assert (summary.loaded, summary.failed) == (3, 0)  # the manifest is no export
    with engine.connect() as connection:
        rows = connection.execute(
            select(Document.path, Document.url, Document.source, Document.title).order_by(
                Document.path
            )
        ).all()
    assert rows[0] == ("crawl/0.txt", "http://a.cn/0.html", "临夏日报", "和谐临夏")
    assert rows[1][:3] == ("crawl/1.txt", "http://a.cn/1.html", "酒泉发布")
    assert rows[1][3] == "酒泉市全力推进更高水平的平安酒泉建设"  # no title given: the text's
    assert rows[2][1] is None  # a file the manifest leaves out loads as it is


def test_a_manifest_named_with_manifest_applies_to_files_elsewhere(engine, tmp_path):
    folder = folder_with_manifest(tmp_path, [])
    listing = write_csv(tmp_path / "list.csv", [{"file": "crawl/2.txt", "url": "http://a.cn/2"}])
    load(engine, folder / "2.txt", collections=CollectionOptions(manifest=listing))
    with engine.connect() as connection:
        assert connection.execute(select(Document.url)).scalar_one() == "http://a.cn/2"


def test_a_manifest_s_city_wins_and_a_text_about_another_is_a_warning(engine, tmp_path):
    folder = folder_with_manifest(tmp_path, [{"file": "1.txt", "city": "兰州市"}])
    load(engine, folder / "1.txt")
    with engine.connect() as connection:
        city = connection.execute(select(Document.city)).scalar_one()
        warnings = connection.execute(select(LoadWarning.path, LoadWarning.warning)).all()
    assert city == "兰州市"
    assert warnings == [
        ("1.txt", "the manifest says 兰州市 but the text is about 酒泉市: kept the manifest's")
    ]


def test_a_sidecar_gives_its_file_url_and_source(engine, tmp_path):
    (tmp_path / "a.html").write_bytes(as_page(seed_text(2)))
    (tmp_path / "a.json").write_text(
        json.dumps({"url": "http://a.cn/a.html", "source": "贵阳日报"}), encoding="utf-8"
    )
    load(engine, tmp_path / "a.html")
    with engine.connect() as connection:
        row = connection.execute(select(Document.url, Document.source)).one()
    assert tuple(row) == ("http://a.cn/a.html", "贵阳日报")


def test_a_sidecar_that_is_no_json_is_a_warning_and_the_file_still_loads(engine, tmp_path):
    (tmp_path / "a.txt").write_text(seed_text(2), encoding="utf-8")
    (tmp_path / "a.json").write_text("{broken", encoding="utf-8")
    assert load(engine, tmp_path / "a.txt").loaded == 1
    with engine.connect() as connection:
        [warning] = connection.execute(select(LoadWarning.warning)).scalars().all()
    assert warning.startswith("sidecar a.json ignored")


def test_a_reload_of_an_unchanged_container_skips_every_record(engine, tmp_path):
    export = write_jsonl(tmp_path / "a.jsonl.gz", seed_rows())
    load(engine, export)
    summary = load(engine, export)
    assert (summary.loaded, summary.refreshed, summary.skipped) == (0, 0, 5)


def undated_claims_of(engine: Engine, path: str | None = None) -> int:
    """Claims (of the document at `path`, or of all) whose period has no year because their
    article has no date (etl.dating)."""
    query = select(Indicator.period_label).join(Document)
    if path is not None:
        query = query.where(Document.path == path)
    with engine.connect() as connection:
        labels = connection.execute(query).scalars().all()
    return sum(UNDATED in label for label in labels)


def test_a_file_that_gains_a_date_in_its_manifest_is_derived_again_with_its_periods_placed(
    engine, tmp_path
):
    folder = folder_with_manifest(tmp_path, [{"file": "0.txt", "url": "http://a.cn/0"}])
    load(engine, folder / "0.txt")
    assert undated_claims_of(engine) > 0  # 去年 of no year
    write_csv(folder / "manifest.csv", [{"file": "0.txt", "published": "2014-03-02"}])
    summary = load(engine, folder / "0.txt")
    assert summary.loaded == 1
    with engine.connect() as connection:
        [row] = connection.execute(select(Document.published_on, Document.date_source)).all()
    assert tuple(row) == (dt.date(2014, 3, 2), "manifest")
    assert undated_claims_of(engine) == 0


def test_refresh_derives_a_record_again_with_what_its_collection_said(engine, tmp_path):
    export = write_jsonl(
        tmp_path / "a.jsonl",
        [{"text": seed_text(UNDATED_SEED), "date": "2014-03-02", "url": "http://a.cn/1"}],
    )
    load(engine, export)
    export.unlink()
    with engine.begin() as connection:
        connection.execute(update(Document).values(pipeline_version="older"))
    assert refresh_documents(engine).refreshed == 1
    with engine.connect() as connection:
        row = connection.execute(
            select(Document.published_on, Document.date_source, Document.url)
        ).one()
    assert tuple(row) == (dt.date(2014, 3, 2), "record", "http://a.cn/1")


def test_records_built_in_two_processes_are_the_documents_one_process_builds(tmp_path):
    export = write_jsonl(tmp_path / "a.jsonl", seed_rows())
    one, two = fresh_engine(tmp_path / "one.sqlite"), fresh_engine(tmp_path / "two.sqlite")
    load(one, export, jobs=1)
    load(two, export, jobs=2)
    assert documents(one) == documents(two)


def test_each_document_done_advances_the_progress_to_where_its_reading_stood(engine, tmp_path):
    export = write_jsonl(tmp_path / "a.jsonl.gz", seed_rows())
    archive = write_warc(tmp_path / "b.warc.gz", [("http://a.cn/1", "text/html", b"<p>x</p>")])
    (tmp_path / "c.txt").write_text(seed_text(1), encoding="utf-8")
    options = CollectionOptions(progress=ReadProgress(per_document=True))
    done: list[int] = []

    def seen(outcome: str, _characters: int) -> None:
        if outcome != FINISHING:
            done.append(options.progress.document_done())

    files = [export, archive, tmp_path / "c.txt"]
    summary = load(engine, *files, collections=options, on_progress=seen)
    total = sum(path.stat().st_size for path in files)
    assert len(done) == summary.loaded + summary.failed == 7  # five records, a page, a file
    assert done == sorted(done)  # it only grows
    assert done[4] <= export.stat().st_size < done[5]  # the export's five records, then the rest
    assert done[-1] == options.progress.bytes_read == total


def pingan(*args) -> Result:
    return CliRunner().invoke(cli, [str(arg) for arg in args])


def test_pingan_load_takes_a_manifest_and_named_columns(db_path, tmp_path):
    folder = folder_with_manifest(tmp_path, [])
    listing = write_csv(tmp_path / "list.csv", [{"file": "crawl/2.txt", "date": "2014-03-02"}])
    export = write_csv(tmp_path / "a.csv", [{"正文": seed_text(1), "链接": "http://a.cn/1"}])
    result = pingan(
        "load", "--db", db_path, "--jobs", 1, "--manifest", listing,
        "--columns", "text=正文,url=链接", folder / "2.txt", export,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    engine = db.make_engine(db.database_url(db_path))
    with engine.connect() as connection:
        rows = connection.execute(
            select(Document.path, Document.date_source, Document.url).order_by(Document.path)
        ).all()
    engine.dispose()
    assert rows == [("2.txt", "manifest", None), ("a.csv#1", "none", "http://a.cn/1")]
    assert pingan("check", "--db", db_path).exit_code == 0


def test_pingan_refresh_with_a_later_manifest_dates_documents_whose_files_are_gone(
    db_path, tmp_path
):
    folder = folder_with_manifest(tmp_path, [])
    assert pingan("load", "--db", db_path, "--jobs", 1, folder).exit_code == 0
    for article in folder.glob("*.txt"):
        article.unlink()
    later = write_csv(folder / "manifest.csv", [{"file": "0.txt", "published": "2014-03-02"}])
    result = pingan("refresh", "--db", db_path, "--jobs", 1, "--manifest", later)
    assert result.exit_code == 0, result.output
    assert "1 documents take what manifest.csv says" in result.output
    engine = db.make_engine(db.database_url(db_path))
    with engine.connect() as connection:
        dated = connection.execute(
            select(Document.path, Document.published_on, Document.date_source).where(
                Document.date_source == "manifest"
            )
        ).all()
    assert dated == [("crawl/0.txt", dt.date(2014, 3, 2), "manifest")]
    assert undated_claims_of(engine, "crawl/0.txt") == 0
    engine.dispose()


def test_a_sidecar_written_after_a_load_dates_its_file_at_the_next_load(engine, tmp_path):
    (tmp_path / "a.txt").write_text(seed_text(UNDATED_SEED), encoding="utf-8")
    load(engine, tmp_path / "a.txt")
    (tmp_path / "a.json").write_text(json.dumps({"date": "2014-03-02"}), encoding="utf-8")
    assert load(engine, tmp_path / "a.txt").loaded == 1
    with engine.connect() as connection:
        [row] = connection.execute(select(Document.published_on, Document.date_source)).all()
    assert tuple(row) == (dt.date(2014, 3, 2), "sidecar")


def test_the_collections_benchmark_loads_the_corpus_as_an_export_and_an_archive(tmp_path):
    """`bench/run.py --collections` end to end on 6 documents: the export holds the very
    documents the corpus generator writes as files, and every load lands in the results."""
    results, work = tmp_path / "RESULTS.md", tmp_path / "work"
    command = [sys.executable, str(ROOT / "bench" / "run.py"), "--collections", "--docs", "6"]
    run = subprocess.run(
        [*command, "--workdir", str(work), "--out", str(results)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    text = results.read_text(encoding="utf-8")
    assert "6 files seen, 6 loaded" in text  # the documents as files
    assert "1 files seen, 6 loaded" in text  # the export, one and two processes
    assert "1 files seen, 0 loaded, 0 refreshed, 6 skipped" in text  # the unchanged re-run
    assert "1 files seen, 1 loaded" in text  # the archive of a tenth as many pages (one)
    assert " 0 failed" in text and not re.search(r"[1-9]\d* failed", text)

    def texts(database: str) -> list[str]:
        with sqlite3.connect(work / database) as connection:
            return sorted(row[0] for row in connection.execute("SELECT text FROM documents"))

    assert texts("jsonl.sqlite") == texts("files.sqlite")


def test_an_export_s_html_field_is_read_as_the_page_it_is(engine, tmp_path):
    page = as_page(seed_text(2))
    (tmp_path / "page.html").write_bytes(page)
    export = write_jsonl(
        tmp_path / "a.jsonl", [{"html": page.decode("utf-8"), "url": "http://a.cn/2.html"}]
    )
    load(engine, tmp_path / "page.html", export)
    with engine.connect() as connection:
        rows = connection.execute(select(Document.path, Document.text).order_by(Document.id)).all()
    assert [path for path, _ in rows] == ["page.html", "a.jsonl#1"]
    assert rows[0].text == rows[1].text


def test_a_record_moved_by_an_insertion_is_the_same_document_under_its_new_path(engine, tmp_path):
    rows = seed_rows()
    export = write_jsonl(tmp_path / "a.jsonl", rows[1:3])
    load(engine, export)
    write_jsonl(export, rows[0:3])  # a record inserted at the top: the others move down
    summary = load(engine, export)
    assert (summary.loaded, summary.skipped) == (1, 2)
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(Document)).scalar_one() == 3
        for number, row in enumerate(rows[0:3], start=1):
            held = connection.execute(
                select(Document.original_text)
                .join(DocumentPath)
                .where(DocumentPath.path == f"a.jsonl#{number}")
            ).scalars()
            assert row["text"] in list(held)


def test_a_second_capture_of_a_page_is_the_same_document(engine, tmp_path):
    page = as_page(seed_text(2))
    first = write_warc(tmp_path / "a.warc.gz", [("http://a.cn/2.html", "text/html", page)])
    second = write_warc(tmp_path / "b.warc.gz", [("http://a.cn/2.html", "text/html", page)])
    assert load(engine, first).loaded == 1
    assert load(engine, second).skipped == 1
