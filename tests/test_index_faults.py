"""Faults of the index folder: disk full, read-only, made by a newer newsfacet, damaged.

Each gives one clear line naming the folder and what to do, worded the same by
``index``, ``export`` and ``stats``, a non-zero exit, and the previous index left as it
was (byte for byte) and searchable with ``newsfacet search``.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import random
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from frontends import titles

from conftest import CORPUS
from newsfacet.search.cli import main
from newsfacet.search.schema import SCHEMA_VERSION

NEWSFACET = Path(sys.executable).with_name("newsfacet")
SENTENCES = ["The harbour master said the ferry would run again on Monday.",
             "Heavy rain flooded the lower streets of the old town.",
             "The council voted to rebuild the footbridge over the canal.",
             "A bakery on the main square celebrated its hundredth year."]


@pytest.fixture(scope="module")
def more(tmp_path_factory) -> Path:
    """300 articles more than the sample corpus: enough that their index does not fit."""
    folder = tmp_path_factory.mktemp("more")
    rng = random.Random(3)
    for n in range(300):
        (folder / f"story{n}.txt").write_text(
            f"Harbour story {n}\n\n" + " ".join(rng.choices(SENTENCES, k=40)) + f" Word{n}.\n")
    return folder


def _snapshot(index_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in index_dir.iterdir() if p.is_file()}


def _run(capsys, *argv) -> tuple[int, str]:
    """Exit status and the error line of one ``newsfacet`` command, run in this process."""
    code = main(list(argv))
    return code, capsys.readouterr().err.strip()


def _problem(err: str) -> str:
    """The message of an error line without its "newsfacet CMD: error: " prefix."""
    assert err.startswith("newsfacet ") and ": error: " in err and "\n" not in err, err
    return err.split(": error: ", 1)[1]


def _assert_searchable(index_dir: Path, capsys) -> None:
    assert main(["search", "belgorod", "--index", str(index_dir)]) == 0
    assert "5 results" in capsys.readouterr().out
    assert len(titles(index_dir)) == 5


def _every_command_says(capsys, index_dir: Path, *expected: str) -> None:
    """index, export and stats each exit 2 with the same message, holding ``expected``."""
    messages = []
    for argv in (["index", str(CORPUS)], ["export"], ["stats"]):
        code, err = _run(capsys, *argv, "--index", str(index_dir))
        assert code == 2, err
        messages.append(_problem(err))
    assert messages[0] == messages[1] == messages[2]
    for text in (f"index folder {index_dir} ", *expected):
        assert text in messages[0]


@contextlib.contextmanager
def _mounted(target: Path, *mount_args: str):
    """``mount *mount_args target`` for the block; skips the test where mounting is refused."""
    target.mkdir(exist_ok=True)
    done = subprocess.run(["mount", *mount_args, str(target)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount here (needs root and mount permission): {done.stderr.strip()}")
    try:
        yield target
    finally:
        gc.collect()   # engines of this process hold index files open
        if subprocess.run(["umount", str(target)]).returncode != 0:
            subprocess.run(["umount", "--lazy", str(target)], check=True)


def test_disk_full_on_a_small_tmpfs(tmp_path, sample_index, more, capsys):
    with _mounted(tmp_path / "small", "-t", "tmpfs", "-o", "size=1m", "tmpfs") as disk:
        index_dir = disk / "index"
        shutil.copytree(sample_index, index_dir)
        before = _snapshot(index_dir)
        code, err = _run(capsys, "index", str(CORPUS), str(more), "--index", str(index_dir), "--quiet")
        assert code == 2
        assert _problem(err) == (f"index folder {index_dir} could not be written (no space left on "
                                 "the device); free some space or choose another --index folder, "
                                 "then run again; the index is as it was before this run")
        assert _snapshot(index_dir) == before      # what the build wrote is removed again
        _assert_searchable(index_dir, capsys)


def test_disk_full_as_a_file_size_limit(tmp_path, sample_index, more, capsys):
    index_dir = tmp_path / "index"
    shutil.copytree(sample_index, index_dir)
    before = _snapshot(index_dir)

    def limit_file_size():   # in the child: no file may grow past 100 kB
        resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))

    done = subprocess.run([str(NEWSFACET), "index", str(CORPUS), str(more), "--index", str(index_dir),
                           "--quiet"], capture_output=True, text=True, preexec_fn=limit_file_size,
                          timeout=300)
    assert done.returncode == 2
    assert "could not be written (a file grew past the size this process may write" in done.stderr
    assert done.stderr.count("\n") == 1
    assert _snapshot(index_dir) == before
    _assert_searchable(index_dir, capsys)


@contextlib.contextmanager
def _read_only(folder: Path):
    """``folder`` read-only for the block: a read-only bind mount as root (root writes
    through chmod), chmod 555 otherwise. Yields why a write fails."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield "permission denied"
        finally:
            folder.chmod(0o755)
        return
    with _mounted(folder, "--bind", str(folder)):
        subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True)
        yield "the file system is read-only"


def test_a_read_only_index_folder(tmp_path, sample_index, capsys):
    index_dir = tmp_path / "index"
    shutil.copytree(sample_index, index_dir)
    before = _snapshot(index_dir)
    with _read_only(index_dir) as why:
        code, err = _run(capsys, "index", str(CORPUS), "--index", str(index_dir), "--quiet")
        assert code == 2
        assert _problem(err) == (f"index folder {index_dir} could not be written ({why}); make the "
                                 "folder writable or choose another --index folder; the index is "
                                 "as it was before this run")
        _assert_searchable(index_dir, capsys)
        assert main(["stats", "--index", str(index_dir)]) == 0
        assert "articles:      5" in capsys.readouterr().out
    assert _snapshot(index_dir) == before


def test_an_index_from_a_newer_newsfacet(tmp_path, sample_index, capsys):
    index_dir = tmp_path / "index"
    shutil.copytree(sample_index, index_dir)
    (index_dir / "newsfacet.json").write_text(json.dumps({"schema_version": 99}) + "\n")
    before = _snapshot(index_dir)
    _every_command_says(capsys, index_dir, "was made by a newer newsfacet (index format 99; this one "
                        f"reads {SCHEMA_VERSION}); upgrade newsfacet, or replace the index with: "
                        f"newsfacet index PATH --index {index_dir} --rebuild")
    assert _snapshot(index_dir) == before
    code, _ = _run(capsys, "index", str(CORPUS), "--index", str(index_dir), "--rebuild", "--quiet")
    assert code == 0
    _assert_searchable(index_dir, capsys)


def _garble_toc(index_dir: Path) -> None:
    [toc] = index_dir.glob("_MAIN_*.toc")
    toc.write_bytes(bytes(range(256)) * 4)


def _cut_a_segment(index_dir: Path) -> None:
    segment = max(index_dir.glob("MAIN_*.seg"), key=lambda p: p.stat().st_size)
    data = segment.read_bytes()
    segment.write_bytes(data[: len(data) // 2])


@pytest.mark.parametrize("damage", [_garble_toc, _cut_a_segment], ids=["garbled-toc", "cut-segment"])
def test_a_damaged_index(tmp_path, sample_index, capsys, damage):
    index_dir = tmp_path / "index"
    shutil.copytree(sample_index, index_dir)
    damage(index_dir)
    before = _snapshot(index_dir)
    _every_command_says(capsys, index_dir, "is damaged and cannot be read (",
                        f"); build it anew with: newsfacet index PATH --index {index_dir} --rebuild")
    assert _snapshot(index_dir) == before       # nothing was made worse
    code, _ = _run(capsys, "index", str(CORPUS), "--index", str(index_dir), "--rebuild", "--quiet")
    assert code == 0
    _assert_searchable(index_dir, capsys)


def test_one_definition_of_a_newsfacet_index(tmp_path, capsys):
    """``is_index`` (used by the benches) and every command agree on what an index is."""
    from whoosh.fields import TEXT, Schema
    from whoosh.index import create_in

    from newsfacet.search.indexer import is_index

    ours, foreign, empty = tmp_path / "ours", tmp_path / "foreign", tmp_path / "empty"
    assert main(["index", str(CORPUS), "--index", str(ours), "--quiet"]) == 0
    foreign.mkdir()
    create_in(str(foreign), Schema(body=TEXT))
    empty.mkdir()
    capsys.readouterr()
    assert is_index(ours) and main(["stats", "--index", str(ours)]) == 0
    for folder, why in ((foreign, "holds an index that newsfacet did not make"),
                        (empty, "is not a newsfacet index"),
                        (tmp_path / "absent", "does not exist")):
        assert not is_index(folder)
        assert main(["stats", "--index", str(folder)]) == 2
        assert why in capsys.readouterr().err
    assert main(["index", str(CORPUS), "--index", str(foreign), "--quiet"]) == 2
    assert "holds an index that newsfacet did not make" in capsys.readouterr().err
