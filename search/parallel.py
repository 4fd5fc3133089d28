"""One request's independent parts (its facets, its hits) worked on by more than one core.

NumPy and SciPy's sparse products let go of the interpreter lock while they run, so a
facet counted on another thread runs beside the request's own. The request thread works
too and never waits for a helper that has not started: a helper that is busy with another
request's parts, as under load, leaves the whole job to the request thread, which is the
work it would have done alone.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from .settings import SETTINGS

_HELPERS = ThreadPoolExecutor(max_workers=max(1, SETTINGS.request_helpers),
                              thread_name_prefix="newsfacet-helper")


def run_shared(calls, helpers: int = SETTINGS.request_helpers) -> list:
    """``[call() for call in calls]``, the calls taken one at a time by the calling thread
    and up to ``helpers`` pool threads; the first exception raised is raised here."""
    calls = list(calls)
    results: list = [None] * len(calls)
    errors: list[BaseException] = []
    taken = iter(range(len(calls)))
    lock = threading.Lock()

    def work() -> None:
        while not errors:
            with lock:
                i = next(taken, None)
            if i is None:
                return
            try:
                results[i] = calls[i]()
            except BaseException as exc:   # handed to the caller below
                errors.append(exc)

    started = [_HELPERS.submit(work) for _ in range(min(helpers, len(calls) - 1))]
    work()
    for future in started:
        if not future.cancel():   # started: finishing the call it took
            future.result()
    if errors:
        raise errors[0]
    return results
