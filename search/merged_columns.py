"""A generation's merged columns: what ``facets.Columns`` is made of, written once when
``newsfacet index`` commits the generation and mapped by every server that opens it.

Each segment's part (``column_files``) numbers its documents and values its own way. The
columns a request counts on number them across the whole generation: each facet's values in
one sorted list, its (document, value) pairs as ordinals with each document's first pair
(``starts``), and the dates, lengths and ids joined. Combining the parts costs a second at a
million articles and as much memory again as the result while it runs, so the build does it
before the commit and writes the result beside the index (``gen-<generation>.cols_*.npy``,
and ``gen-<generation>.cols.json`` last); a server maps the files
(``numpy.load(..., mmap_mode="r")``): opening a generation then makes no copy of its
columns, and a server swapping in a new generation holds no second set in its own memory.
The build also writes each text field's sorted words there, which prefix and fuzzy terms
expand over (``lexicon.PackedWords``; an index written before them has its words read from
the segments on first use).

The files name the segments they were made from; files that do not match the generation's
segments, or are incomplete, are ignored and the parts combined in memory (an index written
before these files, a folder that could not be written). A build removes the files of the
generations before the one it committed; a server still answering from one of them keeps its
mapped files (they go when it closes them).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from .arrays import distinct
from .column_files import SegmentPart, document_arrays, map_array, npy_bytes
from .lexicon import is_packed

FORMAT = 1
_FILE = re.compile(r"^gen-(\d+)\.cols(_\w+\.npy|\.json)$")

#: A fold: (values, their pair counts) -> for each value, the ordinal it counts as.
Fold = Callable[[list, list], list]


@dataclass
class FieldColumn:
    """One facet's (document, value) pairs over a generation: ``values`` sorted (code point
    order, as the index sorts UTF-8 bytes), ``ords`` the value ordinals of every pair ordered
    by document, then ordinal, ``starts`` each document's first pair (one more at the end),
    and ``members``: a value -> the values folded into it (itself first), where a fold made
    some count as another."""

    values: list[str]
    ords: np.ndarray
    starts: np.ndarray
    members: dict[str, list[str]]


@dataclass
class Merged:
    """Every column of a generation of ``size`` documents, by generation document number:
    ``fields`` by facet name; ``days`` each document's publication day (meaningless where
    unknown; None when no segment has dates); ``unknown`` the documents whose date is
    unknown; ``lengths`` each text field's word counts; ``ids`` the article ids as numbers;
    ``words``: each text field's sorted words (``lexicon.pack_words``), where the build wrote
    them (a server reads the others from the segments, ``lexicon.field_words``)."""

    size: int
    fields: dict[str, FieldColumn]
    days: np.ndarray | None
    unknown: np.ndarray
    lengths: dict[str, np.ndarray]
    ids: np.ndarray
    words: dict[str, np.ndarray]


def merge(parts: list[tuple[SegmentPart, int]], size: int,
          facets: dict[str, tuple[str, Fold | None]], length_names: list[str]) -> Merged:
    """The generation's columns from its segments' parts and first document numbers;
    ``facets``: facet name -> (index field, fold or None), and ``length_names`` the text
    fields, that the schema has."""
    fields = {name: merge_field(field, parts, size, fold) for name, (field, fold) in facets.items()}
    days = None
    if any(part.days is not None for part, _ in parts):
        days = _joined([part.days if part.days is not None else np.zeros(part.count, np.int32)
                        for part, _ in parts], np.int32, size)
    unknown = (np.concatenate([part.unknown.astype(np.int32) + np.int32(offset)
                               for part, offset in parts]) if parts else np.zeros(0, np.int32))
    lengths = {name: _joined([part.lengths[name] for part, _ in parts], np.float32, size)
               for name in length_names}
    ids = _joined([part.ids for part, _ in parts], np.uint64, size)
    return Merged(size, fields, days, unknown, lengths, ids, {})


def _joined(arrays: list[np.ndarray], dtype, size: int) -> np.ndarray:
    """The segments' arrays as one of ``size`` (each copied once, into place)."""
    out = np.empty(size, dtype=dtype)
    at = 0
    for array in arrays:
        out[at:at + len(array)] = array
        at += len(array)
    return out


def merge_field(field: str, parts: list[tuple[SegmentPart, int]], size: int,
                fold: Fold | None = None) -> FieldColumn:
    """One facet's pairs over the generation (``FieldColumn``), written into their final
    arrays segment by segment: no joined copy of every pair's document is made."""
    seg_values = [part.values.get(field, []) for part, _ in parts]
    values = list(seg_values[0]) if len(parts) == 1 else sorted(set().union(*seg_values))
    n = len(values)
    ordinal = {v: i for i, v in enumerate(values)} if len(parts) > 1 else None
    ords = np.empty(sum(len(part.ords[field]) for (part, _), v in zip(parts, seg_values) if v),
                    dtype=np.int32)
    per_doc = np.zeros(size, dtype=np.int32)
    at = 0
    for (part, offset), these in zip(parts, seg_values):
        if not these:
            continue
        local = part.ords[field]
        if ordinal is None:
            ords[at:at + len(local)] = local
        else:
            remap = np.fromiter((ordinal[v] for v in these), np.int32, len(these))
            np.take(remap, local, out=ords[at:at + len(local)])
        per_doc[offset:offset + part.count] = np.bincount(part.docs[field], minlength=part.count)
        at += len(local)
    starts = np.zeros(size + 1, dtype=np.int32)
    np.cumsum(per_doc, out=starts[1:])
    del per_doc
    members: dict[str, list[str]] = {}
    if fold is not None and n:
        target = np.asarray(fold(values, np.bincount(ords, minlength=n).tolist()), dtype=np.int32)
        moved = np.flatnonzero(target != np.arange(n))
        if len(moved):
            # Pairs stay ordered by document; within one, a folded value may move or repeat:
            # the pairs are nearly sorted.
            docs = np.repeat(np.arange(size, dtype=np.int64), np.diff(starts))
            pairs = distinct(docs * n + target[ords], nearly_sorted=True)
            del docs
            ords = (pairs % n).astype(np.int32)
            starts[1:] = np.cumsum(np.bincount(pairs // n, minlength=size))
            for i in moved.tolist():
                head = values[target[i]]
                members.setdefault(head, [head]).append(values[i])
    return FieldColumn(values, ords, starts, members)


def _name(generation: int, part: str) -> str:
    return f"gen-{generation}.cols_{part}.npy"


def manifest_name(generation: int) -> str:
    """The file written last for a generation: its columns are complete when it exists."""
    return f"gen-{generation}.cols.json"


def _arrays(merged: Merged) -> dict[str, np.ndarray]:
    """The merged arrays by file part name."""
    out = {}
    for i, column in enumerate(merged.fields.values()):
        out[f"f{i}_ords"], out[f"f{i}_starts"] = column.ords, column.starts
    out.update({f"words_{name}": packed for name, packed in merged.words.items()})
    return {**out, **document_arrays(merged.days, merged.unknown, merged.ids, merged.lengths)}


def files(generation: int, segments: list, merged: Merged) -> Iterator[tuple[str, bytes]]:
    """(file name, content) of every file of a generation's columns, the manifest last;
    ``segments``: the generation's (segment id, document count) in order."""
    for name, array in _arrays(merged).items():
        yield _name(generation, name), npy_bytes(array)
    manifest = {"format": FORMAT, "size": merged.size, "segments": [list(s) for s in segments],
                "fields": {name: {"values": c.values, "members": c.members}
                           for name, c in merged.fields.items()},
                "days": merged.days is not None, "lengths": list(merged.lengths),
                "words": list(merged.words)}
    yield manifest_name(generation), json.dumps(manifest, ensure_ascii=False).encode("utf-8")


def load(folder: Path, generation: int, segments: list) -> Merged | None:
    """A generation's columns mapped from its files, or None when they are absent,
    incomplete or made from other segments than ``segments`` (see ``files``)."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / manifest_name(generation)).read_text(encoding="utf-8"))
        if (manifest.get("format") != FORMAT
                or manifest.get("segments") != [list(s) for s in segments]):
            return None
        size = manifest["size"]
        fields = {}
        for i, (name, about) in enumerate(manifest["fields"].items()):
            fields[name] = FieldColumn(about["values"], map_array(folder / _name(generation, f"f{i}_ords")),
                                       map_array(folder / _name(generation, f"f{i}_starts")),
                                       about["members"])
        merged = Merged(size, fields,
                        map_array(folder / _name(generation, "days")) if manifest["days"] else None,
                        map_array(folder / _name(generation, "unknown")),
                        {name: map_array(folder / _name(generation, f"len_{name}"))
                         for name in manifest["lengths"]},
                        map_array(folder / _name(generation, "ids")),
                        {name: map_array(folder / _name(generation, f"words_{name}"))
                         for name in manifest.get("words", [])})
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    whole = [merged.ids, *merged.lengths.values()] + ([merged.days] if merged.days is not None else [])
    if any(len(a) != size for a in whole) or any(
            len(c.starts) != size + 1 or int(c.starts[-1]) != len(c.ords) for c in fields.values()) or any(
            not is_packed(packed) for packed in merged.words.values()):
        return None
    return merged


def remove_others(folder: Path, generation: int) -> None:
    """Remove the column files of every generation but ``generation``."""
    for path in Path(folder).iterdir():
        found = _FILE.match(path.name)
        if found and int(found.group(1)) != generation:
            path.unlink(missing_ok=True)
