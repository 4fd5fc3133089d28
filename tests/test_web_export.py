"""The export's options through the real app: a byte-order mark for spreadsheets, a file
name that says what was searched, server paths only when asked, long cells cut with a
marker, and the export left uncompressed so that it still streams."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone
from urllib.parse import unquote

import pytest

from newsfacet.search.indexer import index_paths
from newsfacet.web.app import create_app
from newsfacet.web.export import MAX_CELL

LONG_SENTENCE = "The ferry timetable for the winter season was read aloud at the quay. "
RECORDS = [
    {"title": "Ferry timetable changes", "source": "Harbour Gazette", "date": "2025-02-03",
     "text": LONG_SENTENCE * 600},          # about 42,000 characters: more than a cell holds
    {"title": "Café owners ask for a ferry at dawn", "source": "Harbour Gazette",
     "date": "2025-02-04", "text": "Owners of the café by the quay asked for an earlier ferry."},
    {"title": "Bridge repairs", "source": "Valley Post", "date": "2025-03-01",
     "text": "Repairs to the old bridge start next week, the council said."},
]


@pytest.fixture(scope="module")
def corpus_and_client(tmp_path_factory):
    root = tmp_path_factory.mktemp("export")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "harbour.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS), encoding="utf-8")
    report = index_paths([corpus], root / "index", workers=1)
    assert report.articles == len(RECORDS), report.failed
    return corpus, create_app({"INDEX_DIR": str(root / "index")}).test_client()


@pytest.fixture(scope="module")
def client(corpus_and_client):
    return corpus_and_client[1]


def _csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def test_bom_is_added_only_when_asked(client):
    plain = client.get("/api/export?q=ferry&format=csv").get_data()
    excel = client.get("/api/export?q=ferry&format=csv&bom=1").get_data()
    assert not plain.startswith(b"\xef\xbb\xbf")
    assert excel == b"\xef\xbb\xbf" + plain
    assert "Café owners ask for a ferry at dawn" in excel.decode("utf-8-sig")


@pytest.mark.parametrize("query, param", [
    ("format=jsonl&bom=1", "bom"),
    ("format=csv&bom=yes", "bom"),
    ("format=csv&paths=2", "paths"),
    ("format=csv&bom=1&bom=0", "bom"),
])
def test_bad_export_options_are_a_400_naming_them(client, query, param):
    response = client.get("/api/export?" + query)
    assert response.status_code == 400
    assert response.get_json()["error"]["param"] == param


def test_server_paths_are_left_out_unless_asked(corpus_and_client):
    corpus, client = corpus_and_client
    rows = _csv_rows(client.get("/api/export?format=csv"))
    assert len(rows) == 3 and "path" not in rows[0] and "paths" not in rows[0]
    records = [json.loads(line) for line in
               client.get("/api/export?format=jsonl").get_data(as_text=True).splitlines()]
    assert len(records) == 3 and not any("path" in r or "paths" in r for r in records)
    assert str(corpus) not in client.get("/api/export?format=csv").get_data(as_text=True)

    rows = _csv_rows(client.get("/api/export?format=csv&paths=1"))
    assert [r["path"] for r in rows] == [str(corpus / "harbour.jsonl")] * 3
    records = [json.loads(line) for line in
               client.get("/api/export?format=jsonl&paths=1").get_data(as_text=True).splitlines()]
    assert all(r["paths"] and r["path"] == r["paths"][0] for r in records)


def test_a_cell_longer_than_a_spreadsheet_holds_is_cut_with_a_marker(client):
    row = next(r for r in _csv_rows(client.get("/api/export?q=timetable&format=csv"))
               if r["title"] == "Ferry timetable changes")
    full = json.loads(client.get("/api/export?q=timetable&format=jsonl").get_data(
        as_text=True).splitlines()[0])["text"]
    assert len(full) > MAX_CELL
    text = row["text"]
    assert MAX_CELL - 5 <= len(text) <= MAX_CELL    # the marker's number may be shorter
    kept, marker = text.split(" …[cut: ")
    assert full.startswith(kept)
    assert marker == f"{len(full) - len(kept)} characters]"
    # the short texts are whole, and JSONL is never cut
    assert any(r["text"] == RECORDS[2]["text"] for r in _csv_rows(client.get("/api/export")))


def _disposition(response) -> dict:
    parts = [p.strip() for p in response.headers["Content-Disposition"].split(";")]
    assert parts[0] == "attachment"
    return dict(p.split("=", 1) for p in parts[1:])


def test_the_file_name_says_what_was_searched(client):
    today = datetime.now(timezone.utc).date().isoformat()
    response = client.get("/api/export?q=Belgorod&outlet=Harbour+Gazette&format=csv&bom=1")
    names = _disposition(response)
    assert names["filename"] == f'"newsfacet-belgorod-outlet-harbour-gazette-{today}.csv"'
    assert names["filename*"] == f"UTF-8''newsfacet-belgorod-outlet-harbour-gazette-{today}.csv"

    names = _disposition(client.get("/api/export?q=Харків+café&from=2025-02&format=jsonl"))
    assert names["filename"] == f'"newsfacet-cafe-from-2025-02-{today}.jsonl"'
    assert unquote(names["filename*"].removeprefix("UTF-8''")) == \
        f"newsfacet-харків-café-from-2025-02-{today}.jsonl"

    # nothing but letters, digits and hyphens, whatever was typed
    names = _disposition(client.get('/api/export?q="../../etc/passwd"+%3Cx%3E'))
    assert names["filename"] == f'"newsfacet-etc-passwd-x-{today}.csv"'
    assert _disposition(client.get("/api/export"))["filename"] == f'"newsfacet-{today}.csv"'


def test_pages_are_gzipped_but_the_export_streams_uncompressed(client):
    gzip = {"Accept-Encoding": "gzip"}
    for url in ("/", "/search?q=ferry", "/api/search?q=ferry"):
        response = client.get(url, headers=gzip)
        assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip", url
    for fmt in ("csv", "jsonl"):
        response = client.get(f"/api/export?format={fmt}", headers=gzip, buffered=False)
        assert response.is_streamed and "Content-Encoding" not in response.headers
        first = next(iter(response.response))      # the header row comes before the engine ends
        assert first
        response.close()


def test_results_page_offers_csv_for_excel_and_labels_the_api_view(client):
    html = client.get("/search?q=ferry").get_data(as_text=True)
    assert 'format=csv&amp;bom=1" title="CSV with a byte-order mark' in html
    assert ">CSV for Excel</a>" in html
    assert 'title="This page of results as JSON, from the search API">API (JSON)</a>' in html


def test_the_comparison_s_file_name_says_what_was_compared(client):
    today = datetime.now(timezone.utc).date().isoformat()
    names = _disposition(client.get("/api/compare?q=Харків&field=place&format=csv"))
    assert names["filename"] == f'"newsfacet-compare-place-{today}.csv"'
    assert unquote(names["filename*"].removeprefix("UTF-8''")) == \
        f"newsfacet-compare-place-харків-{today}.csv"
