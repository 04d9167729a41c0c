"""Rebuild places.csv from the adcode table inside the cpca wheel (MIT), without cpca or pandas.

Run once by hand when the source changes (see PLACES.md):
    pip download --no-deps cpca==0.5.5
    python etl/data/build_places.py cpca-0.5.5-py3-none-any.whl
Placeholder rows (市辖区, 县, 省直辖县级行政区划) are not places: their children move up to the
province, so every parent_code names a real division.
"""

from __future__ import annotations

import csv
import io
import re
import sys
import zipfile
from pathlib import Path

PLACEHOLDER_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
LEVEL_SUFFIXES = {
    "province": re.compile(r"(?:省|市|特别行政区|自治区)$"),
    "prefecture": re.compile(r"(?:市|地区|盟|自治州)$"),
    "county": re.compile(r"(?:自治县|自治旗|林区|特区|县|区|市|旗)$"),
}
OUTPUT = Path(__file__).with_name("places.csv")


def level_of(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    return "prefecture" if code.endswith("00") else "county"


def short_name(name: str, level: str, nations: list[str]) -> str:
    """Drop the level suffix, then trailing nationality names (临夏回族自治州 -> 临夏).

    A short form of one character is no name (东区 stays 东区, 内蒙古 does not become 内).
    """
    short = LEVEL_SUFFIXES[level].sub("", name)
    stripped = True
    while stripped:
        stripped = False
        for nation in nations:
            if short.endswith(nation) and len(short) - len(nation) >= 2:
                short = short[: -len(nation)]
                stripped = True
    return short if len(short) >= 2 else name


def build(wheel: Path) -> list[dict[str, str]]:
    with zipfile.ZipFile(wheel) as archive:
        adcodes = archive.read("cpca/resources/adcodes.csv").decode("utf-8")
        nation_lines = archive.read("cpca/resources/56_nations.csv").decode("utf-8").split()
    # "维吾尔族" appears as "维吾尔" in names; longest first so 蒙古族 wins over 蒙古.
    nations = sorted(
        {n for line in nation_lines for n in (line, line.removesuffix("族"))}, key=len, reverse=True
    )
    records = {row["adcode"][:6]: row for row in csv.DictReader(io.StringIO(adcodes))}
    real = {code: row for code, row in records.items() if row["name"] not in PLACEHOLDER_NAMES}

    def parent_of(code: str) -> str:
        level = level_of(code)
        if level == "province":
            return ""
        prefecture = code[:4] + "00"
        if level == "county" and prefecture in real:
            return prefecture
        return code[:2] + "0000"

    rows = []
    for code in sorted(real):
        row, level = real[code], level_of(code)
        rows.append(
            {
                "code": code,
                "name": row["name"],
                "short_name": short_name(row["name"], level, nations),
                "level": level,
                "parent_code": parent_of(code),
                "longitude": row["longitude"],
                "latitude": row["latitude"],
            }
        )
    return rows


def main(wheel: str) -> None:
    rows = build(Path(wheel))
    with OUTPUT.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} places written to {OUTPUT}")


if __name__ == "__main__":
    main(sys.argv[1])
