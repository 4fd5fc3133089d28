"""``Engine.neighbours``: where an article stands among a search's hits, and the hits either
side, for the article page's previous/next links. Checked against the search's own order."""

from __future__ import annotations

import pytest

from newsfacet.search.engine import Engine
from newsfacet.search.request import parse_request
from test_engine import build_index

#: Items of our own: eleven with dates, one without, three outlets, all about a tram line.
RECORDS = [
    {"title": f"Tram line update {n}", "source": ["North Star", "Tram Weekly", "City Desk"][n % 3],
     "date": f"2022-03-{n + 1:02d}",
     "text": f"Update {n} on the new tram line: the track reached stop number {n}."}
    for n in range(11)
] + [{"title": "Tram line rumours", "source": "City Desk",
      "text": "Nobody knows when the tram line opens, the rumours say."}]


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> Engine:
    return Engine(build_index(tmp_path_factory.mktemp("neighbours"), RECORDS))


def _request(**params):
    return parse_request({k: v if isinstance(v, list) else [str(v)] for k, v in params.items()})


@pytest.mark.parametrize("params", [
    {"q": "tram", "sort": "oldest"},
    {"q": "tram line", "sort": "relevance"},
    {"q": "tram", "outlet": ["North Star", "City Desk"], "sort": "newest"},
    {},
])
def test_every_hit_knows_its_place_and_its_neighbours(engine, params):
    everything = engine.search(_request(**params, per_page=100))
    ids = [h["id"] for h in everything["hits"]]
    assert len(ids) >= 4
    per_page = 3
    for i, id in enumerate(ids):
        page = i // per_page + 1
        place = engine.neighbours(_request(**params, per_page=per_page, page=page), id)
        assert place["position"] == i + 1 and place["total"] == len(ids)
        assert place["page"] == page
        previous, following = place["previous"], place["next"]
        assert (previous["id"], previous["page"]) == (ids[i - 1], (i - 1) // per_page + 1) \
            if i else previous is None
        assert (following["id"], following["page"]) == (ids[i + 1], (i + 1) // per_page + 1) \
            if i + 1 < len(ids) else following is None


def test_an_article_past_the_requested_page_or_not_in_the_result_has_no_place(engine):
    ids = [h["id"] for h in engine.search(_request(q="tram", sort="oldest", per_page=100))["hits"]]
    assert engine.neighbours(_request(q="tram", sort="oldest", per_page=2, page=1), ids[5]) is None
    assert engine.neighbours(_request(q="rumours"), ids[0]) is None
    assert engine.neighbours(_request(q="tram"), "no-such-id") is None
