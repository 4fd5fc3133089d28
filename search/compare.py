"""Outlet comparison: who covered a search's subject, naming what, spelling it how, and when.

An engine answers a ``CompareRequest`` (a search plus ``by``, ``field``, ``size``, ``rows``,
``rank``) by counting what a ``Counted`` holds (the Whoosh engine from its value columns,
``compare_columns.py``; the OpenSearch engine with aggregations, ``opensearch/compare.py``);
``assemble`` makes the response from it, the same for both:

- ``rows``: the outlets among the search's matches, most matches first, each with its
  ``matches`` and its ``period`` (all of its articles in the search's date period: the
  ``from``/``to``/``dated`` bounds and any ``date:`` clause of the query, ignoring the rest
  of the query and the filters).
- ``columns``: the values of ``field`` named among the matches, the most named first, or with
  ``rank=distinctive`` the most distinctive first (``distinctiveness``; ``rank_columns``).
- ``cells[row][column]``: ``count`` (matching articles of the outlet naming the value),
  ``share`` (count / the outlet's matches) and ``attention`` (count / the outlet's
  articles in the period: Media Cloud's per-outlet normalisation), and ``params``, the
  search the cell stands for (its total is the cell's count).
- The same three counted in stories (``search/stories.py``: a story and its republished
  copies count once): ``stories``, ``story_share`` (/ the outlet's matching stories, the
  row's ``stories``) and ``story_attention`` (/ the outlet's stories in the period, the row's
  ``period_stories``). A story carried by two outlets counts once in each of their rows.
- ``spellings``: for values of a field found in the text (places, people, organisations),
  the written forms each outlet uses, read from the stored mentions of at most
  ``SPELLING_READS`` matching articles per outlet and value (the first in index order; on
  OpenSearch, which has no index order, the first by article id).
- ``timelines``: the ``published`` histogram of the matches split by outlet and by column
  value, on the buckets of the whole result, with the denominators of the attention shares.

Every measure names its denominator in ``measures`` so that no front end shows an
unlabelled percentage.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable

import numpy as np

from .facet_registry import BY_NAME
from .request import (FACET_RANKS, SearchError, SearchRequest, param_values, parse_request,
                      single_value, whole_number)
from .significance import distinctiveness

BY = ("outlet",)                       # what the rows are
DEFAULT_SIZE, MAX_SIZE = 10, 30        # columns: the most named values
DEFAULT_ROWS, MAX_ROWS = 20, 100       # rows: the outlets with most matches
SPELLING_READS = 10                    # stored articles read per outlet × value for spellings
SPELLING_VALUES = 10                   # columns whose spellings are read (the first ones)
RANKS = FACET_RANKS                    # how columns are chosen and ordered, as facet values
#: The comparison's own parameters besides the search's.
PARAMS = ("by", "field", "size", "rows", "rank")
#: Each measure of a cell and what it is divided by, in plain words.
MEASURES = {
    "count": "matching articles of the outlet that name the value",
    "share": "divided by the outlet's matching articles",
    "attention": "divided by all of the outlet's articles in the period",
    "stories": "matching stories of the outlet that name the value (copies count once)",
    "story_share": "divided by the outlet's matching stories",
    "story_attention": "divided by all of the outlet's stories in the period",
}


@dataclass
class CompareRequest:
    """A comparison: the search whose matches are compared, and how."""

    search: SearchRequest
    by: str = "outlet"
    field: str = "place"
    size: int = DEFAULT_SIZE
    rows: int = DEFAULT_ROWS
    rank: str = "count"

    def to_params(self) -> list[tuple[str, str]]:
        """The canonical query string of the comparison (the search's, then its own)."""
        pairs = [(k, v) for k, v in self.search.to_params()
                 if k not in ("page", "per_page", "facet_rank")]
        pairs += [("by", self.by), ("field", self.field)]
        if self.size != DEFAULT_SIZE:
            pairs.append(("size", str(self.size)))
        if self.rows != DEFAULT_ROWS:
            pairs.append(("rows", str(self.rows)))
        if self.rank != "count":
            pairs.append(("rank", self.rank))
        return pairs


def fields_for(by: str) -> list[str]:
    """The facets a comparison by ``by`` may take as its columns: every other one."""
    return [name for name in BY_NAME if name != by]


def parse_compare(params, ignore=()) -> CompareRequest:
    """Validate a comparison's query string; ``ignore``: a front end's own parameters
    (``format``, ``measure``). A bad value is a ``SearchError`` naming the parameter."""
    search = parse_request({k: param_values(params, k) for k in params.keys()
                            if k not in PARAMS}, ignore=ignore)
    by = single_value(params, "by") or "outlet"
    if by not in BY:
        raise SearchError(f"'by' must be {' or '.join(BY)}, not {by!r}", "by")
    field = single_value(params, "field") or "place"
    if field not in fields_for(by):
        raise SearchError(f"'field' must be one of {', '.join(fields_for(by))}, not {field!r}",
                          "field")
    rank = single_value(params, "rank") or search.facet_rank   # as the search's facets
    if rank not in RANKS:
        raise SearchError(f"'rank' must be count (the most named values first) or distinctive "
                          f"(the values most typical of the matches against the whole "
                          f"collection first), not {rank!r}", "rank")
    return CompareRequest(
        search=search, by=by, field=field,
        size=whole_number(params, "size", DEFAULT_SIZE, 1, MAX_SIZE),
        rows=whole_number(params, "rows", DEFAULT_ROWS, 1, MAX_ROWS), rank=rank)


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def row_search(req: SearchRequest, by: str, row: str) -> SearchRequest:
    """The search of one row: ``req`` with only outlet ``row``, counting articles (its
    total is the row's ``matches``; with ``collapse=story`` added, its ``stories``)."""
    match = {k: v for k, v in req.match.items() if k != by}
    return replace(req, filters={**req.filters, by: [row]}, match=match, page=1, collapse=None)


def cell_search(req: SearchRequest, by: str, row: str, field: str, value: str) -> SearchRequest | None:
    """The search a cell stands for: ``req`` with only outlet ``row`` and value ``value`` of
    ``field`` as well. None when no query string says it: the request selects several
    values of ``field`` as "any of", and the cell's value is not one of them."""
    req = row_search(req, by, row)
    filters, match = dict(req.filters), dict(req.match)
    chosen = filters.get(field, [])
    if not chosen or match.get(field) == "all":
        filters[field] = list(dict.fromkeys([*chosen, value]))
    elif len(chosen) == 1:
        filters[field] = list(dict.fromkeys([*chosen, value]))
        if len(filters[field]) > 1:
            match[field] = "all"
    elif value in chosen:
        filters[field] = [value]
    else:
        return None
    return replace(req, filters=filters, match=match, page=1)


def _params(req: SearchRequest | None) -> list[list[str]] | None:
    return [[k, v] for k, v in req.to_params()] if req is not None else None




@dataclass
class Tally:
    """The articles of one set and the distinct stories they belong to."""

    articles: int
    stories: int


@dataclass
class Timeline:
    """One set counted on the comparison's bucket list: its articles and distinct stories in
    each bucket (a story whose copies fall in two buckets counts in both), and its undated
    articles and their stories beside."""

    counts: list[int]
    stories: list[int]
    undated: int
    undated_stories: int


@dataclass
class Row:
    """One row: an outlet (``value`` None: the matches without an outlet), its ``matches``,
    its articles in the ``period``, its matches naming each column's value (``cells``, in
    column order), and the timelines of its matches and of its articles in the period."""

    value: str | None
    matches: Tally
    period: Tally
    cells: list[Tally]
    timeline: Timeline
    period_timeline: Timeline


@dataclass
class Column:
    """One column: a value of the field, its matches (``count``), its articles in the whole
    collection, its signed G², the number of outlets among its matches, and its timeline."""

    value: str
    count: Tally
    collection: int
    g2: float
    outlets: int
    timeline: Timeline


@dataclass
class Counted:
    """What an engine counts for a comparison, as plain data: the matches (``total``), the
    number of outlets among them, the rows and columns chosen, the bucket ``unit`` (Y, M or
    D) and list of the timelines with the timelines of the matches and of the period, and
    ``spelt``: (column, row) -> (articles read, written form -> mentions) for each cell of
    the first ``SPELLING_VALUES`` columns that has matches (empty for a field not found in
    the text)."""

    total: Tally
    outlets: int
    rows: list[Row]
    columns: list[Column]
    unit: str
    buckets: list[str]
    timeline: Timeline
    period_timeline: Timeline
    spelt: dict[tuple[int, int], tuple[int, dict[str, int]]]


def rank_columns(counts: np.ndarray, frequency: np.ndarray, matches: int, articles: int,
                 rank: str) -> tuple[np.ndarray, np.ndarray]:
    """The order of the candidate values of a field (given in value order with their
    ``counts`` among the ``matches`` and their ``frequency`` among the collection's
    ``articles``) and each one's signed G², in that order: by count, or with
    ``rank=distinctive`` by G²; ties by count, collection frequency, then value."""
    scores = distinctiveness(counts, frequency, matches, articles)
    first = -scores if rank == "distinctive" else -counts
    order = np.lexsort((np.arange(len(counts)), -frequency, -counts, first))
    return order, scores[order]


def count_forms(mentions: Iterable[list[dict]], names: set[str], kind: str) -> dict[str, int]:
    """How often each written form of the names ``names`` (mentions of type ``kind``) occurs
    in the stored mentions of some articles (one list per article)."""
    forms: dict[str, int] = {}
    for listed in mentions:
        for m in listed or []:
            if m.get("type") == kind and m.get("name") in names and m.get("text"):
                forms[m["text"]] = forms.get(m["text"], 0) + 1
    return forms


def assemble(creq: CompareRequest, counted: Counted) -> dict:
    """The comparison's response (see the module's docstring) from what an engine counted."""
    rows, columns = counted.rows, counted.columns
    outlet_rows = sum(1 for row in rows if row.value is not None)
    return {
        "query": creq.search.echo(), "by": creq.by, "field": creq.field, "rank": creq.rank,
        "total": counted.total.articles, "total_stories": counted.total.stories,
        "outlets": counted.outlets, "outlets_more": max(0, counted.outlets - outlet_rows),
        "measures": MEASURES,
        "rows": [_row(creq, row) for row in rows],
        "columns": [{"value": c.value, "count": c.count.articles, "stories": c.count.stories,
                     "collection": c.collection, "g2": round(c.g2, 3), "outlets": c.outlets,
                     "one_outlet": c.outlets == 1} for c in columns],
        "cells": [[_cell(creq, row, column.value, told) for column, told in zip(columns, row.cells)]
                  for row in rows],
        "spellings": _spellings(creq, counted),
        "timelines": _timelines(counted),
    }


def _row(creq: CompareRequest, row: Row) -> dict:
    m, p = row.matches, row.period
    return {"value": row.value, "matches": m.articles, "period": p.articles,
            "attention": _ratio(m.articles, p.articles), "stories": m.stories,
            "period_stories": p.stories, "story_attention": _ratio(m.stories, p.stories),
            "params": _params(row_search(creq.search, creq.by, row.value)
                              if row.value is not None else None)}


def _cell(creq: CompareRequest, row: Row, value: str, told: Tally) -> dict:
    cell_req = (cell_search(creq.search, creq.by, row.value, creq.field, value)
                if row.value is not None else None)
    return {"count": told.articles, "share": _ratio(told.articles, row.matches.articles),
            "attention": _ratio(told.articles, row.period.articles),
            "stories": told.stories, "story_share": _ratio(told.stories, row.matches.stories),
            "story_attention": _ratio(told.stories, row.period.stories),
            "params": _params(cell_req)}


def _spellings(creq: CompareRequest, counted: Counted) -> dict:
    """Which written forms each outlet uses for each of the first ``SPELLING_VALUES`` column
    values (a field found in the text only; others: ``values`` empty), from the stored
    mentions of at most ``SPELLING_READS`` matching articles per outlet and value."""
    out = {"reads_per_cell": SPELLING_READS, "values": []}
    if BY_NAME[creq.field].mention is None:
        return out
    for c, column in enumerate(counted.columns[:SPELLING_VALUES]):
        outlets = []
        for r, row in enumerate(counted.rows):
            if not row.cells[c].articles:
                continue
            read, forms = counted.spelt[(c, r)]
            outlets.append({"outlet": row.value, "articles": row.cells[c].articles, "read": read,
                            "forms": [{"form": f, "count": n} for f, n in
                                      sorted(forms.items(), key=lambda p: (-p[1], p[0]))]})
        all_forms = sorted({f["form"] for o in outlets for f in o["forms"]})
        out["values"].append({"value": column.value, "forms": all_forms, "outlets": outlets})
    return out


def _series(line: Timeline, whole: Timeline) -> dict:
    """One series of the timelines: ``line`` against its denominator ``whole``."""
    return {"counts": line.counts, "denominators": whole.counts,
            "attention": [_ratio(c, w) for c, w in zip(line.counts, whole.counts)],
            "undated": line.undated,
            "stories": line.stories, "story_denominators": whole.stories,
            "story_attention": [_ratio(c, w) for c, w in zip(line.stories, whole.stories)],
            "undated_stories": line.undated_stories}


def _timelines(counted: Counted) -> dict:
    """The matches' publication-date histogram on one bucket list (the whole result's unit),
    split by outlet and by column value, as counts and attention shares, in articles and in
    stories. An outlet's attention in a bucket is its matches there divided by all of its
    articles there (in the period); a value's is its matches there divided by all articles of
    the collection there (in the period). Undated articles are counted beside, never as a
    bucket."""
    whole = counted.period_timeline
    return {"unit": {"Y": "year", "M": "month", "D": "day"}[counted.unit],
            "buckets": counted.buckets,
            "total": _series(counted.timeline, whole),
            "denominators": {"by_outlet": "all of the outlet's articles in the bucket",
                             "by_value": "all articles in the bucket"},
            "by_outlet": [{"value": row.value, **_series(row.timeline, row.period_timeline)}
                          for row in counted.rows],
            "by_value": [{"value": c.value, **_series(c.timeline, whole)}
                         for c in counted.columns]}
