"""The time one request may spend on the parts of a search that can grow expensive.

Datasette's facet time limit is the model: a request gets a budget (``Engine``'s
``time_budget_ms``, 1,000 ms unless configured), and the parts that can take long on a big
collection or an unlucky query (expanding fuzzy and wildcard terms, checking phrase
positions, the did-you-mean, the similar articles of an article) look at it before and while
they work. A part that finds the time spent stops, keeps what it computed, and is named in
the response's ``timed_out`` list; the response is still a 200 with everything else.
"""

from __future__ import annotations

import threading
import time


class TimeUp(Exception):
    """A part of a search stopped because the request's time ran out; ``partial`` holds what it
    found before stopping (None: nothing usable)."""

    def __init__(self, partial=None):
        super().__init__("the request's time budget ran out")
        self.partial = partial


class Budget:
    """The time left to one request, and the parts cut short so far."""

    def __init__(self, ms: float | None):
        """``ms``: milliseconds from now (None: no limit; 0: the expensive parts are skipped)."""
        self.ms = ms
        self._deadline = None if ms is None else time.perf_counter() + ms / 1000
        self.timed_out: list[str] = []

    def limited(self) -> bool:
        """True when the request has a time limit (``ms`` is not None)."""
        return self._deadline is not None

    def left(self) -> bool:
        """True while there is time left."""
        return self._deadline is None or time.perf_counter() < self._deadline

    def cut(self, part: str) -> None:
        """Record that ``part`` (e.g. ``suggestion``, ``phrase "oil prices"``) was cut short."""
        if part not in self.timed_out:
            self.timed_out.append(part)


_RUNNING = [0]                  # requests of this process holding an index generation
_RUNNING_LOCK = threading.Lock()


def count_request(change: int) -> None:
    """One more (+1) or one fewer (-1) request holding a generation (``generation``)."""
    with _RUNNING_LOCK:
        _RUNNING[0] += change


def requests_running() -> bool:
    """True while any request of this process holds an index generation."""
    return _RUNNING[0] > 0


class Courteous(Budget):
    """The budget of background work (a phrase checked in full after a request's time cut
    it short): no time limit, but each look at the time first waits, at most ``wait_s``, while
    ``busy()`` says requests are being answered. Its Python would otherwise slow them
    several times over: each of their calls that lets go of the interpreter lock (NumPy, zlib)
    waits to get it back from the background work."""

    def __init__(self, busy, wait_s: float = 0.05):
        super().__init__(None)
        self._busy, self._wait_s = busy, wait_s

    def left(self) -> bool:
        until = time.perf_counter() + self._wait_s
        while self._busy() and time.perf_counter() < until:
            time.sleep(0.002)
        return True
