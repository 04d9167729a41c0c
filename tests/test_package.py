"""pingan-db as a user installs it: into a fresh virtual environment, run from another folder.

A wheel built with `python -m build` (sdist, then the wheel from it) installs with today's pip
and must carry every module, rule, revision, view snapshot, SQL and site file of the repository;
with pip 23.0.1 (Debian 12's), `pip install -e .` must resolve whatever the HTML extraction
imports. Packages come from the package index through pip's cache, never with --no-deps.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import httpx
import pytest

from etl import db
from tests.browser import free_port, wait_until_answering
from tests.conftest import ROOT, SEEDS

pytestmark = pytest.mark.slow

# The repository's folders and where the wheel puts them (pyproject.toml, [tool.setuptools]).
SHIPPED = {"etl": "etl", "migrations": "etl/migrations", "sql": "etl/sql", "db": "etl/site_config"}
OLD_PIP = "pip==23.0.1"


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a user's shell: nothing of this test run's venv or database leaks in."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"PYTHONPATH", "VIRTUAL_ENV", "PINGAN_DB", "PYTHONHOME"}
    }
    return {**env, "PIP_DISABLE_PIP_VERSION_CHECK": "1", **extra}


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        env=env or clean_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"{args}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def fresh_venv(path: Path) -> Path:
    """A virtual environment without this machine's site-packages; returns its bin folder."""
    if importlib.util.find_spec("ensurepip") is None and not os.environ.get("CI"):
        pytest.skip("this Python cannot make a virtual environment with pip (no ensurepip)")
    run(sys.executable, "-m", "venv", path, cwd=path.parent)
    return path / "bin"


def shipped_files() -> set[str]:
    """The files of etl/, migrations/, sql/ and db/ that git keeps (tracked, or new and not
    ignored), as the wheel names them."""
    listed = run(
        "git", "ls-files", "--cached", "--others", "--exclude-standard", *SHIPPED, cwd=ROOT
    ).split()
    return {
        f"{SHIPPED[name.split('/')[0]]}/{name.split('/', 1)[1]}"
        for name in listed
        if not Path(name).name.startswith(".") and (ROOT / name).is_file()
    }


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--outdir", out, ROOT, cwd=out)
    (built,) = out.glob("*.whl")
    return built


def test_the_wheel_ships_the_code_migrations_sql_and_site_and_no_database(wheel: Path):
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: which files are the repository's is git's to say")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert shipped_files() <= names
    assert not [name for name in names if ".sqlite" in name or name.endswith(".load-lock")]


def test_an_installed_wheel_migrates_loads_serves_and_steps_back_from_any_folder(
    wheel: Path, tmp_path: Path
):
    bin_dir = fresh_venv(tmp_path / "venv")
    run(bin_dir / "pip", "install", wheel, cwd=tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = run(bin_dir / "python", "-c", "import etl; print(etl.__file__)", cwd=elsewhere)
    assert where.strip().startswith(str(tmp_path / "venv"))

    pingan = bin_dir / "pingan"
    assert "at revision" in run(pingan, "init", "--db", "X.sqlite", cwd=elsewhere)
    loaded = run(pingan, "load", "--db", "X.sqlite", SEEDS, cwd=elsewhere)
    seeds = len(list(SEEDS.glob("*.txt")))
    assert f"{seeds} loaded" in loaded and " 0 failed" in loaded, loaded

    port = free_port()
    log = tmp_path / "serve.log"
    with open(log, "wb") as output:
        server = subprocess.Popen(
            [str(pingan), "serve", "--db", "X.sqlite", "--port", str(port)],
            cwd=elsewhere,
            env=clean_env(),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_answering(server, base, log)
        documents = httpx.get(f"{base}/X/documents.json?_shape=array", timeout=30).json()
        assert len(documents) == seeds
        assert httpx.get(f"{base}/-/metadata.json", timeout=30).json()["title"] == "pingan-db"
        page = httpx.get(f"{base}/X/paragraphs", timeout=30)
        assert page.status_code == 200 and "<td" in page.text
    finally:
        server.terminate()
        server.wait(timeout=30)

    history = run(pingan, "history", "--db", "X.sqlite", cwd=elsewhere)
    assert "now at revision" in run(pingan, "downgrade", "--db", "X.sqlite", "-1", cwd=elsewhere)
    assert "now at revision" in run(pingan, "upgrade", "--db", "X.sqlite", cwd=elsewhere)
    assert run(pingan, "history", "--db", "X.sqlite", cwd=elsewhere) == history
    assert "up to date" in run(pingan, "status", "--db", "X.sqlite", cwd=elsewhere)

    data_home = tmp_path / "data"
    run(pingan, "init", cwd=elsewhere, env=clean_env(XDG_DATA_HOME=str(data_home)))
    assert (data_home / "pingan-db" / "pingan.sqlite").is_file()


def test_pip_23_installs_what_the_html_extraction_imports(tmp_path: Path):
    bin_dir = fresh_venv(tmp_path / "venv")
    run(bin_dir / "python", "-m", "pip", "install", OLD_PIP, cwd=tmp_path)
    run(bin_dir / "pip", "install", "-e", ROOT, cwd=tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    loaded = run(bin_dir / "pingan", "load", "--db", "X.sqlite", SEEDS, cwd=elsewhere)
    seeds = len(list(SEEDS.glob("*.txt")))
    assert f"{seeds} loaded" in loaded and " 0 failed" in loaded, loaded


def test_plain_datasette_serves_the_site_from_the_configuration_folder(
    seeded_db_path: Path, tmp_path: Path
):
    """README: `datasette db/` in a checkout; db/ is also a package now, which it must not mind."""
    site = tmp_path / "db"
    shutil.copytree(ROOT / "db", site, ignore=shutil.ignore_patterns("*.sqlite*", "__pycache__"))
    with sqlite3.connect(seeded_db_path) as seeded, sqlite3.connect(site / "pingan.sqlite") as copy:
        seeded.backup(copy)
    datasette = Path(sys.executable).with_name("datasette")
    metadata = json.loads(run(datasette, site, "--get", "/-/metadata.json", cwd=tmp_path))
    assert metadata["title"] == "pingan-db"
    documents = run(datasette, site, "--get", "/pingan/documents.json?_shape=array", cwd=tmp_path)
    assert len(json.loads(documents)) == len(list(SEEDS.glob("*.txt")))


def test_a_checkout_keeps_its_database_in_its_db_folder(tmp_path: Path, monkeypatch):
    """The editable install (`make`) reads its files from the checkout and keeps the database
    there, wherever the command runs."""
    monkeypatch.chdir(tmp_path)
    assert db.MIGRATIONS_DIR == ROOT / "migrations"
    assert db.default_db() == ROOT / "db" / "pingan.sqlite"
