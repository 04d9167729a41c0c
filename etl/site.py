"""The Datasette site: one function builds it, for `pingan serve` and for the tests alike.

`db/metadata.yaml` says how the site looks; `sql/schema.yaml` describes every table, view and
column (a column once by its name, and again only where a table means another thing by it);
`sql/queries/*.sql` are the canned queries (their header comment gives title and description).
This module merges the three, so nothing is described twice. `db/templates/`
holds the one template the site overrides.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Mapping
from itertools import takewhile
from pathlib import Path

import yaml
from datasette.app import Datasette

from etl.db import SITE_DIR, SQL_DIR

TEMPLATES_DIR = SITE_DIR / "templates"
SCHEMA_FILE = SQL_DIR / "schema.yaml"
QUERIES_DIR = SQL_DIR / "queries"
CONFIG_DATABASE_NAME = "pingan"


def read_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def canned_query(path: Path) -> dict:
    """A canned query from its file: `-- name: Title`, then `--` lines describing it to a reader,
    then SQL. A bare `--` line ends the description: notes for developers may follow it."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = [line[2:].strip() for line in lines if line.startswith("--")]
    described = list(takewhile(bool, header[1:]))
    sql = "\n".join(line for line in lines if not line.startswith("--")).strip()
    title = re.sub(rf"^{re.escape(path.stem)}:\s*", "", header[0]) if header else path.stem
    # A reader sees the form and the rows first; the SQL is a click away ("show").
    return {"title": title, "description": " ".join(described), "sql": sql, "hide_sql": True}


def site_metadata(
    database_name: str = CONFIG_DATABASE_NAME, columns: Mapping[str, list[str]] | None = None
) -> dict:
    """Datasette metadata for a database file whose name (its stem) is `database_name`, with
    the descriptions of its tables' `columns` (`database_columns`)."""
    metadata = read_yaml(SITE_DIR / "metadata.yaml")
    database = metadata.setdefault("databases", {}).pop(CONFIG_DATABASE_NAME, {})
    tables = database.setdefault("tables", {})
    schema = read_yaml(SCHEMA_FILE)
    for table, described in schema["tables"].items():
        shown = tables.setdefault(table, {})
        shown["description"] = described["description"]
        shown["columns"] = described_columns(schema, table, (columns or {}).get(table, []))
    database["queries"] = {p.stem: canned_query(p) for p in sorted(QUERIES_DIR.glob("*.sql"))}
    metadata["databases"][database_name] = database
    for dashboard in metadata.get("plugins", {}).get("datasette-dashboards", {}).values():
        for chart in dashboard.get("charts", {}).values():
            if chart.get("db") == CONFIG_DATABASE_NAME:
                chart["db"] = database_name
    return metadata


def described_columns(schema: dict, table: str, columns: list[str]) -> dict[str, str]:
    """Each column's description: its table's own words where the name means something else
    there, else the shared field's (sql/schema.yaml)."""
    own = schema["tables"].get(table, {}).get("columns", {})
    described = {column: own.get(column) or schema["fields"].get(column) for column in columns}
    return {column: words for column, words in described.items() if words}


def database_columns(db_path: Path) -> dict[str, list[str]]:
    """Every table's and view's columns in a SQLite file, read without writing to it."""
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        names = connection.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
        ).fetchall()
        return {
            name: [row[1] for row in connection.execute(f'PRAGMA table_info("{name}")')]
            for (name,) in names
        }
    finally:
        connection.close()


def site_settings() -> dict:
    return json.loads((SITE_DIR / "settings.json").read_text(encoding="utf-8"))


def make_datasette(db_path: Path) -> Datasette:
    return Datasette(
        files=[str(db_path)],
        metadata=site_metadata(Path(db_path).stem, database_columns(Path(db_path))),
        settings=site_settings(),
        template_dir=str(TEMPLATES_DIR),
    )
