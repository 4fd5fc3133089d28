"""Index generations on disk: the column files ``newsfacet index`` writes when it commits a
segment, and the merged columns of the generation it commits, which an engine maps instead
of reading postings and merging segments; a server that keeps answering
while a newer generation is opened in the background; and the old generation an export
holds, which stays readable after a build removed its files."""

from __future__ import annotations

import errno
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from records import write_jsonl

from newsitems import write
from newsfacet.search import column_files, facets, generation, lexicon, merged_columns
from newsfacet.search.engine import Engine
from newsfacet.search.indexer import index_paths
from newsfacet.search.request import parse_request
from newsfacet.search.stories import Similarities

WAIT = 120   # seconds: a bound on hanging, never a timing assertion

PEOPLE = ["Tony Blair", "Blair", "José Garzón", "Jose Garzon", "Marta Øster", "Ilse Kranz"]
PLACES = ["Lisbon", "Oporto", "Kraków", "Ghent"]
OUTLETS = ["Tagus Times", "Rhine Ledger", "Baltic Bugle"]


def record(n: int, version: str = "first") -> dict:
    """A short article of our own naming people and places, one in four undated."""
    person, other = PEOPLE[n % len(PEOPLE)], PEOPLE[(n * 7 + 3) % len(PEOPLE)]
    place = PLACES[n % len(PLACES)]
    out = {"id": f"rec-{n}", "title": f"Ferry talks number {n} in {place}",
           "source": OUTLETS[n % len(OUTLETS)],
           "text": f"{person} met {other} in {place} on Tuesday to discuss ferry route r{n}k. "
                   f"Officials in {place} said the {version} draft of the timetable was "
                   f"agreed after a long evening."}
    if n % 4:
        out["date"] = f"2019-{1 + n % 12:02d}-{1 + n % 27:02d}"
    return out


def search(engine: Engine, **params) -> dict:
    answer = engine.search(parse_request({k: v if isinstance(v, list) else [str(v)]
                                          for k, v in params.items()}))
    answer.pop("took_ms")
    return answer


def column_file_names(index_dir: Path) -> set[str]:
    """The segments' column files."""
    return {p.name for p in index_dir.glob("MAIN_*") if ".cols" in p.name}


def generation_file_names(index_dir: Path) -> set[str]:
    """The generations' merged columns."""
    return {p.name for p in index_dir.glob("gen-*.cols*")}


def story_file_names(index_dir: Path) -> set[str]:
    """The generations' story roots and facet files."""
    return {p.name for p in index_dir.glob("stories-*")}


def generations_of(names: set[str]) -> set[str]:
    """The generations (``gen-N``, ``stories-N``) that files ``names`` are of."""
    return {name.split(".")[0] for name in names}


def segment_ids(index_dir: Path) -> set[str]:
    from whoosh import index as whoosh_index
    return {s.segment_id() for s in whoosh_index.open_dir(str(index_dir))._segments()}


def current_number(engine: Engine) -> int:
    """The generation the engine's requests now get (asking starts opening a newer one)."""
    with engine.generation() as gen:
        return gen.number


def latest_number(index_dir: Path) -> int:
    from whoosh import index as whoosh_index
    return whoosh_index.open_dir(str(index_dir)).latest_generation()


def newsfacet_index(*args: str) -> None:
    """Run the real ``newsfacet index`` command in its own process (as beside a server)."""
    build = subprocess.run([str(Path(sys.executable).parent / "newsfacet"), "index", *args,
                            "--workers", "1", "--quiet"],
                           capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stderr


def wait_for(check) -> None:
    """Wait (up to ``WAIT`` seconds) until ``check()`` is true."""
    deadline = time.monotonic() + WAIT
    while not check():
        assert time.monotonic() < deadline, "the newer generation never became current"
        time.sleep(0.05)


@pytest.fixture
def two_commits(tmp_path) -> Path:
    """An index built by two commits: 60 articles, then 30 more and 10 of the first changed
    (so two segments, the first with deleted documents)."""
    feed = tmp_path / "data" / "feed.jsonl"
    write_jsonl(feed, [record(n) for n in range(60)])
    index_paths([feed.parent], tmp_path / "ix", workers=1)
    write_jsonl(feed, [record(n, "second" if n < 10 else "first") for n in range(90)])
    index_paths([feed.parent], tmp_path / "ix", workers=1)
    return tmp_path / "ix"


REQUESTS = [{}, {"q": "ferry"}, {"q": "second draft"}, {"person": "Tony Blair"},
            {"person": "José Garzón", "place": "Lisbon"}, {"outlet": "Rhine Ledger", "sort": "oldest"},
            {"from": "2019-03-01", "to": "2019-09-30"}, {"dated": "unknown"},
            {"q": "timetable", "collapse": "story"}, {"q": "r7k OR r70k OR r88k"},
            {"q": "r8* timet*"}, {"q": "ferri~ r88c~"}, {"q": "time?able"}]


def test_columns_are_written_at_commit_and_opened_without_reading_postings(two_commits,
                                                                           monkeypatch):
    segments = segment_ids(two_commits)
    assert len(segments) == 2
    for segment in segments:   # every segment of the generation has its files, complete
        assert (two_commits / column_files.manifest_name(segment)).is_file()

    # only the generation's own story files and merged columns are left, complete
    number = latest_number(two_commits)
    stories = story_file_names(two_commits)
    assert {column_files.stories_name(number), column_files.facet_manifest(number)} < stories
    assert generations_of(stories) == {f"stories-{number}"}
    names = generation_file_names(two_commits)
    assert merged_columns.manifest_name(number) in names
    assert generations_of(names) == {f"gen-{number}"}

    def no_postings(leaf):
        raise AssertionError("a segment's columns were read from its postings")

    def no_merging(*args):
        raise AssertionError("the segments' columns were merged again")

    def no_grouping(*args):
        raise AssertionError("the stories were grouped again")
    monkeypatch.setattr(column_files, "from_postings", no_postings)
    monkeypatch.setattr(facets, "story_roots", no_grouping)
    monkeypatch.setattr(merged_columns, "merge", no_merging)
    engine = Engine(two_commits)
    with engine.generation() as gen:   # mapped, not copied into the server's memory
        assert all(isinstance(c.ords, np.memmap) and isinstance(c.starts, np.memmap)
                   and isinstance(c.story_pairs(gen.columns.stories)[0], np.memmap)
                   for c in gen.columns.fields.values())
    answer = search(engine, q="ferry")
    assert answer["total"] == 90
    people = {v["value"]: v["count"] for v in answer["facets"]["person"]["values"]}
    assert people["Tony Blair"] >= 1 and "Blair" not in people   # a lone surname is folded
    assert sum(b["count"] for b in answer["facets"]["published"]) == 90
    assert search(engine, q="second draft")["total"] == 10


def test_text_fields_words_are_written_at_commit_and_expanded_without_reading_segments(
        two_commits, monkeypatch):
    engine = Engine(two_commits)
    with engine.generation() as gen:
        reader = gen.searcher.reader()
        expected = {name: lexicon.field_words(reader, name) for name in ("title", "text", "aliases")}
    manifest = json.loads((two_commits / merged_columns.manifest_name(latest_number(two_commits)))
                          .read_text(encoding="utf-8"))
    assert manifest["words"] == ["title", "text", "aliases"]
    before = [search(engine, **params) for params in REQUESTS[-3:]]
    assert [answer["total"] for answer in before] == [11, 1, 90]   # r8k, r80k-r89k; r88k

    def no_reading(reader, name):   # people's names are read (name spellings), not text
        assert name not in expected, f"the words of {name} were read from the segments"
        return lexicon.field_words(reader, name)
    monkeypatch.setattr(facets, "field_words", no_reading)
    engine = Engine(two_commits)
    with engine.generation() as gen:
        for name, words in expected.items():
            assert list(gen.columns.lexicon(name).words) == words, name
    assert [search(engine, **params) for params in REQUESTS[-3:]] == before
    assert search(engine, q="r88k~")["total"] == 18   # one edit: r8k, r80k-r89k, r18k-r78k

    # a new word of the next generation is expanded from that generation's words
    feed = two_commits.parent / "data" / "feed.jsonl"
    write_jsonl(feed, [record(n) for n in range(90)] + [
        {"id": "quay", "title": "Quayside works", "text": "The quayside was rebuilt."}])
    index_paths([feed.parent], two_commits, workers=1)
    for query in ("quaysid*", "quaysde~", "quays?de"):
        assert search(engine, q=query)["total"] == 1, query

    # a generation written before the words were: read from the segments, same answers
    monkeypatch.undo()
    number = latest_number(two_commits)
    path = two_commits / merged_columns.manifest_name(number)
    manifest = json.loads(path.read_text(encoding="utf-8"))
    for name in manifest.pop("words"):
        (two_commits / f"gen-{number}.cols_words_{name}.npy").unlink()
    path.write_text(json.dumps(manifest), encoding="utf-8")
    monkeypatch.setattr(merged_columns, "merge", lambda *args: pytest.fail("merged again"))
    for query in ("quaysid*", "quaysde~", "quays?de", "r88k~"):
        assert search(Engine(two_commits), q=query)["total"] == (1 if "quay" in query else 18)


def test_value_matrices_of_a_generation_and_the_next_share_one_array_of_ones(tmp_path,
                                                                           monkeypatch):
    """The value matrices' entries are views of one array of ones, reserved for the largest
    facet whatever the order of the facets, and the next generation, a few pairs larger,
    shares it: a swap makes no second one (92 MB at a million articles)."""
    monkeypatch.setattr(facets, "_ones", np.ones(0, dtype=np.int32))   # as in a new server
    feed = tmp_path / "data" / "feed.jsonl"
    write_jsonl(feed, [record(n) for n in range(60)])
    index_paths([feed.parent], tmp_path / "ix", workers=1)
    engine = Engine(tmp_path / "ix")
    with engine.generation() as gen:
        old = {name: column._matrix.data for name, column in gen.columns.fields.items()}
    assert len(old["person"]) > len(old["place"]) > 0   # the largest facet is not the first
    write_jsonl(feed, [record(n) for n in range(61)])
    index_paths([feed.parent], tmp_path / "ix", workers=1)
    wait_for(lambda: search(engine, q="r60k")["total"] == 1)
    with engine.generation() as gen:
        new = {name: column._matrix.data for name, column in gen.columns.fields.items()}
    assert len(new["person"]) > len(old["person"])   # the new generation has more pairs
    assert np.shares_memory(old["place"], old["person"])
    assert np.shares_memory(new["person"], old["person"])


def test_a_generation_s_files_are_on_disk_before_it_is_visible(tmp_path, monkeypatch):
    """A server may open a generation the moment its table of contents is written: by then
    its segments' column files and its stories are there (it never groups them itself)."""
    from whoosh.index import TOC
    seen = []
    write_toc = TOC.write

    def checked(toc, storage, indexname):
        folder = Path(storage.folder)
        seen.append((toc.generation,
                     all((folder / column_files.manifest_name(s.segment_id())).is_file()
                         for s in toc.segments)
                     and (folder / merged_columns.manifest_name(toc.generation)).is_file(),
                     (folder / column_files.stories_name(toc.generation)).is_file()
                     and (folder / column_files.facet_manifest(toc.generation)).is_file()))
        write_toc(toc, storage, indexname)

    monkeypatch.setattr(TOC, "write", checked)
    feed = tmp_path / "data" / "feed.jsonl"
    write_jsonl(feed, [record(n) for n in range(30)])
    index_paths([feed.parent], tmp_path / "ix", workers=1)
    write_jsonl(feed, [record(n, "second" if n < 5 else "first") for n in range(40)])
    index_paths([feed.parent], tmp_path / "ix", workers=1)
    built = [entry for entry in seen if entry[0] > 0]    # generation 0: the empty new index
    assert len(built) == 2 and all(columns and stories for _, columns, stories in built), seen
    assert generations_of(story_file_names(tmp_path / "ix")) == {f"stories-{built[-1][0]}"}


def test_an_index_without_its_column_files_gives_the_same_answers(two_commits):
    with_files = [search(Engine(two_commits), **params) for params in REQUESTS]
    for name in (column_file_names(two_commits) | story_file_names(two_commits)
                 | generation_file_names(two_commits)):
        (two_commits / name).unlink()
    without = [search(Engine(two_commits), **params) for params in REQUESTS]
    assert with_files == without
    assert with_files[0]["total"] == 90 and with_files[3]["total"] >= 1
    assert len(with_files[0]["facets"]["place"]["values"]) == len(PLACES)


def test_a_segment_with_damaged_files_is_read_from_its_postings(two_commits):
    expected = [search(Engine(two_commits), **params) for params in REQUESTS]
    segment = sorted(segment_ids(two_commits))[0]
    (two_commits / f"{segment}.cols_ids.npy").write_bytes(b"not an array")
    assert [search(Engine(two_commits), **params) for params in REQUESTS] == expected


def test_merged_columns_of_other_segments_or_cut_short_are_not_used(two_commits):
    """Merged columns that do not fit the generation (a manifest naming other segments, an
    array cut short) are ignored: the segments are merged again, with the same answers."""
    number = latest_number(two_commits)
    with Engine(two_commits).generation() as gen:
        segments = facets.segment_list(gen.searcher.reader())
    assert merged_columns.load(two_commits, number, segments) is not None
    expected = [search(Engine(two_commits), **params) for params in REQUESTS]

    manifest = two_commits / merged_columns.manifest_name(number)
    original = manifest.read_text(encoding="utf-8")
    about = json.loads(original)
    about["segments"][0][0] = "MAIN_0000000000000000"
    manifest.write_text(json.dumps(about), encoding="utf-8")
    assert merged_columns.load(two_commits, number, segments) is None
    assert [search(Engine(two_commits), **params) for params in REQUESTS] == expected

    manifest.write_text(original, encoding="utf-8")
    ords = two_commits / f"gen-{number}.cols_f0_ords.npy"
    saved = np.load(ords)
    np.save(ords, saved[:-1])
    assert merged_columns.load(two_commits, number, segments) is None
    assert [search(Engine(two_commits), **params) for params in REQUESTS] == expected

    np.save(ords, saved)   # a text field's words cut short
    assert merged_columns.load(two_commits, number, segments) is not None
    words = two_commits / f"gen-{number}.cols_words_text.npy"
    np.save(words, np.load(words)[:-3])
    assert merged_columns.load(two_commits, number, segments) is None
    assert [search(Engine(two_commits), **params) for params in REQUESTS] == expected


def test_facets_counts_and_story_pairs_are_written_at_commit_or_made_when_unfit(tmp_path,
                                                                              monkeypatch):
    """Each facet's counts over the collection and its story pairs (which documents of
    stories of several hold a value) are written with the generation and mapped, not made,
    by a server; absent, cut short or of other segments, they are made again, with the same
    answers."""
    reprints = [{**record(n), "id": f"copy-{n}", "source": "Baltic Bugle Weekly"} for n in range(12)]
    feed = tmp_path / "data" / "feed.jsonl"
    write_jsonl(feed, [record(n) for n in range(40)] + reprints)
    index_paths([feed.parent], tmp_path / "ix", workers=1)
    index_dir, number = tmp_path / "ix", latest_number(tmp_path / "ix")
    made = []   # for each facet's story pairs or counts asked for: were they made then?
    real_pairs, real_counts = facets.ValueColumn.story_pairs, facets.ValueColumn.set_collection
    monkeypatch.setattr(facets.ValueColumn, "story_pairs", lambda self, stories: made.append(
        self._groups is None) or real_pairs(self, stories))
    monkeypatch.setattr(facets.ValueColumn, "set_collection", lambda self, live: made.append(
        True) or real_counts(self, live))
    requests = [{"q": "ferry"}, {"q": "timetable", "place": "Lisbon"}, {"outlet": "Baltic Bugle"}]

    def answers() -> list[dict]:
        made.clear()
        return [search(Engine(index_dir), **params) for params in requests]

    expected = answers()
    assert made and not any(made)
    places = expected[0]["facets"]["place"]["values"]
    assert any(v["stories"] < v["count"] for v in places)   # reprints count once as stories
    with Engine(index_dir).generation() as gen:
        place = gen.columns.fields["place"]
        assert isinstance(place.story_pairs(gen.columns.stories)[1], np.memmap)
        assert place.frequency.tolist() == place.counts(gen.columns.live).tolist()

    docs = index_dir / f"stories-{number}.facets_docs.npy"
    saved = np.load(docs)
    np.save(docs, saved[:-1])
    assert answers() == expected and any(made)

    np.save(docs, saved)
    manifest = index_dir / column_files.facet_manifest(number)
    about = json.loads(manifest.read_text(encoding="utf-8"))
    assert answers() == expected and not any(made)
    about["segments"][0][0] = "MAIN_0000000000000000"
    manifest.write_text(json.dumps(about), encoding="utf-8")
    assert answers() == expected and any(made)

    for name in story_file_names(index_dir) - {column_files.stories_name(number)}:
        (index_dir / name).unlink()
    assert answers() == expected and any(made)


@pytest.mark.parametrize("module, writer, what, written", [
    (merged_columns, "files", "the merged columns", generation_file_names),
    (column_files, "facet_files", "the facets' counts and story pairs",
     lambda index_dir: {name for name in story_file_names(index_dir) if ".facets" in name})])
def test_a_build_that_cannot_write_a_generation_s_files_completes_and_says_so(
        tmp_path, monkeypatch, module, writer, what, written):
    """A folder that takes the index but not the merged columns or the facet files (the disk
    fills up just then): the build completes and says so, and a server makes them itself."""
    feed = tmp_path / "data" / "feed.jsonl"
    write_jsonl(feed, [record(n) for n in range(30)])

    def full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")
        yield   # a generator, like the function it stands for

    monkeypatch.setattr(module, writer, full)
    report = index_paths([feed.parent], tmp_path / "ix", workers=1)
    monkeypatch.undo()
    assert any(note.startswith(f"{what} could not be written (no space left on the "
                               "device); the index is complete") for note in report.notes), report.notes
    assert not written(tmp_path / "ix")
    answer = search(Engine(tmp_path / "ix"), q="ferry")
    assert answer["total"] == 30 and len(answer["facets"]["place"]["values"]) == len(PLACES)


def test_a_build_that_cannot_keep_the_stories_writes_no_facet_files_and_says_so(tmp_path,
                                                                             monkeypatch):
    """Without the story roots on disk, the facets' story pairs would be of stories a server
    groups again itself: the build writes neither, says so, and a server answers."""
    feed = tmp_path / "data" / "feed.jsonl"
    write_jsonl(feed, [record(n) for n in range(30)])

    def full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Similarities, "to_bytes", full)
    report = index_paths([feed.parent], tmp_path / "ix", workers=1)
    monkeypatch.undo()
    assert any(note.startswith("the story similarities could not be kept (no space left on "
                               "the device)") for note in report.notes), report.notes
    assert not story_file_names(tmp_path / "ix")
    answer = search(Engine(tmp_path / "ix"), q="ferry")
    assert answer["total"] == 30 and len(answer["facets"]["place"]["values"]) == len(PLACES)


def test_files_of_replaced_segments_go_and_an_export_holding_them_completes(two_commits):
    engine = Engine(two_commits)
    before, stories_before = segment_ids(two_commits), story_file_names(two_commits)
    export = engine.iter_records(parse_request({"q": "ferry"}))
    started = [next(export) for _ in range(5)]

    index_paths([two_commits.parent / "data"], two_commits, rebuild=True, workers=1)
    after = segment_ids(two_commits)
    assert not before & after
    left = column_file_names(two_commits)
    assert left and all(name.split(".")[0] in after for name in left)
    assert story_file_names(two_commits).isdisjoint(stories_before)
    assert generations_of(generation_file_names(two_commits)) == {
        f"gen-{latest_number(two_commits)}"}

    records = started + list(export)   # the export reads the generation it started on
    assert len(records) == 90 == len({r["id"] for r in records})
    assert search(engine, q="ferry")["total"] == 90


def test_a_generation_swap_under_an_export_and_concurrent_searches(tmp_path):
    corpus, index_dir = tmp_path / "corpus", tmp_path / "ix"
    corpus.mkdir()
    write(corpus, range(0, 300), "Amberley")
    index_paths([corpus], index_dir, workers=1)
    engine = Engine(index_dir)
    export = engine.iter_records(parse_request({"q": "amberley"}))
    exported = [next(export)]
    failures: list[str] = []
    stop = threading.Event()

    def client(q: str) -> None:
        while not stop.is_set():
            try:
                answer = search(engine, q=q)
            except Exception as exc:   # noqa: BLE001 - every failure is reported
                failures.append(f"{q}: {exc!r}")
                continue
            if sum(b["count"] for b in answer["facets"]["published"]) != answer["total"]:
                failures.append(f"{q}: mixed generations")

    threads = [threading.Thread(target=client, args=(q,)) for q in ("council", "brockton")]
    for thread in threads:
        thread.start()
    try:
        write(corpus, range(300, 500), "Brockton")
        newsfacet_index(str(corpus), "--index", str(index_dir))
        wait_for(lambda: search(engine, q="brockton")["total"] == 200)
        newsfacet_index(str(corpus), "--index", str(index_dir), "--rebuild")
        wait_for(lambda: current_number(engine) == latest_number(index_dir))
        assert search(engine, q="council")["total"] == 500
        exported += list(export)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=WAIT)
    assert failures == [], failures[:5]
    assert len(exported) == 300 == len({r["id"] for r in exported})


def test_opening_a_newer_generation_holds_up_no_request(tmp_path, monkeypatch):
    corpus, index_dir = tmp_path / "corpus", tmp_path / "ix"
    corpus.mkdir()
    write(corpus, range(0, 40), "Carrow")
    index_paths([corpus], index_dir, workers=1)
    engine = Engine(index_dir)
    with engine.generation() as first:
        pass

    opening, proceed = threading.Event(), threading.Event()
    real_columns = generation.Columns

    def slow_columns(*args, **kwargs):
        opening.set()
        assert proceed.wait(WAIT)
        return real_columns(*args, **kwargs)
    monkeypatch.setattr(generation, "Columns", slow_columns)

    write(corpus, range(40, 55), "Dunmere")
    newsfacet_index(str(corpus), "--index", str(index_dir))   # another process: no announce
    assert search(engine, q="dunmere")["total"] == 0   # answered from the old generation ...
    assert opening.wait(WAIT)                          # ... while the newer one is opened
    for _ in range(3):
        assert search(engine, q="carrow")["total"] == 40
    assert not proceed.is_set()

    proceed.set()
    wait_for(lambda: search(engine, q="dunmere")["total"] == 15)
    assert first.closed   # replaced, and nobody uses it any more


def test_a_newer_generation_that_cannot_be_opened_leaves_the_old_one_answering(
        tmp_path, monkeypatch, caplog):
    corpus, index_dir = tmp_path / "corpus", tmp_path / "ix"
    corpus.mkdir()
    write(corpus, range(0, 20), "Eastholm")
    index_paths([corpus], index_dir, workers=1)
    engine = Engine(index_dir)
    real_columns = generation.Columns

    def broken(*args, **kwargs):
        raise OSError("a column file could not be read")
    monkeypatch.setattr(generation, "Columns", broken)
    write(corpus, range(20, 30), "Fallowby")
    newsfacet_index(str(corpus), "--index", str(index_dir))

    with caplog.at_level("WARNING", logger="newsfacet.search.generation"):
        assert search(engine, q="fallowby")["total"] == 0
        wait_for(lambda: "could not be opened" in caplog.text)
    assert search(engine, q="eastholm")["total"] == 20   # still the old generation

    monkeypatch.setattr(generation, "Columns", real_columns)
    wait_for(lambda: search(engine, q="fallowby")["total"] == 10)


PAGE = 4096
#: Pages this far from either end of a part may be mapped by a read of its neighbour: the
#: kernel maps the cached pages of a 64 KB window around each page a read faults in.
EDGE = 64 * 1024


def _segment_parts(index_dir: Path) -> dict[str, list[tuple[int, int, str]]]:
    """Each segment file's parts as (first byte, end, kind: "pst", "_stored.col", ...)."""
    from whoosh.filedb.compound import CompoundStorage
    from whoosh.filedb.filestore import FileStorage
    parts = {}
    for seg in index_dir.glob("*.seg"):
        compound = CompoundStorage(FileStorage(str(index_dir)).open_file(seg.name), use_mmap=False)
        parts[str(seg.resolve())] = [(v["offset"], v["offset"] + v["length"], name.split(".", 1)[1])
                                     for name, v in compound._dir.items()]
        compound.close()
    return parts


def _resident_inside(parts: dict) -> dict[str, int]:
    """The pages of each kind of part mapped into this process now, counting only the pages
    at least ``EDGE`` from either end of their part (``/proc/self/pagemap``'s present bit)."""
    found = dict.fromkeys((kind for segment in parts.values() for _, _, kind in segment), 0)
    with open("/proc/self/pagemap", "rb") as pagemap:
        for line in Path("/proc/self/maps").read_text().splitlines():
            fields = line.split()
            if len(fields) < 6 or fields[5] not in parts:
                continue
            low, high = (int(x, 16) for x in fields[0].split("-"))
            pagemap.seek(low // PAGE * 8)
            present = np.frombuffer(pagemap.read((high - low) // PAGE * 8), dtype="<u8") >> 63
            for page in np.flatnonzero(present):
                at = int(fields[2], 16) + int(page) * PAGE
                for start, end, kind in parts[fields[5]]:
                    found[kind] += start + EDGE <= at < end - EDGE
    return found


def test_segments_are_read_in_place_and_what_requests_read_is_not_kept(tmp_path):
    """Opening reads a segment in place, not into memory; and the stored texts and postings
    that searches, article pages and a whole export read stay out of the server's resident
    memory (read with ``pread``: through the map, each read kept the pages around it too, and
    an export of a large result gigabytes of texts)."""
    import tracemalloc

    from whoosh import index as whoosh_index

    from newsfacet.web.app import create_app
    feed = tmp_path / "data" / "long.jsonl"
    long_records = []
    for n in range(150):
        one = record(n)
        one["text"] += " ".join(f"Clause c{n}x{k} of the ferry charter was read aloud."
                                for k in range(200))
        long_records.append(one)
    write_jsonl(feed, long_records)
    index_paths([feed.parent], tmp_path / "ix", workers=1)
    segment_bytes = sum(p.stat().st_size for p in (tmp_path / "ix").glob("MAIN_*.seg"))
    ix = whoosh_index.open_dir(str(tmp_path / "ix"))
    ix.searcher().close()   # the modules a searcher needs are imported
    tracemalloc.start()
    try:
        searcher = ix.searcher()
        searcher.stored_fields(0)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert segment_bytes > 2_000_000
    assert peak < segment_bytes / 4   # Whoosh alone copies every segment whole
    titles = {searcher.stored_fields(d)["title"] for d in range(searcher.doc_count_all())}
    assert "Ferry talks number 3 in Ghent" in titles and len(titles) == 150
    searcher.close()

    parts = _segment_parts(tmp_path / "ix")
    inside = {kind: sum(max(0, end - start - 2 * EDGE) // PAGE for segment in parts.values()
                        for start, end, named in segment if named == kind)
              for kind in ("_stored.col", "pst")}
    assert min(inside.values()) >= 10, inside   # parts with an inside to look at
    client = create_app({"INDEX_DIR": str(tmp_path / "ix")}).test_client()
    words = " OR ".join(f"c{n}x{k}" for n in range(0, 150, 15) for k in (0, 100, 199))
    hits = client.get("/api/search", query_string={"q": words}).get_json()
    assert hits["total"] == 10
    for hit in hits["hits"]:
        assert client.get(f"/articles/{hit['id']}").status_code == 200
    export = client.get("/api/export", query_string={"q": "ferry", "format": "jsonl"})
    records = [json.loads(line) for line in export.get_data(as_text=True).splitlines()]
    assert len(records) == 150 and all(len(r["text"]) > 10_000 for r in records)
    resident = _resident_inside(parts)
    assert resident["_stored.col"] == resident["pst"] == 0, resident
