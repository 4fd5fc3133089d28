"""Interrupted indexing: real signals sent to the process group of a real `newsfacet index`.

A handful of the trials of ``bench/interrupt.py`` (which runs 50): each changes a
collection of 1,000 small files, stops a build of it with SIGKILL, SIGINT or SIGTERM
at a point of the run (while workers start, while they index, while the index is
written), and checks that the index holds exactly the articles of the last completed
run, that a stopped build says so and leaks nothing, and that the next run completes
the work and removes what a killed build left behind, saying so. Every check is in
``trial``; where the signal lands changes only which checks apply, never the verdict.
"""

from __future__ import annotations

import importlib.util
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "interrupt.py"
_spec = importlib.util.spec_from_file_location("interrupt_bench", BENCH)
bench = sys.modules["interrupt_bench"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

STARTED = "files to read with"     # printed once the lock is taken and the workers start


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A collection of 1,000 files and its index, shared by the trials in turn."""
    root = tmp_path_factory.mktemp("interrupted")
    collection = bench.Collection(root / "corpus", 1000, random.Random(8))
    index_dir = root / "index"
    subprocess.run(bench.index_command(collection, index_dir, 2), check=True, capture_output=True)
    assert bench.indexed_titles(index_dir) == collection.titles()
    return collection, index_dir


@pytest.mark.parametrize("sig, marker, delay", [
    (signal.SIGKILL, STARTED, 0.6),                # workers starting or indexing
    (signal.SIGINT, STARTED, 1.2),
    (signal.SIGTERM, STARTED, 0.9),
    (signal.SIGKILL, bench.COMMIT_MARKER, 0.0),    # during the commit and merge
    (signal.SIGINT, bench.COMMIT_MARKER, 0.0),
], ids=["kill-while-indexing", "int-while-indexing", "term-while-indexing", "kill-in-commit",
        "int-in-commit"])
def test_a_stopped_build_keeps_the_last_complete_index(built, sig, marker, delay):
    collection, index_dir = built
    outcome = bench.trial(collection, index_dir, sig, marker, delay)
    assert outcome.problems == [], outcome.line()
