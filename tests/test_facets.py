"""Facets that count what they say, on a real index of news items written here.

Every facet count, distinct number, "no value" count, "N more", pinned value and tie order is
checked against a brute-force count over the records ``newsfacet export`` prints, through the
engine, ``/api/search`` (the real app), ``/api/facets/<name>`` and ``newsfacet search``; the
results page's sidebar and the home page show the same numbers.
"""

from __future__ import annotations

import contextlib
import io
import json
import random
from collections import Counter
from urllib.parse import parse_qsl, urlencode, urlsplit

import numpy as np
import pytest
from frontends import exported
from records import index_records
from sidebar import sidebar

from newsfacet.search import facet_registry, facets
from newsfacet.search.cli import main as newsfacet
from newsfacet.search.engine import Engine
from newsfacet.search.model import RECORD_FIELDS
from newsfacet.search.query import QUERY_FIELDS
from newsfacet.search.request import EXCLUDE_PARAMS, FILTER_PARAMS, PARAMS, SearchError, parse_request
from newsfacet.search.schema import build_schema
from newsfacet.web.openapi import openapi_document

FACETS = facet_registry.FACETS
CITIES = ["Kyiv", "Odesa", "Paris", "Berlin", "Madrid", "Lisbon", "Warsaw", "Vienna"]
LEADERS = ["Olena Marchuk", "Pieter Van Dalen", "Greta Holmqvist", "Tomasz Wierzba"]
TOPICS = ["a rail strike", "the harbour works", "a heatwave", "the budget vote", "a flood"]
# 64 outlets, more than the 50 the home page lists; two share a folded form with others
OUTLETS = [f"Courier {n:02d}" for n in range(60)] + ["Le Réveil", "Le Reveil Matin",
                                                     "Gazeta Łódź", "Nord Écho"]
AUTHORS = ["Ana Ruiz", "Ben Osei", "Chen Wei", None]


def _record(n: int) -> dict:
    """One short news item of our own: outlets, dates and authors vary, one in seven has no
    outlet and one in six no date; two to four cities are named in the text."""
    rnd = random.Random(n)
    cities = rnd.sample(CITIES, rnd.randint(2, 4))
    leader = LEADERS[n % len(LEADERS)]
    topic = rnd.choice(TOPICS)
    text = (f"{cities[0]} officials met on {topic} this week. {leader} said talks with "
            f"{' and '.join(cities[1:])} would go on. Residents of {cities[0]} waited for news "
            f"on {topic} (item {n}).")
    record = {"title": f"Talks in {cities[0]} on {topic}, item {n}", "text": text}
    if n % 7:
        record["source"] = OUTLETS[(n * 5) % len(OUTLETS)] if n % 3 else OUTLETS[n % 4]
    if n % 6:
        record["date"] = f"2024-{1 + n % 12:02d}-{1 + n % 27:02d}"
    author = AUTHORS[n % len(AUTHORS)]
    if author:
        record["author"] = author
    return record


RECORDS = [_record(n) for n in range(150)]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    return index_records(tmp_path_factory.mktemp("facets"), RECORDS)


@pytest.fixture(scope="module")
def every(index_dir):
    """Every article as ``newsfacet export`` prints it."""
    records = exported(index_dir)
    assert len(records) == len(RECORDS)
    return records


# --- brute force over the exported records --------------------------------------------------

def values_of(record: dict, facet) -> list[str]:
    value = record[facet.field]
    return [value] if isinstance(value, str) else list(value or [])


def passes(record, params: dict, skip_facet=None, skip_exclusions_of=None) -> bool:
    """Whether a record passes the facet filters of ``params`` (exact values), leaving out one
    facet's selection (any-of facets count without it) or one facet's exclusions."""
    for f in FACETS:
        have = set(values_of(record, f))
        chosen = params.get(f.name, [])
        every_one = params.get(f"{f.name}_match") == ["all"]
        if chosen and (f.name != skip_facet or every_one):
            if every_one and not set(chosen) <= have:
                return False
            if not every_one and not have & set(chosen):
                return False
        if f.name != skip_exclusions_of and have & set(params.get("-" + f.name, [])):
            return False
    return True


def expected_facet(base: list[dict], every: list[dict], facet, params: dict, size: int) -> dict:
    counted = [r for r in base if passes(r, params, skip_facet=facet.name)]
    counts = Counter(v for r in counted for v in values_of(r, facet))
    stories = Counter(v for v, _ in {(v, r["story"]) for r in counted for v in values_of(r, facet)})
    frequency = Counter(v for r in every for v in values_of(r, facet))
    selected = params.get(facet.name, [])
    excluded = params.get("-" + facet.name, [])
    unexcluded = [r for r in base if passes(r, params, skip_facet=facet.name,
                                           skip_exclusions_of=facet.name)]
    pinned = [{"value": v, "count": counts[v], "stories": stories[v], "selected": True,
               "excluded": False} for v in selected]
    pinned += [{"value": v, "count": sum(v in values_of(r, facet) for r in unexcluded),
                "stories": len({r["story"] for r in unexcluded if v in values_of(r, facet)}),
                "selected": False, "excluded": True} for v in excluded]
    rest = sorted((v for v in counts if v not in selected and v not in excluded),
                  key=lambda v: (-counts[v], -frequency[v], v))
    values = pinned + [{"value": v, "count": counts[v], "stories": stories[v], "selected": False,
                        "excluded": False} for v in rest[:size]]
    listed = sum(1 for v in values if v["count"] and not v["excluded"])
    return {"label": facet.label,
            "match": "all" if params.get(f"{facet.name}_match") == ["all"] else "any",
            "distinct": len(counts), "missing": sum(1 for r in counted if not values_of(r, facet)),
            "more": len(counts) - listed, "values": values}


def base_records(engine, q: str) -> list[dict]:
    """The articles a query matches, before any facet filter (the engine's own export)."""
    return list(engine.iter_records(parse_request({"q": [q]} if q else {})))


def _cli_json(index_dir, argv) -> dict:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert newsfacet(["search", "--index", str(index_dir), "--json", *argv]) == 0
    return json.loads(out.getvalue())


def _cli_argv(params: dict) -> list[str]:
    argv = []
    for name, values in params.items():
        for v in values:
            if name == "q":
                argv.append(v)
            elif name.startswith("-"):
                argv += [f"--not-{name[1:].replace('_', '-')}", v]
            elif name.endswith("_match"):
                argv += [f"--{name[:-6].replace('_', '-')}-match", v]
            else:
                argv += [f"--{name.replace('_', '-')}", v]
    return argv


CASES = [
    {},
    {"q": ["talks"]},
    {"outlet": ["Courier 01", "Courier 02"]},
    {"-place": ["Kyiv"]},
    {"place": ["Paris", "Berlin"]},
    {"place": ["Paris", "Berlin"], "place_match": ["all"]},
    {"place": ["Madrid"], "-place": ["Lisbon", "Warsaw"], "author": ["Ana Ruiz"]},
    {"q": ["strike OR flood"], "-outlet": ["Courier 00"], "place": ["Kyiv", "Odesa"],
     "place_match": ["all"], "-author": ["Ben Osei"]},
]


@pytest.mark.parametrize("params", CASES)
@pytest.mark.parametrize("size", [3, 100])
def test_facets_agree_with_a_brute_force_count_of_the_export(engine, client, index_dir, every,
                                                             params, size):
    request = {**params, "facet_size": [str(size)], "per_page": ["1"]}
    result = engine.search(parse_request(request))
    base = base_records(engine, params.get("q", [""])[0])
    assert result["total"] == sum(1 for r in base if passes(r, params))
    assert result["total_stories"] == len({r["story"] for r in base if passes(r, params)})
    for facet in FACETS:
        assert result["facets"][facet.name] == expected_facet(base, every, facet, params, size), \
            facet.name
    api = client.get("/api/search?" + urlencode([(k, v) for k, vs in request.items() for v in vs]))
    assert api.status_code == 200, api.get_json()
    body = api.get_json()
    cli = _cli_json(index_dir, _cli_argv(request))
    for answer in (body, cli):
        answer.pop("took_ms")
    result.pop("took_ms")
    assert body == result == json.loads(json.dumps(cli))


@pytest.fixture(scope="module")
def reprinted_dir(tmp_path_factory):
    """80 of the items, and 60 of them reprinted by other outlets with a line added: stories
    of two articles make up most of the collection."""
    reprints = [{**r, "source": f"Reprint Daily {n % 3}", "text": r["text"] + " Reprinted."}
                for n, r in enumerate(RECORDS[:60])]
    return index_records(tmp_path_factory.mktemp("reprinted"), RECORDS[:80] + reprints)


@pytest.mark.parametrize("share", [0.02, 0.06, 0.15, 0.5, 0.95, 1.0])
@pytest.mark.parametrize("collection", ["index_dir", "reprinted_dir"])
def test_counts_over_few_or_many_articles_equal_a_count_of_the_export(request, collection, share):
    """Value columns count a small set of articles by gathering their values, a large one
    with a matrix product (``facets.MATRIX_SHARE``) and nearly all of them as the collection's
    counts less the others', articles and stories (every value, or some): all give the
    export's counts."""
    folder = request.getfixturevalue(collection)
    by_id = {r["id"]: r for r in exported(folder)}
    with Engine(folder).generation() as gen:
        cols = gen.columns
        if collection == "reprinted_dir":
            assert np.count_nonzero(cols.stories.multi) > 0.5 * cols.size
        mask = cols.live & (np.random.default_rng(int(share * 100)).random(cols.size) < share)
        chosen = [by_id[gen.searcher.stored_fields(int(d))["id"]] for d in np.flatnonzero(mask)]
        assert chosen
        for facet in FACETS:
            column = cols.fields[facet.name]
            counts = column.counts(mask)
            got = {column.values[i]: int(counts[i]) for i in np.flatnonzero(counts)}
            assert got == Counter(v for r in chosen for v in values_of(r, facet)), facet.name
            stories = column.story_counts(mask, cols.stories, counts)
            got = {column.values[i]: int(stories[i]) for i in np.flatnonzero(stories)}
            some = np.flatnonzero(counts)[::3]
            assert column.story_counts(mask, cols.stories, counts, some).tolist() == \
                stories[some].tolist(), facet.name
            assert got == Counter(v for v, _ in {(v, r["story"]) for r in chosen
                                                 for v in values_of(r, facet)}), facet.name
            assert cols.stories.distinct(mask) == len({r["story"] for r in chosen})


def test_a_search_seen_before_counts_nothing_again_and_other_searches_count_their_own(
        index_dir, every, monkeypatch):
    """Facet counts are remembered per generation by the articles they count
    (``Columns.counts``): the same search again, its next page or another order of it counts
    no facet again; another search, whatever its size, gets its own exact counts; the
    remembered counts cannot be changed by what a caller does with them."""
    counted = []
    real = facets.ValueColumn.counts
    monkeypatch.setattr(facets.ValueColumn, "counts",
                        lambda self, mask: counted.append(self.fieldname) or real(self, mask))
    engine = Engine(index_dir)   # its own generation: nothing remembered from other tests
    with engine.generation():    # opening it counts each value over the whole collection
        counted.clear()

    def search(**params) -> dict:
        return engine.search(parse_request({k: [v] for k, v in params.items()}))

    first = search(q="Kyiv", per_page="5")
    assert len(counted) == len(FACETS)
    counted.clear()
    for again in (search(q="Kyiv", per_page="5", page="2"), search(q="Kyiv", per_page="5", sort="newest")):
        assert again["facets"] == first["facets"]
    assert counted == []
    for q in ("Paris", "Paris OR Berlin", "heatwave"):
        result = search(q=q, facet_size="50")
        base = base_records(engine, q)
        for facet in FACETS:
            assert result["facets"][facet.name] == expected_facet(base, every, facet, {"q": [q]}, 50)
    assert len(counted) == 3 * len(FACETS)
    with engine.generation() as gen:
        remembered = gen.columns.counts("place", gen.columns.live)
        with pytest.raises(ValueError):
            remembered[0] += 1


def test_the_test_collection_has_what_the_checks_need(every):
    outlets = Counter(r["outlet"] for r in every if r["outlet"])
    assert len(outlets) > 50                       # more than the home page lists
    assert sum(1 for r in every if not r["outlet"]) > 0
    assert sum(1 for r in every if not r["published"]) > 0
    places = Counter(p for r in every for p in r["places"])
    assert {"Kyiv", "Paris", "Berlin", "Madrid"} <= set(places)
    counts = Counter(Counter(v for r in every for v in values_of(r, FACETS[0])).values())
    assert any(n > 1 for n in counts.values()), "no tied outlet counts: the tie order is untested"


def test_ties_are_ordered_by_collection_frequency_not_by_name(engine, every):
    # Kyiv and Paris: each article names one of them; in the whole collection they differ
    result = engine.search(parse_request({"facet_size": ["100"], "outlet": ["Courier 01"]}))
    frequency = Counter(p for r in every for p in r["places"])
    shown = result["facets"]["place"]["values"]
    for a, b in zip(shown, shown[1:]):
        assert (a["count"], frequency[a["value"]]) >= (b["count"], frequency[b["value"]])
        if (a["count"], frequency[a["value"]]) == (b["count"], frequency[b["value"]]):
            assert a["value"] < b["value"]


def test_exclusion_leaves_out_every_article_with_the_value(engine, every):
    result = engine.search(parse_request({"-place": ["Kyiv", "Odesa"], "per_page": ["100"]}))
    kept = [r for r in every if not {"Kyiv", "Odesa"} & set(r["places"])]
    assert result["total"] == len(kept)
    pinned = result["facets"]["place"]["values"][:2]
    assert [(v["value"], v["excluded"], v["count"]) for v in pinned] == [
        ("Kyiv", True, sum("Kyiv" in r["places"] for r in every)),
        ("Odesa", True, sum("Odesa" in r["places"] for r in every))]


def test_all_of_needs_every_selected_value(engine, every):
    any_of = engine.search(parse_request({"place": ["Paris", "Berlin"]}))
    all_of = engine.search(parse_request({"place": ["Paris", "Berlin"], "place_match": ["all"]}))
    assert any_of["total"] == sum(bool({"Paris", "Berlin"} & set(r["places"])) for r in every)
    assert all_of["total"] == sum({"Paris", "Berlin"} <= set(r["places"]) for r in every)
    assert 0 < all_of["total"] < any_of["total"]
    assert all_of["facets"]["place"]["match"] == "all"
    # under "all of", a selected value's count is the whole result
    assert [v["count"] for v in all_of["facets"]["place"]["values"][:2]] == [all_of["total"]] * 2


# --- /api/facets/<name> -------------------------------------------------------------------

def _all_pages(client, name, query) -> list[dict]:
    values, page = [], 1
    while True:
        body = client.get(f"/api/facets/{name}?" + urlencode([*query, ("page", page),
                                                              ("per_page", 7)])).get_json()
        values += body["values"]
        if page >= body["pages"]:
            return values
        page += 1


def test_the_whole_value_list_is_paged_in_the_sidebar_order(client, engine, every):
    query = [("q", "talks"), ("outlet", "Courier 03"), ("-outlet", "Courier 00")]
    whole = _all_pages(client, "outlet", query)
    params = {"q": ["talks"], "outlet": ["Courier 03"], "-outlet": ["Courier 00"]}
    expected = expected_facet(base_records(engine, "talks"), every, FACETS[0], params, 10_000)
    assert whole == expected["values"]
    assert len(whole) > 50
    first = client.get("/api/facets/outlet?" + urlencode(query)).get_json()
    assert first["distinct"] == expected["distinct"] and first["missing"] == expected["missing"]
    assert first["total"] == len(whole) and first["per_page"] == 50


@pytest.mark.parametrize("param, typed, expected", [
    ("contains", "reveil", ["Le Reveil Matin", "Le Réveil"]),
    ("contains", "RÉVEIL", ["Le Reveil Matin", "Le Réveil"]),
    ("contains", "lodz", ["Gazeta Łódź"]),
    ("prefix", "nord e", ["Nord Écho"]),
    ("prefix", "courier 1", [f"Courier {n}" for n in range(10, 20)]),
])
def test_the_value_list_is_filtered_on_the_server_ignoring_case_and_accents(
        client, every, param, typed, expected):
    body = client.get(f"/api/facets/outlet?{param}={typed}&per_page=200").get_json()
    present = {r["outlet"] for r in every}
    assert sorted(v["value"] for v in body["values"]) == sorted(e for e in expected if e in present)
    assert body["total"] == len(body["values"]) and body[param] == typed


@pytest.mark.parametrize("url, status, param", [
    ("/api/facets/colour", 404, "name"),
    ("/api/facets/published", 404, "name"),
    ("/api/facets/place?per_page=201", 400, "per_page"),
    ("/api/facets/place?page=999", 400, "page"),
    ("/api/facets/place?prefix=" + "x" * 201, 400, "prefix"),
    ("/api/facets/place?place_match=both", 400, "place_match"),
    ("/api/facets/place?place=Kyiv&-place=Kyiv", 400, "-place"),
])
def test_value_list_errors_have_the_api_error_shape(client, url, status, param):
    response = client.get(url)
    assert response.status_code == status
    error = response.get_json()["error"]
    assert set(error) == {"type", "message", "param", "fix"} and error["param"] == param
    assert error["message"]


# --- the request --------------------------------------------------------------------------

def test_exclusions_and_match_round_trip_through_the_url():
    req = parse_request({"place": ["Paris", "Berlin"], "place_match": ["all"],
                         "-place": ["Kyiv"], "-outlet": ["Courier 00"], "outlet_match": ["any"]})
    assert req.exclude == {"place": ["Kyiv"], "outlet": ["Courier 00"]}
    assert req.match == {"place": "all"}
    params = req.to_params()
    assert ("-place", "Kyiv") in params and ("place_match", "all") in params
    assert "outlet_match" not in dict(params)                # the default is left out
    again = parse_request({k: [v for n, v in params if n == k] for k, _ in params})
    assert again == req
    assert req.echo()["exclude"] == {"outlet": ["Courier 00"], "place": ["Kyiv"]}
    assert req.echo()["match"] == {"place": "all"}


@pytest.mark.parametrize("params, param, words", [
    ({"place_match": ["some"]}, "place_match", "any"),
    ({"place_match": ["all", "any"]}, "place_match", "once"),
    ({"place": ["Kyiv"], "-place": ["Kyiv"]}, "-place", "both selected"),
    ({"-place": ["x"] * 51}, "-place", "at most 50"),
])
def test_bad_facet_parameters_are_clear_errors(params, param, words):
    with pytest.raises(SearchError) as caught:
        parse_request(params)
    assert caught.value.param == param and words in caught.value.message


# --- one registry -------------------------------------------------------------------------

def test_every_facet_of_the_registry_reaches_every_layer(engine, client):
    schema = build_schema()
    doc = openapi_document()
    search_params = {p["name"] for p in doc["paths"]["/api/search"]["get"]["parameters"]}
    facet_schema = doc["components"]["schemas"]["SearchResponse"]["properties"]["facets"]
    response = engine.search(parse_request({}))
    html = client.get("/search").get_data(as_text=True)
    shown = sidebar(html).facets
    for f in FACETS:
        assert f.field in schema.names()                          # the index
        assert f.field in RECORD_FIELDS                           # export columns
        assert QUERY_FIELDS[f.name] == f.field                    # place:Kyiv in a query
        assert {f.name, "-" + f.name, f.name + "_match"} <= set(PARAMS) & search_params
        assert f.name in FILTER_PARAMS and "-" + f.name in EXCLUDE_PARAMS
        assert f.name in facet_schema["properties"]               # OpenAPI response
        assert response["facets"][f.name]["label"] == f.label     # the response
        assert f.field in response["hits"][0]
        if response["facets"][f.name]["values"]:
            assert f.name in shown                                 # the sidebar
    assert list(shown) == [f.name for f in FACETS if f.name in shown]   # registry order


# --- the pages ----------------------------------------------------------------------------

def test_the_sidebar_shows_the_engine_numbers_with_articles_as_the_unit(client):
    url = "/search?q=talks&place=Paris&-place=Kyiv&outlet_match=all"
    data = client.get("/api/search?facet_size=40&" + urlsplit(url).query).get_json()
    page = sidebar(client.get(url).get_data(as_text=True))
    assert page.action == "/search#filters"
    assert page.hidden == [("q", "talks")]
    for name, facet in page.facets.items():
        engine_facet = data["facets"][name]
        assert facet["unit"] == "articles"
        shown = facet["values"]
        assert [(v["value"], v["count"]) for v in shown] == [
            (v["value"], v["count"]) for v in engine_facet["values"][:len(shown)]]
        assert all(("articles" in v["text"] or "article" in v["text"]) for v in shown)
        listed = sum(1 for v in shown if v["count"] and not v["excluded"] and not v["behind_more"])
        assert facet["more"] == ((engine_facet["distinct"] - listed) or None)
        if engine_facet["missing"]:
            word = facet_registry.BY_NAME[name].label.lower()
            assert facet["missing"].startswith(f"no {word}: {engine_facet['missing']:,} article")
    place = page.facets["place"]
    assert place["match"] == "any"
    assert [(v["value"], v["checked"], v["excluded"]) for v in place["values"][:2]] == [
        ("Paris", True, False), ("Kyiv", False, True)]
    # the exclude link of a selected value unselects it; an excluded value's link includes it
    paris, kyiv = place["values"][:2]
    assert parse_qsl(urlsplit(paris["exclude_href"]).query) == [
        ("q", "talks"), ("outlet_match", "all"), ("-place", "Kyiv"), ("-place", "Paris")]
    assert parse_qsl(urlsplit(kyiv["exclude_href"]).query) == [
        ("q", "talks"), ("outlet_match", "all"), ("place", "Paris")]
    assert page.facets["outlet"]["match"] == "all"     # the switch shows the URL's choice


def test_an_exclusion_is_a_not_chip_with_a_remove_link(client):
    html = client.get("/search?-place=Kyiv&place=Paris").get_data(as_text=True)
    assert 'aria-label="Remove filter Place: not Kyiv"' in html
    assert 'href="/search?place=Paris"' in html


def test_an_empty_result_offers_to_drop_the_exclusion(client):
    # every item names two cities or more: leaving out all but one city leaves nothing
    url = "/search?" + urlencode([("-place", c) for c in CITIES if c != "Vienna"])
    data = client.get("/api/search?" + urlsplit(url).query).get_json()
    assert data["total"] == 0
    relaxed = [r for r in data["relaxations"] if r["param"] == "-place" and r["total"]]
    assert relaxed
    html = client.get(url).get_data(as_text=True)
    for r in relaxed:
        assert f"Place: not {r['value']}</a> — {r['total']} result" in html


def test_the_home_page_numbers_are_exact(client, every):
    outlets = {r["outlet"] for r in every if r["outlet"]}
    no_outlet = sum(1 for r in every if not r["outlet"])
    no_date = sum(1 for r in every if not r["published"])
    html = client.get("/").get_data(as_text=True)
    assert f"{len(outlets)} outlets ({no_outlet} articles without an outlet)" in html
    assert f"({no_date} without a date)" in html


def test_overview_counts_every_outlet(engine, every):
    overview = engine.overview()
    assert overview["outlet_count"] == len({r["outlet"] for r in every if r["outlet"]}) > 50
    assert len(overview["outlets"]) == 50
    assert overview["without_outlet"] == sum(1 for r in every if not r["outlet"])
    assert overview["without_date"] == sum(1 for r in every if not r["published"])


def test_the_cli_prints_each_facet_with_its_numbers(index_dir, engine):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert newsfacet(["search", "--index", str(index_dir), "--not-place", "Kyiv",
                          "--place-match", "all", "--place", "Paris", "--color", "never"]) == 0
    text = out.getvalue()
    result = engine.search(parse_request({"-place": ["Kyiv"], "place": ["Paris"],
                                          "place_match": ["all"]}))
    place = result["facets"]["place"]
    assert (f"Place: {place['distinct']} values in articles (articles with all the selected "
            f"values), {place['missing']} articles with none") in text
    assert "+Paris (" in text and "-Kyiv (" in text


def test_a_misspelt_value_list_parameter_names_the_list_parameters_too(client):
    response = client.get("/api/facets/place?prefx=Ky")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["param"] == "prefx"
    assert all(name in error["message"] for name in ("prefix", "contains", "per_page", "place"))


@pytest.mark.parametrize("years", [0.1, 1.5, 3.0, 3.9, 6, 40])
def test_the_date_histogram_counts_each_bucket_of_the_span_s_unit(years):
    """Years, months or days by the span of the matching articles' dates (years past three
    years, months past 62 days), counted in one pass when the years are far apart and by the
    matching articles' days otherwise; undated articles apart: the same counts as a count of
    their dates one by one."""
    from datetime import date

    from newsfacet.search.facets import DateColumn

    rng = np.random.default_rng(int(years * 10))
    size, start = 3000, date(1998, 3, 17)
    days = (start.toordinal() - 1 + rng.integers(0, int(years * 365.25) + 1, size)).astype(np.int32)
    known = rng.random(size) > 0.1
    column = DateColumn(days, known)
    for share in (0.03, 0.5, 1.0):
        mask = rng.random(size) < share
        dated = [date.fromordinal(int(d) + 1) for d in days[mask & known]]
        span = (max(dated) - min(dated)).days
        width = 4 if span > 3 * 365 else 7 if span > 62 else 10
        expected = Counter(d.isoformat()[:width] for d in dated)
        buckets = column.histogram(mask)
        assert buckets[-1] == {"value": "unknown", "count": int(np.count_nonzero(mask & ~known)),
                               "selected": False}
        assert {b["value"]: b["count"] for b in buckets[:-1]} == expected, (share, width)
        assert [b["value"] for b in buckets[:-1]] == sorted(expected)
