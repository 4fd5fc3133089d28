"""The outlet comparison counted by the Whoosh engine: from the value columns (``facets.py``),
numpy masks and, for the spellings only, a bounded number of stored articles.

``compare`` makes the ``compare.Counted`` of a request from its selection and hands it to
``compare.assemble``, which makes the response both engines give.
"""

from __future__ import annotations

import json

import numpy as np

from .compare import (SPELLING_READS, SPELLING_VALUES, Column, CompareRequest, Counted, Row,
                      Tally, Timeline, assemble, count_forms, rank_columns)
from .facet_registry import BY_NAME
from .request import SearchError


def compare(gen, sel, creq: CompareRequest) -> dict:
    """The comparison's response; ``sel`` is the engine's selection of ``creq.search`` on
    generation ``gen``."""
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
    stories, size = cols.stories, cols.size

    row_counts = by_col.counts(final)
    present = np.flatnonzero(row_counts)
    order = present[np.lexsort((present, -row_counts[present]))][:creq.rows]
    row_values: list[str | None] = [by_col.values[r] for r in order]
    without = bool(np.count_nonzero(final & ~by_col.has_value))
    if without:   # a last row: the matches without an outlet
        row_values.append(None)
    row_masks = [by_col.docs_with([row], size) if row is not None else ~by_col.has_value
                 for row in row_values]

    value_counts = col.counts(final)
    named = np.flatnonzero(value_counts)
    ranked, scores = rank_columns(value_counts[named], col.frequency[named], int(final.sum()),
                                  int(cols.live.sum()), creq.rank)
    chosen = named[ranked][:creq.size]
    masks = [final & col.docs_with([col.values[v]], size) for v in chosen]

    def per_row(mask: np.ndarray) -> list[Tally]:
        return _per_row(by_col, mask, stories, order, without)

    timeline = _Timelines(cols, final)
    columns = [Column(value=col.values[v], count=Tally(int(value_counts[v]), stories.distinct(mask)),
                      collection=int(col.frequency[v]), g2=score,
                      outlets=int(np.count_nonzero(by_col.counts(mask))),
                      timeline=timeline.of(mask))
               for v, score, mask in zip(chosen, scores.tolist(), masks)]
    by_column = [per_row(mask) for mask in masks]
    rows = [Row(value=row, matches=matches, period=in_period,
                cells=[tallies[i] for tallies in by_column],
                timeline=timeline.of(final & own), period_timeline=timeline.of(period & own))
            for i, (row, own, matches, in_period) in enumerate(zip(
                row_values, row_masks, per_row(final), per_row(period)))]
    return assemble(creq, Counted(
        total=_tally(final, stories), outlets=len(present), rows=rows, columns=columns,
        unit=timeline.unit, buckets=timeline.buckets, timeline=timeline.of(final),
        period_timeline=timeline.of(period),
        spelt=_spelt(gen, creq, col, columns, masks, row_masks)))


def _tally(mask: np.ndarray, stories) -> Tally:
    return Tally(int(np.count_nonzero(mask)), stories.distinct(mask))


def _per_row(by_col, mask: np.ndarray, stories, order: np.ndarray, without: bool) -> list[Tally]:
    """The articles and the distinct stories of ``mask`` in each row: the outlets of
    ``order`` (ordinals of ``by_col``), then, if ``without``, the articles without an outlet."""
    articles = by_col.counts(mask)
    told = by_col.story_counts(mask, stories, articles, order).tolist()
    out = [Tally(int(articles[r]), n) for r, n in zip(order.tolist(), told)]
    if without:
        out.append(_tally(mask & ~by_col.has_value, stories))
    return out


class _Timelines:
    """Sets counted on the bucket list of the whole result: its unit, and only the buckets
    its dated matches fall in."""

    def __init__(self, cols, final: np.ndarray):
        self.dates, self.stories = cols.dates, cols.stories
        self.unit = self.dates.bucket_unit(final)
        self.buckets = [b["value"] for b in self.dates.histogram(final, unit=self.unit)
                        if b["value"] != "unknown"]

    def of(self, mask: np.ndarray) -> Timeline:
        """The articles and stories of ``mask`` in each bucket, and its undated ones."""
        counts = {b["value"]: b["count"] for b in self.dates.histogram(mask, unit=self.unit)}
        told = self.dates.story_histogram(mask, self.stories, self.unit)
        return Timeline(counts=[int(counts.get(b, 0)) for b in self.buckets],
                        stories=[told.get(b, 0) for b in self.buckets],
                        undated=int(np.count_nonzero(mask & ~self.dates.known)),
                        undated_stories=told["unknown"])


def _spelt(gen, creq: CompareRequest, col, columns: list[Column], masks, row_masks) -> dict:
    """(column, row) -> (articles read, written form -> mentions) for the first
    ``SPELLING_VALUES`` columns of a field found in the text, from the stored mentions of the
    first ``SPELLING_READS`` matching articles of the cell in index order."""
    kind = BY_NAME[creq.field].mention
    if kind is None:
        return {}
    out = {}
    for c, (column, mask) in enumerate(list(zip(columns, masks))[:SPELLING_VALUES]):
        names = set(col.index_values([column.value]))
        for r, own in enumerate(row_masks):
            read = np.flatnonzero(mask & own)[:SPELLING_READS].tolist()
            if read:
                metas = (json.loads(gen.searcher.stored_fields(d)["meta"]) for d in read)
                out[(c, r)] = (len(read), count_forms((m.get("mentions") for m in metas),
                                                      names, kind))
    return out
