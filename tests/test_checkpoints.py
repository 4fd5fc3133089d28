"""Checkpoints: a long build commits what it has finished, a stopped build keeps it, and the
next run of the same command carries on without extracting the finished work again.

The builds here are stopped by a real SIGINT sent to the test's own process while a
checkpoint is being written (the build finishes writing it, then stops), so where the
build stops is the same on every run.
"""

from __future__ import annotations

import os
import shlex
import signal
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from frontends import _cli, exported, search, titles
from records import write_jsonl

from newsfacet.search import indexer
from newsfacet.search.indexer import UNFINISHED, index_paths, last_report

CHECKPOINT = 60          # extracted articles between checkpoints
PER_TASK = 10            # records sent to a worker at once (so a checkpoint falls inside a file)


def _record(file: str, n: int) -> dict:
    return {"title": f"Harbour report {file} {n}", "date": "2024-03-05",
            "text": (f"The ferry crossing number {n} of {file} ran late on Tuesday because the "
                     "harbour cranes stood idle while the dockers met to discuss their new rota. "
                     f"Passengers on crossing {n} waited in the terminal for two hours.")}


def _collection(root: Path) -> dict[str, int]:
    """Two .jsonl files (the first with a broken line) and some text files: title -> 1."""
    corpus = root / "corpus"
    write_jsonl(corpus / "a.jsonl", [_record("alpha", n) for n in range(40)])
    with open(corpus / "a.jsonl", "a", encoding="utf-8") as fh:
        fh.write("{this line is not JSON\n")
    write_jsonl(corpus / "b.jsonl", [_record("bravo", n) for n in range(150)])
    for n in range(12):
        (corpus / f"note-{n:02d}.txt").write_text(
            f"Council notice {n}\n\nThe council met on Monday to discuss the bridge repairs "
            f"and notice {n} about the new parking rules near the station.\n", encoding="utf-8")
    return corpus


@pytest.fixture
def small_tasks(monkeypatch):
    monkeypatch.setattr(indexer, "SETTINGS", replace(indexer.SETTINGS, records_per_task=PER_TASK))


@pytest.fixture
def stop_at_first_checkpoint(monkeypatch):
    """Send SIGINT to this process while the first checkpoint is being written."""
    commit = indexer._commit
    calls = []

    def interrupted(writer, segments, clear, report, checkpoint=False):
        if checkpoint and not calls:
            calls.append(report.checkpoints + 1)    # the number of the one being written
            os.kill(os.getpid(), signal.SIGINT)
        commit(writer, segments, clear, report, checkpoint=checkpoint)

    monkeypatch.setattr(indexer, "_commit", interrupted)
    return calls


def _all_titles(corpus: Path) -> list[str]:
    names = [f"Harbour report alpha {n}" for n in range(40)] + [f"Harbour report bravo {n}" for n in range(150)]
    return sorted(names + [f"Council notice {n}" for n in range(12)])


def test_a_stopped_build_keeps_its_checkpoint_and_the_next_run_carries_on(
        tmp_path, small_tasks, stop_at_first_checkpoint):
    corpus = _collection(tmp_path)
    index_dir = tmp_path / "index"
    with pytest.raises(KeyboardInterrupt) as stopped:
        index_paths([corpus], index_dir, workers=2, checkpoint=CHECKPOINT)
    kept = stopped.value.checkpoint_articles
    assert stop_at_first_checkpoint == [1]

    # The index answers with the checkpoint's articles, each once, through every front end.
    held = titles(index_dir)
    assert len(held) == len(set(held)) == kept
    assert CHECKPOINT <= kept < len(_all_titles(corpus))
    assert set(held) < set(_all_titles(corpus))
    assert (index_dir / UNFINISHED).exists()      # b.jsonl was half done
    assert "b.jsonl" in (index_dir / UNFINISHED).read_text(encoding="utf-8")

    report = index_paths([corpus], index_dir, workers=2, checkpoint=CHECKPOINT)
    assert report.finished and report.extracted == len(_all_titles(corpus)) - kept
    assert report.unchanged == kept
    assert titles(index_dir) == _all_titles(corpus)
    assert len(exported(index_dir)) == len(_all_titles(corpus))
    assert not (index_dir / UNFINISHED).exists()
    # The broken line of a.jsonl, read before the checkpoint, is still reported.
    assert [f["file"] for f in report.failed] == [f"{corpus / 'a.jsonl'}#41"]
    assert last_report(index_dir)["failed"] == report.failed

    # And a run after that changes nothing.
    again = index_paths([corpus], index_dir, workers=2, checkpoint=CHECKPOINT)
    assert (again.extracted, again.unchanged, again.articles) == (0, len(_all_titles(corpus)),
                                                                  len(_all_titles(corpus)))


def test_a_long_build_commits_checkpoints_that_a_server_sees(tmp_path, small_tasks, monkeypatch):
    corpus = _collection(tmp_path)
    index_dir = tmp_path / "index"
    seen = []
    announce = indexer.announce

    def after_each(index_dir):   # a generation was committed: what does a server see?
        announce(index_dir)
        seen.append(search(index_dir)["total"])

    monkeypatch.setattr(indexer, "announce", after_each)
    report = index_paths([corpus], index_dir, workers=2, checkpoint=PER_TASK)
    assert report.checkpoints >= 2 and len(seen) == report.checkpoints + 1
    assert seen == sorted(seen) and seen[0] >= PER_TASK and seen[-1] == len(_all_titles(corpus))
    assert titles(index_dir) == _all_titles(corpus)


def test_the_workers_go_on_while_a_checkpoint_is_committed(tmp_path, small_tasks, monkeypatch):
    """A checkpoint's commit does not hold the workers: articles are extracted while it is
    written, and the versions they replace are deleted once it is done."""
    corpus = _collection(tmp_path)
    index_dir = tmp_path / "index"
    index_paths([corpus], index_dir, workers=2)
    write_jsonl(corpus / "b.jsonl", [{**_record("bravo", n), "title": f"Harbour update bravo {n}"}
                                     for n in range(150)])
    commit, update = indexer._commit, indexer._Progress.update
    committing, during = threading.Event(), []

    def counted(meter, articles, files):
        if committing.is_set():
            during.append(articles)
        update(meter, articles, files)

    def waiting(writer, segments, clear, report, checkpoint=False):
        if checkpoint:          # hold the checkpoint until articles come in meanwhile (or 20 s)
            committing.set()
            deadline = time.monotonic() + 20
            while not during and time.monotonic() < deadline:
                time.sleep(0.01)
            committing.clear()
        commit(writer, segments, clear, report, checkpoint=checkpoint)

    monkeypatch.setattr(indexer._Progress, "update", counted)
    monkeypatch.setattr(indexer, "_commit", waiting)
    report = index_paths([corpus], index_dir, workers=2, checkpoint=2 * PER_TASK)
    assert report.checkpoints >= 1 and sum(during) > 0
    assert (report.updated, report.articles) == (150, len(_all_titles(corpus)))
    new = sorted(t.replace("Harbour report bravo", "Harbour update bravo") for t in _all_titles(corpus))
    assert titles(index_dir) == new           # every old version deleted, each article once
    assert sorted(r["title"] for r in exported(index_dir)) == new


def test_a_stopped_rebuild_carries_on_without_rebuild(tmp_path, small_tasks, stop_at_first_checkpoint):
    corpus = _collection(tmp_path)
    index_dir = tmp_path / "index"
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "gone.txt").write_text("An old article\n\nThe old pier closed in 1990 "
                                               "after the storm that broke its deck.\n", encoding="utf-8")
    index_paths([tmp_path / "old"], index_dir, workers=1)
    with pytest.raises(KeyboardInterrupt):
        index_paths([corpus], index_dir, rebuild=True, workers=2, checkpoint=CHECKPOINT)
    assert "An old article" not in titles(index_dir)       # the rebuild's first checkpoint replaced it
    index_paths([corpus], index_dir, workers=2, checkpoint=CHECKPOINT)
    assert titles(index_dir) == _all_titles(corpus)


def test_the_cli_says_what_the_index_holds_and_how_to_carry_on(tmp_path, small_tasks,
                                                               stop_at_first_checkpoint, capsys):
    corpus = _collection(tmp_path)
    index_dir = tmp_path / "index"
    code, _ = _cli(["index", str(corpus), "--index", str(index_dir), "--workers", "2",
                    "--checkpoint", str(CHECKPOINT), "--quiet"])
    assert code == 130
    message = capsys.readouterr().err
    held = len(titles(index_dir))
    assert f"holds {held} articles, as this run's last checkpoint left it" in message
    command = message.split("to carry on, run: ")[1].strip()
    words = shlex.split(command)
    assert words[:2] == ["newsfacet", "index"] and "--checkpoint" in words and "--rebuild" not in words
    code, out = _cli(words[1:] + ["--quiet"])
    assert code == 0, out
    assert titles(index_dir) == _all_titles(corpus)


def test_the_checkpoint_option_is_checked(tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        _cli(["index", str(tmp_path), "--checkpoint", "0"])
    assert exited.value.code == 2
    assert "--checkpoint: expected a positive whole number, not '0'" in capsys.readouterr().err
