"""The `pingan` command, run through click's runner against real database files."""

import gc
import re

import pytest
from click.testing import CliRunner

from etl.cli import cli
from tests.conftest import SEEDS

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
