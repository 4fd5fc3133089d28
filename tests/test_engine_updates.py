"""The engine on a collection that changes: answering after updates, keeping an export's
generation open while the index moves on, copies of one content found at several paths, and
what a search without hits offers instead."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path
from urllib.parse import urlencode

import pytest
from records import write_jsonl

from newsfacet.search import facets
from newsfacet.search.engine import Engine
from newsfacet.search.indexer import index_paths
from newsfacet.search.request import SearchError, parse_request
from newsfacet.web.app import create_app


def story(n: int, topic: str = "harbour", outlet: str = "Coast Courier") -> dict:
    return {"title": f"Report {n} on the {topic}", "source": outlet,
            "date": f"2021-0{1 + n % 9}-1{n % 10}",
            "text": f"Report number {n} says the {topic} council met on a windy evening "
                    f"and voted on plan p{n}x."}


def indexed(tmp_path: Path, records: list[dict]) -> tuple[Path, Path]:
    """A feed of ``records`` in tmp_path/data, indexed in tmp_path/ix: (feed, index folder)."""
    feed = write_jsonl(tmp_path / "data" / "feed.jsonl", records)
    index_paths([feed.parent], tmp_path / "ix", workers=1)
    return feed, tmp_path / "ix"


def run(engine: Engine, **params) -> dict:
    return engine.search(parse_request({k: v if isinstance(v, list) else [str(v)]
                                        for k, v in params.items()}))


def test_search_after_an_update_that_replaces_and_removes_articles(tmp_path):
    feed, index_dir = indexed(tmp_path, [story(n) for n in range(6)])
    engine = Engine(index_dir)
    old_id = run(engine, q="p2x")["hits"][0]["id"]

    records = [story(n) for n in range(5)]          # the last record is gone
    records[2]["text"] += " A ferry timetable was added."   # one changed
    write_jsonl(feed, records)
    report = index_paths([feed.parent], index_dir, workers=1)
    assert (report.updated, report.removed) == (1, 1)

    for current in (engine, Engine(index_dir)):    # the running engine, and a restarted one
        assert run(current, q="council")["total"] == 5
        assert run(current, q="ferry timetable")["total"] == 1
        assert run(current, q="p5x")["total"] == 0
        with pytest.raises(SearchError) as gone:
            current.article(old_id)
        assert gone.value.status == 404
        facets = run(current)["facets"]
        assert sum(v["count"] for v in facets["published"]) == 5
        assert [(v["value"], v["count"], v["selected"], v["excluded"])
                for v in facets["outlet"]["values"]] == [("Coast Courier", 5, False, False)]


def test_an_export_keeps_its_generation_while_the_index_changes(tmp_path):
    feed, index_dir = indexed(tmp_path, [story(n) for n in range(150)])
    engine = Engine(index_dir)
    with engine.generation() as first:
        pass
    export = engine.iter_records(parse_request({"q": ["council"]}))
    started = [next(export) for _ in range(10)]

    # While the export is half read, every article is replaced and the old file pruned.
    feed.unlink()
    write_jsonl(tmp_path / "data" / "other.jsonl",
                  [story(n, topic="airport") for n in range(40)])
    index_paths([tmp_path / "data"], index_dir, prune=True, workers=1)
    assert run(engine, q="airport")["total"] == 40
    assert run(engine, q="harbour")["total"] == 0
    assert not first.closed, "a generation an export still reads must stay open"

    rest = list(export)
    titles = [r["title"] for r in started + rest]
    assert len(titles) == 150 and all("harbour" in t for t in titles)
    assert first.closed, "the replaced generation is closed once its last reader is done"


def test_an_export_abandoned_by_its_client_lets_its_generation_go(tmp_path):
    feed, index_dir = indexed(tmp_path, [story(n) for n in range(20)])
    engine = Engine(index_dir)
    with engine.generation() as first:
        pass
    export = engine.iter_records(parse_request({}))
    next(export)
    write_jsonl(feed, [story(n) for n in range(25)])
    index_paths([feed.parent], index_dir, workers=1)
    assert run(engine)["total"] == 25
    export.close()
    assert first.closed


@pytest.fixture
def no_cycle_collector():
    """Python's cycle collector off for the test: what it would free only when it runs (at
    a million articles, long after a swap) stays allocated."""
    gc.collect()
    gc.disable()
    yield
    gc.enable()


KINDS_OF_SEARCH = [
    {"q": "council"}, {"q": '"windy evening"'}, {"q": "counc*"}, {"q": "councel~"},
    {"q": "council NOT p3x", "outlet": "Coast Courier", "from": "2021-02-01"},
    {"q": "council", "sort": "newest", "collapse": "story", "facet_rank": "distinctive"},
    {"q": "council", "-outlet": "Coast Courier"}, {"q": "council AND ("}, {"q": "zzyzx"}]


@pytest.mark.parametrize("through", ["engine", "app"])
def test_a_replaced_generation_s_memory_is_given_back_when_its_last_request_ends(
        tmp_path, no_cycle_collector, through):
    """Once a newer generation answers and the last request on the old one is done, nothing
    holds the old one's columns, caches or files: its memory returns at once, not when the
    cycle collector happens to run (at 1M the old generation is hundreds of MB)."""
    feed, index_dir = indexed(tmp_path, [story(n) for n in range(30)])
    app = create_app({"INDEX_DIR": str(index_dir)})
    client = app.test_client()
    if through == "engine":
        engine = Engine(index_dir)
    else:
        assert client.get("/api/search").status_code == 200
        engine = app.extensions["newsfacet_engine"]

    def search(**params) -> dict | None:
        if through == "engine":
            try:
                return run(engine, **params)
            except SearchError:
                return None
        answer = client.get("/api/search?" + urlencode(params))
        assert client.get("/search?" + urlencode(params)).status_code == answer.status_code
        return answer.get_json() if answer.status_code == 200 else None

    with engine.generation() as first:
        old = weakref.ref(first.columns)
    del first
    for params in KINDS_OF_SEARCH:
        search(**params)
    hit = search(q="council")["hits"][0]
    assert engine.article(hit["id"], "council")["id"] == hit["id"]
    if through == "app":
        for page in ("/compare?q=council&by=outlet", "/compare?q=council&measure=bogus",
                     f"/articles/{hit['id']}?q=council", f"/articles/{hit['id']}?q=council+AND+("):
            assert client.get(page).status_code in (200, 400), page
    assert len(list(engine.iter_records(parse_request({"q": ["council"]})))) == 30
    write_jsonl(feed, [story(n) for n in range(31)])
    index_paths([feed.parent], index_dir, workers=1)
    assert search(q="council")["total"] == 31
    assert old() is None, "the replaced generation's columns are still held"


def test_a_generation_is_made_ready_before_its_first_search(tmp_path, monkeypatch):
    """What a generation's first search would make and later ones reuse (people's name
    spellings, each facet's story pairs) is made when it opens, also for a generation
    swapped in after an update, in the background while the old one answers: the first
    search after an update is not the slow one."""
    made = []   # for each use of a facet's story pairs: were they made by it?
    real = facets.ValueColumn.story_pairs
    monkeypatch.setattr(facets.ValueColumn, "story_pairs",
                        lambda self, stories: made.append(self._groups is None) or real(self, stories))
    feed, index_dir = indexed(tmp_path, [story(n, outlet=f"Courier {n % 3}") for n in range(20)])
    engine = Engine(index_dir)
    for records in (None, [story(n, outlet=f"Courier {n % 4}") for n in range(24)]):
        if records:
            write_jsonl(feed, records)
            index_paths([feed.parent], index_dir, workers=1)
        with engine.generation() as gen:
            assert gen.columns._name_spellings is not None
            assert all(column._groups is not None for column in gen.columns.fields.values())
        made.clear()
        result = run(engine, q="council")
        assert result["total"] == len(records or range(20))
        assert result["facets"]["outlet"]["values"][0]["stories"] > 0
        assert made and not any(made)


def test_an_export_checks_its_query_before_the_first_record(tmp_path):
    feed, index_dir = indexed(tmp_path, [story(n) for n in range(3)])
    with pytest.raises(SearchError, match="bracket is not closed"):
        Engine(index_dir).iter_records(parse_request({"q": ["council AND ("]}))


def test_the_same_content_at_two_paths_is_one_article_with_both_paths(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "a").mkdir(parents=True)
    (corpus / "b").mkdir()
    text = ("Lighthouse keepers strike\n\nThe lighthouse keepers of the northern cape went on "
            "strike on Monday over unpaid night shifts.\n")
    first = corpus / "a" / "keepers.txt"
    second = corpus / "b" / "keepers-copy.txt"
    for path in (first, second):
        path.write_text(text, encoding="utf-8")
    (corpus / "b" / "other.txt").write_text(
        "Ferry delayed\n\nThe morning ferry to the northern cape was delayed by fog.\n",
        encoding="utf-8")
    index_dir = tmp_path / "ix"
    index_paths([corpus], index_dir, workers=1)
    engine = Engine(index_dir)

    result = run(engine, q="lighthouse")
    assert result["total"] == 1 and len(result["hits"]) == 1
    assert run(engine)["total"] == 2
    assert sum(v["count"] for v in run(engine)["facets"]["published"]) == 2
    record = engine.article(result["hits"][0]["id"])
    assert record["paths"] == sorted([str(first.resolve()), str(second.resolve())])
    assert record["path"] == record["paths"][0]
    assert record["copies"] == [], "an article is not a copy of itself"
    exported = list(engine.iter_records(parse_request({"q": ["lighthouse"]})))
    assert [r["paths"] for r in exported] == [record["paths"]]
    assert engine.overview()["articles"] == 2

    first.unlink()
    index_paths([corpus], index_dir, prune=True, workers=1)
    record = engine.article(result["hits"][0]["id"])
    assert record["paths"] == [str(second.resolve())]
    assert run(engine, q="lighthouse")["total"] == 1


def test_a_search_without_hits_says_what_each_filter_holds_back(tmp_path):
    records = ([story(n, outlet="Coast Courier") for n in range(4)]
               + [story(n, topic="airport", outlet="Valley Voice") for n in range(4, 7)])
    feed, index_dir = indexed(tmp_path, records)
    engine = Engine(index_dir)
    params = {"q": "council", "outlet": ["Valley Voice"], "from": "2021-01", "to": "2021-02"}
    result = run(engine, **params)
    assert result["total"] == 0
    offered = {(r["param"], r["value"]): r["total"] for r in result["relaxations"]}

    def without(param):   # the same search without one filter, asked for itself
        return run(engine, **{k: v for k, v in params.items() if k != param})["total"]

    assert offered == {("outlet", "Valley Voice"): without("outlet"),
                       ("from", "2021-01"): without("from"), ("to", "2021-02"): without("to")}
    assert offered == {("outlet", "Valley Voice"): 2, ("from", "2021-01"): 0,
                       ("to", "2021-02"): 3}
    assert run(engine, q="council")["relaxations"] == []


def test_relaxing_one_of_several_values_keeps_the_others(tmp_path):
    records = ([story(n, outlet="Coast Courier") for n in range(4)]
               + [story(n, topic="airport", outlet="Valley Voice") for n in range(4, 7)])
    feed, index_dir = indexed(tmp_path, records)
    engine = Engine(index_dir)
    result = run(engine, q="airport", outlet=["Coast Courier", "Nobody Weekly"])
    assert result["total"] == 0
    assert result["relaxations"] == [
        {"param": "outlet", "value": "Coast Courier", "total": 0},    # Nobody Weekly stays
        {"param": "outlet", "value": "Nobody Weekly", "total": 0}]    # Coast Courier stays
    both = run(engine, q="airport", outlet=["Valley Voice", "Nobody Weekly"], to="2021-04")
    assert both["total"] == 0
    assert {(r["param"], r["value"]): r["total"] for r in both["relaxations"]} == {
        ("outlet", "Valley Voice"): 0, ("outlet", "Nobody Weekly"): 0, ("to", "2021-04"): 3}


def test_an_outlet_name_with_commas_is_the_same_in_hits_facets_and_filters(tmp_path):
    records = [story(0, outlet="Harbour Press, Inc."), story(1, outlet="Harbour Press, Inc."),
               story(2, outlet="Valley Voice")]
    _, index_dir = indexed(tmp_path, records)
    engine = Engine(index_dir)
    result = run(engine, q="council")
    assert {h["outlet"] for h in result["hits"]} == {"Harbour Press, Inc.", "Valley Voice"}
    assert {v["value"]: v["count"] for v in result["facets"]["outlet"]["values"]} == {
        "Harbour Press, Inc.": 2, "Valley Voice": 1}
    assert run(engine, outlet="Harbour Press, Inc.")["total"] == 2
    assert run(engine, q='outlet:"Harbour Press, Inc."')["total"] == 2


def test_postings_read_by_many_threads_at_once_are_read_right(tmp_path):
    """Whoosh moves one read position per postings file: threads reading at once must
    each read their own blocks (a server answers requests in threads)."""
    import sys
    import threading

    from newsitems import TOWNS, write
    from newsfacet.search.whoosh_internals import posting_weights

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i, town in enumerate(TOWNS):
        write(corpus, range(i * 60, i * 60 + 60), town)
    index_paths([corpus], tmp_path / "ix", workers=1)
    engine = Engine(tmp_path / "ix")
    with engine.generation() as gen:
        reader = gen.searcher.reader()
        words = gen.columns.lexicon("text").words
        alone = {w: posting_weights(reader, "text", w)[0].tolist() for w in words}
        assert max(len(ids) for ids in alone.values()) > 100   # postings of several blocks
        wrong = []

        def read_all(start: int) -> None:
            for word in words[start:] + words[:start]:
                try:
                    if posting_weights(reader, "text", word)[0].tolist() != alone[word]:
                        wrong.append(word)
                except Exception as exc:   # what a mixed-up read raises
                    wrong.append(f"{word}: {type(exc).__name__}")

        before = sys.getswitchinterval()
        sys.setswitchinterval(1e-6)   # threads take turns as often as they can
        try:
            threads = [threading.Thread(target=read_all, args=(n * 7,)) for n in range(6)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        finally:
            sys.setswitchinterval(before)
        assert wrong == []
