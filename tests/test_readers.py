"""Readers: every format on small files written here, and bad input that must not stop a run."""

from __future__ import annotations

import gzip
import json
import os
from dataclasses import replace

import pytest

from newsfacet.search import readers
from newsfacet.search.model import RawDocument
from newsfacet.search.readers import UNSUPPORTED, ReadProblem, iter_files, printable, read_file

PAGE = """<html lang="en"><head><meta charset="utf-8">
<title>Drone strikes hit Belgorod | Example News</title>
<meta property="og:site_name" content="Example News">
<meta property="og:title" content="Drone strikes hit Belgorod">
<meta name="author" content="Jane Roe">
<meta property="article:published_time" content="2024-01-05T10:00:00Z">
</head><body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Drone strikes hit Belgorod</h1>
<p>Several drones struck the Russian city of Belgorod on Friday, officials said, damaging
homes and a school near the main square.</p>
<p>The regional governor said two people were injured and that air defences had shot
down most of the drones before they reached the city centre.</p>
<p>Residents described hearing explosions for more than an hour during the night.</p>
</article><footer>Copyright 2024 Example News. Subscribe to our newsletter.</footer></body></html>"""


def read_all(path):
    return list(read_file(path))


def test_txt_file_is_one_article(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Title line\n\nBody text here.\n", encoding="utf-8")
    [doc] = read_all(path)
    assert isinstance(doc, RawDocument)
    assert doc.key == str(path) and doc.path == str(path) and doc.fmt == "txt"
    assert "Body text here." in doc.text


def test_txt_front_matter_gives_metadata(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Title: The real title\nDate: 2023-05-23\nSource: Reuters\n\nFirst line of body.\n")
    [doc] = read_all(path)
    assert doc.meta == {"title": "The real title", "published": "2023-05-23", "outlet": "Reuters"}
    assert doc.text.strip() == "First line of body."


def test_html_page_text_and_metadata(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    [doc] = read_all(path)
    assert isinstance(doc, RawDocument) and doc.fmt == "html"
    assert "Several drones struck" in doc.text
    assert "Home" not in doc.text.split() and "Subscribe" not in doc.text
    assert doc.meta["published"] == "2024-01-05"
    assert doc.meta["outlet"] == "Example News"
    assert "Jane Roe" in doc.meta["authors"]


def test_html_without_body_text_is_a_problem(tmp_path):
    path = tmp_path / "empty.htm"
    path.write_text("<html><head><title>Nothing</title></head><body><nav>Home</nav></body></html>")
    [problem] = read_all(path)
    assert isinstance(problem, ReadProblem)
    assert problem.key == str(path) and "no article text" in problem.reason


def test_json_object_fields_are_understood(tmp_path):
    path = tmp_path / "one.json"
    path.write_text(json.dumps({
        "headline": "Strikes on Belgorod", "maintext": "Body of the story.",
        "date_publish": "2024-01-05 10:00:00", "publisher": {"name": "Example News"},
        "byline": ["Jane Roe", "John Doe"], "link": "https://example.com/a"}))
    [doc] = read_all(path)
    assert doc.key == str(path) and doc.fmt == "json"
    assert doc.text == "Body of the story."
    assert doc.meta == {"title": "Strikes on Belgorod", "published": "2024-01-05 10:00:00",
                        "outlet": {"name": "Example News"}, "authors": ["Jane Roe", "John Doe"],
                        "url": "https://example.com/a"}


def test_json_list_keys_by_index(tmp_path):
    path = tmp_path / "list.json"
    path.write_text(json.dumps([{"title": "One", "body": "First."}, "not a record",
                                {"title": "Three", "content": "Third."}]))
    docs = read_all(path)
    assert [d.key for d in docs] == [f"{path}#0", f"{path}#1", f"{path}#2"]
    assert isinstance(docs[1], ReadProblem) and "expected a JSON object" in docs[1].reason
    assert docs[2].text == "Third."


def test_invalid_json_file_is_one_problem(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"title": "x", ')
    [problem] = read_all(path)
    assert problem.key == str(path) and "invalid JSON at line 1" in problem.reason


def test_jsonl_bad_line_is_reported_and_reading_goes_on(tmp_path):
    path = tmp_path / "many.jsonl"
    path.write_text('{"title": "A", "text": "one"}\n{"title": "B", "text": \n\n'
                    '{"title": "C", "text": "three", "source": "AP"}\n{"foo": 1}\n')
    docs = read_all(path)
    assert [d.key for d in docs] == [f"{path}#1", f"{path}#2", f"{path}#4", f"{path}#5"]
    assert isinstance(docs[1], ReadProblem) and docs[1].reason.startswith("invalid JSON at line 2")
    assert docs[2].text == "three" and docs[2].meta["outlet"] == "AP"
    assert isinstance(docs[3], ReadProblem) and "no text" in docs[3].reason


@pytest.mark.parametrize("name", ["a.txt.gz", "a.jsonl.gz", "a.json.gz", "a.html.gz"])
def test_gzipped_files_are_read(tmp_path, name):
    content = {"a.txt.gz": "Title\n\nGzipped body.\n",
               "a.jsonl.gz": '{"title": "T", "text": "Gzipped body."}\n',
               "a.json.gz": '[{"title": "T", "text": "Gzipped body."}]',
               "a.html.gz": PAGE}[name]
    path = tmp_path / name
    path.write_bytes(gzip.compress(content.encode("utf-8")))
    [doc] = read_all(path)
    assert isinstance(doc, RawDocument)
    assert "Gzipped body." in doc.text or "Several drones" in doc.text


def test_corrupt_gzip_is_a_problem(tmp_path):
    path = tmp_path / "broken.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"title": "T", "text": "x"}\n' * 100)[:60])
    results = read_all(path)
    assert isinstance(results[-1], ReadProblem) and "could not be read" in results[-1].reason


def test_empty_and_binary_files_are_problems(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    [p1] = read_all(empty)
    [p2] = read_all(binary)
    assert p1.key == str(empty) and "empty" in p1.reason
    assert p2.key == str(binary) and p2.reason.startswith("binary file")


def test_cp1252_and_bom_files_decode(tmp_path):
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Caf\u00e9 \u201cquoted\u201d \u2013 na\u00efve\n\nBody".encode("cp1252"))
    bom = tmp_path / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbfTitle\n\nBody")
    [d1] = read_all(latin)
    [d2] = read_all(bom)
    assert d1.text.startswith("Caf\u00e9 \u201cquoted\u201d \u2013 na\u00efve")
    assert d2.text.startswith("Title")


def test_undecodable_bytes_do_not_stop_reading(tmp_path):
    path = tmp_path / "mixed.txt"
    path.write_bytes(b"Title \x81\x8d\x9d here\n\nBody \xff\xfe text")
    [doc] = read_all(path)
    assert doc.text.startswith("Title") and "Body" in doc.text


def test_huge_text_file_is_cut(tmp_path):
    path = tmp_path / "huge.txt"
    line = ("word " * 19 + "end\n").encode()
    with path.open("wb") as fh:
        fh.write(b"Huge title\n\n")
        for _ in range(50_000_000 // len(line)):
            fh.write(line)
    [doc] = read_all(path)
    assert doc.meta["truncated"] is True
    assert 500_000 < len(doc.text) <= 1_000_000 and doc.text.endswith("end")


def test_iter_files_walks_folders_and_skips_other_types(tmp_path):
    (tmp_path / "sub" / ".git").mkdir(parents=True)
    for name in ("b.txt", "sub/a.HTML", "sub/c.jsonl.gz", "notes.pdf", "sub/.git/x.txt", "data.csv"):
        (tmp_path / name).write_text("x")
    files, skipped = iter_files([tmp_path])
    rel = [str(p.relative_to(tmp_path)) for p in files]
    assert rel == ["b.txt", "sub/a.HTML", "sub/c.jsonl.gz"]
    assert [(p.name, why) for p, why in skipped] == [("data.csv", UNSUPPORTED), ("notes.pdf", UNSUPPORTED)]


def test_iter_files_missing_path_raises(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.txt"):
        iter_files([tmp_path / "nope.txt"])


def test_binary_jsonl_is_one_problem(tmp_path):
    path = tmp_path / "photo.jsonl"
    path.write_bytes((b"\x00\x01\x02binary\n") * 1000)
    [problem] = read_all(path)
    assert problem.key == str(path) and problem.reason.startswith("binary file")


def test_json_export_wrapping_a_list(tmp_path):
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"articles": [{"title": "A", "text": "one"}, {"title": "B", "text": "two"}]}))
    docs = read_all(path)
    assert [(d.key, d.text) for d in docs] == [(f"{path}#0", "one"), (f"{path}#1", "two")]


def test_utf16_file_with_bom_decodes(tmp_path):
    path = tmp_path / "utf16.txt"
    path.write_bytes("Заголовок\n\nТекст статьи.".encode("utf-16"))
    [doc] = read_all(path)
    assert doc.text.startswith("Заголовок")


# --- walking folders: symbolic links, loops, special files ---------------------------------

def _tree_with_links(tmp_path):
    """corpus/ with a story, a link to a file outside, a link to a folder outside and a
    link back up to corpus/ itself (a loop)."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("Private notes\n\nNot part of the corpus.\n")
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "story.txt").write_text("A story\n\nAbout Kharkiv.\n")
    (corpus / "linked.txt").symlink_to(outside / "secret.txt")
    (corpus / "elsewhere").symlink_to(outside)
    (corpus / "sub" / "loop").symlink_to(corpus)
    (corpus / "dangling.txt").symlink_to(tmp_path / "nothing-here.txt")
    return corpus, outside


def test_symbolic_links_are_not_followed_by_default_and_listed_with_why(tmp_path):
    corpus, _ = _tree_with_links(tmp_path)
    files, skipped = iter_files([corpus])
    assert files == [corpus.resolve() / "story.txt"]
    why = {p.name: reason for p, reason in skipped}
    assert set(why) == {"linked.txt", "elsewhere", "loop", "dangling.txt"}
    assert all(reason.startswith("symbolic link, not followed") for reason in why.values())


def test_follow_symlinks_reads_each_file_once_and_stops_at_loops(tmp_path):
    corpus, outside = _tree_with_links(tmp_path)
    (corpus / "again.txt").symlink_to(corpus / "story.txt")    # a second name for one file
    files, skipped = iter_files([corpus], follow_symlinks=True)
    assert files == sorted([corpus.resolve() / "story.txt", outside.resolve() / "secret.txt"])
    why = {p.name: reason for p, reason in skipped}
    assert why["dangling.txt"] == "broken symbolic link"
    assert why["loop"].startswith("symbolic link to a folder already read")


def test_a_pipe_is_skipped_not_read(tmp_path):
    (tmp_path / "story.txt").write_text("A story\n\nAbout Kharkiv.\n")
    os.mkfifo(tmp_path / "feed.jsonl")          # reading it would wait for ever
    files, skipped = iter_files([tmp_path])
    assert [p.name for p in files] == ["story.txt"]
    assert [(p.name, why) for p, why in skipped] == [
        ("feed.jsonl", "not a regular file (a pipe, socket or device)")]


# --- hostile files: bounded memory and time, a clear reason ---------------------------------

def _gzip_bomb(path, inflated_mb: int, line: bytes = b" ") -> None:
    """A gzip file of many copies of one member (each 1 MB of ``line`` repeated): a few kB
    on disk, ``inflated_mb`` MB once inflated."""
    member = gzip.compress(line * (1_000_000 // len(line)), 9)
    with open(path, "wb") as fh:
        for _ in range(inflated_mb):
            fh.write(member)


@pytest.mark.parametrize("name", ["bomb.jsonl.gz", "bomb.txt.gz", "bomb.json.gz", "bomb.html.gz"])
def test_a_gzip_bomb_is_refused(tmp_path, name):
    path = tmp_path / name
    _gzip_bomb(path, 4000, b'{"title": "Same", "text": "The same record again and again."}\n')
    results = read_all(path)    # 4 GB once inflated: refused after a few MB
    assert isinstance(results[-1], ReadProblem) and results[-1].key == str(path)
    assert "gzip bomb" in results[-1].reason
    assert len(results) < 20_000    # of 66 million


def test_a_well_compressed_real_file_is_not_a_bomb(tmp_path):
    path = tmp_path / "feed.jsonl.gz"
    rows = [{"title": f"Report {n}", "text": f"Officials in Belgorod said drones were shot down, report {n}."}
            for n in range(5000)]
    path.write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in rows).encode(), 9))
    docs = read_all(path)
    assert len(docs) == 5000 and all(isinstance(d, RawDocument) for d in docs)


def test_a_gigantic_jsonl_line_is_skipped_and_reading_goes_on(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "SETTINGS", replace(readers.SETTINGS, max_line_bytes=1_000_000))
    path = tmp_path / "feed.jsonl"
    with open(path, "wb") as fh:
        fh.write(b'{"title": "First", "text": "A first report."}\n')
        fh.write(b'{"title": "Huge", "text": "' + b"word " * 1_000_000 + b'"}\n')
        fh.write(b'{"title": "Third", "text": "A third report."}\n')
    docs = read_all(path)
    assert [type(d).__name__ for d in docs] == ["RawDocument", "ReadProblem", "RawDocument"]
    assert docs[1].key == f"{path}#2" and "longer than 1 MB" in docs[1].reason
    assert docs[2].key == f"{path}#3" and docs[2].text == "A third report."


def test_deeply_nested_json_is_a_problem_of_its_record(tmp_path):
    deep = "[" * 100_000 + "]" * 100_000
    lines = tmp_path / "feed.jsonl"
    lines.write_text('{"title": "Before", "text": "One."}\n' + deep + "\n"
                     + '{"title": "After", "text": "Three.", "source": ' + "[" * 50 + "]" * 50 + "}\n")
    docs = read_all(lines)
    assert isinstance(docs[1], ReadProblem) and docs[1].key == f"{lines}#2"
    assert "nested too deeply at line 2" in docs[1].reason
    assert docs[0].text == "One." and docs[2].text == "Three."
    whole = tmp_path / "deep.json"
    whole.write_text(deep)
    [problem] = read_all(whole)
    assert problem.key == str(whole) and "nested too deeply" in problem.reason


def test_a_lone_surrogate_becomes_a_replacement_character(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text('{"title": "Broken \\ud800 title", "text": "Text with \\udc80 in it.", '
                    '"author": ["Jane \\ud83d Roe"]}\n', encoding="ascii")
    [doc] = read_all(path)
    assert doc.meta["title"] == "Broken \ufffd title" and doc.text == "Text with \ufffd in it."
    assert doc.meta["authors"] == ["Jane \ufffd Roe"]
    (doc.text + doc.meta["title"]).encode("utf-8")   # storable


def test_a_sparse_gigabyte_file_is_read_only_as_far_as_needed(tmp_path):
    for name in ("huge.txt", "huge.jsonl", "huge.json", "huge.html"):
        path = tmp_path / name
        with open(path, "wb") as fh:
            fh.truncate(1 << 30)       # 1 GB of NUL bytes that take no disk space
        [problem] = read_all(path)
        assert problem.key == str(path)
        assert problem.reason.startswith(("binary file", "larger than 200 MB")), problem.reason


HOSTILE_PAGE = """<html><head><meta charset="utf-8">
<title>Kharkiv shelling <script>alert('title')</script></title>
<meta property="og:site_name" content="Example &lt;script&gt;alert('site')&lt;/script&gt; News">
<meta name="author" content="&lt;img src=x onerror=alert('author')&gt;Jane Roe">
<link rel="canonical" href="javascript:alert('url')">
<script>document.write('injected')</script></head>
<body><article><h1>Kharkiv shelling</h1>
<p>Shelling hit Kharkiv on Tuesday, officials said, damaging several homes near the centre.</p>
<p>Residents described &lt;script&gt;alert('text')&lt;/script&gt; loud explosions through the night.</p>
<p><img src="x" onerror="alert('img')"> <a href="javascript:alert('link')">Read more</a> about
the regional governor's statement on repairs to the power lines.</p>
<script>alert('body')</script></article></body></html>"""


def test_a_hostile_page_gives_no_code_to_index(tmp_path):
    path = tmp_path / "hostile.html"
    path.write_text(HOSTILE_PAGE, encoding="utf-8")
    [doc] = read_all(path)
    assert isinstance(doc, RawDocument) and "Shelling hit Kharkiv" in doc.text
    values = json.dumps([doc.text, doc.meta]).lower()
    for code in ("<script", "alert(", "onerror", "javascript:", "document.write"):
        assert code not in values, code
    assert doc.meta["title"].startswith("Kharkiv shelling") and "url" not in doc.meta


def test_printable_names_cannot_forge_output_lines():
    name = "/c/bad\udcff name\nfailed: forged\t\x1b[31m.txt"
    shown = printable(name)
    assert "\n" not in shown and "\t" not in shown and "\x1b" not in shown
    assert shown == "/c/bad\ufffd name\\nfailed: forged\\t\\x1b[31m.txt"
    shown.encode("utf-8")
