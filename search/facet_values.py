"""A facet's values as a response gives them: counted, ordered, summarised, paged.

The engine counts a facet over the articles it counts (``Counted``); this module turns those
counts into what ``/api/search`` shows for each facet (``summary``: the values selected or
excluded first, then the most frequent, with how many distinct values there are, how many
articles have none and how many values are not listed) and into the whole list of one facet,
filtered and paged (``value_list``, for ``/api/facets/<name>``). Values with the same count
are ordered by their frequency in the whole collection, then by value.

With ``facet_rank=distinctive`` the engine also gives each value's signed G²
(``significance.py``) and the values after the pinned ones are ordered by it, highest first
(ties: count, collection frequency, value): the values most typical of the results against
the whole collection come first, and those less common in the results than in the collection
(negative G²) last, still in G² order. No value is left out for it, so ``distinct``, ``more``
and the value list's pages are the same under both orders. Each value then carries its
``g2`` (rounded to 3 places; null for an excluded value or one the index does not hold,
which the facet's articles do not count).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from .facet_registry import Facet
from .facets import ValueColumn, fold
from .request import SearchError, param_values, parse_request, single_value, whole_number
from .settings import SETTINGS

#: The value list's own parameters; every other parameter is the search's.
LIST_PARAMS = ("prefix", "contains", "page", "per_page")


@dataclass
class Counted:
    """One facet counted for one search.

    ``counts``: articles per value (by ordinal) among the articles the facet counts: the
    search's results, except that a facet whose selected values are "any of" ignores its own
    selection (each count says how many articles choosing that value too would add up to).
    ``missing``: those articles with no value. ``selected`` and ``excluded``: index values the
    request chose and left out; ``left_out``: for each excluded value, the articles its
    exclusion leaves out (counted as if the facet excluded nothing). ``stories(ords)``: the
    distinct stories (``search/stories.py``) of the values of ordinals ``ords``, counted for
    the values listed only; ``left_out_stories``: those of ``left_out``; when ``stories`` is
    None, values carry no story count. ``g2``: each value's signed G² of its
    count against its collection frequency, when the values are ranked by distinctiveness
    (None: ranked by count, and values carry no ``g2``).
    """

    counts: np.ndarray
    missing: int
    match: str = "any"
    selected: list = field(default_factory=list)
    excluded: list = field(default_factory=list)
    left_out: dict = field(default_factory=dict)
    stories: Callable[[Sequence[int]], np.ndarray] | None = None
    left_out_stories: dict = field(default_factory=dict)
    g2: np.ndarray | None = None


@dataclass
class ValueListRequest:
    """Which part of a facet's value list to give: a filter on the values and a page."""

    prefix: str = ""
    contains: str = ""
    page: int = 1
    per_page: int = SETTINGS.default_list_per_page


_NOT_RANKED = object()   # an entry's g2 when values are ranked by count: no g2 member


def value_entry(value: str, count: int, stories: int | None, selected: bool, excluded: bool,
                g2=_NOT_RANKED) -> dict:
    """One listed value: its articles (``count``), its distinct ``stories`` when counted, and
    its ``g2`` when ranked by distinctiveness (a number, or None when not counted)."""
    entry = {"value": value, "count": count}
    if stories is not None:
        entry["stories"] = stories
    entry.update(selected=selected, excluded=excluded)
    if g2 is not _NOT_RANKED:
        entry["g2"] = g2
    return entry


def _g2(counted: Counted, i: int | None):
    """The ``g2`` of the value of ordinal ``i`` as an entry gives it (see ``value_entry``)."""
    if counted.g2 is None:
        return _NOT_RANKED
    return round(float(counted.g2[i]), 3) if i is not None else None


def _pinned(column: ValueColumn, counted: Counted) -> list[dict]:
    """The selected, then the excluded values, each with its count."""
    out = []
    with_stories = counted.stories is not None
    for value in counted.selected:
        i = column.ordinal.get(value)
        out.append(value_entry(value, int(counted.counts[i]) if i is not None else 0,
                               (int(counted.stories([i])[0]) if i is not None else 0)
                               if with_stories else None, True, False, _g2(counted, i)))
    for value in counted.excluded:
        if value not in counted.selected:
            out.append(value_entry(value, counted.left_out.get(value, 0),
                                   counted.left_out_stories.get(value, 0) if with_stories else None,
                                   False, True, _g2(counted, None)))
    return out


def _ranked(column: ValueColumn, counted: Counted, skip, limit: int | None) -> np.ndarray:
    """Ordinals of the counted values not in ``skip``: by count, then collection-wide
    frequency (both highest first), then value; or, with ``counted.g2``, by G² first (highest
    first), ties in that order; the first ``limit`` (None: all)."""
    counts = counted.counts
    ords = np.flatnonzero(counts)
    if skip:
        ords = ords[~np.isin(ords, np.fromiter(skip, dtype=np.int64, count=len(skip)))]
    if limit == 0:
        return ords[:0]
    if counted.g2 is None and limit is not None and limit < len(ords):
        kth = np.partition(counts[ords], len(ords) - limit)[len(ords) - limit]
        ords = ords[counts[ords] >= kth]          # every value tied with the limit-th count
    keys = (ords, -column.frequency[ords], -counts[ords])
    if counted.g2 is not None:
        keys += (-counted.g2[ords],)
    order = ords[np.lexsort(keys)]
    return order if limit is None else order[:limit]


def _entries(column: ValueColumn, counted: Counted, ords) -> list[dict]:
    ords = ords.tolist()
    stories = counted.stories(ords).tolist() if counted.stories is not None else [None] * len(ords)
    return [value_entry(column.values[i], int(counted.counts[i]), told, False, False,
                        _g2(counted, i))
            for i, told in zip(ords, stories)]


def _pinned_ordinals(column: ValueColumn, counted: Counted) -> set[int]:
    return {column.ordinal[v] for v in [*counted.selected, *counted.excluded]
            if v in column.ordinal}


def summary(facet: Facet, column: ValueColumn, counted: Counted, size: int,
            distinct: int | None = None) -> dict:
    """A facet as ``/api/search`` gives it: its label, how selected values combine, its
    distinct values, the articles without a value, the values not listed, and the listed
    values (selected and excluded first, then the first ``size`` of the rest: the most
    frequent, or the most distinctive with ``counted.g2``). ``distinct``: the facet's number
    of distinct values when ``column`` holds only some of them (the OpenSearch engine's
    candidates); None: those ``counted`` counts."""
    pinned = _pinned(column, counted) if size else []
    rest = _ranked(column, counted, _pinned_ordinals(column, counted), size)
    values = pinned + _entries(column, counted, rest)
    if distinct is None:
        distinct = int(np.count_nonzero(counted.counts))
    listed = sum(1 for v in values if v["count"] and not v["excluded"])
    return {"label": facet.label, "match": counted.match, "distinct": distinct,
            "missing": counted.missing, "more": max(0, distinct - listed), "values": values}


def not_counted(facet: Facet, match: str) -> dict:
    """A facet as ``/api/search`` gives it when the request's time ran out before it was
    counted: null counts and no values (the response's ``timed_out`` names it)."""
    return {"label": facet.label, "match": match, "distinct": None, "missing": None,
            "more": None, "values": []}


def value_list(facet: Facet, column: ValueColumn, counted: Counted,
               req: ValueListRequest) -> dict:
    """Every value of a facet for one search (``/api/facets/<name>``), in the sidebar's order,
    keeping those whose folded form (no accents, any case) starts with ``req.prefix`` and
    holds ``req.contains``, one page of them."""
    prefix, contains = fold(req.prefix), fold(req.contains)

    def wanted(value: str, i: int | None) -> bool:
        key = column.folded()[i] if i is not None else fold(value)
        return key.startswith(prefix) and contains in key

    pinned = [v for v in _pinned(column, counted) if wanted(v["value"], column.ordinal.get(v["value"]))]
    rest = _ranked(column, counted, _pinned_ordinals(column, counted), None)
    if prefix or contains:
        folded = column.folded()
        rest = np.asarray([i for i in rest.tolist()
                           if folded[i].startswith(prefix) and contains in folded[i]],
                          dtype=np.int64)
    total = len(pinned) + len(rest)
    pages = max(1, math.ceil(total / req.per_page))
    if req.page > pages:
        raise SearchError(f"page {req.page} is past the last page ({pages}) of {total} "
                          f"{facet.label.lower()} values", "page", type="page_out_of_range")
    start, stop = (req.page - 1) * req.per_page, req.page * req.per_page
    shown = pinned[start:stop]
    rest_start = max(0, start - len(pinned))
    shown += _entries(column, counted, rest[rest_start:rest_start + req.per_page - len(shown)])
    return {"name": facet.name, "label": facet.label, "match": counted.match,
            "distinct": int(np.count_nonzero(counted.counts)), "missing": counted.missing,
            "prefix": req.prefix, "contains": req.contains, "total": total,
            "page": req.page, "per_page": req.per_page, "pages": pages, "values": shown}


def _filter_text(params, name: str) -> str:
    text = single_value(params, name) or ""
    if len(text) > SETTINGS.max_filter_chars:
        raise SearchError(f"'{name}' is {len(text)} characters long; at most "
                          f"{SETTINGS.max_filter_chars} are allowed", name)
    return text


def parse_value_list(params):
    """(the search, the part of the value list) a ``/api/facets/<name>`` query string asks
    for: ``prefix``, ``contains``, ``page`` and ``per_page`` are the list's, every other
    parameter is the search's (``page`` and ``per_page`` page the values, not the hits)."""
    search_params = {name: param_values(params, name) for name in params.keys()
                     if name not in LIST_PARAMS}
    listing = ValueListRequest(
        prefix=_filter_text(params, "prefix"), contains=_filter_text(params, "contains"),
        page=whole_number(params, "page", 1, 1, SETTINGS.max_page),
        per_page=whole_number(params, "per_page", SETTINGS.default_list_per_page, 1,
                              SETTINGS.max_list_per_page))
    return parse_request(search_params, ignore=LIST_PARAMS), listing
