"""Writing: the one writer puts built documents into the database, 50 to a transaction; a
document is either wholly in the database or not at all, and one the database refuses fails
alone. Each row is made from its model's columns (`model_row`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cache
from itertools import islice
from operator import attrgetter
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, delete, func, insert, select, update
from sqlalchemy.exc import DBAPIError

from etl.models import (
    Base,
    Document,
    DocumentKeyword,
    DocumentPath,
    Indicator,
    LoadError,
    LoadWarning,
    Paragraph,
)
from etl.records import Given

if TYPE_CHECKING:
    from etl.load import Run
    from etl.pipeline import DocumentRecord, IndicatorRecord
    from etl.plan import Known
    from etl.workers import Built

# Documents a transaction: enough that commits cost little, few enough that a reader sees the
# load advance and a crash loses little work (what it loses is loaded again by the next run).
BATCH_DOCUMENTS = 50


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def write_built(
    engine: Engine,
    run: Run,
    built_documents: Iterable[Built],
    known: Known | None = None,
) -> None:
    """The one writer: documents in batches of BATCH_DOCUMENTS, one transaction a batch (a
    commit per document cost a tenth of the load). A document that the database refuses fails
    alone: its batch is rolled back and written again one document a transaction."""
    for batch in batched(built_documents, BATCH_DOCUMENTS):
        queued = run.take_queued()
        try:
            with engine.begin() as connection:
                for write in queued:
                    write(connection)
                outcomes = [write_one(connection, built, run.id, known) for built in batch]
        except DBAPIError:
            with engine.begin() as connection:
                for write in queued:
                    write(connection)
            outcomes = [write_alone(engine, built, run.id, known) for built in batch]
        for outcome in outcomes:  # committed: now the run may know of them
            if known is not None and outcome.document_id is not None:
                known.record(outcome)
            run.count(outcome.outcome, outcome.characters)
            run.changed_cities |= outcome.cities


@dataclass(frozen=True)
class Written:
    """What writing one built document did: 'loaded', 'refreshed' or 'failed', and for a
    document its id and every path it now has (for `Known`, once committed)."""

    outcome: str
    characters: int = 0
    document_id: int | None = None
    sha256: str = ""
    pipeline_version: str | None = None
    paths: tuple[str, ...] = ()
    cities: frozenset[str] = frozenset()  # whose comparisons change


def batched(items: Iterable[Built], size: int) -> Iterator[list[Built]]:
    """itertools.batched, which Python 3.11 lacks."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def write_alone(engine: Engine, built: Built, run_id: int, known: Known | None) -> Written:
    try:
        with engine.begin() as connection:
            return write_one(connection, built, run_id, known)
    except DBAPIError as error:
        reason = f"the database refused it: {error.orig}"
        with engine.begin() as connection:
            return write_one(connection, replace(built, record=None, error=reason), run_id, known)


def write_one(connection: Connection, built: Built, run_id: int, known: Known | None) -> Written:
    """Write one built document, with the other paths its bytes were found under in this run,
    or the reason it has none."""
    record = built.record
    if record is None:
        write_error(connection, run_id, built.job.source.path, built.error or "unknown error")
        return Written("failed")
    retire = built.job.retire
    cities = previous_cities(connection, record.path if retire else None, built.job.replacing)
    if record.report_city:
        cities.add(record.report_city)
    document_id = write_document(
        connection, record, run_id, replacing=built.job.replacing, retire=retire
    )
    paths = [record.path]
    if known is not None:
        for path in known.pending_paths.get(record.sha256, []):
            if path not in paths:
                add_path(connection, document_id, path, run_id)
                paths.append(path)
    return Written(
        "refreshed" if built.job.replacing else "loaded",
        len(record.text),
        document_id,
        record.sha256,
        record.pipeline_version,
        tuple(paths),
        frozenset(cities),
    )


def previous_cities(connection: Connection, path: str | None, replacing: int | None) -> set[str]:
    """The cities of what a write replaces: the stored document derived again, or the one its
    path held. Their comparisons change too."""
    if replacing is not None:
        query = select(Document.report_city).where(Document.id == replacing)
    elif path is not None:
        query = (
            select(Document.report_city)
            .join(DocumentPath, DocumentPath.document_id == Document.id)
            .where(DocumentPath.path == path)
        )
    else:
        return set()
    return {city for (city,) in connection.execute(query) if city}


def write_error(connection: Connection, run_id: int, path: str, reason: str) -> None:
    connection.execute(insert(LoadError).values(run_id=run_id, path=path, error=reason))


def add_path(connection: Connection, document_id: int, path: str, run_id: int) -> None:
    """Record one more path for bytes already loaded (the same bytes are one document)."""
    connection.execute(
        insert(DocumentPath), {"document_id": document_id, "path": path, "run_id": run_id}
    )


def write_document(
    connection: Connection,
    record: DocumentRecord,
    run_id: int,
    replacing: int | None = None,
    retire: bool = True,
) -> int:
    """Write a document and all that derives from it. A new document replaces what its path
    held before (`retire` False: the caller knows the path is new); `replacing` names a stored
    document derived again, which keeps its id."""
    values = document_values(record, run_id)
    if replacing is None:
        if retire:
            retire_previous_version(connection, record.path)
        document_id = connection.execute(
            insert(Document).returning(Document.id), values
        ).scalar_one()
        add_path(connection, document_id, record.path, run_id)
    else:
        document_id = replacing
        for derived in (Paragraph, DocumentKeyword, LoadWarning):
            connection.execute(delete(derived).where(derived.document_id == document_id))
        values.pop("path")
        connection.execute(update(Document).where(Document.id == document_id).values(**values))
    paragraph_ids = dict(
        connection.execute(
            insert(Paragraph).returning(Paragraph.position, Paragraph.id),
            [model_row(Paragraph, p, document_id=document_id) for p in record.paragraphs],
        ).all()
    )
    if record.indicators:
        connection.execute(
            insert(Indicator),
            [
                indicator_values(found, document_id, paragraph_ids[found.paragraph_position])
                for found in record.indicators
            ],
        )
    if record.keywords:
        connection.execute(
            insert(DocumentKeyword),
            [
                {"document_id": document_id, "rank": rank, "keyword": keyword, "weight": weight}
                for rank, (keyword, weight) in enumerate(record.keywords, start=1)
            ],
        )
    if record.warnings:
        connection.execute(
            insert(LoadWarning),
            [
                {"run_id": run_id, "document_id": document_id, "path": record.path, "warning": w}
                for w in record.warnings
            ],
        )
    return document_id


def model_row(model: type[Base], *sources: object, **computed: object) -> dict:
    """A row of `model` for every column it has: from `computed`, else from the first of
    `sources` that has an attribute of the column's name (a record of `etl.pipeline`). A new
    column of the model needs no line here, only a source; one that nothing gives is an error,
    never a silent NULL. The generated key is left to the database."""
    row = dict(computed)
    plan = row_plan(model, tuple(type(source) for source in sources), frozenset(computed))
    for source, (names, values_of) in zip(sources, plan, strict=True):
        row.update(zip(names, values_of(source), strict=True))
    return row


@cache
def row_plan(
    model: type[Base], source_types: tuple[type, ...], computed: frozenset[str]
) -> tuple[tuple[tuple[str, ...], Callable[[object], tuple]], ...]:
    """For each source, the columns it gives and a getter of their values, worked out once for
    a model and the kinds of record. Looking each column up for every row took 85 us a claim,
    with the names written out 10 us; worked out once, 4-5 us against 2.5-3 (the seeds' 124
    claims, 50 times over, on this shared machine)."""
    table = model.__table__
    given: list[list[str]] = [[] for _ in source_types]
    for column in table.columns:
        if column.name in computed:
            continue
        by = [i for i, kind in enumerate(source_types) if has_attribute(kind, column.name)]
        if by:
            given[by[0]].append(column.name)
        elif column is not table.autoincrement_column:
            raise TypeError(f"nothing gives {model.__tablename__}.{column.name} a value")
    return tuple((tuple(names), values_getter(names)) for names in given)


def values_getter(names: list[str]) -> Callable[[object], tuple]:
    """A function giving a record's values of `names`, as a tuple even for one name or none."""
    if not names:
        return lambda _record: ()
    if len(names) == 1:
        return lambda record, name=names[0]: (getattr(record, name),)
    return attrgetter(*names)


def has_attribute(kind: type, name: str) -> bool:
    """Do records of this kind have `name`: a dataclass's field (with or without a default),
    or a class attribute?"""
    return name in getattr(kind, "__dataclass_fields__", {}) or hasattr(kind, name)


def indicator_values(found: IndicatorRecord, document_id: int, paragraph_id: int) -> dict:
    """The claim as the pipeline placed it (its published quote, scope, period...), over the
    extractor's claim; the extractor's quote is the normalised one."""
    return model_row(
        Indicator,
        found,
        found.indicator,
        document_id=document_id,
        paragraph_id=paragraph_id,
        quote_normalised=found.indicator.quote,
    )


def document_values(record: DocumentRecord, run_id: int) -> dict:
    return model_row(
        Document,
        record,
        char_count=len(record.text),
        loaded_at=now(),
        run_id=run_id,
        paragraph_count=len(record.paragraphs),
        indicator_count=len(record.indicators),
        keywords=", ".join(keyword for keyword, _ in record.keywords) or None,
        **given_values(record.given),
    )


def given_values(given: Given | None) -> dict:
    """Where a collection says the document came from, and all it said (etl.records)."""
    if given is None:
        return dict.fromkeys(("url", "container", "record_number", "given_metadata"))
    return {
        "url": given.url,
        "container": given.container,
        "record_number": given.record,
        "given_metadata": given.to_json(),
    }


def retire_previous_version(connection: Connection, path: str) -> None:
    """A path that now holds other bytes: its old document goes, unless another path keeps it."""
    for (document_id,) in connection.execute(
        select(DocumentPath.document_id).where(DocumentPath.path == path)
    ).all():
        connection.execute(
            delete(DocumentPath).where(
                DocumentPath.document_id == document_id, DocumentPath.path == path
            )
        )
        others = connection.execute(
            select(func.count())
            .select_from(DocumentPath)
            .where(DocumentPath.document_id == document_id)
        ).scalar_one()
        if not others:
            connection.execute(delete(Document).where(Document.id == document_id))
