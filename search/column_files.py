"""Column files: what the value columns need from one index segment, kept beside it on disk.

A Whoosh segment never changes once written (deletions are kept in the generation's table of
contents, not in the segment), so the raw data the engine's columns are made of can be read
from a segment's postings once, when ``newsfacet index`` has written it (in the worker process
that wrote it, or before the commit for a segment a merge made), and kept in files that a
server maps (``numpy.load(..., mmap_mode="r")``) instead of decoding the postings again each
time it opens a generation. ``SegmentPart`` is that data, in the segment's own document
numbers; ``facets.Columns`` combines the parts of a generation's segments.

The files are named after their segment (``MAIN_<id>.cols_<part>.npy`` and, written last,
``MAIN_<id>.cols.json``), so that Whoosh removes them with the segment when a commit drops
it, as it does the segment's own files. A segment without complete, readable files (an index
written before them, a folder that could not be written) is read from its postings, the same
data by the same code.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np
from whoosh.reading import SegmentReader

from .facet_registry import FACETS
from .whoosh_internals import field_lengths, numeric_column, segment_postings

FORMAT = 1
LENGTH_FIELDS = ("title", "text", "aliases")
_MICROS_PER_DAY = 86_400 * 1_000_000


@dataclass
class SegmentPart:
    """The columns' raw data of one segment, by the segment's document numbers.

    For each facet field, ``values[field]`` (sorted) and its (document, value ordinal)
    pairs ``docs[field]``/``ords[field]`` ordered by document, then ordinal; ``days``: each
    document's publication day (meaningless where the date is unknown; None when the segment
    has no date column); ``unknown``: the documents whose date is unknown; ``lengths``: the
    word count of each text field; ``ids``: each article id as a number.
    """

    count: int
    values: dict[str, list[str]]
    docs: dict[str, np.ndarray]
    ords: dict[str, np.ndarray]
    days: np.ndarray | None
    unknown: np.ndarray
    lengths: dict[str, np.ndarray]
    ids: np.ndarray


def from_postings(leaf) -> SegmentPart:
    """Read one segment's part from its postings and columns (``leaf``: a segment reader)."""
    count = leaf.doc_count_all()
    values, docs, ords = {}, {}, {}
    for field in dict.fromkeys(f.field for f in FACETS if f.field in leaf.schema):
        texts, parts = [], []
        for btext, ids in segment_postings(leaf, field):
            texts.append(btext.decode("utf-8"))
            parts.append(ids)
        pair_docs = np.concatenate(parts).astype(np.int32) if parts else np.empty(0, np.int32)
        pair_ords = np.repeat(np.arange(len(parts), dtype=np.int32), [len(p) for p in parts])
        order = np.argsort(pair_docs, kind="stable")   # by document, then ordinal
        values[field], docs[field], ords[field] = texts, pair_docs[order], pair_ords[order]
    days = None
    if "published" in leaf.schema and leaf.has_column("published"):
        raw = numeric_column(leaf.column_reader("published", translate=False), count, "<u8", 0)
        days = (raw // _MICROS_PER_DAY).astype(np.int32)
    unknown = np.empty(0, np.int32)
    if "dated" in leaf.schema:
        found = [ids for _, ids in segment_postings(leaf, "dated", b"unknown")]
        if found:
            unknown = found[0].astype(np.int32)
    lengths = {name: field_lengths(leaf, name) for name in LENGTH_FIELDS if name in leaf.schema}
    return SegmentPart(count, values, docs, ords, days, unknown, lengths, ids_of(leaf))


def ids_of(leaf) -> np.ndarray:
    """Every document's article id as a number (the ``idnum`` column; 0 where absent)."""
    count = leaf.doc_count_all()
    if not leaf.has_column("idnum"):
        return np.zeros(count, dtype=np.uint64)
    return numeric_column(leaf.column_reader("idnum", translate=False), count, "<u8", 0)


def _arrays(part: SegmentPart) -> dict[str, np.ndarray]:
    """The part's arrays by file part name (letters, digits and ``_`` only: Whoosh's
    pattern for a segment's files)."""
    out = {}
    for i, field in enumerate(part.values):
        out[f"f{i}_docs"], out[f"f{i}_ords"] = part.docs[field], part.ords[field]
    return {**out, **document_arrays(part.days, part.unknown, part.ids, part.lengths)}


def document_arrays(days, unknown, ids, lengths: dict) -> dict[str, np.ndarray]:
    """The arrays of one number per document (or per undated document), by file part name:
    the same in a segment's files and in a generation's merged columns."""
    out = {} if days is None else {"days": days}
    out["unknown"], out["ids"] = unknown, ids
    out.update({f"len_{name}": array for name, array in lengths.items()})
    return out


def _name(segment_id: str, part: str) -> str:
    return f"{segment_id}.cols_{part}.npy"


def manifest_name(segment_id: str) -> str:
    """The file written last for a segment: its part is complete when this file exists."""
    return f"{segment_id}.cols.json"


def npy_bytes(array: np.ndarray) -> bytes:
    """``array`` as the content of a ``.npy`` file (that ``map_array`` maps)."""
    out = io.BytesIO()
    np.save(out, np.ascontiguousarray(array), allow_pickle=False)
    return out.getvalue()


def segment_files(segment_id: str, part: SegmentPart) -> Iterator[tuple[str, bytes]]:
    """(file name, content) of every file of a segment's part, the manifest last."""
    for name, array in _arrays(part).items():
        yield _name(segment_id, name), npy_bytes(array)
    manifest = {"format": FORMAT, "count": part.count, "fields": list(part.values),
                "values": part.values, "days": part.days is not None,
                "lengths": list(part.lengths)}
    yield manifest_name(segment_id), json.dumps(manifest, ensure_ascii=False).encode("utf-8")


def map_array(path: Path) -> np.ndarray:
    """The ``.npy`` file at ``path`` mapped read-only (an empty array is read)."""
    try:
        return np.load(path, mmap_mode="r", allow_pickle=False)
    except ValueError:   # an empty array cannot be mapped
        return np.load(path, allow_pickle=False)


def load(folder: Path, segment_id: str, count: int) -> SegmentPart | None:
    """A segment's part mapped from its files, or None when they are absent, incomplete or
    not for a segment of ``count`` documents (it is then read from the postings)."""
    try:
        manifest = json.loads((folder / manifest_name(segment_id)).read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT or manifest.get("count") != count:
            return None
        docs, ords = {}, {}
        for i, field in enumerate(manifest["fields"]):
            docs[field] = map_array(folder / _name(segment_id, f"f{i}_docs"))
            ords[field] = map_array(folder / _name(segment_id, f"f{i}_ords"))
        days = map_array(folder / _name(segment_id, "days")) if manifest["days"] else None
        lengths = {name: map_array(folder / _name(segment_id, f"len_{name}"))
                   for name in manifest["lengths"]}
        part = SegmentPart(count, manifest["values"], docs, ords, days,
                           map_array(folder / _name(segment_id, "unknown")), lengths,
                           map_array(folder / _name(segment_id, "ids")))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if len(part.ids) != count or (days is not None and len(days) != count):
        return None
    return part


def write_segments(storage, schema, segments, write) -> None:
    """Write the files of each of ``segments`` (Whoosh segments in ``storage``, an index
    folder) that has none yet; ``write(path, content)`` writes one file whole or not at all."""
    folder = Path(storage.folder)
    for segment in segments:
        segment_id = segment.segment_id()
        if (folder / manifest_name(segment_id)).exists():
            continue
        leaf = SegmentReader(storage, schema, segment)
        try:
            for name, content in segment_files(segment_id, from_postings(leaf)):
                write(folder / name, content)
        finally:
            leaf.close()


_STORIES = re.compile(r"^stories-(\d+)\.(npy|facets\.json|facets_\w+\.npy)$")


def stories_name(generation: int) -> str:
    """The file of a generation's story roots (``facets.story_roots`` of its shown documents),
    written by ``newsfacet index`` when it commits the generation."""
    return f"stories-{generation}.npy"


def facet_manifest(generation: int) -> str:
    """The file written last of a generation's facet files (``facet_files``)."""
    return f"stories-{generation}.facets.json"


def _facet_name(generation: int, part: str) -> str:
    return f"stories-{generation}.facets_{part}.npy"


#: What a facet's files hold (``facets.ValueColumn``): each value's number of shown articles
#: (``frequency``), and its story pairs (``story_pairs``: ``starts``, ``docs``, ``story``).
FACET_PARTS = ("frequency", "starts", "docs", "story")


def facet_files(generation: int, segments: list, shown: int,
                facets: dict[str, dict[str, np.ndarray]]) -> Iterator[tuple[str, bytes]]:
    """(file name, content) of every file of a generation's facet files, the manifest last:
    for each facet, its parts (``FACET_PARTS``) over the ``shown`` articles of the
    generation, which depend on its story roots and deletions as well as on its columns.
    ``newsfacet index`` writes them when it commits the generation, and a server maps them
    instead of making them while it opens the generation: the story pairs are some 40 MB at
    a million articles, made while a swap holds the old generation's, and counting every
    value reads every (document, value) pair, 115 MB of mapped pages at a million. One file
    per part holds every facet's, one after the other; the manifest gives each facet's
    number of values and of story pairs. ``segments``: the generation's (segment id,
    document count) in order."""
    for part in FACET_PARTS:
        yield _facet_name(generation, part), npy_bytes(
            np.concatenate([parts[part] for parts in facets.values()]))
    manifest = {"format": FORMAT, "segments": [list(s) for s in segments], "shown": shown,
                "fields": {name: [len(parts["frequency"]), len(parts["docs"])]
                           for name, parts in facets.items()}}
    yield facet_manifest(generation), json.dumps(manifest).encode("utf-8")


def load_facet_files(folder: Path, generation: int, segments: list,
                     shown: int) -> dict[str, dict[str, np.ndarray]] | None:
    """A generation's facet files by facet (``facet_files``), mapped, or None when they are
    absent, incomplete, or made from other segments or another number of shown articles
    than ``segments`` and ``shown`` (the server then makes their content)."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / facet_manifest(generation)).read_text(encoding="utf-8"))
        if (manifest.get("format") != FORMAT or manifest.get("shown") != shown
                or manifest.get("segments") != [list(s) for s in segments]):
            return None
        whole = {part: map_array(folder / _facet_name(generation, part)) for part in FACET_PARTS}
        found, values_at, pairs_at = {}, 0, 0
        for name, (values, pairs) in manifest["fields"].items():
            starts_at = values_at + len(found)   # each facet's starts hold one more
            found[name] = {"frequency": whole["frequency"][values_at:values_at + values],
                           "starts": whole["starts"][starts_at:starts_at + values + 1],
                           "docs": whole["docs"][pairs_at:pairs_at + pairs],
                           "story": whole["story"][pairs_at:pairs_at + pairs]}
            values_at, pairs_at = values_at + values, pairs_at + pairs
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if (len(whole["frequency"]) != values_at or len(whole["starts"]) != values_at + len(found)
            or not len(whole["docs"]) == len(whole["story"]) == pairs_at):
        return None
    for parts in found.values():
        if int(parts["starts"][-1]) != len(parts["docs"]):
            return None
    return found


def load_story_roots(folder: Path, generation: int, count: int) -> np.ndarray | None:
    """A generation's story roots for its ``count`` shown documents, or None when its file
    is absent or does not fit (they are then computed)."""
    try:
        roots = np.load(Path(folder) / stories_name(generation), allow_pickle=False)
    except (OSError, ValueError):
        return None
    return roots if roots.shape == (count,) else None


def remove_other_story_files(folder: Path, generation: int) -> None:
    """Remove the story roots and facet files of every generation but ``generation`` (a
    server still using an older one has its roots in memory and keeps its mapped facet files
    until it closes them)."""
    for path in Path(folder).iterdir():
        found = _STORIES.match(path.name)
        if found and int(found.group(1)) != generation:
            path.unlink(missing_ok=True)
