"""Reading and extracting the files a load sends, with the Whoosh build's own readers and
extractors: the jobs of ``indexer._tasks`` (a file to read, or a batch of a multi-record
file's records) run by one batch function, ``extract_batch``, in worker processes on this
machine (``LocalWorkers``) or on the workers of a Dask cluster (``dask_workers.py``).

A job is ``(path, last, task, args)`` as ``indexer._tasks`` yields it; its result is
``(path, last, items)``: each item a ``ReadProblem``, an ``indexer._Kept`` record, or an
extracted ``(key, article, record signature, MinHash signature)``.
"""

from __future__ import annotations

from collections import deque
from concurrent.futures import ProcessPoolExecutor
from typing import Iterator

from ..indexer import _extract_all, _Kept
from ..readers import ReadProblem
from ..stories import signature

#: Jobs a worker pool holds for each of its workers: enough to keep it busy, and no more,
#: so that a large collection's records are read as they are needed.
JOBS_PER_WORKER = 2


def extract_batch(jobs: list[tuple]) -> list[tuple]:
    """A task of a worker process or of a Dask worker: each job's ``(path, last, items)``,
    every extracted article with the MinHash signature of its text (``stories.signature``).
    A file that cannot be read or an article that cannot be extracted is a ``ReadProblem``
    among the items; this does not raise for them."""
    return [(path, last, [(*item, signature(item[1].text)) if isinstance(item, tuple) else item
                          for item in task(*args)])
            for path, last, task, args in jobs]


def job_articles(job: tuple) -> int:
    """About how many articles a job extracts: a batch's records, or one for a file (a file
    read on the worker is counted as one article, whatever it holds)."""
    _, _, task, args = job
    return len(args[0]) if task is _extract_all else 1


def failed_job(job: tuple, reason: str) -> tuple:
    """The result of a job whose task failed as a whole (``reason``): each record of a batch
    it would have extracted, or its file, as a ``ReadProblem`` (a record that is as it was
    indexed stays ``_Kept``), so that every one is reported and keeps what the index holds."""
    path, last, task, args = job
    if task is _extract_all:
        items = [raw if isinstance(raw, (ReadProblem, _Kept)) else ReadProblem(raw.key, reason)
                 for raw in args[0]]
    else:
        items = [ReadProblem(path, reason)]
    return path, last, items


class LocalWorkers:
    """Extraction in ``workers`` processes on this machine, a job at a time each."""

    #: A multi-record file's records in a job: the Whoosh build's (``SETTINGS``).
    records_per_task = None

    def __init__(self, workers: int):
        self.workers = workers

    def run(self, jobs: Iterator[tuple]) -> Iterator[list[tuple]]:
        """The results of ``jobs``, in their order, a list of them at a time."""
        with ProcessPoolExecutor(max_workers=self.workers) as pool:
            pending: deque = deque()
            for job in jobs:
                pending.append(pool.submit(extract_batch, [job]))
                while len(pending) > JOBS_PER_WORKER * self.workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
