"""Connecting to the database and bringing its schema up to date with Alembic.

`--db` takes a file path (SQLite) or a SQLAlchemy URL; every command goes through `make_engine`, so
the SQLite pragmas (foreign keys, WAL, a busy timeout) hold for all of them.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text

BUSY_TIMEOUT_MS = 30_000


def shipped_dir(package: str) -> Path:
    """A folder the package ships: `migrations/`, `sql/` and `db/` of the repository are the
    packages etl.migrations, etl.sql and etl.site_config (pyproject.toml).

    pip installs them as files, in a checkout (editable) or in site-packages, so this is a real
    directory, as Alembic needs; imported from a zip archive it is not, and pingan-db refuses.
    """
    folder = resources.files(package)
    if not isinstance(folder, Path):
        raise RuntimeError(f"{package} is not a folder on disk ({folder}): pip install pingan-db")
    return folder


MIGRATIONS_DIR = shipped_dir("etl.migrations")
SQL_DIR = shipped_dir("etl.sql")
SITE_DIR = shipped_dir("etl.site_config")


def default_db() -> Path:
    """The database when neither `--db` nor $PINGAN_DB names one: `db/pingan.sqlite` of the
    checkout that pingan-db runs from (installed with `pip install -e .`, as `make` does), else
    `pingan-db/pingan.sqlite` in the user's data folder ($XDG_DATA_HOME, ~/.local/share)."""
    if (SITE_DIR.parent / "pyproject.toml").is_file():
        return SITE_DIR / "pingan.sqlite"
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / "pingan-db" / "pingan.sqlite"


def database_url(db: str | os.PathLike | None = None) -> str:
    """The SQLAlchemy URL for `--db`: a URL as given, or a SQLite file path."""
    db = db or os.environ.get("PINGAN_DB") or default_db()
    db = str(db)
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser().resolve()}"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other backends."""
    prefix = "sqlite:///"
    return Path(url[len(prefix) :]) if url.startswith(prefix) else None


def make_engine(url: str) -> Engine:
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Foreign keys are off by default in SQLite; WAL lets Datasette read while a load writes."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    # In WAL mode NORMAL never corrupts the database; a power cut (not a crash) may lose the last
    # transactions. It spares an fsync per document.
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.close()


def alembic_config(url: str) -> Config:
    """Alembic's config, built here: an installed pingan-db has no alembic.ini (that file is for
    plain `alembic` in a checkout), and the URL comes from `--db`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    _run_alembic(engine, command.upgrade, revision)


def downgrade(engine: Engine, revision: str) -> None:
    _run_alembic(engine, command.downgrade, revision)


def _run_alembic(engine: Engine, action, revision: str) -> None:
    """Run an Alembic command on our engine.

    On SQLite, foreign keys are off while migrations run: a batch migration rebuilds a table by
    dropping it, which would otherwise cascade-delete the rows that refer to it. They are checked
    once the migration is done, and switched back on.
    """
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
            connection.commit()
        with connection.begin():
            config.attributes["connection"] = connection
            action(config, revision)
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
            connection.exec_driver_sql("PRAGMA foreign_keys = ON")
            connection.commit()
            if broken:
                raise RuntimeError(f"migration left rows with broken foreign keys: {broken[:5]}")


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config("sqlite://"))


def head_revision() -> str:
    return script_directory().get_current_head()


class DatabaseNewerThanCode(RuntimeError):
    """The database was migrated by a newer pingan-db; writing to it could corrupt it."""


def ensure_current(engine: Engine) -> None:
    """Migrate to the newest revision, refusing a database that is ahead of this code."""
    current = current_revision(engine)
    known = {script.revision for script in script_directory().walk_revisions()}
    if current is not None and current not in known:
        raise DatabaseNewerThanCode(
            f"the database is at schema revision {current}, which this version of pingan-db "
            f"does not know (its newest is {head_revision()}): upgrade pingan-db to use it"
        )
    if current != head_revision():  # at head, skip the foreign key check: 5 s at 100,000 documents
        upgrade(engine)


class LoadInProgress(RuntimeError):
    """Another `pingan load` is writing to this database."""


LOAD_LOCK_KEY = 0x70696E67  # "ping": the PostgreSQL advisory lock that loads take
# Descriptors of the load locks this process holds. A forked child (a build worker) closes its
# copies first thing: a lock held through a child's copy outlived a killed load, and every later
# load was refused until someone found the orphans. Closing a copy leaves the parent's lock held.
_held_locks: set[int] = set()


def _close_inherited_locks() -> None:
    for descriptor in _held_locks:
        os.close(descriptor)
    _held_locks.clear()


os.register_at_fork(after_in_child=_close_inherited_locks)


@contextmanager
def exclusive_writer(engine: Engine) -> Iterator[int | None]:
    """Let one load write at a time: a second one stops at once with a clear message.

    SQLite would serialise the two loads' transactions anyway; the lock keeps their runs and
    progress apart, so each run's record says truly what it did. Yields the process id of an
    earlier load that died holding the lock (its lock is taken over), or None.

    On SQLite the lock is a `flock` on `DB.load-lock`, which the kernel drops when the last
    descriptor of it closes: forked children close their copies at once (`_held_locks`), so
    the lock dies with the load however the load dies. The file keeps the holder's process
    id while the lock is held, so a load that finds an id there knows the last one never
    finished.
    """
    path = sqlite_path(engine.url.render_as_string(hide_password=False))
    busy = LoadInProgress(
        f"another pingan load is writing to {engine.url.render_as_string()}; "
        "wait for it to finish, then run this load again"
    )
    if path is None:
        with engine.connect() as connection:
            if not connection.execute(
                text(f"SELECT pg_try_advisory_lock({LOAD_LOCK_KEY})")
            ).scalar():
                raise busy
            try:
                yield None
            finally:
                connection.execute(text(f"SELECT pg_advisory_unlock({LOAD_LOCK_KEY})"))
        return
    descriptor = os.open(path.with_name(path.name + ".load-lock"), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise busy from None
        _held_locks.add(descriptor)
        previous = os.read(descriptor, 32).decode("ascii", "replace").strip()
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, str(os.getpid()).encode("ascii"), 0)
        try:
            yield int(previous) if previous.isdigit() else None
        finally:
            os.ftruncate(descriptor, 0)  # finished: nothing is left for the next load to take over
    finally:
        _held_locks.discard(descriptor)
        os.close(descriptor)  # releases the lock
