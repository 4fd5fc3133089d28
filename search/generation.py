"""Index generations: what a request reads, kept open until the last request using it ends.

``newsfacet index`` commits a new generation while a server answers from the old one. Each
request takes the newest generation that is ready and holds it until it has answered, an
export streaming for minutes included. The first request that notices a newer generation on
disk starts opening it in a background thread (one at a time) and, like every request until
it is ready, goes on with the one it has. Opening maps the column files ``newsfacet index``
wrote when it committed the generation's segments (``column_files``). A replaced generation
is closed when its last user lets go. A build run in the same process as an engine
(``indexer.index_paths``) opens the new generation for it before it returns (``announce``),
so that the engine answers from what was just indexed.

Whoosh's ``Searcher.refresh`` is not used: it closes the readers of segments the new
generation no longer has and shares the others with it, so a request still running on the
old generation would find its reader closed.

Requests run in threads and read one generation together. Whoosh's postings reader moves
the single read position of a segment's postings file (seek, then read) for every block, so
two threads reading postings at once read each other's bytes ("Block tag error"); each
postings file is given a read position per thread (``whoosh_internals.ThreadPositions``).
"""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from contextlib import contextmanager

import numpy as np

from .budget import count_request
from .facets import Columns
from .settings import SETTINGS
from .stories import Similarities
from .whoosh_internals import share_between_threads

log = logging.getLogger(__name__)


class Generation:
    """One committed index generation: its searcher, its value columns and its users."""

    def __init__(self, searcher, similarities: Similarities | None = None, folder=None):
        """``folder``: the index folder, whose column files are mapped where present."""
        share_between_threads(searcher.reader())
        self.searcher = searcher
        self.number = searcher.reader().generation()
        self.columns = Columns(searcher.reader(), similarities, folder)
        live = np.flatnonzero(self.columns.live)
        if len(live):   # warm: open the stored-fields files now, not on the first search
            searcher.stored_fields(int(live[0]))
        self.columns.warm()   # before any request uses it: opening, or swapping in the background
        self._users = 0
        self._retired = False
        self._lock = threading.Lock()

    def acquire(self) -> None:
        """Count one more request using this generation."""
        with self._lock:
            self._users += 1
        count_request(+1)

    def release(self) -> None:
        """A request is done with this generation; the last one closes a replaced generation."""
        count_request(-1)
        with self._lock:
            self._users -= 1
            close = self._retired and self._users == 0
        if close:
            self.searcher.close()

    def retire(self) -> None:
        """A newer generation replaces this one: close it once nobody uses it."""
        with self._lock:
            self._retired = True
            close = self._users == 0
        if close:
            self.searcher.close()

    @property
    def closed(self) -> bool:
        """True once the generation's files are closed (it was replaced and nobody used it)."""
        return self.searcher.is_closed


_OPEN: "weakref.WeakSet[Generations]" = weakref.WeakSet()   # every Generations of this process
_OPEN_LOCK = threading.Lock()


def announce(index_dir) -> None:
    """A build in this process committed a new generation in ``index_dir``: every engine of
    this process on that folder opens it now, so it answers from it as soon as the build
    returns (an engine in another process opens it in the background)."""
    folder = os.path.realpath(index_dir)
    with _OPEN_LOCK:
        found = [g for g in _OPEN if g.folder == folder]
    for generations in found:
        generations.refresh()


class Generations:
    """The generations of one index: the current one, and the switch to a newer one."""

    def __init__(self, ix):
        self._ix = ix
        self.folder = os.path.realpath(ix.storage.folder)
        self._lock = threading.Lock()        # guards _current
        self._opening = threading.Lock()     # held while a newer generation is being opened
        self._current = self._open()
        with _OPEN_LOCK:
            _OPEN.add(self)

    def _open(self) -> Generation:
        for attempt in range(SETTINGS.open_attempts):
            try:
                return Generation(self._ix.searcher(), folder=self.folder)
            except Exception:   # files removed by a newer commit while we read them
                if attempt == SETTINGS.open_attempts - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def _take(self) -> Generation:
        with self._lock:
            gen = self._current
            gen.acquire()
        return gen

    def _is_stale(self, gen: Generation) -> bool:
        try:
            return self._ix.latest_generation() != gen.number
        except Exception:   # the folder is being written right now: keep what we have
            return False

    def acquire(self) -> Generation:
        """The newest ready generation, counted as used until ``release``. When a newer one
        is on disk, it starts being opened in the background; this request does not wait."""
        gen = self._take()
        if self._is_stale(gen) and self._opening.acquire(blocking=False):
            threading.Thread(target=self._switch, name="newsfacet-open-generation",
                             daemon=True).start()
        return gen

    def refresh(self) -> None:
        """Open the newest generation now, in this thread (after waiting for an opening under
        way), unless it is already the current one."""
        self._opening.acquire()
        self._switch()

    def _switch(self) -> None:
        """Open the newest generation and make it the current one (``_opening`` is held by
        the caller, and released here)."""
        try:
            with self._lock:
                current = self._current
            if not self._is_stale(current):
                return
            try:
                newer = self._open()
            except Exception:
                log.warning("a newer index generation could not be opened; still answering "
                            "from generation %s", current.number, exc_info=True)
                return
            with self._lock:
                old, self._current = self._current, newer
            old.retire()
        finally:
            self._opening.release()

    @contextmanager
    def use(self):
        """``with generations.use() as gen:`` the newest generation, held for the block."""
        gen = self.acquire()
        try:
            yield gen
        finally:
            gen.release()
