"""Write a benchmark corpus: N unique, realistic articles built from the seeds' real paragraphs.

    .venv/bin/python bench/make_corpus.py N OUT [--seed 0]

Each document is one seed article (its headline lines, then a random selection of its other
paragraphs, in order) retold for another city: the seed's own city and province, as the pipeline
locates them, become a prefecture drawn from the places table, in the seed's script; its years
move by a per-document offset, and every other number (cases, percentages, cameras) is redrawn
with the same number of digits. A real collection repeats the same phrasing across cities and
years in just this way, so segmentation, place location and indicator extraction do real work on
every document. The same seed always gives the same bytes, and the first N documents do not depend
on how many more are asked for (a 10,000 corpus is the start of a 100,000 one). Files go to
OUT/000/000000.txt, a thousand per folder.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import opencc

from etl.ingest import ingest
from etl.places import Place, load_places, locate_article

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FILES_PER_FOLDER = 1000
HEADLINE_LINES = 4
"""Non-blank lines at the top of a seed (banner, title, subtitle, date) that every copy keeps."""
KEPT_SHARE = 0.8
"""The chance that each further paragraph of the seed is in a copy, so lengths vary."""
LATEST_YEAR = 2025
EARLIEST_LATEST_YEAR = 2012
"""A copy's latest year is drawn from EARLIEST_LATEST_YEAR..LATEST_YEAR."""
YEARS = range(1990, 2031)
NUMBER = re.compile(r"\d+(?:\.\d+)?")
# A number next to these is part of a date or a time of day and stays as it is.
CALENDAR_AFTER = frozenset("月日号时点:：-/")
CALENDAR_BEFORE = frozenset(":：-/")


@dataclass(frozen=True)
class Seed:
    """One seed article, and the names of the place it reports on as they are written in it."""

    lines: tuple[str, ...]
    traditional: bool
    city_names: dict[str, str]
    """Each name of its place or city as written, to the Place attribute that replaces it."""
    province_names: dict[str, str]
    latest_year: int | None


@dataclass(frozen=True)
class CorpusStats:
    documents: int
    characters: int
    bytes: int


@cache
def _to_traditional() -> opencc.OpenCC:
    return opencc.OpenCC("s2tw")


def written_as(name: str, traditional: bool) -> str:
    return _to_traditional().convert(name) if traditional else name


def read_seed(path: Path, places: dict[str, Place]) -> Seed:
    """A seed and the names to replace: its place and city in full and short form, its province."""
    data = path.read_bytes()
    ingested = ingest(data, str(path))
    text = ingested.decoded.text
    traditional = ingested.article.script == "traditional"
    match = locate_article(ingested.article)
    subject = [places[code] for code in (match.code, match.city_code) if code] if match else []
    province = [places[match.province_code]] if match else []

    def names(found: list[Place]) -> dict[str, str]:
        return {
            written_as(getattr(place, attribute), traditional): attribute
            for attribute in ("short_name", "name")
            for place in found
        }

    years = [int(n) for n in NUMBER.findall(text) if n.isdigit() and int(n) in YEARS]
    return Seed(
        lines=tuple(text.split("\n")),
        traditional=traditional,
        city_names=names(subject),
        province_names=names(province),
        latest_year=max(years, default=None),
    )


def read_seeds(seeds: Path = SEEDS) -> list[Seed]:
    places = {place.code: place for place in load_places()}
    return [read_seed(path, places) for path in sorted(seeds.glob("*.txt"))]


def pick_paragraphs(lines: tuple[str, ...], rng: random.Random) -> list[str]:
    """The headline lines, then each later paragraph (with the blank lines after it) or not."""
    non_blank = [i for i, line in enumerate(lines) if line.strip()]
    body_start = non_blank[HEADLINE_LINES] if len(non_blank) > HEADLINE_LINES else len(lines)
    picked = list(lines[:body_start])
    keep = True
    for line in lines[body_start:]:
        if line.strip():
            keep = rng.random() < KEPT_SHARE
        if keep:
            picked.append(line)
    return picked


def redraw_number(match: re.Match[str], year_offset: int, rng: random.Random) -> str:
    """A year moves by the offset; a month, day or clock figure stays; any other number is
    redrawn with as many digits (and decimals) as it had."""
    number, text = match[0], match.string
    before = text[match.start() - 1] if match.start() else ""
    after = text[match.end()] if match.end() < len(text) else ""
    if number.isdigit() and len(number) == 4 and int(number) in YEARS:
        return str(int(number) + year_offset)
    if after in CALENDAR_AFTER or before in CALENDAR_BEFORE:
        return number
    whole, _, decimals = number.partition(".")
    low = 10 ** (len(whole) - 1) if len(whole) > 1 else 1
    redrawn = str(rng.randint(low, 10 ** len(whole) - 1))
    if decimals:
        redrawn += "." + "".join(rng.choice("0123456789") for _ in decimals)
    return redrawn


def retell(seed: Seed, city: Place, province: Place, rng: random.Random) -> str:
    """One document: the seed's selected paragraphs, about `city`, with new years and numbers."""
    replacements = {
        written: written_as(getattr(place, attribute), seed.traditional)
        for place, names in ((city, seed.city_names), (province, seed.province_names))
        for written, attribute in names.items()
    }
    text = "\n".join(pick_paragraphs(seed.lines, rng))
    if replacements:
        names = re.compile("|".join(map(re.escape, sorted(replacements, key=len, reverse=True))))
        text = names.sub(lambda match: replacements[match[0]], text)
    year_offset = 0
    if seed.latest_year is not None:
        year_offset = rng.randint(EARLIEST_LATEST_YEAR, LATEST_YEAR) - seed.latest_year
    return NUMBER.sub(lambda match: redraw_number(match, year_offset, rng), text)


def generate_documents(count: int, seed: int = 0) -> Iterator[bytes]:
    """`count` unique documents as UTF-8 bytes, the same for the same `seed`."""
    rng = random.Random(seed)
    seeds = read_seeds()
    places = {place.code: place for place in load_places()}
    cities = [place for place in places.values() if place.level == "prefecture"]
    seen: set[str] = set()
    while len(seen) < count:
        city = rng.choice(cities)
        document = retell(rng.choice(seeds), city, places[city.parent_code], rng).encode("utf-8")
        digest = hashlib.sha256(document).hexdigest()
        if digest not in seen:
            seen.add(digest)
            yield document


def document_path(out: Path, index: int) -> Path:
    return out / f"{index // FILES_PER_FOLDER:03d}" / f"{index:06d}.txt"


def write_corpus(count: int, out: Path, seed: int = 0) -> CorpusStats:
    """Write the corpus into `out`, which must be empty or new (a corpus is never mixed)."""
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty; a corpus is written into a new folder")
    characters = size = 0
    for index, document in enumerate(generate_documents(count, seed)):
        path = document_path(out, index)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(document)
        characters += len(document.decode("utf-8"))
        size += len(document)
    return CorpusStats(documents=count, characters=characters, bytes=size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, metavar="N", help="number of documents")
    parser.add_argument("out", type=Path, metavar="OUT", help="new or empty folder")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args()
    stats = write_corpus(args.count, args.out, args.seed)
    print(
        f"wrote {stats.documents:,} documents ({stats.characters:,} characters, "
        f"{stats.bytes / 1e6:.1f} MB) to {args.out}"
    )


if __name__ == "__main__":
    main()
