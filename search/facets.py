"""Value columns: per-generation numpy arrays that make filters and facet counts cheap.

For each keyword facet field a ``ValueColumn`` holds every (document number, value ordinal)
pair of the index: the generation's merged columns (``merged_columns``), mapped from the
files ``newsfacet index`` wrote when it committed the generation, or else combined from each
segment's part (``column_files``: mapped from the segment's files, or read from its
postings); counting a facet over a set of matching documents is then one ``numpy.bincount``
or one sparse matrix product. A ``DateColumn`` holds each document's publication
day (or "unknown"), so date filters, date sorting and the date histogram are numpy too.
Nothing here loads stored fields per hit.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from functools import cached_property
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process
from scipy import sparse

from . import column_files, merged_columns
from .arrays import distinct, groups
from .column_files import SegmentPart
from .merged_columns import FieldColumn, Merged
from .parallel import run_shared
from .facet_registry import FACETS
from .lexicon import Lexicon, NameSpellings, PackedWords, accent_free, field_words
from .settings import SETTINGS
from .stories import SIGNATURE_BYTES, Similarities, Stories, group
from .whoosh_internals import fixed_bytes_column, posting_ids

log = logging.getLogger(__name__)

UNKNOWN = np.int32(-1)          # DateColumn value of an article without a publication date
#: One background thread for the whole process: work a request's time cut short, done in full
#: for the requests after it (``Columns.complete_later``).
_LATER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsfacet-later")
_LATER_SLOTS = threading.BoundedSemaphore(8)   # jobs given to it at most; more are dropped
#: Counting a facet over more than this share of the documents multiplies the mask by the
#: (document x value) matrix in scipy's compiled loop, one pass over every pair (~16 ms for
#: 20 million pairs); below it, gathering the matching documents' pairs is cheaper.
MATRIX_SHARE = 1 / 12

_ones_lock = threading.Lock()
_ones = np.ones(0, dtype=np.int32)


def ones(n: int) -> np.ndarray:
    """``n`` int32 ones: the entries of every value matrix, views of one shared array (a
    matrix of 20 million pairs needs no 80 MB of its own; scipy copies a view of less than
    half its array, so a facet of far fewer pairs has its own). The array grows with room
    to spare (``Columns`` asks for its largest facet first), so that the next generation,
    a few articles larger, shares it too: a swap adds no second one while the old
    generation still holds the first."""
    global _ones
    with _ones_lock:
        if len(_ones) < n:
            _ones = np.ones(n + n // 8, dtype=np.int32)
        return _ones[:n]


def id_numbers(reader) -> np.ndarray:
    """Every document's article id as a number (the ``idnum`` column; 0 where absent)."""
    parts = [column_files.ids_of(leaf) for leaf, _ in reader.leaf_readers()]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)


def one_per_article(ids: np.ndarray, live: np.ndarray) -> tuple[np.ndarray, dict[int, np.ndarray]]:
    """The same content found at several keys (two paths, say) is one article: the live mask
    keeping only its first document, and for each such article, its kept document number ->
    every live document number holding it (``ids``: each document's article id as a number,
    ``id_numbers``)."""
    docs = np.flatnonzero(live)
    order, starts, counts = groups(ids[docs])   # each id's documents, in document order
    shown = np.zeros_like(live)
    shown[docs[order[starts]]] = True
    copies: dict[int, np.ndarray] = {}
    several = counts > 1
    for start, count in zip(starts[several].tolist(), counts[several].tolist()):
        members = docs[order[start:start + count]]
        copies[int(members[0])] = members
    return shown, copies


def live_mask(reader) -> np.ndarray:
    """True for every document number that is not deleted."""
    mask = np.ones(reader.doc_count_all(), dtype=bool)
    for leaf, offset in reader.leaf_readers():
        if leaf.has_deletions():
            deleted = np.fromiter(leaf.segment().deleted_docs(), dtype=np.int64)
            mask[deleted + offset] = False
    return mask


def segment_parts(reader, folder=None) -> list[tuple[SegmentPart, int]]:
    """Each segment's column data (``column_files.SegmentPart``) and its first document
    number: mapped from the segment's files in the index folder ``folder`` where it has
    them, otherwise read from its postings."""
    parts = []
    for leaf, offset in reader.leaf_readers():
        part = None
        if folder is not None and hasattr(leaf, "segment"):
            part = column_files.load(Path(folder), leaf.segment().segment_id(),
                                     leaf.doc_count_all())
        parts.append((part or column_files.from_postings(leaf), offset))
    return parts


#: Each facet's index field.
FACET_FIELDS = {f.name: f.field for f in FACETS}


def segment_list(reader) -> list[tuple[str, int]] | None:
    """The (segment id, document count) of each of the reader's segments, in order; None
    when one of them is not a segment on disk."""
    found = []
    for leaf, _ in reader.leaf_readers():
        if not hasattr(leaf, "segment"):
            return None
        found.append((leaf.segment().segment_id(), leaf.doc_count_all()))
    return found


def merge_generation(reader, folder=None) -> Merged:
    """The columns of the reader's generation combined from its segments' parts
    (``segment_parts``) in memory."""
    fields = {f.name: (f.field, person_names_folded if f.fold_names else None)
              for f in FACETS if f.field in reader.schema}
    lengths = [name for name in column_files.LENGTH_FIELDS if name in reader.schema]
    return merged_columns.merge(segment_parts(reader, folder), reader.doc_count_all(), fields,
                                lengths)


def generation_columns(reader, folder=None) -> Merged:
    """The columns of the reader's generation: mapped from the files ``newsfacet index``
    wrote when it committed it (``merged_columns``) where the index folder ``folder`` has
    them, else combined from its segments' parts."""
    segments = segment_list(reader) if folder is not None else None
    found = (merged_columns.load(Path(folder), reader.generation(), segments)
             if segments is not None else None)
    return found if found is not None else merge_generation(reader, folder)


# Letters that are not a base letter plus an accent, so that removing accents keeps them.
_PLAIN_LETTERS = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D",
                                "ħ": "h", "ı": "i", "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe",
                                "Œ": "OE", "þ": "th", "Þ": "TH"})


def fold(text: str) -> str:
    """A value as a typed filter of a value list matches it: without accents or letter case
    ("Gazeta Łódź" -> "gazeta lodz")."""
    return accent_free(text.translate(_PLAIN_LETTERS)).casefold()


def person_names_folded(values: list[str], sizes: list[int]) -> list[int]:
    """For each person name of a collection, the index of the name it counts as.

    Spellings that differ only by accents or letter case are one person, under the
    commonest ("Garzon" counts as "Garzón" when that is more frequent); a lone word is the
    one person of the collection whose full name ends in it ("Blair" is "Tony Blair"),
    and stays itself when several do ("Blair" beside "Tony Blair" and "Cherie Blair").
    """
    keys = [accent_free(v).casefold() for v in values]
    best: dict[str, int] = {}
    for i, key in enumerate(keys):
        if key not in best or sizes[i] > sizes[best[key]]:
            best[key] = i
    target = [best[key] for key in keys]
    by_last: dict[str, set[int]] = {}
    for i in set(target):
        words = keys[i].split()
        if len(words) > 1:
            by_last.setdefault(words[-1], set()).add(i)
    for i, key in enumerate(keys):
        full = by_last.get(key) if " " not in key else None
        if full and len(full) == 1:
            target[i] = next(iter(full))
    return target


class ValueColumn:
    """The values of one multi-valued keyword field for every document, as ordinals.

    A value may count as another (``members``: people's names folded by
    ``person_names_folded``): its documents are counted and filtered under that one, and it
    shows no count of its own.
    """

    def __init__(self, fieldname: str, column: FieldColumn, size: int):
        """``column``: the field's pairs over the generation (``merged_columns``), mapped
        or merged; ``size``: the number of documents of the generation."""
        self.fieldname = fieldname
        self.values: list[str] = column.values
        # Document numbers are 32-bit (a Whoosh index of 2**31 documents is far away). Only
        # the ordinals are kept, with each document's first pair (``starts``): at a million
        # articles, the documents of some thirty million pairs would be 120 MB more.
        self.ords, self.starts = column.ords, column.starts
        #: value -> the index values counted under it (itself first)
        self.members: dict[str, list[str]] = column.members
        self.counted_as = {m: v for v, ms in self.members.items() for m in ms}
        # The same again as a sparse (document x value) matrix sharing those arrays: counting
        # a mask of many documents is the product mask x matrix (see ``MATRIX_SHARE``).
        self._matrix = sparse.csr_matrix((ones(len(self.ords)), self.ords, self.starts),
                                         shape=(size, len(self.values)), copy=False)
        self.ordinal = {v: i for i, v in enumerate(self.values)}
        #: True for the documents that hold any value (the others are the facet's "missing")
        self.has_value = self.starts[1:] != self.starts[:-1]
        #: each value's number of articles in the whole collection (``set_collection``):
        #: the order of values with the same count in a result
        self.frequency = np.zeros(len(self.values), dtype=np.int64)
        self._live: np.ndarray | None = None   # set_collection
        self._folded: list[str] | None = None
        self._groups = None             # story_pairs
        self._lock = threading.Lock()

    @cached_property
    def by_lower(self) -> dict[str, list[str]]:
        """Values by their casefolded form: what a typed filter value of another letter case
        stands for (made on first use, not when a generation opens)."""
        found: dict[str, list[str]] = {}
        for v in self.values:
            found.setdefault(v.casefold(), []).append(v)
        return found

    def set_collection(self, live: np.ndarray) -> None:
        """Count every value over the collection's articles ``live`` (``frequency``); a mask
        of nearly all of them is then counted as those counts less its few others'."""
        self.frequency = self.counts(live)
        self._live = live

    def counts(self, mask: np.ndarray) -> np.ndarray:
        """How many documents in ``mask`` hold each value (indexed by ordinal)."""
        inside, share = np.count_nonzero(mask), MATRIX_SHARE * len(mask)
        if self._live is not None and inside > len(mask) - share:
            rest = self._live & ~mask
            if np.count_nonzero(rest) <= share and not np.any(mask & ~self._live):
                return self.frequency - self.counts(rest)
        if self.values and inside > share:
            return (self._matrix.T @ mask.astype(np.int32)).astype(np.int64)
        return np.bincount(self._pairs(np.flatnonzero(mask))[0], minlength=len(self.values))

    def _pairs(self, ids: np.ndarray, with_docs: bool = False):
        """The (value ordinal, document) pairs of the documents ``ids``, in the order of
        ``ids``: their ordinals, and with ``with_docs`` their documents (else None)."""
        starts, ends = self.starts[ids], self.starts[ids + 1]
        lengths = ends - starts
        total = int(lengths.sum())
        # positions of every pair of the matching documents, without a Python loop
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
        return (self.ords[offsets + np.arange(total)],
                np.repeat(ids, lengths) if with_docs else None)

    def values_of(self, docnum: int) -> list[str]:
        """The values document ``docnum`` holds."""
        return [self.values[o] for o in self.ords[self.starts[docnum]:self.starts[docnum + 1]]]

    def story_counts(self, mask: np.ndarray, stories: Stories, counts: np.ndarray,
                     ords=None) -> np.ndarray:
        """How many distinct stories the documents in ``mask`` holding each of the values
        ``ords`` (ordinals; None: every value) belong to: articles in stories of one count as
        they are, the others once per (value, story). ``counts``: ``counts(mask)``.

        Only the values a response lists need it, so each is counted on its own from the
        documents of stories of several that hold it (``story_pairs``): for a value of
        700,000 articles at a million, a gather of its 150,000 reprinted ones."""
        ords = np.arange(len(self.values)) if ords is None else np.asarray(ords, dtype=np.int64)
        out = counts[ords].astype(np.int64)
        starts, docs, story = self.story_pairs(stories)
        for k, v in enumerate(ords.tolist()):
            a, b = starts[v], starts[v + 1]
            if a == b:
                continue
            told = story[a:b][mask[docs[a:b]]]      # ordered by story
            if len(told):
                out[k] += 1 - len(told) + np.count_nonzero(told[1:] != told[:-1])
        return out

    def story_pairs(self, stories: Stories):
        """The documents of stories of several articles that hold each value, value by value
        and by story within a value: per ordinal, its first position (``starts``, one more
        at the end), the documents, and their story numbers. The build writes them when it
        commits the generation (``column_files.facet_files``); a generation without
        them makes them once, when it opens (``Columns.warm``): the pairs gathered in story
        order, then a stable sort by value."""
        with self._lock:
            if self._groups is None:
                n = len(self.values)
                ords, docs = self._pairs(stories.by_story, with_docs=True)
                order = np.argsort(ords.astype(np.uint16) if n <= 1 << 16 else ords, kind="stable")
                starts = np.zeros(n + 1, dtype=np.int64)
                np.cumsum(np.bincount(ords, minlength=n), out=starts[1:])
                docs = docs[order]
                self._groups = starts, docs, stories.of[docs]
            return self._groups

    def use_written(self, parts: dict | None, live: np.ndarray) -> bool:
        """Take the counts over the collection's articles ``live`` (``set_collection``) and
        the story pairs (``story_pairs``) that the build wrote for the generation
        (``column_files.facet_files``); False, taking nothing, when there are none or they
        do not fit the column's values."""
        if parts is None or len(parts["frequency"]) != len(self.values):
            return False
        self.frequency, self._live = np.array(parts["frequency"], dtype=np.int64), live
        self._groups = parts["starts"], parts["docs"], parts["story"]
        return True

    def docs_with(self, values, size: int) -> np.ndarray:
        """A mask of the documents holding any of ``values`` (exact index values)."""
        wanted = np.zeros(len(self.values), dtype=np.int32)
        for v in values:
            if v in self.ordinal:
                wanted[self.ordinal[v]] = 1
        if not wanted.any():
            return np.zeros(size, dtype=bool)
        return (self._matrix @ wanted) > 0   # one compiled pass over the pairs

    def resolve(self, value: str, canonical_names=()) -> list[str]:
        """The values a user-typed value stands for: exact, then any case, then aliases;
        each as the value it is counted as."""
        if value in self.ordinal:
            found = [value]
        else:
            found = list(self.by_lower.get(value.casefold(), []))
            for name in canonical_names:
                found.extend(v for v in self.by_lower.get(name.casefold(), []) if v not in found)
        return list(dict.fromkeys(self.counted_as.get(v, v) for v in found))

    def closest(self, typed: str, limit: int = 3) -> list[str]:
        """The values most like ``typed`` (for a value no article has), best first."""
        found = process.extract(typed, [v for v in self.values if v not in self.counted_as
                                         or self.counted_as[v] == v],
                                scorer=fuzz.WRatio, processor=str.casefold, limit=limit, score_cutoff=70)
        return [value for value, _, _ in found]

    def index_values(self, values) -> list[str]:
        """The index values counted under ``values`` ("Tony Blair": also "Blair")."""
        return list(dict.fromkeys(m for v in values for m in self.members.get(v, [v])))

    def folded(self) -> list[str]:
        """Every value as ``fold`` makes it, by ordinal: what a typed filter of the value list
        is compared with (made on first use)."""
        if self._folded is None:
            self._folded = [fold(v) for v in self.values]
        return self._folded


class DateColumn:
    """Each document's publication day as days since 0001-01-01, or ``UNKNOWN``."""

    def __init__(self, days: np.ndarray | None, known: np.ndarray):
        """``days``: every document's day (``merged_columns.Merged.days``; None: no dates);
        ``known``: the documents whose day is known."""
        self.days = np.full(len(known), UNKNOWN, dtype=np.int32)
        if days is not None:
            self.days[known] = days[known]
        #: True for the documents whose day is known
        self.known = self.days != UNKNOWN
        self._numbers: dict[str, tuple] = {}   # unit -> bucket_numbers(unit)
        self._doubled: np.ndarray | None = None  # _doubled_years

    def bucket_numbers(self, unit: str) -> tuple[np.ndarray, int]:
        """Each document's bucket of ``unit`` (Y, M or D) as a number counted from the
        collection's first bucket (0 where ``days`` has no day), and that first bucket as a
        number of the unit since 1970 (as ``datetime64`` counts): made once per unit and
        generation, so that a histogram is one ``bincount``."""
        found = self._numbers.get(unit)
        if found is None:
            numbers = np.zeros(len(self.days), dtype=np.int32)
            buckets = _buckets(self.days[self.known], unit).astype(np.int64)
            first = int(buckets.min()) if len(buckets) else 0
            numbers[self.known] = buckets - first
            found = self._numbers[unit] = numbers, first
        return found

    def _doubled_years(self) -> np.ndarray:
        """Twice each document's year number (``bucket_numbers("Y")``), made once."""
        if self._doubled is None:
            self._doubled = self.bucket_numbers("Y")[0] * np.int32(2)
        return self._doubled

    @staticmethod
    def day_number(d: date) -> int:
        """The column value of a date."""
        return d.toordinal() - 1

    def between(self, start: date | None, stop: date | None) -> np.ndarray:
        """A mask of the documents published between two dates (inclusive; either may be open)."""
        mask = self.known.copy()
        if start is not None:
            mask &= self.days >= self.day_number(start)
        if stop is not None:
            mask &= self.days <= self.day_number(stop)
        return mask

    def span(self, mask: np.ndarray) -> tuple[str, str] | None:
        """The first and last publication date among ``mask``, or None when none is known."""
        days = self.days[mask & self.known]
        if not len(days):
            return None
        return (date.fromordinal(int(days.min()) + 1).isoformat(),
                date.fromordinal(int(days.max()) + 1).isoformat())

    def bucket_unit(self, mask: np.ndarray) -> str:
        """The histogram's bucket for ``mask``: "Y" (years), "M" (months) or "D" (days),
        whichever suits the span of its known dates."""
        return unit_for(self.days[mask & self.known])

    def histogram(self, mask: np.ndarray, date_from=None, date_to=None, dated=None,
                  unit: str | None = None) -> list[dict]:
        """Publication-date buckets of ``mask``: years, months or days (``unit``, by default
        ``bucket_unit(mask)``), in date order, then an ``unknown`` bucket. A bucket equal to
        the requested from/to range is marked selected, as is ``unknown`` under
        ``dated=unknown``."""
        with_day = mask & self.known
        unknown = int(np.count_nonzero(mask)) - int(np.count_nonzero(with_day))
        out = []
        if with_day.any():
            if unit in (None, "Y"):
                # the years in one pass over every document, no gather of the matching ones
                # (slow for a scattered half of a million): year number x 2 + matches puts a
                # document in an odd bin when it matches
                counts = np.bincount(self._doubled_years() + with_day)[1::2]
                held = np.flatnonzero(counts)
                if unit is None:   # years 4 apart are over 3 years apart; else the exact span
                    unit = "Y" if held[-1] - held[0] >= 4 else unit_for(self.days[with_day])
            numbers, first = self.bucket_numbers(unit)
            if unit != "Y":
                counts = np.bincount(numbers[with_day])
            for offset in np.flatnonzero(counts).tolist():
                value = str(np.datetime64(first + offset, unit))[:_WIDTH[unit]]
                out.append({"value": value, "count": int(counts[offset]),
                            "selected": date_from == value and date_to == value})
        if unknown or dated == "unknown":
            out.append({"value": "unknown", "count": unknown, "selected": dated == "unknown"})
        return out

    def story_histogram(self, mask: np.ndarray, stories: Stories, unit: str) -> dict[str, int]:
        """The distinct stories of ``mask`` (shown documents) in each bucket of ``unit`` (as
        ``histogram`` names them; ``unknown``: the undated articles' stories). A story whose
        copies fall in two buckets counts in both."""
        docs = np.flatnonzero(mask)
        story, days = stories.of[docs], self.days[docs]
        known = days != UNKNOWN
        out = {"unknown": int(len(distinct(story[~known])))}
        if known.any():
            pairs = np.unique(np.stack([_buckets(days[known], unit).astype(np.int64),
                                        story[known]]), axis=1)
            values, counts = np.unique(pairs[0], return_counts=True)
            for value, count in zip(values.astype(f"datetime64[{unit}]"), counts):
                out[str(value)[:_WIDTH[unit]]] = int(count)
        return out


_WIDTH = {"Y": 4, "M": 7, "D": 10}   # characters of a bucket's name: 2024, 2024-05, 2024-05-13


def unit_for(known: np.ndarray) -> str:
    """The histogram bucket that suits the span of ``known`` days (see ``bucket_unit``)."""
    span = int(known.max()) - int(known.min()) if len(known) else 0
    return "Y" if span > 3 * 365 else "M" if span > 62 else "D"


def _buckets(days: np.ndarray, unit: str) -> np.ndarray:
    """The bucket (a ``datetime64`` of ``unit``: Y, M or D) of each of ``days`` (known days)."""
    return (np.datetime64("0001-01-01", "D") + days.astype("timedelta64[D]")).astype(
        f"datetime64[{unit}]")


def story_roots(reader, docnums: np.ndarray, ids: np.ndarray,
                similarities: Similarities) -> np.ndarray:
    """The union-find roots (``stories.group``) of documents ``docnums``, from their stored
    MinHash signatures; candidate pairs not in ``similarities`` are compared on their stored
    texts (and added to it). ``ids``: every document's article id as a number."""
    signatures = np.zeros((len(docnums), SIGNATURE_BYTES // 4), dtype=np.uint32)
    if "minhash" in reader.schema:
        raw = fixed_bytes_column(reader, "minhash", SIGNATURE_BYTES)[docnums]
        signatures = np.ascontiguousarray(raw).view("<u4").reshape(len(docnums), -1)
    text_of = lambda row: reader.stored_fields(int(docnums[row])).get("text") or ""  # noqa: E731
    return group(signatures, similarities.judge(ids[docnums], text_of))


class Columns:
    """Every value column of one index generation, built once and shared by all requests.
    ``similarities``: the story pairs compared before (``stories.Similarities``; by default
    those kept in ``folder``), used when the generation's story roots are not on disk."""

    def __init__(self, reader, similarities: Similarities | None = None, folder=None):
        """``folder``: the index folder, whose merged columns (``merged_columns``) or, failing
        them, segment column files (``column_files``) are mapped where it has them."""
        self.size = reader.doc_count_all()
        merged = generation_columns(reader, folder)
        ids = merged.ids
        self.live, self.copies = one_per_article(ids, live_mask(reader))
        ones(max((len(column.ords) for column in merged.fields.values()), default=0))
        self.fields = {name: ValueColumn(FACET_FIELDS[name], column, self.size)
                       for name, column in merged.fields.items()}
        self.lengths = merged.lengths
        unknown = np.zeros(self.size, dtype=bool)
        unknown[merged.unknown] = True
        self.dates = DateColumn(merged.days, self.live & ~unknown)
        docnums = np.flatnonzero(self.live)
        roots = (column_files.load_story_roots(folder, reader.generation(), len(docnums))
                 if folder is not None else None)
        written = None
        if roots is None:
            if similarities is None:
                similarities = Similarities.load(folder) if folder is not None else Similarities()
            roots = story_roots(reader, docnums, ids, similarities)
        elif (segments := segment_list(reader)) is not None:   # the build's, like the roots
            written = column_files.load_facet_files(folder, reader.generation(), segments,
                                                    len(docnums))
        for name, column in self.fields.items():
            if not column.use_written((written or {}).get(name), self.live):
                column.set_collection(self.live)
        outlets = self.fields.get("outlet")
        self.stories = Stories(docnums, roots, ids, self.dates.days,
                               outlets.values_of if outlets is not None else lambda docnum: [],
                               self.size)
        self._reader = reader
        self._words = merged.words
        self._lexicons: dict[str, Lexicon] = {}
        self._name_spellings: NameSpellings | None = None
        self._cache: OrderedDict = OrderedDict()
        self._cache_bytes = 0
        self._cache_lock = threading.Lock()
        self._pending: dict = {}        # key of a complete_later job not done yet -> partial

    def cached(self, key, compute):
        """``compute()``'s arrays, remembered (least recently used first out) for this
        generation: decoded postings of common words are reused across requests."""
        with self._cache_lock:
            value = self._cache.get(key)
            if value is not None:
                self._cache.move_to_end(key)
                return value
        value = compute()
        size = sum(a.nbytes for a in value) if isinstance(value, tuple) else value.nbytes
        with self._cache_lock:
            if key not in self._cache:
                self._cache[key] = value
                self._cache_bytes += size
                while self._cache_bytes > SETTINGS.cache_bytes and len(self._cache) > 1:
                    _, old = self._cache.popitem(last=False)
                    self._cache_bytes -= (sum(a.nbytes for a in old) if isinstance(old, tuple)
                                          else old.nbytes)
        return value

    def counts(self, name: str, mask: np.ndarray) -> np.ndarray:
        """``fields[name].counts(mask)``, remembered (``cached``) by the mask's digest: the
        same search again, its next page or another order of it counts nothing again (at a
        million articles a new mask's six facets take some 50 ms). The array is read-only."""
        def count():
            counts = self.fields[name].counts(mask)
            counts.flags.writeable = False
            return counts
        digest = hashlib.blake2b(np.packbits(mask), digest_size=16).digest()
        return self.cached(("counts", name, digest), count)

    def complete_later(self, key, compute, partial) -> None:
        """Run ``compute()`` in the background and cache its arrays under ``key`` (see
        ``cached``): a phrase that a request's time cut short is checked in full, without a
        time limit, for the requests after it; until then ``pending(key)`` gives ``partial``,
        what the cut request found. One job at a time for the process, a few waiting at most;
        a job whose generation is closed under it is dropped."""
        with self._cache_lock:
            if key in self._cache or key in self._pending:
                return
            if not _LATER_SLOTS.acquire(blocking=False):
                return
            self._pending[key] = partial

        def job():
            try:
                self.cached(key, compute)
            except Exception:   # e.g. the generation was replaced and closed: nobody needs it
                log.debug("background work for %r dropped", key, exc_info=True)
            finally:
                with self._cache_lock:
                    self._pending.pop(key, None)
                _LATER_SLOTS.release()
        _LATER.submit(job)

    def pending(self, key):
        """What the request that started the background job ``key`` found (``complete_later``)
        while the job runs; None when there is no such job."""
        with self._cache_lock:
            return self._pending.get(key)

    def lexicon(self, fieldname: str) -> Lexicon:
        """The sorted words of a field (on first use, then kept for the generation): those
        the build wrote for the generation (``merged_columns.Merged.words``), else read from
        its segments."""
        with self._cache_lock:
            found = self._lexicons.get(fieldname)
            if found is None:
                if fieldname in self._words:
                    words = PackedWords(self._words[fieldname])
                else:
                    words = field_words(self._reader, fieldname) if fieldname in self._reader.schema else []
                found = self._lexicons[fieldname] = Lexicon(words)
        return found

    def warm(self) -> None:
        """Make now what the first searches of the generation would otherwise make: the
        spellings of people's names (a query's name variants) beside each facet's story
        pairs (its story counts) where the build did not write them, on two cores
        (``parallel.run_shared``). At a million articles they took 0.6 s and 0.8 s of the
        first search. The facets are taken one after the other: made side by side, their
        working arrays (some 80 MB each at a million) would add up while a swap holds two
        generations."""
        def story_pairs():
            for column in self.fields.values():
                column.story_pairs(self.stories)
        run_shared([self.name_spellings, story_pairs])

    def name_spellings(self) -> NameSpellings:
        """The spellings of people's name words in this generation (made when it opens,
        ``warm``), from the person facet's values: the names the index holds, without
        reading them from every segment's terms (76 MB of mapped pages at a million)."""
        if self._name_spellings is None:
            person = self.fields.get("person")
            made = NameSpellings(person.values if person is not None else [])
            with self._cache_lock:
                if self._name_spellings is None:
                    self._name_spellings = made
        return self._name_spellings

    def postings(self, fieldname: str, text):
        """A term's document numbers, cached."""
        return self.cached(("i", fieldname, text),
                           lambda: posting_ids(self._reader, fieldname, text))
