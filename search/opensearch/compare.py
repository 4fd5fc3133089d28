"""The outlet comparison (``compare.py``) counted with OpenSearch aggregations.

Three ``_search`` requests, none returning hits, make the ``compare.Counted`` that
``compare.assemble`` turns into the response the Whoosh engine gives:

1. ``outline_body``: among the matches (the query and the date bounds, then every facet
   filter: a ``filter`` aggregation named ``results``, as a search's), their stories, the
   outlets with most matches (``terms``, at most ``rows``), how many outlets and how many
   matches without one, the ``CANDIDATES`` values of the field most named (``terms``), and
   the first and last publication day, which give the timelines' unit as they give a
   search's histogram its unit.
2. ``body.collection_body``, as for a search's facets ranked by distinctiveness: each
   candidate value's articles in the whole collection, and the collection's articles (for
   ``rank=distinctive``'s G² and the columns' ``collection``); the columns are then chosen
   by ``compare.rank_columns``, as the Whoosh engine chooses them.
3. ``counts_body``: its query is the period (the date bounds only: a row's ``period`` is
   every article of the outlet there, whatever the rest of the query and the filters), and
   it counts, for the matches (``results``) and for the period, each row's articles and
   stories (``filters``, keyed by outlet; ``missing`` for the row without an outlet), each
   cell's (``filters`` keyed by value, inside each row), each column's with its number of
   outlets, and the timelines of every one of them (``aggregations.timeline``: a
   ``date_histogram`` in the unit of request 1, with stories, and the undated ones). For the
   spellings, each cell of the first ``SPELLING_VALUES`` columns of a field found in the text
   reads the stored mentions of its first ``SPELLING_READS`` articles by article id
   (``top_hits``).

Story counts and the number of outlets are OpenSearch's ``cardinality`` estimates, exact up
to ``EXACT_DISTINCT`` distinct values, as a search's are.
"""

from __future__ import annotations

import numpy as np

from ..compare import (SPELLING_READS, SPELLING_VALUES, Column, CompareRequest, Counted, Row,
                       Tally, Timeline, count_forms, rank_columns)
from ..facet_registry import BY_NAME
from .aggregations import CANDIDATES, EXACT_DISTINCT, STORIES, timeline
from .body import query_clause
from .filters import FacetFilters, all_of, date_filters
from .query import translate
from .response import collection_counts, histogram_unit

#: A ``terms`` aggregation's order as the Whoosh engine lists values: most first, then by value.
MOST_FIRST = [{"_count": "desc"}, {"_key": "asc"}]


def matches_filter(req, parsed, filters: FacetFilters) -> dict:
    """The matches of a search as a filter, under a query that holds its date bounds
    already: its parsed query and every facet filter."""
    if parsed.query is None:
        return filters.final()
    return {"bool": {"must": [translate(parsed.query)], "filter": [filters.final()]}}


def outline_body(creq: CompareRequest, parsed, filters: FacetFilters) -> dict:
    """Request 1: the matches, their rows, candidate values and span (module docstring)."""
    req, by = creq.search, BY_NAME[creq.by].field
    return {"size": 0, "track_total_hits": False, "query": query_clause(req, parsed),
            "aggs": {"results": {"filter": filters.final(), "aggs": {
                "stories": STORIES,
                "outlets": {"terms": {"field": by, "size": creq.rows, "order": MOST_FIRST}},
                "outlet_count": {"cardinality": {"field": by,
                                                 "precision_threshold": EXACT_DISTINCT}},
                "without_outlet": {"missing": {"field": by}},
                "values": {"terms": {"field": BY_NAME[creq.field].field, "size": CANDIDATES,
                                     "order": MOST_FIRST}},
                "first": {"min": {"field": "published", "format": "strict_date"}},
                "last": {"max": {"field": "published", "format": "strict_date"}}}}}}


def _keyed(field: str, values: list[str]) -> dict:
    """A ``filters`` aggregation with one bucket per value of a keyword field, keyed by it."""
    return {"filters": {"filters": {v: {"term": {field: v}} for v in values}}}


def counts_body(creq: CompareRequest, parsed, filters: FacetFilters, outlets: list[str],
                without: bool, columns: list[str], unit: str) -> dict:
    """Request 3: every row, cell, column and timeline, for the matches and for the period,
    with the spellings read (module docstring); ``outlets``: the rows' outlets, ``without``:
    whether there is a row of matches without an outlet, ``columns``: the columns' values,
    ``unit``: the timelines' unit."""
    req, by, field = creq.search, BY_NAME[creq.by].field, BY_NAME[creq.field].field
    line = timeline(unit)
    told = {"stories": STORIES, **line}   # a set's articles, stories and timeline
    in_row, matches = dict(told), dict(told)
    if columns:   # OpenSearch refuses a ``filters`` aggregation of no filter
        in_row["values"] = {**_keyed(field, columns), "aggs": {"stories": STORIES}}
        matches["values"] = {**_keyed(field, columns), "aggs": {
            **told,
            "outlets": {"cardinality": {"field": by, "precision_threshold": EXACT_DISTINCT}}}}
    spelt = columns[:SPELLING_VALUES] if BY_NAME[creq.field].mention else []
    if spelt:
        in_row["spelt"] = {**_keyed(field, spelt), "aggs": {"read": {"top_hits": {
            "size": SPELLING_READS, "sort": [{"id": {"order": "asc"}}],
            "_source": {"includes": ["mentions"]}}}}}
    period = dict(line)
    if outlets:
        matches["rows"] = {**_keyed(by, outlets), "aggs": in_row}
        period["rows"] = {**_keyed(by, outlets), "aggs": told}
    if without:
        matches["no_outlet"] = {"missing": {"field": by}, "aggs": in_row}
        period["no_outlet"] = {"missing": {"field": by}, "aggs": told}
    return {"size": 0, "track_total_hits": False,
            "query": all_of(date_filters(req, parsed), []),
            "aggs": {"results": {"filter": matches_filter(req, parsed, filters),
                                 "aggs": matches},
                     **period}}


class Outline:
    """OpenSearch's answer to ``outline_body``: the matches, the rows' outlets (and whether
    the matches without one are a row), the candidate values and the timelines' unit."""

    def __init__(self, answer: dict):
        results = answer["aggregations"]["results"]
        self.total = Tally(results["doc_count"], results["stories"]["value"])
        self.outlets = [b["key"] for b in results["outlets"]["buckets"]]
        self.outlet_count = results["outlet_count"]["value"]
        self.without = results["without_outlet"]["doc_count"] > 0
        #: the candidate values in value order, and their matches
        named = sorted((b["key"], b["doc_count"]) for b in results["values"]["buckets"])
        self.candidates = [v for v, _ in named]
        self.counts = np.array([n for _, n in named], dtype=np.int64)
        # no dated match: one day's span, as the Whoosh engine's bucket_unit of no days
        self.unit = histogram_unit(answer["aggregations"]) or "D"


def chosen_columns(creq: CompareRequest, outline: Outline,
                   collection: dict | None) -> tuple[list[str], dict[str, int], list[float]]:
    """The columns' values, in order, each value's articles in the collection, and the
    columns' signed G², from OpenSearch's answer to ``body.collection_body`` of the
    candidates (None: not asked, as there was no candidate)."""
    if collection is None:
        return [], {}, []
    counts, articles = collection_counts(collection)
    frequency = counts.get(creq.field, {})
    order, scores = rank_columns(outline.counts,
                                 np.array([frequency.get(v, 0) for v in outline.candidates],
                                          dtype=np.int64),
                                 outline.total.articles, articles, creq.rank)
    order, scores = order[:creq.size], scores[:creq.size]
    return [outline.candidates[i] for i in order.tolist()], frequency, scores.tolist()


def _tally(bucket: dict) -> Tally:
    return Tally(bucket["doc_count"], bucket["stories"]["value"])


def _timeline(agg: dict, buckets: list[str]) -> Timeline:
    """A set's ``aggregations.timeline`` answer on the bucket list ``buckets``."""
    held = {b["key_as_string"]: b for b in agg["dates"]["buckets"]}
    return Timeline(counts=[held[b]["doc_count"] if b in held else 0 for b in buckets],
                    stories=[held[b]["stories"]["value"] if b in held else 0 for b in buckets],
                    undated=agg["undated"]["doc_count"],
                    undated_stories=agg["undated"]["stories"]["value"])


def counted(creq: CompareRequest, outline: Outline, values: list[str], frequency: dict,
            scores: list[float], answer: dict) -> Counted:
    """The ``compare.Counted`` of OpenSearch's answer to ``counts_body`` (``values``,
    ``frequency``, ``scores``: ``chosen_columns``)."""
    aggs = answer["aggregations"]
    results = aggs["results"]
    buckets = [b["key_as_string"] for b in results["dates"]["buckets"] if b["doc_count"]]
    row_values: list[str | None] = [*outline.outlets, *([None] if outline.without else [])]

    def bucket_of(where: dict, row: str | None) -> dict:
        return where["no_outlet"] if row is None else where["rows"]["buckets"][row]

    columns = []
    for value, score in zip(values, scores):
        bucket = results["values"]["buckets"][value]
        columns.append(Column(value=value, count=_tally(bucket), collection=frequency[value],
                              g2=score, outlets=bucket["outlets"]["value"],
                              timeline=_timeline(bucket, buckets)))
    rows, spelt = [], {}
    kind = BY_NAME[creq.field].mention
    for r, row in enumerate(row_values):
        ours, theirs = bucket_of(results, row), bucket_of(aggs, row)
        cells = [_tally(ours["values"]["buckets"][v]) for v in values]
        rows.append(Row(value=row, matches=_tally(ours), period=_tally(theirs), cells=cells,
                        timeline=_timeline(ours, buckets),
                        period_timeline=_timeline(theirs, buckets)))
        if kind is None:
            continue
        # the mentions of the value itself: a cluster counts no value under another
        for c, value in enumerate(values[:SPELLING_VALUES]):
            hits = ours["spelt"]["buckets"][value]["read"]["hits"]["hits"]
            if hits:
                spelt[(c, r)] = (len(hits), count_forms(
                    (h["_source"].get("mentions") for h in hits), {value}, kind))
    return Counted(total=outline.total, outlets=outline.outlet_count, rows=rows,
                   columns=columns, unit=outline.unit, buckets=buckets,
                   timeline=_timeline(results, buckets), period_timeline=_timeline(aggs, buckets),
                   spelt=spelt)
