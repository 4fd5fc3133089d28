"""Every use of Whoosh 2.7's private internals, in one place.

Whoosh's public API reads postings one matcher call at a time and column values one
document at a time; the engine needs whole posting lists, term lists and columns as numpy
arrays or lists, and its server reads one index from many threads. The functions here reach
into the Whoosh 3 codec (``W3LeafMatcher`` blocks, the term index ``leaf._terms`` and its
ordered term file, the per-document file ``leaf._perdoc``, fixed-width ``NumericColumn``
bytes), into ``SegmentWriter``'s steps, and replace how a compound segment's parts are opened
(``SegmentPart``: read in place, from the memory map or with ``os.pread``, instead of copied
whole). Where a reader is not the kind they know, each one
falls back to the public API (``tests/test_whoosh_internals.py``, and for ``segment_words``
``tests/test_query_budget.py``, check every fallback against the fast path); the writer steps
have no public equivalent.
"""

from __future__ import annotations

import functools
import heapq
import io
import itertools
import marshal
import os
import pickle
import re
import struct
import threading
import zlib
from array import array
from struct import Struct

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3LeafMatcher
from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.structfile import BufferFile, StructFile
from whoosh.formats import Positions
from whoosh.index import TOC
from whoosh.matching import ListMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.util import random_name
from whoosh.writing import CLEAR, NO_MERGE, SegmentWriter

from .budget import TimeUp

_INT = Struct("!i")   # Whoosh's file ints: big-endian, 4 bytes


class ThreadPositions:
    """A segment's postings file with a read position for each thread.

    Stands in for the file Whoosh's postings reader seeks and reads in (``seek``, ``read``,
    ``read_int``, ``read_pickle``, ``tell``); reads by offset (``get``) and everything else
    go to the file itself. A file read in place is read by slicing its buffer; any other
    file by a seek and a read under a lock.
    """

    def __init__(self, dbfile):
        self._file = dbfile
        self._buf = getattr(dbfile, "_buf", None)
        self._lock = threading.Lock()
        self._local = threading.local()

    def __getattr__(self, name):
        return getattr(self._file, name)

    def _at(self, position: int, length: int) -> bytes:
        if self._buf is not None:
            return bytes(self._buf[position:position + length])
        with self._lock:
            self._file.seek(position)
            return self._file.read(length)

    def seek(self, position: int, whence: int = 0) -> None:
        base = {0: 0, 1: self.tell()}.get(whence)
        if base is None:
            raise ValueError("a postings file is only read from a position")
        self._local.pos = base + position

    def tell(self) -> int:
        return getattr(self._local, "pos", 0)

    def read(self, length: int = -1) -> bytes:
        data = self._at(self.tell(), length)
        self._local.pos = self.tell() + len(data)
        return data

    def readline(self) -> bytes:   # for pickle
        return _read_line(self.read)

    def read_int(self) -> int:
        return _INT.unpack(self.read(_INT.size))[0]

    def read_pickle(self):
        return pickle.Unpickler(self).load()

    def get(self, position: int, length: int) -> bytes:
        return self._at(position, length)


def _read_line(read, limit: int = -1) -> bytes:
    """A line read a byte at a time with ``read`` (what pickle asks of a file): up to and
    with its line break, at most ``limit`` bytes (negative: no limit), or to the end."""
    line = b""
    while not line.endswith(b"\n") and (limit < 0 or len(line) < limit):
        byte = read(1)
        if not byte:
            break
        line += byte
    return line


class _View:
    """A read-only file over a buffer (a part of a segment file read in place), reading it without
    copying the whole: ``read``, ``readline``, ``seek`` and ``tell``."""

    def __init__(self, buf):
        self._buf = buf
        self._pos = 0

    def read(self, length: int = -1) -> bytes:
        end = len(self._buf) if length is None or length < 0 else self._pos + length
        data = bytes(self._buf[self._pos:end])
        self._pos += len(data)
        return data

    def readline(self, limit: int = -1) -> bytes:
        return _read_line(self.read, limit)

    def seek(self, position: int, whence: int = 0) -> int:
        self._pos = {0: 0, 1: self._pos, 2: len(self._buf)}[whence] + position
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        pass


class _FileRange:
    """Bytes ``base`` to ``base + length`` of an open file, as a buffer that is only sliced
    (``[a:b]`` reads those bytes with ``os.pread``: no shared file position, so any thread
    may read). Once the file is closed, reading raises ``ValueError``."""

    def __init__(self, file, base: int, length: int):
        self._file, self._base, self._length = file, base, length

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, key: slice) -> bytes:
        start, stop, step = key.indices(self._length)
        if step != 1:
            raise ValueError("a file range is read in one piece")
        return os.pread(self._file.fileno(), max(0, stop - start), self._base + start)


#: The parts of a compound segment file read with ``os.pread`` rather than through the
#: segment's memory map: the postings (a term's whole list read at once) and the stored
#: fields (a few records at random, or a whole export's). A page read through the map stays
#: in the process's resident memory, with the pages around it that the kernel maps on each
#: fault (64 KB for a 4 KB record): at 1M articles, 20 clients' searches, article pages and
#: exports kept 5 GB of the index resident in the server within three minutes. Read with
#: ``pread``, the pages stay in the kernel's page cache alone, shared and dropped when memory
#: is needed.
READ_PARTS = (".pst", "._stored.col")


class SegmentPart(BufferFile):
    """A file inside a compound segment file, read in place: sliced from the segment's memory
    map, or for ``READ_PARTS`` read with ``os.pread`` (a ``_FileRange``).

    Whoosh's ``BufferFile`` copies the whole part into a ``BytesIO`` when it is opened, so
    opening an index read every segment (stored texts, postings) into the process's own
    memory: 0.5 s and 1.5 GB of resident memory for a 100,000-article index. This one reads
    only the bytes asked for."""

    def __init__(self, buf, name=None):
        StructFile.__init__(self, _View(buf), name=name)
        self._buf = buf

    def subset(self, position, length, name=None):
        return SegmentPart(self._buf[position:position + length], name=name or self._name)


def _open_mapped_part(storage, name, *args, **kwargs):
    """``CompoundStorage.open_file`` reading a memory-mapped segment in place (``SegmentPart``)."""
    if storage.is_closed or not storage._source:
        return _OPEN_PART(storage, name, *args, **kwargs)
    offset, length = storage.range(name)
    reading = getattr(storage, "_reading", None)
    if reading is not None and name.endswith(READ_PARTS):
        return SegmentPart(_FileRange(reading, offset, length), name=name)
    return SegmentPart(memoryview(storage._source)[offset:offset + length], name=name)


def _open_compound(storage, dbfile, *args, **kwargs) -> None:
    """``CompoundStorage.__init__``, keeping a file of its own open on the segment file for
    ``READ_PARTS`` (Whoosh closes the one it is given once the segment is mapped)."""
    try:
        reading = os.fdopen(os.dup(dbfile.fileno()), "rb", buffering=0)
    except (AttributeError, OSError, ValueError):   # not a file on disk
        reading = None
    _OPEN_COMPOUND(storage, dbfile, *args, **kwargs)
    storage._reading = reading


def _close_compound(storage) -> None:
    """``CompoundStorage.close``, closing the file ``_open_compound`` kept too."""
    _CLOSE_COMPOUND(storage)
    reading = getattr(storage, "_reading", None)
    if reading is not None:
        reading.close()


_OPEN_PART = CompoundStorage.open_file
_OPEN_COMPOUND, _CLOSE_COMPOUND = CompoundStorage.__init__, CompoundStorage.close
CompoundStorage.open_file = _open_mapped_part
CompoundStorage.__init__, CompoundStorage.close = _open_compound, _close_compound


def share_between_threads(reader) -> None:
    """Give every segment's postings file of ``reader`` a read position per thread."""
    for leaf, _ in reader.leaf_readers():
        terms = getattr(leaf, "_terms", None)
        postfile = getattr(terms, "_postfile", None)
        if postfile is not None and not isinstance(postfile, ThreadPositions):
            terms._postfile = ThreadPositions(postfile)


def _leaf_ids(matcher, weights: bool = False):
    """All document numbers of one segment's postings matcher, read block by block
    (with ``weights``: also each posting's weight, the field-boosted term frequency)."""
    if isinstance(matcher, FilterMatcher):   # deleted documents: dropped later by the live mask
        matcher = matcher.child
    if isinstance(matcher, ListMatcher):
        ids = np.asarray(matcher._ids, dtype=np.int64)
        if not weights:
            return ids
        w = matcher._weights
        return ids, (np.ones(len(ids), np.float32) if w is None
                     else np.asarray(w, dtype=np.float32))
    listed = (_postings_bytes(getattr(matcher._postfile, "_buf", None), matcher._startoffset,
                              matcher._length)
              if isinstance(matcher, W3LeafMatcher) and not matcher._byteids else None)
    if listed is not None:
        ids, found = _list_ids_and_weights(*listed)
        return (ids, found) if weights else ids
    if isinstance(matcher, W3LeafMatcher) and not matcher._byteids:
        ids, found = _joined([_block_arrays(data) for data in _block_data(matcher)])
        return (ids, found) if weights else ids
    if weights:
        pairs = [(i, w) for i, w in matcher.items_as("weight")]
        return (np.asarray([i for i, _ in pairs], dtype=np.int64),
                np.asarray([w for _, w in pairs], dtype=np.float32))
    return np.fromiter(matcher.all_ids(), dtype=np.int64)


def _block_data(matcher: W3LeafMatcher):
    """The whole data tuple (id gaps, weights, values) of each postings block of
    ``matcher``, from its first block on, through Whoosh's file reads: for a postings file
    that is not read in place (one that is: ``_list_blocks``)."""
    while matcher.is_active():
        if matcher._data is None:
            matcher._read_data()
        yield matcher._data
        matcher._next_block()


def _unpickled(compressed: bool, data) -> tuple:
    """A block's data tuple (id gaps, weights, values) from its (compressed) pickle."""
    return pickle.loads(zlib.decompress(data) if compressed else data)


def _postings_bytes(buf, start: int, length: int):
    """(the bytes of the postings list at ``start`` of a postings file read in place (its
    ``buf``), offset of its first block in them): read at once (one ``pread``, or a view of
    the map), or None when the file is not read in place or the list is not Whoosh 3's."""
    if buf is None:
        return None
    if not isinstance(buf, _FileRange):
        buf = memoryview(buf)
    if isinstance(length, tuple):   # as Whoosh 2.7.4's W3TermInfo.from_bytes leaves it
        length = length[0]
    data = buf[start:start + length]
    if bytes(data[:len(WHOOSH3_HEADER_MAGIC)]) != WHOOSH3_HEADER_MAGIC:
        return None
    return data, len(WHOOSH3_HEADER_MAGIC)


def _term_postings(terms, info):
    """``_postings_bytes`` of a term's postings (not inlined), read without making Whoosh's
    matcher, which reads and unpickles the first block's header through the file's Python
    reads (about 0.1 ms a term, a segment)."""
    return _postings_bytes(getattr(terms._postfile, "_buf", None), *info.extent())


def _list_blocks(buf, offset: int):
    """(postings, compressed, data) of each block of the postings list whose first block is
    at ``offset`` of ``buf``: each block's length, pickled header and (compressed) pickled data."""
    while True:
        length = _INT.unpack_from(buf, offset)[0]
        start, end = offset + _INT.size, offset + _INT.size + abs(length)
        block = io.BytesIO(buf[start:end])
        info = pickle.load(block)            # (postings, max id, max weight, compressed, ...)
        yield info[0], info[3], block.getbuffer()[block.tell():]
        if length < 0:                       # the last block
            return
        offset = end


# A block's data is the pickle (protocol 2) of (id gaps, weights, values). For a frequent
# word nearly every gap is under 256 and each weight a float: MARK, the first gap as a 1-, 2-
# or 4-byte int, every other gap as BININT1 ("K" and a byte), TUPLE, BINPUT 0, MARK, then
# BINFLOAT ("G" and 8 big-endian bytes) per weight. The values after them (each posting's
# positions, itself a pickle) cost nine tenths of unpickling the block, and searches that
# only match and rank never use them: such a block's gaps and weights are read from the
# start of its data alone, decompressed only that far.
_FIRST_GAP = {ord("K"): (1, "little", False), ord("M"): (2, "little", False),
              ord("J"): (4, "little", True)}
_GAPS_END = b"tq\x00("


def _head_size(count: int) -> int:
    """The bytes of a block's data before its values, laid out as above (the longest first gap)."""
    return 3 + 5 + 2 * (count - 1) + 4 + 9 * count


def _list_ids_and_weights(buf, offset: int) -> tuple[np.ndarray, np.ndarray]:
    """The document numbers and weights of the postings list whose first block is at
    ``offset`` of ``buf``. The blocks laid out as above are checked one by one (a few byte
    comparisons) and their gaps and weights then read all at once; any other block is
    unpickled whole."""
    parts, run = [], []
    for count, compressed, data in _list_blocks(buf, offset):
        size = _head_size(count)
        head = zlib.decompressobj().decompress(data, size) if compressed else bytes(data[:size])
        laid_out = _laid_out(head, count)
        if laid_out is not None:
            run.append(laid_out)
            continue
        if run:
            parts.append(_read_heads(run))
            run = []
        parts.append(_block_arrays(_unpickled(compressed, data)))
    if run:
        parts.append(_read_heads(run))
    return _joined(parts)


def _block_arrays(data: tuple) -> tuple[np.ndarray, np.ndarray]:
    """The document numbers and weights of a block's unpickled data (id gaps, weights,
    values); weights None: each is 1, one float: each is that."""
    gaps, w = data[0], data[1]
    weights = (np.full(len(gaps), 1.0 if w is None else w, np.float32)
               if w is None or isinstance(w, float) else np.asarray(w, dtype=np.float32))
    return np.cumsum(np.asarray(gaps, dtype=np.int64)), weights


def _joined(parts: list) -> tuple[np.ndarray, np.ndarray]:
    """The (document numbers, weights) of consecutive blocks as one pair of arrays."""
    if len(parts) == 1:
        return parts[0]
    if not parts:
        return np.empty(0, np.int64), np.empty(0, np.float32)
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def _laid_out(head: bytes, count: int):
    """When a block's data starts as above: (postings, first gap, the other gaps as
    opcode-byte pairs, the weights as opcode and 8 bytes each); else None."""
    if count < 4 or len(head) < 4 or head[:3] != b"\x80\x02(" or head[3] not in _FIRST_GAP:
        return None
    width, order, signed = _FIRST_GAP[head[3]]
    at = 4 + width                            # the second gap's opcode
    end = at + 2 * (count - 1)
    weights_at = end + len(_GAPS_END)
    gaps, weights = head[at:end], head[weights_at:weights_at + 9 * count]
    if (len(weights) < 9 * count or head[end:weights_at] != _GAPS_END
            or gaps[::2].count(b"K") != count - 1 or weights[::9].count(b"G") != count):
        return None
    return count, int.from_bytes(head[4:at], order, signed=signed), gaps, weights


def _read_heads(run: list) -> tuple[np.ndarray, np.ndarray]:
    """The document numbers and weights of consecutive blocks that ``_laid_out`` read,
    ``run``: their gaps and weights joined keep one stride (2 and 9 bytes), so each is one
    array over them all."""
    counts = np.fromiter((block[0] for block in run), dtype=np.int64, count=len(run))
    firsts = np.cumsum(counts) - counts                  # each block's first posting
    gaps = np.empty(int(counts.sum()), dtype=np.int64)
    others = np.ones(len(gaps), dtype=bool)
    others[firsts] = False
    gaps[others] = np.frombuffer(b"".join(block[2] for block in run), dtype=np.uint8)[1::2]
    gaps[firsts] = np.fromiter((block[1] for block in run), dtype=np.int64, count=len(run))
    running = np.cumsum(gaps)
    ids = running - np.repeat(running[firsts] - gaps[firsts], counts)
    weights = b"".join(block[3] for block in run)
    return ids, np.ndarray((len(gaps),), dtype=">f8", buffer=weights, offset=1,
                           strides=(9,)).astype(np.float32)


def segment_postings(leaf, fieldname: str, btext: bytes | None = None, weights: bool = False):
    """(term, document numbers) of one segment: of one term, or of every term of the field.

    Reads the Whoosh 3 codec's term index and postings directly (no per-call deleted-document
    set, no matcher per posting); any other reader goes through the public API.
    """
    terms = getattr(leaf, "_terms", None)
    if terms is not None and hasattr(terms, "items_from") and hasattr(terms, "_postfile"):
        fmt = leaf.schema[fieldname].format
        if btext is None:
            items = terms.items_from(fieldname, b"")
        else:
            try:
                items = [((fieldname, btext), terms.term_info(fieldname, btext))]
            except TermNotFound:
                return
        for (fname, text), info in items:
            if fname != fieldname:
                break
            listed = None if info.is_inlined() else _term_postings(terms, info)
            if listed is not None:
                found = _list_ids_and_weights(*listed)
                yield text, found if weights else found[0]
            elif info.is_inlined():
                yield text, _leaf_ids(ListMatcher(*info.inlined_postings()), weights)
            else:
                yield text, _leaf_ids(terms._codec.postings_reader(terms._postfile, info, fmt),
                                      weights)
        return
    texts = list(leaf.lexicon(fieldname)) if btext is None else [btext]
    for text in texts:
        try:
            yield text, _leaf_ids(leaf.postings(fieldname, text), weights)
        except TermNotFound:
            continue


def _postings(reader, fieldname: str, text, weights: bool):
    if fieldname not in reader.schema:
        return []
    btext = text if isinstance(text, bytes) else reader.schema[fieldname].to_bytes(text)
    return [(found, offset) for leaf, offset in reader.leaf_readers()
            for _, found in segment_postings(leaf, fieldname, btext, weights)]


def posting_ids(reader, fieldname: str, text) -> np.ndarray:
    """Sorted document numbers (over the whole, possibly multi-segment, reader) holding a term."""
    parts = [ids + offset for ids, offset in _postings(reader, fieldname, text, False)]
    if not parts:
        return np.empty(0, np.int64)
    return np.concatenate(parts) if len(parts) > 1 else parts[0]


def posting_weights(reader, fieldname: str, text) -> tuple[np.ndarray, np.ndarray]:
    """Document numbers holding a term, and the term's weight (frequency) in each."""
    parts = _postings(reader, fieldname, text, True)
    if not parts:
        return np.empty(0, np.int64), np.empty(0, np.float32)
    return (np.concatenate([ids + offset for (ids, _), offset in parts]),
            np.concatenate([w for (_, w), _ in parts]))


_BLOCKS_BETWEEN_LOOKS = 64   # postings blocks read with their positions between two looks at the time


def posting_values(reader, fieldname: str, text, time_left=None) -> tuple[np.ndarray, list]:
    """Document numbers holding a term and each posting's raw value (encoded positions),
    or None when the postings are not the Whoosh 3 codec's (callers then fall back).

    ``time_left``: called before each segment and every ``_BLOCKS_BETWEEN_LOOKS`` blocks; when
    it returns False the reading stops with ``TimeUp`` (a common word's positions at a
    million articles are a second or more of work)."""
    btext = text if isinstance(text, bytes) else reader.schema[fieldname].to_bytes(text)
    ids_parts, values = [], []
    looked = 0
    for leaf, offset in reader.leaf_readers():
        if time_left is not None and not time_left():
            raise TimeUp()
        terms = getattr(leaf, "_terms", None)
        if terms is None or not hasattr(terms, "_postfile"):
            return None
        try:
            info = terms.term_info(fieldname, btext)
        except TermNotFound:
            continue
        fmt = leaf.schema[fieldname].format
        if info.is_inlined():
            found, _, found_values = info.inlined_postings()
            ids_parts.append(np.asarray(found, dtype=np.int64) + offset)
            values.extend(found_values)
            continue
        size = fmt.fixed_value_size()
        if not (size is None or size < 0):
            return None   # only values kept whole (as Positions keeps them) are read here
        listed = _term_postings(terms, info)
        if listed is not None:
            blocks = (_unpickled(compressed, data) for _, compressed, data in _list_blocks(*listed))
        else:
            matcher = terms._codec.postings_reader(terms._postfile, info, fmt)
            if not isinstance(matcher, W3LeafMatcher):
                return None
            blocks = _block_data(matcher)
        for data in blocks:
            ids_parts.append(np.cumsum(np.asarray(data[0], dtype=np.int64)) + offset)
            values.extend(data[2])
            looked += 1
            if time_left is not None and looked % _BLOCKS_BETWEEN_LOOKS == 0 and not time_left():
                raise TimeUp()
    ids = np.concatenate(ids_parts) if ids_parts else np.empty(0, np.int64)
    return ids, values


def numeric_column(column, count: int, dtype: str, default) -> np.ndarray:
    """A segment's numeric column as an array: its raw bytes when it is Whoosh's fixed-width
    column, else value by value."""
    from whoosh.columns import NumericColumn
    if isinstance(column, NumericColumn.Reader):
        stored = min(column._count, count)
        raw = column._dbfile.get(column._basepos, stored * column._fixedlen)
        values = np.full(count, default, dtype=dtype)
        values[:stored] = np.frombuffer(raw, dtype=">" + dtype[1:] if dtype[0] != "|" else dtype,
                                        count=stored)
        return values
    return np.fromiter((column[i] for i in range(count)), dtype=dtype, count=count)


def fixed_bytes_column(reader, fieldname: str, width: int) -> np.ndarray:
    """A fixed-width bytes column (``FixedBytesColumn`` of ``width`` bytes) of every
    document as a (documents x width) uint8 array; zeros where a segment has no value."""
    from whoosh.columns import FixedBytesColumn
    out = np.zeros((reader.doc_count_all(), width), dtype=np.uint8)
    for leaf, offset in reader.leaf_readers():
        if not leaf.has_column(fieldname):
            continue
        column = leaf.column_reader(fieldname, translate=False)
        count = leaf.doc_count_all()
        if isinstance(column, FixedBytesColumn.Reader):
            stored = min(column._count, count)
            raw = column._dbfile.get(column._basepos, stored * width)
            out[offset:offset + stored] = np.frombuffer(raw, dtype=np.uint8).reshape(stored, width)
        else:
            for i in range(count):
                out[offset + i] = np.frombuffer(column[i], dtype=np.uint8)
    return out


def _length_table() -> np.ndarray:
    """Whoosh's field length of each stored length byte (``byte_to_length``)."""
    from whoosh.util.numeric import byte_to_length
    return np.array([byte_to_length(b) for b in range(256)], dtype=np.int64)


def _length_bytes(perdoc, fieldname: str, count: int) -> np.ndarray | None:
    """A segment's stored length bytes of one field, read at once from its per-document
    file (``perdoc``: Whoosh 3's per-document reader), or None when it has none or is not
    that reader."""
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
    if not hasattr(perdoc, "_cached_reader"):
        return None
    column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    return numeric_column(column, count, "|u1", 0) if column is not None else None


def field_lengths(reader, fieldname: str) -> np.ndarray:
    """Every document's length (in words, as Whoosh stores it) of one text field."""
    table = _length_table().astype(np.float32)
    out = np.zeros(reader.doc_count_all(), dtype=np.float32)
    for leaf, offset in reader.leaf_readers():
        count = leaf.doc_count_all()
        stored = _length_bytes(getattr(leaf, "_perdoc", None), fieldname, count)
        if stored is not None:
            out[offset:offset + count] = table[stored]
        else:
            out[offset:offset + count] = [leaf.doc_field_length(i, fieldname, 0) or 0
                                          for i in range(count)]
    return out


class _SegmentLengths:
    """The field lengths Whoosh's posting writer asks for, one posting at a time, while it
    writes a segment's postings (``doc_field_length``, for each block's length bounds):
    each field's read once, as an array, instead of from the column file per posting (a
    quarter of the time of finishing a segment)."""

    def __init__(self, perdoc, count: int):
        self._perdoc, self._count = perdoc, count
        self._table = _length_table()
        self._fields: dict = {}   # fieldname -> its lengths by document number

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        length_of = self.field(fieldname)
        return length_of(docnum) if length_of is not None else 0

    def field(self, fieldname: str):
        """``doc_field_length`` of one field as a function of the document number, or None
        for a field without lengths (0 for every document)."""
        if fieldname not in self._fields:
            stored = _length_bytes(self._perdoc, fieldname, self._count)
            if stored is not None:
                found = self._table[stored].tolist().__getitem__
            elif hasattr(self._perdoc, "_cached_reader"):   # Whoosh 3's, and the field has none
                found = None
            else:
                found = functools.partial(self._perdoc.doc_field_length, fieldname=fieldname)
            self._fields[fieldname] = found
        return self._fields[fieldname]


STEM_CACHE = 100_000   # words whose stems a build's worker keeps (the analyser's own: 50,000)
SINGLE_POSITIONS = 65_536   # positions whose encoding, as a word's only one, a worker keeps
_GROUP = re.Match.group


class _OnePassPositions(Positions):
    """The ``Positions`` format of a field analysed by Whoosh's stemming chain
    (``RegexTokenizer | LowercaseFilter | StemFilter``, no stop words, nothing ignored), whose
    ``word_values`` runs that chain in one pass over the regular expression's matches, with
    no token objects: the same terms, frequencies, weights and encoded positions, in half the
    time. Anything but a plain text indexed goes to Whoosh's own way. The encoding of a
    word's only position, the commonest, is made once per position and kept."""

    def __init__(self, original: Positions, expression, stemfn):
        super().__init__(field_boost=original.field_boost, **original.options)
        self._finditer = expression.finditer
        self._stem = functools.lru_cache(maxsize=STEM_CACHE)(stemfn)
        self._single: dict[int, bytes] = {}   # a word's one position -> its encoding

    def __reduce__(self):
        """Pickled (in a schema) as Whoosh's own ``Positions``: an index never names this."""
        return Positions, (), {"field_boost": self.field_boost, "options": self.options}

    def word_values(self, value, analyzer, **kwargs):
        if not isinstance(value, str) or kwargs.get("mode") != "index" or len(kwargs) > 1:
            yield from super().word_values(value, analyzer, **kwargs)
            return
        if value.isascii():   # lower-cased first: the same words, at the same offsets
            words = map(_GROUP, self._finditer(value.lower()))
        else:                 # a letter may grow when lower-cased ("İ"): each word alone
            words = map(str.lower, map(_GROUP, self._finditer(value)))
        positions: dict[str, list[int]] = {}
        for position, word in enumerate(map(self._stem, words)):
            found = positions.get(word)
            if found is None:
                positions[word] = [position]
            else:
                found.append(position)
        boost, single = self.field_boost, self._single
        for word, found in positions.items():
            if len(found) > 1:
                yield word, len(found), len(found) * boost, self.encode(found)
                continue
            encoded = single.get(found[0])
            if encoded is None:
                encoded = self.encode(found)
                if found[0] < SINGLE_POSITIONS:
                    single[found[0]] = encoded
            yield word, 1, boost, encoded


def one_pass_analysis(schema) -> None:
    """Index this process's text fields analysed by Whoosh's stemming chain in one pass
    (``_OnePassPositions``), for a build's worker: only the worker's own copy of the schema
    changes, never the one the index keeps, and the postings are the same. Only Whoosh's own
    word expression, which no letter's case changes, is read this way (``word_values``
    lower-cases an ASCII text before cutting it)."""
    from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter
    for name in schema.names():
        field = schema[name]
        parts = getattr(getattr(field, "analyzer", None), "items", None)
        if (type(getattr(field, "format", None)) is Positions and parts
                and [type(p) for p in parts] == [RegexTokenizer, LowercaseFilter, StemFilter]
                and not parts[0].gaps and not parts[2].ignore
                and parts[0].expression.pattern == RegexTokenizer().expression.pattern):
            field.format = _OnePassPositions(field.format, parts[0].expression, parts[2].stemfn)


class TermPool:
    """A worker segment's postings, grouped by term as they come: in place of Whoosh's
    ``PostingPool``, which sorts every posting as a tuple and, past its memory limit, spills
    sorted runs that it merges back posting by posting. Documents are added in order, so each
    term's postings are in order already: only the terms are sorted, a spilled run holds
    whole terms, and the runs are merged term by term (``terms``). A term's postings are one
    flat list, docnum, weight, value bytes after one another (no tuple, no copy of the term
    per posting). The postings written are Whoosh's, in Whoosh's order
    (``tests/test_whoosh_internals.py`` compares the files)."""

    _POSTING_BYTES = 100   # Python's memory for one posting, about, besides its value bytes

    def __init__(self, tempstorage, limitmb: int):
        self._temp = tempstorage
        self._limit = limitmb * 1024 * 1024
        self._size = 0
        self._fields: dict[str, dict[bytes, list]] = {}   # fieldname -> term -> postings
        self._runs: list[str] = []

    def add(self, item) -> None:
        """One posting, Whoosh's (fieldname, term bytes, docnum, weight, value bytes) tuple
        (``SegmentWriter.add_document`` calls this)."""
        fieldname, text, docnum, weight, value = item
        terms = self._fields.get(fieldname)
        if terms is None:
            terms = self._fields[fieldname] = {}
        postings = terms.get(text)
        if postings is None:
            terms[text] = [docnum, weight, value]
        else:
            postings += (docnum, weight, value)
        self._size += self._POSTING_BYTES + len(value or b"")
        if self._size > self._limit:
            self._spill()

    _CHUNK_TERMS = 1000             # terms per marshalled chunk of a run (one load each)
    _CHUNK_SIZE = struct.Struct("<Q")

    def _sorted(self):
        """The postings in memory as ((fieldname, term bytes), postings), in term order."""
        for fieldname in sorted(self._fields):
            terms = self._fields[fieldname]
            for text in sorted(terms):
                yield (fieldname, text), terms[text]

    def _spill(self) -> None:
        name = f"{random_name()}.run"
        entries = self._sorted()
        with self._temp.create_file(name).raw_file() as out:
            while chunk := list(itertools.islice(entries, self._CHUNK_TERMS)):
                data = marshal.dumps(chunk)
                out.write(self._CHUNK_SIZE.pack(len(data)))
                out.write(data)
        self._runs.append(name)
        self._fields, self._size = {}, 0

    def _read_run(self, number: int, name: str):
        """A spilled run's terms as (key, run number, postings), then the run file is removed."""
        try:
            with self._temp.open_file(name).raw_file() as run:
                while header := run.read(self._CHUNK_SIZE.size):
                    for key, postings in marshal.loads(run.read(self._CHUNK_SIZE.unpack(header)[0])):
                        yield key, number, postings
        finally:
            self._temp.delete_file(name)

    def terms(self):
        """((fieldname, term bytes), runs) in term order, ``runs`` the flat postings lists
        of the term from each run, in document order."""
        last = len(self._runs)   # the postings in memory come after every run's
        memory = ((key, last, postings) for key, postings in self._sorted())
        sources = [self._read_run(number, name) for number, name in enumerate(self._runs)] + [memory]
        self._runs = []
        merged = heapq.merge(*sources, key=lambda entry: entry[:2]) if len(sources) > 1 else memory
        for key, entries in itertools.groupby(merged, key=lambda entry: entry[0]):
            yield key, [postings for _, _, postings in entries]
        self._fields = {}

    def cleanup(self) -> None:
        """Remove the runs still on disk (``SegmentWriter`` calls this when it closes)."""
        for name in self._runs:
            try:
                self._temp.delete_file(name)
            except OSError:
                pass
        self._runs = []


def worker_writer(ix, limitmb: int):
    """A ``SegmentWriter`` for a build's worker, never committed by the worker (no lock):
    text analysed in one pass (``one_pass_analysis``) and postings kept by term (``TermPool``)."""
    writer = SegmentWriter(ix, _lk=False, limitmb=limitmb)
    one_pass_analysis(writer.schema)
    writer.pool = TermPool(writer._tempstorage, limitmb)
    return writer


def _write_terms(fieldwriter, schema, lengths, pool: TermPool) -> None:
    """Write ``pool``'s postings: what ``FieldWriter.add_postings`` does with Whoosh's sorted
    postings, done term by term and block by block (``_add_blocks``)."""
    field, length_of = None, None
    for (fieldname, text), runs in pool.terms():
        if fieldname != field:
            if field is not None:
                fieldwriter.finish_field()
            fieldwriter.start_field(fieldname, schema[fieldname])
            field, length_of = fieldname, lengths.field(fieldname) if lengths is not None else None
        fieldwriter.start_term(text)
        _add_blocks(fieldwriter._postwriter, runs[0] if len(runs) == 1 else list(itertools.chain(*runs)),
                    length_of)
        fieldwriter.finish_term()
    if field is not None:
        fieldwriter.finish_field()


def _add_blocks(postwriter, postings: list, length_of) -> None:
    """Give a Whoosh 3 postings writer (``W3PostingsWriter``, between ``start_postings`` and
    ``finish_postings``) one term's postings (a ``TermPool`` flat list) a block at a time,
    with the statistics its ``add_posting`` keeps one posting at a time: full blocks are
    written as ``add_posting`` writes them, and the last is left for ``finish_postings``."""
    limit = postwriter._blocklimit * 3
    for start in range(0, len(postings), limit):
        if start:
            postwriter._write_block()
        block = postings[start:start + limit]
        docnums, weights = block[0::3], block[1::3]
        postwriter._ids = array("I", docnums)
        postwriter._weights = array("f", weights)
        postwriter._values = [value for value in block[2::3] if value]
        top = max(weights)
        postwriter._maxweight = top if top > 0 else 0
        found = [n for n in map(length_of, docnums) if n] if length_of is not None else []
        postwriter._minlength = min(found) if found else None
        postwriter._maxlength = max(found) if found else 0


def _finalize_segment(writer):
    """Whoosh's ``SegmentWriter._finalize_segment`` (write the postings, close the files,
    assemble the compound file) with the field lengths read per field (``_SegmentLengths``)
    and, for a worker's ``TermPool``, the postings written term by term: the same files."""
    writer.perdocwriter.close()
    perdoc = writer.per_document_reader() if writer.codec.length_stats else None
    lengths = _SegmentLengths(perdoc, writer.docnum) if perdoc is not None else None
    if isinstance(writer.pool, TermPool):
        _write_terms(writer.fieldwriter, writer.schema, lengths, writer.pool)
    else:
        writer.fieldwriter.add_postings(writer.schema, lengths, writer.pool.iter_postings())
    writer.fieldwriter.close()
    if perdoc is not None:
        perdoc.close()
    writer._close_segment()
    writer._assemble_segment()
    return writer.get_segment()


def wildcard_prefix(query) -> str:
    """The literal text a Whoosh ``Wildcard`` query starts with (before its first ``*``/``?``)."""
    return query._find_prefix(query.text)


def finish_worker_segment(writer):
    """End a worker's ``SegmentWriter`` without committing: the finished segment (to hand
    to the process that commits), or None when the worker added nothing."""
    if writer._added:
        return _finalize_segment(writer)
    writer._close_segment()   # not cancel(): that would remove the folder the processes share
    return None


def commit_with_segments(writer, segments: list, rebuild: bool, prepare=None,
                         checkpoint: bool = False) -> None:
    """Commit ``writer``'s own changes (its deletions, its added documents) together with
    segments finished by other processes, in one new generation.

    The same steps as Whoosh's multi-process writer (``MpWriter`` with
    ``multisegment=True``): existing segments are merged by the usual policy (all dropped
    with ``rebuild``), the other segments are added as they are, and the table of contents
    is written last. ``prepare(segments)``, when given, is called with every segment of the
    new generation, all written, just before its table of contents makes it visible.

    A ``checkpoint`` is a commit while the other processes go on writing: existing segments
    are kept as they are, in their order, so that the document numbers of the generation
    before stay valid in the next, and the temporary folder the writers share is kept.
    """
    final = writer._merge_segments(CLEAR if rebuild else NO_MERGE if checkpoint else None, False, True)
    final += segments
    own = finish_worker_segment(writer)
    if own is not None:
        final.append(own)
    if prepare is not None:
        prepare(final)
    if checkpoint:   # Whoosh's _commit_toc would also remove the files of segments still being written
        TOC(writer.schema, final, writer.generation).write(writer.storage, writer.indexname)
        writer.is_closed = True
    else:
        writer._commit_toc(final)
        writer._finish()


_KEY_LENGTHS = struct.Struct("!ii")   # Whoosh's hash file entry: key length, value length
_FIELD_NUMBER = struct.Struct("!H")   # Whoosh 3 term keys: field number, then the term


def segment_words(leaf, fieldname: str) -> list[bytes] | None:
    """The sorted terms of one field of one segment, read in one pass over the Whoosh 3
    codec's ordered term file; None when the segment is not stored that way."""
    terms = getattr(leaf, "_terms", None)
    tindex = getattr(terms, "_tindex", None)
    fieldmap = getattr(terms, "_fieldmap", None)
    if tindex is None or fieldmap is None or not hasattr(tindex, "closest_key_pos"):
        return None
    if fieldname not in fieldmap:
        return []
    head = _FIELD_NUMBER.pack(fieldmap[fieldname])
    pos = tindex.closest_key_pos(head)
    if pos is None:
        return []
    data = tindex.dbfile.get(pos, tindex.endofdata - pos)
    words, at, end, unpack = [], 0, len(data), _KEY_LENGTHS.unpack_from
    while at < end:
        keylen, datalen = unpack(data, at)
        if data[at + 8:at + 10] != head:
            break
        words.append(data[at + 10:at + 8 + keylen])
        at += 8 + keylen + datalen
    return words
