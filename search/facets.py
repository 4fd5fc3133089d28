"""Value columns: per-generation numpy arrays that make filters and facet counts cheap.

For each keyword facet field a ``ValueColumn`` holds every (document number, value ordinal)
pair of the index, read once from the postings; counting a facet over a set of matching
documents is then one ``numpy.bincount``. A ``DateColumn`` holds each document's publication
day (or "unknown"), so date filters, date sorting and the date histogram are numpy too.
Nothing here loads stored fields per hit.
"""

from __future__ import annotations

from datetime import date

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import ListMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound

#: Public facet name -> index field.
FACET_FIELDS = {"outlet": "outlet", "source_outlet": "source_outlet", "place": "places",
                "person": "people", "org": "organizations", "author": "authors"}
UNKNOWN = np.int32(-1)          # DateColumn value of an article without a publication date
_MICROS_PER_DAY = 86_400 * 1_000_000


def _leaf_ids(matcher) -> np.ndarray:
    """All document numbers of one segment's postings matcher, read block by block."""
    if isinstance(matcher, FilterMatcher):   # deleted documents: dropped later by the live mask
        matcher = matcher.child
    if isinstance(matcher, ListMatcher):
        return np.asarray(matcher._ids, dtype=np.int64)
    if isinstance(matcher, W3LeafMatcher) and not matcher._byteids:
        blocks = []
        while matcher.is_active():
            if matcher._data is None:
                matcher._read_data()
            blocks.append(np.cumsum(np.asarray(matcher._data[0], dtype=np.int64)))
            matcher._next_block()
        return np.concatenate(blocks) if blocks else np.empty(0, np.int64)
    return np.fromiter(matcher.all_ids(), dtype=np.int64)


def posting_ids(reader, fieldname: str, text) -> np.ndarray:
    """Sorted document numbers (over the whole, possibly multi-segment, reader) holding a term."""
    parts = []
    for leaf, offset in reader.leaf_readers():
        try:
            ids = _leaf_ids(leaf.postings(fieldname, text))
        except TermNotFound:
            continue
        parts.append(ids + offset)
    if not parts:
        return np.empty(0, np.int64)
    return np.concatenate(parts) if len(parts) > 1 else parts[0]


def live_mask(reader) -> np.ndarray:
    """True for every document number that is not deleted."""
    mask = np.ones(reader.doc_count_all(), dtype=bool)
    if reader.has_deletions():
        for leaf, offset in reader.leaf_readers():
            for docnum in leaf.deleted_docs():
                mask[docnum + offset] = False
    return mask


class ValueColumn:
    """The values of one multi-valued keyword field for every document, as ordinals."""

    def __init__(self, reader, fieldname: str):
        self.fieldname = fieldname
        self.values: list[str] = []
        doc_parts, ord_parts = [], []
        for ordinal, btext in enumerate(reader.lexicon(fieldname)):
            self.values.append(btext.decode("utf-8"))
            ids = posting_ids(reader, fieldname, btext)
            doc_parts.append(ids)
            ord_parts.append(np.full(len(ids), ordinal, dtype=np.int32))
        self.docs = np.concatenate(doc_parts) if doc_parts else np.empty(0, np.int64)
        self.ords = np.concatenate(ord_parts) if ord_parts else np.empty(0, np.int32)
        self.ordinal = {v: i for i, v in enumerate(self.values)}
        self.by_lower: dict[str, list[str]] = {}
        for v in self.values:
            self.by_lower.setdefault(v.casefold(), []).append(v)

    def counts(self, mask: np.ndarray) -> np.ndarray:
        """How many documents in ``mask`` hold each value (indexed by ordinal)."""
        return np.bincount(self.ords[mask[self.docs]], minlength=len(self.values))

    def docs_with(self, values, size: int) -> np.ndarray:
        """A mask of the documents holding any of ``values`` (exact index values)."""
        wanted = np.zeros(len(self.values) + 1, dtype=bool)
        for v in values:
            if v in self.ordinal:
                wanted[self.ordinal[v]] = True
        mask = np.zeros(size, dtype=bool)
        mask[self.docs[wanted[self.ords]]] = True
        return mask

    def resolve(self, value: str, canonical_names=()) -> list[str]:
        """The index values a user-typed value stands for: exact, then any case, then aliases."""
        if value in self.ordinal:
            return [value]
        found = list(self.by_lower.get(value.casefold(), []))
        for name in canonical_names:
            found.extend(v for v in self.by_lower.get(name.casefold(), []) if v not in found)
        return found

    def top(self, counts: np.ndarray, size: int, selected=()) -> list[dict]:
        """The ``size`` most frequent values (count, then value), plus every selected value."""
        nonzero = np.flatnonzero(counts)
        order = sorted(nonzero.tolist(), key=lambda i: (-int(counts[i]), self.values[i]))[:size]
        chosen = set(selected)
        out = [{"value": self.values[i], "count": int(counts[i]),
                "selected": self.values[i] in chosen} for i in order]
        shown = {o["value"] for o in out}
        for v in selected:
            if v not in shown:
                i = self.ordinal.get(v)
                out.append({"value": v, "count": int(counts[i]) if i is not None else 0,
                            "selected": True})
        return out


class DateColumn:
    """Each document's publication day as days since 0001-01-01, or ``UNKNOWN``."""

    def __init__(self, reader, known: np.ndarray):
        size = reader.doc_count_all()
        self.days = np.full(size, UNKNOWN, dtype=np.int32)
        if "published" in reader.schema and reader.has_column("published"):
            raw = np.fromiter(reader.column_reader("published", translate=False),
                              dtype=np.uint64, count=size)   # missing: 2**64-1
            self.days[known] = (raw[known] // _MICROS_PER_DAY).astype(np.int32)

    @staticmethod
    def day_number(d: date) -> int:
        """The column value of a date."""
        return d.toordinal() - 1

    def between(self, start: date | None, stop: date | None) -> np.ndarray:
        """A mask of the documents published between two dates (inclusive; either may be open)."""
        mask = self.days != UNKNOWN
        if start is not None:
            mask &= self.days >= self.day_number(start)
        if stop is not None:
            mask &= self.days <= self.day_number(stop)
        return mask

    def span(self, mask: np.ndarray) -> tuple[str, str] | None:
        """The first and last publication date among ``mask``, or None when none is known."""
        days = self.days[mask & (self.days != UNKNOWN)]
        if not len(days):
            return None
        return (date.fromordinal(int(days.min()) + 1).isoformat(),
                date.fromordinal(int(days.max()) + 1).isoformat())

    def histogram(self, mask: np.ndarray, date_from=None, date_to=None, dated=None) -> list[dict]:
        """Publication-date buckets of ``mask``: years, months or days, whichever suits the
        span, in date order, then an ``unknown`` bucket. A bucket equal to the requested
        from/to range is marked selected, as is ``unknown`` under ``dated=unknown``."""
        days = self.days[mask]
        known = days[days != UNKNOWN]
        unknown = int(len(days) - len(known))
        out = []
        if len(known):
            span = int(known.max()) - int(known.min())
            unit, width = ("Y", 4) if span > 3 * 365 else ("M", 7) if span > 62 else ("D", 10)
            stamps = (np.datetime64("0001-01-01", "D") + known.astype("timedelta64[D]"))
            buckets, counts = np.unique(stamps.astype(f"datetime64[{unit}]"), return_counts=True)
            for bucket, count in zip(buckets, counts):
                value = str(bucket)[:width]
                out.append({"value": value, "count": int(count),
                            "selected": date_from == value and date_to == value})
        if unknown or dated == "unknown":
            out.append({"value": "unknown", "count": unknown, "selected": dated == "unknown"})
        return out


class Columns:
    """Every value column of one index generation, built once and shared by all requests."""

    def __init__(self, reader):
        self.size = reader.doc_count_all()
        self.live = live_mask(reader)
        self.fields = {name: ValueColumn(reader, fieldname)
                       for name, fieldname in FACET_FIELDS.items() if fieldname in reader.schema}
        unknown = np.zeros(self.size, dtype=bool)
        unknown[posting_ids(reader, "dated", "unknown")] = True
        self.dates = DateColumn(reader, self.live & ~unknown)
