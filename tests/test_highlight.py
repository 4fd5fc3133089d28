"""Highlights mark the words a query matched, as the index analysed them, where they start a
word: sentences written here, through ``Highlighter`` on the real schema's analyzer."""

from __future__ import annotations

import pytest

from newsfacet.search.highlight import Highlighter
from newsfacet.search.schema import build_schema


def marked(words: set[str], text: str) -> str:
    return Highlighter(build_schema(), words).full(text)


def test_a_word_is_marked_where_it_starts_a_word_not_inside_another():
    assert marked({"strike"}, "Strikes hit; a counterstrike, then airstrikes; strike.") == \
        "<mark>Strikes</mark> hit; a counterstrike, then airstrikes; <mark>strike</mark>."


def test_a_word_right_after_a_longer_one_that_only_contains_it_is_still_marked():
    # the candidate "strike.strike" inside "counterstrike" is passed over, then the second
    # "strike" found where it starts
    assert marked({"strike"}, "counterstrike.strike") == "counterstrike.<mark>strike</mark>"


def test_text_whose_lowercase_is_longer_is_marked_at_the_right_places():
    # "İ".lower() is two characters: the spans must still be those of the original text
    assert marked({"strike"}, "İzmir dockers strike; İstanbul strikes too") == \
        "İzmir dockers <mark>strike</mark>; İstanbul <mark>strikes</mark> too"


@pytest.mark.parametrize("extra", [0, 300])
def test_many_words_mark_exactly_the_matching_ones(extra):
    # a fuzzy or prefix term stands for many words: the same words are marked with 300 more
    # that the text does not hold
    words = {"governor", "grove", "cover"} | {f"zq{n}x" for n in range(extra)}
    text = "The Governor of Grove County took covers, not government posts."
    assert marked(words, text) == ("The <mark>Governor</mark> of <mark>Grove</mark> County "
                                   "took <mark>covers</mark>, not government posts.")


def test_matched_text_is_escaped_inside_and_outside_the_marks():
    assert marked({"strike"}, "<b>strike</b> & more") == \
        "&lt;b&gt;<mark>strike</mark>&lt;/b&gt; &amp; more"
