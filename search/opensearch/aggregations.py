"""Facet counts, story counts and the date histogram as OpenSearch aggregations.

Each value facet is counted under its own filter (``FacetFilters.counted_under``): a
``filter`` aggregation holding

- ``values``: the most frequent values (``terms``, enough to list ``facet_size`` of them
  after the selected ones; with ``facet_rank=distinctive``, the ``CANDIDATES`` among which
  the most distinctive are chosen), each with its distinct stories;
- ``selected``: each selected value's articles and stories (a ``filters`` aggregation: a
  selected value is listed first with its count even when it is not among the most frequent);
- ``distinct``: the number of distinct values, and ``missing``: the articles with none.

A facet with left-out values also has a ``left_out:<name>`` aggregation: for each of them,
the articles its exclusion leaves out. ``results`` counts what the hits are drawn from (every
filter): their distinct stories, their first and last publication day, the months they fall
in and the articles without a date. The histogram is given by months because its bucket
depends on the span of the results (``facets.DateColumn.histogram``: years past three years,
days up to 62 days): years are sums of months, and a span of 62 days or less asks for its
days with ``days_aggs`` in a second request. Only buckets holding articles are asked for,
as the Whoosh engine lists them (the page fills the gaps between them). ``timeline`` counts
a set's articles and stories in the buckets of a unit known already (the comparison's).
"""

from __future__ import annotations

from ..facet_registry import FACETS
from ..request import SearchRequest
from .filters import FacetFilters

#: OpenSearch counts distinct values exactly up to this many and estimates past it (the most
#: its ``cardinality`` aggregation allows).
EXACT_DISTINCT = 40_000

STORIES = {"cardinality": {"field": "story", "precision_threshold": EXACT_DISTINCT}}
#: The most counted values of a facet (or of a comparison's field) among which the most
#: distinctive are chosen (the Whoosh engine: among every value counted).
CANDIDATES = 1000


def each_value(field: str, values: list[str]) -> dict:
    """The articles and stories of each of ``values`` of a keyword field, keyed by value."""
    return {"filters": {"filters": {v: {"term": {field: v}} for v in values}},
            "aggs": {"stories": STORIES}}


def facet_aggs(req: SearchRequest, filters: FacetFilters) -> dict:
    """Every value facet's aggregations (``facet:<name>``, ``left_out:<name>``); with a
    ``facet_size`` of 0 a facet is counted (``distinct``, ``missing``) but lists no value."""
    aggs = {}
    for facet in FACETS:
        name, field = facet.name, facet.field
        inner = {"distinct": {"cardinality": {"field": field,
                                              "precision_threshold": EXACT_DISTINCT}},
                 "missing": {"missing": {"field": field}}}
        selected = filters.selected.get(name, [])
        if req.facet_size:
            listed = CANDIDATES if req.facet_rank == "distinctive" else req.facet_size
            inner["values"] = {"terms": {"field": field, "size": listed + len(selected),
                                         "order": [{"_count": "desc"}, {"_key": "asc"}]},
                               "aggs": {"stories": STORIES}}
            if selected:
                inner["selected"] = each_value(field, selected)
        aggs[f"facet:{name}"] = {"filter": filters.counted_under(name), "aggs": inner}
        excluded = filters.excluded.get(name)
        if excluded and req.facet_size:
            aggs[f"left_out:{name}"] = {"filter": filters.left_out_under(name),
                                        "aggs": {"values": each_value(field, excluded)}}
    return aggs


def _histogram(interval: str, fmt: str) -> dict:
    return {"date_histogram": {"field": "published", "calendar_interval": interval,
                               "format": fmt, "min_doc_count": 1}}


def results_aggs(req: SearchRequest, filters: FacetFilters) -> dict:
    """The ``results`` aggregation: the distinct stories of the articles the hits are drawn
    from and, unless ``facet_size`` is 0, their date histogram by months with its span and
    the undated articles."""
    inner = {"stories": STORIES}
    if req.facet_size:
        inner.update({
            "first": {"min": {"field": "published", "format": "strict_date"}},
            "last": {"max": {"field": "published", "format": "strict_date"}},
            "months": _histogram("month", "yyyy-MM"),
            "undated": {"missing": {"field": "published"}},
        })
    return {"results": {"filter": filters.final(), "aggs": inner}}


def days_aggs(filters: FacetFilters) -> dict:
    """The histogram by days of the articles the hits are drawn from, for results that span
    62 days or less."""
    return {"results": {"filter": filters.final(),
                        "aggs": {"days": _histogram("day", "yyyy-MM-dd")}}}


#: Each histogram unit (``facets.unit_for``): its calendar interval and the format of its
#: bucket names, as the Whoosh engine names them (2024, 2024-05, 2024-05-13).
UNITS = {"Y": ("year", "yyyy"), "M": ("month", "yyyy-MM"), "D": ("day", "yyyy-MM-dd")}


def timeline(unit: str) -> dict:
    """The articles and distinct stories of a set in each bucket of ``unit`` holding any
    (``dates``), and its undated articles and their stories (``undated``)."""
    return {"dates": {**_histogram(*UNITS[unit]), "aggs": {"stories": STORIES}},
            "undated": {"missing": {"field": "published"}, "aggs": {"stories": STORIES}}}
