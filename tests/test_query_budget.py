"""Bounded on every query form: a per-request time budget whose spent parts are named in
``timed_out`` (tested with a budget of 0 ms, never by timing), phrases of stop words, and the
one-pass reading of a field's words that fuzzy and wildcard terms are expanded against."""

from __future__ import annotations

import threading
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsfacet.search import lexicon
from newsfacet.search import query as query_module
from newsfacet.search.budget import Courteous
from newsfacet.search.engine import Engine
from newsfacet.search.facet_registry import FACETS
from newsfacet.search.indexer import index_paths
from newsfacet.search.request import parse_request
from newsfacet.web.app import create_app
from regional_news import RECORDS, build


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    return build(tmp_path_factory.mktemp("budget"))


def search(engine, **params) -> dict:
    return engine.search(parse_request({k: [v] for k, v in params.items()}))


FACETS_CUT = [f"facet {f.name}" for f in FACETS]


def test_with_no_time_the_expensive_parts_are_cut_and_named(index_dir):
    engine = Engine(index_dir, time_budget_ms=0)
    fuzzy = search(engine, q="brown~")
    assert fuzzy["timed_out"] == ["expansion of brown~", *FACETS_CUT]
    assert fuzzy["total"] == 1          # brown as typed; crown was not looked for
    phrase = search(engine, q='"drone strikes" harbour')
    assert phrase["timed_out"][0] == 'phrase "drone strike"' and phrase["total"] == 0
    misspelt = search(engine, q="harbuor")
    assert misspelt["timed_out"] == [*FACETS_CUT, "suggestion"] and misspelt["suggestion"] is None
    words = search(engine, q="wall OR rain")   # matching words is never cut
    assert words["timed_out"] == [*FACETS_CUT, "suggestion"] and words["total"] == 2
    # a facet not counted says so: no counts, no values (never a count of 0 that is not one)
    for f in FACETS:
        assert words["facets"][f.name] == {"label": f.label, "match": "any", "distinct": None,
                                           "missing": None, "more": None, "values": []}
    assert sum(b["count"] for b in words["facets"]["published"]) == 2   # the histogram is numpy


def test_with_time_nothing_is_cut(index_dir):
    engine = Engine(index_dir)
    assert search(engine, q="brown~")["total"] == 2
    assert search(engine, q='"drone strikes"')["total"] == 1
    result = search(engine, q="harbuor")
    assert result["suggestion"] == "harbour" and result["timed_out"] == []


def test_an_expansion_s_words_are_read_only_while_there_is_time(index_dir):
    """The words a fuzzy term stands for are read closest first, while the request has time
    (at a million articles "goverment~2" stands for 160 words, some of them common): with
    none left once its expansion is made (remembered from a request before), only the word
    as typed is read and the expansion is named as cut; a request with time reads them all."""
    engine = Engine(index_dir)
    assert search(engine, q="brown~")["total"] == 2            # brown and crown
    engine.time_budget_ms = 0
    cut = search(engine, q="brown~")
    assert cut["total"] == 1 and cut["timed_out"] == ["expansion of brown~", *FACETS_CUT]
    assert search(engine, q="brown")["total"] == 1
    ranged = search(engine, q="[brown TO crown]")   # a range term's words too
    assert ranged["total"] >= 1 and ranged["timed_out"][0] == "expansion of [brown TO crown]"
    engine.time_budget_ms = None
    whole = search(engine, q="brown~")
    assert whole["total"] == 2 and whole["timed_out"] == []


def test_a_phrase_cut_short_is_checked_in_full_in_the_background(index_dir):
    # no time at all for any request: the phrase is still found once the background check
    # the first request started has finished (a bound on waiting, never a timing assertion)
    engine = Engine(index_dir, time_budget_ms=0)
    first = search(engine, q='"drone strikes"')
    assert first["total"] == 0 and 'phrase "drone strike"' in first["timed_out"]
    deadline = time.monotonic() + 60
    while 'phrase "drone strike"' in (later := search(engine, q='"drone strikes"'))["timed_out"]:
        assert time.monotonic() < deadline, "the background check never finished"
        time.sleep(0.05)
    assert later["total"] == 1


@pytest.fixture
def held_background_check(monkeypatch):
    """(release, checks): every background check of a phrase (the one given a ``Courteous``
    budget) waits until ``release`` is set (at the latest when the test ends); ``checks``
    names each check as "request" or "background"."""
    release, checks = threading.Event(), []
    real = query_module.phrase_docs

    def held(phrase, searcher, candidates, budget=None):
        background = isinstance(budget, Courteous)
        checks.append("background" if background else "request")
        if background:
            release.wait(60)
        return real(phrase, searcher, candidates, budget)

    monkeypatch.setattr(query_module, "phrase_docs", held)
    yield release, checks
    release.set()


def test_while_a_phrase_is_checked_in_the_background_requests_get_what_was_found(
        index_dir, held_background_check):
    """A request for a phrase whose full check is running in the background is given what the
    first request found, and says so, instead of checking the phrase a second time beside
    the background check."""
    release, checks = held_background_check
    engine = Engine(index_dir, time_budget_ms=0)
    try:
        for n in range(3):
            answer = search(engine, q='"drone strikes"')
            assert answer["total"] == 0 and 'phrase "drone strike"' in answer["timed_out"]
            if n == 0:
                first = checks.count("request")   # one per field the phrase is searched in
        assert first and checks.count("request") == first
    finally:
        release.set()
    deadline = time.monotonic() + 60
    while 'phrase "drone strike"' in (later := search(engine, q='"drone strikes"'))["timed_out"]:
        assert time.monotonic() < deadline, "the background check never finished"
        time.sleep(0.05)
    assert later["total"] == 1 and checks.count("request") == first


def test_a_request_without_a_time_limit_checks_a_cut_phrase_in_full(
        index_dir, held_background_check):
    """A request with no time limit gets every match of a phrase that an earlier request cut
    short, even while the background check that request started is still running (held
    until the test ends)."""
    engine = Engine(index_dir, time_budget_ms=0)
    assert search(engine, q='"drone strikes"')["total"] == 0
    engine.time_budget_ms = None
    answer = search(engine, q='"drone strikes"')
    assert answer["total"] == 1 and answer["timed_out"] == []


def test_a_phrase_s_positions_are_not_read_once_the_time_is_spent(index_dir, monkeypatch,
                                                                  held_background_check):
    """Reading a phrase's positions looks at the time: with none left, a request reads its
    first word's positions no further and reads no other word's (at a million articles a
    common word's positions are a second or more of work); the phrase is named as cut."""
    release, checks = held_background_check
    real, read = query_module.posting_values, []

    def counted(reader, fieldname, text, time_left=None):
        if threading.current_thread() is threading.main_thread():   # not a background check
            read.append(text)
        return real(reader, fieldname, text, time_left)

    monkeypatch.setattr(query_module, "posting_values", counted)
    answer = search(Engine(index_dir, time_budget_ms=0), q='"drone strikes"')
    assert answer["total"] == 0 and 'phrase "drone strike"' in answer["timed_out"]
    assert len(read) == checks.count("request") > 0    # one word per field searched
    assert len(set(read)) == 1


def test_a_background_check_waits_while_requests_are_answered():
    """Background work looks at its budget between parts of its work: while requests are
    being answered it waits (up to its bound), then goes on; it never runs out of time."""
    answers = iter([True, True, True, False])
    asked = []

    def busy():
        asked.append(1)
        return next(answers)

    budget = Courteous(busy, wait_s=60)
    assert budget.left() and len(asked) == 4     # waited through three busy answers
    assert not budget.limited()
    assert Courteous(lambda: True, wait_s=0).left()   # never waits past its bound


def test_the_app_takes_its_budget_from_its_config_and_says_so(index_dir):
    client = create_app({"INDEX_DIR": str(index_dir), "TIME_BUDGET_MS": 0}).test_client()
    response = client.get("/api/search?q=brown~")
    assert response.status_code == 200 and response.get_json()["timed_out"][0] == \
        "expansion of brown~"
    page = client.get("/search?q=brown~")
    assert page.status_code == 200
    assert "Some parts of this search were cut short" in page.get_data(as_text=True)
    article_id = client.get("/api/search?q=harbour").get_json()["hits"][0]["id"]
    article = client.get(f"/api/articles/{article_id}").get_json()
    assert article["timed_out"] == ["similar articles"] and article["similar"] == []
    relaxed = create_app({"INDEX_DIR": str(index_dir)}).test_client()
    assert relaxed.get(f"/api/articles/{article_id}").get_json()["timed_out"] == []


def test_a_query_of_stop_words_is_searched_as_their_phrase(index_dir):
    engine = Engine(index_dir)
    for q in ("to be or not to be", '"to be or not to be"'):
        result = search(engine, q=q)
        assert [hit["title"] for hit in result["hits"]] == ["A theatre opens its season"], q
        assert result["interpretation"]["tree"]["phrase"] == ["to", "be", "or", "not", "to", "be"]
    assert search(engine, q='"the harbour wall"')["total"] == 1
    assert search(engine, q='"the wall harbour"')["total"] == 0
    assert search(engine, q="the")["warnings"]           # one stop word alone: nothing to find
    assert search(engine, q="the harbour")["total"] == 1  # the stop word is left out


def test_the_words_of_a_field_are_read_in_one_pass_as_whoosh_lists_them(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    for n, record in enumerate(RECORDS):   # one build per file: several segments
        (folder / f"{n}.txt").write_text(f"{record['title']}\n\n{record['text']}\n")
        index_paths([folder], tmp_path / "index", workers=1)
    with Engine(tmp_path / "index").generation() as gen:
        reader = gen.searcher.reader()
        assert len(list(reader.leaf_readers())) > 1
        for field in ("title", "text", "aliases", "outlet"):
            assert lexicon.field_words(reader, field) == [
                w.decode("utf-8") for w in reader.lexicon(field)], field


def test_the_words_of_a_field_without_a_term_file_come_from_whoosh(index_dir, monkeypatch):
    with Engine(index_dir).generation() as gen:
        reader = gen.searcher.reader()
        expected = [w.decode("utf-8") for w in reader.lexicon("text")]
        monkeypatch.setattr(lexicon, "segment_words", lambda leaf, field: None)
        assert lexicon.field_words(reader, "text") == expected


WORDS = st.lists(st.text(st.characters(blacklist_characters="\n", blacklist_categories=["Cs"]),
                         min_size=1, max_size=6), max_size=40, unique=True).map(sorted)


@settings(max_examples=150, deadline=None)
@given(WORDS, st.text(min_size=0, max_size=3), st.integers(0, 2), st.integers(0, 45),
       st.integers(-45, 45))
def test_packed_words_expand_terms_as_the_list_of_words_does(words, typed, maxdist, start, stop):
    packed = lexicon.PackedWords(lexicon.pack_words(words))
    assert len(packed) == len(words) and list(packed) == words
    assert packed[start:stop] == words[start:stop]
    if words:
        assert packed[start % len(words)] == words[start % len(words)] and packed[-1] == words[-1]
    with pytest.raises(IndexError):
        packed[len(words)]
    as_list, as_packed = lexicon.Lexicon(words), lexicon.Lexicon(packed)
    assert as_packed.prefixed(typed, 10) == as_list.prefixed(typed, 10)
    assert as_packed.within(typed, maxdist, 1, 10) == as_list.within(typed, maxdist, 1, 10)
    assert as_packed.matching(typed, ".*", 10) == as_list.matching(typed, ".*", 10)
    assert (as_packed.between(typed, None, True, False, 10)
            == as_list.between(typed, None, True, False, 10))
    assert all((w in as_packed) for w in words) and (typed in as_packed) == (typed in words)


def test_a_page_without_results_offers_no_prefix_of_a_stop_word(index_dir):
    client = create_app({"INDEX_DIR": str(index_dir)}).test_client()
    page = client.get("/search?q=to+be+or+not+to+go").get_data(as_text=True)
    assert "No results" in page and "to*" not in page and "go*" in page
    assert "any of these words" not in page   # go is the only word searched
    page = client.get("/search?q=the+harbour+zebra").get_data(as_text=True)
    assert 'q=harbour+OR+zebra">any of these words' in page
