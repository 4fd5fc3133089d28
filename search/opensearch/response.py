"""An OpenSearch search response as newsfacet's response: totals, page, hits and facets.

``page_response`` turns what OpenSearch answered to ``body.search_body`` (and, when the
results span 62 days or less, to ``body.days_body``; with ``collapse=story``, to
``body.copies_body``) into the members of ``Engine.search``'s response that come from the
index: ``total``, ``total_stories``, ``unit``, ``page``, ``per_page``, ``pages``, ``hits``,
``facets`` and ``next``, with the same names, shapes and order of values. Each facet's
values are listed by the Whoosh engine's own ``facet_values.summary``; with
``facet_rank=distinctive`` it ranks them by their G² against their articles in the whole
collection, which ``body.collection_body`` asks for (``candidates``: the values to ask
about; ``collection_counts`` reads the answer). The hits are
highlighted by the Whoosh engine's own ``Highlighter``: the words it marks are the query's
index words and, for prefix, wildcard and fuzzy terms, the stems of the words OpenSearch
marked in that hit (``body.highlight_clause``).
"""

from __future__ import annotations

import math
import re
from datetime import date
from functools import lru_cache
from urllib.parse import urlencode

import numpy as np
from whoosh import query as wq

from .. import facet_values
from ..engine import HIT_FIELDS
from ..facet_registry import FACETS
from ..facets import fold, unit_for
from ..highlight import Highlighter, positive_leaves
from ..request import SearchError, SearchRequest
from ..schema import build_schema
from ..significance import counted_g2
from .body import MARK_END, MARK_START
from .filters import FacetFilters

_MARKED = re.compile(f"{MARK_START}(.*?){MARK_END}", re.S)


@lru_cache(maxsize=1)
def _schema():
    """The Whoosh schema, for its text analyser (the highlighter stems words with it)."""
    return build_schema()


def _day(text: str) -> date:
    return date.fromisoformat(text[:10])


def histogram_unit(aggs: dict) -> str | None:
    """The bucket of the date histogram (Y, M or D, as ``facets.DateColumn.histogram``
    chooses it from the span of the results' days), None when no result has a date; D means
    the days are asked for with ``body.days_body``."""
    first, last = aggs["results"].get("first"), aggs["results"].get("last")
    if not first or first.get("value") is None:
        return None
    days = np.array([_day(first["value_as_string"]).toordinal(),
                     _day(last["value_as_string"]).toordinal()])
    return unit_for(days)


def histogram(req: SearchRequest, aggs: dict, days: dict | None = None) -> list[dict]:
    """``facets.published``: the results' buckets (years, months or days) in date order, only
    those holding articles, then the ``unknown`` bucket of the undated ones. ``days``: the
    aggregations ``days_body`` was answered with, needed when the unit is days."""
    if not req.facet_size:
        return []
    results = aggs["results"]
    unit = histogram_unit(aggs)
    counts: dict[str, int] = {}
    if unit == "D":
        if days is None:
            raise ValueError("the results span 62 days or less: their days are needed")
        for bucket in days["results"]["days"]["buckets"]:
            counts[bucket["key_as_string"]] = bucket["doc_count"]
    elif unit is not None:
        for bucket in results["months"]["buckets"]:
            key = bucket["key_as_string"][:4 if unit == "Y" else 7]
            counts[key] = counts.get(key, 0) + bucket["doc_count"]
    out = [{"value": value, "count": count,
            "selected": req.date_from == value and req.date_to == value}
           for value, count in sorted(counts.items()) if count]
    unknown = results["undated"]["doc_count"]
    if unknown or req.dated == "unknown":
        out.append({"value": "unknown", "count": unknown, "selected": req.dated == "unknown"})
    return out


class Listed:
    """Some values of a facet as ``facet_values`` reads a ``ValueColumn``: sorted, each with
    its ordinal and its articles in the whole collection (``frequency``: zeros when not
    asked, so that ties in count go by value)."""

    def __init__(self, values: list[str], frequency: dict[str, int] | None = None):
        self.values = values
        self.ordinal = {v: i for i, v in enumerate(values)}
        self.frequency = np.array([(frequency or {}).get(v, 0) for v in values],
                                  dtype=np.int64)

    def folded(self) -> list[str]:
        """Every value without accents, in any case: what ``prefix`` and ``contains`` match."""
        return [fold(v) for v in self.values]


def with_selected(told: dict, selected: dict, frequency: dict) -> dict:
    """``told`` (value -> its articles and stories counted) with those of the selected
    values (``selected``, the same) that some article holds: counted here, or found in the
    collection (``frequency``, when asked). A selected value no article holds is left out, as
    the Whoosh engine's column has no such value: it is listed with no count and no G²."""
    held = {v: pair for v, pair in selected.items() if pair[0] or frequency.get(v)}
    return {**told, **held}


def candidates(req: SearchRequest, filters: FacetFilters, aggs: dict) -> dict[str, list[str]]:
    """Facet name -> the values whose articles in the whole collection ``facet_rank=
    distinctive`` needs: the values each facet listed (its ``CANDIDATES`` most counted) and
    its selected ones (empty when ``facet_size`` is 0: no value is listed)."""
    if not req.facet_size:
        return {}
    return {facet.name: list(dict.fromkeys(
        [*(b["key"] for b in aggs[f"facet:{facet.name}"]["values"]["buckets"]),
         *filters.selected.get(facet.name, [])])) for facet in FACETS}


def collection_counts(answer: dict) -> tuple[dict[str, dict[str, int]], int]:
    """OpenSearch's answer to ``body.collection_body``: facet name -> value -> its articles
    in the whole collection (a value no article holds is not there), and the collection's
    articles."""
    counts = {key.split(":", 1)[1]: {b["key"]: b["doc_count"] for b in agg["buckets"]}
              for key, agg in answer["aggregations"].items()}
    return counts, answer["hits"]["total"]["value"]


def counted_values(told: dict[str, tuple[int, int]], frequency: dict[str, int], *,
                   missing: int, match: str, selected: list, excluded: list,
                   left_out: dict[str, tuple[int, int]], matches: int | None,
                   articles: int) -> tuple[Listed, facet_values.Counted]:
    """Values of a facet OpenSearch counted (``told``: value -> its articles and stories)
    as ``facet_values`` reads them: the column (``Listed``, with each value's articles in
    the collection, ``frequency``) and its ``facet_values.Counted``. ``left_out``: each
    excluded value's articles and stories left out; ``matches``: the articles the facet
    counts when its values are ranked by their G² against the collection's ``articles``
    (None: ranked by count)."""
    column = Listed(sorted(told), frequency)
    counts = np.array([told[v][0] for v in column.values], dtype=np.int64)
    stories = np.array([told[v][1] for v in column.values], dtype=np.int64)
    return column, facet_values.Counted(
        counts=counts, missing=missing, match=match, selected=selected, excluded=excluded,
        left_out={v: n for v, (n, _) in left_out.items()},
        stories=lambda ords: stories[np.asarray(ords, dtype=np.int64)],
        left_out_stories={v: n for v, (_, n) in left_out.items()},
        g2=(counted_g2(counts, column.frequency, matches, articles)
            if matches is not None else None))


def _facet(req: SearchRequest, filters: FacetFilters, facet, aggs: dict,
           collection: tuple | None) -> dict:
    """One value facet as ``facet_values.summary`` makes it from what OpenSearch counted: the
    values listed (the most counted) and the selected and left-out ones; with
    ``facet_rank=distinctive``, ranked by G² against ``collection`` (``collection_counts``;
    None: no value was asked about)."""
    counted = aggs[f"facet:{facet.name}"]
    everywhere, articles = collection or ({}, 0)
    frequency = everywhere.get(facet.name, {})
    told = with_selected(
        {b["key"]: (b["doc_count"], b["stories"]["value"])
         for b in counted.get("values", {}).get("buckets", [])},
        {v: (b["doc_count"], b["stories"]["value"])
         for v, b in counted.get("selected", {}).get("buckets", {}).items()}, frequency)
    left_out = aggs.get(f"left_out:{facet.name}", {}).get("values", {}).get("buckets", {})
    column, found = counted_values(
        told, frequency, missing=counted["missing"]["doc_count"], match=filters.match[facet.name],
        selected=filters.selected.get(facet.name, []),
        excluded=filters.excluded.get(facet.name, []),
        left_out={v: (b["doc_count"], b["stories"]["value"]) for v, b in left_out.items()},
        matches=counted["doc_count"] if req.facet_rank == "distinctive" else None,
        articles=articles)
    return facet_values.summary(facet, column, found, req.facet_size,
                                distinct=counted["distinct"]["value"])


def facets(req: SearchRequest, filters: FacetFilters, aggs: dict,
           days: dict | None = None, collection: dict | None = None) -> dict:
    """``facets``: every value facet, then ``published``, the date histogram (``days``:
    the answer to ``body.days_body``; ``collection``: to ``body.collection_body``)."""
    counts = collection_counts(collection) if collection is not None else None
    out = {facet.name: _facet(req, filters, facet, aggs, counts) for facet in FACETS}
    out["published"] = histogram(req, aggs, days)
    return out


def query_words_of(parsed) -> set[str]:
    """The index words the query's plain words and phrases search the text for."""
    words: set[str] = set()
    for leaf in positive_leaves(parsed.query):
        if isinstance(leaf, wq.Term):
            words.add(leaf.text)
        elif isinstance(leaf, wq.Phrase):
            words.update(leaf.words)
    return words


def marked_words(highlight: dict) -> set[str]:
    """The stems of the words OpenSearch marked in a hit's title and text."""
    analyse = _schema()["text"].analyzer
    return {token.text for fragments in highlight.values() for fragment in fragments
            for word in _MARKED.findall(fragment) for token in analyse(word, mode="query")}


def _hit(req: SearchRequest, found: dict, words: set[str], relevance: bool) -> dict:
    """One hit as the Whoosh engine gives it."""
    source = found["_source"]
    hit = {"id": source["id"], "title": source.get("title") or None}
    hit.update({name: source.get(name) for name in HIT_FIELDS})
    hit["story"], hit["story_size"] = source["story"], source["story_size"]
    hit["score"] = round(found["_score"], 4) if relevance and found.get("_score") is not None \
        else None
    marked = marked_words(found.get("highlight", {}))
    highlighter = Highlighter(_schema(), words | marked)
    hit["highlights"] = {"title": highlighter.title(source.get("title") or ""),
                         "text": highlighter.fragments(source.get("text") or "")}
    return hit


def _collapsed(hit: dict, stories: dict) -> dict:
    """``copies`` and ``also_published_by`` of a hit standing for its story, from the
    aggregation ``copies_body`` was answered with."""
    bucket = stories[hit["story"]]
    own = {hit["outlet"]} if hit.get("outlet") else set()
    outlets = {b["key"] for b in bucket["outlets"]["buckets"]}
    return {"copies": bucket["doc_count"], "also_published_by": sorted(outlets - own)}


def page_response(req: SearchRequest, parsed, filters: FacetFilters, found: dict,
                  days: dict | None = None, copies: dict | None = None,
                  collection: dict | None = None) -> dict:
    """The members of the search response that come from the index (see the module's
    docstring): ``found`` is OpenSearch's answer to ``search_body``, ``days`` its
    aggregations for ``days_body``, ``copies`` those for ``copies_body``, ``collection`` its
    answer to ``collection_body`` (with ``facet_rank=distinctive``)."""
    aggs = found["aggregations"]
    stories = aggs["results"]["stories"]["value"]
    articles = found["hits"]["total"]["value"]
    total = stories if req.collapse == "story" else articles
    pages = max(1, math.ceil(total / req.per_page))
    if req.page > pages:
        raise SearchError(f"page {req.page} is past the last page ({pages}) of {total} "
                          "results", "page", type="page_out_of_range")
    relevance = req.sort == "relevance" and parsed.query is not None
    words = query_words_of(parsed)
    hits = [_hit(req, h, words, relevance) for h in found["hits"]["hits"]]
    if req.collapse == "story" and hits:
        buckets = {b["key"]: b for b in copies["stories"]["story"]["buckets"]}
        for hit in hits:
            hit.update(_collapsed(hit, buckets))
    return {
        "total": total, "total_stories": stories,
        "unit": "stories" if req.collapse == "story" else "articles",
        "page": req.page, "per_page": req.per_page, "pages": pages,
        "hits": hits, "facets": facets(req, filters, aggs, days, collection),
        "next": ("?" + urlencode(req.with_page(req.page + 1).to_params())
                 if req.page < pages else None),
    }
