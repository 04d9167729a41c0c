"""`pingan check` finds each kind of damage, and `pingan backup` copies a live database."""

import sqlite3

import pytest
from click.testing import CliRunner

from etl.cli import cli

# damage done to a copy of the loaded seeds -> the check that must report it
DAMAGE = [
    ("UPDATE paragraphs SET text = text || '!' WHERE id = 3", "paragraph_offsets"),
    ("DELETE FROM paragraphs WHERE id = (SELECT max(id) FROM paragraphs)", "half_loaded_documents"),
    ("DELETE FROM document_paths WHERE document_id = 2", "documents_without_path"),
    (
        "UPDATE indicators SET period_end = NULL"
        " WHERE id = (SELECT min(id) FROM indicators WHERE period_end IS NOT NULL)",
        "half_dated_indicators",
    ),
    (
        "PRAGMA foreign_keys = OFF; INSERT INTO paragraphs (document_id, position, text, kind)"
        " VALUES (999, 0, 'orphan', 'body')",
        "foreign_keys",
    ),
    (
        "DROP TRIGGER paragraphs_au; UPDATE paragraphs SET tokens = 'stale tokens' WHERE id = 4",
        "fulltext_in_step",
    ),
    ("DROP TABLE metric_synonyms; DROP TABLE metrics", "view_readable"),
    ("UPDATE indicators SET quote = quote || '。' WHERE id = 5", "indicator_quotes"),
    ("UPDATE indicators SET quote_normalised = 'x' WHERE id = 6", "indicator_quotes"),
    (
        "UPDATE indicators SET period_resolved = 0"
        " WHERE id = (SELECT min(id) FROM indicators WHERE period_start IS NOT NULL)",
        "contradicted_periods",
    ),
]


@pytest.fixture
def copy_of_seeds(seeded_db_path, tmp_path):
    out = tmp_path / "copy.sqlite"
    result = CliRunner().invoke(cli, ["backup", "--db", str(seeded_db_path), str(out)])
    assert result.exit_code == 0, result.output
    return out


def run_check(path):
    return CliRunner().invoke(cli, ["check", "--db", str(path)])


def test_a_clean_database_passes(copy_of_seeds):
    result = run_check(copy_of_seeds)
    assert result.exit_code == 0, result.output
    assert "no problems" in result.output


@pytest.mark.parametrize("damage, check", DAMAGE, ids=[c for _, c in DAMAGE])
def test_check_reports_the_damage(copy_of_seeds, damage, check):
    connection = sqlite3.connect(copy_of_seeds)
    connection.executescript(damage)
    connection.close()
    result = run_check(copy_of_seeds)
    assert result.exit_code == 1
    assert f"{check}:" in result.output


def test_backup_is_a_complete_copy(seeded_db_path, copy_of_seeds):
    def tables(path):
        connection = sqlite3.connect(path)
        names = [
            r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        counts = {n: connection.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
        connection.close()
        return counts

    assert tables(copy_of_seeds) == tables(seeded_db_path)


def test_backup_refuses_to_overwrite(seeded_db_path, copy_of_seeds):
    result = CliRunner().invoke(cli, ["backup", "--db", str(seeded_db_path), str(copy_of_seeds)])
    assert result.exit_code != 0
    assert "exists" in result.output
