"""Facet values ranked by distinctiveness (``facet_rank=distinctive``), on a real index of
news items written here.

A small result set (three articles about a zeppelin) names each of its outlets and authors
once, so counting ties them and the tie goes to the value most common in the whole
collection. Ranked by distinctiveness, the outlet found only in the result set comes first
and the one that carries most of the collection last. Every ``g2`` is checked against a
G² worked out here from the records ``newsfacet export`` prints, through the engine,
``/api/search``, ``/api/facets/<name>``, ``newsfacet search`` and the results page's sidebar.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
from collections import Counter

import pytest
from frontends import exported
from records import index_records
from sidebar import sidebar

from newsfacet.search.cli import main as newsfacet
from newsfacet.search.request import SearchError, parse_request

COMMON, MIDDLE, RARE = "Harbour Times", "Mill Post", "Quay Ledger"
TOPICS = ["the ferry timetable", "a dredging contract", "the fish market roof", "winter moorings",
          "a crane that failed", "the pilots' pay talks", "silt in the outer basin",
          "a new lighthouse lamp", "the customs shed", "night berthing fees", "a rusted bollard",
          "the tugboat tender"]


def _records() -> list[dict]:
    """Twelve harbour items from one outlet, three mill items from another, and three items
    about a zeppelin: one from each of those outlets and one from an outlet with no other
    article. Each author of the zeppelin items writes once there too."""
    records = []
    for n, topic in enumerate(TOPICS):
        record = {"title": f"Harbour board on {topic}",
                  "text": f"The harbour board argued about {topic} until late. Members voted "
                          f"to revisit {topic} after the spring tides, item {n}.",
                  "source": COMMON, "date": f"2024-03-{n + 1:02d}"}
        if n < 10:
            record["author"] = "Ines Varga"
        records.append(record)
    for n, what in enumerate(["a broken millwheel", "flour prices", "the weir repairs"]):
        records.append({"title": f"Mill news: {what}",
                        "text": f"The old mill reported {what} to the parish council, note {n}.",
                        "source": MIDDLE, "author": "Pavel Ruml" if n else "Ines Varga",
                        "date": f"2024-04-{n + 1:02d}"})
    records += [
        {"title": "A zeppelin over the quay", "text": "A silver zeppelin drifted over the quay "
         "at dawn and fishermen stopped to watch it turn north.", "source": RARE,
         "author": "Theo Brandt", "date": "2024-05-01"},
        {"title": "Zeppelin seen from the mill", "text": "Workers at the mill saw a zeppelin "
         "low above the weir; it vanished into cloud by noon.", "source": MIDDLE,
         "author": "Pavel Ruml", "date": "2024-05-02"},
        {"title": "Harbour pilots track a zeppelin", "text": "Harbour pilots radioed about a "
         "zeppelin crossing the shipping lane during the morning fog.", "source": COMMON,
         "author": "Ines Varga", "date": "2024-05-03"},
    ]
    return records


RECORDS = _records()


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    return index_records(tmp_path_factory.mktemp("facet-rank"), RECORDS)


@pytest.fixture(scope="module")
def every(index_dir):
    records = exported(index_dir)
    assert len(records) == len(RECORDS)
    return records


# --- brute force over the exported records --------------------------------------------------

FIELDS = {"outlet": "outlet", "author": "authors"}


def _values(record: dict, facet: str) -> list[str]:
    value = record[FIELDS[facet]]
    return [value] if isinstance(value, str) else list(value or [])


def brute_g2(in_set: int, set_size: int, in_collection: int, collection: int) -> float:
    """Signed G² of one value, from its 2 × 2 table written out cell by cell."""
    rest = collection - set_size
    cells = [(in_set, set_size, in_collection),
             (in_collection - in_set, rest, in_collection),
             (set_size - in_set, set_size, collection - in_collection),
             (rest - (in_collection - in_set), rest, collection - in_collection)]
    g2 = 2 * sum(o * math.log(o / (row * col / collection)) for o, row, col in cells if o)
    more_here = in_set / set_size > (in_collection - in_set) / rest
    return g2 if more_here else -g2


def expected(every: list[dict], facet: str, q: str, filters: dict | None = None) -> list[tuple]:
    """(value, count, g2) of a facet's values under ``facet_rank=distinctive``, worked out
    from the export: the facet counts the articles whose text or title holds ``q`` and that
    pass the other facets' filters (an "any of" facet ignores its own)."""
    filters = filters or {}
    counted = [r for r in every
               if q in (r["text"] + " " + r["title"]).lower()
               and all(set(_values(r, name)) & set(chosen)
                       for name, chosen in filters.items() if name != facet)]
    counts = Counter(v for r in counted for v in _values(r, facet))
    everywhere = Counter(v for r in every for v in _values(r, facet))
    g2 = {v: brute_g2(counts[v], len(counted), everywhere[v], len(every)) for v in counts}
    order = sorted(counts, key=lambda v: (-g2[v], -counts[v], -everywhere[v], v))
    return [(v, counts[v], g2[v]) for v in order]


def _listed(facet: dict) -> list[tuple]:
    return [(v["value"], v["count"], v["g2"]) for v in facet["values"]]


def _same(got: list[tuple], want: list[tuple]):
    assert [(v, c) for v, c, _ in got] == [(v, c) for v, c, _ in want]
    for (value, _, g2), (_, _, brute) in zip(got, want):
        assert g2 == pytest.approx(brute, abs=1e-3), value


def _cli_json(index_dir, *argv) -> dict:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert newsfacet(["search", "--index", str(index_dir), "--json", *argv]) == 0
    return json.loads(out.getvalue())


# --- the engine -----------------------------------------------------------------------------

def test_a_value_found_only_in_the_results_comes_first_not_the_collections_commonest(
        engine, every):
    by_count = engine.search(parse_request({"q": ["zeppelin"]}))["facets"]["outlet"]
    ranked = engine.search(parse_request({"q": ["zeppelin"], "facet_rank": ["distinctive"]}))
    outlets = ranked["facets"]["outlet"]
    # Each outlet has one of the three results: counting ties them, the commonest wins.
    assert [(v["value"], v["count"]) for v in by_count["values"]] == [
        (COMMON, 1), (MIDDLE, 1), (RARE, 1)]
    assert all("g2" not in v for v in by_count["values"])
    _same(_listed(outlets), expected(every, "outlet", "zeppelin"))
    assert [v["value"] for v in outlets["values"]] == [RARE, MIDDLE, COMMON]
    # The outlet of most of the collection is less common in the results: negative, last.
    assert outlets["values"][0]["g2"] > 0 > outlets["values"][-1]["g2"]
    # Nothing is dropped: the same values, distinct and more under both orders.
    assert {k: outlets[k] for k in ("distinct", "missing", "more")} == \
        {k: by_count[k] for k in ("distinct", "missing", "more")}
    assert ranked["query"]["facet_rank"] == "distinctive"
    _same(_listed(ranked["facets"]["author"]), expected(every, "author", "zeppelin"))
    assert ranked["facets"]["author"]["values"][0]["value"] == "Theo Brandt"


def test_the_size_bound_keeps_the_most_distinctive_and_counts_the_rest(engine):
    params = {"q": ["zeppelin"], "facet_size": ["1"]}
    by_count = engine.search(parse_request(params))["facets"]["outlet"]
    ranked = engine.search(parse_request({**params, "facet_rank": ["distinctive"]}))
    outlets = ranked["facets"]["outlet"]
    assert [v["value"] for v in by_count["values"]] == [COMMON]
    assert [v["value"] for v in outlets["values"]] == [RARE]
    assert outlets["more"] == by_count["more"] == 2


def test_selected_values_stay_first_and_other_facets_count_the_narrowed_results(engine, every):
    params = {"q": ["zeppelin"], "outlet": [COMMON], "facet_rank": ["distinctive"]}
    facets = engine.search(parse_request(params))["facets"]
    outlets = facets["outlet"]["values"]
    assert (outlets[0]["value"], outlets[0]["selected"]) == (COMMON, True)
    # An "any of" facet ignores its own selection: the three outlets as before, pinned first.
    rest = expected(every, "outlet", "zeppelin")
    _same(_listed(facets["outlet"])[:1], [r for r in rest if r[0] == COMMON])
    _same(_listed(facets["outlet"])[1:], [r for r in rest if r[0] != COMMON])
    # The author facet counts the one article left, against the whole collection.
    _same(_listed(facets["author"]), expected(every, "author", "zeppelin", {"outlet": [COMMON]}))


def test_the_whole_collection_against_itself_keeps_the_count_order(engine):
    by_count = engine.search(parse_request({}))["facets"]["outlet"]["values"]
    ranked = engine.search(parse_request({"facet_rank": ["distinctive"]}))["facets"]["outlet"]
    assert [v["value"] for v in ranked["values"]] == [v["value"] for v in by_count]
    assert {v["g2"] for v in ranked["values"]} == {0}


def test_facet_rank_round_trips_and_a_bad_value_names_the_parameter():
    req = parse_request({"q": ["zeppelin"], "facet_rank": ["distinctive"]})
    assert ("facet_rank", "distinctive") in req.to_params()
    assert parse_request({k: [v] for k, v in req.to_params()}).facet_rank == "distinctive"
    assert "facet_rank" not in dict(parse_request({"facet_rank": ["count"]}).to_params())
    assert parse_request({}).echo()["facet_rank"] == "count"
    with pytest.raises(SearchError) as caught:
        parse_request({"facet_rank": ["surprising"]})
    assert caught.value.param == "facet_rank" and "distinctive" in caught.value.message


# --- the same through the API, the value list and the command line -------------------------

def test_api_cli_and_engine_agree(engine, client, index_dir):
    params = {"q": "zeppelin", "facet_rank": "distinctive"}
    from_engine = json.loads(json.dumps(engine.search(parse_request(
        {k: [v] for k, v in params.items()}))))
    from_api = client.get("/api/search", query_string=params).get_json()
    from_cli = _cli_json(index_dir, "zeppelin", "--facet-rank", "distinctive")
    assert from_engine["facets"] == from_api["facets"] == from_cli["facets"]


def test_the_value_list_pages_in_the_same_order(client):
    listed = []
    for page in (1, 2, 3):
        response = client.get("/api/facets/outlet", query_string={
            "q": "zeppelin", "facet_rank": "distinctive", "per_page": 1, "page": page})
        assert response.status_code == 200
        body = response.get_json()
        assert body["total"] == body["pages"] == 3
        listed += body["values"]
    search = client.get("/api/search", query_string={
        "q": "zeppelin", "facet_rank": "distinctive"}).get_json()
    assert listed == search["facets"]["outlet"]["values"]
    found = client.get("/api/facets/outlet", query_string={
        "q": "zeppelin", "facet_rank": "distinctive", "contains": "e"}).get_json()
    assert [v["value"] for v in found["values"]] == [RARE, COMMON]   # Mill Post has no e


@pytest.mark.parametrize("path", ["/api/search", "/api/facets/outlet"])
def test_a_bad_facet_rank_is_a_400_naming_it(client, path):
    response = client.get(path, query_string={"q": "zeppelin", "facet_rank": "loudest"})
    assert response.status_code == 400
    assert response.get_json()["error"]["param"] == "facet_rank"


def test_the_command_line_shows_each_values_g2(index_dir, every):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert newsfacet(["search", "--index", str(index_dir), "--color", "never",
                          "zeppelin", "--facet-rank", "distinctive"]) == 0
    line = next(line for line in out.getvalue().splitlines()   # the outlet facet's values
                if line.strip().startswith(f"{RARE} ("))
    rare = expected(every, "outlet", "zeppelin")[0]
    assert f"G² {round(rare[2], 3):g})" in line
    assert line.index(RARE) < line.index(MIDDLE) < line.index(COMMON)
    with pytest.raises(SystemExit):       # argparse refuses another order, naming the choices
        newsfacet(["search", "--index", str(index_dir), "zeppelin", "--facet-rank", "loud"])


# --- the results page's sidebar --------------------------------------------------------------

def test_the_sidebar_switch_keeps_the_search_and_orders_the_values(client, every):
    page = sidebar(client.get("/search?q=zeppelin&page=1").get_data(as_text=True))
    assert page.rank["current"] == "most frequent"
    href = page.rank["links"]["most distinctive"]
    assert href == "/search?q=zeppelin&facet_rank=distinctive#filters"
    assert [v["value"] for v in page.facets["outlet"]["values"]] == [COMMON, MIDDLE, RARE]
    assert all(v["title"] is None for v in page.facets["outlet"]["values"])

    html = client.get(href.split("#")[0]).get_data(as_text=True)
    ranked = sidebar(html)
    assert ranked.rank["current"] == "most distinctive"
    assert ranked.rank["links"] == {"most frequent": "/search?q=zeppelin#filters"}
    outlets = ranked.facets["outlet"]["values"]
    assert [(v["value"], v["count"]) for v in outlets] == [(RARE, 1), (MIDDLE, 1), (COMMON, 1)]
    brute = {v: g2 for v, _, g2 in expected(every, "outlet", "zeppelin")}
    assert outlets[0]["title"].startswith(f"G² {round(brute[RARE], 3)}: more common")
    assert outlets[-1]["title"].startswith(f"G² {round(brute[COMMON], 3)}: less common")
    assert ("facet_rank", "distinctive") in ranked.hidden     # ticking a value keeps the order
    assert "Most distinctive: values far more common in these results than in the whole " \
           "collection first" in " ".join(html.split())
    # The switch keeps the page of hits it was used on.
    second = sidebar(client.get("/search?q=zeppelin&per_page=1&page=2").get_data(as_text=True))
    assert second.rank["links"]["most distinctive"] == \
        "/search?q=zeppelin&per_page=1&facet_rank=distinctive&page=2#filters"


def test_the_page_refuses_a_bad_facet_rank(client):
    response = client.get("/search?q=zeppelin&facet_rank=loudest")
    assert response.status_code == 400
    assert "facet_rank" in response.get_data(as_text=True)


# --- the compare page's distinctive columns use the same measure ----------------------------

def test_compare_columns_and_facet_values_share_one_g2(client):
    columns = client.get("/api/compare", query_string={
        "q": "zeppelin", "field": "author", "rank": "distinctive"}).get_json()["columns"]
    authors = client.get("/api/search", query_string={
        "q": "zeppelin", "facet_rank": "distinctive"}).get_json()["facets"]["author"]["values"]
    assert [(c["value"], c["g2"]) for c in columns] == [(v["value"], v["g2"]) for v in authors]
