"""A query the language refuses says what is wrong in plain words and offers a query that
runs: in the API's error (``fix``), on the results page (a link) and on the command line."""

from __future__ import annotations

import contextlib
import io

import pytest

from newsfacet.search.cli import main
from newsfacet.search.engine import Engine
from newsfacet.search.request import SearchError, parse_request
from regional_news import build

REFUSED = [   # (query, words of the message, the fix offered)
    ("harbour AND (", "A bracket is not closed: `harbour AND (`", "harbour"),
    ("harbour) wall", "A bracket is closed that was never opened", "harbour wall"),
    ('"harbour wall', "A quote is not closed", "harbour wall"),
    ("harbour date:[2023 TO", "A range is not closed", "harbour"),
    ("harbour [a TO [b TO c]]", "inside another range", "harbour a b c"),
    ("harbour a TO b]", "A range is closed that was never opened", "harbour a b"),
    ("colour:red harbour", "There is no field 'colour'", "red harbour"),
    (" ".join(f"w{i}" for i in range(40)), "at most 32 are searched",
     " ".join(f"w{i}" for i in range(32))),
    ("h* harbour", "A wildcard needs at least 2 letters", "h harbour"),
    ("harbour~5", "at most 2 edits", "harbour~2"),
    ('"harbour wall"~50', "at most 10 words apart", '"harbour wall"~10'),
    ("harbour date:yesterday", "A date in the query must look like", "harbour"),
    ("harbour date:[ TO ]", "A date range needs at least one end", "harbour"),
    ("harbour date:[* TO *]", "A date range needs at least one end", "harbour"),
    ("harbour date:2023-13", "The date in `date:2023-13` is not a real date", "harbour"),
    ("harbour date:[2023-02-30 TO 2024]", "is not a real date", "harbour"),
    ("harbour^1000", "A boost (word^N) must be between 0 and 100", "harbour"),
]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    return build(tmp_path_factory.mktemp("messages"))


@pytest.mark.parametrize("q, words, fix", REFUSED)
def test_a_refused_query_says_why_and_offers_one_that_runs(index_dir, client, q, words, fix):
    with pytest.raises(SearchError) as err:
        Engine(index_dir).search(parse_request({"q": [q]}))
    assert words in err.value.message and err.value.message[0].isupper()
    assert err.value.fix == fix
    response = client.get("/api/search", query_string={"q": q})
    assert response.status_code == 400
    assert response.get_json()["error"] == {"type": err.value.type, "message": err.value.message,
                                            "param": "q", "fix": fix}
    assert client.get("/api/search", query_string={"q": fix}).status_code == 200


def test_the_page_offers_the_fix_as_a_link(client):
    page = client.get("/search?q=harbour+AND+(")
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert "A bracket is not closed: `harbour AND (`" in html
    assert 'Search <a href="/search?q=harbour">harbour</a> instead.' in html


def test_a_query_without_words_offers_no_fix(client):
    error = client.get("/api/search?q=(").get_json()["error"]
    assert error["fix"] is None and error["message"].startswith("A bracket is not closed")


def test_other_errors_carry_a_null_fix(client):
    error = client.get("/api/search?sort=best").get_json()["error"]
    assert error["param"] == "sort" and error["fix"] is None


def test_the_command_line_prints_the_fix(index_dir):
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(["search", "harbour AND (", "--index", str(index_dir)]) == 2
    assert "A bracket is not closed" in err.getvalue()
    assert "try: newsfacet search harbour" in err.getvalue()
