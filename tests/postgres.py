"""A throw-away PostgreSQL server for tests: Debian's binaries, a temporary cluster, loopback."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def postgres_bin() -> Path | None:
    """The newest installed server's bin folder (Debian keeps it out of PATH)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user(argv: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root; CI runs as root, so run it as the `postgres` user."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return argv


@contextmanager
def temporary_server(workdir: Path) -> Iterator[str]:
    """Start a server in `workdir`, yield a SQLAlchemy URL to a fresh database, stop it after."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        raise RuntimeError("no PostgreSQL server installed (apt-get install postgresql)")
    data = workdir / "pgdata"
    data.mkdir(parents=True)
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres")
        shutil.chown(data, "postgres")
    port = _free_port()

    def run(*argv: str) -> None:
        command = _as_server_user([str(bin_dir / argv[0]), *argv[1:]])
        subprocess.run(command, check=True, capture_output=True)

    run("initdb", "-D", str(data), "-U", "pingan", "-A", "trust", "-E", "UTF8", "--no-locale")
    run(
        "pg_ctl",
        "-D",
        str(data),
        "-w",
        "-l",
        str(data / "server.log"),
        "start",
        "-o",
        f"-p {port} -h 127.0.0.1 -k {data} -F",
    )
    try:
        deadline = time.monotonic() + 30
        while (
            subprocess.run(
                [str(bin_dir / "pg_isready"), "-h", "127.0.0.1", "-p", str(port)],
                capture_output=True,
            ).returncode
            != 0
        ):
            if time.monotonic() > deadline:
                raise RuntimeError("PostgreSQL did not start within 30 s")
            time.sleep(0.2)
        run("createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "pingan", "pingan")
        yield f"postgresql+psycopg://pingan@127.0.0.1:{port}/pingan"
    finally:
        run("pg_ctl", "-D", str(data), "-m", "immediate", "stop")
