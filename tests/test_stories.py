"""Stories: republished copies of one text share a story; near-misses do not.

The collection is written here: a wire story about a footbridge reprinted three times (with
another outlet's header and footer, with a paragraph cut, under a new title), a second story
printed twice, two near-misses of the first (an article about the same event written
separately, a rewrite of the wire text, and an article keeping two of its paragraphs) and
unrelated articles. Every check goes through
what users see: the engine, ``/api/search``, ``/api/articles/<id>`` and ``newsfacet export``.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from frontends import _cli, article, exported

from newsfacet.search.engine import Engine
from newsfacet.search.indexer import index_paths
from newsfacet.search.request import SearchError, parse_request
from newsfacet.search.stories import Similarities
from newsfacet.web.app import create_app

BRIDGE = [
    "The new footbridge over the Lomna river in Dalbury opened to walkers on Tuesday morning "
    "after eighteen months of work that was twice held up by spring floods.",
    "Town engineer Marta Kollin said the steel span, forty-two metres long, was lifted into "
    "place by two cranes in a single night in September while the river was low.",
    "Shopkeepers on Mill Street had complained that the old crossing, closed since a lorry "
    "struck its railings, cut them off from customers living on the east bank of the river.",
    "The council paid for most of the work from a regional fund for small towns, and a local "
    "rowing club raised money for the lamps that now light the path at night.",
    "Children from the nearby primary school were the first to cross, carrying paper boats "
    "they dropped into the water from the middle of the bridge while a brass band played.",
    "The council says the bridge will be inspected every spring and that cyclists must walk "
    "their bicycles across it until a wider path is built on the north side next year.",
]
HEADER = "Valley Post | Local news you can trust | Subscribe for three euros a month"
FOOTER = ("This story was supplied by a news agency. Copyright Valley Post. All rights "
          "reserved. Follow us on every network and sign up for our morning newsletter.")
# The same opening written separately by a reporter who was there: same event, same names.
OWN_REPORT = [
    "Dalbury finally has its river crossing back. I walked over the Lomna on the new "
    "footbridge on Tuesday with a crowd of neighbours who had waited a year and a half.",
    "Marta Kollin, who oversaw the build for the town, told me the floods of two springs "
    "had been the hardest part, far harder than lifting the steel into place.",
    "On Mill Street the mood was one of relief: the baker said she had lost a third of her "
    "trade since a lorry damaged the old crossing and the east bank stayed away.",
    "Pupils from the primary school were first across, launching paper boats over the "
    "railings, and the rowing club, which paid for the lamps, handed out tea.",
]
# The wire text rewritten by an editor: the same facts in other words.
REWRITE = [
    "Walkers in Dalbury can cross the Lomna again: a footbridge opened on Tuesday, a year "
    "and a half after work began and after two floods delayed it.",
    "According to town engineer Marta Kollin, cranes hoisted the forty-two metre steel "
    "span overnight in September, when the water level had dropped.",
    "Traders in Mill Street had said that the closure of the previous crossing, hit by a "
    "lorry, kept shoppers from the east bank away from their stores.",
    "A regional small-towns fund covered most of the cost; a rowing club paid for the "
    "lights. School children crossed first and a band played as they dropped paper boats.",
]
HARVEST = [
    "Apple growers in the Serin valley expect the smallest harvest in a decade after a late "
    "frost in April killed most of the blossom on the higher orchards.",
    "Growers' association chair Teodor Vasko said that pickers hired for the autumn had been "
    "told to look for work elsewhere, and that some farms would not pick at all this year.",
    "Cider makers, who buy most of the valley's fruit, said they would import apples from "
    "the south to keep their presses running through the winter months.",
    "The regional agriculture office has promised low-interest loans to farms that lost "
    "more than half of their crop, to be paid out before the end of November.",
]
OTHERS = {
    "library": "The town library will open on Sundays from next month, the council decided, "
               "after readers signed a petition asking for longer hours during the exam season "
               "and volunteers offered to staff the reading room in the afternoons.",
    "chess": "A fourteen-year-old from Dalbury won the regional chess championship on Saturday, "
             "beating the defending champion in a long endgame that ended when the older "
             "player's clock ran out with three pawns still on the board.",
    "weather": "Forecasters expect the first snow of the season in the hills above the Serin "
               "valley this weekend, with drivers told to fit winter tyres before crossing "
               "the pass and ski lifts preparing to open a fortnight early.",
}


def _article(title: str, outlet: str, date: str | None, paragraphs) -> dict:
    record = {"title": title, "source": outlet, "text": "\n\n".join(paragraphs)}
    if date:
        record["date"] = date
    return record


def _write(folder: Path, name: str, record: dict) -> Path:
    path = folder / f"{name}.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    return path


COLLECTION = {
    "wire": _article("Footbridge over the Lomna opens", "Northern Wire", "2024-05-14", BRIDGE),
    "post": _article("Footbridge over the Lomna opens", "Valley Post", "2024-05-15",
                     [HEADER, *BRIDGE, FOOTER]),
    "cut": _article("Footbridge over the Lomna opens", "Dalbury Echo", "2024-05-13",
                    BRIDGE[:3] + BRIDGE[4:]),
    "retitled": _article("Walkers welcome new bridge in Dalbury", "Lomna Times", None, BRIDGE),
    "own_report": _article("I crossed the new bridge", "Dalbury Echo", "2024-05-14", OWN_REPORT),
    "rewrite": _article("Dalbury gets its bridge back", "Lomna Times", "2024-05-14", REWRITE),
    # two wire paragraphs kept word for word, the rest the outlet's own: not a copy
    "reworked": _article("Bridge opens after floods", "Hill Herald", "2024-05-16",
                         BRIDGE[:2] + REWRITE[2:] + OWN_REPORT[2:]),
    "harvest": _article("Frost ruins apple harvest", "Northern Wire", "2024-05-20", HARVEST),
    "harvest_post": _article("Apple harvest ruined", "Valley Post", "2024-05-20",
                             [HEADER, *HARVEST, FOOTER]),
    **{name: _article(name.title(), "Dalbury Echo", "2024-05-1" + str(n), [text])
       for n, (name, text) in enumerate(OTHERS.items())},
    # two short notices in the same words, about two different clubs named in their titles
    "notice_rowing": _article("Rowing club annual meeting", "Valley Post", "2024-05-02",
                              ["The annual meeting is on Friday at seven in the hall. "
                               "Members may bring guests."]),
    "notice_chess": _article("Chess club annual meeting", "Valley Post", "2024-05-03",
                             ["The annual meeting is on Friday at seven in the hall. "
                              "Members may bring guests."]),
}


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, record in COLLECTION.items():
        _write(folder, name, record)
    return folder


def _build(corpus: Path, index_dir: Path, **options) -> dict[str, dict]:
    """Index ``corpus`` and return the export's records by the name of their file."""
    index_paths([corpus], index_dir, workers=1, **options)
    return {Path(r["path"]).stem: r for r in exported(index_dir)}


def test_copies_share_a_story_and_near_misses_stay_apart(corpus, tmp_path):
    records = _build(corpus, tmp_path / "ix")
    bridge = ["wire", "post", "cut", "retitled"]
    story = records["wire"]["story"]
    assert story == min(records[name]["id"] for name in bridge)   # the smallest id of its copies
    for name in bridge:
        assert records[name]["story"] == story and records[name]["story_size"] == 4
        assert records[name]["first_copy"] == records["cut"]["id"]   # published first (13 May)
        assert records[name]["story_outlets"] == ["Dalbury Echo", "Lomna Times", "Northern Wire",
                                                  "Valley Post"]
    for name in ("own_report", "rewrite", "reworked", "library", "chess", "weather",
                 "notice_rowing", "notice_chess"):   # notices: too short to tell (MIN_WORDS)
        assert records[name]["story"] == records[name]["id"], f"{name} is not a copy"
        assert records[name]["story_size"] == 1
        assert records[name]["first_copy"] == records[name]["id"]
        assert records[name]["story_outlets"] == [records[name]["outlet"]]
    assert records["harvest"]["story"] == records["harvest_post"]["story"]
    assert records["harvest"]["story_size"] == 2
    # both published on the same day: the smaller id is the first copy
    assert records["harvest"]["first_copy"] == min(records["harvest"]["id"],
                                                   records["harvest_post"]["id"])
    # the article API gives the same story fields as the export
    shown = article(tmp_path / "ix", records["post"]["id"])
    assert {k: shown[k] for k in ("story", "story_size", "first_copy", "story_outlets")} == \
        {k: records["post"][k] for k in ("story", "story_size", "first_copy", "story_outlets")}


def test_removing_the_first_copy_and_adding_one_keep_the_story_right(corpus, tmp_path):
    index_dir = tmp_path / "ix"
    before = _build(corpus, index_dir)
    (corpus / "cut.json").unlink()          # the first copy
    after = _build(corpus, index_dir, prune=True)
    assert "cut" not in after
    remaining = ["wire", "post", "retitled"]
    for name in remaining:
        assert after[name]["story_size"] == 3
        assert after[name]["story"] == min(after[n]["id"] for n in remaining)
        # the wire copy and the own report are both of 14 May: the wire copy is the only copy
        assert after[name]["first_copy"] == after["wire"]["id"]
        assert after[name]["story_outlets"] == ["Lomna Times", "Northern Wire", "Valley Post"]

    # a new reprint joins the story without the others being re-indexed
    _write(corpus, "late", _article("Bridge opens", "Hill Herald", "2024-05-10",
                                    ["By our correspondent", *BRIDGE[1:]]))
    report = index_paths([corpus], index_dir, workers=1)
    assert report.indexed == 1 and report.updated == 0
    latest = {Path(r["path"]).stem: r for r in exported(index_dir)}
    for name in [*remaining, "late"]:
        assert latest[name]["story_size"] == 4
        assert latest[name]["first_copy"] == latest["late"]["id"]
    assert latest["rewrite"]["story_size"] == before["rewrite"]["story_size"] == 1


def test_an_article_without_a_known_date_is_first_only_when_no_copy_has_one(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    _write(folder, "a", _article("Harvest", "Northern Wire", None, HARVEST))
    _write(folder, "b", _article("Harvest", "Valley Post", None, [HEADER, *HARVEST]))
    records = _build(folder, tmp_path / "ix")
    assert records["a"]["first_copy"] == records["b"]["first_copy"] == \
        min(records["a"]["id"], records["b"]["id"])
    _write(folder, "c", _article("Harvest", "Lomna Times", "2030-01-01", HARVEST[1:]))
    records = _build(folder, tmp_path / "ix")
    assert records["a"]["first_copy"] == records["c"]["id"]   # a known date comes first


def _api(index_dir: Path, params: dict) -> dict:
    client = create_app({"INDEX_DIR": str(index_dir)}).test_client()
    response = client.get("/api/search", query_string=params)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    body.pop("took_ms")
    return body


def _engine(index_dir: Path, params: dict) -> dict:
    result = Engine(index_dir).search(parse_request({k: [v] for k, v in params.items()}))
    result.pop("took_ms")
    return json.loads(json.dumps(result))


@pytest.mark.parametrize("params", [
    {},
    {"q": "bridge"},
    {"outlet": "Valley Post"},
    {"q": "river OR apple", "-outlet": "Lomna Times"},
    {"from": "2024-05-14", "to": "2024-05-15"},
])
def test_story_counts_agree_with_the_export(corpus, tmp_path, params):
    index_dir = tmp_path / "ix"
    records = list(_build(corpus, index_dir).values())
    matching = {r["id"] for r in Engine(index_dir).iter_records(
        parse_request({k: [v] for k, v in params.items() if k not in ("outlet", "-outlet")}))}
    base = [r for r in records if r["id"] in matching]   # the query's articles, before filters
    result = _api(index_dir, {**params, "facet_size": "100"})
    assert result == _engine(index_dir, {**params, "facet_size": "100"})

    def kept(r, skip=None):
        if "outlet" in params and skip != "outlet" and r["outlet"] != params["outlet"]:
            return False
        if "-outlet" in params and r["outlet"] == params["-outlet"]:
            return False
        day = r["published"] or ""
        return not ("from" in params and not params["from"] <= day <= params["to"])

    shown = [r for r in base if kept(r)]
    assert result["total"] == len(shown) and result["unit"] == "articles"
    assert result["total_stories"] == len({r["story"] for r in shown})
    # the outlet facet ignores its own selection; every other facet counts the results
    for name, field in (("outlet", "outlet"), ("place", "places"), ("person", "people")):
        counted = [r for r in base if kept(r, skip=name)]
        values = lambda r: [r[field]] if isinstance(r[field], str) else (r[field] or [])  # noqa: E731
        articles = Counter(v for r in counted for v in values(r))
        stories = Counter(v for v, _ in {(v, r["story"]) for r in counted for v in values(r)})
        for entry in result["facets"][name]["values"]:
            if not entry["excluded"]:
                assert (entry["count"], entry["stories"]) == (articles[entry["value"]],
                                                              stories[entry["value"]]), entry
        assert {e["value"] for e in result["facets"][name]["values"]
                if e["count"] and not e["excluded"]} == set(articles)
    assert any(e["stories"] < e["count"] for e in result["facets"]["place"]["values"]) \
        or result["total_stories"] == result["total"]


@pytest.mark.parametrize("sort", ["newest", "oldest", "relevance"])
def test_collapse_shows_each_story_once_with_exact_paging(corpus, tmp_path, sort):
    index_dir = tmp_path / "ix"
    records = {r["id"]: r for r in _build(corpus, index_dir).values()}
    query = {"q": "bridge OR river OR apple OR council OR valley", "sort": sort}
    everything = _api(index_dir, {**query, "per_page": "100"})
    order = [hit["id"] for hit in everything["hits"]]
    collapsed = []
    page = 1
    while True:
        body = _api(index_dir, {**query, "collapse": "story", "per_page": "2", "page": str(page)})
        assert body == _engine(index_dir, {**query, "collapse": "story", "per_page": "2",
                                           "page": str(page)})
        assert body["unit"] == "stories" and body["query"]["collapse"] == "story"
        assert body["total"] == body["total_stories"] == everything["total_stories"]
        assert body["facets"]["outlet"] == everything["facets"]["outlet"]   # facets count articles
        collapsed += body["hits"]
        if not body["next"]:
            break
        assert "collapse=story" in body["next"]
        page += 1
    assert len(collapsed) == everything["total_stories"] < everything["total"]
    assert len({hit["story"] for hit in collapsed}) == len(collapsed)
    # each story's hit is its best-ranked copy, and the stories come in the order of those
    expected = []
    for art_id in order:
        if records[art_id]["story"] not in {records[e]["story"] for e in expected}:
            expected.append(art_id)
    assert [hit["id"] for hit in collapsed] == expected
    for hit in collapsed:
        copies = [r for r in records.values() if r["story"] == hit["story"] and r["id"] in order]
        assert hit["copies"] == len(copies)
        assert hit["also_published_by"] == sorted({r["outlet"] for r in copies} - {hit["outlet"]})
    bridge = next(hit for hit in collapsed if hit["copies"] == 4)
    assert bridge["story_size"] == 4 and len(bridge["also_published_by"]) == 3


def test_collapse_is_checked_and_offered_by_the_command_line(corpus, tmp_path):
    index_dir = tmp_path / "ix"
    _build(corpus, index_dir)
    with pytest.raises(SearchError) as bad:
        parse_request({"collapse": ["outlet"]})
    assert bad.value.param == "collapse" and "story" in bad.value.message
    response = create_app({"INDEX_DIR": str(index_dir)}).test_client().get(
        "/api/search?collapse=outlet")
    assert response.status_code == 400
    assert response.get_json()["error"]["param"] == "collapse"
    code, out = _cli(["search", "footbridge", "--index", str(index_dir), "--collapse", "story"])
    assert code == 0
    assert out.startswith("4 stories") and "4 copies; also published by" in out
    code, out = _cli(["search", "footbridge", "--index", str(index_dir)])
    assert out.startswith("7 results in 4 stories") and "4 copies in the index" in out


def test_the_build_keeps_the_compared_pairs_and_a_server_does_without_them(corpus, tmp_path):
    index_dir = tmp_path / "ix"
    records = _build(corpus, index_dir)
    kept = Similarities.load(index_dir).known
    joined = {n for (a, b), s in kept.items() if s >= 0.5 for n in (a, b)}
    bridge = {int(records[name]["id"], 16) for name in ("wire", "post", "cut", "retitled")}
    assert bridge <= joined and int(records["rewrite"]["id"], 16) not in joined
    (index_dir / Similarities.FILE).write_bytes(b"not a numpy file")   # damaged: compared again
    assert {Path(r["path"]).stem: r for r in exported(index_dir)} == records
    (index_dir / Similarities.FILE).unlink()
    assert {Path(r["path"]).stem: r for r in exported(index_dir)} == records
    _write(corpus, "extra", _article("Frost", "Hill Herald", "2024-06-01", HARVEST[:3]))
    index_paths([corpus], index_dir, workers=1)   # the next build writes them again
    assert len(Similarities.load(index_dir).known) >= 2


def _paragraphs(story: int, count: int) -> list[str]:
    """``count`` paragraphs of 30 words that no other story shares."""
    return [" ".join(f"s{story}p{p}w{w}" for w in range(30)) + "." for p in range(count)]


def test_an_identical_reprint_joins_its_story_without_its_text_being_compared():
    from newsfacet.search import stories
    wire = "\n\n".join(BRIDGE)
    texts = [wire, wire, "\n\n".join(BRIDGE[:3] + BRIDGE[4:]),        # a reprint; a paragraph cut
             "\n\n".join(BRIDGE[:3] + HARVEST[:3])]                     # half of it: another article
    signatures = np.frombuffer(b"".join(stories.signature(t) for t in texts), "<u4").reshape(4, -1)
    similarities = Similarities()
    roots = stories.group(signatures, similarities.judge(np.arange(4), texts.__getitem__))
    assert roots.tolist() == [0, 0, 0, 3]
    assert (0, 1) not in similarities.known                       # agreeing on every value
    assert {(0, 2), (1, 2)} & similarities.known.keys()           # a cut paragraph: compared


def test_each_article_s_shingles_are_made_once_while_the_pairs_are_compared(monkeypatch):
    """Three sources, each printed whole and as three articles keeping 5 of its 8 paragraphs
    (near-misses: compared, never joined), their rows interleaved; with room for one
    source's shingles at a time, each text is still read once."""
    from newsfacet.search import stories
    monkeypatch.setattr(stories, "SHINGLE_CACHE", 4)
    texts = []
    for variant in range(4):
        for story in range(3):
            whole = _paragraphs(story, 8)
            texts.append("\n\n".join(whole if not variant else whole[:variant] + whole[variant + 3:]))
    signatures = np.frombuffer(b"".join(stories.signature(t) for t in texts), "<u4").reshape(12, -1)
    read = Counter()

    def text_of(row: int) -> str:
        read[row] += 1
        return texts[row]

    similarities = Similarities()
    roots = stories.group(signatures, similarities.judge(np.arange(12), text_of))
    assert roots.tolist() == list(range(12))          # near-misses stay apart
    assert similarities.compared >= 9                 # each source's whole text and its three
    assert max(read.values()) == 1
