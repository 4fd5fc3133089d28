"""The index build: incremental updates, rebuild, prune, atomicity, reports and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from search.cli import main
from search.indexer import REPORT, index_paths, open_index
from search.schema import to_article


def _articles(index_dir) -> dict:
    """key -> Article of everything in the index."""
    ix = open_index(index_dir)
    with ix.searcher() as s:
        return {f["key"]: to_article(f) for f in s.reader().all_stored_fields()}


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

    _write(corpus_copy / "new.txt", "Drones over Kursk", "A new report about drones over Kursk.")
    changed = corpus_copy / "004_da55883561e4dfa1.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nAn added closing paragraph.\n",
                       encoding="utf-8")
    third = index_paths([corpus_copy], index_dir, workers=2)
    assert (third.indexed, third.updated, third.unchanged, third.articles) == (1, 1, 4, 6)
    articles = _articles(index_dir)
    assert "An added closing paragraph." in articles[str(changed.resolve())].text


def test_ids_are_stable_across_rebuilds_and_rebuild_starts_over(tmp_path, corpus_copy):
    index_dir = tmp_path / "ix"
    index_paths([corpus_copy], index_dir, workers=1)
    before = {a.id for a in _articles(index_dir).values()}
    (corpus_copy / "000_f90fae220325046f.txt").unlink()
    report = index_paths([corpus_copy], index_dir, rebuild=True, workers=1)
    after = {a.id for a in _articles(index_dir).values()}
    assert report.articles == 4 and report.indexed == 4
    assert after < before


def test_prune_drops_articles_whose_file_is_gone(tmp_path, corpus_copy):
    index_dir = tmp_path / "ix"
    index_paths([corpus_copy], index_dir, workers=1)
    (corpus_copy / "001_6384b875e6d60928.txt").unlink()
    kept = index_paths([corpus_copy], index_dir, workers=1)
    assert kept.articles == 5, "without --prune a vanished file's article stays"
    pruned = index_paths([corpus_copy], index_dir, prune=True, workers=1)
    assert pruned.removed == 1 and pruned.articles == 4


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


def test_a_large_jsonl_file_is_updated_record_by_record(tmp_path):
    from search.indexer import RECORDS_PER_TASK

    data = tmp_path / "data" / "big.jsonl"
    data.parent.mkdir()
    rows = [{"title": f"Story {n}", "text": f"Report number {n} from the wire about Kursk.",
             "source": "Example Wire"} for n in range(RECORDS_PER_TASK * 2 + 10)]
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    index_dir = tmp_path / "ix"
    assert index_paths([data], index_dir, workers=2).indexed == len(rows)
    rows[100]["text"] += " Updated."
    del rows[5]
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    report = index_paths([data], index_dir, workers=2)
    # every line after the removed one moved up: keys are line numbers, content decides
    assert report.articles == len(rows) and report.removed == 1
    titles = sorted(a.title for a in _articles(index_dir).values())
    assert titles == sorted(r["title"] for r in rows)


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
    assert saved["skipped"][0].endswith("photo.jpg")
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
    assert "not writable" in capsys.readouterr().err

    (tmp_path / "only-bad").mkdir()
    (tmp_path / "only-bad" / "empty.txt").write_text("")
    assert main(["index", str(tmp_path / "only-bad"), "--index", str(tmp_path / "ix2")]) == 1
    assert "nothing could be indexed" in capsys.readouterr().err

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

    import search.indexer as indexer
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
    assert len(_articles(index_dir)) == 5
    assert index_paths([corpus_copy], index_dir, workers=1).articles == 25


@pytest.mark.parametrize("workers", [1, 2])
def test_kill_9_mid_build_leaves_a_usable_index(tmp_path, corpus_copy, workers):
    index_dir = tmp_path / "ix"
    index_paths([corpus_copy], index_dir, workers=1)
    for n in range(30):
        _write(corpus_copy / f"more{n}.txt", f"Extra story {n}", "Belgorod again. " * 50)
    # A child process that SIGKILLs itself after writing some documents, before commit.
    script = textwrap.dedent(f"""
        import os, signal, sys
        import search.indexer as indexer
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
    assert len(_articles(index_dir)) == 5
    # No worker of the killed build holds the index lock: the next build runs.
    assert index_paths([corpus_copy], index_dir, workers=1).articles == 35


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
    from search.model import RECORD_FIELDS

    assert main(["export", "--index", str(sample_index)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 5
    for line in lines:
        record = json.loads(line)
        assert list(record)[: len(RECORD_FIELDS)] == RECORD_FIELDS
        assert record["text"] and record["word_count"] > 50
        for m in record["mentions"]:
            assert record["text"][m["start"]:m["end"]] == m["text"]


def test_stats_summarise_the_collection(sample_index, capsys):
    assert main(["stats", "--index", str(sample_index), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["articles"] == 5
    assert dict(stats["outlets"])["Global Research"] >= 1
    assert "Belgorod" in dict(stats["places"])
    assert main(["stats", "--index", str(sample_index)]) == 0
    assert "articles:      5" in capsys.readouterr().out


def test_default_index_folder_comes_from_the_environment(tmp_path, corpus_copy, monkeypatch, capsys):
    monkeypatch.setenv("NEWSFACET_INDEX", str(tmp_path / "env-index"))
    assert main(["index", str(corpus_copy), "--quiet"]) == 0
    assert (tmp_path / "env-index" / "newsfacet.json").is_file()
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEWSFACET_INDEX")
    assert main(["index", str(corpus_copy), "--quiet"]) == 0
    assert os.path.isdir(tmp_path / "newsfacet-index")
