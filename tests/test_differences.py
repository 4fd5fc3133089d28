"""What differs between an article and its copies: paragraphs removed and added.

The collection is written here: a report on a harbour ferry (eight paragraphs) and three
copies of it (one with a paragraph cut; one with another outlet's header and footer and a
paragraph of its own; one under a new title), plus an unrelated article. Every check goes
through what users see: ``Engine.differences``, ``/api/articles/<id>/differences/<other_id>``,
the page ``/articles/<id>/differences/<other_id>`` and the article page's copies panel.
"""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest
from frontends import exported
from test_web import anchors, get_ok

from newsfacet.search import differences
from newsfacet.search.indexer import index_paths
from newsfacet.search.request import SearchError

FERRY = [
    "The electric ferry between Ostrava Quay and the island of Merel carried its first "
    "passengers on Monday, replacing a diesel boat that had served the crossing since 1987.",
    "Harbour master Ilse Varga said the new vessel takes forty minutes to charge at the quay "
    "and can make six return trips on one charge when the sea is calm.",
    "Islanders had asked for a quieter boat for years, saying the old engine could be heard "
    "from the village square and left a film of oil along the small beach.",
    "The boat was built at a yard in the north of the country and sailed down the coast in "
    "April, stopping at four ports so that crews could learn to handle it.",
    "Tickets keep their old prices for the first year, the ferry company said, although a "
    "monthly pass for island schoolchildren will now be free of charge.",
    "Fishermen on Merel were less pleased, complaining that the new timetable leaves no "
    "morning crossing early enough to bring their catch to the mainland market.",
    "The company said it would add a crossing at five in the morning on market days from "
    "June if enough passengers asked for it through the harbour office.",
    "A second electric boat is planned for the longer route to the outer islands, but the "
    "company said it was still waiting for a grant to pay for a larger battery.",
]
HEADER = "Harbour Gazette, your weekly paper for the coast and the islands"
EXTRA = ("Our reader Tomas Brel wrote in to say <b>the crossing</b> felt smoother & that his "
         "dog, who hated the old boat, slept through the whole trip.")
FOOTER = "Send your stories about life on the islands to the Harbour Gazette newsroom."
CONCERT = [
    "The town choir gave its spring concert in the old grain hall on Saturday, singing "
    "folk songs from the valley in arrangements written by its conductor.",
    "More than three hundred people came, and the choir said the money from the tickets "
    "would pay for new music stands and a trip to a festival abroad.",
]


def _record(title: str, outlet: str, date: str, paragraphs: list[str]) -> dict:
    return {"title": title, "source": outlet, "date": date, "text": "\n\n".join(paragraphs)}


COLLECTION = {
    "original": _record("Electric ferry starts island service", "Coast Wire", "2024-03-04", FERRY),
    "cut": _record("Electric ferry starts island service", "Merel Courier", "2024-03-05",
                   FERRY[:4] + FERRY[5:]),
    "added": _record("Electric ferry starts island service", "Harbour Gazette", "2024-03-06",
                     [HEADER, *FERRY[:6], EXTRA, *FERRY[6:], FOOTER]),
    "retitled": _record("Quiet boat for Merel", "Island Voice", "2024-03-07", FERRY),
    "concert": _record("Choir sings in grain hall", "Coast Wire", "2024-03-08", CONCERT),
}


def write_collection(folder: Path) -> Path:
    """The planted collection as one JSON file per article in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, record in COLLECTION.items():
        (folder / f"{name}.json").write_text(json.dumps(record), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    corpus = write_collection(tmp_path_factory.mktemp("differences") / "corpus")
    index = corpus.parent / "index"
    index_paths([corpus], index, workers=1)
    return index


@pytest.fixture(scope="module")
def ids(index_dir) -> dict[str, str]:
    """Article id by the name of its file."""
    return {Path(r["path"]).stem: r["id"] for r in exported(index_dir)}


def test_the_planted_copies_are_one_story(ids, engine):
    record = engine.article(ids["original"])
    assert sorted(c["id"] for c in record["copies"]) == sorted(ids[n] for n in ("cut", "added",
                                                                               "retitled"))
    assert "same_text" not in record, "the copies are listed once, as the story's copies"
    assert not {c["id"] for c in record["copies"]} & {s["id"] for s in record["similar"]}


def test_a_copy_with_a_paragraph_cut(ids, engine):
    found = engine.differences(ids["original"], ids["cut"])
    assert found["same_story"] is True
    assert (found["article"]["id"], found["article"]["outlet"]) == (ids["original"], "Coast Wire")
    assert (found["other"]["id"], found["other"]["outlet"], found["other"]["published"]) == \
        (ids["cut"], "Merel Courier", "2024-03-05")
    assert (found["common"], found["removed"], found["added"]) == (7, 1, 0)
    assert found["paragraphs"] == {"article": 8, "other": 7} and not found["limited"]
    assert [(p["kind"], p["count"], p["article"], p["other"]) for p in found["parts"]] == [
        ("common", 4, 1, 1), ("removed", 1, 5, None), ("common", 3, 6, 5)]
    removed = found["parts"][1]
    assert removed["text"] == FERRY[4] and removed["after"] == 4
    assert all(p["text"] is None for p in found["parts"] if p["kind"] == "common"), \
        "paragraphs in both are counted, not repeated"

    # seen from the copy, the original's paragraph is one added after its fourth
    back = engine.differences(ids["cut"], ids["original"])
    assert (back["common"], back["removed"], back["added"]) == (7, 0, 1)
    [added] = [p for p in back["parts"] if p["kind"] == "added"]
    assert (added["text"], added["other"], added["after"], added["article"]) == \
        (FERRY[4], 5, 4, None)


def test_a_copy_with_a_header_a_footer_and_a_paragraph_of_its_own(ids, engine):
    found = engine.differences(ids["original"], ids["added"])
    assert (found["common"], found["removed"], found["added"]) == (8, 0, 3)
    added = [(p["text"], p["other"], p["after"]) for p in found["parts"] if p["kind"] == "added"]
    assert added == [(HEADER, 1, 0), (EXTRA, 8, 6), (FOOTER, 11, 8)]


def test_a_copy_under_a_new_title_has_the_same_paragraphs(ids, engine):
    found = engine.differences(ids["original"], ids["retitled"])
    assert (found["common"], found["removed"], found["added"]) == (8, 0, 0)
    assert found["parts"] == [{"kind": "common", "count": 8, "article": 1, "other": 1,
                               "after": 0, "text": None}]
    assert found["other"]["title"] == "Quiet boat for Merel"


def test_any_two_articles_may_be_compared(ids, engine):
    found = engine.differences(ids["original"], ids["concert"])
    assert found["same_story"] is False
    assert (found["common"], found["removed"], found["added"]) == (0, 8, 2)


@pytest.mark.parametrize("first, second, status, param", [
    ("no-such-id", "original", 404, "id"),
    ("original", "no-such-id", 404, "other_id"),
    ("original", "original", 400, "other_id"),
])
def test_unknown_articles_and_an_article_with_itself_are_refused(ids, engine, client, first,
                                                                 second, status, param):
    first, second = ids.get(first, first), ids.get(second, second)
    with pytest.raises(SearchError) as err:
        engine.differences(first, second)
    assert (err.value.status, err.value.param) == (status, param)
    response = client.get(f"/api/articles/{first}/differences/{second}")
    assert response.status_code == status
    assert response.get_json()["error"]["param"] == param
    page = client.get(f"/articles/{first}/differences/{second}")
    assert page.status_code == status and "Traceback" not in page.get_data(as_text=True)
    assert err.value.message in _text(page.get_data(as_text=True))


def test_the_api_answers_what_the_engine_finds(ids, engine, client):
    response = client.get(f"/api/articles/{ids['original']}/differences/{ids['added']}")
    assert response.status_code == 200
    assert response.get_json() == json.loads(json.dumps(
        engine.differences(ids["original"], ids["added"])))


def _text(html: str) -> str:
    """The page's text as a reader sees it: no tags, entities read, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split()).replace(" :", ":")


def test_the_page_lists_removed_and_added_paragraphs_in_words(ids, client):
    html = get_ok(client, f"/articles/{ids['original']}/differences/{ids['added']}")
    text = _text(html)
    assert "What differs from the copy" in text
    assert "8 paragraphs in both" in text and "3 paragraphs added: only in the copy" in text
    assert "Added: paragraph 1 of the copy, before this article's first paragraph" in text
    assert "Added: paragraph 8 of the copy, after this article's paragraph 6" in text
    assert "&lt;b&gt;the crossing&lt;/b&gt; felt smoother &amp; that" in html, "corpus text is escaped"
    assert "<b>the crossing</b>" not in html
    assert FERRY[0] not in text, "paragraphs in both are not repeated"
    links = {a["href"] for a in anchors(html)}
    assert {f"/articles/{ids['original']}", f"/articles/{ids['added']}",
            f"/api/articles/{ids['original']}/differences/{ids['added']}"} <= links

    cut = _text(get_ok(client, f"/articles/{ids['original']}/differences/{ids['cut']}"))
    assert "Removed: paragraph 5 of this article, not in the copy" in cut
    assert FERRY[4] in cut

    other = _text(get_ok(client, f"/articles/{ids['original']}/differences/{ids['concert']}"))
    assert "What differs from the other article" in other and "not copies of one story" in other

    same = _text(get_ok(client, f"/articles/{ids['original']}/differences/{ids['retitled']}"))
    assert "Both have the same paragraphs; only the title differs." in same


def test_the_copies_panel_links_to_what_differs_from_each_copy(ids, client):
    html = get_ok(client, f"/articles/{ids['original']}")
    links = [a["href"] for a in anchors(html, "what-differs")]
    assert sorted(links) == sorted(f"/articles/{ids['original']}/differences/{ids[name]}"
                                   for name in ("cut", "added", "retitled"))
    lone = get_ok(client, f"/articles/{ids['concert']}")
    assert not anchors(lone, "what-differs"), "an article without copies links no comparison"


def test_paragraphs_are_compared_with_their_whitespace_normalised():
    found = differences.compare("Two  words\n\n\n  and   more\t words \n", "Two words\nand more words",
                                100, 10_000)
    assert (found["common"], found["removed"], found["added"]) == (2, 0, 0)
    assert found["paragraphs"] == {"article": 2, "other": 2}


def test_the_work_is_bounded_and_says_so():
    text = "\n".join(f"Paragraph number {n} of a long article." for n in range(50))
    found = differences.compare(text, text.replace("number 40", "number forty"), 30, 100_000)
    assert found["limited"] and found["compared"] == {"article": 30, "other": 30}
    assert found["paragraphs"] == {"article": 50, "other": 50}
    assert (found["common"], found["removed"], found["added"]) == (30, 0, 0)
    by_chars = differences.compare(text, text, 100, 200)
    assert by_chars["limited"] and by_chars["compared"]["article"] < 10
    whole = differences.compare(text, text, 50, 100_000)
    assert not whole["limited"] and whole["common"] == 50


def test_a_repeated_paragraph_cut_once_is_one_removed():
    text = "Opening words.\nAdvertisement\nMiddle words.\nAdvertisement\nClosing words."
    found = differences.compare(text, text.replace("Advertisement\nClosing", "Closing"),
                                100, 10_000)
    assert (found["common"], found["removed"], found["added"]) == (4, 1, 0)
    [removed] = [p for p in found["parts"] if p["kind"] == "removed"]
    assert removed["text"] == "Advertisement"
