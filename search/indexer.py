"""Builds and updates a newsfacet index from files and folders.

Reading and extraction run in worker processes; one writer (this process) adds
the articles to Whoosh. The build is incremental (new files are added, changed
ones re-indexed, unchanged ones left alone) and atomic: Whoosh only switches
readers to the new generation when ``commit`` writes its table of contents, so
an interrupted build leaves the previous index as it was.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from whoosh import index as whoosh_index
from whoosh.index import LockError
from whoosh.writing import CLEAR

from .extract import extract
from .model import RawDocument
from .readers import ReadProblem, file_kind, iter_files, read_file
from .schema import SCHEMA_VERSION, build_schema, to_document

MARKER = "newsfacet.json"          # says "this folder is a newsfacet index"
REPORT = "last-build.json"         # what the last build did, skipped and failed
RECORDS_PER_TASK = 64              # records of a .json/.jsonl file sent to a worker at once
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
            key, path, art_id, sig = column[docnum].decode("utf-8").split("\t")
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


def _start_worker(parent: int) -> None:
    """Worker set-up: Ctrl-C is the writer's to handle, and no worker outlives it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _run(tasks: Iterator, workers: int) -> Iterator[tuple[str, list]]:
    """Run the tasks in order with at most a bounded number in flight (flat memory)."""
    if workers <= 1:
        for path, fn, args in tasks:
            yield path, fn(*args)
        return
    # "spawn": a worker must not inherit the writer's open lock file.
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_worker, initargs=(os.getpid(),))
    finished = False
    try:
        pending: deque = deque()
        for path, fn, args in tasks:
            pending.append((path, pool.submit(fn, *args)))
            if len(pending) >= workers * 4:
                done_path, fut = pending.popleft()
                yield done_path, fut.result()
        while pending:
            done_path, fut = pending.popleft()
            yield done_path, fut.result()
        finished = True
    finally:
        # On an interrupt, drop the queued tasks instead of waiting for them.
        pool.shutdown(wait=finished, cancel_futures=not finished)


# --- the build ------------------------------------------------------------------------

def _progress(enabled: bool):
    if not enabled:
        return None
    from tqdm import tqdm
    return tqdm(unit=" articles", desc="indexing", file=sys.stderr, dynamic_ncols=True)


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

    workers = workers or min(2, os.cpu_count() or 1)
    try:
        writer = ix.writer(limitmb=256)
    except LockError:
        raise IndexError_(f"another newsfacet index is writing to {index_dir}; "
                          "wait for it to finish and run again") from None
    bar = _progress(progress)
    batches = _run(_tasks(todo), workers)
    try:
        for path, results in batches:
            sig = _file_sig(Path(path))
            known = by_path.get(path, {})
            for item in results:
                if isinstance(item, ReadProblem):
                    report.failed.append({"file": item.key, "path": path, "reason": item.reason})
                    known.pop(item.key, None)   # a broken input keeps its last good version
                    continue
                key, article = item
                previous = known.pop(key, None)
                doc = to_document(article, sig, key)
                if previous is None:            # a new key: nothing to replace
                    writer.add_document(**doc)
                    report.indexed += 1
                else:
                    writer.update_document(**doc)
                    if previous[0] == article.id:
                        report.unchanged += 1
                    else:
                        report.updated += 1
                if bar:
                    bar.update(1)
            for key in known:           # records the file no longer has
                writer.delete_by_term("key", key)
                report.removed += 1
            by_path.pop(path, None)
        if prune:
            for path, known in by_path.items():
                if not Path(path).exists():
                    for key in known:
                        writer.delete_by_term("key", key)
                        report.removed += 1
        writer.commit(mergetype=CLEAR) if rebuild else writer.commit()
    except BaseException:
        batches.close()
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
