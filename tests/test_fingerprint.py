"""The pipeline's fingerprint covers what derives a document: every etl module a build runs, and
every rule and data file; a change to any of them marks stored documents stale."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from etl.fingerprint import PACKAGE, deriving_files, fingerprint, imported_modules
from tests.conftest import ROOT, SEEDS

BUILD_AND_LIST_MODULES = """
import json, sys
from pathlib import Path
from etl.pipeline import build_document
from etl.read import read_source_file
for path in sorted(Path(sys.argv[1]).iterdir()):
    build_document(read_source_file(path))
print(json.dumps(sorted(sys.modules)))
"""


@pytest.fixture(scope="module")
def modules_a_build_imports() -> set[str]:
    """Builds the seeds in a fresh process, so that what it imports is what the pipeline needs."""
    ran = subprocess.run(
        [sys.executable, "-c", BUILD_AND_LIST_MODULES, str(SEEDS)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    imported = set(json.loads(ran.stdout.splitlines()[-1]))
    assert "etl.pipeline" in imported
    return imported


def test_every_module_a_build_imports_is_in_the_fingerprint(modules_a_build_imports: set[str]):
    etl_modules = {name for name in modules_a_build_imports if name.startswith("etl.")}
    assert etl_modules <= imported_modules(PACKAGE)


def test_a_build_reaches_no_database(modules_a_build_imports: set[str]):
    """The pipeline is pure, bytes in, rows out: a build imports no database layer (a worker
    holds no connection, and a change to the schema's code marks no document stale)."""
    database = {"sqlalchemy", "alembic", "etl.db", "etl.models", "etl.reference", "etl.load"}
    assert database & modules_a_build_imports == set()


def test_a_change_to_any_deriving_file_changes_the_fingerprint(tmp_path: Path):
    package = tmp_path / "etl"
    shutil.copytree(PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    original = fingerprint(package)
    files = deriving_files(package)
    assert {"rules", "data"} <= {path.parent.name for path in files}
    for path in files:
        content = path.read_bytes()
        path.write_bytes(content + b"\n")
        assert fingerprint(package) != original, f"{path.name} changed, the fingerprint did not"
        path.write_bytes(content)
    assert fingerprint(package) == original


def test_code_that_derives_nothing_leaves_the_fingerprint_alone(tmp_path: Path):
    package = tmp_path / "etl"
    shutil.copytree(PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    original = fingerprint(package)
    for name in ("cli.py", "site.py", "check.py"):
        with (package / name).open("a", encoding="utf-8") as module:
            module.write("\n# served and checked, never derived\n")
    assert fingerprint(package) == original
