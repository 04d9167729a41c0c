"""A served site and a headless Chromium: the real processes a visitor meets, for the tests.

`served_site` runs `pingan serve` as a subprocess on a free port of 127.0.0.1, as a user would;
`chromium` drives Debian's Chromium through Playwright (never a downloaded browser).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

PINGAN = str(Path(sys.executable).with_name("pingan"))
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def served_site(db_path: Path, log_path: Path) -> Iterator[str]:
    """`pingan serve` on `db_path`; yields its base URL once it answers, stops it afterwards.

    The server's output goes to `log_path`, so a test can show why the server did not start
    or look for errors it logged while serving.
    """
    port = free_port()
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [PINGAN, "serve", "--db", str(db_path), "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(server, base_url, log_path)
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_until_answering(server: subprocess.Popen, base_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"pingan serve exited with {server.returncode}: {log_path.read_text()}")
        try:
            if httpx.get(f"{base_url}/-/versions.json", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"pingan serve did not answer in {SERVER_START_SECONDS} s: {log_path.read_text()}")


def require_chromium() -> None:
    """Skip only on a machine without Chromium; in CI (where .ci/run installs it) fail instead."""
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI must install Chromium (.ci/run: apt-get install chromium): no {CHROMIUM}")
    pytest.skip(f"no Chromium at {CHROMIUM}")


@contextmanager
def chromium() -> Iterator:
    """A headless Debian Chromium (a Playwright Browser) with the flags of a quiet, offline run."""
    from playwright.sync_api import sync_playwright

    require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        try:
            yield browser
        finally:
            browser.close()
