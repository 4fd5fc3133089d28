"""Builds and updates a newsfacet index from files and folders.

Reading and extraction run in worker processes; one writer (this process) adds
the articles to Whoosh. The build is incremental (new files are added, changed
ones re-indexed, unchanged ones left alone) and atomic: Whoosh only switches
readers to the new generation when ``commit`` writes its table of contents, so
an interrupted build leaves the previous index as it was. A build that changes
nothing writes no new generation.

One build at a time holds the index's write lock (Whoosh's ``MAIN_WRITELOCK``, an
``flock``: the kernel releases it when its process ends, so a killed build never
leaves the index locked). What a killed build leaves behind (its temporary folder,
segment files that no table of contents names, a half-written table of contents) is
removed by the next build, which says so. Ctrl-C and SIGTERM stop a build and leave
the index as it was; once the commit has begun, they wait for it to be written.

A long build commits a checkpoint every ``checkpoint`` extracted articles: the workers hand
over their segments and the index gets a new generation with everything finished so far,
so that a stopped build keeps that work. The next run of the same command carries on: files
indexed at a checkpoint are unchanged by then, and the .json/.jsonl files that were half
done (listed in ``unfinished.json``) are read again, their indexed records kept as they are.
"""

from __future__ import annotations

import errno
import gc
import itertools
import json
import multiprocessing
import os
import queue
import re
import shlex
import shutil
import signal
import sys
import threading
import time
from contextlib import suppress
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple

import numpy as np
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC
from whoosh.reading import MultiReader, SegmentReader
from whoosh.writing import SegmentWriter

from . import column_files, merged_columns
from .extract import extract
from .facets import (Columns, id_numbers, live_mask, merge_generation, one_per_article,
                     segment_list, story_roots)
from .generation import announce
from .lexicon import field_words, pack_words
from .readers import ReadProblem, file_kind, iter_files, printable, read_file
from .schema import SCHEMA_VERSION, build_schema, decode_state, display_path, to_document
from .settings import SETTINGS
from .stories import Similarities
from .whoosh_internals import commit_with_segments, finish_worker_segment, worker_writer

MARKER = "newsfacet.json"          # says "this folder is a newsfacet index"
REPORT = "last-build.json"         # what the last build did, skipped and failed
UNFINISHED = "unfinished.json"     # multi-record files a checkpoint holds in part
AS_IT_WAS = "the index is as it was before this run"   # ends the message of a build that failed
PARTIAL = ".partial"               # suffix of a file being written (then renamed into place)
PROBE = ".write-test"              # written and removed to see that the folder is writable
MULTI_RECORD = (".json", ".jsonl")

# Whoosh's files in an index folder: the index name, its lock, tables of contents
# (a finished one, and one being written), segment files and the writers' temporary folder.
_NAME = "MAIN"
_LOCK = f"{_NAME}_WRITELOCK"
_TOC_FILE = re.compile(rf"^_{_NAME}_(\d+)\.toc$")
_TOC_PARTIAL = re.compile(rf"^_{_NAME}_\d+\.toc\..+$")
_SEGMENT_FILE = re.compile(rf"^({_NAME}_[0-9a-z]+)\.")
_TEMP_FOLDER = f"{_NAME}.tmp"
_OURS = {MARKER, REPORT, PROBE, _LOCK}    # what a folder may hold before its index is made

# Why writing to the index folder failed, as a user reads it, and what to do about it.
_SPACE = "free some space or choose another --index folder, then run again"
_ACCESS = "make the folder writable or choose another --index folder"
_WRITE_ERRORS = {
    errno.ENOSPC: ("no space left on the device", _SPACE),
    errno.EDQUOT: ("the disk quota is used up", _SPACE),
    errno.EFBIG: ("a file grew past the size this process may write (ulimit -f)",
                  "raise the limit or choose another --index folder, then run again"),
    errno.EROFS: ("the file system is read-only", _ACCESS),
    errno.EACCES: ("permission denied", _ACCESS),
    errno.EPERM: ("permission denied", _ACCESS),
}


class IndexError_(Exception):
    """A problem that stops a build, with a message meant for the user."""


class NothingToIndex(IndexError_):
    """No file to index was found under the paths given."""


class Terminated(KeyboardInterrupt):
    """SIGTERM: the build stops as it does on Ctrl-C."""


@dataclass
class BuildReport:
    """What a build did: counts, and every skipped or failed input with why.

    File names are in display form (see ``schema.display_path``), so the report is
    always valid UTF-8 JSON; print them with ``readers.printable``.
    """

    indexed: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: list = field(default_factory=list)   # [{"file": path, "reason": why}]
    failed: list = field(default_factory=list)    # [{"file": key, "path": file, "reason": why}]
    notes: list = field(default_factory=list)     # what else the user should know
    extracted: int = 0                            # articles read and extracted by this build
    articles: int = 0                             # in the index after the build (distinct ids)
    documents: int = 0                            # files and records behind them
    seconds: float = 0.0
    checkpoints: int = 0                          # generations committed before the build's last
    finished: bool = True                         # False in the report a checkpoint writes

    def summary(self) -> str:
        """One line a user reads at the end of a build."""
        copies = self.documents - self.articles
        return (f"indexed {self.indexed}, updated {self.updated}, unchanged {self.unchanged}, "
                f"removed {self.removed}, skipped {len(self.skipped)}, failed {len(self.failed)} "
                f"— {self.articles} articles in the index"
                + (f" ({copies} more files or records hold the same text as another)" if copies else "")
                + f" ({self.seconds:.1f} s)")


# --- the index folder ------------------------------------------------------------

def _command(index_dir: Path, rebuild: bool = False) -> str:
    """The command that builds ``index_dir``, to quote in a message."""
    return (f"newsfacet index PATH --index {shlex.quote(printable(index_dir))}"
            + (" --rebuild" if rebuild else ""))


def _problem(index_dir: Path, what: str) -> IndexError_:
    """An IndexError_ about ``index_dir``, worded the same by every command."""
    return IndexError_(f"index folder {printable(index_dir)} {what}")


def damaged(index_dir: Path, exc: BaseException) -> IndexError_:
    """The IndexError_ for an index folder whose files cannot be read (``exc`` says why)."""
    detail = printable(f"{type(exc).__name__}: {exc}")[:300]
    return _problem(index_dir, f"is damaged and cannot be read ({detail}); "
                               f"build it anew with: {_command(index_dir, rebuild=True)}")


def _write_failed(index_dir: Path, exc: OSError) -> IndexError_:
    """The IndexError_ for a failed write to ``index_dir``: why, and what to do."""
    why, todo = _WRITE_ERRORS.get(exc.errno, (exc.strerror or str(exc),
                                              "fix the folder or choose another --index folder"))
    return _problem(index_dir, f"could not be written ({why}); {todo}; "
                               + AS_IT_WAS)


def _has_toc(index_dir: Path) -> bool:
    return any(_TOC_FILE.match(name) for name in os.listdir(index_dir))


def _marker_version(index_dir: Path) -> int | None:
    """The index format named by the folder's marker (None: no marker)."""
    marker = index_dir / MARKER
    if not marker.is_file():
        return None
    try:
        version = json.loads(marker.read_text(encoding="utf-8"))["schema_version"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise damaged(index_dir, exc) from None
    if not isinstance(version, int):
        raise damaged(index_dir, ValueError(f"{MARKER} names no index format"))
    return version


def _check_version(index_dir: Path, version: int) -> None:
    if version > SCHEMA_VERSION:
        raise _problem(index_dir, f"was made by a newer newsfacet (index format {version}; this one "
                                  f"reads {SCHEMA_VERSION}); upgrade newsfacet, or replace the index "
                                  f"with: {_command(index_dir, rebuild=True)}")
    if version < SCHEMA_VERSION:
        raise _problem(index_dir, f"was made by an older newsfacet (index format {version}; this one "
                                  f"reads {SCHEMA_VERSION}); build it anew with: "
                                  f"{_command(index_dir, rebuild=True)}")


def _open_checked(index_dir: Path):
    """The Whoosh index in ``index_dir`` after checking that all its segments open."""
    try:
        ix = whoosh_index.open_dir(str(index_dir))
        ix.reader().close()
        return ix
    except Exception as exc:   # a garbled, cut or missing file: Whoosh raises many kinds
        raise damaged(index_dir, exc) from None


def index_version(index_dir: Path) -> int | None:
    """The one test of "this folder holds a newsfacet index": None when it holds no index
    at all (no Whoosh table of contents), else the index format its marker names; an index
    without the marker is another program's (IndexError_)."""
    if not _has_toc(index_dir):
        return None
    version = _marker_version(index_dir)
    if version is None:
        raise _problem(index_dir, "holds an index that newsfacet did not make; "
                                  "choose another --index folder")
    return version


def check_index(index_dir: str | Path) -> None:
    """Raise IndexError_, saying why and what to do, unless ``index_dir`` holds a newsfacet
    index of this version (its files are not opened: ``open_index`` does that too)."""
    index_dir = Path(index_dir)
    if not index_dir.exists():
        raise _problem(index_dir, f"does not exist; build it with: {_command(index_dir)}")
    if not index_dir.is_dir():
        raise _problem(index_dir, "is a file, not a folder; choose another --index folder")
    version = index_version(index_dir)
    if version is None:
        raise _problem(index_dir, f"is not a newsfacet index; build one with: {_command(index_dir)}")
    _check_version(index_dir, version)


def is_index(index_dir: str | Path) -> bool:
    """True when ``index_dir`` holds a newsfacet index of this version."""
    try:
        check_index(index_dir)
    except IndexError_:
        return False
    return True


def open_index(index_dir: str | Path):
    """Open an existing newsfacet index for reading, or say clearly why not and what to do."""
    check_index(index_dir)
    return _open_checked(Path(index_dir))


def _prepare_folder(index_dir: Path) -> str | None:
    """Make sure ``index_dir`` can hold this build's index.

    Returns None for a folder that holds an index, "made" for a folder made now and
    "empty" for a folder that held no index, so a build that indexes nothing into a
    new index can leave nothing behind.
    """
    if index_dir.exists() and not index_dir.is_dir():
        raise _problem(index_dir, "is a file, not a folder; choose another --index folder")
    fresh = "empty" if index_dir.exists() else "made"
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        if index_version(index_dir) is not None:
            fresh = None
        elif any(not _ours(name) for name in os.listdir(index_dir)):
            raise _problem(index_dir, "is not empty and is not a newsfacet index; "
                                      "choose an empty or new --index folder")
        probe = index_dir / PROBE
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise _write_failed(index_dir, exc) from None
    return fresh


def _ours(name: str) -> bool:
    """True for a file a build puts in an index folder before (or instead of) an index."""
    return name in _OURS or name.endswith(PARTIAL) or name == _TEMP_FOLDER or bool(_SEGMENT_FILE.match(name))


def _take_lock(index_dir: Path):
    """The index's write lock, held; a clear message when another build holds it."""
    lock = FileStorage(str(index_dir)).lock(_LOCK)
    try:
        taken = lock.acquire()
    except OSError as exc:
        raise _write_failed(index_dir, exc) from None
    if not taken:
        raise _problem(index_dir, "is busy: another newsfacet index is writing to it; "
                                  "wait for it to finish and run again")
    return lock


def _open_or_create(index_dir: Path, rebuild: bool):
    """The index to update (under the write lock): checked, or made anew when there is
    none, or when ``rebuild`` replaces one of another format or a damaged one."""
    version = index_version(index_dir)
    if version is not None:
        if not rebuild:
            _check_version(index_dir, version)
            return _open_checked(index_dir)
        if version == SCHEMA_VERSION:
            try:
                return _open_checked(index_dir)
            except IndexError_:   # damaged: --rebuild makes it anew
                pass
    _write_atomic(index_dir / MARKER, json.dumps({"schema_version": SCHEMA_VERSION}) + "\n")
    return whoosh_index.create_in(str(index_dir), build_schema())


def _remove_leftovers(index_dir: Path) -> tuple[int, int]:
    """Remove what unfinished writers left in ``index_dir`` (under the write lock):
    (files removed, bytes freed). Files of the current generation are kept."""
    toc = TOC.read(FileStorage(str(index_dir)), _NAME)
    live = {segment.segment_id() for segment in toc.segments}
    files = size = 0
    for entry in os.scandir(index_dir):
        name = entry.name
        toc_file, segment = _TOC_FILE.match(name), _SEGMENT_FILE.match(name)
        if name == _TEMP_FOLDER:
            inner = list(os.scandir(entry.path))
            files += len(inner)
            size += sum(e.stat().st_size for e in inner if e.is_file(follow_symlinks=False))
            shutil.rmtree(entry.path, ignore_errors=True)
        elif ((toc_file and int(toc_file.group(1)) != toc.generation) or _TOC_PARTIAL.match(name)
              or (segment and segment.group(1) not in live) or name.endswith(PARTIAL)):
            files += 1
            size += entry.stat().st_size
            os.unlink(entry.path)
    return files, size


def _size(count: int) -> str:
    """A number of bytes as a user reads it: "3.1 kB", "12.4 MB"."""
    for unit in ("bytes", "kB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1000


def _clean_up(index_dir: Path, fresh: str | None) -> None:
    """After a failed or stopped build: remove what it wrote, as far as possible (a
    file left now is removed by the next build)."""
    try:
        if fresh:
            _discard(index_dir, fresh)
        else:
            _remove_leftovers(index_dir)
    except Exception:
        pass


def _discard(index_dir: Path, fresh: str) -> None:
    """Remove the index this build began in a folder that held none."""
    if fresh == "made":
        shutil.rmtree(index_dir, ignore_errors=True)
        return
    for entry in os.scandir(index_dir):
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            os.unlink(entry.path)


def _write_atomic(path: Path, content: str | bytes) -> None:
    """Write ``path`` whole or not at all: a reader never sees it half-written (text is
    written as UTF-8)."""
    partial = path.with_name(path.name + PARTIAL)
    try:
        with open(partial, "wb") as fh:
            fh.write(content.encode("utf-8") if isinstance(content, str) else content)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


class _Doc(NamedTuple):
    """A document in the index, as the ``state`` column and its number describe it."""

    docnum: int
    id: str
    path: str
    sig: str | None
    record_sig: str


@dataclass(frozen=True)
class _Kept:
    """A record of a changed multi-record file that is as it was when indexed: its document
    stays, and it is not extracted again."""

    key: str


def _current_state(writer) -> dict[str, _Doc]:
    """key -> _Doc of every live document, read through the writer's own reader, so
    that what the build compares with is what it holds the lock on."""
    reader = writer.reader()
    try:
        if reader.doc_count_all() == 0:
            return {}
        column = reader.column_reader("state")
        state = {}
        for docnum in reader.all_doc_ids():
            key, path, art_id, sig, record_sig = decode_state(column[docnum])
            state[key] = _Doc(docnum, art_id, path, sig, record_sig)
        return state
    finally:
        reader.close()


def _file_sig(path: Path) -> str | None:
    """Size and modification time of ``path``; None when it cannot be looked at (the read says why)."""
    try:
        st = path.stat()
    except OSError:
        return None
    return f"{st.st_size}:{st.st_mtime_ns}"


# --- work done in worker processes ----------------------------------------------

def _extract_all(raws: Iterable) -> list:
    """Extract every RawDocument into (key, article, record signature); pass ReadProblems
    and kept records through; never raise."""
    out = []
    for raw in raws:
        if isinstance(raw, (ReadProblem, _Kept)):
            out.append(raw)
            continue
        try:
            out.append((raw.key, extract(raw), raw.signature()))
        except Exception as exc:  # one bad article never stops the build
            out.append(ReadProblem(raw.key, f"extraction failed: {type(exc).__name__}: {exc}"))
    return out


def _read_and_extract(path: str) -> list:
    """A worker task: read one file and extract its articles."""
    try:
        return _extract_all(read_file(Path(path)))
    except Exception as exc:
        return [ReadProblem(path, f"could not be read: {type(exc).__name__}: {exc}")]


def _tasks(files: list[Path], by_path: dict[str, dict[str, _Doc]],
           records_per_task: int | None = None) -> Iterator[tuple[str, bool, object, tuple]]:
    """(path, last task of the file?, task function, args) for the pool.

    Multi-record files are read here, in the writer process, and their records
    sent to the workers in batches of ``records_per_task`` (default
    ``SETTINGS.records_per_task``), so that one large .jsonl file still keeps
    every core busy. A record whose reader signature is the one its indexed document
    has (``by_path``: the documents of each file) goes as ``_Kept``: it is not extracted
    again, so a changed large file costs the records that changed.
    """
    for path in files:
        if file_kind(path) in MULTI_RECORD:
            indexed = {key: doc.record_sig for key, doc in by_path.get(str(path), {}).items()}
            batch = []
            try:
                for raw in read_file(path):
                    known = None if isinstance(raw, ReadProblem) else indexed.get(raw.key)
                    if known is not None and known == raw.signature():
                        raw = _Kept(raw.key)
                    batch.append(raw)
                    if len(batch) >= (records_per_task or SETTINGS.records_per_task):
                        yield str(path), False, _extract_all, (batch,)
                        batch = []
            except Exception as exc:
                batch.append(ReadProblem(str(path), f"could not be read: {type(exc).__name__}: {exc}"))
            yield str(path), True, _extract_all, (batch,)
        else:
            yield str(path), True, _read_and_extract, (str(path),)


def _watch_parent(parent: int) -> None:
    """A worker ends itself once the writer process is gone (killed with -9, say)."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


def _add_all(writer, items: list, sig: str | None) -> list:
    """Add the extracted articles to ``writer``: (key, id) for each, ReadProblems and kept
    records passed on.

    An OSError is writing to the index folder failing (full, read-only): it ends the build.
    """
    done = []
    for item in items:
        if isinstance(item, tuple):
            key, article, record_sig = item
            try:
                writer.add_document(**to_document(article, sig, key, record_sig))
                item = (key, article.id)
            except OSError:
                raise
            except Exception as exc:
                item = ReadProblem(key, f"could not be indexed: {type(exc).__name__}: {exc}")
        done.append(item)
    return done


CHECKPOINT = "checkpoint"   # a message to a worker: hand over your segment and start another
WORKER_GC_THRESHOLD = 50_000   # objects made between two young collections in a worker


def _segment_writer(index_dir: str) -> SegmentWriter:
    """A worker's writer of a segment of its own, never committed by the worker."""
    return worker_writer(whoosh_index.open_dir(index_dir), SETTINGS.worker_limit_mb)


def _hand_over(writer):
    """Finish a worker's segment and write its column files (here, in parallel, not at the
    commit): the segment, or None when the worker added nothing."""
    segment = finish_worker_segment(writer)
    if segment is not None:
        column_files.write_segments(writer.storage, writer.schema, [segment], _write_atomic)
    return segment


def _worker(index_dir: str, parent: int, tasks, results) -> None:
    """A worker process: extracts each task's articles and indexes them into a segment of its own.

    The writer process holds the index lock, deletes replaced articles and commits;
    when told to (None: the build is done; CHECKPOINT: start another segment), a worker
    hands over its finished segment, which the commit adds to the index as it is.
    Ctrl-C and SIGTERM are the writer's to handle. Messages to the writer: ("done", path,
    last, results), ("segment", segment or None, last segment?), or ("error", OSError)
    when the index folder cannot be written.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    # a worker makes millions of objects that live until its segment is written, and few
    # cycles: Python's default, a collection every 700 objects, walked them for nothing
    gc.set_threshold(WORKER_GC_THRESHOLD)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    try:
        writer = _segment_writer(index_dir)
        while True:
            task = tasks.get()
            if task is None or task == CHECKPOINT:
                results.put(("segment", _hand_over(writer), task is None))
                if task is None:
                    return
                writer = _segment_writer(index_dir)
                continue
            path, sig, last, fn, args = task
            results.put(("done", path, last, _add_all(writer, fn(*args), sig)))
    except OSError as exc:
        results.put(("error", exc))


class _Workers:
    """The worker processes of one build, fed through a bounded queue (flat memory)."""

    def __init__(self, index_dir: Path, count: int):
        # "spawn": a worker must not inherit the writer's open lock file.
        ctx = multiprocessing.get_context("spawn")
        self.index_dir = index_dir
        self.tasks, self.results = ctx.Queue(maxsize=count * 4), ctx.Queue()
        self.procs = [ctx.Process(target=_worker, daemon=True,
                                  args=(str(index_dir), os.getpid(), self.tasks, self.results))
                      for _ in range(count)]
        for proc in self.procs:
            proc.start()
        self.segments: list = []        # handed over and not yet committed
        self.handed = self.stopped = 0  # segments handed over; workers done
        self.sent = self.done = 0       # tasks

    def _receive(self, timeout: float) -> Iterator[tuple[str, bool, list]]:
        """Finished tasks as (path, last, results); collects the workers' segments on the way."""
        try:
            while True:
                kind, *message = self.results.get(timeout=timeout)
                if kind == "error":
                    raise _write_failed(self.index_dir, message[0])
                if kind == "segment":
                    segment, last = message
                    self.handed += 1
                    self.stopped += last
                    if segment is not None:
                        self.segments.append(segment)
                else:
                    self.done += 1
                    yield tuple(message)
                timeout = 0
        except queue.Empty:
            dead = [p.exitcode for p in self.procs if p.exitcode not in (None, 0)]
            if dead:
                raise IndexError_(f"a worker process ended unexpectedly (exit code {dead[0]}); "
                                  + AS_IT_WAS) from None

    def _send(self, item) -> Iterator[tuple[str, bool, list]]:
        """Put ``item`` on the task queue, yielding results while it is full."""
        while True:
            try:
                self.tasks.put(item, timeout=0.05)
                return
            except queue.Full:
                yield from self._receive(timeout=0.05)

    def run(self, tasks: Iterator, checkpoint_due) -> Iterator[tuple]:
        """Send every task, then the stop signals; yield ("done", path, last, results) as
        results come, and ("checkpoint", segments) whenever ``checkpoint_due()`` says so
        between two tasks: every task sent before it is then done and in those segments,
        and the workers have begun new ones."""
        for item in itertools.chain(tasks, [None] * len(self.procs)):
            if item is not None and checkpoint_due():
                yield from self._checkpoint()
            if item is not None:
                self.sent += 1
            for message in self._send(item):
                yield ("done", *message)
            for message in self._receive(timeout=0):
                yield ("done", *message)
        while self.stopped < len(self.procs):
            for message in self._receive(timeout=0.5):
                yield ("done", *message)
        for proc in self.procs:
            proc.join()

    def _checkpoint(self) -> Iterator[tuple]:
        """Wait for every task sent, have every worker hand over its segment, and yield
        ("checkpoint", segments)."""
        while self.done < self.sent:
            for message in self._receive(timeout=0.5):
                yield ("done", *message)
        wanted = self.handed + len(self.procs)
        for _ in self.procs:
            yield from (("done", *message) for message in self._send(CHECKPOINT))
        while self.handed < wanted:
            for message in self._receive(timeout=0.5):
                yield ("done", *message)
        segments, self.segments = self.segments, []
        yield ("checkpoint", segments)

    def stop(self) -> None:
        """End the workers at once (after an interrupt or an error)."""
        for proc in self.procs:
            proc.kill()
            proc.join()

    def close(self) -> None:
        """Close the queues (and their semaphores): nothing is sent or received any more."""
        for q in (self.tasks, self.results):
            q.cancel_join_thread()   # a killed worker reads nothing more: don't wait to flush to it
            q.close()


class _Background:
    """A checkpoint's commit, run by a thread of the writer process while the workers go
    on extracting (on one core, the commit's step over the whole collection would leave
    them idle for minutes at 1M articles). The results that come meanwhile wait in
    ``pending``: taking them deletes the versions they replace, which is the next
    writer's work."""

    def __init__(self, commit, *args, **kwargs):
        self.pending: list[tuple] = []
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(commit, args, kwargs),
                                       name="newsfacet-checkpoint")
        self.thread.start()

    def _run(self, commit, args, kwargs) -> None:
        try:
            commit(*args, **kwargs)
        except BaseException as exc:   # raised again by wait(), in the build's own thread
            self.error = exc

    def done(self) -> bool:
        return not self.thread.is_alive()

    def wait(self) -> list[tuple]:
        """Wait for the commit to end, raising what it raised; the results that came meanwhile."""
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.pending


# --- the build ------------------------------------------------------------------------

class _Progress:
    """A build's progress on stderr: a bar on a terminal, otherwise a line every few
    seconds ($NEWSFACET_PROGRESS_SECONDS, default ``SETTINGS.progress_seconds``) with files and
    articles done and the rate; nothing when not ``enabled``."""

    def __init__(self, files: int, workers: int, enabled: bool):
        self.files, self.files_done, self.articles = files, 0, 0
        self.started = self.shown = time.monotonic()
        self.bar, self.every = None, None
        if not enabled or not files:
            return
        if sys.stderr.isatty():
            from tqdm import tqdm
            self.bar = tqdm(total=files, unit="file", desc="indexing", file=sys.stderr,
                            dynamic_ncols=True)
        else:
            self.every = float(os.environ.get("NEWSFACET_PROGRESS_SECONDS") or SETTINGS.progress_seconds)
            self._say(f"{files} files to read with {workers} worker process" + ("es" if workers > 1 else ""))

    def _say(self, text: str) -> None:
        print(f"indexing: {text}", file=sys.stderr, flush=True)

    def update(self, articles: int, files: int) -> None:
        """``articles`` more articles done, and ``files`` more files."""
        self.files_done += files
        self.articles += articles
        if self.bar is not None:
            self.bar.set_postfix_str(f"{self.articles} articles", refresh=False)
            self.bar.update(files)
        elif self.every is not None and time.monotonic() - self.shown >= self.every:
            self.shown = time.monotonic()
            rate = self.articles / max(self.shown - self.started, 1e-9)
            self._say(f"{self.files_done} of {self.files} files, {self.articles} articles "
                      f"({rate:.0f} articles/s)")

    def committing(self) -> None:
        """Say that the last step, writing the index, has begun."""
        if self.bar is not None:
            self.bar.set_description("writing the index")
        elif self.every is not None:
            self._say(f"{self.files_done} of {self.files} files, {self.articles} articles; "
                      "writing the index")

    def checkpoint(self, articles: int) -> None:
        """Say that a checkpoint was committed, with the articles the index then holds."""
        text = f"checkpoint: {articles} articles in the index"
        if self.bar is not None:
            self.bar.write(f"indexing: {text}", file=sys.stderr)
        elif self.every is not None:
            self._say(text)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class StopSignals:
    """While a build runs, SIGTERM stops it as Ctrl-C does: ``Terminated`` (a
    KeyboardInterrupt) is raised, the build cleans up and the index stays as it was.
    Once ``finishing`` (the commit has begun, or the build is over and its report is
    being shown), both signals only print a note: the build completes. A second signal
    while the build is stopping is ignored (it cleans up first). Handlers can only be
    set in the main thread: elsewhere this does nothing. Between ``defer`` and ``resume``
    (a checkpoint being committed), a signal stops the build once the commit is done."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self):
        self.finished = self.stopping = False
        self.previous = {}
        self.deferring, self.pending = False, None

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self.previous = {sig: signal.signal(sig, self._handle) for sig in self.SIGNALS}
        return self

    def __exit__(self, *exc_info):
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)

    def finishing(self) -> None:
        """From now on the build completes whatever signal comes."""
        self.finished = True

    def defer(self) -> None:
        """From now until ``resume``, a signal does not cut the build short."""
        self.deferring = True

    def resume(self, stop: bool = True) -> None:
        """End ``defer``: a signal that came meanwhile stops the build now (if ``stop``;
        not when the build is failing already)."""
        self.deferring = False
        if stop and self.pending is not None:
            raise self.pending

    def _handle(self, signum, frame):
        if self.finished:
            print("newsfacet index: the build is finishing; it ends once the index is written",
                  file=sys.stderr, flush=True)
            return
        if self.stopping:
            return
        self.stopping = True
        stop = Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()
        if self.deferring:
            print("newsfacet index: stopping once the checkpoint is written", file=sys.stderr, flush=True)
            self.pending = stop
            return
        raise stop


def _cancel(writer) -> None:
    """Drop what ``writer`` did; never raises, as the build is failing already (what
    the writer could not remove is removed with the other leftovers)."""
    if not writer.is_closed:
        try:
            writer.cancel()
        except Exception:
            pass


def _entry(key: str, path: str, reason: str) -> dict:
    return {"file": display_path(key), "path": display_path(path), "reason": reason}


def _no_files(paths, skipped) -> NothingToIndex:
    where = ", ".join(printable(p) for p in paths)
    why = f" ({len(skipped)} skipped: {skipped[0][1]}{', …' if len(skipped) > 1 else ''})" if skipped else ""
    return NothingToIndex(f"no files to index in {where}{why}; the index was not changed")


def index_paths(paths, index_dir, rebuild: bool = False, prune: bool = False,
                workers: int | None = None, progress: bool = False,
                follow_symlinks: bool = False, checkpoint: int | None = None) -> BuildReport:
    """Build or update the index in ``index_dir`` from files and folders ``paths``.

    Raises FileNotFoundError for a path that does not exist, NothingToIndex when no
    file to index is found, IndexError_ for an index folder that cannot be used, and
    KeyboardInterrupt (``Terminated`` for SIGTERM) when stopped; the index is then as
    it was, or as its last checkpoint left it: the exception's ``checkpoint_articles``
    then says how many articles it holds. Any problem with a single file or record is
    reported in the returned BuildReport instead. When nothing could be indexed into a
    new index, the folder is left as it was found (``articles`` is 0). ``progress`` shows
    progress on stderr; ``checkpoint`` is the number of extracted articles between
    checkpoint commits (default ``SETTINGS.checkpoint_articles``).
    """
    started = time.monotonic()
    index_dir = Path(index_dir)
    with StopSignals() as signals:
        files, skipped = iter_files([Path(p) for p in paths], follow_symlinks)
        if not files:
            raise _no_files(paths, skipped)
        report = BuildReport(skipped=[{"file": display_path(str(p)), "reason": why} for p, why in skipped])
        fresh = _prepare_folder(index_dir)
        lock = _take_lock(index_dir)
        try:
            opened = False
            try:
                ix = _open_or_create(index_dir, rebuild)
                opened = True     # from here on, what is in the folder is this build's to tidy
                leftovers, size = _remove_leftovers(index_dir)
                if leftovers:
                    report.notes.append(f"an earlier build of this index did not finish (its lock ended "
                                        f"with its process); removed the {leftovers} files it left "
                                        f"({_size(size)})")
                committed = _update(ix, index_dir, files, report, rebuild, prune, workers,
                                    progress, signals, keep_empty=fresh is None,
                                    checkpoint=checkpoint or SETTINGS.checkpoint_articles, started=started)
            except BaseException as exc:
                if fresh or opened:
                    _clean_up(index_dir, None if report.checkpoints else fresh)
                if isinstance(exc, OSError):
                    raise _kept_at_checkpoint(_write_failed(index_dir, exc), report) from None
                _kept_at_checkpoint(exc, report)
                raise
            signals.finishing()   # the build is done: from here on it completes
            if fresh and not report.articles:
                _discard(index_dir, fresh)
                return report
            if not committed:
                _remove_leftovers(index_dir)
            else:
                announce(index_dir)
            report.seconds = time.monotonic() - started
            _save_report(index_dir, report)
        finally:
            lock.release()
    return report


def _kept_at_checkpoint(exc: BaseException, report: BuildReport) -> BaseException:
    """``exc``, stopping a build that committed checkpoints, made to say what the index then
    holds: its ``checkpoint_articles``, and its message if it is an IndexError_."""
    if report.checkpoints:
        exc.checkpoint_articles = report.articles
        if isinstance(exc, IndexError_):
            exc.args = (str(exc).replace(AS_IT_WAS, f"the index holds {report.articles} articles, "
                                                    "as this run's last checkpoint left it"),)
    return exc


def _read_unfinished(index_dir: Path) -> set[str]:
    """The multi-record files the index holds in part, as a stopped build's last checkpoint
    left them (none when there is no such list or it cannot be read)."""
    try:
        files = json.loads((index_dir / UNFINISHED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    return {path for path in files if isinstance(path, str)} if isinstance(files, list) else set()


def _update(ix, index_dir: Path, files: list[Path], report: BuildReport, rebuild: bool,
            prune: bool, workers: int | None, progress: bool, signals: StopSignals,
            keep_empty: bool, checkpoint: int, started: float) -> bool:
    """Read, extract and index what changed, delete what is gone, and commit (with a
    checkpoint every ``checkpoint`` extracted articles); fills ``report``. Returns
    whether a last generation was committed (not when nothing changed since the last
    checkpoint, nor when it would leave a new index empty and not ``keep_empty``)."""
    writer = SegmentWriter(ix, _lk=False, limitmb=SETTINGS.worker_limit_mb)
    pool, meter = None, None
    background = None   # a checkpoint being committed while the workers go on (_Background)
    try:
        state = {} if rebuild else _current_state(writer)
        by_path: dict[str, dict[str, _Doc]] = {}
        for key, doc in state.items():
            by_path.setdefault(doc.path, {})[key] = doc
        final = {key: doc.id for key, doc in state.items()}   # key -> id after this build
        unfinished = set() if rebuild else _read_unfinished(index_dir)

        # A file left alone keeps the failures the last build found in it.
        earlier_failures: dict[str, list[dict]] = {}
        for failure in [] if rebuild else (last_report(index_dir) or {}).get("failed", []):
            earlier_failures.setdefault(failure.get("path"), []).append(failure)
        todo, sigs = [], {}
        for path in files:
            known, sig = by_path.get(str(path)), _file_sig(path)
            if (known and sig is not None and str(path) not in unfinished
                    and all(doc.sig == sig for doc in known.values())):
                report.unchanged += len(known)
                report.failed += earlier_failures.pop(display_path(str(path)), [])
            else:
                todo.append(path)
                sigs[str(path)] = sig

        count = max(1, workers or os.cpu_count() or 1) if todo else 0
        pool = _Workers(index_dir, count)
        meter = _Progress(len(todo), count, progress)
        deleted, incomplete, clear, since = 0, set(), rebuild, 0

        def take(path: str, last: bool, done: list) -> None:
            """Count one finished task's results in ``report`` and delete the versions its
            articles replace (theirs are in a worker's segment)."""
            nonlocal deleted
            known = by_path.get(path, {})
            if last:
                unfinished.discard(path)
                earlier_failures.pop(display_path(path), None)   # found again, or gone
            else:
                unfinished.add(path)
            for item in done:
                if isinstance(item, ReadProblem):
                    report.failed.append(_entry(item.key, path, item.reason))
                    known.pop(item.key, None)   # a broken input keeps its last good version
                    if item.key == path:        # ... and so do the records of a file read in part
                        incomplete.add(path)
                    continue
                if isinstance(item, _Kept):             # as it was: its document stays
                    final[item.key] = known.pop(item.key).id
                    report.unchanged += 1
                    continue
                key, art_id = item
                report.extracted += 1
                final[key] = art_id
                previous = known.pop(key, None)
                if previous is None:
                    report.indexed += 1
                    continue
                writer.delete_document(previous.docnum)
                deleted += 1
                if previous.id == art_id:
                    report.unchanged += 1
                else:
                    report.updated += 1

        def checkpointed() -> list[tuple]:
            """Wait for the checkpoint being committed, if any, and record it (the report a
            stopped build leaves, servers told, a writer for what follows); the results that
            came meanwhile, to take now. A signal that came meanwhile stops the build here."""
            nonlocal background, writer
            commit, background = background, None
            if commit is None:
                return []
            try:
                pending = commit.wait()
                report.checkpoints += 1
                writer = SegmentWriter(ix, _lk=False, limitmb=SETTINGS.worker_limit_mb)
                report.seconds = time.monotonic() - started
                _save_report(index_dir, replace(report, finished=False, failed=report.failed + [
                    failure for failures in earlier_failures.values() for failure in failures]))
                announce(index_dir)
            except BaseException:
                signals.resume(stop=False)
                raise
            signals.resume()
            meter.checkpoint(report.articles)
            return pending

        tasks = ((path, sigs[path], last, fn, args) for path, last, fn, args in _tasks(todo, by_path))
        for event in pool.run(tasks, lambda: since >= checkpoint):
            if event[0] == "checkpoint":
                for result in checkpointed():
                    take(*result)
                report.documents, report.articles = len(final), len(set(final.values()))
                _write_atomic(index_dir / UNFINISHED, json.dumps(sorted(unfinished)))
                signals.defer()
                background = _Background(_commit, writer, event[1], clear, report, checkpoint=True)
                deleted, clear, since = 0, False, 0
                continue
            _, path, last, done = event
            meter.update(sum(not isinstance(item, ReadProblem) for item in done), int(last))
            since += sum(not isinstance(item, (ReadProblem, _Kept)) for item in done)
            if background is None:
                take(path, last, done)
                continue
            background.pending.append((path, last, done))
            for result in checkpointed() if background.done() else []:
                take(*result)
        for result in checkpointed():
            take(*result)

        gone = [str(p) for p in todo if str(p) not in incomplete]    # records a re-read file no longer has
        if prune:
            gone += [path for path in by_path if not os.path.exists(path)]
        for path in gone:
            for key, doc in by_path.pop(path, {}).items():
                writer.delete_document(doc.docnum)
                final.pop(key, None)
                deleted += 1
                report.removed += 1

        report.documents, report.articles = len(final), len(set(final.values()))
        if not (clear or deleted or pool.segments) or not (report.articles or keep_empty):
            writer.cancel()
            (index_dir / UNFINISHED).unlink(missing_ok=True)
            return False
        signals.finishing()
        meter.committing()
        _commit(writer, pool.segments, clear, report)
        (index_dir / UNFINISHED).unlink(missing_ok=True)
        return True
    except BaseException:
        if pool is not None:
            pool.stop()
        if background is not None:   # the checkpoint's commit ends, and counts, before the writer goes
            with suppress(BaseException):
                checkpointed()
        _cancel(writer)
        raise
    finally:
        if meter is not None:
            meter.close()
        if pool is not None:
            pool.close()


def _commit(writer, segments: list, clear: bool, report: BuildReport,
            checkpoint: bool = False) -> None:
    """Commit ``writer`` with the workers' ``segments`` (``commit_with_segments``), writing
    what a server needs to open the generation (``write_generation_files``) before it
    becomes visible: a server never opens it without them."""
    def prepare(all_segments: list) -> None:
        write_generation_files(writer.storage, writer.schema, writer.generation, all_segments,
                               report)

    commit_with_segments(writer, segments, clear, checkpoint=checkpoint, prepare=prepare)
    folder = Path(writer.storage.folder)
    column_files.remove_other_story_files(folder, writer.generation)
    merged_columns.remove_others(folder, writer.generation)


def write_generation_files(storage, schema, generation: int, segments: list,
                           report: BuildReport) -> None:
    """Write what a server needs to open generation ``generation`` (its ``segments``, all
    written to ``storage``, an index folder) without decoding or combining them: the column
    files of every segment that has none, the generation's merged columns
    (``merged_columns``), its story roots, keeping the story similarities compared, and each
    facet's counts and story pairs (``column_files.facet_files``). What cannot be written is
    said in ``report``: a server then does that part itself."""
    column_files.write_segments(storage, schema, segments, _write_atomic)
    index_dir = Path(storage.folder)
    reader = MultiReader([SegmentReader(storage, schema, segment) for segment in segments],
                         generation=generation)
    steps = [(_write_merged_columns, merged_columns.manifest_name(generation),
              "the merged columns could not be written", "merges them"),
             (_keep_stories, column_files.stories_name(generation),
              "the story similarities could not be kept", "compares them"),
             (_write_facet_files, column_files.facet_manifest(generation),
              "the facets' counts and story pairs could not be written", "makes them")]
    try:
        for step, written_last, what, instead in steps:
            try:
                step(reader, index_dir, generation)
            except OSError as exc:
                _not_kept(report, exc, index_dir / written_last, what, instead)
    finally:
        reader.close()


def _not_kept(report: BuildReport, exc: OSError, written_last: Path, what: str,
              instead: str) -> None:
    """Say in ``report`` that ``what`` failed (``exc``) and what a server does instead;
    remove the file a server would take it by, if an earlier, failed commit left it."""
    with suppress(OSError):
        written_last.unlink(missing_ok=True)
    why = _WRITE_ERRORS.get(exc.errno, (exc.strerror or str(exc),))[0]
    report.notes.append(f"{what} ({why}); the index is complete, and a server {instead} when "
                        "it opens it")


def _write_merged_columns(reader, index_dir: Path, generation: int) -> None:
    """Write the merged columns of the generation ``reader`` reads, which a server maps,
    with the sorted words of its text fields (``lexicon.PackedWords``)."""
    merged = merge_generation(reader, index_dir)
    merged.words = {name: pack_words(field_words(reader, name))
                    for name in column_files.LENGTH_FIELDS if name in reader.schema}
    for name, content in merged_columns.files(generation, segment_list(reader), merged):
        _write_atomic(index_dir / name, content)


def _keep_stories(reader, index_dir: Path, generation: int) -> None:
    """Compare the candidate story pairs of the generation ``reader`` reads and keep every
    similarity in the index folder (``stories.Similarities``), and the generation's story
    roots (``column_files.stories_name``), so that a server opening the generation neither
    compares nor groups."""
    similarities = Similarities.load(index_dir)
    ids = id_numbers(reader)
    docnums = np.flatnonzero(one_per_article(ids, live_mask(reader))[0])
    roots = story_roots(reader, docnums, ids, similarities)
    _write_atomic(index_dir / Similarities.FILE, similarities.to_bytes(ids[docnums]))
    _write_atomic(index_dir / column_files.stories_name(generation), column_files.npy_bytes(roots))


def _write_facet_files(reader, index_dir: Path, generation: int) -> None:
    """Write each facet's counts over the shown articles and its story pairs
    (``column_files.facet_files``) of the generation ``reader`` reads, made from the columns
    and story roots just written, for a server to map. Without the roots (they could not be
    written) there is nothing to write: a server that groups the stories itself makes these
    too."""
    if not (index_dir / column_files.stories_name(generation)).is_file():
        return
    columns = Columns(reader, folder=index_dir)
    found = {name: {"frequency": column.frequency, **dict(zip(
                 column_files.FACET_PARTS[1:], column.story_pairs(columns.stories)))}
             for name, column in columns.fields.items()}
    shown = int(np.count_nonzero(columns.live))
    for name, content in column_files.facet_files(generation, segment_list(reader), shown, found):
        _write_atomic(index_dir / name, content)


def _save_report(index_dir: Path, report: BuildReport) -> None:
    """Write ``last-build.json`` atomically; if it cannot be written, remove the old one
    (it would describe another build) and say so in the report."""
    try:
        _write_atomic(index_dir / REPORT, json.dumps(asdict(report), indent=1, ensure_ascii=False) + "\n")
    except OSError as exc:
        (index_dir / REPORT).unlink(missing_ok=True)
        why = _WRITE_ERRORS.get(exc.errno, (exc.strerror or str(exc),))[0]
        report.notes.append(f"{REPORT} could not be written ({why}); the build itself is complete")


def last_report(index_dir: str | Path) -> dict | None:
    """The report the last build wrote in the index folder, if any (None for none or an unreadable one)."""
    path = Path(index_dir) / REPORT
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return report if isinstance(report, dict) else None
