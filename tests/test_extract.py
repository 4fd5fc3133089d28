"""Extraction: the seed articles' expected metadata, and each extractor on small inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsfacet.search.extract import extract
from newsfacet.search.extract.authors import authors_from_byline, authors_from_value
from newsfacet.search.extract.dates import find_dates, parse_date_value
from newsfacet.search.extract.outlet import canonical_outlet, outlet_for_domain
from newsfacet.search.extract.text import normalize, strip_site_name
from newsfacet.search.model import RawDocument
from newsfacet.search.readers import read_file

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def seed(number: str):
    [path] = CORPUS.glob(f"{number}_*.txt")
    [raw] = read_file(path)
    return extract(raw)


def raw_txt(text: str, **meta) -> RawDocument:
    return RawDocument(path="x.txt", key="x.txt", text=text, meta=meta, fmt="txt")


def test_seed_002_global_research_reprint():
    art = seed("002")
    assert art.title == "Belgorod Attack Helps Kiev to Disguise Its Military Disaster in Bakhmut"
    assert art.outlet == "Global Research"
    assert art.source_outlet == "InfoBrics"
    assert (art.published, art.date_source) == ("2023-05-23", "byline")
    assert art.authors == ["Lucas Leiroz de Almeida"]
    assert art.mentioned_dates == ["2023-05-22"]   # "on May 22", year from the byline date
    assert art.text.startswith("Two days after the Russians took control")
    for boilerplate in ("Region:", "Theme:", "In-depth Report:", "51 languages", "click here",
                        "Click the share button", "Follow us on", "Featured image", "Copyright",
                        "Disclaimer", "original source", "contains copyrighted material",
                        "media inquiries", "You can follow Lucas", "Become a Member", "Articles by",
                        "](#)", "\n*\n"):
        assert boilerplate not in art.text, boilerplate
    assert "Kiev launched a kind of \"smokescreen\"" in art.text
    assert art.language == "en" and 700 < art.word_count < 900


def test_seed_001_outlet_from_contact_address():
    art = seed("001")
    assert art.title == "Kiev regime insists on targeting Belgorod to mask its military failures in other regions."
    assert art.outlet == "Strategic Culture Foundation"
    assert art.source_outlet is None and art.authors == []
    assert art.published is None and art.date_source is None
    assert art.mentioned_dates == ["2023-12-30", "2024-03"]
    assert "Contact us" not in art.text and "You can follow Lucas" not in art.text
    assert art.text.startswith("Kiev’s persistent attempts")


def test_seed_000_reprint_credits():
    art = seed("000")
    assert art.title.startswith("Russia’s Offensive in Kharkov")
    assert art.outlet == "Global Research"         # "He is a regular contributor to Global Research"
    assert art.source_outlet == "InfoBrics"        # "originally published on InfoBrics"
    assert art.published is None and art.date_source is None
    assert art.authors == ["Lucas Leiroz"]         # no byline: the closing bio paragraph names him
    assert art.mentioned_dates == []               # "On May 12": no year and no publication date
    for boilerplate in ("originally published", "Featured image", "You can follow", "regular contributor"):
        assert boilerplate not in art.text
    assert art.text.endswith("researcher at the Center for Geostrategic Studies, military expert.")


def test_seeds_003_004_have_no_invented_metadata():
    art3, art4 = seed("003"), seed("004")
    assert art3.title == "Russia Targets Ukraine ‘Military’ Sites: Unraveling the Retaliation for Belgorod Attack"
    assert art4.title == "Ukraine continues strikes on Russian city of Belgorod"
    for art in (art3, art4):
        assert art.outlet is None and art.source_outlet is None and art.authors == []
        assert art.published is None and art.date_source is None
    assert art3.mentioned_dates == []
    # "On December 30" and "in November" have no year and there is no publication date
    assert art4.mentioned_dates == ["2022-02"]


def test_id_is_stable_and_content_based(tmp_path):
    assert seed("002").id == seed("002").id
    a = extract(raw_txt("Title\n\nSame body."))
    b = extract(RawDocument(path="other.txt", key="other.txt", text="Title\n\nSame body.", fmt="txt"))
    c = extract(raw_txt("Title\n\nAnother body."))
    assert a.id == b.id != c.id and len(a.id) == 16


def test_given_metadata_wins_over_text():
    raw = RawDocument(path="r.jsonl", key="r.jsonl#1", fmt="json",
                      text="By John Smith\nGlobal Research, May 23, 2023\n\nBody on December 30.",
                      meta={"title": "Given", "published": "2024-01-05T08:00:00", "outlet": "AP",
                            "authors": "Jane Roe and Max Mustermann", "url": "https://x.org/a"})
    art = extract(raw)
    assert art.title == "Given" and art.outlet == "Associated Press"
    assert (art.published, art.date_source) == ("2024-01-05", "metadata")
    assert art.authors == ["Jane Roe", "Max Mustermann"]
    assert art.mentioned_dates == ["2023-12-30"]
    assert art.url == "https://x.org/a"


def test_json_record_outlet_and_empty_date():
    raw = RawDocument(path="c.jsonl", key="c.jsonl#3", fmt="json",
                      text="Showers continued throughout the week in\nthe Bahia cocoa zone.",
                      meta={"title": "BAHIA COCOA REVIEW", "outlet": "BBC"})
    art = extract(raw)
    assert art.outlet == "BBC News" and art.published is None and art.date_source is None
    assert art.title == "BAHIA COCOA REVIEW" and art.text.startswith("Showers")


def test_outlet_from_wire_credit_and_dates_from_text():
    art = extract(raw_txt("Oil prices rise\n\nLONDON (Reuters) - Oil rose on Monday.\n\nPublished on March 3, 2022"))
    assert art.outlet == "Reuters"
    assert (art.published, art.date_source) == ("2022-03-03", "text")


def test_unicode_spaces_and_links_are_normalised():
    art = extract(raw_txt("Title\u00a0here\n\nA\u2009thin\u202fspace and a [link text](https://x.org) and ![img](a.png)."))
    assert art.title == "Title here"
    assert art.text == "A thin space and a link text and ."
    assert normalize("a\u200bb\r\nc\u3000d") == "ab\nc d"


def test_mentions_fill_names_and_aliases():
    art = extract(raw_txt("Title\n\nIn Kharkov the mayor met Kharkiv traders."))
    assert art.places == ["Kharkiv"] and art.organizations == []
    assert art.mentions[0] == {"type": "place", "name": "Kharkiv", "text": "Kharkov", "start": 3, "end": 10,
                               "field": "text"}
    assert set(art.aliases) >= {"Kharkov", "Kharkiv"}


def test_headline_and_dateline_names_are_mentions_of_their_own_fields():
    art = extract(raw_txt("Storm closes the harbour of Lisbon\nPORTO 2023-02-11\n"
                          "Fishing boats stayed in port on Saturday, said Maria Santos, a harbour official.\n"))
    assert art.title == "Storm closes the harbour of Lisbon" and art.published == "2023-02-11"
    where = {m["name"]: m for m in art.mentions}
    assert where["Lisbon"]["field"] == "title"
    assert art.title[where["Lisbon"]["start"]:where["Lisbon"]["end"]] == "Lisbon"
    assert where["Porto"]["field"] == "dateline" and where["Porto"]["text"] == "PORTO"
    assert where["Maria Santos"]["field"] == "text"
    assert art.text[where["Maria Santos"]["start"]:where["Maria Santos"]["end"]] == "Maria Santos"
    assert {"Lisbon", "Porto"} <= set(art.places)


PAGE = """<html><head><meta charset="utf-8"><title>Drone strikes hit Belgorod | Example News</title>
<meta property="og:site_name" content="Example News"><meta name="author" content="Jane Roe">
<meta property="article:published_time" content="2024-01-05T10:00:00Z"></head>
<body><nav><a href="/">Home</a></nav><article><h1>Drone strikes hit Belgorod</h1>
<p>Several drones struck the Russian city of Belgorod on Friday, officials said, damaging homes.</p>
<p>The regional governor said two people were injured and that air defences shot down most drones.</p>
</article></body></html>"""


def test_html_article_end_to_end(tmp_path):
    path = tmp_path / "p.html"
    path.write_text(PAGE)
    [raw] = read_file(path)
    art = extract(raw)
    assert art.title == "Drone strikes hit Belgorod"
    assert art.outlet == "Example News" and art.authors == ["Jane Roe"]
    assert (art.published, art.date_source) == ("2024-01-05", "metadata")
    assert "Several drones struck" in art.text and art.mentioned_dates == []


@pytest.mark.parametrize("value,expected", [
    ("2023-05-23", "2023-05-23"), ("1987-02-26T15:03:27", "1987-02-26"),
    ("Tue, 10 Oct 2023 12:00:00 GMT", "2023-10-10"), ("May 23, 2023", "2023-05-23"),
    (1700000000, "2023-11-14"), ("March 2024", None), ("May 23", None), ("", None),
    ("not a date", None), ("0000-00-00", None), (None, None)])
def test_parse_date_value_never_invents(value, expected):
    assert parse_date_value(value) == expected


def test_find_dates_resolves_years_only_from_publication_date():
    text = "On December 30, strikes hit. In November it was calm. By March 2024 and on 5 May 2023. You may go."
    assert find_dates(text, "2024-01-05") == ["2023-12-30", "2023-11", "2024-03", "2023-05-05"]
    assert find_dates(text, None) == ["2024-03", "2023-05-05"]
    assert find_dates("On Feb 29, a leap day.", "2023-06-01") == ["2020-02-29"]


def test_authors():
    assert authors_from_byline("By Joana Ferreira da Costa") == ["Joana Ferreira da Costa"]
    assert authors_from_byline("By Jane Roe and John Doe | May 5, 2023") == ["Jane Roe", "John Doe"]
    assert authors_from_byline("By the way, this is a sentence") == []
    assert authors_from_value("A. Smith; B. Jones") == ["A. Smith", "B. Jones"]
    assert authors_from_value([{"name": "X Y"}, "X Y", "Z W"]) == ["X Y", "Z W"]


def test_outlets_table():
    assert outlet_for_domain("www.globalresearch.ca") == "Global Research"
    assert outlet_for_domain("news.bbc.co.uk") == "BBC News"
    assert outlet_for_domain("example.org") is None
    assert canonical_outlet({"name": "The Associated Press"}) == "Associated Press"
    assert canonical_outlet("strategic-culture.su") == "Strategic Culture Foundation"
    assert canonical_outlet("Some Local Paper") == "Some Local Paper"


def test_strip_site_name():
    assert strip_site_name("Headline here | CNN Politics", ["CNN", "cnn.com"]) == "Headline here"
    assert strip_site_name("Story title - California Globe", ["California Globe"]) == "Story title"
    assert strip_site_name("Biden wins - again", ["Example"]) == "Biden wins - again"


def test_record_round_trips_to_json():
    assert json.loads(json.dumps(seed("002").to_record()))["outlet"] == "Global Research"


def test_language_detection():
    from newsfacet.search.extract.language import detect_language
    assert detect_language("Die Bundesregierung hat am Mittwoch beschlossen, dass die Steuern "
                           "für alle Bürger gesenkt werden sollen, sagte der Sprecher.") == "de"
    assert detect_language("Shr one dlr vs 73 cts\nNet 12.6 mln vs 15.8 mln\nRevs 337.3 mln vs 315.2 mln") in ("en", None)
    assert detect_language("Too short") is None


def test_wrapped_text_is_not_taken_for_boilerplate_or_header():
    text = ("Year ended December 31, 1986.\nBy Christmas, the company will\nread more than 100 reports and\n"
            "sell its share.\ncontact lenses and the\ncopyright on its software.")
    art = extract(RawDocument(path="r.json", key="r.json#0", fmt="json", text=text, meta={"title": "T"}))
    assert art.text == text
    assert art.published is None and art.authors == []


def test_header_lines_feed_metadata_and_leave_the_text():
    art = extract(raw_txt("Headline\n\nBy Jane Roe and John Doe\nPublished May 5, 2023 10:45 am\n\n"
                          "Share on Facebook\n\nThe story begins here.\n\nRead more: other story"))
    assert art.authors == ["Jane Roe", "John Doe"]
    assert (art.published, art.date_source) == ("2023-05-05", "byline")
    assert art.text == "The story begins here."


def test_given_title_repeated_as_first_line_is_left_out():
    raw = RawDocument(path="p.html", key="p.html", fmt="html", text="A Letter on Justice\nJuly 7, 2020\nThe letter.",
                      meta={"title": "A Letter on Justice", "outlet": "Harper's Magazine",
                            "authors": "Harper's Magazine; Jane Roe; Hamburg"})
    art = extract(raw)
    assert art.title == "A Letter on Justice" and art.text == "The letter."
    assert (art.published, art.date_source) == ("2020-07-07", "byline")
    assert art.authors == ["Jane Roe"]


def test_html_entities_in_exported_text_are_decoded():
    assert normalize("Sunday #39;s game &amp; Smith&#8217;s") == "Sunday's game & Smith’s"
    assert normalize("Issue #1; item #12345;") == "Issue #1; item #12345;"


def test_markdown_headings_lose_their_marks():
    art = extract(raw_txt("# The headline\n\n## A section\n\nText with #hashtag."))
    assert art.title == "The headline" and art.text == "A section\n\nText with #hashtag."


def test_newsroom_credits_are_no_authors():
    from newsfacet.search.extract.authors import authors_from_value
    assert authors_from_value("Metro Staff Report") == []
    assert authors_from_value(["National Desk", "Jane Roe"]) == ["Jane Roe"]
    assert authors_from_value("Jo Lane and Wire Staff") == ["Jo Lane"]
