"""Which pipeline derived a document's rows: a fingerprint of the code and rules that derive
them, so that a load can tell stale documents from current ones without building anything.

What derives a document's rows is `etl.pipeline` and every etl module it imports, directly or
not, read from the import statements in their source (so the fingerprint imports none of them:
pypinyin, cn2an, trafilatura... take a second, which a re-run that finds nothing to do should
not pay), and every file in `etl/rules/` and `etl/data/`. When any of these changes, stored
documents are derived again (`pingan load` of the same files, or `pingan refresh` from the stored
originals).
"""

from __future__ import annotations

import ast
import hashlib
from functools import cache
from pathlib import Path

from etl.tokens import SEGMENTER

PACKAGE = Path(__file__).resolve().parent
PIPELINE = "etl.pipeline"
DATA_FOLDERS = ("rules", "data")


def module_file(package: Path, module: str) -> Path | None:
    """The source file of an etl module (`etl.tokens` -> `etl/tokens.py`), None for any other."""
    parts = module.split(".")
    if parts[0] != "etl" or len(parts) < 2:
        return None
    path = package.joinpath(*parts[1:-1], f"{parts[-1]}.py")
    return path if path.is_file() else None


def imported_modules(package: Path, module: str = PIPELINE) -> set[str]:
    """`module` and every etl module it imports, directly or through others, anywhere in its
    source (a function's late import too)."""
    found: set[str] = set()
    pending = [module]
    while pending:
        name = pending.pop()
        path = module_file(package, name)
        if name in found or path is None:
            continue
        found.add(name)
        for node in ast.walk(ast.parse(path.read_bytes(), str(path))):
            if isinstance(node, ast.Import):
                pending += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: from the importing module's package
                    parent = name.rsplit(".", node.level)[0]
                    base = f"{parent}.{base}" if base else parent
                # `from etl import tokens` names a module; `from etl.tokens import segment` not
                pending += [base, *(f"{base}.{alias.name}" for alias in node.names)]
    return found


def deriving_files(package: Path) -> list[Path]:
    """The files whose contents decide a document's rows, in a stable order."""
    modules = [module_file(package, name) for name in sorted(imported_modules(package))]
    data = [path for folder in DATA_FOLDERS for path in sorted((package / folder).glob("*"))]
    return [path for path in [*modules, *data] if path is not None and path.is_file()]


def fingerprint(package: Path) -> str:
    """A fingerprint of the segmenter and of the deriving files of the package at `package`."""
    digest = hashlib.sha256(SEGMENTER.encode())
    for path in deriving_files(package):
        name = path.relative_to(package).as_posix()
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


@cache
def pipeline_version() -> str:
    return fingerprint(PACKAGE)
