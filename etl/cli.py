"""`pingan`: the command line, a thin shell over the library (each command is a few calls)."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import sys
from collections.abc import Callable
from dataclasses import asdict, fields
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from sqlalchemy import Engine, func, inspect, select

from etl import db
from etl.load import (
    FINISHING,
    LoadLock,
    LoadSummary,
    ProgressCallback,
    exclusive_load,
    load_files,
)
from etl.models import Base, LoadError
from etl.read import named_article_files

if TYPE_CHECKING:
    from etl.inputs import ReadProgress
    from etl.search import SearchHit

console = Console(stderr=True)

db_option = click.option(
    "--db",
    "db_arg",
    envvar="PINGAN_DB",
    default=None,
    show_envvar=True,
    help="SQLite file or SQLAlchemy URL (default: db/pingan.sqlite).",
)


def open_database(db_arg: str | None) -> Engine:
    return db.make_engine(db.database_url(db_arg))


def open_current_database(db_arg: str | None) -> Engine:
    """The database, migrated to this code's newest revision (or a clear refusal)."""
    engine = open_database(db_arg)
    migrate_to_current(engine)
    return engine


def migrate_to_current(engine: Engine) -> None:
    try:
        db.ensure_current(engine)
    except db.DatabaseNewerThanCode as error:
        raise click.ClickException(str(error)) from error


@click.group()
@click.version_option(package_name="pingan-db")
def cli() -> None:
    """pingan-db: load Chinese public-safety reports into a database and publish it."""


@cli.command()
@db_option
def init(db_arg: str | None) -> None:
    """Create the database, or upgrade it to the newest schema revision."""
    engine = open_current_database(db_arg)
    click.echo(f"{engine.url.render_as_string()} is at revision {db.current_revision(engine)}")


jobs_option = click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=os.cpu_count() or 1,
    show_default="the number of cores",
    help="Processes that build documents (one process writes).",
)


@cli.command()
@db_option
@jobs_option
@click.option(
    "--manifest",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A CSV saying where the files came from: a `file` column (relative to the CSV's "
    "folder) and any of url, published, title, source, author, city. A folder's manifest.csv "
    "is read without it.",
)
@click.option(
    "--columns",
    default="",
    help="Which column of an export holds which field, e.g. text=正文,published=发布时间 "
    "(by default text/content/body, html, title, url, published/date/pubdate, source/site, "
    "author, city).",
)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def load(
    db_arg: str | None, jobs: int, manifest: Path | None, columns: str, paths: tuple[Path, ...]
) -> None:
    """Load article files (.txt, .html), collections of articles and folders of them, recursively.

    A collection is a crawler's export (.jsonl, .jsonl.gz, .csv, .csv.gz: one article a record)
    or a WARC archive (.warc, .warc.gz: one article a page); each record is recorded as
    FILE#NUMBER. What a record, a folder's manifest.csv or a sidecar (NAME.json beside NAME.html)
    says of an article - url, published, title, source, author, city - wins over what its text
    says.

    Runs the migrations first. Each document loads in its own transaction; a file already loaded
    (same sha256) is skipped, unless an older version of the pipeline built it: then it is derived
    again. A path that does not exist is refused before anything is written (exit 2). Each file
    is recorded by its path relative to the folder that holds what was named (seeds/001.txt for
    `pingan load /home/me/seeds`). Exits 1 when any file failed, listing them with their reasons
    (also kept in `load_errors`). A second load on the same database while one runs stops at once
    (exit 2).
    """
    from etl.inputs import CollectionOptions, ReadProgress, collections_in, input_bytes
    from etl.records import parse_columns

    try:
        options = CollectionOptions(
            manifest=manifest,
            columns=parse_columns(columns),
            progress=ReadProgress(per_document=True),
        )
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--columns") from error
    engine = open_database(db_arg)
    files = list(named_article_files(paths))
    # collections hold an unknown number of articles: the bar counts the bytes read instead
    reading = options.progress if collections_in(files) else None
    summary = run_exclusively(
        engine,
        (lambda: input_bytes(files)) if reading else (lambda: len(files)),
        lambda progress, lock: load_files(
            engine, files, on_progress=progress, jobs=jobs, collections=options, lock=lock
        ),
        reading,
    )
    click.echo(summary.line())
    if summary.failed:
        report_failures(engine, summary.run_id, summary.failed)
        sys.exit(1)


FAILURES_LISTED = 20


def report_failures(engine: Engine, run_id: int, failed: int) -> None:
    """Each failed file with its reason, up to FAILURES_LISTED, then how many more there are."""
    with engine.connect() as connection:
        errors = connection.execute(
            select(LoadError.path, LoadError.error)
            .where(LoadError.run_id == run_id)
            .order_by(LoadError.id)
            .limit(FAILURES_LISTED)
        ).all()
    for path, error in errors:
        click.echo(f"failed: {path}: {error}", err=True)
    more = f"... and {failed - len(errors):,} more; all " if failed > len(errors) else "All "
    click.echo(f"{more}are kept in load_errors where run_id = {run_id}", err=True)


@cli.command()
@db_option
@jobs_option
@click.option(
    "--manifest",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A manifest (as for `pingan load`) whose rows now say more of loaded documents.",
)
def refresh(db_arg: str | None, jobs: int, manifest: Path | None) -> None:
    """Derive again the documents that an older pipeline built, from their stored original text.

    The pipeline is the normaliser, the segmenter and its dictionary, and the extractor's rules;
    a change in any of them makes a document stale. No source files are needed. With --manifest,
    the documents it names (FOLDER/FILE, by the manifest's folder and its `file` column) first
    take what it now says of them (a date, a city...) and are derived again with it.
    """
    from etl.inputs import restate_from_manifest
    from etl.load import refresh_documents
    from etl.plan import stale_document_ids

    engine = open_database(db_arg)

    def stale_after_the_manifest() -> int:
        if manifest is not None:
            restated = restate_from_manifest(engine, manifest)
            console.print(f"{restated.documents} documents take what {manifest.name} says")
            for file in restated.unmatched[:FAILURES_LISTED]:
                console.print(f"no document loaded from {file}")
        return len(stale_document_ids(engine))

    summary = run_exclusively(
        engine,
        stale_after_the_manifest,
        lambda progress, lock: refresh_documents(
            engine, on_progress=progress, jobs=jobs, lock=lock
        ),
    )
    click.echo(summary.line())
    sys.exit(1 if summary.failed else 0)


def run_exclusively(
    engine: Engine,
    total: Callable[[], int],
    work: Callable[[ProgressCallback, LoadLock], LoadSummary],
    reading: ReadProgress | None = None,
) -> LoadSummary:
    """Run a load or refresh as the database's one writer (`exclusive_load`), with a progress
    bar, saying so when it takes over the lock of a load that died. The lock is taken here, to
    count the work under it first, and handed to the work."""
    try:
        with exclusive_load(engine) as lock:
            if lock.dead_load is not None:
                console.print(
                    f"an earlier load (process {lock.dead_load}) stopped before it finished: "
                    "took over its lock; this load completes what it left"
                )
            count = total()
            return with_progress(count, lambda progress: work(progress, lock), reading)
    except db.LoadInProgress as error:
        busy = click.ClickException(str(error))
        busy.exit_code = 2
        raise busy from error
    except db.DatabaseNewerThanCode as error:
        raise click.ClickException(str(error)) from error


def with_progress(
    total: int,
    work: Callable[[ProgressCallback], LoadSummary],
    reading: ReadProgress | None = None,
) -> LoadSummary:
    """A progress bar with files done, characters per second and the time left; with `reading`,
    bytes read of `total` and the documents done (records of collections and files)."""
    counted = (
        (MofNCompleteColumn(), TextColumn("files"))
        if reading is None
        else (DownloadColumn(), TextColumn("{task.fields[documents]:,} records"))
    )
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        *counted,
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=not console.is_terminal,
    ) as progress:
        task = progress.add_task("loading", total=total, rate="", documents=0)
        characters = documents = 0

        def advance(outcome: str, chars: int) -> None:
            nonlocal characters, documents
            if outcome == FINISHING:
                progress.update(task, description="counting, refilling comparisons")
                if reading is not None:
                    progress.update(task, completed=total)
                return
            characters += chars
            documents += 1
            elapsed = progress.tasks[task].elapsed or 0.0
            rate = f"{characters / elapsed:,.0f} chars/s" if elapsed else ""
            if reading is None:
                progress.update(task, advance=1, rate=rate)
            else:
                completed = reading.document_done()
                progress.update(task, completed=completed, documents=documents, rate=rate)

        return work(advance)


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind to.")
@click.option("--port", default=8001, show_default=True, type=int, help="Port to serve on.")
def serve(db_arg: str | None, host: str, port: int) -> None:
    """Publish the database with Datasette and the project's site configuration from db/."""
    import uvicorn

    from etl.site import make_datasette

    url = db.database_url(db_arg)
    path = db.sqlite_path(url)
    if path is None:
        raise click.UsageError("Datasette serves SQLite files; --db must be a SQLite path")
    open_current_database(url)
    datasette = make_datasette(path)
    asyncio.run(datasette.invoke_startup())
    click.echo(f"Serving {path} on http://{host}:{port}/", err=True)
    uvicorn.run(datasette.app(), host=host, port=port, log_level="warning")


@cli.command()
@db_option
def status(db_arg: str | None) -> None:
    """Row counts of each table and the schema revision."""
    engine = open_database(db_arg)
    current = db.current_revision(engine)
    head = db.head_revision()
    state = "up to date" if current == head else f"behind the code (newest is {head})"
    click.echo(f"database: {engine.url.render_as_string()}")
    click.echo(f"revision: {current or 'none (run pingan init)'} - {state}")
    present = set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if table.name in present:
                count = connection.execute(select(func.count()).select_from(table)).scalar_one()
                click.echo(f"{table.name:<20} {count:>10,}")


@cli.command()
@db_option
@click.argument("revision", default="head")
def upgrade(db_arg: str | None, revision: str) -> None:
    """Upgrade the schema to REVISION (default: head), as `alembic upgrade` does."""
    engine = open_database(db_arg)
    db.upgrade(engine, revision)
    click.echo(f"now at revision {db.current_revision(engine)}")


# -1 reads as an option to click; taken as an argument, `pingan downgrade -1` works as written.
@cli.command(context_settings={"ignore_unknown_options": True})
@db_option
@click.argument("revision")
def downgrade(db_arg: str | None, revision: str) -> None:
    """Downgrade the schema to REVISION: a revision id, -1 for one step, or base."""
    engine = open_database(db_arg)
    db.downgrade(engine, revision)
    click.echo(f"now at revision {db.current_revision(engine) or 'base (empty)'}")


@cli.command()
@db_option
def history(db_arg: str | None) -> None:
    """List the schema revisions, newest first, marking the database's own."""
    engine = open_database(db_arg)
    current = db.current_revision(engine)
    for script in db.script_directory().walk_revisions():
        mark = "  <- database" if script.revision == current else ""
        click.echo(f"{script.revision}  {script.doc}{mark}")


@cli.command()
@db_option
def check(db_arg: str | None) -> None:
    """Check the database: integrity, foreign keys, offsets and quotes, periods, full-text index,
    views.

    Prints each problem; exits 1 if there is any.
    """
    from etl.check import check_database

    problems = check_database(open_database(db_arg))
    for problem in problems:
        click.echo(f"{problem.check}: {problem.detail}")
    if problems:
        click.echo(f"{len(problems)} problems found", err=True)
        sys.exit(1)
    click.echo("ok: no problems found")


@cli.command()
@db_option
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def backup(db_arg: str | None, out: Path) -> None:
    """Write a consistent copy of the database to OUT, even while it is being served or loaded."""
    import sqlite3

    path = db.sqlite_path(db.database_url(db_arg))
    if path is None:
        raise click.UsageError("backup copies SQLite files; for PostgreSQL use pg_dump")
    if out.exists():
        raise click.UsageError(f"{out} exists; choose a new file")
    source = sqlite3.connect(path)
    target = sqlite3.connect(out)
    with target:
        source.backup(target)
    source.close()
    target.close()
    click.echo(f"backed up {path} to {out}")


@cli.command()
@click.option("--from", "source", required=True, help="Database to copy (path or URL).")
@click.option("--to", "target", required=True, help="Empty database to copy into (path or URL).")
def copy(source: str, target: str) -> None:
    """Copy a whole database, e.g. from SQLite to PostgreSQL.

    The target is migrated to the newest revision first and must hold no documents.
    """
    from etl.transfer import copy_database

    try:
        copied = copy_database(db.database_url(source), db.database_url(target))
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    for table, rows in copied.items():
        click.echo(f"{table:<20} {rows:>10,} rows")


@cli.command()
@db_option
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1))
@click.option("--json", "as_json", is_flag=True, help="Print the hits as a JSON array.")
@click.option("--csv", "as_csv", is_flag=True, help="Print the hits as CSV (UTF-8 with a BOM).")
@click.argument("query")
def search(db_arg: str | None, limit: int, as_json: bool, as_csv: bool, query: str) -> None:
    """Full-text search of the paragraphs, best first, as Datasette's search box does it.

    QUERY is Chinese as you would write it (视频监控, 两抢一盗, "社区民警" 2013). Each hit shows
    its document's title, city and date, then the words around the match, as many as two lines
    of the terminal hold. --json and --csv give every field, the whole paragraph included, with
    the match inside <mark> tags in `snippet`; the CSV opens in Excel and WPS as it is.
    """
    from etl.search import SearchHit, search_paragraphs, searched_forms

    if as_json and as_csv:
        raise click.UsageError("choose one of --json and --csv")
    with open_database(db_arg).connect() as connection:
        hits = search_paragraphs(connection, query, limit)
    if as_json:
        click.echo(json.dumps([asdict(hit) for hit in hits], ensure_ascii=False, default=str))
    elif as_csv:
        write_csv([asdict(hit) for hit in hits], [field.name for field in fields(SearchHit)])
    else:
        print_hits(hits, query)
    forms = "; ".join(" or ".join(term) for term in searched_forms(query))
    click.echo(f"{len(hits)} paragraphs found (searched for {forms or 'nothing'})", err=True)


def write_csv(rows: list[dict], columns: list[str]) -> None:
    """CSV on stdout, with the byte-order mark by which Excel and WPS know it is UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    click.echo(out.getvalue(), nl=False)


def print_hits(hits: list[SearchHit], query: str) -> None:
    """Each hit as a heading and the words around its match, fitted to the terminal's width."""
    from rich.markup import escape

    from etl.search import MARK_END, MARK_START, search_snippet

    terminal = Console(highlight=False)
    # Two lines of the terminal, at two columns a Chinese character, less the indent.
    context = max(8, (terminal.width - 4) // 2)
    for number, hit in enumerate(hits, start=1):
        # One line: city and date first, then as much of the title as fits.
        where_when = " ".join(str(part) for part in (hit.city, hit.published_on) if part)
        terminal.print(
            f"{number}. {escape(where_when)}  [bold]{escape(hit.title or '')}[/]",
            no_wrap=True,
            overflow="ellipsis",
        )
        snippet = escape(search_snippet(hit.text, query, context))
        snippet = snippet.replace(MARK_START, "[bold red]").replace(MARK_END, "[/]")
        terminal.print(snippet, style=None, overflow="fold")
        terminal.print()


@cli.command()
@db_option
@click.option(
    "--format", "format_", type=click.Choice(["jsonl", "csv", "parquet"]), default="jsonl",
    show_default=True,
)  # fmt: skip
@click.option(
    "--table",
    default="documents",
    show_default=True,
    help="A table or view: documents, indicators, metric_comparison, city_scorecard...",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The file to write (standard output without it; Parquet needs one).",
)
def export(db_arg: str | None, format_: str, table: str, out: Path | None) -> None:
    """Export a table or view as JSON Lines, CSV or Parquet, for DuckDB, pandas, R or a sheet.

    Dates are ISO 8601 text in JSON Lines and CSV; Parquet keeps each column's type and needs
    pyarrow (pip install 'pingan-db[parquet]'). A file is written whole or not at all.
    """
    from etl.export import ExportError, export_table

    if format_ == "parquet" and out is None:
        raise click.UsageError("Parquet is binary: name the file to write with --out")
    engine = open_database(db_arg)
    try:
        with engine.connect() as connection:
            if out is None:
                stdout = io.TextIOWrapper(sys.stdout.buffer, "utf-8", newline="")
                try:
                    count = export_table(connection, table, format_, stdout)
                finally:
                    stdout.detach()  # flushed; the process's stdout stays open
            else:
                partial = out.with_name(out.name + ".part")
                binary = format_ == "parquet"
                with partial.open("wb" if binary else "w", **({} if binary else TEXT_FILE)) as f:
                    count = export_table(connection, table, format_, f)
                partial.replace(out)
    except ExportError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{count:,} rows of {table} exported", err=True)


TEXT_FILE = {"encoding": "utf-8", "newline": ""}


@cli.command()
@db_option
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--errors",
    is_flag=True,
    help="List the missed and spurious rows, unmapped claims and false pairs.",
)
def evaluate(db_arg: str | None, gold: Path, errors: bool) -> None:
    """Score the indicators in the database against a hand-built GOLD.csv.

    GOLD names each row's document by its file name (column `document`); load those files first.
    Prints recall, precision, and subject and metric agreement, overall and per kind; with a
    `concept` column, also pair precision, pair recall and coverage of the metric codes.
    """
    from sqlalchemy import select

    from etl.evaluate import evaluate as score
    from etl.evaluate import format_errors, format_scores, read_gold
    from etl.models import Document, Indicator

    query = select(Document.path.label("document_path"), *Indicator.__table__.c).join(Document)
    with open_database(db_arg).connect() as connection:
        rows = connection.execute(query).mappings().all()
    # a gold file quotes the normalised words (a traditional article's in simplified script)
    predicted = [
        {**row, "document": Path(row["document_path"]).name, "quote": row["quote_normalised"]}
        for row in rows
    ]
    scores = score(read_gold(gold), predicted)
    click.echo(format_scores(scores))
    if errors:
        click.echo(format_errors(scores))
