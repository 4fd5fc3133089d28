"""The query engine on real indexes built in temporary folders: matching, filters, facets,
sorting, paging, highlights, variants, suggestions, article look-up and index refresh."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from records import write_jsonl

from newsfacet.search import engine as engine_module
from newsfacet.search.engine import Engine
from newsfacet.search.indexer import index_paths
from newsfacet.search.request import SearchError, parse_request

REPO = Path(__file__).resolve().parents[1]

RECORDS = [
    {"title": "Drone strikes hit Belgorod", "source": "Daily Planet", "date": "2023-05-12",
     "author": "Anna Lee", "url": "https://example.org/1",
     "text": "Ukrainian drones struck Belgorod overnight. Officials in Belgorod said two people "
             "were hurt when debris fell on a street near the market."},
    {"title": "Missiles fall on Kharkiv", "source": "Kyiv Independent", "date": "2023-05-20",
     "author": "Oleh Petrenko", "url": "https://example.org/2",
     "text": "Russian missiles hit Kharkiv on Friday, damaging apartment blocks in the city centre."},
    {"title": "Offensive near Kharkov", "source": "RT", "date": "2023-06-02",
     "url": "https://example.org/3",
     "text": "Troops advanced near Kharkov while shelling continued along the border."},
    {"title": "Belgorod residents leave", "source": "RT", "date": "2024-01-05",
     "author": "Ivan Orlov", "url": "https://example.org/4",
     "text": "Residents of Belgorod are leaving the city after repeated drone attacks."},
    {"title": "Grain exports resume", "source": "Daily Planet", "date": "2022-08-01",
     "url": "https://example.org/5",
     "text": "Ships carrying grain left Odesa as exports resumed under the new agreement."},
    {"title": "Report on Kyiv air defence", "source": "Global Research",
     "url": "https://example.org/6",
     "text": "Air defences over Kyiv intercepted several drones during the night."},
    {"title": "<script>alert('x')</script> Belgorod special", "source": "Global Research",
     "url": "https://example.org/7",
     "text": "Belgorod <img src=x onerror=alert(1)> & \"drones\" <b>bold</b> claims were made."},
    {"title": "Drone strikes hit Belgorod again", "source": "Global Research",
     "date": "2023-05-13", "url": "https://example.org/8",
     "text": "Ukrainian drones struck Belgorod overnight. Officials in Belgorod said two people "
             "were hurt when debris fell on a street near the market."},
    {"title": "Zelensky visits front", "source": "Kyiv Independent", "date": "2023-05-25",
     "url": "https://example.org/9",
     "text": "President Zelensky visited troops near Artyomovsk and promised more support."},
    {"title": "Energy prices climb", "source": "Daily Planet", "date": "2022-11-15",
     "url": "https://example.org/10",
     "text": "Energy prices climbed in Europe as winter approached and gas stocks fell."},
]


def build_index(folder: Path, records=RECORDS) -> Path:
    """A real index of ``records`` (written as a .jsonl file) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    source = write_jsonl(folder / "articles.jsonl", records)
    index_dir = folder / "index"
    index_paths([source], index_dir, rebuild=True, workers=1)
    return index_dir


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> Engine:
    return Engine(build_index(tmp_path_factory.mktemp("engine")))


@pytest.fixture(scope="module")
def sample_engine(tmp_path_factory) -> Engine:
    index_dir = tmp_path_factory.mktemp("sample") / "index"
    index_paths([REPO / "corpus"], index_dir, rebuild=True, workers=1)
    return Engine(index_dir)


def run(engine: Engine, **params) -> dict:
    return engine.search(parse_request({k: v if isinstance(v, list) else [str(v)]
                                        for k, v in params.items()}))


def titles(result: dict) -> set[str]:
    return {h["title"] for h in result["hits"]}


def records(engine: Engine, **params) -> list[dict]:
    return list(engine.iter_records(parse_request(
        {k: v if isinstance(v, list) else [str(v)] for k, v in params.items()})))


# --- query syntax -------------------------------------------------------------------------

def test_plain_words_must_all_match(engine):
    assert titles(run(engine, q="belgorod residents")) == {"Belgorod residents leave"}
    assert run(engine, q="belgorod odesa")["total"] == 0


def test_phrase_keeps_word_order(engine):
    assert titles(run(engine, q='"city centre"')) == {"Missiles fall on Kharkiv"}
    assert run(engine, q='"centre city"')["total"] == 0
    assert run(engine, q="centre city")["total"] == 1


def test_or_and_not(engine):
    assert titles(run(engine, q="odesa OR energy")) == {"Grain exports resume",
                                                         "Energy prices climb"}
    with_belgorod = titles(run(engine, q="belgorod"))
    assert "Belgorod residents leave" in with_belgorod
    for q in ("belgorod NOT residents", "belgorod -residents"):
        assert titles(run(engine, q=q)) == with_belgorod - {"Belgorod residents leave"}


def test_hyphenated_word_is_not_a_negation(engine):
    result = run(engine, q="pre-war belgorod")
    assert '"op": "not"' not in json.dumps(result["interpretation"]["tree"])


def test_field_clauses(engine):
    assert titles(run(engine, q="outlet:rt")) == {"Offensive near Kharkov",
                                                  "Belgorod residents leave"}
    assert titles(run(engine, q='author:"Anna Lee"')) == {"Drone strikes hit Belgorod"}
    assert titles(run(engine, q="title:grain")) == {"Grain exports resume"}
    assert run(engine, q="title:odesa")["total"] == 0   # only in the text


def test_prefix_and_fuzzy(engine):
    assert titles(run(engine, q="odes*")) == {"Grain exports resume"}
    assert "Grain exports resume" in titles(run(engine, q="odessa~"))


@pytest.mark.parametrize("leaf", [
    "FuzzyTerm('text', 'belgorod', maxdist=2)", "FuzzyTerm('text', 'strik', maxdist=1)",
    "FuzzyTerm('title', 'belgorot', maxdist=2)", "FuzzyTerm('text', 'ukrain', maxdist=2, prefixlength=2)",
    "FuzzyTerm('text', 'kharkov', maxdist=1, prefixlength=0)",
    "Wildcard('text', 'bel?or*')", "Wildcard('text', 'str*k*')", "Wildcard('text', 'k[ah]*')",
    "Prefix('text', 'mil')", "TermRange('text', 'dro', 'drz')",
    "TermRange('text', 'strike', 'struck', startexcl=True, endexcl=True)",
])
def test_term_expansion_matches_whoosh_own(sample_engine, leaf):
    """Prefix, wildcard, range and fuzzy terms stand for exactly the words Whoosh's own
    (slow) expansion finds."""
    from whoosh import query as wq
    from newsfacet.search.query import expansion
    node = eval(leaf, {k: getattr(wq, k) for k in ("FuzzyTerm", "Wildcard", "Prefix", "TermRange")})
    with sample_engine.generation() as gen:
        ours = expansion(node, gen.columns)
        theirs = {t.decode("utf-8") if isinstance(t, bytes) else t
                  for t in node._btexts(gen.searcher.reader())}
    assert theirs and set(ours) == theirs and len(ours) == len(theirs)


def test_many_fuzzy_terms_together_are_refused_before_any_work(sample_engine, monkeypatch):
    from newsfacet.search import query
    with sample_engine.generation() as gen:   # the words strike~2 stands for in each field
        words = sum(len(query.expansion(query.wq.FuzzyTerm(field, "strike", maxdist=2),
                                        gen.columns)) for field in query.TEXT_FIELDS)
    monkeypatch.setattr(query, "SETTINGS", replace(query.SETTINGS, max_total_expansion=words - 1))
    with pytest.raises(SearchError) as err:
        run(sample_engine, q="strike~2")
    assert err.value.type == "query_too_complex" and "at most" in err.value.message
    monkeypatch.setattr(query, "SETTINGS", replace(query.SETTINGS, max_total_expansion=words))
    assert run(sample_engine, q="strike~2")["total"] > 0


def test_a_query_of_excluded_words_means_everything_else(engine):
    everything = run(engine)["total"]
    belgorod = run(engine, q="belgorod")["total"]
    assert run(engine, q="-belgorod")["total"] == everything - belgorod
    assert titles(run(engine, q="-belgorod")) == titles(run(engine, q="NOT belgorod"))
    assert run(engine, q="drones (-belgorod)")["total"] == run(engine, q="drones NOT belgorod")["total"]
    assert run(engine, q='-"drone strikes"')["total"] == everything - 2
    assert titles(run(engine, q="+kharkiv missiles")) == titles(run(engine, q="kharkiv missiles"))


@pytest.mark.parametrize("q", ["belgorod^1000", "(belgorod^20)^20", "belgorod^99999999999999999999"])
def test_boosts_are_bounded(engine, q):
    with pytest.raises(SearchError) as err:
        run(engine, q=q)
    assert err.value.type == "query_too_complex" and "boost" in err.value.message


def test_a_bounded_boost_keeps_scores_finite_and_reorders(engine):
    import math
    belgorod = run(engine, q="belgorod^100 OR kharkiv")["hits"]
    kharkiv = run(engine, q="belgorod OR kharkiv^100")["hits"]
    assert all(math.isfinite(h["score"]) for h in belgorod + kharkiv)
    assert "Belgorod" in belgorod[0]["title"]
    assert "Kharkiv" in kharkiv[0]["title"] or "Kharkov" in kharkiv[0]["title"]


def test_a_phrase_with_slop_finds_words_near_each_other_as_whoosh_does(sample_engine):
    from whoosh import query as wq
    with sample_engine.generation() as gen:
        for words, slop in ((["drone", "attack"], 3), (["belgorod", "region"], 5),
                            (["russian", "citi"], 2), (["ukrain", "strike", "belgorod"], 4)):
            phrase = wq.Phrase("text", words, slop=slop)
            theirs = {gen.searcher.stored_fields(d)["id"]
                      for d in gen.searcher.docs_for_query(phrase)}
            ours = {h["id"] for h in run(sample_engine, q=f'text:"{" ".join(words)}"~{slop}',
                                         per_page=100)["hits"]}
            assert ours == theirs, (words, slop)
    near = run(sample_engine, q='"drone attack"~3')["total"]
    assert near >= run(sample_engine, q='"drone attack"')["total"]


def test_a_phrase_slop_is_bounded_and_is_not_a_fuzzy_edit(engine):
    assert run(engine, q='"drones struck"~3')["total"] == 2
    with pytest.raises(SearchError) as err:
        run(engine, q='"drones struck"~11')
    assert "apart" in err.value.message


def test_checking_phrases_is_bounded_work(tmp_path, monkeypatch):
    from newsfacet.search import query
    engine = Engine(build_index(tmp_path))   # its own generation: no phrase checked before
    holding = run(engine, q="ukrainian drones struck")["total"]   # 2 articles, 3 words
    monkeypatch.setattr(query, "SETTINGS", replace(query.SETTINGS, max_phrase_checks=holding * 3 - 1))
    with pytest.raises(SearchError) as err:
        run(engine, q='text:"ukrainian drones struck"')
    assert err.value.type == "query_too_complex" and f"{holding} articles" in err.value.message
    monkeypatch.setattr(query, "SETTINGS", replace(query.SETTINGS, max_phrase_checks=holding * 3))
    assert run(engine, q='text:"ukrainian drones struck"')["total"] == 2
    monkeypatch.setattr(query, "SETTINGS", replace(query.SETTINGS, max_phrase_checks=0))   # checked once: not work again
    assert run(engine, q='text:"ukrainian drones struck"')["total"] == 2


def test_an_article_query_is_bounded_like_a_search(engine):
    some_id = run(engine)["hits"][0]["id"]
    with pytest.raises(SearchError) as err:
        engine.article(some_id, q="x" * 501)
    assert err.value.type == "query_too_long"


def test_the_last_month_of_the_last_year_is_a_date(engine):
    assert run(engine, to="9999-12")["total"] == run(engine, to="9999-12-31")["total"] > 0


def test_date_clauses_in_the_query(engine):
    may = titles(run(engine, q="date:2023-05"))
    assert may == {"Drone strikes hit Belgorod", "Missiles fall on Kharkiv",
                   "Drone strikes hit Belgorod again", "Zelensky visits front"}
    assert titles(run(engine, q="date:[2024 TO] belgorod")) == {"Belgorod residents leave"}
    assert titles(run(engine, q="date:[2024 TO *] belgorod")) == {"Belgorod residents leave"}
    assert titles(run(engine, q="date:[* TO 2022-08-01]")) == \
        titles(run(engine, q="date:[ TO 2022-08-01]")) >= {"Grain exports resume"}
    assert titles(run(engine, q="date:[2022-08-01 TO 2022-08-01]")) == {"Grain exports resume"}


def test_empty_request_lists_everything_newest_first(engine):
    result = run(engine)
    assert result["total"] == len(RECORDS)
    assert result["query"]["sort"] == "newest"
    dates = [h["published"] for h in result["hits"]]
    known = [d for d in dates if d]
    assert known == sorted(known, reverse=True)
    assert dates[len(known):] == [None] * (len(dates) - len(known))   # unknown last


# --- filters ------------------------------------------------------------------------------

def test_outlet_filter_values_are_or(engine):
    assert {h["outlet"] for h in run(engine, outlet="RT")["hits"]} == {"RT"}
    both = run(engine, outlet=["RT", "Daily Planet"])
    assert both["total"] == 5
    assert {h["outlet"] for h in both["hits"]} == {"RT", "Daily Planet"}


def test_different_filters_are_and(engine):
    result = run(engine, outlet=["RT", "Daily Planet"], **{"from": "2023"})
    assert titles(result) == {"Drone strikes hit Belgorod", "Offensive near Kharkov",
                              "Belgorod residents leave"}
    assert titles(run(engine, q="belgorod", outlet="RT", to="2023-12")) == set()


def test_date_bounds_are_inclusive_and_take_year_month(engine):
    result = run(engine, **{"from": "2023-05", "to": "2023-05"})
    assert result["total"] == 4
    assert all(h["published"].startswith("2023-05") for h in result["hits"])
    assert run(engine, **{"from": "2023-05-12", "to": "2023-05-12"})["total"] == 1


def test_dated_unknown(engine):
    result = run(engine, dated="unknown")
    assert titles(result) == {"Report on Kyiv air defence",
                              "<script>alert('x')</script> Belgorod special"}
    assert all(h["published"] is None for h in result["hits"])
    assert run(engine, dated="yes")["total"] == len(RECORDS) - 2


def test_author_filter(engine):
    assert titles(run(engine, author="Ivan Orlov")) == {"Belgorod residents leave"}


def test_entity_filters_match_the_exported_records(engine):
    every = records(engine)
    for param, key in (("place", "places"), ("person", "people"), ("org", "organizations")):
        values = Counter(v for r in every for v in r[key])
        for value, count in values.most_common(2):
            result = run(engine, per_page=100, **{param: value})
            assert result["total"] == count
            ids = {h["id"] for h in result["hits"]}
            assert ids == {r["id"] for r in every if value in r[key]}


def test_filter_value_any_case(engine):
    assert run(engine, outlet="daily planet")["total"] == 3


def test_unknown_filter_value_matches_nothing_but_stays_selected(engine):
    result = run(engine, outlet="Nowhere Gazette")
    assert result["total"] == 0
    selected = [f for f in result["facets"]["outlet"]["values"] if f["selected"]]
    assert selected == [{"value": "Nowhere Gazette", "count": 0, "stories": 0, "selected": True,
                         "excluded": False}]


# --- facets -------------------------------------------------------------------------------

FACET_KEYS = {"outlet": "outlet", "source_outlet": "source_outlet", "place": "places",
              "person": "people", "org": "organizations", "author": "authors"}


def brute_force_counts(recs, key) -> dict:
    counts = Counter()
    for r in recs:
        value = r[key]
        counts.update([value] if isinstance(value, str) else (value or []))
    return dict(counts)


@pytest.mark.parametrize("params", [
    {}, {"q": "belgorod"}, {"q": "drones OR missiles"}, {"outlet": "RT"},
    {"outlet": ["RT", "Global Research"], "q": "belgorod"}, {"from": "2023", "to": "2023-06"},
    {"dated": "unknown"},
])
def test_facet_counts_cover_the_whole_result_set(engine, params):
    result = run(engine, per_page=1, facet_size=100, **params)
    assert result["total"] == len(records(engine, **params))
    for name, key in FACET_KEYS.items():
        # a facet ignores its own filter and honours all others
        others = {k: v for k, v in params.items() if k != name}
        expected = brute_force_counts(records(engine, **others), key)
        got = {f["value"]: f["count"] for f in result["facets"][name]["values"] if f["count"]}
        assert got == expected, name


def test_selected_value_stays_listed_at_zero(engine):
    result = run(engine, q="odesa", outlet="RT")
    assert result["total"] == 0
    outlets = {f["value"]: (f["count"], f["selected"]) for f in result["facets"]["outlet"]["values"]}
    assert outlets["RT"] == (0, True)
    assert outlets["Daily Planet"] == (1, False)


def test_facet_size_limits_values(engine):
    result = run(engine, facet_size=2)
    assert len(result["facets"]["outlet"]["values"]) == 2
    assert [f["count"] for f in result["facets"]["outlet"]["values"]] == [3, 3]


def test_published_histogram_with_unknown_bucket(engine):
    result = run(engine, facet_size=100)
    every = records(engine)
    # the span is 2022-08 .. 2024-01: buckets are months
    expected = Counter(r["published"][:7] for r in every if r["published"])
    buckets = result["facets"]["published"]
    assert buckets[-1] == {"value": "unknown", "count": 2, "selected": False}
    assert {b["value"]: b["count"] for b in buckets[:-1]} == dict(expected)
    assert [b["value"] for b in buckets[:-1]] == sorted(expected)


def test_published_histogram_follows_the_span(engine):
    days = run(engine, **{"from": "2023-05", "to": "2023-05"})["facets"]["published"]
    assert [b["value"] for b in days] == ["2023-05-12", "2023-05-13", "2023-05-20", "2023-05-25"]
    selected = run(engine, dated="unknown")["facets"]["published"]
    assert selected == [{"value": "unknown", "count": 2, "selected": True}]


# --- sorting and paging -------------------------------------------------------------------

def test_sort_orders(engine):
    oldest = [h["published"] for h in run(engine, sort="oldest")["hits"]]
    known = [d for d in oldest if d]
    assert known == sorted(known) and oldest[len(known):] == [None, None]
    ranked = run(engine, q="belgorod drones")["hits"]
    scores = [h["score"] for h in ranked]
    assert scores == sorted(scores, reverse=True) and all(s > 0 for s in scores)
    newest = run(engine, q="belgorod", sort="newest")["hits"]
    assert newest[0]["title"] == "Belgorod residents leave"
    assert all(h["score"] is None for h in newest)


def test_paging_covers_every_hit_once(engine):
    full = [h["id"] for h in run(engine, per_page=100)["hits"]]
    pages = [run(engine, per_page=3, page=p) for p in (1, 2, 3, 4)]
    assert [h["id"] for p in pages for h in p["hits"]] == full
    assert [len(p["hits"]) for p in pages] == [3, 3, 3, 1]
    assert pages[0]["pages"] == 4
    assert pages[0]["next"] == "?page=2&per_page=3"
    assert pages[-1]["next"] is None
    with pytest.raises(SearchError) as err:
        run(engine, per_page=3, page=5)
    assert err.value.param == "page" and err.value.status == 400


def test_relevance_paging(engine):
    full = [h["id"] for h in run(engine, q="belgorod OR drones", per_page=100)["hits"]]
    paged = [h["id"] for p in (1, 2, 3) for h in run(engine, q="belgorod OR drones",
                                                       per_page=2, page=p)["hits"]]
    assert paged == full[:6]


def test_no_results_is_one_empty_page(engine):
    result = run(engine, q="zeppelin")
    assert (result["total"], result["pages"], result["hits"], result["next"]) == (0, 1, [], None)


def test_relevance_window_bound_points_to_export(engine, monkeypatch):
    monkeypatch.setattr(engine_module, "SETTINGS", replace(engine_module.SETTINGS, max_relevance_window=2))
    with pytest.raises(SearchError) as err:
        run(engine, q="belgorod", per_page=2, page=2)
    assert err.value.param == "page" and "export" in err.value.message
    assert len(run(engine, q="belgorod", per_page=2, page=2, sort="newest")["hits"]) == 2


# --- highlights ---------------------------------------------------------------------------

def only_mark_tags(html: str) -> bool:
    return set(re.findall(r"</?[a-zA-Z][^>]*>", html)) <= {"<mark>", "</mark>"}


def test_highlights_escape_hostile_text(engine):
    hit = next(h for h in run(engine, q="belgorod special")["hits"] if "special" in h["title"])
    title, text = hit["highlights"]["title"], hit["highlights"]["text"]
    assert "&lt;script&gt;" in title and "<script" not in title
    assert "<mark>Belgorod</mark>" in title and "<mark>special</mark>" in title
    assert text and all(only_mark_tags(t) for t in text)
    assert "&lt;img src=x onerror=alert(1)&gt;" in text[0] and "&amp;" in text[0]


def test_highlights_mark_stemmed_forms(engine):
    hit = run(engine, q="drone")["hits"][0]
    assert re.search(r"<mark>[Dd]rones?</mark>", " ".join(hit["highlights"]["text"]))


def test_highlight_without_query_is_the_start_of_the_text(engine):
    hit = run(engine, q="", outlet="The Kyiv Independent", sort="oldest")["hits"][0]
    assert hit["highlights"]["text"] == ["Russian missiles hit Kharkiv on Friday, damaging "
                                         "apartment blocks in the city centre."]
    assert "<mark>" not in hit["highlights"]["title"]


def test_highlights_of_a_long_text_are_fragments(tmp_path):
    filler = " ".join(["The weather stayed calm across the region that week."] * 40)
    long = [{"title": "Long report", "source": "Daily Planet", "date": "2023-01-01",
             "text": f"{filler} Then Belgorod was hit. {filler} Belgorod again. {filler}"}]
    engine = Engine(build_index(tmp_path, long))
    fragments = run(engine, q="belgorod")["hits"][0]["highlights"]["text"]
    assert 1 <= len(fragments) <= 3
    assert all("<mark>Belgorod</mark>" in f and len(f) < 400 for f in fragments)
    assert fragments[0].startswith("…")


# --- spelling variants and suggestions ----------------------------------------------------

def test_variant_spelling_finds_both_and_marks_the_one_used(engine):
    result = run(engine, q="Kharkov")
    assert titles(result) == {"Missiles fall on Kharkiv", "Offensive near Kharkov"}
    by_title = {h["title"]: h for h in result["hits"]}
    assert "<mark>Kharkiv</mark>" in by_title["Missiles fall on Kharkiv"]["highlights"]["title"]
    assert "<mark>Kharkov</mark>" in " ".join(
        by_title["Offensive near Kharkov"]["highlights"]["text"])
    assert titles(run(engine, q="Kharkiv")) == titles(result)


def test_renamed_place_and_person_variants(engine):
    assert "Zelensky visits front" in titles(run(engine, q="Bakhmut"))
    assert "Zelensky visits front" in titles(run(engine, q="Zelenskyy"))


def test_suggestion_for_a_misspelt_word(engine):
    result = run(engine, q="belgorodd residents")
    assert result["suggestion"] == "belgorod residents"
    assert run(engine, q="belgorod")["suggestion"] is None


# --- errors and bounds --------------------------------------------------------------------

@pytest.mark.parametrize("params, param, fragment", [
    ({"q": "belgorod AND ("}, "q", "bracket is not closed"),
    ({"q": "belgorod)"}, "q", "never opened"),
    ({"q": '"belgorod drone'}, "q", "quote"),
    ({"q": "date:[2023 TO"}, "q", "range"),
    ({"q": "date:yesterday"}, "q", "date"),
    ({"q": "colour:red"}, "q", "no field 'colour'"),
    ({"q": "x" * 501}, "q", "500"),
    ({"q": " ".join(f"w{i}" for i in range(40))}, "q", "terms"),
    ({"q": "b*"}, "q", "wildcard"),
    ({"q": "belgorod~5"}, "q", "edits"),
    ({"q": "date:[ TO ]"}, "q", "at least one end"),
    ({"from": "2023-13"}, "from", "date"),
    ({"to": "last week"}, "to", "YYYY"),
    ({"from": "2024", "to": "2023"}, "from", "after"),
    ({"dated": "maybe"}, "dated", "unknown"),
    ({"dated": "unknown", "from": "2023"}, "dated", "cannot"),
    ({"sort": "best"}, "sort", "relevance"),
    ({"page": "0"}, "page", "between"),
    ({"page": "two"}, "page", "whole number"),
    ({"per_page": "101"}, "per_page", "100"),
    ({"facet_size": "-1"}, "facet_size", "between"),
    ({"colour": "red"}, "colour", "unknown parameter"),
    ({"q": ["a", "b"]}, "q", "once"),
    ({"per_page": "1_0"}, "per_page", "whole number"),
    ({"page": "\u0663"}, "page", "whole number"),          # an Arabic-Indic digit
    ({"from": "\u0968\u0966\u0968\u0969"}, "from", "YYYY"),   # Devanagari digits
    ({"q": "oil\x00"}, "q", "NUL"),
    ({"q": "oil \udc80"}, "q", "not UTF-8"),                # a non-UTF-8 argument byte
    ({"outlet": ["RT\udcff"]}, "outlet", "not UTF-8"),
    ({"outlet": [""] * 51}, "outlet", "at most 50"),
])
def test_bad_requests_name_the_parameter(engine, params, param, fragment):
    with pytest.raises(SearchError) as err:
        run(engine, **params)
    assert err.value.status == 400 and err.value.param == param
    assert fragment in err.value.message
    assert err.value.to_dict()["error"]["param"] == param


def test_wildcard_expansion_is_bounded(engine, monkeypatch):
    from newsfacet.search import query
    monkeypatch.setattr(query, "SETTINGS", replace(query.SETTINGS, max_expansion=1))
    with pytest.raises(SearchError) as err:
        run(engine, q="de*")   # debris, defences: two words in the text field
    assert err.value.type == "query_too_complex"


def test_dangling_operator_runs_with_a_warning(engine):
    result = run(engine, q="belgorod AND")
    assert result["total"] == run(engine, q="belgorod")["total"]
    assert any("AND" in w for w in result["warnings"])


def test_only_stop_words_warns(engine):
    result = run(engine, q="the")
    assert result["total"] == 0 and result["warnings"]


def test_query_echo(engine):
    result = run(engine, q="Kharkov drones", outlet="RT", sort="newest")
    echo = result["query"]
    assert echo["q"] == "Kharkov drones" and echo["filters"] == {"outlet": ["RT"]}
    assert echo["sort"] == "newest" and echo["variants"] == "on"
    words = [child["term"] for child in result["interpretation"]["tree"]["children"]]
    assert words == ["kharkov", "drone"]


def test_request_round_trips_through_its_params():
    params = {"q": ["belgorod"], "outlet": ["RT", "Daily Planet"], "from": ["2023-05"],
              "sort": ["oldest"], "page": ["2"], "per_page": ["5"]}
    req = parse_request(params)
    again = parse_request({k: [v for n, v in req.to_params() if n == k]
                           for k in {n for n, _ in req.to_params()}})
    assert again == req


# --- article look-up ----------------------------------------------------------------------

def test_article_record_copies_and_similar(engine):
    first = next(h for h in run(engine, q="belgorod")["hits"]
                 if h["title"] == "Drone strikes hit Belgorod")
    article = engine.article(first["id"], q="belgorod")
    assert article["title"] == "Drone strikes hit Belgorod" and article["outlet"] == "Daily Planet"
    for key in ("id", "path", "url", "text", "published", "places", "people", "mentions"):
        assert key in article
    assert "<mark>Belgorod</mark>" in article["highlights"]["text"]
    assert "same_text" not in article
    # the same text from Global Research is listed once: as a copy of the story, or as a
    # similar article when the text is too short to make a story
    again = [a for a in article["copies"] + article["similar"]
             if a["title"] == "Drone strikes hit Belgorod again"]
    assert len(again) == 1 and again[0]["outlet"] == "Global Research"
    assert (again[0] in article["copies"]) == (article["story_size"] > 1)
    assert article["id"] not in {a["id"] for a in article["copies"] + article["similar"]}


def test_unknown_article_is_404(engine):
    with pytest.raises(SearchError) as err:
        engine.article("no-such-id")
    assert err.value.status == 404 and err.value.type == "not_found"


def test_iter_records_follows_the_sort(engine):
    req = parse_request({"q": ["belgorod"], "sort": ["oldest"]})
    exported = [r["id"] for r in engine.iter_records(req)]
    shown = [h["id"] for h in engine.search(parse_request(
        {"q": ["belgorod"], "sort": ["oldest"], "per_page": ["100"]}))["hits"]]
    assert exported == shown and len(exported) == engine.search(req)["total"]


def test_overview(engine):
    overview = engine.overview()
    assert overview["articles"] == len(RECORDS)
    assert overview["date_span"] == ["2022-08-01", "2024-01-05"]
    assert {o["value"]: o["count"] for o in overview["outlets"]}["Daily Planet"] == 3


# --- the index on disk --------------------------------------------------------------------

def test_engine_picks_up_a_new_index_generation(tmp_path):
    index_dir = build_index(tmp_path, RECORDS[:3])
    engine = Engine(index_dir)
    assert run(engine)["total"] == 3
    more = write_jsonl(tmp_path / "more.jsonl", RECORDS[3:5])
    index_paths([tmp_path / "articles.jsonl", more], index_dir, workers=1)
    assert run(engine)["total"] == 5
    assert run(engine, q="odesa")["total"] == 1


def test_engine_refuses_a_missing_foreign_or_damaged_folder(tmp_path):
    from newsfacet.search.indexer import IndexError_
    with pytest.raises(IndexError_, match="does not exist; build it with"):
        Engine(tmp_path / "nowhere")
    with pytest.raises(IndexError_, match="is not a newsfacet index"):
        Engine(tmp_path)
    from whoosh import fields, index
    other = tmp_path / "other"
    other.mkdir()
    index.create_in(str(other), fields.Schema(body=fields.TEXT))
    with pytest.raises(IndexError_, match="newsfacet did not make"):
        Engine(other)
    index_dir = build_index(tmp_path / "damaged")
    for segment in index_dir.glob("*.seg"):
        segment.write_bytes(b"not a segment")
    with pytest.raises(IndexError_, match="is damaged and cannot be read"):
        Engine(index_dir)


# --- the sample corpus --------------------------------------------------------------------

def test_sample_kharkov_finds_the_three_articles(sample_engine):
    result = run(sample_engine, q="Kharkov")
    assert result["total"] == 3
    texts = [sample_engine.article(h["id"])["text"] for h in result["hits"]]
    assert all("Kharkov" in t or "Kharkiv" in t for t in texts)
    city = [f for f in result["facets"]["place"]["values"] if f["value"] in ("Kharkiv", "Kharkov")]
    assert city == [{"value": "Kharkiv", "count": 3, "stories": 3, "selected": False,
                     "excluded": False}]


def test_sample_nebenzya_finds_both_envoy_articles(sample_engine):
    result = run(sample_engine, q="Nebenzya")
    assert result["total"] == 2
    marked = " ".join(t for h in result["hits"] for t in h["highlights"]["text"])
    assert "<mark>Nabenzya</mark>" in marked and "<mark>Nebenzya</mark>" in marked


def test_value_column_counts_agree_for_small_and_large_sets(engine):
    import numpy as np
    with engine.generation() as gen:
        columns = gen.columns
    rng = np.random.default_rng(7)
    for name, column in columns.fields.items():
        for share in (0.05, 0.2, 0.5, 1.0):
            mask = rng.random(columns.size) < share
            docs = np.repeat(np.arange(columns.size), np.diff(column.starts))
            direct = np.bincount(column.ords[mask[docs]], minlength=len(column.values))
            assert np.array_equal(column.counts(mask), direct), (name, share)


def test_date_clause_alone_lists_newest_first(engine):
    dates = [h["published"] for h in run(engine, q="date:2023-05")["hits"]]
    assert dates == sorted(dates, reverse=True) and len(dates) == 4


def test_facet_size_zero_keeps_the_keys(engine):
    facets = run(engine, facet_size=0)["facets"]
    assert set(facets) == set(FACET_KEYS) | {"published"}
    assert all(facets[name]["values"] == [] for name in FACET_KEYS) and facets["published"] == []


def test_person_facet_counts_a_lone_surname_and_accent_variants_as_one_person(tmp_path):
    """Across the collection, "Mr Halloway" is the one Halloway named in full, and
    spellings that differ by an accent are one person under the commonest."""
    engine = Engine(build_index(tmp_path, [
        {"title": "Budget day", "text": "Prime Minister Tom Halloway presented the budget on Monday."},
        {"title": "Reaction", "text": "Critics said Mr Halloway had promised more for schools."},
        {"title": "Court one", "text": "Judge Inés Peñalver ruled on the appeal."},
        {"title": "Court two", "text": "Judge Inés Peñalver heard the second case."},
        {"title": "Court three", "text": "Judge Ines Penalver closed the hearing."},
        {"title": "Two Hallows", "text": "Ann Marlowe met Mr Hallows and Greg Hallows at the fair."},
    ]))
    people = {f["value"]: f["count"] for f in run(engine)["facets"]["person"]["values"]}
    assert people["Tom Halloway"] == 2 and "Halloway" not in people
    assert people["Inés Peñalver"] == 3 and "Ines Penalver" not in people
    assert run(engine, person="Halloway")["total"] == 2            # a filter by the lone word too
    assert run(engine, q="person:Halloway")["total"] == 2
    assert run(engine, person="Ines Penalver")["total"] == 3
    assert titles(run(engine, person="Tom Halloway")) == {"Budget day", "Reaction"}


def test_a_lone_surname_shared_by_two_full_names_stays_itself():
    from newsfacet.search.facets import person_names_folded
    names = ["Blair", "Cherie Blair", "Tony Blair", "Garzon", "Baltasar Garzón"]
    folded = person_names_folded(names, [5, 2, 9, 1, 4])
    assert [names[i] for i in folded] == ["Blair", "Cherie Blair", "Tony Blair", "Baltasar Garzón",
                                          "Baltasar Garzón"]


def test_a_field_value_no_article_has_matches_nothing_and_says_so(engine):
    belgorod = run(engine, q="Belgorod")["total"]
    assert belgorod > 0
    result = run(engine, q="Belgorod outlet:Daily-Planett")
    assert result["total"] == 0                                   # not silently the Belgorod hits
    assert any("no outlet named 'Daily-Planett'" in w and "Daily Planet" in w for w in result["warnings"])
    assert run(engine, q='Belgorod OR outlet:"Nowhere Weekly"')["total"] == belgorod
    assert run(engine, q="Belgorod -outlet:Nowhere")["total"] == belgorod
    filtered = run(engine, q="Belgorod", outlet="Planet Daily News")
    assert filtered["total"] == 0 and any("no outlet named 'Planet Daily News'" in w for w in filtered["warnings"])
    assert run(engine, q="Belgorod", outlet="daily planet")["warnings"] == []   # letter case is forgiven


def test_a_pasted_web_address_is_searched_as_its_words(engine):
    result = run(engine, q="https://www.example.org/drones/Belgorod")
    assert result["warnings"][0] == "a web address in the query was searched as its words"
    assert result["total"] == run(engine, q="example org drones Belgorod")["total"]
    assert run(engine, q="Belgorod", _="1712345678")["total"] == run(engine, q="Belgorod")["total"]
