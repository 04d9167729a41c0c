"""The Datasette site: one function builds it, for `pingan serve` and for the tests alike."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from datasette.app import Datasette

from etl.db import ROOT

SITE_DIR = ROOT / "db"
CONFIG_DATABASE_NAME = "pingan"


def site_metadata(database_name: str) -> dict:
    """`db/metadata.yaml`, with its database section under the name Datasette gives the file."""
    metadata = yaml.safe_load((SITE_DIR / "metadata.yaml").read_text(encoding="utf-8"))
    databases = metadata.get("databases", {})
    if CONFIG_DATABASE_NAME in databases and database_name != CONFIG_DATABASE_NAME:
        databases[database_name] = databases.pop(CONFIG_DATABASE_NAME)
    return metadata


def site_settings() -> dict:
    return json.loads((SITE_DIR / "settings.json").read_text(encoding="utf-8"))


def make_datasette(db_path: Path) -> Datasette:
    return Datasette(
        files=[str(db_path)],
        metadata=site_metadata(Path(db_path).stem),
        settings=site_settings(),
    )
