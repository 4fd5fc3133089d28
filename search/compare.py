"""Outlet comparison: who covered a search's subject, naming what, spelling it how, and when.

``Engine.compare`` answers a ``CompareRequest`` (a search plus ``by``, ``field``, ``size``,
``rows``, ``rank``) with plain data made here from the value columns (``facets.py``), numpy masks and,
for the spellings only, a bounded number of stored articles:

- ``rows``: the outlets among the search's matches, most matches first, each with its
  ``matches`` and its ``period`` (all of its articles in the search's date period: the
  ``from``/``to``/``dated`` bounds and any ``date:`` clause of the query, ignoring the rest
  of the query and the filters).
- ``columns``: the values of ``field`` named among the matches, the most named first, or with
  ``rank=distinctive`` the most distinctive first (``distinctiveness``).
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
  ``SPELLING_READS`` matching articles per outlet and value (the first in index order).
- ``timelines``: the ``published`` histogram of the matches split by outlet and by column
  value, on the buckets of the whole result, with the denominators of the attention shares.

Every measure names its denominator in ``measures`` so that no front end shows an
unlabelled percentage.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

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


def compare(gen, sel, creq: CompareRequest) -> dict:
    """The comparison's plain data (see the module's docstring); ``sel`` is the engine's
    selection of ``creq.search`` on generation ``gen``."""
    cols = gen.columns
    final = sel.final
    by_col = cols.fields.get(creq.by)
    col = cols.fields.get(creq.field)
    if by_col is None or col is None:
        missing = creq.by if by_col is None else creq.field
        raise SearchError(f"this index has no {missing} values; rebuild it with this version "
                          "of newsfacet", "field" if missing == creq.field else "by")
    period = cols.live.copy()
    if sel.date_mask is not None:
        period &= sel.date_mask
    for start, stop in sel.parsed.dates:
        period &= cols.dates.between(start, stop)

    stories = cols.stories
    row_counts = by_col.counts(final)
    present = np.flatnonzero(row_counts)
    order = present[np.lexsort((present, -row_counts[present]))][:creq.rows]
    row_values: list[str | None] = [by_col.values[r] for r in order]
    without = bool(np.count_nonzero(final & ~by_col.has_value))
    if without:   # the matches without an outlet: a row of their own, last, with no link
        row_values.append(None)
    matches, match_stories = _per_row(by_col, final, stories, order, without)
    in_period, period_stories = _per_row(by_col, period, stories, order, without)
    rows = [{"value": v, "matches": m, "period": p, "attention": _ratio(m, p),
             "stories": ms, "period_stories": ps, "story_attention": _ratio(ms, ps),
             "params": _params(row_search(creq.search, creq.by, v) if v is not None else None)}
            for v, m, p, ms, ps in zip(row_values, matches, in_period, match_stories,
                                       period_stories)]

    value_counts = col.counts(final)
    named = np.flatnonzero(value_counts)
    scores = distinctiveness(value_counts[named], col.frequency[named], int(final.sum()),
                             int(cols.live.sum()))
    first = -scores if creq.rank == "distinctive" else -value_counts[named]
    by_rank = np.lexsort((named, -col.frequency[named], -value_counts[named], first))
    ranked, scores = named[by_rank], scores[by_rank]
    columns, cells, masks = [], [[] for _ in rows], []
    for v, score in zip(ranked[:creq.size], scores.tolist()):
        value = col.values[v]
        mask = final & col.docs_with([value], cols.size)
        outlets = int(np.count_nonzero(by_col.counts(mask)))
        columns.append({"value": value, "count": int(value_counts[v]),
                        "stories": stories.distinct(mask),
                        "collection": int(col.frequency[v]), "g2": round(score, 3),
                        "outlets": outlets, "one_outlet": outlets == 1})
        masks.append(mask)
        counts, story_counts = _per_row(by_col, mask, stories, order, without)
        for i, (row, count, told) in enumerate(zip(row_values, counts, story_counts)):
            cell_req = (cell_search(creq.search, creq.by, row, creq.field, value)
                        if row is not None else None)
            cells[i].append({"count": count, "share": _ratio(count, matches[i]),
                             "attention": _ratio(count, in_period[i]),
                             "stories": told, "story_share": _ratio(told, match_stories[i]),
                             "story_attention": _ratio(told, period_stories[i]),
                             "params": _params(cell_req)})
    return {
        "query": creq.search.echo(), "by": creq.by, "field": creq.field, "rank": creq.rank,
        "total": int(final.sum()), "total_stories": stories.distinct(final),
        "outlets": len(present),
        "outlets_more": max(0, len(present) - len(order)),
        "measures": MEASURES, "rows": rows, "columns": columns, "cells": cells,
        "spellings": spellings(gen, creq, by_col, col, row_values, columns, masks),
        "timelines": timelines(cols, by_col, final, period, row_values, columns, masks),
    }


def _per_row(by_col, mask: np.ndarray, stories, order: np.ndarray,
             without: bool) -> tuple[list[int], list[int]]:
    """The articles and the distinct stories of ``mask`` in each row: the outlets of
    ``order`` (ordinals of ``by_col``), then, if ``without``, the articles without an outlet."""
    articles = by_col.counts(mask)
    counts = [int(articles[r]) for r in order]
    story_counts = by_col.story_counts(mask, stories, articles, order).tolist()
    if without:
        counts.append(int(np.count_nonzero(mask & ~by_col.has_value)))
        story_counts.append(stories.distinct(mask & ~by_col.has_value))
    return counts, story_counts


def _row_mask(by_col, row: str | None, size: int) -> np.ndarray:
    """The articles of one row: those of outlet ``row``, or (None) those without an outlet."""
    return by_col.docs_with([row], size) if row is not None else ~by_col.has_value


def spellings(gen, creq: CompareRequest, by_col, col, row_values, columns, masks) -> dict:
    """Which written forms each outlet uses for each column value (a field found in the
    text only; others: ``values`` empty), from the stored mentions of at most
    ``SPELLING_READS`` matching articles per outlet and value (the first in index order)."""
    facet = BY_NAME[creq.field]
    out = {"reads_per_cell": SPELLING_READS, "values": []}
    if facet.mention is None:
        return out
    size = gen.columns.size
    for column, mask in list(zip(columns, masks))[:SPELLING_VALUES]:
        names = set(col.index_values([column["value"]]))
        outlets = []
        for row in row_values:
            docs = np.flatnonzero(mask & _row_mask(by_col, row, size))
            if not len(docs):
                continue
            forms: dict[str, int] = {}
            read = docs[:SPELLING_READS]
            for docnum in read.tolist():
                meta = json.loads(gen.searcher.stored_fields(docnum)["meta"])
                for m in meta.get("mentions") or []:
                    if m.get("type") == facet.mention and m.get("name") in names and m.get("text"):
                        forms[m["text"]] = forms.get(m["text"], 0) + 1
            outlets.append({"outlet": row, "articles": int(len(docs)),
                            "read": int(len(read)),
                            "forms": [{"form": f, "count": n} for f, n in
                                      sorted(forms.items(), key=lambda p: (-p[1], p[0]))]})
        all_forms = sorted({f["form"] for o in outlets for f in o["forms"]})
        out["values"].append({"value": column["value"], "forms": all_forms, "outlets": outlets})
    return out


def timelines(cols, by_col, final, period, row_values, columns, masks) -> dict:
    """The matches' publication-date histogram on one bucket list (the whole result's unit),
    split by outlet and by column value, as counts and attention shares, in articles and in
    stories (``stories``, ``story_denominators``, ``story_attention``, ``undated_stories``:
    a story counts once in a bucket however many of its copies are there).

    An outlet's attention in a bucket is its matches there divided by all of its articles
    there (in the period); a value's is its matches there divided by all articles of the
    collection there (in the period). Undated articles are counted beside, never as a bucket.
    """
    dates, stories = cols.dates, cols.stories
    unit = dates.bucket_unit(final)
    buckets = [b["value"] for b in dates.histogram(final, unit=unit) if b["value"] != "unknown"]

    def counted(mask) -> tuple[list[int], list[int], int]:
        """Articles and stories of ``mask`` in each bucket, and its undated stories."""
        told = dates.story_histogram(mask, stories, unit)
        return (_aligned(dates.histogram(mask, unit=unit), buckets),
                [told.get(b, 0) for b in buckets], told["unknown"])

    def series(mask, whole: tuple) -> dict:
        """One series: ``mask`` counted, against ``whole`` (``counted`` of its denominator)."""
        (counts, story_counts, undated_stories), (denominators, story_whole, _) = counted(mask), whole
        return {"counts": counts, "denominators": denominators,
                "attention": [_ratio(c, w) for c, w in zip(counts, denominators)],
                "undated": int(np.count_nonzero(mask & ~dates.known)),
                "stories": story_counts, "story_denominators": story_whole,
                "story_attention": [_ratio(c, w) for c, w in zip(story_counts, story_whole)],
                "undated_stories": undated_stories}

    size = cols.size
    in_period = counted(period)   # the denominator of the total and of every value's series
    by_outlet = []
    for row in row_values:
        own = _row_mask(by_col, row, size)
        by_outlet.append({"value": row, **series(final & own, counted(period & own))})
    by_value = [{"value": c["value"], **series(m, in_period)} for c, m in zip(columns, masks)]
    return {"unit": {"Y": "year", "M": "month", "D": "day"}[unit], "buckets": buckets,
            "total": series(final, in_period),
            "denominators": {"by_outlet": "all of the outlet's articles in the bucket",
                             "by_value": "all articles in the bucket"},
            "by_outlet": by_outlet, "by_value": by_value}


def _aligned(histogram: list[dict], buckets: list[str]) -> list[int]:
    """A histogram's counts on the bucket list ``buckets`` (0 where it has none)."""
    counts = {b["value"]: b["count"] for b in histogram}
    return [int(counts.get(b, 0)) for b in buckets]
