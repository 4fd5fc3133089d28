"""Outlets from general evidence: domains, site names, credits, addresses, copyright lines,
reprint notes, and outlet values that name no outlet."""

from __future__ import annotations

import pytest

from newsfacet.search.extract import extract
from newsfacet.search.extract.outlet import (canonical_outlet, copyright_holder, outlet_for_domain,
                                   outlet_from_credit, outlet_from_notes, registrable_domain,
                                   site_of_url, source_from_notes)
from newsfacet.search.model import RawDocument
from newsfacet.search.readers import read_file

BODY = "The harbour authority reopened the northern pier on Tuesday after repairs to its crane."


def txt(text: str, **meta) -> RawDocument:
    return RawDocument(path="a.txt", key="a.txt", text=text, meta=meta, fmt="txt")


def record(**meta) -> RawDocument:
    return RawDocument(path="a.jsonl", key="a.jsonl#0", text=BODY, meta=meta, fmt="json")


@pytest.mark.parametrize("host,expected", [
    ("www.harbour-gazette.com", "harbour-gazette.com"),
    ("news.valley-courier.co.uk", "valley-courier.co.uk"),
    ("HARBOUR-GAZETTE.COM.", "harbour-gazette.com"),
    ("localhost", None), ("127.0.0.1", None), ("gazette", None)])
def test_registrable_domain_needs_no_network(host, expected):
    assert registrable_domain(host) == expected


def test_an_unlisted_url_names_its_site_and_a_listed_one_its_outlet():
    assert site_of_url("https://www.harbour-gazette.com/2024/05/pier.html") == "harbour-gazette.com"
    assert site_of_url("https://www.reuters.com/world/pier") == "Reuters"
    assert site_of_url("not a url") is None
    assert outlet_for_domain("harbour-gazette.com") is None


def test_a_record_with_only_a_url_gets_its_domain_as_outlet():
    art = extract(record(title="Pier reopens", url="https://m.harbour-gazette.com/pier"))
    assert art.outlet == "harbour-gazette.com"


def test_a_site_name_beats_an_unlisted_domain_and_a_listed_domain_beats_a_site_name(tmp_path):
    page = ("<html><head><title>Pier reopens</title>"
            '<meta property="og:site_name" content="Harbour Gazette">'
            '<link rel="canonical" href="https://www.harbour-gazette.com/pier"></head>'
            f"<body><article><h1>Pier reopens</h1><p>{BODY}</p><p>{BODY}</p></article></body></html>")
    path = tmp_path / "pier.html"
    path.write_text(page)
    [raw] = read_file(path)
    assert extract(raw).outlet == "Harbour Gazette"
    raw.meta["url"] = "https://www.apnews.com/article/pier"
    assert extract(raw).outlet == "Associated Press"


@pytest.mark.parametrize("value,expected", [
    ("Update1", None), ("UPDATE 3", None), ("2nd UPDATE", None), ("(wire)", None), ("update", None),
    ("Reuters UPDATE1", "Reuters"), ("Harbour Gazette (wire)", "Harbour Gazette"),
    ("The Associated Press", "Associated Press"), ("www.harbour-gazette.com", "harbour-gazette.com"),
    ("https://www.harbour-gazette.com/pier", "harbour-gazette.com"), ("HarbourGazette.com", "HarbourGazette.com"),
    ("Business Wire", "Business Wire"), ("and then some", None), ("heise online", "heise online"),
    ("the Harbour Gazette", "the Harbour Gazette"), ("the Guardian", "The Guardian"),
    ("world.kbs-news.co.kr", "kbs-news.co.kr"), ("  ", None), (None, None), (["", "Valley Courier"], "Valley Courier")])
def test_canonical_outlet_drops_version_tags_and_keeps_names(value, expected):
    assert canonical_outlet(value) == expected


def test_a_version_tag_in_the_source_field_leaves_the_outlet_to_the_text():
    assert extract(record(title="Pier reopens (Update2)", outlet="Update2")).outlet is None
    art = extract(RawDocument(path="a.jsonl", key="a.jsonl#1", fmt="json", meta={"outlet": "Update1"},
                              text="OSLO (Reuters) - The harbour authority reopened the northern pier."))
    assert art.outlet == "Reuters"


@pytest.mark.parametrize("line,expected", [
    ("OSLO, May 7 (Reuters) - The harbour authority reopened the pier.", "Reuters"),
    ("CAIRO (AP) — A ferry ran aground on Sunday.", "Associated Press"),
    ("Paris (AFP) - Dockers went on strike.", "AFP"),
    ("AP - A ferry ran aground on Sunday.", "Associated Press"),
    ("HALIFAX (Harbour Gazette) - A ferry ran aground.", None),       # not a wire service
    ("The mayor (who was re-elected) - said little.", None)])
def test_wire_credits(line, expected):
    assert outlet_from_credit(line) == expected


@pytest.mark.parametrize("line,expected", [
    ("© 2024 Harbour Gazette. All rights reserved.", "Harbour Gazette"),
    ("Copyright Valley Courier Media Ltd", "Valley Courier Media Ltd"),
    ("Copyright © 2019-2024, Valley Courier", "Valley Courier"),
    ("(c) 2023 The Associated Press", "Associated Press"),
    ("Copyright © Maria Lopez, Harbour Gazette, 2023", "Harbour Gazette"),   # the author is passed over
    ("Copyright © Maria Lopez 2023", None), ("© Harbour Gazette 2021–2024", "Harbour Gazette"),
    ("The harbour holds the copyright to its logo.", None)])
def test_copyright_holders(line, expected):
    assert copyright_holder(line) == expected


def test_notes_contact_address_then_copyright_then_footer():
    assert outlet_from_notes(["Send tips to: newsdesk@harbour-gazette.com"]) == "harbour-gazette.com"
    assert outlet_from_notes(["Contact us: desk@reuters.com", "© 2024 Harbour Gazette"]) == "Reuters"
    assert outlet_from_notes(["© 2024 Harbour Gazette", "She is a regular contributor to Valley Courier."]) \
        == "Harbour Gazette"
    assert outlet_from_notes(["She is a regular contributor to Valley Courier."]) == "Valley Courier"
    assert outlet_from_notes(["Share this story"]) is None


def test_a_reprint_keeps_its_original_apart_from_the_outlet():
    notes = ["This article was originally published at www.valley-courier.org.",
             "Copyright © Maria Lopez, Valley Courier, 2023", "Write to us: letters@harbour-gazette.com"]
    source = source_from_notes(notes)
    assert source == "valley-courier.org"
    assert outlet_from_notes(notes, source) == "harbour-gazette.com"
    assert outlet_from_notes(notes[:2], "Valley Courier") is None


@pytest.mark.parametrize("line,expected", [
    ("This article was originally published on Valley Courier.", "Valley Courier"),
    ("This story was first published by The Associated Press on May 5, 2023.", "Associated Press"),
    ("The article was originally published at https://www.valley-courier.org/story.", "valley-courier.org"),
    ("The original source of this article is Harbour Gazette", "Harbour Gazette")])
def test_originally_published_names_the_source(line, expected):
    assert source_from_notes([line]) == expected


def test_reprint_end_to_end():
    text = ("Pier reopens after repairs\n\n" + BODY + "\n\nThe crane was replaced in March.\n\n"
            "This article was originally published on Valley Courier.\n\n"
            "© 2024 Harbour Gazette. All rights reserved.")
    art = extract(txt(text))
    assert (art.outlet, art.source_outlet) == ("Harbour Gazette", "Valley Courier")
    assert "Harbour Gazette" not in art.text and "originally published" not in art.text
