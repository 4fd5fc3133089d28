"""The short form of ``bench/load.py``: a real server under concurrent clients, with
searches, facet clicks, pages, exports and pathological queries, answers every request and
reports its figures. Speed is the benchmark's to print, not this test's to assert."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from newsitems import TOWNS, write
from newsfacet.search.indexer import index_paths

BENCH = Path(__file__).resolve().parents[1] / "bench" / "load.py"


def test_the_load_benchmark_runs_without_a_failed_request(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i, town in enumerate(TOWNS):
        write(corpus, range(i * 100, i * 100 + 100), town)
    index_paths([corpus], tmp_path / "index", workers=2)
    run = subprocess.run([sys.executable, str(BENCH), "--index", str(tmp_path / "index"),
                          "--clients", "8", "--seconds", "8"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert " 0 errors" in run.stdout
    for kind in ("search", "facet click", "results page", "article page", "export",
                 "pathological", "plain search, beside the rest"):
        assert f"\n{kind} " in run.stdout, kind
    assert "server RSS: start" in run.stdout
