"""Benchmark: stop `newsfacet index` with real signals at many points of a build.

    python bench/interrupt.py --trials 50          # 3,000 files, 50 trials
    python bench/interrupt.py --trials 5 --files 500 --seed 7

A collection of small .txt files (each with a title of its own) is indexed once.
Then each trial changes it (adds, rewrites and deletes files), starts
`newsfacet index --prune` in a session of its own and sends SIGKILL, SIGINT or
SIGTERM to its whole process group: at a random moment spread over the run, or
a moment after the build says it is writing the index (commit and merge).
Each trial then checks that

- the index opens with exactly the articles of the last completed run (the
  titles `newsfacet export` gives, each once: the run before this one, or this
  one if the signal came after its commit);
- a run stopped by SIGINT or SIGTERM says so (exit 130 or 143) and leaks no
  semaphores;
- the next run completes the work: the index then holds exactly the titles of
  the files on disk, and if the stopped run left files behind (its temporary
  folder), the next run says it removed them and none are left.

It prints one line per trial and a summary, and exits 1 if any trial failed.
The test suite runs a handful of trials (tests/test_interrupted.py).
"""

from __future__ import annotations

import argparse
import os
import random
import select
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from newsfacet.search.cli import iter_records
from newsfacet.search.engine import Engine

HERE = Path(__file__).resolve().parent

NEWSFACET = Path(sys.executable).with_name("newsfacet")
SENTENCES = [
    "The regional council met on Tuesday to discuss repairs to the old bridge.",
    "Farmers said a late frost had damaged much of the apple harvest.",
    "A new ferry service will link the two harbours from next spring.",
    "The museum reopened after a long renovation of its east wing.",
    "Volunteers cleared the river banks of rubbish over the weekend.",
    "The city library extended its opening hours for the exam season.",
    "Bus drivers agreed a new contract after weeks of talks.",
    "A storm brought down power lines across three villages overnight.",
]
COMMIT_MARKER = "writing the index"
LEFT_BEHIND = "MAIN.tmp"          # the folder an unfinished Whoosh writer leaves


class Collection:
    """A folder of small articles, one title each, and the titles a complete build indexes."""

    def __init__(self, folder: Path, files: int, rng: random.Random):
        self.folder, self.rng, self.next = folder, rng, 0
        folder.mkdir(parents=True, exist_ok=True)
        for _ in range(files):
            self._write(self._new_name(), revision=0)

    def _new_name(self) -> str:
        self.next += 1
        return f"story-{self.next:06d}.txt"

    def _write(self, name: str, revision: int) -> None:
        title = f"Story {name[6:12]}" + (f" revised {revision}" if revision else "")
        body = " ".join(self.rng.sample(SENTENCES, 4))
        (self.folder / name).write_text(f"{title}\n\n{body}\n", encoding="utf-8")

    def change(self, fraction: float) -> None:
        """Add, rewrite and delete about ``fraction`` of the files each."""
        names = sorted(os.listdir(self.folder))
        count = max(1, int(len(names) * fraction))
        for name in self.rng.sample(names, count):
            (self.folder / name).unlink()
        for name in self.rng.sample(sorted(os.listdir(self.folder)), count):
            self._write(name, revision=self.rng.randrange(1, 10**6))
        for _ in range(count):
            self._write(self._new_name(), revision=0)

    def titles(self) -> list[str]:
        """The titles a complete build of the folder indexes, sorted."""
        return sorted(p.read_text(encoding="utf-8").split("\n", 1)[0] for p in self.folder.iterdir())


def indexed_titles(index_dir: Path) -> list[str]:
    """The titles `newsfacet export` gives (through the engine), sorted, duplicates kept."""
    return sorted(record["title"] for record in iter_records(Engine(index_dir)))


def index_command(collection: Collection, index_dir: Path, workers: int) -> list[str]:
    return [str(NEWSFACET), "index", str(collection.folder), "--index", str(index_dir), "--prune",
            "--workers", str(workers)]


@dataclass
class Outcome:
    """What one trial did and found."""

    signal: str
    when: str                      # "1.23 s after the start", "0.05 s after 'writing the index'"
    exit: int | None = None
    index: str = ""                # previous | new (what the index held after the signal)
    recovered: str = ""            # what the next run said about leftovers
    problems: list = field(default_factory=list)

    def line(self) -> str:
        status = "ok  " if not self.problems else "FAIL"
        return (f"{status} {self.signal:<7} {self.when:<49} exit {self.exit!s:<4} index {self.index:<8} "
                f"{self.recovered}" + ("".join(f"\n       - {p}" for p in self.problems)))


def _signal_after(proc: subprocess.Popen, sig: int, marker: str | None, delay: float) -> tuple[str, bytes]:
    """Send ``sig`` to the process group ``delay`` seconds after the build printed
    ``marker`` on stderr (None: after it started). Returns when it was sent, and the
    stderr read so far."""
    seen, started = b"", time.monotonic()
    while marker is not None and marker.encode() not in seen and proc.poll() is None:
        ready, _, _ = select.select([proc.stderr], [], [], 0.05)
        if ready:
            seen += os.read(proc.stderr.fileno(), 65536)
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline and proc.poll() is None:   # keep the pipe from filling
        ready, _, _ = select.select([proc.stderr], [], [], max(0.0, min(0.05, deadline - time.monotonic())))
        if ready:
            seen += os.read(proc.stderr.fileno(), 65536)
    when = f"{delay:.2f} s after '{marker}'" if marker else f"{time.monotonic() - started:.2f} s after the start"
    if proc.poll() is not None:
        return when + " (run over)", seen
    os.killpg(proc.pid, sig)
    return when, seen


def trial(collection: Collection, index_dir: Path, sig: int, marker: str | None, delay: float,
          workers: int = 2) -> Outcome:
    """Change the collection, stop a build of it with ``sig`` ``delay`` seconds after
    ``marker`` (see ``_signal_after``), check the index, let the next run complete,
    check again."""
    previous = indexed_titles(index_dir)
    collection.change(0.1)
    wanted = collection.titles()
    env = {**os.environ, "NEWSFACET_PROGRESS_SECONDS": "3600"}   # only the start and commit lines
    proc = subprocess.Popen(index_command(collection, index_dir, workers), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=env, start_new_session=True)
    when, seen = _signal_after(proc, sig, marker, delay)
    outcome = Outcome(signal.Signals(sig).name, when)
    outcome.exit = proc.wait(timeout=600)
    err = (seen + proc.stderr.read()).decode("utf-8", "replace")
    proc.stderr.close()

    found = indexed_titles(index_dir)
    outcome.index = "previous" if found == previous else "new" if found == wanted else "MIXED"
    if outcome.index == "MIXED":
        outcome.problems.append(f"the index holds {len(found)} titles: neither the previous "
                                f"{len(previous)} nor the new {len(wanted)}")
    if "leaked semaphore" in err:
        outcome.problems.append("semaphores leaked")
    expected_exit = {signal.SIGINT: 130, signal.SIGTERM: 143}.get(sig)
    if outcome.exit == expected_exit:
        if "is as it was before this run" not in err:
            outcome.problems.append(f"exit {outcome.exit} without saying the index is unchanged")
        if outcome.index != "previous":
            outcome.problems.append(f"exit {outcome.exit} but the index changed")

    left = (index_dir / LEFT_BEHIND).exists()
    done = subprocess.run(index_command(collection, index_dir, workers), capture_output=True, text=True,
                          timeout=600)
    noted = "did not finish" in done.stderr
    outcome.recovered = "leftovers removed" if noted else ""
    if done.returncode != 0:
        outcome.problems.append(f"the next run failed ({done.returncode}): {done.stderr[-300:]}")
    if left and not noted:
        outcome.problems.append("the next run found leftovers but did not say so")
    if indexed_titles(index_dir) != wanted:
        outcome.problems.append("after the next run the index does not hold exactly the files' titles")
    stray = [n for n in os.listdir(index_dir)
             if n == LEFT_BEHIND or n.endswith(".partial") or ".toc." in n]
    if stray or sum(n.endswith(".toc") for n in os.listdir(index_dir)) != 1:
        outcome.problems.append(f"files left after the next run: {sorted(os.listdir(index_dir))}")
    return outcome


def plan(trials: int, run_seconds: float, rng: random.Random) -> list[tuple[int, str | None, float]]:
    """(signal, marker, delay) of each trial: SIGKILL, SIGINT and SIGTERM in turn; one trial
    in three a moment (up to 0.1 s) after the build says it is writing the index (commit
    and merge), the others at a moment spread over the whole run."""
    signals = [signal.SIGKILL, signal.SIGINT, signal.SIGKILL, signal.SIGTERM]
    return [(signals[n % len(signals)], COMMIT_MARKER, rng.uniform(0, 0.1)) if n % 3 == 2
            else (signals[n % len(signals)], None, rng.uniform(0, run_seconds * 1.1))
            for n in range(trials)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=50, help="trials (default %(default)s)")
    parser.add_argument("--files", type=int, default=3000, help="files in the collection (default %(default)s)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default %(default)s)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default %(default)s)")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="newsfacet-interrupt-") as tmp:
        collection = Collection(Path(tmp) / "corpus", args.files, rng)
        index_dir = Path(tmp) / "index"
        subprocess.run(index_command(collection, index_dir, args.workers), check=True,
                       capture_output=True)
        collection.change(0.1)                      # time a run of one trial's size
        started = time.monotonic()
        subprocess.run(index_command(collection, index_dir, args.workers), check=True,
                       capture_output=True)
        run_seconds = time.monotonic() - started
        print(f"{args.files} files, a run of one trial's changes takes {run_seconds:.1f} s")
        outcomes = []
        for number, (sig, marker, delay) in enumerate(plan(args.trials, run_seconds, rng), 1):
            outcomes.append(trial(collection, index_dir, sig, marker, delay, args.workers))
            print(f"{number:>3} {outcomes[-1].line()}", flush=True)
    failed = [o for o in outcomes if o.problems]
    by = lambda attr, value: sum(getattr(o, attr) == value for o in outcomes)  # noqa: E731
    print(f"\n{len(outcomes)} trials, {len(failed)} failed; index after the signal: "
          f"{by('index', 'previous')} previous, {by('index', 'new')} new, {by('index', 'MIXED')} mixed; "
          f"{by('recovered', 'leftovers removed')} next runs removed leftovers")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
