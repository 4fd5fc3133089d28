"""``OpenSearchEngine``: the Whoosh ``Engine``'s requests answered from an OpenSearch index.

It has the methods the web pages, the API and the CLI call on ``engine.Engine`` (``search``,
``facet_values``, ``article``, ``differences``, ``neighbours``, ``iter_records``,
``overview``, ``compare``) with the same arguments and responses, so that nothing above
them knows which engine answers. A search is parsed by the Whoosh engine's own
``parse_query``, which asks its few questions of the cluster (``lookup.py``), and is sent as
the bodies of ``body.py``; the answers become the response with ``response.py``. What
differs between the two engines is listed in the README ("The OpenSearch engine").
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import replace
from typing import Iterator

from opensearchpy import exceptions as os_errors

from .. import differences as paragraphs
from .. import facet_values
from ..budget import Budget
from ..compare import CompareRequest, assemble
from ..engine import (
    OVERVIEW_LISTS,
    SIMILAR,
    Engine,
    check_window,
    facet_named,
    resolve_values,
)
from ..facet_registry import BY_NAME, exclude_param
from ..highlight import Highlighter
from ..indexer import IndexError_
from ..interpretation import interpretation
from ..model import RECORD_FIELDS
from ..query import parse_query
from ..request import SearchError, SearchRequest, query_text
from ..settings import SETTINGS
from . import compare as comparing
from .aggregations import EXACT_DISTINCT, STORIES, each_value
from .body import (
    NOT_RECORD,
    PIT_KEEP_ALIVE,
    after_body,
    collection_body,
    copies_body,
    days_body,
    highlight_clause,
    hits_part,
    query_clause,
    search_body,
)
from .connect import client
from .filters import FacetFilters
from .lookup import Cluster, ClusterColumns, ClusterSearcher
from .response import (
    candidates,
    collection_counts,
    counted_values,
    histogram_unit,
    marked_words,
    page_response,
    query_words_of,
    with_selected,
)

#: Hits OpenSearch pages with ``from``/``size`` (its ``index.max_result_window``); deeper
#: pages of a date sort walk there with ``search_after``.
MAX_WINDOW = 10_000
#: Hits asked for at a time by a walk (export, deep pages), and values by a composite walk.
WALK_SIZE = 1000
#: The fields of an article's brief (copies, similar articles, neighbours).
BRIEF = ["id", "title", "outlet", "source_outlet", "published", "url"]
#: The largest number of copies of one story an article page lists.
MAX_COPIES = 1000


def _brief(source: dict, score: float | None = None) -> dict:
    """An article as a list of copies, similar articles or neighbours shows it."""
    brief = {name: source.get(name) for name in BRIEF}
    brief["title"] = brief["title"] or None
    if score is not None:
        brief["score"] = score
    return brief


def _record(source: dict) -> dict:
    """The export record of a stored document: ``RECORD_FIELDS`` in order, then the
    others, without the fields only the index needs."""
    record = {name: source.get(name) for name in RECORD_FIELDS}
    record.update((k, v) for k, v in source.items() if k not in record and k not in NOT_RECORD)
    return record


@contextmanager
def cluster_errors(where: str):
    """OpenSearch's errors as ``SearchError``: a cluster that cannot be reached or that
    fails a request is a 503 saying so, and a request the cluster refuses a 400."""
    try:
        yield
    except os_errors.NotFoundError as exc:
        raise SearchError(f"the OpenSearch index {where} is not there any more ({exc.error})",
                          None, type="no_index", status=503) from None
    except os_errors.RequestError as exc:
        raise SearchError(f"OpenSearch refused this search: {_reason(exc)}", "q",
                          type="query_too_complex") from None
    except (os_errors.ConnectionError, os_errors.TransportError) as exc:
        raise SearchError(f"the OpenSearch cluster of {where} did not answer: {_reason(exc)}",
                          None, type="engine_unavailable", status=503) from None


def _reason(exc: os_errors.TransportError) -> str:
    """The reason OpenSearch gave for a failed request (its root cause), else the error."""
    info = exc.info if isinstance(exc.info, dict) else {}
    causes = info.get("error", {}).get("root_cause") if isinstance(info.get("error"), dict) else None
    if causes:
        return causes[0].get("reason") or str(causes[0])
    return str(exc.error or exc)


class OpenSearchEngine:
    """Answers searches and article look-ups on one newsfacet index of an OpenSearch
    cluster (an index or the alias ``newsfacet index --to opensearch`` keeps)."""

    def __init__(self, client, index: str,
                 time_budget_ms: float | None = SETTINGS.time_budget_ms):
        """``client``: an ``opensearchpy.OpenSearch``; ``index``: the index or alias.
        ``IndexError_`` says why it cannot be used (no cluster, no such index)."""
        self.cluster = Cluster(client, index)
        self.index = index
        self.time_budget_ms = time_budget_ms
        #: what ``parse_query`` and the did-you-mean read (``lookup.py``)
        self.searcher, self.columns = ClusterSearcher(self.cluster), ClusterColumns(self.cluster)
        try:
            found = client.indices.exists(index=index)
        except os_errors.TransportError as exc:
            raise IndexError_(f"the OpenSearch cluster cannot be reached ({_reason(exc)}); "
                              "check --opensearch-url") from None
        if not found:
            raise IndexError_(f"the OpenSearch cluster has no index or alias named {index!r}; "
                              f"load one with: newsfacet index PATH --to opensearch "
                              f"--opensearch-index {index}")

    @classmethod
    def connect(cls, url: str, index: str,
                time_budget_ms: float | None = SETTINGS.time_budget_ms) -> "OpenSearchEngine":
        """The engine on index ``index`` of the cluster at ``url``."""
        return cls(client(url), index, time_budget_ms)

    # --- one search, understood -----------------------------------------------------

    def _understood(self, req: SearchRequest, budget: Budget | None = None):
        """(parsed query, warnings, typed filter values resolved, left out ones resolved,
        ``FacetFilters``) of a request."""
        parsed = parse_query(req.q, self.searcher, self.columns, req.variants, budget)
        warnings = list(parsed.warnings)
        resolved = {name: resolve_values(self.columns.fields, name, values, warnings)
                    for name, values in req.filters.items()}
        left_out = {name: resolve_values(self.columns.fields, name, values, warnings)
                    for name, values in req.exclude.items()}
        return parsed, warnings, resolved, left_out, FacetFilters(req, resolved, left_out)

    def _count(self, req: SearchRequest, parsed, filters: FacetFilters) -> int:
        """The articles of a search, every filter applied."""
        return self.cluster.count({"bool": {"must": [query_clause(req, parsed)],
                                            "filter": [filters.final()]}})

    def _walk(self, req: SearchRequest, parsed, filters: FacetFilters,
              export: bool = False) -> Iterator[dict]:
        """Every hit of a search in its order, ``WALK_SIZE`` at a time with ``search_after``
        in a point in time (closed when the walk ends or is dropped)."""
        pit = self.cluster.client.create_pit(index=self.index,
                                             keep_alive=PIT_KEEP_ALIVE)["pit_id"]
        try:
            after = None
            while True:
                found = self.cluster.client.search(body=after_body(
                    req, parsed, filters, pit, after, WALK_SIZE, export))
                hits = found["hits"]["hits"]
                yield from hits
                if len(hits) < WALK_SIZE:
                    return
                pit = found.get("pit_id", pit)
                after = hits[-1]["sort"]
        finally:
            try:
                self.cluster.client.delete_pit(body={"pit_id": [pit]})
            except os_errors.TransportError:   # it lapses by itself after its keep-alive
                pass

    # --- the engine's interface -------------------------------------------------------

    def search(self, req: SearchRequest) -> dict:
        """The JSON response to a search, as ``Engine.search`` gives it."""
        with cluster_errors(self.index):
            return self._search(req)

    def _search(self, req: SearchRequest) -> dict:
        """``search``, its cluster errors not yet turned into ``SearchError``."""
        started = time.perf_counter()
        budget = Budget(self.time_budget_ms)
        parsed, warnings, resolved, left_out, filters = self._understood(req, budget)
        check_window(req, parsed)
        body = search_body(req, parsed, filters)
        skip = (req.page - 1) * req.per_page
        deep = req.page * req.per_page > MAX_WINDOW
        if deep and req.collapse == "story":
            raise SearchError(f"with collapse=story, pages go {MAX_WINDOW} stories deep on "
                              "this server; export all results (CSV/JSONL) for more", "page",
                              type="window_too_deep")
        if deep:
            body.update({"from": 0, "size": 0})
        params = {} if self.time_budget_ms is None else {"timeout": f"{int(self.time_budget_ms)}ms"}
        found = self.cluster.search(body, **params)
        if found.get("timed_out"):
            budget.cut("search")
        if deep:
            walked = []
            for i, hit in enumerate(self._walk(req, parsed, filters)):
                if i >= skip + req.per_page:
                    break
                if i >= skip:
                    walked.append(hit)
            found["hits"]["hits"] = walked
        aggs = found["aggregations"]
        days = (self.cluster.search(days_body(req, parsed, filters))["aggregations"]
                if req.facet_size and histogram_unit(aggs) == "D" else None)
        stories = list(dict.fromkeys(h["_source"]["story"] for h in found["hits"]["hits"]))
        copies = (self.cluster.search(copies_body(req, parsed, filters, stories))["aggregations"]
                  if req.collapse == "story" and stories else None)
        asked = candidates(req, filters, aggs) if req.facet_rank == "distinctive" else {}
        collection = (self.cluster.search(collection_body(asked))
                      if any(asked.values()) else None)
        part = page_response(req, parsed, filters, found, days, copies, collection)
        tree = interpretation(parsed, self.columns, req, resolved, warnings, budget)
        _unexpanded(tree["tree"])
        response = {"query": req.echo(), "interpretation": tree}
        response.update({key: part[key] for key in ("total", "total_stories", "unit", "page",
                                                     "per_page", "pages")})
        response.update({
            "took_ms": 0, "hits": part["hits"], "facets": part["facets"],
            "suggestion": Engine._suggestion(self, parsed, budget),
            "warnings": warnings, "timed_out": budget.timed_out,
            "relaxations": (self._relaxations(req, parsed, resolved, left_out)
                            if part["total"] == 0 else []),
            "next": part["next"],
        })
        response["took_ms"] = round((time.perf_counter() - started) * 1000)
        return response

    def _relaxations(self, req: SearchRequest, parsed, resolved: dict, left_out: dict) -> list:
        """For each filter value given, the articles the search has without it (as
        ``Engine``'s ``relaxations``)."""
        out = []
        for param_of, given, other in ((lambda n: n, resolved, left_out),
                                       (exclude_param, left_out, resolved)):
            for name, typed in given.items():
                for value in typed:
                    fewer = {**given, name: {v: f for v, f in typed.items() if v != value}}
                    filters = (FacetFilters(req, fewer, other) if given is resolved
                               else FacetFilters(req, other, fewer))
                    out.append({"param": param_of(name), "value": value,
                                "total": self._count(req, parsed, filters)})
        filters = FacetFilters(req, resolved, left_out)
        for param, attr in (("from", "date_from"), ("to", "date_to"), ("dated", "dated")):
            value = getattr(req, attr)
            if value:
                out.append({"param": param, "value": value,
                            "total": self._count(replace(req, **{attr: None}), parsed, filters)})
        return out

    def facet_values(self, req: SearchRequest, name: str, listing) -> dict:
        """The whole value list of facet ``name`` for a search (``/api/facets/<name>``),
        counted with ``composite`` aggregations (with ``facet_rank=distinctive``, ranked by
        G² against the values' articles in the whole collection); an unknown facet is a
        404."""
        facet = facet_named(name)
        distinctive = req.facet_rank == "distinctive"
        with cluster_errors(self.index):
            parsed, _, _, _, filters = self._understood(req)
            query = query_clause(req, parsed)
            # The facet's own filter goes into the query: OpenSearch before 2.12 refuses a
            # composite aggregation under a filter aggregation.
            counted_query = {"bool": {"must": [query], "filter": [filters.counted_under(name)]}}
            counts, stories, after, missing, matches = {}, {}, None, 0, 0
            while True:
                composite = {"size": WALK_SIZE, "sources": [{"v": {"terms": {"field": facet.field}}}]}
                if after is not None:
                    composite["after"] = after
                aggs = {"values": {"composite": composite, "aggs": {"stories": STORIES}}}
                body = {"size": 0, "query": counted_query, "aggs": aggs}
                if after is None:
                    aggs["missing"] = {"missing": {"field": facet.field}}
                    if distinctive:   # the articles the facet counts: G²'s set
                        body["track_total_hits"] = True
                answer = self.cluster.search(body)
                found = answer["aggregations"]
                if after is None:
                    missing = found["missing"]["doc_count"]
                    matches = answer["hits"]["total"]["value"] if distinctive else 0
                for bucket in found["values"]["buckets"]:
                    value = bucket["key"]["v"]
                    counts[value], stories[value] = bucket["doc_count"], bucket["stories"]["value"]
                after = found["values"].get("after_key")
                if not found["values"]["buckets"] or after is None:
                    break
            excluded = filters.excluded.get(name, [])
            left_out = {}
            if excluded:
                found = self.cluster.search({"size": 0, "query": query, "aggs": {"left_out": {
                    "filter": filters.left_out_under(name),
                    "aggs": {"values": each_value(facet.field, excluded)}}}})
                for value, bucket in found["aggregations"]["left_out"]["values"]["buckets"].items():
                    left_out[value] = (bucket["doc_count"], bucket["stories"]["value"])
            selected = filters.selected.get(name, [])
            frequency, articles = (self._in_collection(name, [*counts, *selected]) if distinctive
                                   else ({}, 0))
        held = with_selected({v: (n, stories[v]) for v, n in counts.items()},
                             {v: (0, 0) for v in selected if v not in counts}, frequency)
        column, counted = counted_values(
            held, frequency, missing=missing, match=filters.match[name], selected=selected,
            excluded=excluded, left_out=left_out, matches=matches if distinctive else None,
            articles=articles)
        return facet_values.value_list(facet, column, counted, listing)

    def _in_collection(self, name: str, values: list[str]) -> tuple[dict[str, int], int]:
        """Each of ``values`` of facet ``name`` and its articles in the whole collection (a
        value no article holds is left out), and the collection's articles (0 when no value
        is given: nothing is asked); asked ``WALK_SIZE`` values at a time."""
        values = list(dict.fromkeys(values))
        frequency, articles = {}, 0
        for start in range(0, len(values), WALK_SIZE):
            found, articles = collection_counts(self.cluster.search(
                collection_body({name: values[start:start + WALK_SIZE]})))
            frequency.update(found.get(name, {}))
        return frequency, articles

    def compare(self, creq: CompareRequest) -> dict:
        """Outlets against the most named values of a field for a search, with spellings and
        timelines, as ``Engine.compare`` gives them, counted with aggregations in three
        requests (``opensearch/compare.py``)."""
        with cluster_errors(self.index):
            parsed, _, _, _, filters = self._understood(creq.search)
            outline = comparing.Outline(self.cluster.search(
                comparing.outline_body(creq, parsed, filters)))
            collection = (self.cluster.search(collection_body({creq.field: outline.candidates}))
                          if outline.candidates else None)
            values, frequency, scores = comparing.chosen_columns(creq, outline, collection)
            found = self.cluster.search(comparing.counts_body(
                creq, parsed, filters, outline.outlets, outline.without, values, outline.unit))
        return assemble(creq, comparing.counted(creq, outline, values, frequency, scores, found))

    def _source(self, id: str, param: str) -> dict:
        """The stored document of article ``id``; a 404 naming ``param`` when none."""
        found = self.cluster.search({"size": 1, "query": {"term": {"id": id}}})["hits"]["hits"]
        if not found:
            raise SearchError(f"no article with id {id!r} in this index", param,
                              type="not_found", status=404)
        return found[0]

    def article(self, id: str, q: str = "") -> dict:
        """The full record of one article with its ``copies`` and ``similar`` articles; the
        words of query ``q`` are marked in its highlights (as ``Engine.article``)."""
        q = query_text(q)
        with cluster_errors(self.index):
            found = self._source(id, "id")
            record = _record(found["_source"])
            budget = Budget(self.time_budget_ms)
            parsed = parse_query(q, self.searcher, self.columns, budget=budget)
            words = query_words_of(parsed)
            highlight = highlight_clause(parsed)
            if highlight is not None:
                marked = self.cluster.search({"query": {"ids": {"values": [found["_id"]]}},
                                              "_source": False, "highlight": highlight})
                for hit in marked["hits"]["hits"]:
                    words |= marked_words(hit.get("highlight", {}))
            highlighter = Highlighter(self.searcher.schema, words)
            record["highlights"] = {"title": highlighter.title(record["title"] or ""),
                                    "text": highlighter.full(record["text"] or "")}
            copies = self.cluster.search({
                "size": MAX_COPIES, "_source": BRIEF,
                "query": {"bool": {"filter": [{"term": {"story": record["story"]}}],
                                   "must_not": [{"term": {"id": id}}]}}})["hits"]["hits"]
            record["copies"] = sorted((_brief(h["_source"]) for h in copies),
                                      key=lambda b: (b["published"] is None,
                                                     b["published"] or "", b["id"]))
            similar = []
            if record["text"]:
                similar = self.cluster.search({
                    "size": SIMILAR, "_source": BRIEF,
                    "query": {"bool": {
                        "must": [{"more_like_this": {
                            "fields": ["text"], "max_query_terms": 10, "min_term_freq": 1,
                            "min_doc_freq": 1,
                            "like": [{"_index": found["_index"], "_id": found["_id"]}]}}],
                        "must_not": [{"term": {"story": record["story"]}}]}},
                    "sort": [{"_score": {"order": "desc"}}, {"id": {"order": "asc"}}]})["hits"]["hits"]
            record["similar"] = [_brief(h["_source"], round(h["_score"], 4)) for h in similar]
            record["timed_out"] = budget.timed_out
            return record

    def differences(self, id: str, other_id: str) -> dict:
        """What differs between two articles, paragraph by paragraph (as
        ``Engine.differences``)."""
        with cluster_errors(self.index):
            ours = self._source(id, "id")["_source"]
            if other_id == id:
                raise SearchError("other_id is this article itself: give the id of another "
                                  "article to compare it with", "other_id", type="same_article")
            theirs = self._source(other_id, "other_id")["_source"]
        found = paragraphs.compare(ours.get("text") or "", theirs.get("text") or "",
                                   SETTINGS.max_diff_paragraphs, SETTINGS.max_diff_chars)
        return {"article": _brief(ours), "other": _brief(theirs),
                "same_story": ours["story"] == theirs["story"], **found}

    def neighbours(self, req: SearchRequest, id: str) -> dict | None:
        """Where article ``id`` stands among the hits of ``req`` and the hits either side
        (as ``Engine.neighbours``); None past the first ``MAX_WINDOW`` hits."""
        size = req.page * req.per_page + 1
        if size > MAX_WINDOW:
            return None
        with cluster_errors(self.index):
            parsed, _, _, _, filters = self._understood(req)
            body = hits_part(req, parsed, filters)
            body.update({"size": size, "_source": BRIEF, "track_total_hits": True,
                         "aggs": {"results": {"filter": filters.final(),
                                              "aggs": {"stories": STORIES}}}})
            if req.collapse == "story":
                body["collapse"] = {"field": "story"}
            found = self.cluster.search(body)
        hits = [h["_source"] for h in found["hits"]["hits"]]
        where = next((i for i, h in enumerate(hits) if h["id"] == id), None)
        if where is None:
            return None
        total = (found["aggregations"]["results"]["stories"]["value"] if req.collapse == "story"
                 else found["hits"]["total"]["value"])

        def brief(i: int) -> dict | None:
            if not 0 <= i < len(hits):
                return None
            return {**_brief(hits[i]), "page": i // req.per_page + 1}
        return {"position": where + 1, "total": total, "page": where // req.per_page + 1,
                "previous": brief(where - 1), "next": brief(where + 1)}

    def iter_records(self, req: SearchRequest) -> Iterator[dict]:
        """Every matching article's export record in the request's order (with
        ``collapse=story``, each story's first); the request is checked now, the records
        are read as the iterator is."""
        with cluster_errors(self.index):
            parsed, _, _, _, filters = self._understood(req)
        return self._records(req, parsed, filters)

    def _records(self, req: SearchRequest, parsed, filters: FacetFilters) -> Iterator[dict]:
        """The export records of ``iter_records``, read as they are asked for."""
        seen: set[str] = set()
        with cluster_errors(self.index):
            for hit in self._walk(req, parsed, filters, export=True):
                source = hit["_source"]
                if req.collapse == "story":
                    if source["story"] in seen:
                        continue
                    seen.add(source["story"])
                yield _record(source)

    def overview(self, top: int | None = None) -> dict:
        """What the index holds (as ``Engine.overview``)."""
        aggs = {key: {"terms": {"field": BY_NAME[name].field, "size": size if top is None else top,
                                "order": [{"_count": "desc"}, {"_key": "asc"}]}}
                for key, name, size in OVERVIEW_LISTS}
        aggs.update({
            "outlet_count": {"cardinality": {"field": "outlet",
                                             "precision_threshold": EXACT_DISTINCT}},
            "without_outlet": {"missing": {"field": "outlet"}},
            "first": {"min": {"field": "published", "format": "strict_date"}},
            "last": {"max": {"field": "published", "format": "strict_date"}},
            "without_date": {"missing": {"field": "published"}}})
        with cluster_errors(self.index):
            found = self.cluster.search({"size": 0, "track_total_hits": True, "aggs": aggs})
        got = found["aggregations"]
        out = {"articles": found["hits"]["total"]["value"]}
        for key, name, _ in OVERVIEW_LISTS:
            out[key] = [{"value": b["key"], "count": b["doc_count"]} for b in got[key]["buckets"]]
            if name == "outlet":
                out["outlet_count"] = got["outlet_count"]["value"]
                out["without_outlet"] = got["without_outlet"]["doc_count"]
        first, last = got["first"].get("value_as_string"), got["last"].get("value_as_string")
        out["date_span"] = [first[:10], last[:10]] if first and last else None
        out["without_date"] = got["without_date"]["doc_count"]
        return out


def _unexpanded(node: dict | None) -> None:
    """Prefix and wildcard terms of an interpretation tree: OpenSearch expands them itself,
    so how many words they stand for is not known (``expansions`` null, none listed)."""
    if not node:
        return
    for child in node.get("children", []):
        _unexpanded(child)
    if "prefix" in node or "wildcard" in node:
        node["expansions"] = None
