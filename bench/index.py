"""Benchmark: end-to-end indexing rate and peak memory.

    python bench/index.py                      # 100,000-article scale corpus
    python bench/index.py --n 20000            # a smaller scale corpus
    python bench/index.py PATH [PATH ...]      # any files or folders, e.g. ../shared/corpora/bbc

The scale corpus is made by ../shared/tools/make_scale_corpus.py (real text,
synthetic combinations) and cached under bench/out/. Each run builds a fresh
index in a temporary folder and prints articles per second, the index size and the peak
resident memory of the writer and of the worker processes.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from newsfacet.search.indexer import index_paths

HERE = Path(__file__).resolve().parent

MAKER = HERE.parent.parent / "shared" / "tools" / "make_scale_corpus.py"


def scale_corpus(n: int) -> Path:
    """The cached scale corpus of ``n`` articles, made on first use."""
    out = HERE / "out" / f"scale-{n}.jsonl.gz"
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        print(f"making {out} with {MAKER} …", flush=True)
        subprocess.run([sys.executable, str(MAKER), "--n", str(n), "--out", str(out)], check=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", help="files or folders to index instead of the scale corpus")
    parser.add_argument("--n", type=int, default=100_000, help="scale corpus size (default %(default)s)")
    parser.add_argument("--workers", type=int, default=2, help="extraction processes (default %(default)s)")
    args = parser.parse_args()

    paths = args.paths or [scale_corpus(args.n)]
    with tempfile.TemporaryDirectory(prefix="newsfacet-bench-") as tmp:
        started = time.perf_counter()
        report = index_paths(paths, Path(tmp) / "index", workers=args.workers, progress=sys.stderr.isatty())
        seconds = time.perf_counter() - started
        size_mb = sum(f.stat().st_size for f in (Path(tmp) / "index").iterdir()) / 2**20
    done = report.indexed + report.updated
    writer_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(report.summary())
    print(f"inputs:          {', '.join(str(p) for p in paths)}")
    print(f"articles:        {done} indexed, {len(report.failed)} failed")
    print(f"wall time:       {seconds:.1f} s")
    print(f"rate:            {done / seconds:.0f} articles/s (workers={args.workers})")
    print(f"index size:      {size_mb:.1f} MB")
    print(f"peak memory:     writer {writer_mb:.0f} MB, largest worker {worker_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
