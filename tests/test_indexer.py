"""The index build: incremental updates, rebuild, prune, atomicity, reports and exit codes.

What the index holds is checked as users see it (``frontends``: the engine, the CLI and
the HTTP API agreeing), never through Whoosh's stored fields.
"""

from __future__ import annotations

import json
from collections import Counter
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from frontends import exported, search, titles
from whoosh import index as whoosh_index

from newsfacet.search.cli import main
from newsfacet.search.indexer import REPORT, index_paths

SAMPLE_TITLES = 5   # articles in the sample corpus


def first_line(path: Path) -> str:
    return path.read_text(encoding="utf-8").splitlines()[0].strip()


def _write(path: Path, title: str, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    return path


def test_build_then_update_counts_new_changed_and_unchanged(tmp_path, corpus_copy):
    index_dir = tmp_path / "ix"
    first = index_paths([corpus_copy], index_dir, workers=1)
    assert (first.indexed, first.updated, first.unchanged, first.articles) == (5, 0, 0, 5)

    again = index_paths([corpus_copy], index_dir, workers=1)
    assert (again.indexed, again.updated, again.unchanged, again.articles) == (0, 0, 5, 5)

    _write(corpus_copy / "new.txt", "Drones over Glushkovo", "A new report about drones over Glushkovo.")
    changed = corpus_copy / "004_da55883561e4dfa1.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nAn added closing paragraph.\n",
                       encoding="utf-8")
    third = index_paths([corpus_copy], index_dir, workers=2)
    assert (third.indexed, third.updated, third.unchanged, third.articles) == (1, 1, 4, 6)
    assert search(index_dir)["total"] == 6
    assert titles(index_dir, '"added closing paragraph"') == [first_line(changed)]
    assert titles(index_dir, "glushkovo") == ["Drones over Glushkovo"]


def test_ids_are_stable_across_rebuilds_and_rebuild_starts_over(tmp_path, corpus_copy):
    index_dir = tmp_path / "ix"
    index_paths([corpus_copy], index_dir, workers=1)
    before = {r["id"] for r in exported(index_dir)}
    gone = corpus_copy / "000_f90fae220325046f.txt"
    gone_title = first_line(gone)
    gone.unlink()
    report = index_paths([corpus_copy], index_dir, rebuild=True, workers=1)
    after = {r["id"] for r in exported(index_dir)}
    assert report.articles == 4 and report.indexed == 4
    assert after < before
    assert gone_title not in titles(index_dir) and len(titles(index_dir)) == 4


def test_prune_drops_articles_whose_file_is_gone(tmp_path, corpus_copy):
    index_dir = tmp_path / "ix"
    index_paths([corpus_copy], index_dir, workers=1)
    gone = corpus_copy / "001_6384b875e6d60928.txt"
    gone_title = first_line(gone)
    gone.unlink()
    kept = index_paths([corpus_copy], index_dir, workers=1)
    assert kept.articles == 5, "without --prune a vanished file's article stays"
    assert gone_title in titles(index_dir)
    pruned = index_paths([corpus_copy], index_dir, prune=True, workers=1)
    assert pruned.removed == 1 and pruned.articles == 4
    assert gone_title not in titles(index_dir) and len(titles(index_dir)) == 4


def test_records_removed_from_a_jsonl_file_leave_the_index(tmp_path):
    data = tmp_path / "data" / "feed.jsonl"
    data.parent.mkdir()
    rows = [{"title": f"Story {n}", "text": f"Body of story number {n} about Belgorod.",
             "source": "Example Wire", "date": "2024-01-0%d" % (n + 1)} for n in range(3)]
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    index_dir = tmp_path / "ix"
    assert index_paths([data.parent], index_dir, workers=1).articles == 3
    data.write_text("\n".join(json.dumps(r) for r in rows[:2]) + "\n")
    report = index_paths([data.parent], index_dir, workers=1)
    assert report.removed == 1 and report.unchanged == 2 and report.articles == 2
    assert titles(index_dir) == ["Story 0", "Story 1"]


def test_a_large_jsonl_file_is_updated_record_by_record(tmp_path):
    from newsfacet.search.settings import SETTINGS

    data = tmp_path / "data" / "big.jsonl"
    data.parent.mkdir()
    rows = [{"title": f"Story {n}", "text": f"Report number {n} from the wire about Kursk.",
             "source": "Example Wire"} for n in range(SETTINGS.records_per_task * 2 + 10)]
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    index_dir = tmp_path / "ix"
    assert index_paths([data], index_dir, workers=2).indexed == len(rows)
    rows[100]["text"] += " Updated."
    del rows[5]
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    report = index_paths([data], index_dir, workers=2)
    # every line after the removed one moved up: keys are line numbers, content decides
    assert report.articles == len(rows) and report.removed == 1
    assert titles(index_dir) == sorted(r["title"] for r in rows)
    assert titles(index_dir, "updated") == ["Story 100"]


def test_failed_and_skipped_files_are_reported_and_the_rest_indexed(tmp_path, corpus_copy, capsys):
    (corpus_copy / "empty.txt").write_text("")
    (corpus_copy / "blob.txt").write_bytes(b"\x00\x01\x02binary\x00" * 100)
    (corpus_copy / "broken.jsonl").write_text('{"title": "ok", "text": "A fine record."}\n{not json\n')
    (corpus_copy / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    index_dir = tmp_path / "ix"
    code = main(["index", str(corpus_copy), "--index", str(index_dir)])
    out, err = capsys.readouterr()
    assert code == 0
    assert "indexed 6" in out and "failed 3" in out and "skipped 1" in out
    assert "empty.txt" in err and "blob.txt" in err and "broken.jsonl#2" in err
    saved = json.loads((index_dir / REPORT).read_text())
    assert {f["file"].rsplit("/", 1)[-1] for f in saved["failed"]} == {
        "empty.txt", "blob.txt", "broken.jsonl#2"}
    assert saved["skipped"][0]["file"].endswith("photo.jpg") and "file type" in saved["skipped"][0]["reason"]
    # An unchanged file is not read again, but its broken record is still reported.
    assert main(["index", str(corpus_copy), "--index", str(index_dir), "--strict"]) == 1
    out, err = capsys.readouterr()
    assert "unchanged 6" in out and "broken.jsonl#2" in err


def test_clear_errors_and_exit_codes(tmp_path, capsys):
    missing = tmp_path / "nope"
    assert main(["index", str(missing), "--index", str(tmp_path / "ix")]) == 2
    assert "nope: no such file or folder" in capsys.readouterr().err

    blocker = tmp_path / "file"
    blocker.write_text("x")
    (tmp_path / "c").mkdir()
    _write(tmp_path / "c" / "a.txt", "Title", "Body text here.")
    assert main(["index", str(tmp_path / "c"), "--index", str(blocker / "ix")]) == 2
    assert "could not be written (Not a directory)" in capsys.readouterr().err

    (tmp_path / "only-bad").mkdir()
    (tmp_path / "only-bad" / "empty.txt").write_text("")
    assert main(["index", str(tmp_path / "only-bad"), "--index", str(tmp_path / "ix2")]) == 1
    err = capsys.readouterr().err
    assert "empty.txt: empty file" in err and "nothing could be indexed" in err
    assert not (tmp_path / "ix2").exists(), "a build that indexed nothing leaves no index behind"

    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.md").write_text("mine")
    assert main(["index", str(tmp_path / "c"), "--index", str(other)]) == 2
    assert "not a newsfacet index" in capsys.readouterr().err
    assert main(["export", "--index", str(tmp_path / "absent")]) == 2
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.parametrize("workers", [1, 2])
def test_interrupted_build_keeps_the_previous_index(tmp_path, corpus_copy, monkeypatch, workers):
    index_dir = tmp_path / "ix"
    index_paths([corpus_copy], index_dir, workers=1)
    for n in range(20):
        _write(corpus_copy / f"more{n}.txt", f"Extra story {n}", "Kharkiv again. " * 50)

    import newsfacet.search.indexer as indexer
    real = indexer._file_sig
    calls = []

    def ctrl_c_midway(path):     # the writer looks at each file: 5 known, then new ones
        calls.append(path)
        if len(calls) > 12:
            raise KeyboardInterrupt
        return real(path)

    monkeypatch.setattr(indexer, "_file_sig", ctrl_c_midway)
    with pytest.raises(KeyboardInterrupt):
        index_paths([corpus_copy], index_dir, workers=workers)
    monkeypatch.undo()
    assert len(titles(index_dir)) == 5
    assert index_paths([corpus_copy], index_dir, workers=1).articles == 25
    assert sum(t.startswith("Extra story") for t in titles(index_dir)) == 20


@pytest.mark.parametrize("workers", [1, 2])
def test_kill_9_mid_build_leaves_a_usable_index(tmp_path, corpus_copy, workers):
    index_dir = tmp_path / "ix"
    index_paths([corpus_copy], index_dir, workers=1)
    for n in range(30):
        _write(corpus_copy / f"more{n}.txt", f"Extra story {n}", "Belgorod again. " * 50)
    # A child process that SIGKILLs itself after writing some documents, before commit.
    script = textwrap.dedent(f"""
        import os, signal, sys
        import newsfacet.search.indexer as indexer
        real, n = indexer._file_sig, [0]
        def killer(path):   # the writer looks at each file: 5 known, then 30 new ones
            n[0] += 1
            if n[0] > 20:
                os.kill(os.getpid(), signal.SIGKILL)
            return real(path)
        indexer._file_sig = killer
        if __name__ == "__main__":
            indexer.index_paths([{str(corpus_copy)!r}], {str(index_dir)!r}, workers={workers})
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).resolve().parents[1])
    assert proc.returncode == -9
    assert len(titles(index_dir)) == 5
    # No worker of the killed build holds the index lock: the next build runs.
    assert index_paths([corpus_copy], index_dir, workers=1).articles == 35
    assert sum(t.startswith("Extra story") for t in titles(index_dir)) == 30


def test_a_second_writer_gets_a_clear_message(tmp_path, corpus_copy, capsys):
    index_dir = tmp_path / "ix"
    index_paths([corpus_copy], index_dir, workers=1)
    busy = whoosh_index.open_dir(str(index_dir)).writer()
    try:
        assert main(["index", str(corpus_copy), "--index", str(index_dir)]) == 2
    finally:
        busy.cancel()
    assert "another newsfacet index is writing to" in capsys.readouterr().err


def test_a_reader_sees_the_old_generation_until_commit(tmp_path, corpus_copy):
    index_dir = tmp_path / "ix"
    index_paths([corpus_copy], index_dir, workers=1)
    searcher = whoosh_index.open_dir(str(index_dir)).searcher()
    _write(corpus_copy / "later.txt", "Later story", "Something new about Kursk.")
    index_paths([corpus_copy], index_dir, workers=1)
    assert searcher.doc_count() == 5
    assert searcher.refresh().doc_count() == 6


def test_export_writes_one_record_a_line_with_the_public_names(sample_index, capsys):
    from newsfacet.search.model import RECORD_FIELDS

    assert main(["export", "--index", str(sample_index)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 5
    for line in lines:
        record = json.loads(line)
        assert list(record)[: len(RECORD_FIELDS)] == RECORD_FIELDS
        assert record["text"] and record["word_count"] > 50
        for m in record["mentions"]:   # offsets point into the field the mention is in
            field = record[m["field"]] if m["field"] != "dateline" else None
            if field is not None:
                assert field[m["start"]:m["end"]] == m["text"]
        assert any(m["field"] == "title" for r in map(json.loads, lines) for m in r["mentions"])


def test_stats_summarise_the_collection(sample_index, capsys):
    assert main(["stats", "--index", str(sample_index), "--json", "--top", "3"]) == 0
    stats = json.loads(capsys.readouterr().out)
    records = exported(sample_index)
    outlets = Counter(r["outlet"] or "(unknown)" for r in records)
    places = Counter(p for r in records for p in r["places"])
    assert stats["articles"] == len(records) == 5
    assert stats["outlet_count"] == len(set(outlets) - {"(unknown)"})
    assert dict(stats["outlets"]) == dict(outlets)          # two outlets and the unknown
    assert len(stats["places"]) == 3 and all(places[v] == n for v, n in stats["places"])
    assert [n for _, n in stats["places"]] == sorted(places.values(), reverse=True)[:3]
    dated = sorted(r["published"][:10] for r in records if r["published"])
    assert stats["published"] == {"first": dated[0], "last": dated[-1],
                                  "unknown": len(records) - len(dated)}
    assert main(["stats", "--index", str(sample_index)]) == 0
    assert "articles:      5 from 2 outlets" in capsys.readouterr().out


def test_default_index_folder_comes_from_the_environment(tmp_path, corpus_copy, monkeypatch, capsys):
    monkeypatch.setenv("NEWSFACET_INDEX", str(tmp_path / "env-index"))
    assert main(["index", str(corpus_copy), "--quiet"]) == 0
    assert (tmp_path / "env-index" / "newsfacet.json").is_file()
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEWSFACET_INDEX")
    assert main(["index", str(corpus_copy), "--quiet"]) == 0
    assert os.path.isdir(tmp_path / "newsfacet-index")


# --- deleting, locking, generations ------------------------------------------------------

def _count_readers(monkeypatch) -> list:
    """Calls that open a reader over the whole index (a searcher is one), counted."""
    from whoosh.index import FileIndex

    calls, real = [], FileIndex._reader

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(FileIndex, "_reader", staticmethod(counting))
    return calls


def _feed(path: Path, count: int, word: str = "Kursk") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps({"title": f"Report {n}", "text": f"Report {n} on {word}."}) + "\n"
                            for n in range(count)))
    return path


def test_deleting_many_articles_opens_no_reader_per_article(tmp_path, monkeypatch):
    feed = _feed(tmp_path / "data" / "feed.jsonl", 300)
    other = _write(tmp_path / "data" / "other.txt", "Another story", "A story about Belgorod.")
    index_dir = tmp_path / "ix"
    index_paths([feed.parent], index_dir, workers=1)
    _feed(feed, 300, word="Bryansk")      # every record changed: 300 replaced
    readers = _count_readers(monkeypatch)
    assert index_paths([feed.parent], index_dir, workers=1).updated == 300
    assert len(readers) < 10, f"{len(readers)} readers opened to replace 300 articles"
    feed.unlink()                          # and 300 pruned
    readers.clear()
    assert index_paths([feed.parent], index_dir, prune=True, workers=1).removed == 300
    assert len(readers) < 10, f"{len(readers)} readers opened to prune 300 articles"
    monkeypatch.undo()
    assert titles(index_dir) == [first_line(other)]


def test_the_index_is_read_after_the_lock_is_taken(tmp_path, corpus_copy, monkeypatch):
    """Another build that commits between this build's start and its lock: this build must
    see that build's articles, not add them a second time."""
    import newsfacet.search.indexer as indexer

    index_dir = tmp_path / "ix"
    index_paths([corpus_copy], index_dir, workers=1)
    _write(corpus_copy / "late.txt", "Late story", "A late story about Krasnopillia.")
    real = indexer._take_lock

    def another_build_first(folder):
        monkeypatch.setattr(indexer, "_take_lock", real)
        assert index_paths([corpus_copy], index_dir, workers=1).indexed == 1
        return real(folder)

    monkeypatch.setattr(indexer, "_take_lock", another_build_first)
    report = index_paths([corpus_copy], index_dir, workers=1)
    assert (report.indexed, report.unchanged, report.documents) == (0, 6, 6)
    assert titles(index_dir, "krasnopillia") == ["Late story"]
    assert len(exported(index_dir)) == 6


def _generation(index_dir) -> int:
    return whoosh_index.open_dir(str(index_dir)).latest_generation()


def test_a_run_that_changes_nothing_writes_no_generation(tmp_path, corpus_copy):
    index_dir = tmp_path / "ix"
    index_paths([corpus_copy], index_dir, workers=1)
    before = (_generation(index_dir), sorted(os.listdir(index_dir)))
    assert index_paths([corpus_copy], index_dir, workers=2).unchanged == 5
    assert (_generation(index_dir), sorted(os.listdir(index_dir))) == before
    # A file touched but not changed is read again, and its new date kept, so that
    # the next run need not read it: that run writes nothing either.
    touched = corpus_copy / "002_6cf51567d8b54a18.txt"
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10**9))
    assert index_paths([corpus_copy], index_dir, workers=1).unchanged == 5
    after_touch = (_generation(index_dir), sorted(os.listdir(index_dir)))
    assert index_paths([corpus_copy], index_dir, workers=1).unchanged == 5
    assert (_generation(index_dir), sorted(os.listdir(index_dir))) == after_touch
    assert len(titles(index_dir)) == 5


def test_an_empty_folder_leaves_nothing_behind(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.pdf").write_text("not an article")
    index_dir = tmp_path / "ix"
    assert main(["index", str(tmp_path / "empty"), "--index", str(index_dir)]) == 1
    err = capsys.readouterr().err
    assert "no files to index in" in err and "the index was not changed" in err
    assert not index_dir.exists()


def test_workers_must_be_a_positive_whole_number(capsys):
    for bad in ("-3", "0", "two", "1.5"):
        with pytest.raises(SystemExit) as stop:
            main(["index", "corpus", "--workers", bad])
        assert stop.value.code == 2
        assert "--workers: expected a positive whole number" in capsys.readouterr().err


def test_export_into_a_closed_pipe_ends_quietly(tmp_path):
    feed = _feed(tmp_path / "data" / "feed.jsonl", 400)
    index_dir = tmp_path / "ix"
    index_paths([feed], index_dir, workers=1)
    script = Path(sys.executable).with_name("newsfacet")
    proc = subprocess.Popen([str(script), "export", "--index", str(index_dir)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    json.loads(proc.stdout.readline())      # like `| head -1`: read one line, then close
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0
    assert err == "", err


# --- what records and file names hold ---------------------------------------------------

def test_a_list_of_last_first_authors_gives_one_name_each(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"title": "Grain corridor talks", "text": "Talks on grain exports went on.",
                                "authors": ["Roe, Jane", "Doe, John", "Ann Smith"]}) + "\n")
    index_dir = tmp_path / "ix"
    index_paths([feed], index_dir, workers=1)
    [hit] = search(index_dir, "grain")["hits"]
    assert hit["authors"] == ["Jane Roe", "John Doe", "Ann Smith"]


def test_a_lone_surrogate_does_not_fail_its_record(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"title": "Odesa port \\ud800 reopens", "text": "The port of Odesa reopened."}\n'
                    '{"title": "Kherson", "text": "Ferries to Kherson resumed \\udfff today."}\n')
    index_dir = tmp_path / "ix"
    report = index_paths([feed], index_dir, workers=1)
    assert report.failed == [] and report.articles == 2
    assert titles(index_dir, "odesa") == ["Odesa port \ufffd reopens"]
    assert titles(index_dir, "ferries") == ["Kherson"]


# Names a file system allows and a careless program mishandles: a tab, a line break
# (that could forge an output line), and bytes that are not UTF-8.
AWKWARD_NAMES = [b"tab\tname.txt", b"line\nfailed: forged.txt", b"latin1-\xe9t\xe9.txt"]


def _awkward(folder: Path, name: bytes, title: str, body: str) -> Path:
    path = Path(os.fsdecode(bytes(folder) + b"/" + name))
    path.write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    return path


def test_awkward_file_names_index_update_prune_and_print_safely(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    paths = [_awkward(corpus, name, f"Story {n}", f"Report number {n} about Mariupol.")
             for n, name in enumerate(AWKWARD_NAMES)]
    empty = Path(os.fsdecode(bytes(corpus) + b"/empty\nfailed: \xff.txt"))
    empty.write_text("")
    index_dir = tmp_path / "ix"
    args = ["index", str(corpus), "--index", str(index_dir), "--quiet"]

    def run() -> tuple[str, str]:
        assert main(args) == 0
        out, err = capsys.readouterr()
        # one line per problem: no name starts a line of its own
        assert [line for line in err.splitlines() if line.startswith("failed:")] == [
            "failed: " + str(corpus) + "/empty\\nfailed: \ufffd.txt: empty file: no text"]
        json.loads((index_dir / REPORT).read_text(encoding="utf-8"))   # always valid JSON
        return out, err

    out, _ = run()
    assert "indexed 3," in out
    assert titles(index_dir, "mariupol") == ["Story 0", "Story 1", "Story 2"]
    out, _ = run()                                    # unchanged: read again, nothing to do
    assert "indexed 0, updated 0, unchanged 3," in out
    paths[0].write_text("Story 0 updated\n\nReport number 0 about Mariupol and Berdiansk.\n")
    out, _ = run()
    assert "updated 1, unchanged 2," in out
    assert titles(index_dir, "berdiansk") == ["Story 0 updated"]
    paths[2].unlink()
    assert main(args + ["--prune"]) == 0
    assert "removed 1," in capsys.readouterr().out
    assert titles(index_dir, "mariupol") == ["Story 0 updated", "Story 1"]
    assert main(["stats", "--index", str(index_dir)]) == 0
    out = capsys.readouterr().out
    assert "\n  failed: " + str(corpus) + "/empty\\nfailed: \ufffd.txt: empty file: no text" in out
    paths_shown = {hit_path for r in exported(index_dir) for hit_path in r["paths"]}
    assert str(corpus) + "/line\nfailed: forged.txt" in paths_shown
    assert str(corpus) + "/tab\tname.txt" in paths_shown


def test_an_old_empty_report_does_not_stop_index_or_stats(tmp_path, corpus_copy, capsys):
    index_dir = tmp_path / "ix"
    index_paths([corpus_copy], index_dir, workers=1)
    (index_dir / REPORT).write_text("")        # what a crash of an earlier version left
    assert main(["stats", "--index", str(index_dir)]) == 0
    assert main(["index", str(corpus_copy), "--index", str(index_dir), "--quiet"]) == 0
    assert json.loads((index_dir / REPORT).read_text())["unchanged"] == 5


# --- symbolic links -----------------------------------------------------------------------

def test_symbolic_links_are_skipped_unless_followed(tmp_path, capsys):
    outside = tmp_path / "outside"
    _write(outside / "private.txt", "Private notes", "Notes about Zaporizhzhia kept elsewhere.")
    corpus = tmp_path / "corpus"
    _write(corpus / "story.txt", "Public story", "A report about Zaporizhzhia.")
    (corpus / "notes").symlink_to(outside)
    (corpus / "same.txt").symlink_to(corpus / "story.txt")
    (corpus / "loop").symlink_to(corpus)
    index_dir = tmp_path / "ix"
    assert main(["index", str(corpus), "--index", str(index_dir), "--quiet"]) == 0
    err = capsys.readouterr().err
    for name in ("notes", "same.txt", "loop"):
        assert f"skipped: {corpus.resolve() / name}: symbolic link, not followed" in err
    assert titles(index_dir, "zaporizhzhia") == ["Public story"]
    assert main(["index", str(corpus), "--index", str(index_dir), "--quiet", "--follow-symlinks"]) == 0
    err = capsys.readouterr().err
    assert "loop: symbolic link to a folder already read" in err
    assert titles(index_dir, "zaporizhzhia") == ["Private notes", "Public story"]
    assert len(exported(index_dir)) == 2


def test_what_a_killed_build_left_is_removed_and_said(tmp_path, corpus_copy, capsys):
    """A build killed with -9 leaves its lock file (an flock, released by the kernel: it
    blocks nobody), its temporary folder, segments no table of contents names and a
    half-written table of contents. The next build removes them and says so."""
    index_dir = tmp_path / "ix"
    index_paths([corpus_copy], index_dir, workers=1)
    kept = sorted(os.listdir(index_dir))
    (index_dir / "MAIN.tmp").mkdir()
    (index_dir / "MAIN.tmp" / "pool.tmp").write_bytes(b"x" * 1000)
    (index_dir / "MAIN_deadbeef0123.seg").write_bytes(b"y" * 2000)
    (index_dir / "_MAIN_7.toc.1700000000.5").write_bytes(b"z" * 100)
    (index_dir / "last-build.json.partial").write_text("{")
    assert main(["index", str(corpus_copy), "--index", str(index_dir), "--quiet"]) == 0
    assert ("note: an earlier build of this index did not finish (its lock ended with its process); "
            "removed the 4 files it left (3.1 kB)") in capsys.readouterr().err
    assert sorted(os.listdir(index_dir)) == kept
    assert len(titles(index_dir)) == 5
    assert main(["index", str(corpus_copy), "--index", str(index_dir), "--quiet"]) == 0
    assert "note:" not in capsys.readouterr().err      # a clean build leaves nothing to remove


def test_a_file_that_turns_unreadable_keeps_its_records(tmp_path):
    """A .json list that is now invalid, or a .jsonl.gz cut short, is a problem of the file:
    the records it held stay as they were (not removed as 'no longer in the file')."""
    import gzip

    data = tmp_path / "data"
    data.mkdir()
    listing = data / "list.json"
    listing.write_text(json.dumps([{"title": "Kept one", "text": "A report on Tokmak."},
                                   {"title": "Kept two", "text": "A report on Polohy."}]))
    feed = data / "feed.jsonl.gz"
    rows = "".join(json.dumps({"title": f"Feed {n}", "text": f"Feed report {n} on Vasylivka."}) + "\n"
                   for n in range(50))
    feed.write_bytes(gzip.compress(rows.encode()))
    index_dir = tmp_path / "ix"
    assert index_paths([data], index_dir, workers=1).articles == 52
    listing.write_text('[{"title": "Kept one", "text": ')              # saved half-way
    feed.write_bytes(gzip.compress(rows.encode())[:200])              # copied half-way
    report = index_paths([data], index_dir, workers=1)
    assert report.removed == 0
    assert {Path(f["file"]).name for f in report.failed} >= {"list.json", "feed.jsonl.gz"}
    assert titles(index_dir, "tokmak OR polohy") == ["Kept one", "Kept two"]
    assert len(titles(index_dir, "vasylivka")) == 50


def test_a_file_gone_between_the_walk_and_its_reading_is_a_problem(tmp_path, corpus_copy, monkeypatch):
    import newsfacet.search.indexer as indexer

    gone = _write(corpus_copy / "gone.txt", "Gone", "A story about to be deleted.")
    real = indexer.iter_files

    def walk_then_delete(*args):
        found = real(*args)
        gone.unlink()
        return found

    monkeypatch.setattr(indexer, "iter_files", walk_then_delete)
    report = index_paths([corpus_copy], tmp_path / "ix", workers=1)
    assert report.articles == 5
    assert [(Path(f["file"]).name, f["reason"]) for f in report.failed] == [
        ("gone.txt", "could not be read: No such file or directory")]


def test_newsfacet_alone_prints_its_help_and_has_a_version(capsys):
    assert main([]) == 0
    assert "usage: newsfacet" in capsys.readouterr().out
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0 and capsys.readouterr().out.startswith("newsfacet ")
