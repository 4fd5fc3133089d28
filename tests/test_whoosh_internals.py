"""newsfacet.search.whoosh_internals: each fast path that reads Whoosh's private internals
gives what Whoosh's public API gives, and each fallback (taken when a reader is not the
kind the fast path knows) gives the same."""

from __future__ import annotations

import io
import pickle
import threading
import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.filedb.structfile import BufferFile, StructFile
from whoosh.matching.wrappers import WrappingMatcher

from newsfacet.search import query as query_module
from newsfacet.search import whoosh_internals as wi
from newsfacet.search.budget import TimeUp
from newsfacet.search.engine import Engine
from newsfacet.search.indexer import index_paths
from newsfacet.search.request import parse_request

WORDS = ("harbour ferry storm council budget school river bridge market winter "
         "festival railway hospital vote museum").split()


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    """A two-segment index (two builds) with a deleted document, so postings come both
    inlined and in blocks, and segments have deletions."""
    root = tmp_path_factory.mktemp("internals")
    corpus = root / "corpus"
    corpus.mkdir()
    for n in range(60):
        words = " ".join(WORDS[(n * k) % len(WORDS)] for k in range(1, 40))
        (corpus / f"a{n:02}.txt").write_text(
            f"Report number {n}\n\nPublished 2024-03-{n % 28 + 1:02d}.\n\n"
            f"The harbour ferry ran late. {words}.\n", encoding="utf-8")
    index_paths([corpus], root / "index", workers=1)
    for n in range(60, 70):
        (corpus / f"a{n:02}.txt").write_text(
            f"Late report {n}\n\nThe harbour ferry and the storm council met. {WORDS[n % 15]}.\n",
            encoding="utf-8")
    (corpus / "a03.txt").unlink()
    index_paths([corpus], root / "index", workers=1, prune=True)
    return root / "index"


class PublicOnly:
    """A Whoosh reader seen only through its public API: no private attribute is found,
    and its segments are seen the same way."""

    def __init__(self, reader):
        self.wrapped = reader

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.wrapped, name)

    def leaf_readers(self):
        return [(PublicOnly(leaf), offset) for leaf, offset in self.wrapped.leaf_readers()]


@pytest.fixture(scope="module")
def reader(index_dir):
    with Engine(index_dir).generation() as gen:
        yield gen.searcher.reader()


def test_index_has_the_shapes_the_fast_paths_read(reader):
    leaves = [leaf for leaf, _ in reader.leaf_readers()]
    assert len(leaves) >= 2 and any(leaf.has_deletions() for leaf in leaves)


def test_segment_postings_public_fallback_gives_the_same(reader):
    for leaf, _ in reader.leaf_readers():
        fast = {t: ids.tolist() for t, ids in wi.segment_postings(leaf, "text")}
        public = {t: ids.tolist() for t, ids in wi.segment_postings(PublicOnly(leaf), "text")}
        assert fast == public and len(fast) > 10


def test_posting_ids_and_weights_agree_with_whoosh_matchers(reader):
    live = set(reader.all_doc_ids())
    for word in ("harbour", "ferri", "storm", "museum"):
        expected = sorted(d for d in reader.postings("text", word).all_ids() if d in live)
        ids = wi.posting_ids(reader, "text", word)
        assert sorted(d for d in ids.tolist() if d in live) == expected
        w_ids, weights = wi.posting_weights(reader, "text", word)
        matcher = reader.postings("text", word)
        want = {d: w for d, w in matcher.items_as("weight") if d in live}
        got = {d: float(w) for d, w in zip(w_ids.tolist(), weights.tolist()) if d in live}
        assert got == pytest.approx(want)


def test_leaf_ids_generic_matcher_fallback(reader):
    """A matcher of another kind is read through its public items (deleted documents
    are then already left out; the fast path leaves them to the live mask)."""
    for leaf, _ in reader.leaf_readers():
        for word in ("harbour", "ferri", "storm"):
            fast_ids, fast_w = wi._leaf_ids(leaf.postings("text", word), weights=True)
            keep = [not leaf.is_deleted(d) for d in fast_ids.tolist()]
            generic_ids, generic_w = wi._leaf_ids(WrappingMatcher(leaf.postings("text", word)),
                                                  weights=True)
            assert fast_ids[keep].tolist() == generic_ids.tolist() and len(generic_ids)
            assert fast_w[keep].tolist() == pytest.approx(generic_w.tolist())
            assert wi._leaf_ids(WrappingMatcher(leaf.postings("text", word))).tolist() \
                == generic_ids.tolist()


def _blocks_as_whoosh_reads_them(matcher) -> list[tuple]:
    """Each postings block's data tuple as Whoosh's own matcher unpickles it."""
    out = []
    while matcher.is_active():
        matcher._read_data()
        out.append(matcher._data)
        matcher._next_block()
    return out


def test_blocks_read_in_place_equal_whoosh_s_own_decoding(reader):
    """Every postings list of every word, read at once (one ``pread``) and walked in place:
    each block's data as Whoosh's own reading unpickles it, and the document numbers and
    weights (read from the start of each block's data where it is laid out for that) the
    ones those blocks hold."""
    heads = blocks = 0
    for leaf, _ in reader.leaf_readers():
        terms, fmt = leaf._terms, leaf.schema["text"].format
        assert isinstance(terms._postfile._buf, wi._FileRange)   # read with pread, not mapped
        for (field, _), info in terms.items_from("text", b""):
            if field != "text":
                break
            if info.is_inlined():
                continue
            matcher = terms._codec.postings_reader(terms._postfile, info, fmt)
            theirs = _blocks_as_whoosh_reads_them(matcher)
            listed = wi._term_postings(terms, info)   # without Whoosh's matcher
            start = matcher._baseoffset - listed[1]
            assert start == info.extent()[0]
            assert [wi._unpickled(compressed, data)
                    for _, compressed, data in wi._list_blocks(*listed)] == theirs
            ids, weights = wi._list_ids_and_weights(*listed)
            assert ids.tolist() == [i for gaps, _, _ in theirs for i in np.cumsum(gaps).tolist()]
            assert weights.tolist() == pytest.approx(   # None: each weight is 1
                [w for gaps, ws, _ in theirs
                 for w in (ws if isinstance(ws, tuple) else [1.0 if ws is None else ws] * len(gaps))])
            for count, compressed, data in wi._list_blocks(*listed):
                blocks += 1
                head = zlib.decompressobj().decompress(data, wi._head_size(count))
                heads += wi._laid_out(head, count) is not None
    assert 0 < heads < blocks   # both ways taken


def _postings_file(blocks: list[tuple]) -> bytes:
    """A postings list as the Whoosh 3 codec writes it: each block's length (negative for
    the last), its pickled header (postings, max id, max weight, compressed, ...) and its
    data (id gaps, weights, values) pickled and compressed."""
    out = b""
    for n, data in enumerate(blocks):
        block = pickle.dumps((len(data[0]), 0, 0.0, 1, 0, 0), 2) + zlib.compress(pickle.dumps(data, 2))
        out += wi._INT.pack(-len(block) if n == len(blocks) - 1 else len(block)) + block
    return out


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_the_document_numbers_and_weights_of_any_blocks_are_the_pickled_ones(data):
    """Blocks of any mix (laid out for reading from their heads or not: four or more
    postings whose gaps after the first are under 256 and whose weights are each given)
    give the document numbers and weights they hold, in order."""
    small = st.integers(0, 255)
    blocks, laid_out = [], []
    for _ in range(data.draw(st.integers(1, 5))):
        count = data.draw(st.integers(1, 130))
        gaps = [data.draw(st.integers(0, 2**31 - 1))] + data.draw(
            st.lists(st.one_of(small, small, small, st.integers(256, 2**31 - 1)),
                     min_size=count - 1, max_size=count - 1))
        weights = data.draw(st.one_of(
            st.none(), st.floats(0.5, 50),
            st.lists(st.floats(0, 1e6, width=32), min_size=count, max_size=count).map(tuple)))
        values = tuple(data.draw(st.lists(st.binary(max_size=12), min_size=count, max_size=count)))
        blocks.append((tuple(gaps), weights, values))
        head = zlib.decompressobj().decompress(zlib.compress(pickle.dumps(blocks[-1], 2)),
                                               wi._head_size(count))
        found = wi._laid_out(head, count)
        laid_out.append(found is not None)
        assert (found is not None) == (count >= 4 and max(gaps[1:]) < 256
                                       and isinstance(weights, tuple))
    ids, weights = wi._list_ids_and_weights(memoryview(_postings_file(blocks)), 0)
    assert ids.tolist() == [i for gaps, _, _ in blocks for i in np.cumsum(gaps).tolist()]
    assert weights.tolist() == [float(np.float32(w)) for gaps, ws, _ in blocks
                                for w in (ws if isinstance(ws, tuple) else
                                          [1.0 if ws is None else ws] * len(gaps))]


def test_posting_values_equal_whoosh_s_own(reader):
    """Each posting's raw value (its encoded positions), read block by block in place, is
    the one Whoosh's matcher gives for that document."""
    live = set(reader.all_doc_ids())
    for word in ("harbour", "ferri", "storm", "museum", "late"):
        ids, values = wi.posting_values(reader, "text", word)
        got = {d: v for d, v in zip(ids.tolist(), values) if d in live}
        matcher, want = reader.postings("text", word), {}
        while matcher.is_active():
            want[matcher.id()] = matcher.value()
            matcher.next()
        assert got == want and len(got) > 5, word


def test_a_postings_file_that_is_not_mapped_reads_the_same(reader, monkeypatch):
    """Where Whoosh could not map a postings file, its blocks are read through Whoosh's
    own file reads (``_block_data``): the same documents, weights and positions."""
    words = ("harbour", "ferri", "storm", "museum", "late")
    mapped = {w: (wi.posting_weights(reader, "text", w), wi.posting_values(reader, "text", w))
              for w in words}
    for leaf, _ in reader.leaf_readers():
        assert leaf._terms._postfile._buf is not None
        monkeypatch.setattr(leaf._terms._postfile, "_buf", None)
    for word, ((ids, weights), (value_ids, values)) in mapped.items():
        got_ids, got_weights = wi.posting_weights(reader, "text", word)
        got_value_ids, got_values = wi.posting_values(reader, "text", word)
        assert got_ids.tolist() == ids.tolist() and got_weights.tolist() == weights.tolist()
        assert got_value_ids.tolist() == value_ids.tolist() and got_values == values


def test_reading_positions_stops_when_the_time_is_spent(reader):
    """``time_left`` is asked before the reading of each segment: False stops it."""
    ids, values = wi.posting_values(reader, "text", "harbour", time_left=lambda: True)
    assert ids.tolist() == wi.posting_values(reader, "text", "harbour")[0].tolist() and values
    with pytest.raises(TimeUp):
        wi.posting_values(reader, "text", "harbour", time_left=lambda: False)


def test_posting_values_falls_back_and_phrases_still_match(index_dir, reader, monkeypatch):
    assert wi.posting_values(reader, "text", "harbour") is not None
    assert wi.posting_values(PublicOnly(reader), "text", "harbour") is None
    engine = Engine(index_dir)
    req = parse_request({"q": ['"harbour ferry"'], "per_page": ["100"]})
    fast = engine.search(req)
    monkeypatch.setattr(query_module, "posting_values", lambda *args: None)
    engine = Engine(index_dir)   # a new generation: no phrase answers cached
    slow = engine.search(req)
    assert fast["total"] == slow["total"] == 69
    assert [h["id"] for h in fast["hits"]] == [h["id"] for h in slow["hits"]]


def test_numeric_column_value_by_value_fallback(reader):
    for leaf, _ in reader.leaf_readers():
        count = leaf.doc_count_all()
        column = leaf.column_reader("idnum", translate=False)
        fast = wi.numeric_column(column, count, "<u8", 0)
        plain = wi.numeric_column([column[i] for i in range(count)], count, "<u8", 0)
        assert fast.tolist() == plain.tolist() and fast.any()


def test_field_lengths_public_fallback(reader):
    fast = wi.field_lengths(reader, "text")
    public = wi.field_lengths(PublicOnly(reader), "text")
    assert fast.tolist() == public.tolist() and fast.max() > 30


@pytest.mark.parametrize("kind", ["buffer", "file"])
def test_thread_positions_keep_one_read_position_per_thread(kind):
    data = bytes(range(256)) * 4
    tail = pickle.dumps({"terms": 3})
    raw = data + b"\x00\x00\x01\x02" + tail
    dbfile = BufferFile(memoryview(raw)) if kind == "buffer" else StructFile(io.BytesIO(raw))
    shared = wi.ThreadPositions(dbfile)
    seen, ready = {}, threading.Barrier(2)

    def read_at(start: int):
        shared.seek(start)
        ready.wait()            # both threads have moved "the" position before either reads
        seen[start] = shared.read(4)

    threads = [threading.Thread(target=read_at, args=(s,)) for s in (10, 700)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {10: raw[10:14], 700: raw[700:704]}
    shared.seek(len(data))
    assert shared.read_int() == 0x0102 and shared.read_pickle() == {"terms": 3}
    assert shared.get(5, 3) == raw[5:8]



def _term_table(index_dir) -> dict:
    """Every term of every field with its statistics and postings, as Whoosh reads them."""
    from whoosh import index as whoosh_index
    out = {}
    with whoosh_index.open_dir(str(index_dir)).reader() as r:
        for fieldname, btext in r.all_terms():
            info = r.term_info(fieldname, btext)
            postings = list(r.postings(fieldname, btext).items_as("weight"))
            if r.schema[fieldname].format.supports("positions"):
                postings += list(r.postings(fieldname, btext).items_as("positions"))
            out[(fieldname, btext)] = (info.weight(), info.doc_frequency(), info.min_length(),
                                       info.max_length(), info.max_weight(), postings)
        out["lengths"] = {f: [r.doc_field_length(d, f) for d in range(r.doc_count_all())]
                          for f in ("title", "text", "aliases")}
    return out


@pytest.mark.parametrize("count, limitmb", [(40, 128), (1200, 1)], ids=["in-memory", "spilled-runs"])
def test_a_segment_written_the_build_s_way_is_whoosh_s_own(tmp_path, count, limitmb):
    """A build's worker (one-pass analysis, postings kept by term, spilled to runs past its
    memory limit, ``finish_worker_segment`` with lengths read per field) writes the same
    terms, statistics, postings and lengths as Whoosh's ``commit``."""
    from whoosh import index as whoosh_index
    from whoosh.writing import SegmentWriter

    from newsfacet.search.extract import extract
    from newsfacet.search.model import RawDocument
    from newsfacet.search.schema import build_schema, to_document

    raws = [RawDocument(path="x.jsonl", key=f"x#{n}", fmt="json",
                        text=" ".join(WORDS[(n * k) % len(WORDS)] for k in range(1, 5 + (n % 40) * 7)),
                        meta={"title": f"Harbour report {n}", "outlet": "Quay Ledger"})
            for n in range(count)]   # lengths from 4 words up: many length bytes
    docs = [to_document(extract(raw), "0:0", raw.key, raw.signature()) for raw in raws]
    for name in ("whoosh", "ours"):
        folder = tmp_path / name
        folder.mkdir()
        whoosh_index.create_in(str(folder), build_schema())
        ix = whoosh_index.open_dir(str(folder))
        if name == "whoosh":
            writer = SegmentWriter(ix, _lk=False, limitmb=limitmb)
        else:   # a worker's writer, on its own copy of the schema
            writer = wi.worker_writer(ix, limitmb)
        for doc in docs:
            writer.add_document(**doc)
        runs = list((folder / "MAIN.tmp").glob("*.run"))
        assert len(runs) >= 3 if limitmb == 1 else not runs   # past the memory limit: runs
        if name == "whoosh":
            writer.commit()
            continue
        segment = wi.finish_worker_segment(writer)
        assert not list((folder / "MAIN.tmp").glob("*.run"))
        wi.commit_with_segments(SegmentWriter(whoosh_index.open_dir(str(folder))), [segment],
                                rebuild=False)
    assert _term_table(tmp_path / "ours") == _term_table(tmp_path / "whoosh")
    # the index keeps Whoosh's own schema, which a plain Whoosh reads
    assert type(whoosh_index.open_dir(str(tmp_path / "ours")).schema["text"].format) is \
        type(build_schema()["text"].format)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
       | st.lists(st.sampled_from(["Kharkiv's", "U.S.", "e-mail", "ran", "running", "İstanbul",
                                   "ǅemal", "straße", "3.14", "Ωmega", " ", "\n", ".", "a.b.c"]),
                  max_size=40).map("".join))
def test_one_pass_analysis_gives_whoosh_s_terms_positions_and_weights(text):
    from newsfacet.search.schema import build_schema
    schema, fast = build_schema(), build_schema()
    wi.one_pass_analysis(fast)
    for name in ("title", "text", "aliases"):
        assert type(fast[name].format) is not type(schema[name].format)
        assert list(fast[name].index(text)) == list(schema[name].index(text))


def test_a_one_pass_format_is_kept_as_whoosh_s_own():
    from newsfacet.search.schema import build_schema
    fast = build_schema()
    wi.one_pass_analysis(fast)
    kept = pickle.loads(pickle.dumps(fast["title"].format))
    assert type(kept) is type(build_schema()["title"].format) and kept.field_boost == 2.0
    assert b"newsfacet" not in pickle.dumps(fast)
