"""Extraction on the workers of a Dask cluster: ``newsfacet index PATH --to opensearch
--dask-scheduler tcp://HOST:8786``.

The jobs of a load (``extraction.py``) are sent to the scheduler in tasks of about
``ARTICLES_PER_TASK`` articles, each run by the same ``extract_batch`` as a local worker
process runs, and their results come back to the loader, which sends them to OpenSearch.
At most ``TASKS_PER_THREAD`` tasks per worker thread are out at a time, so a large
collection is read as the cluster takes it. A worker reads a file by the path the loader
gives, so the workers must see the collection at the same paths (a shared file system),
and need newsfacet installed.

A task that failed is run again by Dask (``TASK_RETRIES`` times, and again on another
worker when its worker died); a task that still fails has each of its files (or records)
reported as not extracted, and they keep what the index holds.
"""

from __future__ import annotations

from contextlib import contextmanager
from importlib import metadata
from typing import Iterator

from ..indexer import IndexError_
from .extraction import extract_batch, failed_job, job_articles

#: Articles (records of a multi-record file, or files) sent to a Dask worker in one task.
ARTICLES_PER_TASK = 100
#: Tasks out at a time for each thread of the cluster's workers.
TASKS_PER_THREAD = 2
#: Seconds to wait for the scheduler to answer, and for a first worker to join it.
CONNECT_SECONDS = 10
#: Times Dask runs a failed task again before its files are reported.
TASK_RETRIES = 2
#: How to install what ``--dask-scheduler`` needs.
INSTALL = "pip install 'newsfacet[dask]'"


class DaskWorkers:
    """Extraction on the workers of the Dask cluster ``client`` (a
    ``distributed.Client``) whose scheduler is at ``address``."""

    #: A multi-record file's records in a job: a task's worth.
    records_per_task = ARTICLES_PER_TASK

    def __init__(self, client, address: str):
        self.client, self.address = client, address
        self.workers = len(client.nthreads())

    def run(self, jobs: Iterator[tuple]) -> Iterator[list[tuple]]:
        """The results of ``jobs``, a task's list of them at a time, as tasks finish."""
        from distributed import as_completed

        batches = _batches(jobs)
        finished = as_completed(loop=self.client.loop)
        sent: dict[str, list[tuple]] = {}

        def send_next() -> None:
            batch = next(batches, None)
            if batch is not None:
                future = self.client.submit(extract_batch, batch, pure=False,
                                            retries=TASK_RETRIES)
                sent[future.key] = batch
                finished.add(future)

        for _ in range(max(1, TASKS_PER_THREAD * sum(self.client.nthreads().values()))):
            send_next()
        for future in finished:
            batch = sent.pop(future.key)
            yield self._results(future, batch)
            future.release()
            send_next()

    def _results(self, future, batch: list[tuple]) -> list[tuple]:
        """A finished task's results; a failed task's jobs, each reported as failed."""
        if future.status == "finished":
            return future.result()
        if future.status == "cancelled":
            raise IndexError_(f"the Dask scheduler at {self.address} stopped answering (the "
                              "task was cancelled); run the same command again once it answers")
        exc = future.exception()
        reason = f"the Dask task failed: {type(exc).__name__}: {exc}"
        return [failed_job(job, reason) for job in batch]


def _batches(jobs: Iterator[tuple]) -> Iterator[list[tuple]]:
    """``jobs`` in lists of at most ``ARTICLES_PER_TASK`` articles (or of one larger job)."""
    batch, size = [], 0
    for job in jobs:
        articles = job_articles(job)
        if batch and size + articles > ARTICLES_PER_TASK:
            yield batch
            batch, size = [], 0
        batch.append(job)
        size += articles
    if batch:
        yield batch


@contextmanager
def connect(address: str, timeout: float | None = None) -> Iterator[DaskWorkers]:
    """``DaskWorkers`` on the scheduler at ``address``, closed on leaving. ``IndexError_``
    says why it cannot be used: dask.distributed not installed, the scheduler not answering
    within ``timeout`` seconds (default ``CONNECT_SECONDS``), no worker joining it, or workers
    without newsfacet."""
    try:
        from distributed import Client
    except ImportError:
        raise IndexError_(f"--dask-scheduler needs dask.distributed, which is not installed: "
                          f"{INSTALL}") from None
    timeout = CONNECT_SECONDS if timeout is None else timeout
    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except (OSError, ValueError, TypeError) as exc:
        raise IndexError_(f"could not reach the Dask scheduler at {address}: {exc}") from None
    try:
        _check_workers(client, address, timeout)
        yield DaskWorkers(client, address)
    finally:
        client.close()


def _check_workers(client, address: str, timeout: float) -> None:
    """That the cluster has a worker (waiting ``timeout`` seconds for one) and that every
    worker has newsfacet installed."""
    try:
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError:
        raise IndexError_(f"the Dask scheduler at {address} has no workers: start some with "
                          f"`dask worker {address}` (each with newsfacet installed)") from None
    try:
        client.run(metadata.version, "newsfacet")
    except metadata.PackageNotFoundError:
        raise IndexError_(f"a worker of the Dask scheduler at {address} does not have newsfacet "
                          f"installed: install it on every worker ({INSTALL})") from None
