"""Benchmark: the time a server takes to open an index generation, and its memory after.

    python bench/open.py                 # 10,000-article scale corpus
    python bench/open.py --n 100000      # a larger one (its index takes a while to build)
    python bench/open.py --index DIR     # an index already built

Builds (once, then reuses) an index of the scale corpus (``bench/index.py``) in
bench/out/open-index-N, makes sure its newest generation has what ``newsfacet index`` writes
when it commits one (segment column files, merged columns, stories: an index built before
some of them gets them here), then opens that generation in a fresh process, twice each way:
from those files (mapped), and from the postings, combining the segments and grouping the
stories again (as before the files existed, and as for a generation without them). Prints the open time, the part of it spent on the value columns (stories
included), and the process's resident memory after.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from index import scale_corpus  # noqa: E402

# Run in a fresh process for each measurement, so that neither time nor memory carries over.
PROBE = r"""
import json, sys, time
from newsfacet.search import column_files, facets, merged_columns
from newsfacet.search.indexer import open_index
if sys.argv[2] == "postings":
    column_files.load = lambda *args: None
    column_files.load_story_roots = lambda *args: None
    merged_columns.load = lambda *args: None
timed = {"columns": 0.0}
original = facets.Columns.__init__
def columns(self, *args, **kwargs):
    started = time.perf_counter()
    original(self, *args, **kwargs)
    timed["columns"] += time.perf_counter() - started
facets.Columns.__init__ = columns
from newsfacet.search.generation import Generations
ix = open_index(sys.argv[1])
started = time.perf_counter()
gens = Generations(ix)
seconds = time.perf_counter() - started
rss = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmRSS:"))
with gens.use() as gen:
    docs = gen.columns.size
print(json.dumps({"seconds": seconds, "columns": timed["columns"], "rss_mb": rss / 1024,
                  "documents": docs}))
"""


def index_for(n: int, workers: int, index_dir: Path | None = None) -> Path:
    """The benchmark index of ``n`` scale-corpus articles (or the index ``index_dir``),
    built on first use, with what ``newsfacet index`` writes when it commits a generation
    (an index built before some of it gets it here)."""
    from newsfacet.search.column_files import stories_name
    from newsfacet.search.indexer import BuildReport, index_paths, open_index, write_generation_files
    from newsfacet.search.merged_columns import manifest_name

    index_dir = index_dir or HERE / "out" / f"open-index-{n}"
    if not (index_dir / "newsfacet.json").exists():
        print(f"building {index_dir} …", flush=True)
        index_paths([scale_corpus(n)], index_dir, workers=workers)
    ix = open_index(index_dir)
    number = ix.latest_generation()
    if not all((index_dir / name).exists() for name in (stories_name(number), manifest_name(number))):
        write_generation_files(ix.storage, ix.schema, number, ix._segments(), BuildReport())
    return index_dir


def measure(index_dir: Path, way: str) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE, str(index_dir), way], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000, help="scale corpus size (default %(default)s)")
    parser.add_argument("--workers", type=int, default=2, help="build processes (default %(default)s)")
    parser.add_argument("--repeat", type=int, default=2, help="opens per way (default %(default)s)")
    parser.add_argument("--index", type=Path, help="an index folder to open instead")
    args = parser.parse_args()

    index_dir = index_for(args.n, args.workers, args.index and args.index.resolve())
    files = list(index_dir.glob("*.cols*"))
    size = sum(f.stat().st_size for f in files) / 2**20
    segments = len(list(index_dir.glob("*.cols.json")))
    print(f"index:        {index_dir} ({segments} segments; column files {size:.1f} MB)")
    for way in ("files", "postings"):
        for run in range(args.repeat):
            found = measure(index_dir, way)
            print(f"open from {way:8}  run {run + 1}: {found['seconds']:6.2f} s "
                  f"(columns {found['columns']:5.2f} s), {found['documents']} documents, "
                  f"RSS {found['rss_mb']:.0f} MB", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
