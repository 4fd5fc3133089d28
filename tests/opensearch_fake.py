"""An OpenSearch cluster in memory, behind a real ``opensearch-py`` client, for the tests of
``newsfacet index --to opensearch``.

``FakeConnection`` is an ``opensearchpy.Connection``: the client and its ``Transport``,
serializer and bulk helpers run as they do against a cluster, and only the HTTP exchange is
answered here, by ``FakeCluster``, for the endpoints a load uses (index and alias
management, ``_bulk``, a scroll over the documents, a document by id, ``_count``,
``_refresh``). Each request is
recorded, and faults can be injected into the coming ``_bulk`` requests: a whole request
answered 429, a request that times out, or some of its documents answered 429; and a
document can be refused for good (a 400 for it alone).
"""

from __future__ import annotations

import fnmatch
import json
from urllib.parse import unquote

from opensearchpy import Connection, OpenSearch
from opensearchpy.exceptions import ConnectionTimeout

#: The shards part of a search answer: one shard, answered.
SHARDS = {"total": 1, "successful": 1, "skipped": 0, "failed": 0}


class FakeCluster:
    """Indexes and aliases in memory; see the module's docstring."""

    def __init__(self, refuse=None):
        """``refuse``: a function of a document's source giving the reason it is refused
        for good (None: accepted)."""
        self.indices: dict[str, dict[str, dict]] = {}
        self.aliases: dict[str, str] = {}
        self.requests: list[tuple[str, str]] = []
        #: what happens to each coming ``_bulk`` request, in order: "reject" (429 for the
        #: whole request), "timeout", "some429" (its first half of documents answered 429)
        self.bulk_faults: list[str] = []
        self.refuse = refuse or (lambda source: None)
        #: (action, id) of every document a ``_bulk`` request carried, accepted or not
        self.bulk_items: list[tuple[str, str]] = []

    def client(self) -> OpenSearch:
        return OpenSearch(hosts=["http://fake:9200"], connection_class=FakeConnection,
                          cluster=self)

    def _names(self, pattern: str) -> list[str]:
        return sorted(n for n in self.indices if fnmatch.fnmatchcase(n, pattern))

    def _index(self, name: str) -> str:
        return self.aliases.get(name, name)

    def answer(self, method: str, parts: list[str], params: dict, body) -> tuple[int, dict]:
        """(status, answer) of one request."""
        if parts == ["_bulk"]:
            return self._bulk(body)
        if parts == ["_aliases"]:
            for action in body["actions"]:
                (kind, spec), = action.items()
                if kind == "add":
                    self.aliases[spec["alias"]] = spec["index"]
                elif self.aliases.get(spec["alias"]) == spec["index"]:
                    del self.aliases[spec["alias"]]
            return 200, {"acknowledged": True}
        if parts[:1] == ["_search"]:           # a scroll's next page, or its end
            return 200, {"_scroll_id": "s", "_shards": SHARDS, "hits": {"hits": []}}
        name, rest = parts[0], parts[1:]
        if rest == ["_alias"]:
            return 200, {n: {"aliases": {a: {} for a, i in self.aliases.items() if i == n}}
                         for n in self._names(name)}
        if method == "HEAD":
            return (200 if name in self.indices or name in self.aliases else 404), {}
        if method == "PUT" and not rest:
            if name in self.indices:
                return 400, {"error": {"type": "resource_already_exists_exception"}}
            self.indices[name] = {}
            return 200, {"acknowledged": True, "index": name}
        if method == "DELETE" and not rest:
            del self.indices[name]
            self.aliases = {a: i for a, i in self.aliases.items() if i != name}
            return 200, {"acknowledged": True}
        docs = self.indices[self._index(name)]
        if rest == ["_refresh"]:
            return 200, {"_shards": SHARDS}
        if rest[:1] == ["_doc"] and method == "GET":
            wanted = params.get("_source_includes")
            wanted = wanted.decode() if isinstance(wanted, bytes) else wanted
            source = docs[rest[1]]
            return 200, {"_index": self._index(name), "_id": rest[1], "found": True,
                         "_source": {k: v for k, v in source.items()
                                     if wanted is None or k in wanted.split(",")}}
        if rest == ["_count"]:
            return 200, {"count": len(docs)}
        if rest == ["_search"]:                # the first page of a scroll: every document
            wanted = body.get("_source")
            hits = [{"_id": i, "_source": {k: v for k, v in doc.items()
                                           if wanted is None or k in wanted}}
                    for i, doc in sorted(docs.items())]
            return 200, {"_scroll_id": "s", "_shards": SHARDS,
                         "hits": {"total": {"value": len(hits), "relation": "eq"}, "hits": hits}}
        raise AssertionError(f"the fake cluster does not answer {method} /{'/'.join(parts)}")

    def _bulk(self, body) -> tuple[int, dict]:
        fault = self.bulk_faults.pop(0) if self.bulk_faults else None
        lines = [json.loads(line) for line in body.splitlines() if line.strip()]
        actions = []
        while lines:
            action = lines.pop(0)
            (op, meta), = action.items()
            actions.append((op, meta, None if op == "delete" else lines.pop(0)))
        self.bulk_items += [(op, meta["_id"]) for op, meta, _ in actions]
        if fault == "reject":
            return 429, {"error": {"type": "es_rejected_execution_exception",
                                   "reason": "rejected execution of coordinating operation"},
                         "status": 429}
        items = []
        for n, (op, meta, source) in enumerate(actions):
            docs = self.indices[meta["_index"]]
            reason = self.refuse(source) if op == "index" else None
            if fault == "some429" and n < (len(actions) + 1) // 2:
                item = {"status": 429, "error": {"type": "es_rejected_execution_exception",
                                                 "reason": "queue is full"}}
            elif reason:
                item = {"status": 400, "error": {"type": "mapper_parsing_exception",
                                                 "reason": reason}}
            elif op == "index":
                docs[meta["_id"]] = source
                item = {"status": 201, "result": "created"}
            elif op == "update":
                docs[meta["_id"]].update(source["doc"])
                item = {"status": 200, "result": "updated"}
            elif meta["_id"] in docs:
                del docs[meta["_id"]]
                item = {"status": 200, "result": "deleted"}
            else:
                item = {"status": 404, "result": "not_found"}
            items.append({op: {"_index": meta["_index"], "_id": meta["_id"], **item}})
        return 200, {"took": 1, "errors": any(i[op]["status"] >= 300 for i in items
                                              for op in i), "items": items}


class FakeConnection(Connection):
    """The HTTP exchange of an ``opensearch-py`` client, answered by a ``FakeCluster``."""

    def __init__(self, cluster: FakeCluster, **kwargs):
        super().__init__(**kwargs)
        self.cluster = cluster

    def perform_request(self, method, url, params=None, body=None, timeout=None, ignore=(),
                        headers=None):
        parts = [unquote(p) for p in url.split("?")[0].strip("/").split("/")]
        self.cluster.requests.append((method, "/" + "/".join(parts)))
        if isinstance(body, bytes):
            body = body.decode("utf-8")
        if parts == ["_bulk"] and self.cluster.bulk_faults[:1] == ["timeout"]:
            self.cluster.bulk_faults.pop(0)
            raise ConnectionTimeout("TIMEOUT", "the bulk request timed out", TimeoutError())
        payload = body if parts == ["_bulk"] or body is None else json.loads(body)
        status, answer = self.cluster.answer(method, parts, params or {}, payload or {})
        raw = json.dumps(answer)
        if not 200 <= status < 300 and status not in ignore:
            self._raise_error(status, raw, "application/json")
        return status, {"content-type": "application/json"}, raw


class Recorded:
    """A cluster that answers with recorded responses: each request is looked up in
    ``answers``, a list of (method, path, body or None, answer), and the first whose method,
    path and (when given) body are the request's is answered with ``answer`` (a dict; an
    exception instance is raised instead). A request none matches fails the test, naming
    it. ``requests`` holds (method, path, body) of each."""

    def __init__(self, answers: list):
        self.answers = answers
        self.requests: list[tuple[str, str, object]] = []

    def client(self) -> OpenSearch:
        return OpenSearch(hosts=["http://recorded:9200"], connection_class=RecordedConnection,
                          recorded=self)

    def answer(self, method: str, path: str, body):
        self.requests.append((method, path, body))
        for want_method, want_path, want_body, answer in self.answers:
            if (want_method, want_path) == (method, path) and want_body in (None, body):
                if isinstance(answer, Exception):
                    raise answer
                return answer
        raise AssertionError(f"no recorded answer to {method} {path} {json.dumps(body)}")


class RecordedConnection(Connection):
    """The HTTP exchange of an ``opensearch-py`` client, answered by ``Recorded``."""

    def __init__(self, recorded: Recorded, **kwargs):
        super().__init__(**kwargs)
        self.recorded = recorded

    def perform_request(self, method, url, params=None, body=None, timeout=None, ignore=(),
                        headers=None):
        path = unquote(url.split("?")[0])
        found = self.recorded.answer(method, path, json.loads(body) if body else None)
        return 200, {"content-type": "application/json"}, json.dumps(found)
