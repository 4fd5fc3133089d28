"""The time one request may spend on the parts of a search that can grow expensive.

Datasette's facet time limit is the model: a request gets a budget (``Engine``'s
``time_budget_ms``, 1,000 ms unless configured), and the parts that can take long on a big
collection or an unlucky query (expanding fuzzy and wildcard terms, checking phrase
positions, the did-you-mean, the similar articles of an article) look at it before and while
they work. A part that finds the time spent stops, keeps what it computed, and is named in
the response's ``timed_out`` list; the response is still a 200 with everything else.
"""

from __future__ import annotations

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
