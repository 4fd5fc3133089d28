"""Builds and updates a newsfacet index from files and folders.

Reading and extraction run in worker processes; one writer (this process) adds
the articles to Whoosh. The build is incremental (new files are added, changed
ones re-indexed, unchanged ones left alone) and atomic: Whoosh only switches
readers to the new generation when ``commit`` writes its table of contents, so
an interrupted build leaves the previous index as it was.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import os
import queue
import signal
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from whoosh import index as whoosh_index
from whoosh.index import LockError
from whoosh.writing import CLEAR, SegmentWriter

from .extract import extract
from .model import RawDocument
from .readers import ReadProblem, file_kind, iter_files, read_file
from .schema import SCHEMA_VERSION, build_schema, decode_state, to_document

MARKER = "newsfacet.json"          # says "this folder is a newsfacet index"
REPORT = "last-build.json"         # what the last build did, skipped and failed
RECORDS_PER_TASK = 64              # records of a .json/.jsonl file sent to a worker at once
WORKER_LIMIT_MB = 128              # memory each writer's posting pool may use before it spills to disk
MULTI_RECORD = (".json", ".jsonl")


class IndexError_(Exception):
    """A problem that stops a build, with a message meant for the user."""


@dataclass
class BuildReport:
    """What a build did: counts, and every skipped or failed input with why."""

    indexed: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: list = field(default_factory=list)   # files of other types
    failed: list = field(default_factory=list)    # [{"file": key, "path": file, "reason": why}]
    articles: int = 0                             # in the index after the build
    seconds: float = 0.0

    def summary(self) -> str:
        """One line a user reads at the end of a build."""
        return (f"indexed {self.indexed}, updated {self.updated}, unchanged {self.unchanged}, "
                f"removed {self.removed}, skipped {len(self.skipped)}, failed {len(self.failed)} "
                f"— {self.articles} articles in the index ({self.seconds:.1f} s)")


# --- the index folder ------------------------------------------------------------

def is_index(index_dir: Path) -> bool:
    """True when ``index_dir`` holds a newsfacet index."""
    return (Path(index_dir) / MARKER).is_file() and whoosh_index.exists_in(str(index_dir))


def open_index(index_dir: str | Path):
    """Open an existing newsfacet index for reading, or say clearly why not."""
    index_dir = Path(index_dir)
    if not index_dir.is_dir():
        raise IndexError_(f"index folder {index_dir} does not exist; "
                          f"build it with: newsfacet index PATH --index {index_dir}")
    if not is_index(index_dir):
        raise IndexError_(f"{index_dir} is not a newsfacet index; "
                          f"build one with: newsfacet index PATH --index {index_dir}")
    return whoosh_index.open_dir(str(index_dir))


def _open_or_create(index_dir: Path, rebuild: bool):
    if index_dir.exists() and not index_dir.is_dir():
        raise IndexError_(f"{index_dir} is a file, not an index folder")
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        probe = index_dir / ".write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise IndexError_(f"index folder {index_dir} is not writable: {exc.strerror or exc}") from exc
    marker = index_dir / MARKER
    if whoosh_index.exists_in(str(index_dir)):
        if not marker.is_file():
            raise IndexError_(f"{index_dir} holds an index that newsfacet did not make; "
                              "choose another --index folder")
        version = json.loads(marker.read_text()).get("schema_version")
        if version != SCHEMA_VERSION and not rebuild:
            raise IndexError_(f"{index_dir} was built by another version of newsfacet "
                              f"(schema {version}, this one {SCHEMA_VERSION}); run again with --rebuild")
        if version == SCHEMA_VERSION:
            return whoosh_index.open_dir(str(index_dir))
    elif any(p.name != REPORT for p in index_dir.iterdir()):
        raise IndexError_(f"{index_dir} is not empty and is not a newsfacet index; "
                          "choose an empty or new --index folder")
    ix = whoosh_index.create_in(str(index_dir), build_schema())
    marker.write_text(json.dumps({"schema_version": SCHEMA_VERSION}) + "\n")
    return ix


def _current_state(ix) -> dict:
    """key -> (id, path, file_sig) of every article now in the index."""
    state = {}
    with ix.searcher() as searcher:
        reader = searcher.reader()
        if reader.doc_count_all() == 0:
            return state
        column = reader.column_reader("state")
        for docnum in reader.all_doc_ids():
            key, path, art_id, sig = decode_state(column[docnum])
            state[key] = (art_id, path, sig)
    return state


def _file_sig(path: Path) -> str:
    st = path.stat()
    return f"{st.st_size}:{st.st_mtime_ns}"


# --- work done in worker processes ----------------------------------------------

def _extract_all(raws: Iterable) -> list:
    """Extract every RawDocument; pass ReadProblems through; never raise."""
    out = []
    for raw in raws:
        if isinstance(raw, ReadProblem):
            out.append(raw)
            continue
        try:
            out.append((raw.key, extract(raw)))
        except Exception as exc:  # one bad article never stops the build
            out.append(ReadProblem(raw.key, f"extraction failed: {type(exc).__name__}: {exc}"))
    return out


def _read_and_extract(path: str) -> list:
    """A worker task: read one file and extract its articles."""
    try:
        return _extract_all(read_file(Path(path)))
    except Exception as exc:
        return [ReadProblem(path, f"could not be read: {type(exc).__name__}: {exc}")]


def _tasks(files: list[Path]) -> Iterator[tuple[str, object, tuple]]:
    """(path, task function, args) for the pool.

    Multi-record files are read here, in the writer process, and their records
    sent to the workers in batches, so that one large .jsonl file still keeps
    every core busy.
    """
    for path in files:
        if file_kind(path) in MULTI_RECORD:
            batch = []
            try:
                for raw in read_file(path):
                    batch.append(raw)
                    if len(batch) >= RECORDS_PER_TASK:
                        yield str(path), _extract_all, (batch,)
                        batch = []
            except Exception as exc:
                batch.append(ReadProblem(str(path), f"could not be read: {type(exc).__name__}: {exc}"))
            yield str(path), _extract_all, (batch,)
        else:
            yield str(path), _read_and_extract, (str(path),)


def _watch_parent(parent: int) -> None:
    """A worker ends itself once the writer process is gone (killed with -9, say)."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


def _add_all(writer, items: list, sig: str) -> list:
    """Add the extracted articles to ``writer``: (key, id) for each, ReadProblems passed on."""
    done = []
    for item in items:
        if isinstance(item, tuple):
            key, article = item
            try:
                writer.add_document(**to_document(article, sig, key))
                item = (key, article.id)
            except Exception as exc:
                item = ReadProblem(key, f"could not be indexed: {type(exc).__name__}: {exc}")
        done.append(item)
    return done


def _worker(index_dir: str, parent: int, tasks, results) -> None:
    """A worker process: extracts each task's articles and indexes them into a segment of its own.

    The writer process holds the index lock, deletes replaced articles and commits;
    when told to stop, a worker hands over its finished segment, which the commit
    adds to the index as it is. Ctrl-C is the writer's to handle.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    writer = SegmentWriter(whoosh_index.open_dir(index_dir), _lk=False, limitmb=WORKER_LIMIT_MB)
    added = False
    while (task := tasks.get()) is not None:
        path, sig, fn, args = task
        done = _add_all(writer, fn(*args), sig)
        added = added or any(isinstance(item, tuple) for item in done)
        results.put((path, done))
    if added:
        results.put((None, writer._finalize_segment()))
    else:   # not cancel(): that would remove the temporary folder the writer process shares
        writer._close_segment()
        results.put((None, None))


class _Workers:
    """The worker processes of one build, fed through a bounded queue (flat memory)."""

    def __init__(self, index_dir: Path, count: int):
        # "spawn": a worker must not inherit the writer's open lock file.
        ctx = multiprocessing.get_context("spawn")
        self.tasks, self.results = ctx.Queue(maxsize=count * 4), ctx.Queue()
        self.procs = [ctx.Process(target=_worker, daemon=True,
                                  args=(str(index_dir), os.getpid(), self.tasks, self.results))
                      for _ in range(count)]
        for proc in self.procs:
            proc.start()
        self.segments: list = []
        self.stopped = 0

    def _receive(self, timeout: float) -> Iterator[tuple[str, list]]:
        """Finished tasks as (path, results); collects the workers' segments on the way."""
        try:
            while True:
                path, done = self.results.get(timeout=timeout)
                if path is None:
                    self.stopped += 1
                    if done is not None:
                        self.segments.append(done)
                else:
                    yield path, done
                timeout = 0
        except queue.Empty:
            dead = [p.exitcode for p in self.procs if p.exitcode not in (None, 0)]
            if dead:
                raise IndexError_(f"a worker process ended unexpectedly (exit code {dead[0]}); "
                                  "the index is unchanged") from None

    def run(self, tasks: Iterator) -> Iterator[tuple[str, list]]:
        """Send every task, then the stop signals; yield results as they come."""
        for item in itertools.chain(tasks, [None] * len(self.procs)):
            while True:
                try:
                    self.tasks.put(item, timeout=0.05)
                    break
                except queue.Full:
                    yield from self._receive(timeout=0.05)
            yield from self._receive(timeout=0)
        while self.stopped < len(self.procs):
            yield from self._receive(timeout=0.5)
        for proc in self.procs:
            proc.join()

    def stop(self) -> None:
        """End the workers at once (after an interrupt or an error)."""
        for proc in self.procs:
            proc.kill()
            proc.join()


# --- the build ------------------------------------------------------------------------

def _progress(enabled: bool):
    if not enabled:
        return None
    from tqdm import tqdm
    return tqdm(unit=" articles", desc="indexing", file=sys.stderr, dynamic_ncols=True)


def _commit(writer, segments: list, rebuild: bool) -> None:
    """Commit the writer's deletions together with the workers' segments, in one new generation.

    The same steps as Whoosh's own multi-process writer (``MpWriter`` with
    ``multisegment=True``): existing segments are merged by the usual policy, the
    workers' segments are added as they are, and the table of contents is written last.
    """
    final = writer._merge_segments(CLEAR if rebuild else None, False, True)
    final += segments
    if writer._added:
        final.append(writer._finalize_segment())
    else:
        writer._close_segment()
    writer._commit_toc(final)
    writer._finish()


def index_paths(paths, index_dir, rebuild: bool = False, prune: bool = False,
                workers: int | None = None, progress: bool = False) -> BuildReport:
    """Build or update the index in ``index_dir`` from files and folders ``paths``.

    Raises FileNotFoundError for a path that does not exist and IndexError_ for
    an index folder that cannot be used; any problem with a single file or
    record is reported in the returned BuildReport instead.
    """
    started = time.monotonic()
    index_dir = Path(index_dir)
    files, skipped = iter_files([Path(p) for p in paths])
    ix = _open_or_create(index_dir, rebuild)
    report = BuildReport(skipped=[str(p) for p in skipped])
    old = {} if rebuild else _current_state(ix)
    by_path: dict[str, dict] = {}
    for key, (art_id, path, sig) in old.items():
        by_path.setdefault(path, {})[key] = (art_id, sig)

    # A file left alone keeps the failures the last build found in it.
    earlier_failures = ([] if rebuild else (last_report(index_dir) or {}).get("failed", []))
    todo = []
    for path in files:
        known = by_path.get(str(path))
        if known and all(sig == _file_sig(path) for _, sig in known.values()):
            report.unchanged += len(known)
            report.failed += [f for f in earlier_failures if f.get("path") == str(path)]
        else:
            todo.append(path)

    try:
        writer = ix.writer(limitmb=WORKER_LIMIT_MB)
    except LockError:
        raise IndexError_(f"another newsfacet index is writing to {index_dir}; "
                          "wait for it to finish and run again") from None
    pool = _Workers(index_dir, max(1, workers or os.cpu_count() or 1) if todo else 0)
    bar = _progress(progress)
    try:
        for path, done in pool.run((p, _file_sig(Path(p)), fn, args) for p, fn, args in _tasks(todo)):
            known = by_path.get(path, {})
            for item in done:
                if isinstance(item, ReadProblem):
                    report.failed.append({"file": item.key, "path": path, "reason": item.reason})
                    known.pop(item.key, None)   # a broken input keeps its last good version
                    continue
                key, art_id = item
                previous = known.pop(key, None)
                if previous is None:
                    report.indexed += 1
                else:                           # the new version is in a worker's segment
                    writer.delete_by_term("key", key)
                    if previous[0] == art_id:
                        report.unchanged += 1
                    else:
                        report.updated += 1
                if bar:
                    bar.update(1)
        for path in map(str, todo):             # records a re-read file no longer has
            for key in by_path.pop(path, {}):
                writer.delete_by_term("key", key)
                report.removed += 1
        if prune:
            for path, known in by_path.items():
                if not Path(path).exists():
                    for key in known:
                        writer.delete_by_term("key", key)
                        report.removed += 1
        _commit(writer, pool.segments, rebuild)
    except BaseException:
        pool.stop()
        writer.cancel()
        raise
    finally:
        if bar:
            bar.close()

    with ix.searcher() as searcher:
        report.articles = searcher.doc_count()
    report.seconds = time.monotonic() - started
    (index_dir / REPORT).write_text(json.dumps(asdict(report), indent=1, ensure_ascii=False) + "\n")
    return report


def last_report(index_dir: str | Path) -> dict | None:
    """The report the last build wrote in the index folder, if any."""
    path = Path(index_dir) / REPORT
    return json.loads(path.read_text()) if path.is_file() else None
