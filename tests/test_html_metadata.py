"""Web pages' publication dates and headlines, on small pages written here."""

from __future__ import annotations

from htmldate.utils import load_html

from newsfacet.search.extract import extract
from newsfacet.search.extract.dates import page_date
from newsfacet.search.extract.text import is_boilerplate, page_title
from newsfacet.search.model import RawDocument
from newsfacet.search.readers import read_file

BODY = ("<p>The harbour committee met on a wet evening to argue about the new ferry timetable, "
        "and most of the town seemed to have an opinion about it.</p>"
        "<p>After two hours the members agreed to try the later sailings for one season and "
        "to count the passengers before deciding anything for good.</p>")
GERMAN_BODY = ("<p>Der Stadtrat hat am Abend lange über den neuen Fahrplan der Fähre gestritten, "
               "und fast alle im Ort hatten dazu eine Meinung.</p>"
               "<p>Nach zwei Stunden einigten sich die Mitglieder darauf, die späteren Fahrten "
               "eine Saison lang zu erproben.</p>")


def page(head: str = "", body: str = BODY, lang: str = "en", before: str = "", after: str = "") -> str:
    return (f'<html lang="{lang}"><head><meta charset="utf-8">{head}</head>'
            f"<body>{before}<article>{body}</article>{after}</body></html>")


def date_of(html: str) -> str | None:
    return page_date(html, load_html(html))


def read_page(tmp_path, html: str) -> RawDocument:
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    [doc] = read_file(path)
    assert isinstance(doc, RawDocument)
    return doc


# --- dates ---------------------------------------------------------------------------

def test_date_in_a_comment_of_the_raw_page_is_read():
    # a parser that drops comments would find no date at all here
    assert date_of(page("<!-- page built 2021-03-04T10:15:00 -->")) == "2021-03-04"


def test_json_ld_date_is_read_when_htmldate_finds_none():
    ld = '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "20210304T101500+0100"}</script>'
    assert date_of(page(ld)) == "2021-03-04"


def test_json_ld_inside_a_graph_is_read_but_not_nested_items():
    ld = ('<script type="application/ld+json">{"@graph": [{"@type": "NewsArticle", '
          '"datePublished": "20220709T080000+0200", "hasPart": {"datePublished": "20010101T000000Z"}}]}</script>')
    assert date_of(page(ld)) == "2022-07-09"


def test_january_first_guessed_from_a_bare_year_is_discarded():
    assert date_of(page(after="<footer>© 2019 The Harbour Gazette</footer>")) is None


def test_january_first_written_in_full_is_kept():
    assert date_of(page(before="<p>Posted 2019-01-01</p>",
                        after="<footer>© 2019 The Harbour Gazette</footer>")) == "2019-01-01"


def test_local_offset_beats_utc_for_the_same_moment():
    # 01:30 in Tokyo on 5 March is 16:30 UTC on 4 March: the local day is the publication day
    head = ('<meta property="article:published_time" content="2021-03-04T16:30:00Z">'
            '<script type="application/ld+json">{"@type": "NewsArticle", '
            '"datePublished": "2021-03-05T01:30:00+09:00"}</script>')
    assert date_of(page(head)) == "2021-03-05"


def test_stated_publication_beats_a_modification_day_the_page_does_not_show():
    head = ('<meta name="date" content="2020-02-11T08:00:00Z">'
            '<meta property="og:article:published_time" content="2020-02-09T12:00:00Z">'
            '<meta property="og:article:modified_time" content="2020-02-11T08:00:00Z">')
    assert date_of(page(head)) == "2020-02-09"


def test_modification_day_shown_as_the_page_date_is_kept():
    head = ('<meta name="date" content="2020-02-11T08:00:00Z">'
            '<meta property="article:published_time" content="2020-02-09T12:00:00Z">'
            '<meta property="article:modified_time" content="2020-02-11T08:00:00Z">')
    assert date_of(page(head, before="<p>Tuesday, 11 February 2020</p>")) == "2020-02-11"


def test_german_page_date_written_in_words():
    assert date_of(page(body="<p>Veröffentlicht am 4. März 2021</p>" + GERMAN_BODY, lang="de")) == "2021-03-04"


def test_reader_gives_the_page_date(tmp_path):
    ld = '<script type="application/ld+json">{"datePublished": "2023-08-30T23:40:00-05:00"}</script>'
    assert read_page(tmp_path, page(ld)).meta["published"] == "2023-08-30"


# --- titles ----------------------------------------------------------------------------

SITES = ["Harbour Gazette", "harbourgazette.example"]


def test_h1_matching_the_title_without_site_name_is_taken():
    assert page_title("Ferry timetable splits the town | Harbour Gazette", "Ferry row",
                      ["Harbour Gazette", "Ferry Timetable Splits the Town"], SITES) \
        == "Ferry Timetable Splits the Town"


def test_title_is_taken_over_an_h1_with_a_section_name_before_it():
    assert page_title("Ferry timetable splits the town - Harbour Gazette", None,
                      ["Local | Ferry timetable splits the town"], SITES) == "Ferry timetable splits the town"


def test_og_title_when_no_h1_matches():
    assert page_title("Harbour Gazette", "Ferry timetable splits the town",
                      ["Menu", "Weather"], SITES) == "Ferry timetable splits the town"


def test_only_h1_on_the_subject_is_the_headline():
    assert page_title("Town argues over ferry timetable", "Town argues over ferry timetable",
                      ["Ferry timetable trial agreed after long town meeting"], SITES) \
        == "Ferry timetable trial agreed after long town meeting"


def test_only_h1_on_another_subject_is_not_the_headline():
    assert page_title("Town argues over ferry timetable", None,
                      ["Your local news since eighteen ninety"], SITES) == "Town argues over ferry timetable"


def test_reader_gives_the_headline(tmp_path):
    head = ("<title>Ferry timetable splits the town | Harbour Gazette</title>"
            '<meta property="og:site_name" content="Harbour Gazette">'
            '<meta property="og:title" content="Ferry row: what happens next">')
    doc = read_page(tmp_path, page(head, before="<h1>Ferry timetable splits the town</h1>"))
    assert doc.meta["title"] == "Ferry timetable splits the town"


# --- boilerplate ------------------------------------------------------------------------

def test_newsletter_promo_and_letters_prompt_leave_the_text():
    text = ("The ferry will run later on Sundays from June.\n\n"
            "Sign up for the Morning Tide newsletter to get local stories in your inbox.\n\n"
            "Get our best reporting delivered straight to your inbox.\n\n"
            "Tags: [Ferries](/t/ferries), [Harbour](/t/harbour)\n\n"
            "The committee will review the numbers in October.\n\n"
            "We want to hear what you think about this story. Send a note to the editors.\n\n"
            "Submit a letter to the editor about the timetable.")
    art = extract(RawDocument(path="p.html", key="p.html", fmt="html", text=text, meta={}))
    assert art.text == ("The ferry will run later on Sundays from June.\n\n"
                        "The committee will review the numbers in October.")


def test_sentence_about_signing_up_is_kept():
    assert not is_boilerplate("Sign up for the ferry pass was slow, the operator said, with few takers.")
    assert not is_boilerplate("We would like to hear from the minister, the councillor said.")
    assert not is_boilerplate("Voters who register before May will get alerts about polling stations.")
    assert not is_boilerplate("Newsletter sales rose by a third last year, the publisher said.")
    assert not is_boilerplate("What do you think of that, asked the judge.")


# --- authors ----------------------------------------------------------------------------

def test_closing_bio_paragraph_names_the_author():
    art = extract(RawDocument(path="a.txt", key="a.txt", fmt="txt", meta={}, text=(
        "Ferry timetable trial agreed\n\nThe committee agreed to try later sailings.\n\n"
        "Passengers will be counted all summer.\n\n"
        "Maria Lindqvist is a freelance reporter who covers coastal towns.")))
    assert art.authors == ["Maria Lindqvist"]


def test_bio_of_several_writers_gives_each_of_them():
    art = extract(RawDocument(path="a.txt", key="a.txt", fmt="txt", meta={}, text=(
        "Ferry timetable trial agreed\n\nThe committee agreed to try later sailings.\n\n"
        "Maria Lindqvist and Thomas Berg are researchers at a maritime institute.")))
    assert art.authors == ["Maria Lindqvist", "Thomas Berg"]


def test_closing_paragraph_about_someone_else_names_no_author():
    art = extract(RawDocument(path="a.txt", key="a.txt", fmt="txt", meta={}, text=(
        "Ferry timetable trial agreed\n\nThe committee agreed to try later sailings.\n\n"
        "Maria Lindqvist is a deckhand on the morning boat.")))
    assert art.authors == []


def test_company_owning_the_page_is_not_an_author(tmp_path):
    head = ('<meta name="author" content="Harbour Media Group; Maria Lindqvist">'
            '<meta name="copyright" content="Copyright (c) Harbour Media Group 2024">')
    raw = read_page(tmp_path, page(head))
    assert extract(raw).authors == ["Maria Lindqvist"]


def test_contributors_listed_in_metadata_stay_separate_people():
    raw = RawDocument(path="p.html", key="p.html", fmt="html", text="The committee met.",
                      meta={"authors": ["Maria Lindqvist", "Thomas Berg", "Ann Lee"]})
    assert extract(raw).authors == ["Maria Lindqvist", "Thomas Berg", "Ann Lee"]


def test_date_under_the_headline_beats_dates_in_other_teasers():
    # no date in the metadata: the byline under the headline says when the story appeared
    # (htmldate alone takes the first teaser's date here)
    before = ('<h1>Harbour Gazette</h1><h1>Committee agrees to a ferry timetable trial</h1>'
              '<p class="date">Written: 2023-04-12 09:30 / Updated: 2023-04-12 10:05</p>')
    after = ('<aside><p class="date">2023-04-02</p><h3>Older story</h3>'
             '<p class="date">2023-03-28</p><h3>Another story</h3></aside>')
    assert date_of(page(before=before, after=after)) == "2023-04-12"


def test_date_in_a_sentence_under_the_headline_is_not_its_byline_date():
    before = ('<h1>Committee agrees to a ferry timetable trial</h1>'
              '<p>The old timetable, first printed on March 3, 2009, had not changed in years.</p>'
              '<p>April 12, 2023</p>')
    assert date_of(page(before=before)) == "2023-04-12"
