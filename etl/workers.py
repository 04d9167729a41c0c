"""Building documents in worker processes: `etl.pipeline` turns each job's bytes into rows,
in `jobs` processes, a bounded number in flight, in order.

A worker dies with the load that started it, whatever kills the load (`exit_with_parent`), and
holds no lock of it (`etl.db` closes inherited lock descriptors at fork).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from etl import writer
from etl.errors import RejectedFile
from etl.plan import Job

if TYPE_CHECKING:
    from etl.pipeline import DocumentRecord

PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent dies


@dataclass(frozen=True)
class Built:
    """What a worker hands back for one job: a document to write, or why there is none."""

    job: Job
    record: DocumentRecord | None = None
    error: str | None = None


def build(job: Job) -> Built:
    """Build one document, turning any failure into a reason (runs in worker processes)."""
    from etl.pipeline import build_document  # here: a run that builds nothing skips its imports

    try:
        record = build_document(job.source)
        if job.encoding:
            record = replace(record, encoding=job.encoding)
        return Built(job, record=record)
    except RejectedFile as error:
        return Built(job, error=str(error))
    except Exception as error:  # noqa: BLE001 - one broken file must never stop the others
        return Built(job, error=f"unexpected {type(error).__name__}: {error}")


def build_all(jobs_to_build: Iterable[Job], jobs: int) -> Iterator[Built]:
    """Build documents in order, in `jobs` processes, with a bounded number in flight.

    Bounded, so that memory stays flat however many files there are.
    """
    if jobs <= 1:
        yield from map(build, jobs_to_build)
        return
    with ProcessPoolExecutor(
        max_workers=jobs, initializer=exit_with_parent, initargs=(os.getpid(),)
    ) as pool:
        # enough in flight that the workers stay busy while the writer writes a batch
        yield from _bounded_map(pool, jobs_to_build, in_flight=jobs * 8 + writer.BATCH_DOCUMENTS)


def exit_with_parent(parent: int) -> None:
    """Make this worker die with the load that started it, whatever kills the load.

    A worker blocked on its task queue never notices that the parent is gone: killed loads
    left their workers idle for good, holding what they had inherited (memory, database
    sockets). On Linux the kernel sends the worker SIGKILL when its parent dies; elsewhere a
    thread looks for a new parent once a second."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    else:
        threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent died before the worker could ask to follow it
        os._exit(1)


def _exit_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


def _bounded_map(pool: Executor, jobs_to_build: Iterable[Job], in_flight: int) -> Iterator[Built]:
    pending: deque[Future[Built]] = deque()
    for job in jobs_to_build:
        pending.append(pool.submit(build, job))
        if len(pending) >= in_flight:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()
