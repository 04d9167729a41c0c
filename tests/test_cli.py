"""The `pingan` command, run through click's runner against real database files."""

import csv
import gc
import io
import json
import re
import shutil
import sqlite3
import subprocess

import click
import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from etl import db
from etl.cli import cli
from etl.search import searched_forms
from tests.conftest import ROOT, SEEDS

COMMANDS = [
    "init",
    "load",
    "refresh",
    "serve",
    "status",
    "upgrade",
    "downgrade",
    "history",
    "check",
    "backup",
    "copy",
    "search",
]


@pytest.fixture
def run():
    runner = CliRunner()
    return lambda *args, **kw: runner.invoke(cli, [str(a) for a in args], **kw)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_documented(run, command):
    top = run("--help")
    assert command in top.output
    result = run(command, "--help")
    assert result.exit_code == 0
    assert len(result.output.splitlines()) > 3


def test_load_then_status(run, db_path):
    result = run("load", "--db", db_path, SEEDS)
    assert result.exit_code == 0, result.output
    assert re.search(r"5 loaded, 0 refreshed, 0 skipped.*0 failed", result.output)
    status = run("status", "--db", db_path)
    assert re.search(r"documents\s+5\b", status.output)
    assert "up to date" in status.output


def test_a_load_gives_the_process_its_garbage_collector_back_as_it_was(run, db_path):
    """A load tunes the collector for a batch job (etl.cli); a process that goes on after it,
    such as this test run, must not keep those settings nor the frozen objects."""
    before = (gc.get_threshold(), gc.get_freeze_count())
    result = run("load", "--db", db_path, SEEDS)
    assert result.exit_code == 0, result.output
    assert (gc.get_threshold(), gc.get_freeze_count()) == before


def test_db_is_read_from_environment(run, db_path):
    result = run("init", env={"PINGAN_DB": str(db_path)})
    assert result.exit_code == 0, result.output
    assert db_path.exists()


def test_load_exits_1_when_a_file_fails(run, db_path, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"   \n\t \n")
    result = run("load", "--db", db_path, SEEDS, bad)
    assert result.exit_code == 1
    assert re.search(r"5 loaded, 0 refreshed, 0 skipped.*1 failed", result.output)


def test_evaluate_scores_the_loaded_seeds_against_the_gold(run, seeded_db_path):
    """The whole ETL, scored on the hand-built gold: a regression guard for the extractor."""
    gold = SEEDS.parent / "bench" / "gold" / "seed_indicators.csv"
    result = run("evaluate", "--db", seeded_db_path, gold)
    assert result.exit_code == 0, result.output
    recall, precision = map(
        float, re.search(r"recall ([\d.]+)  precision ([\d.]+)", result.output).groups()
    )
    assert recall >= 0.95 and precision >= 0.95
    # Like with like: the targets for the metric codes, from the gold's concepts.
    pair_precision, pair_recall, coverage = map(
        float,
        re.search(
            r"pair precision ([\d.]+) .*pair recall ([\d.]+) .*coverage ([\d.]+)", result.output
        ).groups(),
    )
    assert pair_precision >= 0.9 and pair_recall >= 0.7 and coverage >= 0.85, result.output


def test_evaluate_lists_unmapped_claims_among_its_errors(run, seeded_db_path):
    gold = SEEDS.parent / "bench" / "gold" / "seed_indicators.csv"
    result = run("evaluate", "--db", seeded_db_path, gold, "--errors")
    assert result.exit_code == 0, result.output
    assert "unmapped: 000_fbda36688ec5e78f.txt administrative_units | 27个社区" in result.output


def test_every_option_is_in_the_readme():
    """Like sqlite-utils: a reader finds every option of every command in the README."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## The command line") : readme.index("## The site")]
    options = {
        option
        for name, command in cli.commands.items()
        for parameter in command.params
        if isinstance(parameter, click.Option)
        for option in parameter.opts
        if option.startswith("--") and option != "--help"
    }
    assert sorted(option for option in options if option not in section) == []


def hit_blocks(output: str) -> list[list[str]]:
    """`pingan search`'s hits: blocks of lines (heading, then the snippet) between blank lines."""
    return [block.splitlines() for block in output.strip().split("\n\n")]


@pytest.mark.parametrize("columns", [80, 40])
def test_search_shows_the_match_within_the_terminal_width(run, seeded_db_path, columns):
    query = "视频监控"
    result = run("search", "--db", seeded_db_path, query, env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    found = int(re.search(r"(\d+) paragraphs found", result.stderr)[1])
    blocks = hit_blocks(result.stdout)
    assert found > 2 and len(blocks) == found
    for heading, *snippet in blocks:
        assert re.match(r"\d+\. \w+市( \d{4}-\d\d-\d\d)?  \w", heading)
        assert all(cell_len(line) <= columns for line in [heading, *snippet])
        assert 1 <= len(snippet) <= 3
        assert any(form in "".join(snippet) for form in searched_forms(query)[0])


def test_search_as_json_and_as_csv_gives_the_hits_of_the_library(run, seeded_db_path):
    from etl.search import search_paragraphs

    with db.make_engine(db.database_url(seeded_db_path)).connect() as connection:
        expected = [hit.id for hit in search_paragraphs(connection, "网格", limit=7)]
    as_json = run("search", "--db", seeded_db_path, "--limit", 7, "--json", "网格")
    as_csv = run("search", "--db", seeded_db_path, "--limit", 7, "--csv", "网格")
    assert as_json.exit_code == as_csv.exit_code == 0, as_json.output + as_csv.output
    hits = json.loads(as_json.stdout)
    assert as_csv.stdout.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout.removeprefix("\ufeff"))))
    assert [hit["id"] for hit in hits] == [int(row["id"]) for row in rows] == expected
    assert all("<mark>网格</mark>" in hit["snippet"] and hit["title"] for hit in hits)
    assert [row["text"] for row in rows] == [hit["text"] for hit in hits]
    metric = run("search", "--db", seeded_db_path, "网格员")
    assert "searched for 网格员 or 网格管理员 or " in metric.stderr


def test_load_lists_each_failed_file_with_its_reason_up_to_a_limit(run, db_path, tmp_path):
    from etl.cli import FAILURES_LISTED

    folder = tmp_path / "empty files"
    folder.mkdir()
    for number in range(FAILURES_LISTED + 3):
        (folder / f"{number:02}.txt").write_bytes(b" " * number + b"\n")  # bytes of its own
    result = run("load", "--db", db_path, "--jobs", 1, folder)
    assert result.exit_code == 1
    listed = re.findall(r"^failed: (.+?): (.+)$", result.stderr, re.MULTILINE)
    assert len(listed) == FAILURES_LISTED
    assert all(path.startswith("empty files/") and reason for path, reason in listed)
    assert "... and 3 more" in result.stderr


def test_load_refuses_a_missing_path_before_a_run_starts(run, db_path, tmp_path):
    assert run("init", "--db", db_path).exit_code == 0
    result = run("load", "--db", db_path, SEEDS, tmp_path / "no such folder")
    assert result.exit_code == 2
    assert "no such folder" in result.output and "does not exist" in result.output
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("SELECT count(*) FROM etl_runs").fetchone() == (0,)


def test_load_records_paths_relative_to_what_was_named(run, db_path, tmp_path, monkeypatch):
    """Not the loader's directory (the site publishes paths); the same from any directory."""
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus / "seeds")
    (corpus / "single.txt").write_bytes((SEEDS / "001_8c17534d86b76211.txt").read_bytes() + b"x")
    result = run("load", "--db", db_path, corpus / "seeds", corpus / "single.txt")
    assert result.exit_code == 0, result.output
    monkeypatch.chdir(corpus)
    again = run("load", "--db", db_path, "seeds", "single.txt")
    assert re.search(r"0 loaded, 0 refreshed, 6 skipped", again.output), again.output
    with sqlite3.connect(db_path) as connection:
        paths = [row[0] for row in connection.execute("SELECT path FROM document_paths")]
        documents = [row[0] for row in connection.execute("SELECT path FROM documents")]
    expected = {f"seeds/{seed.name}" for seed in SEEDS.glob("*.txt")} | {"single.txt"}
    assert sorted(paths) == sorted(documents) == sorted(expected)


def test_downgrade_minus_one_as_the_readme_writes_it(run, db_path):
    assert run("init", "--db", db_path).exit_code == 0
    head = db.script_directory().get_revision(db.head_revision())
    result = run("downgrade", "--db", db_path, "-1")
    assert result.exit_code == 0, result.output
    assert f"now at revision {head.down_revision}" in result.output


def test_the_load_lock_is_ignored_by_git(db_path):
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    lock = db.default_db().with_name(db.default_db().name + ".load-lock")
    ignored = subprocess.run(["git", "check-ignore", "-q", str(lock)], cwd=ROOT, check=False)
    assert ignored.returncode == 0
