"""Reference data that documents point to: administrative divisions and canonical metrics.

It lives in data files beside the code; the loader brings the database's copy up to date before
each run, so foreign keys always find their row.
"""

from __future__ import annotations

import json
from urllib.parse import quote

from sqlalchemy import Connection, delete, insert, select, update

from etl.metrics import load_metrics
from etl.models import Metric, MetricSynonym, Place
from etl.places import city_of, load_places, province_of, report_city


def sync_reference_data(connection: Connection) -> None:
    sync_places(connection)
    sync_metrics(connection)


def sync_metrics(connection: Connection) -> None:
    """Metrics, their parents and synonyms as `etl/rules/metrics.yaml` has them now (names may
    be refined)."""
    catalogue = load_metrics()
    present = set(connection.execute(select(Metric.code)).scalars())
    for metric in catalogue.metrics:
        values = {
            "name_zh": metric.name_zh,
            "name_en": metric.name_en,
            "family": metric.family,
            "kind": metric.kind,
            "unit": metric.unit,
            "description": metric.description,
        }
        if metric.code in present:
            connection.execute(update(Metric).where(Metric.code == metric.code).values(**values))
        else:
            connection.execute(insert(Metric).values(code=metric.code, **values))
    # once every metric is there, so that a parent listed after its sub-type is found
    for metric in catalogue.metrics:
        connection.execute(
            update(Metric).where(Metric.code == metric.code).values(parent=metric.parent)
        )
    connection.execute(delete(MetricSynonym))
    connection.execute(
        insert(MetricSynonym), [{"synonym": s.text, "metric": s.code} for s in catalogue.synonyms]
    )


def sync_places(connection: Connection) -> None:
    present = set(connection.execute(select(Place.code)).scalars())
    missing = [p for p in load_places() if p.code not in present]
    if missing:
        connection.execute(insert(Place), [place_row(p) for p in missing])


def place_row(place) -> dict:
    city = city_of(place)
    within = [p.name for p in (province_of(place), city) if p is not None and p is not place]
    compared_as = report_city(place.name, place.level, city.name if city else None)
    popup = {
        "title": place.name,
        "description": " ".join(dict.fromkeys(within)),
        "link": f"city_profile?city={quote(compared_as)}",
    }
    return {
        "code": place.code,
        "name": place.name,
        "short_name": place.short_name,
        "level": place.level,
        "parent_code": place.parent_code,
        "longitude": place.longitude,
        "latitude": place.latitude,
        "popup": json.dumps(popup, ensure_ascii=False),
    }
