"""Every search says what it did: the response's ``interpretation`` (the parsed query as a tree,
the spellings added, the rewrites, the resolved filters, the warnings), the ``variants``
switch, and the results page's one line about them, through the engine, the API, the CLI and
the page."""

from __future__ import annotations

import contextlib
import io
import json

import pytest

from newsfacet.search.cli import main
from newsfacet.search.request import SearchError, parse_request
from regional_news import build


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    return build(tmp_path_factory.mktemp("interpretation"))


def search(engine, **params) -> dict:
    return engine.search(parse_request({k: [v] for k, v in params.items()}))


def titles(result) -> set[str]:
    return {hit["title"] for hit in result["hits"]}


def test_a_name_says_which_spellings_it_was_searched_as(engine):
    result = search(engine, q="Kharkov")
    interp = result["interpretation"]
    node = interp["tree"]
    assert node["term"] == "kharkov" and node["field"] == "any"
    assert node["variants"][:2] == ["kharkov", "kharkiv"]
    assert interp["variants"]["kharkov"] == node["variants"][1:]
    assert titles(result) == {"Shelling reported near Kharkov", "Kharkiv rebuilds its tram depot"}


def test_variants_off_searches_only_the_spelling_typed(engine):
    result = search(engine, q="Kharkov", variants="off")
    assert titles(result) == {"Shelling reported near Kharkov"}
    assert result["interpretation"]["tree"]["variants"] == ["kharkov"]
    assert result["interpretation"]["variants"] == {}
    assert result["query"]["variants"] == "off"
    assert parse_request({"q": ["x"], "variants": ["off"]}).to_params() == [
        ("q", "x"), ("variants", "off")]
    assert ("variants", "on") not in parse_request({"q": ["x"], "variants": ["on"]}).to_params()


def test_variants_takes_on_or_off_only(engine, client):
    with pytest.raises(SearchError) as err:
        parse_request({"variants": ["maybe"]})
    assert err.value.param == "variants" and "on" in err.value.message
    body = client.get("/api/search?q=kharkov&variants=no").get_json()
    assert body["error"]["param"] == "variants"


def test_the_tree_shows_operators_phrases_patterns_fields_and_dates(engine):
    tree = search(engine, q='(brown~ OR "river bridge") -rain outlet:"valley voice" '
                            'repai* date:2022')["interpretation"]["tree"]
    assert tree["op"] == "and"
    either, nots, outlet, prefix, when = tree["children"]
    fuzzy, phrase = either["children"]
    assert either["op"] == "or"
    assert fuzzy["fuzzy"] == "brown" and fuzzy["distance"] == 1
    assert {"brown", "crown"} <= set(fuzzy["expanded_to"]) and fuzzy["expansions"] >= 2
    assert phrase == {"phrase": ["river", "bridg"], "field": "any", "slop": 1}
    assert nots == {"op": "not", "children": [{"term": "rain", "field": "any",
                                               "variants": ["rain"]}]}
    assert outlet == {"field": "outlet", "value": "valley voice", "matches": ["Valley Voice"]}
    assert prefix["prefix"] == "repai" and "repair" in prefix["expanded_to"]
    assert when == {"date": {"from": "2022-01-01", "to": "2022-12-31"}}


def test_rewrites_are_listed_in_plain_words(engine):
    notes = search(engine, q="“drone strikes” -rain")["interpretation"]["normalisations"]
    assert "curly quotes read as straight quotes" in notes
    assert any(n.startswith("-word read as NOT word") for n in notes)
    notes = search(engine, q="the harbour or bridge")["interpretation"]["normalisations"]
    assert any("very common words left out: the, or" in n for n in notes)
    assert any("'or' in lower case read as a word" in n for n in notes)
    notes = search(engine, q="strikes")["interpretation"]["normalisations"]
    assert notes == ["words searched in all their forms: strikes as strike"]


def test_filters_and_warnings_are_given_as_resolved(engine):
    result = search(engine, q="outlet:Nonexistent", outlet="coast courier", **{"from": "2023"})
    interp = result["interpretation"]
    assert interp["filters"] == {"outlet": {"coast courier": ["Coast Courier"]}, "from": "2023"}
    assert interp["tree"] == {"field": "outlet", "value": "Nonexistent", "matches": []}
    assert interp["warnings"] == result["warnings"] and "no outlet named" in result["warnings"][0]
    assert result["total"] == 0


def test_a_spelling_added_by_the_search_is_never_a_warning(engine):
    # Kharkov is also searched as the place value Kharkiv, which no article here has.
    assert search(engine, q="Kharkov")["warnings"] == []


def test_everything_has_no_tree(engine):
    interp = search(engine)["interpretation"]
    assert interp["tree"] is None and interp["normalisations"] == [] and interp["variants"] == {}


def test_api_cli_and_engine_give_the_same_interpretation(index_dir, engine, client):
    q = 'Kharkov “tram depot” -rain'
    for extra, flags in (({}, []), ({"variants": "off"}, ["--variants", "off"])):
        from_engine = json.loads(json.dumps(search(engine, q=q, **extra)["interpretation"]))
        from_api = client.get("/api/search", query_string={"q": q, **extra}).get_json()
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert main(["search", q, "--index", str(index_dir), "--json", *flags]) == 0
        assert from_engine == from_api["interpretation"] == json.loads(out.getvalue())[
            "interpretation"]


def test_the_cli_prints_what_was_searched(index_dir):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(["search", "Kharkov", "--index", str(index_dir), "--color", "never"])
    assert "searching kharkov also as kharkiv" in out.getvalue()


def test_the_page_says_which_spellings_were_searched_and_switches(client):
    page = client.get("/search?q=Kharkov").get_data(as_text=True)
    assert "also as kharkiv" in page
    assert 'href="/search?q=Kharkov&amp;variants=off">search only the spellings typed' in page
    page = client.get("/search?q=Kharkov&variants=off").get_data(as_text=True)
    assert "Searching only the spellings typed." in page
    assert 'href="/search?q=Kharkov">Also search other spellings of names' in page
    assert 'name="variants" value="off"' in page   # a new search from the box keeps the switch


def test_the_page_lists_rewrites_escaped(client):
    page = client.get("/search", query_string={"q": "“<b>strikes</b>”"}).get_data(as_text=True)
    assert "curly quotes read as straight quotes" in page
    assert "<b>strikes" not in page
