"""Loading: the seeds arrive whole, re-loads add nothing, a bad file is recorded, stops nothing."""

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select, text, update

from etl import plan, writer
from etl.fingerprint import pipeline_version
from etl.load import FINISHING, load_files, refresh_documents
from etl.models import Document, DocumentPath, EtlRun, LoadError, Paragraph
from etl.plan import Known
from etl.read import SourceFile, find_article_files
from etl.views import refresh_materialised
from etl.writer import Written
from tests.conftest import SEEDS

pytestmark = pytest.mark.slow


def count(engine, model) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(model)).scalar_one()


def seed_files():
    return list(find_article_files([SEEDS]))


def test_seeds_load_as_five_documents_with_paragraphs(engine):
    summary = load_files(engine, seed_files())
    assert (summary.loaded, summary.skipped, summary.failed) == (5, 0, 0)
    assert count(engine, Document) == 5
    with engine.connect() as connection:
        per_document = connection.execute(
            select(Paragraph.document_id, func.count()).group_by(Paragraph.document_id)
        ).all()
    assert len(per_document) == 5
    assert all(n >= 5 for _, n in per_document)


def test_paragraphs_are_the_document_text_in_order(engine):
    load_files(engine, seed_files())
    with engine.connect() as connection:
        for document_id, text in connection.execute(select(Document.id, Document.text)):
            paragraphs = connection.execute(
                select(Paragraph.text)
                .where(Paragraph.document_id == document_id)
                .order_by(Paragraph.position)
            ).scalars()
            assert "\n".join(paragraphs) == text


def test_second_load_adds_nothing(engine):
    load_files(engine, seed_files())
    paragraphs = count(engine, Paragraph)
    summary = load_files(engine, seed_files())
    assert (summary.loaded, summary.skipped, summary.failed) == (0, 5, 0)
    assert count(engine, Document) == 5
    assert count(engine, Paragraph) == paragraphs
    assert count(engine, EtlRun) == 2


@pytest.mark.parametrize(("lookup_files", "batch_documents"), [(1, 1), (2, 1), (1, 50), (500, 50)])
def test_files_looked_up_a_chunk_at_a_time_load_as_if_known_at_once(
    engine, tmp_path, monkeypatch, lookup_files, batch_documents
):
    """The database is asked about a chunk of files at a time. Copies of the same bytes, in the
    same chunk or a later one, while the first is being built or after it was committed, are
    one document with every path; a path named twice is one file."""
    monkeypatch.setattr(plan, "LOOKUP_FILES", lookup_files)
    monkeypatch.setattr(writer, "BATCH_DOCUMENTS", batch_documents)
    seeds = seed_files()
    files = []
    for name, seed in [("a", 0), ("b", 1), ("c", 0), ("d", 2), ("e", 1), ("f", 0)]:
        files.append(tmp_path / f"{name}.txt")
        files[-1].write_bytes(seeds[seed].read_bytes())
    first = load_files(engine, [*files, files[0]])
    assert (first.files_seen, first.loaded, first.skipped, first.failed) == (6, 3, 3, 0)
    again = load_files(engine, [files[5], *files])
    assert (again.files_seen, again.loaded, again.skipped) == (6, 0, 6)
    with engine.connect() as connection:
        paths = connection.execute(
            select(Document.sha256, DocumentPath.path)
            .join(DocumentPath)
            .order_by(DocumentPath.path)
        ).all()
    assert [path for _, path in paths] == [str(file) for file in files]
    by_path = dict((path, sha) for sha, path in paths)
    assert by_path[str(files[0])] == by_path[str(files[2])] == by_path[str(files[5])]
    assert by_path[str(files[1])] == by_path[str(files[4])] != by_path[str(files[0])]
    assert count(engine, Document) == 3


def test_files_are_looked_up_in_chunks_bounded_by_count_and_by_bytes(monkeypatch):
    """A chunk's bytes are held until its files are built: large files make smaller chunks."""
    monkeypatch.setattr(plan, "LOOKUP_FILES", 3)
    monkeypatch.setattr(plan, "LOOKUP_BYTES", 10)
    sources = [
        SourceFile(f"{i}.txt", b"x" * size, str(i)) for i, size in enumerate([1, 1, 1, 1, 9, 1, 4])
    ]
    chunks = [[len(source.data) for source in chunk] for chunk in plan.lookup_chunks(sources)]
    assert chunks == [[1, 1, 1], [1, 9], [1, 4]]


def test_known_forgets_committed_documents_at_the_next_look_up(engine):
    """What the database holds is asked again, not kept: memory stays flat as the corpus grows."""
    known = Known(in_run={"built": (0, "v"), "building": (0, "v")})
    known.record(Written("loaded", document_id=1, sha256="built", pipeline_version="v"))
    assert known.document("built") == (1, "v")
    with engine.connect() as connection:
        known.look_up(connection, [])
    assert known.in_run == {"building": (0, "v")}
    assert known.document("built") is None  # not in this (empty) database


def test_bad_file_is_recorded_and_does_not_stop_the_others(engine, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    (corpus / "broken.txt").write_bytes(b"\x00\x01\x02\xff\xfe binary garbage \xff")
    (corpus / "empty.txt").write_bytes(b"")
    summary = load_files(engine, list(find_article_files([corpus])))
    assert (summary.loaded, summary.failed) == (5, 2)
    assert count(engine, Document) == 5
    with engine.connect() as connection:
        errors = dict(connection.execute(select(LoadError.path, LoadError.error)).all())
    assert set(errors) == {str(corpus / "broken.txt"), str(corpus / "empty.txt")}
    assert all(reason.strip() for reason in errors.values())
    assert "empty" in errors[str(corpus / "empty.txt")]


def test_folders_are_walked_for_article_files_only(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "x.txt").write_text("平安")
    (tmp_path / "a" / "y.html").write_text("<p>平安</p>")
    (tmp_path / "a" / "notes.md").write_text("not an article")
    found = [p.relative_to(tmp_path).as_posix() for p in find_article_files([tmp_path])]
    assert found == ["a/y.html", "a/b/x.txt"]


def test_same_bytes_under_a_second_path_are_one_document_with_both_paths(engine, tmp_path):
    first, second = tmp_path / "a.txt", tmp_path / "copy of a.txt"
    data = (SEEDS / "002_4d1602843caf5288.txt").read_bytes()
    first.write_bytes(data)
    second.write_bytes(data)
    summary = load_files(engine, [first, second])
    assert (summary.loaded, summary.skipped) == (1, 1)
    with engine.connect() as connection:
        paths = connection.execute(select(DocumentPath.path).order_by(DocumentPath.path)).scalars()
        assert list(paths) == [str(first), str(second)]
    assert count(engine, Document) == 1


def test_changed_file_replaces_its_old_version_and_everything_derived(engine, tmp_path):
    article = tmp_path / "article.txt"
    article.write_bytes((SEEDS / "002_4d1602843caf5288.txt").read_bytes())
    load_files(engine, [article])
    article.write_bytes((SEEDS / "001_8c17534d86b76211.txt").read_bytes())
    summary = load_files(engine, [article])
    assert summary.loaded == 1
    with engine.connect() as connection:
        titles = connection.execute(select(Document.title)).scalars().all()
        orphans = connection.execute(
            select(func.count())
            .select_from(Paragraph)
            .where(Paragraph.document_id.not_in(select(Document.id)))
        ).scalar_one()
    assert titles == ["酒泉市全力推进更高水平的平安酒泉建设"]
    assert orphans == 0
    with engine.connect() as connection:
        expected = connection.execute(select(Document.paragraph_count)).scalar_one()
    assert count(engine, Paragraph) == expected > 10


def test_parallel_load_writes_the_same_rows_as_one_process(tmp_path):
    from etl import db

    rows = []
    for jobs in (1, 2):
        engine = db.make_engine(db.database_url(tmp_path / f"jobs{jobs}.sqlite"))
        db.upgrade(engine)
        assert load_files(engine, seed_files(), jobs=jobs).loaded == 5
        with engine.connect() as connection:
            rows.append(
                connection.execute(
                    select(Document.sha256, Paragraph.position, Paragraph.text)
                    .join(Paragraph)
                    .order_by(Document.sha256, Paragraph.position)
                ).all()
            )
        engine.dispose()
    assert rows[0] == rows[1]


def test_a_second_load_while_one_runs_stops_with_a_clear_message(engine, db_path):
    from click.testing import CliRunner

    from etl import db
    from etl.cli import cli

    with db.exclusive_writer(engine):
        result = CliRunner().invoke(cli, ["load", "--db", str(db_path), str(SEEDS)])
    assert result.exit_code == 2
    assert "another pingan load is writing" in result.output
    assert count(engine, Document) == 0


def stale(engine) -> None:
    """Pretend an older pipeline built every document (as after an upgrade of the rules)."""
    with engine.begin() as connection:
        connection.execute(update(Document).values(pipeline_version="older", keywords=None))


def test_documents_built_by_an_older_pipeline_are_derived_again_keeping_their_ids(engine):
    load_files(engine, seed_files())
    with engine.connect() as connection:
        before = connection.execute(
            select(Document.id, Document.sha256).order_by(Document.id)
        ).all()
    stale(engine)
    summary = load_files(engine, seed_files())
    assert (summary.refreshed, summary.loaded, summary.skipped) == (5, 0, 0)
    with engine.connect() as connection:
        after = connection.execute(select(Document.id, Document.sha256).order_by(Document.id)).all()
        versions = set(connection.execute(select(Document.pipeline_version)).scalars())
        keywords = connection.execute(select(Document.keywords)).scalars().all()
    assert after == before
    assert versions == {pipeline_version()}
    assert all(keywords)
    assert load_files(engine, seed_files()).skipped == 5


def test_refresh_needs_no_source_files_and_gives_the_same_rows(engine, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    load_files(engine, list(find_article_files([corpus])))

    def content():
        with engine.connect() as connection:
            return connection.execute(
                select(Document.title, Document.encoding, Paragraph.text, Paragraph.tokens)
                .join(Paragraph)
                .order_by(Paragraph.id)
            ).all()

    before = content()
    stale(engine)
    shutil.rmtree(corpus)
    summary = refresh_documents(engine)
    assert (summary.refreshed, summary.failed) == (5, 0)
    assert content() == before


def test_a_document_the_database_refuses_fails_alone_and_its_batch_still_loads(engine, tmp_path):
    """Documents are written in batches, one transaction each: a document refused mid-batch
    (here by a trigger, as a constraint would) is recorded, and the rest of its batch loads."""
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    refused = sorted(corpus.iterdir())[2]
    with engine.begin() as connection:
        connection.exec_driver_sql(
            f"CREATE TRIGGER refuse BEFORE INSERT ON paragraphs WHEN NEW.document_id = ("
            f"SELECT document_id FROM document_paths WHERE path = '{refused}')"
            " BEGIN SELECT RAISE(ABORT, 'no paragraphs for this one'); END"
        )
    summary = load_files(engine, sorted(corpus.iterdir()))
    assert (summary.loaded, summary.failed) == (4, 1)
    with engine.connect() as connection:
        errors = connection.execute(select(LoadError.path, LoadError.error)).all()
        paths = set(connection.execute(select(DocumentPath.path)).scalars())
        orphans = connection.execute(
            select(func.count())
            .select_from(Document)
            .where(~select(Paragraph.id).where(Paragraph.document_id == Document.id).exists())
        ).scalar_one()
    assert [path for path, _ in errors] == [str(refused)]
    assert "the database refused it" in errors[0][1] and "no paragraphs" in errors[0][1]
    assert paths == {str(p) for p in corpus.iterdir()} - {str(refused)}
    assert orphans == 0
    assert count(engine, Paragraph) > 0


MATERIALISED = (
    "comparable_claims",
    "metric_comparison",
    "metric_family_comparison",
    "city_scorecard",
    "claim_conflicts",
)
METRIC_COMPARISON_CITY = 2  # metric, metric_name_zh, city, ...


def materialised_rows(engine) -> dict[str, list[tuple]]:
    with engine.connect() as connection:
        return {
            name: sorted(map(tuple, connection.execute(text(f'SELECT * FROM "{name}"'))), key=repr)
            for name in MATERIALISED
        }


def test_a_load_refills_the_comparisons_of_the_cities_it_touched_as_a_full_refill_would(
    engine, tmp_path
):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    jinzhong = (SEEDS / "004_f2ba3c753fc53041.txt").read_bytes()
    for number in range(20):  # so that two documents are a small load, refilled city by city
        reprint = jinzhong + f"\n第{number}次转载。\n".encode()
        (corpus / f"reprint-{number:02}.txt").write_bytes(reprint)
    load_files(engine, list(find_article_files([corpus])))
    before = materialised_rows(engine)
    # 临夏's file now holds 汕头's article (a new version of the path), and 贵阳's article was
    # built by an older pipeline: both cities of the first, and the third, must be refilled.
    shantou = (SEEDS / "003_80641e2bde794d19.txt").read_bytes()
    (corpus / "000_fbda36688ec5e78f.txt").write_bytes(shantou + "\n补记。\n".encode())
    with engine.begin() as connection:
        connection.execute(
            update(Document)
            .where(Document.report_city == "贵阳市")
            .values(pipeline_version="older")
        )
    summary = load_files(engine, list(find_article_files([corpus])))
    assert (summary.loaded, summary.refreshed) == (1, 1)
    after = materialised_rows(engine)
    with engine.begin() as connection:
        refresh_materialised(connection)
    assert materialised_rows(engine) == after
    assert after != before
    city = METRIC_COMPARISON_CITY
    assert "临夏市" in {row[city] for row in before["metric_comparison"]}
    assert "临夏市" not in {row[city] for row in after["metric_comparison"]}


def fulltext_segments(engine) -> int:
    """Segments in the FTS5 index, from its structure record (row 10 of the _data table): a
    4-byte cookie, then the number of levels and the number of segments, as varints."""
    with engine.connect() as connection:
        block = connection.execute(
            text("SELECT block FROM paragraphs_fts_data WHERE id = 10")
        ).scalar_one()
    numbers, value = [], 0
    for byte in block[4:]:
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            numbers.append(value)
            value = 0
            if len(numbers) == 2:
                return numbers[1]
    raise AssertionError("unreadable FTS5 structure record")


def reprints_of_a_seed(folder: Path, count: int) -> list[Path]:
    """`count` files of one seed, each with a line of its own: that many documents."""
    seed = (SEEDS / "002_4d1602843caf5288.txt").read_bytes()
    reprints = []
    for number in range(count):
        reprint = folder / f"reprint-{number:02}.txt"
        reprint.write_bytes(seed + f"\n第{number}次转载。\n".encode())
        reprints.append(reprint)
    return reprints


def test_only_a_load_of_a_good_share_of_the_corpus_merges_the_fulltext_index(engine, tmp_path):
    reprints = reprints_of_a_seed(tmp_path, 13)
    load_files(engine, reprints[:6])
    load_files(engine, reprints[6:12])  # half of the corpus: merged into one segment
    assert fulltext_segments(engine) == 1
    load_files(engine, reprints[12:])  # 1 of 13 documents: a segment of its own, for automerge
    assert fulltext_segments(engine) == 2


def indicators_in_planner_statistics(engine) -> int | None:
    """The row count ANALYZE recorded for the indicators table (None before any ANALYZE)."""
    with engine.connect() as connection:
        if not connection.execute(
            text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        ).first():
            return None
        stat = connection.execute(
            text("SELECT stat FROM sqlite_stat1 WHERE idx = 'ix_indicators_document_metric'")
        ).scalar_one()
    return int(stat.split()[0])


def indicator_count(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM indicators")).scalar_one()


def test_only_a_load_of_a_good_share_of_the_corpus_updates_planner_statistics(engine, tmp_path):
    assert indicators_in_planner_statistics(engine) is None
    reprints = reprints_of_a_seed(tmp_path, 13)
    load_files(engine, reprints[:12])
    assert indicators_in_planner_statistics(engine) == indicator_count(engine) > 0
    load_files(engine, reprints[12:])  # 1 of 13 documents: the statistics stay as they were
    assert indicators_in_planner_statistics(engine) == indicator_count(engine) * 12 // 13


def test_progress_tells_each_file_then_the_finishing_step(engine):
    calls: list[tuple[str, int]] = []
    summary = load_files(engine, seed_files(), on_progress=lambda *call: calls.append(call))
    assert [outcome for outcome, _ in calls] == ["loaded"] * 5 + [FINISHING]
    assert sum(characters for _, characters in calls) == summary.characters > 0


def test_each_row_written_holds_what_the_pipeline_gave_under_the_column_names(engine):
    """The rows come from the models' columns (`writer.model_row`): every attribute of a built
    document, paragraph and claim that names a column arrives in it unchanged."""
    from dataclasses import fields

    from etl.models import Indicator
    from etl.pipeline import build_document
    from etl.read import read_source_file

    seed = next(path for path in seed_files() if "8c17534d" in str(path))
    built = build_document(read_source_file(seed))
    load_files(engine, [seed])
    with engine.connect() as connection:
        (document,) = connection.execute(select(Document)).mappings().all()
        paragraphs = connection.execute(select(Paragraph).order_by("position")).mappings().all()
        claims = connection.execute(select(Indicator).order_by("id")).mappings().all()
    assert built.indicators and len(claims) == len(built.indicators)

    def given(record) -> dict:
        return {f.name: getattr(record, f.name) for f in fields(record)}

    def stored(row, names) -> dict:
        return {name: row[name] for name in names}

    document_fields = given(built).keys() & document.keys() - {"keywords", "path"}
    assert stored(document, document_fields) == {k: given(built)[k] for k in document_fields}
    for row, paragraph in zip(paragraphs, built.paragraphs, strict=True):
        names = given(paragraph).keys() & row.keys()
        assert stored(row, names) == {k: given(paragraph)[k] for k in names}
    for row, found in zip(claims, built.indicators, strict=True):
        placed = {k: v for k, v in given(found).items() if k != "indicator"}
        claim = {**given(found.indicator), **placed}  # the pipeline's placing over the extractor's
        names = claim.keys() & row.keys()
        assert len(names) > 20
        assert stored(row, names) == {k: claim[k] for k in names}
        assert row["quote_normalised"] == found.indicator.quote


def test_a_column_that_nothing_gives_a_value_is_an_error_not_an_empty_value():
    from etl.models import DocumentPath

    row = writer.model_row(DocumentPath, object(), document_id=1, path="a.txt", run_id=1)
    assert row == {"document_id": 1, "path": "a.txt", "run_id": 1}  # the key is the database's
    with pytest.raises(TypeError, match="document_paths.run_id"):
        writer.model_row(DocumentPath, object(), document_id=1, path="a.txt")


def test_a_library_load_takes_the_lock_migrates_and_tunes_the_collector_as_the_command_does(
    tmp_path,
):
    import gc

    from etl import db

    engine = db.make_engine(db.database_url(tmp_path / "new.sqlite"))  # never migrated
    with db.exclusive_writer(engine), pytest.raises(db.LoadInProgress):
        load_files(engine, seed_files())
    threshold = gc.get_threshold()
    tuned = []
    summary = load_files(
        engine, seed_files(), on_progress=lambda *_: tuned.append(gc.get_threshold())
    )
    assert summary.loaded == 5
    assert db.current_revision(engine) == db.head_revision()
    assert set(tuned) == {(50_000, 20, 20)}
    assert gc.get_threshold() == threshold
    engine.dispose()
