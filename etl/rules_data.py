"""The extractor's rule files, read once: rules are data beside the code, not if-chains."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

RULES = Path(__file__).resolve().parent / "rules"
PLACES = Path(__file__).resolve().parent / "data" / "places.csv"


@dataclass(frozen=True)
class CountyNames:
    names: list[str]  # 白云区
    short_names: list[str]  # 白云


# libyaml's loader where PyYAML was built with it: the pure-Python one took a third of a second
# for the rule files, at the start of every run.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def load_yaml(name: str) -> Any:
    """A rule file of etl/rules/."""
    return yaml.load((RULES / name).read_text(encoding="utf-8"), Loader=SAFE_LOADER)


def load_rules() -> dict[str, Any]:
    """rules/indicator_patterns.yaml: qualifiers, bases, periods, exclusions, subject words."""
    return load_yaml("indicator_patterns.yaml")


def load_units() -> dict[str, Any]:
    """rules/units.yaml: unit words, magnitudes and percent signs."""
    return load_yaml("units.yaml")


@cache
def load_county_names() -> CountyNames:
    """County-level places of etl/data/places.csv: a number's scope must be a real place."""
    with PLACES.open(encoding="utf-8", newline="") as handle:
        counties = [
            row
            for row in csv.DictReader(handle)
            if row["level"] == "county" and not row["name"].endswith("市")
        ]
    names = sorted({row["name"] for row in counties})
    short = sorted({row["short_name"] for row in counties if len(row["short_name"]) >= 2})
    return CountyNames(names, short)
