"""Loading a collection into OpenSearch: ``newsfacet index PATH --to opensearch``.

The files are read and their articles extracted by the Whoosh build's own readers and
extractors (``indexer._tasks``: a multi-record file's records in batches, a record read as
it was indexed not extracted again), in worker processes on this machine or on the workers
of a Dask cluster (``extraction.py``, ``dask_workers.py``). One OpenSearch document per
article (``_id``: its id) holds every key (``path`` or ``path#n``) it was found at, with each
key's signatures (``state``), so a later load

- leaves the files whose size and modification time are unchanged alone (nothing read,
  nothing sent),
- sends the articles of new and changed files and records, and rewrites or deletes the
  documents whose keys changed, and
- with ``prune``, deletes what files no longer found held.

The index is versioned behind an alias: ``NAME`` is an alias of ``NAME-v1``; a first load,
or a ``rebuild``, fills ``NAME-v<next>`` and then points the alias at it in one atomic
``_aliases`` request, so a server reading ``NAME`` sees the old index until the new one is
complete (the old one is then deleted).

Documents are sent with ``opensearch-py``'s ``parallel_bulk`` in batches; the documents of a
batch that the cluster turned away for now (429 Too Many Requests, 502/503/504, a
connection that failed or timed out) are sent again after a back-off that doubles each
round, and whatever is still refused is listed in the report with its file, record and
OpenSearch's reason. Then the copies of one text are grouped into stories
(``story_groups.py``) and the documents whose story changed are updated.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from pathlib import Path

from opensearchpy import helpers
from opensearchpy.exceptions import NotFoundError

from ..indexer import (
    BuildReport,
    IndexError_,
    _Doc,
    _entry,
    _file_sig,
    _Kept,
    _no_files,
    _Progress,
    _tasks,
)
from ..readers import ReadProblem, iter_files
from ..schema import decode_state, display_path, encode_state
from .extraction import LocalWorkers
from .mapping import index_body
from .story_groups import encode, regroup

#: Statuses of a document the cluster turned away for now: sent again after a back-off,
#: as is a document of a request that got no answer (opensearch-py's status is then not a
#: number: "N/A" for a failed connection, "TIMEOUT" for one that timed out).
RETRY_STATUSES = frozenset({429, 502, 503, 504})
#: Actions sent together before their failures are retried (several bulk requests).
BATCH = 5000


def version_of(name: str, alias: str) -> int | None:
    """N of an index named ``<alias>-vN``, else None."""
    found = re.fullmatch(re.escape(alias) + r"-v(\d+)", name)
    return int(found.group(1)) if found else None


def _versions(client, alias: str) -> tuple[dict[str, int], str | None]:
    """({index name: version} of the ``<alias>-vN`` indexes, the one the alias points at)."""
    try:
        found = client.indices.get_alias(index=f"{alias}-v*")
    except NotFoundError:   # no version yet
        found = {}
    versions = {name: version_of(name, alias) for name in found}
    versions = {name: v for name, v in versions.items() if v is not None}
    current = next((name for name in versions if alias in found[name].get("aliases", {})), None)
    return versions, current


def _indexed_state(client, index: str) -> dict[str, _Doc]:
    """key -> ``_Doc`` (id, path, file and record signatures) of every key of ``index``."""
    state = {}
    for hit in helpers.scan(client, index=index, query={"_source": ["state"]}):
        for value in hit["_source"].get("state", []):
            key, path, art_id, sig, record_sig = decode_state(value.encode("ascii"))
            state[key] = _Doc(0, art_id, path, sig, record_sig)
    return state


def document(record: dict, keys: dict[str, _Doc]) -> dict:
    """The OpenSearch document of an article (its export record, ``Article.to_record``)
    found at ``keys`` (key -> ``_Doc``)."""
    paths = sorted({doc.path for doc in keys.values()})
    return {**record, "path": paths[0], "paths": paths, **_placed(keys),
            "dated": "yes" if record.get("published") else "unknown",
            "story": record["id"], "story_size": 1, "first_copy": record["id"],
            "story_outlets": [record["outlet"]] if record.get("outlet") else []}


def _placed(keys: dict[str, _Doc]) -> dict:
    """The fields of a document that say where it was found."""
    return {"keys": sorted(keys),
            "state": [encode_state(k, d.path, d.id, d.sig, d.record_sig).decode("ascii")
                      for k, d in sorted(keys.items())]}


class _Extracted:
    """The articles a load extracted, spooled to a file (one record a line) so that a large
    load holds only each key's state in memory; and each key's new state."""

    def __init__(self, folder: str):
        self.path = Path(folder) / "articles.jsonl"
        self._out = self.path.open("w", encoding="utf-8")
        self.state: dict[str, _Doc] = {}
        self.extracted: set[str] = set()

    def add(self, key: str, path: str, sig: str | None, article, record_sig: str,
            minhash: bytes) -> None:
        self.state[key] = _Doc(0, article.id, path, sig, record_sig)
        self.extracted.add(key)
        record = {**article.to_record(), "minhash": encode(minhash)}
        self._out.write(json.dumps(record, ensure_ascii=False) + "\n")

    def records(self):
        self._out.close()
        with self.path.open(encoding="utf-8") as spool:
            for line in spool:
                yield json.loads(line)


def _extract(files: list[Path], by_path: dict[str, dict[str, _Doc]], pool, spool: _Extracted,
             report: BuildReport, progress: bool) -> set[str]:
    """Read and extract ``files`` on ``pool`` (``extraction.LocalWorkers`` or
    ``dask_workers.DaskWorkers``) into ``spool`` (``by_path``: the indexed keys of each
    file), showing progress on stderr when ``progress``; the keys and files that could not be
    read (they keep what the index holds)."""
    sigs = {str(p): _file_sig(p) for p in files}
    unreadable: set[str] = set()
    meter = _Progress(len(files), pool.workers, progress)
    try:
        for results in pool.run(_tasks(files, by_path, pool.records_per_task)):
            for path, last, items in results:
                done = 0
                for item in items:
                    if isinstance(item, ReadProblem):
                        report.failed.append(_entry(item.key, path, item.reason))
                        unreadable.add(item.key)
                        continue
                    done += 1
                    if isinstance(item, _Kept):   # as it was: only its file's signature is new
                        spool.state[item.key] = by_path[path][item.key]._replace(sig=sigs[path])
                    else:
                        key, article, record_sig, minhash = item
                        spool.add(key, path, sigs[path], article, record_sig, minhash)
                        report.extracted += 1
                meter.update(done, int(last))
    finally:
        meter.close()
    return unreadable


def _send(client, actions, report: BuildReport, where: dict[str, tuple[str, str]],
          threads: int, chunk_size: int, max_retries: int, backoff: float, sleep) -> int:
    """Send ``actions`` in batches with ``parallel_bulk``, each batch's documents turned
    away for now (``RETRY_STATUSES``, no answer) again after ``backoff`` seconds, doubled each round,
    ``max_retries`` times; every document refused in the end is listed in
    ``report.failed`` (``where``: id -> its key and path). The number of documents sent."""
    done = 0
    batch: list[dict] = []

    def flush() -> None:
        nonlocal done
        waiting, wait = list(batch), backoff
        for round_ in range(max_retries + 1):
            by_id = {action["_id"]: action for action in waiting}
            waiting = []
            for ok, item in helpers.parallel_bulk(
                    client, list(by_id.values()), thread_count=threads, chunk_size=chunk_size,
                    raise_on_error=False, raise_on_exception=False):
                (op, info), = item.items()
                status = info.get("status")
                if ok or (op == "delete" and status == 404):
                    done += 1
                elif (status in RETRY_STATUSES or not isinstance(status, int)) \
                        and round_ < max_retries:
                    waiting.append(by_id[info["_id"]])
                else:
                    key, path = where.get(info["_id"], (info["_id"], ""))
                    report.failed.append(_entry(key, path, f"OpenSearch refused it ({status}): "
                                                           f"{_why(info)}"))
            if not waiting:
                break
            sleep(wait)
            wait *= 2
        batch.clear()

    for action in actions:
        batch.append(action)
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    return done


def _why(info: dict) -> str:
    """OpenSearch's reason for refusing a document, as one line."""
    error = info.get("error")
    if isinstance(error, dict):
        return f"{error.get('type', 'error')}: {error.get('reason', '')}".strip()
    return str(error)


def load_paths(paths, client, alias: str, rebuild: bool = False, prune: bool = False,
               workers: int | None = None, follow_symlinks: bool = False, shards: int = 1,
               replicas: int = 0, threads: int = 2, chunk_size: int = 500,
               max_retries: int = 6, backoff: float = 2.0, sleep=time.sleep, pool=None,
               progress: bool = False) -> BuildReport:
    """Load the articles of files and folders ``paths`` into the index behind alias
    ``alias`` of the cluster ``client`` (an ``opensearchpy.OpenSearch``); see the module's
    docstring. A first load or ``rebuild`` creates ``<alias>-v<next>`` (``shards``,
    ``replicas``) and swaps the alias to it. The articles are extracted on ``pool``
    (``dask_workers.DaskWorkers``), by default in ``workers`` local processes (one per core);
    ``progress`` shows the extraction's progress on stderr.

    Raises FileNotFoundError for a path that does not exist, ``NothingToIndex`` when no
    file is found, and ``IndexError_`` when ``alias`` names an index rather than an alias.
    """
    started = time.monotonic()
    files, skipped = iter_files([Path(p) for p in paths], follow_symlinks)
    if not files:
        raise _no_files(paths, skipped)
    report = BuildReport(skipped=[{"file": display_path(str(p)), "reason": why}
                                  for p, why in skipped])
    versions, current = _versions(client, alias)
    if current is None and client.indices.exists(index=alias):
        raise IndexError_(f"{alias!r} is an index of the cluster, not the alias newsfacet "
                          "loads behind: choose another --opensearch-index, or delete it")
    fresh = rebuild or current is None
    if fresh:
        target = f"{alias}-v{max(versions.values(), default=0) + 1}"
        for leftover in sorted(set(versions) - {current}):
            client.indices.delete(index=leftover)
            report.notes.append(f"removed {leftover}, left behind by a load that did not finish")
        client.indices.create(index=target, body=index_body(shards, replicas))
        indexed: dict[str, _Doc] = {}
    else:
        target = current
        indexed = _indexed_state(client, target)

    by_path: dict[str, dict[str, _Doc]] = {}
    for key, doc in indexed.items():
        by_path.setdefault(doc.path, {})[key] = doc
    given = {str(p) for p in files}
    changed = [p for p in files if not _unchanged(by_path.get(str(p)), _file_sig(p))]
    with tempfile.TemporaryDirectory(prefix="newsfacet-load-") as folder:
        spool = _Extracted(folder)
        pool = pool or LocalWorkers(workers or os.cpu_count() or 1)
        unreadable = _extract(changed, by_path, pool, spool, report, progress)
        final: dict[str, _Doc] = {}
        redone = {str(p) for p in changed}
        for key, doc in indexed.items():
            kept = doc.path not in redone or key in unreadable or doc.path in unreadable
            if kept and (doc.path in given or not prune):
                final[key] = doc
        final.update(spool.state)
        report.indexed = sum(1 for k in spool.extracted if k not in indexed)
        report.updated = sum(1 for k in spool.extracted if k in indexed)
        report.unchanged = sum(1 for k in final if k in indexed and k not in spool.extracted)
        report.removed = sum(1 for k in indexed if k not in final)

        keys_of: dict[str, dict[str, _Doc]] = {}
        for key, doc in final.items():
            keys_of.setdefault(doc.id, {})[key] = doc
        before: dict[str, dict[str, _Doc]] = {}
        for key, doc in indexed.items():
            before.setdefault(doc.id, {})[key] = doc
        #: id -> (key, path) an article is reported under when OpenSearch refuses it
        where = {art_id: (min(keys), keys[min(keys)].path)
                 for art_id, keys in [*before.items(), *keys_of.items()]}

        def actions():
            sent = set()
            for record in spool.records():
                art_id = record["id"]
                if art_id in sent or art_id not in keys_of:
                    continue
                sent.add(art_id)
                yield {"_op_type": "index", "_index": target, "_id": art_id,
                       "_source": document(record, keys_of[art_id])}
            for art_id, keys in before.items():
                if art_id not in keys_of:
                    yield {"_op_type": "delete", "_index": target, "_id": art_id}
                elif art_id not in sent and keys_of[art_id] != keys:
                    ordered = keys_of[art_id]
                    paths = sorted({d.path for d in ordered.values()})
                    yield {"_op_type": "update", "_index": target, "_id": art_id,
                           "doc": {"path": paths[0], "paths": paths, **_placed(ordered)}}

        _send(client, actions(), report, where, threads, chunk_size, max_retries, backoff, sleep)
    client.indices.refresh(index=target)
    if fresh or report.indexed or report.updated or report.removed:
        _send(client, regroup(client, target), report, where, threads, chunk_size, max_retries,
              backoff, sleep)
        client.indices.refresh(index=target)
    if fresh:
        swap = [{"add": {"index": target, "alias": alias}}]
        if current is not None:
            swap.insert(0, {"remove": {"index": current, "alias": alias}})
        client.indices.update_aliases(body={"actions": swap})
        if current is not None:
            client.indices.delete(index=current)
        report.notes.append(f"loaded into {target}; the alias {alias} now points to it"
                            + (f" ({current} deleted)" if current else ""))
    report.articles = client.count(index=target)["count"]
    report.documents = len(final)
    report.seconds = time.monotonic() - started
    return report


def _unchanged(keys: dict[str, _Doc] | None, sig: str | None) -> bool:
    """Whether a file is as it was loaded: it has indexed ``keys`` and each has its
    signature ``sig``."""
    return bool(keys) and sig is not None and all(doc.sig == sig for doc in keys.values())
