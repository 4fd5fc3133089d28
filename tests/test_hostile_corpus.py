"""A hostile corpus, built by the real ``newsfacet index``: gzip bombs, a 1 GB file, a
gigantic line, JSON nested 100,000 deep, NUL bytes, a page full of script, awkward names
and symbolic links out of the corpus and in a loop, among good files.

The build must finish, index every good article (searched through the engine, the CLI
and the HTTP API), report every bad file with its reason, index no script code, and stay
within a bounded peak memory (measured as the largest resident set of any process of the
build).
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from frontends import exported, search, titles
from test_readers import HOSTILE_PAGE

from newsfacet.search.indexer import REPORT

NEWSFACET = Path(sys.executable).with_name("newsfacet")
PEAK_MB_BOUND = 1000     # a build of these files needs a few hundred MB; unbounded reading, GBs


def _bomb(path: Path, inflated_mb: int, piece: bytes) -> None:
    """A gzip file of ``inflated_mb`` copies of one member (1 MB of ``piece`` repeated)."""
    member = gzip.compress(piece * (1_000_000 // len(piece)), 9)
    with open(path, "wb") as fh:
        for _ in range(inflated_mb):
            fh.write(member)


def _sparse(path: Path, head: bytes, size: int) -> None:
    """``head``, then NUL bytes up to ``size`` that take no disk space."""
    with open(path, "wb") as fh:
        fh.write(head)
        fh.truncate(size)


def _record(title: str, text: str, **more) -> str:
    return json.dumps({"title": title, "text": text, **more})


def _hostile_corpus(root: Path) -> tuple[Path, dict[str, str]]:
    """The corpus, and for each bad file (by name) words its reason must hold."""
    corpus = root / "corpus"
    corpus.mkdir()
    outside = root / "outside"
    outside.mkdir()
    (outside / "private.txt").write_text("Private notes\n\nNotes on Vovchansk kept out of the corpus.\n")
    (corpus / "outside").symlink_to(outside)
    (corpus / "loop").symlink_to(corpus)

    good = {"good-one.txt": ("Ferry to Ochakiv resumes", "The ferry to Ochakiv runs again."),
            "good-two.txt": ("Bridge at Zatoka repaired", "Engineers repaired the bridge at Zatoka.")}
    for name, (title, body) in good.items():
        (corpus / name).write_text(f"{title}\n\n{body}\n")
    (corpus / "feed.jsonl").write_text("\n".join([
        _record("Port of Izmail busy", "Grain ships queued at the port of Izmail."),
        "[" * 100_000 + "]" * 100_000,
        "\x00\x00 not a record \x00",
        _record("Vylkove floods", "Floods reached the streets of Vylkove \u0000 on Sunday."),
        _record("Reni \ud800 market", "The market in Reni reopened."),
    ]) + "\n", encoding="utf-8", errors="surrogatepass")
    (corpus / "hostile.html").write_text(HOSTILE_PAGE, encoding="utf-8")
    (corpus / "line\nfailed: forged.txt").write_text("Bilhorod story\n\nA story from Bilhorod.\n")
    Path(os.fsdecode(bytes(corpus) + b"/latin-\xe9.txt")).write_text("Kiliia story\n\nNews from Kiliia.\n")

    _bomb(corpus / "records-bomb.jsonl.gz", 4000, (_record("Same", "again " * 2000) + "\n").encode())
    _bomb(corpus / "line-bomb.jsonl.gz", 4000, b" ")
    _bomb(corpus / "text-bomb.txt.gz", 4000, b"spam ")
    _sparse(corpus / "huge.txt", b"", 1 << 30)
    lines = "".join(_record(f"Sparse {n}", f"Record {n} before the hole.") + "\n" for n in range(200))
    _sparse(corpus / "hole.jsonl", lines.encode(), 1 << 30)
    (corpus / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (corpus / "nul.txt").write_bytes(b"Title\n\nText \x00\x00 with NUL bytes.\n")
    bad = {
        "feed.jsonl#2": "JSON nested too deeply at line 2",
        "feed.jsonl#3": "binary data (NUL bytes) at line 3",
        "records-bomb.jsonl.gz": "gzip bomb",
        "line-bomb.jsonl.gz": "gzip bomb",
        "text-bomb.txt.gz": "gzip bomb",
        "huge.txt": "binary file (NUL bytes)",
        "hole.jsonl#201": "line 201 is longer than 20 MB",
        "deep.json": "JSON nested too deeply",
        "nul.txt": "binary file (NUL bytes)",
    }
    return corpus, bad


def _index_measured(corpus: Path, index_dir: Path) -> tuple[subprocess.CompletedProcess, float]:
    """Run ``newsfacet index`` under a small Python parent that reports the peak resident
    memory (MB) of its children: the build's writer and workers."""
    parent = textwrap.dedent(f"""
        import resource, subprocess, sys
        done = subprocess.run({[str(NEWSFACET), "index", str(corpus), "--index", str(index_dir),
                                "--workers", "2", "--quiet"]!r}, capture_output=True, text=True)
        sys.stdout.write(done.stdout)
        sys.stderr.write(done.stderr)
        print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, file=sys.stderr)
        sys.exit(done.returncode)
    """)
    done = subprocess.run([sys.executable, "-c", parent], capture_output=True, text=True, timeout=600)
    *err, peak = done.stderr.rstrip("\n").split("\n")
    done.stderr = "\n".join(err)
    return done, float(peak)


def test_a_hostile_corpus_is_indexed_safely(tmp_path):
    corpus, bad = _hostile_corpus(tmp_path)
    index_dir = tmp_path / "index"
    done, peak_mb = _index_measured(corpus, index_dir)
    assert done.returncode == 0, done.stderr
    assert peak_mb < PEAK_MB_BOUND, f"peak memory {peak_mb:.0f} MB"

    # every good article, searchable (the hostile page's text too, without its code)
    for word, title in [("ochakiv", "Ferry to Ochakiv resumes"), ("zatoka", "Bridge at Zatoka repaired"),
                        ("izmail", "Port of Izmail busy"), ("vylkove", "Vylkove floods"),
                        ("reni", "Reni \ufffd market"), ("bilhorod", "Bilhorod story"),
                        ("kiliia", "Kiliia story"), ("sparse", None)]:
        found = titles(index_dir, word)
        assert (len(found) == 200 if title is None else found == [title]), (word, found)
    [page] = search(index_dir, "residents explosions")["hits"]
    assert page["title"].startswith("Kharkiv shelling")

    # every bad file in the report, with its reason, and shown one line each
    report = json.loads((index_dir / REPORT).read_text(encoding="utf-8"))
    reasons = {Path(f["file"]).name: f["reason"] for f in report["failed"]}
    for name, why in bad.items():
        assert why in reasons.get(name, ""), (name, reasons.get(name))
    skipped = {Path(s["file"]).name: s["reason"] for s in report["skipped"]}
    assert skipped["outside"].startswith("symbolic link, not followed")
    assert skipped["loop"].startswith("symbolic link, not followed")
    assert "vovchansk" not in json.dumps(exported(index_dir)).lower()
    assert all(line.startswith(("failed: ", "skipped: ", "indexing: ")) for line in done.stderr.splitlines())

    # no script code indexed, and no link a browser would run
    for record in exported(index_dir):
        stored = json.dumps([record["title"], record["text"], record["outlet"], record["authors"],
                             record["url"]]).lower()
        for code in ("<script", "alert(", "onerror", "javascript:"):
            assert code not in stored, (record["path"], code)
