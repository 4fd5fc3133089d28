"""Benchmark: a real ``newsfacet serve`` under many concurrent clients, on 127.0.0.1 only.

    python bench/load.py                                # 100,000-article scale index, 50 clients, 120 s
    python bench/load.py --index DIR --clients 50 --seconds 600
    python bench/load.py --n 2000 --clients 10 --seconds 10   # the short form
    python bench/load.py --only-pathological --clients 8     # a plain search beside 8 bad ones

It starts the server as a subprocess, then runs ``--clients`` clients, each sending its next
request as soon as the last one is answered, for ``--seconds``: searches, facet clicks,
results pages, article pages, small exports and a few pathological queries (many fuzzy terms,
broad wildcards, long phrases, deep pages, broken syntax). One more client sends only plain
one-word searches, to show how long a plain search waits while the others run. It prints
requests per second, latency percentiles per kind, the error count (any 5xx, any failed
connection, any 4xx to a valid request) and the server's resident memory at the start, every
few seconds and at the end. The exit status is 1 when any request failed.

Without ``--index`` the index of ``--n`` articles of the scale corpus
(../shared/tools/make_scale_corpus.py) is built once and cached under bench/out/.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent

WORDS = ["government", "oil", "football", "election", "market", "police", "minister", "bank",
         "court", "season", "company", "prices", "talks", "report", "shares", "league",
         "president", "film", "music", "budget", "strike", "profit", "coach", "vote"]
PHRASES = ['"prime minister"', '"interest rates"', '"oil prices"', '"last year"']

def pathological_query(rnd: random.Random) -> str:
    """A query that asks for much work, each time a new one (nothing the server has seen),
    or one that is broken."""
    def mutated(word: str) -> str:
        i = rnd.randrange(len(word))
        return word[:i] + rnd.choice("aeiourstn") + word[i + 1:]
    words = rnd.sample(WORDS, 12)
    shapes = [
        lambda: " ".join(f"{mutated(w)}~2" for w in words),                 # many fuzzy terms
        lambda: " ".join(f"{w[:3]}*" for w in words[:8]),                   # broad prefixes
        lambda: " OR ".join(f"{w[:2]}?{w[3:5]}*" for w in words[:4]),       # loose wildcards
        lambda: " ".join(f'"{a} {b}"~{rnd.randint(2, 10)}'                  # many loose phrases
                         for a, b in zip(words[::2], words[1::2])),
        lambda: "(" * 40 + words[0] + ")" * 40,                             # deep brackets
        lambda: f"{words[0]} AND (",                                        # broken syntax
        lambda: " ".join(f"{c}~2" for c in "abcdefgh"),                     # fuzzy short words
    ]
    return rnd.choice(shapes)()


SAMPLE_EVERY = 5.0   # seconds between readings of the server's memory


def scale_index(n: int) -> Path:
    """The cached index of ``n`` scale-corpus articles, built on first use."""
    import importlib.util

    from newsfacet.search.indexer import index_paths, is_index
    spec = importlib.util.spec_from_file_location("bench_index", HERE / "index.py")
    bench_index = importlib.util.module_from_spec(spec)   # bench/index.py makes the corpus
    spec.loader.exec_module(bench_index)
    scale_corpus = bench_index.scale_corpus
    index_dir = HERE / "out" / f"load-index-{n}"
    if not is_index(index_dir):
        print(f"building {index_dir} …", flush=True)
        index_paths([scale_corpus(n)], index_dir)
    return index_dir


def start_server(index_dir: Path, log: Path) -> tuple[subprocess.Popen, int]:
    """``newsfacet serve`` on a free port of 127.0.0.1, its output in ``log``; the process and
    its port."""
    exe = Path(sys.executable).parent / "newsfacet"
    with open(log, "w") as out:
        proc = subprocess.Popen([str(exe), "serve", "--index", str(index_dir), "--host",
                                 "127.0.0.1", "--port", "0"], stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and proc.poll() is None:
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", log.read_text())
        if found:
            return proc, int(found.group(1))
        time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"the server did not start:\n{log.read_text()}")


def rss_mb(pid: int, part: str = "VmRSS") -> float:
    """The resident memory of a process, in MB: all of it, or one ``part`` of
    ``/proc/PID/status`` ("RssAnon": its own memory; "RssFile": pages of files it maps,
    which the kernel can drop and read again)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(part + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


class Client:
    """One connection to the server, kept alive between requests."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def get(self, path: str, params: dict) -> tuple[int, bytes]:
        url = path + ("?" + urlencode(params, doseq=True) if params else "")
        for attempt in (1, 2):   # a kept-alive connection the server closed: reconnect once
            try:
                self.conn.request("GET", url)
                response = self.conn.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


class Mix:
    """The requests clients send, with filter values and article ids taken from the index."""

    def __init__(self, client: Client):
        status, body = client.get("/api/search", {"facet_size": 30, "per_page": 100})
        if status != 200:
            raise SystemExit(f"the server answers {status} to a plain search")
        result = json.loads(body)
        self.facets = {name: [v["value"] for v in facet["values"]]
                       for name, facet in result["facets"].items()
                       if name != "published" and facet["values"]}
        self.ids = [hit["id"] for hit in result["hits"]]
        for word in WORDS[:5]:
            _, body = client.get("/api/search", {"q": word, "per_page": 100, "facet_size": 0})
            self.ids += [hit["id"] for hit in json.loads(body)["hits"]]

    def filters(self, rnd: random.Random) -> dict:
        name = rnd.choice(sorted(self.facets))
        return {name: rnd.choice(self.facets[name])}

    def request(self, rnd: random.Random) -> tuple[str, str, dict, bytes | None]:
        """(kind, path, params, what a 400 answer to it may say: None if it must not be one)."""
        roll = rnd.random()
        query = " ".join(rnd.sample(WORDS, rnd.choice((1, 1, 2, 3))))
        if roll < 0.35:
            return "search", "/api/search", {"q": rnd.choice([query, rnd.choice(PHRASES)])}, None
        if roll < 0.55:
            return "facet click", "/api/search", {"q": query, **self.filters(rnd)}, None
        if roll < 0.75:
            params = {"q": query, **(self.filters(rnd) if rnd.random() < 0.5 else {})}
            if rnd.random() < 0.3:   # a next page, which a small result may not have
                params["page"] = rnd.choice((2, 3))
                return "results page", "/search", params, b"past the last page"
            return "results page", "/search", params, None
        if roll < 0.95:
            return "article page", f"/articles/{rnd.choice(self.ids)}", {}, None
        if roll < 0.98:
            # a researcher's export: the articles on a subject naming someone
            names = [n for n in ("person", "org") if n in self.facets] or sorted(self.facets)
            params = {"q": rnd.choice(WORDS), "format": rnd.choice(("csv", "jsonl"))}
            if names:
                name = rnd.choice(names)
                params[name] = rnd.choice(self.facets[name])
            return "export", "/api/export", params, None
        return self.pathological(rnd)

    @staticmethod
    def pathological(rnd: random.Random) -> tuple[str, str, dict, bytes | None]:
        """A query that asks for much work, or is broken (a 400 is a fine answer to it)."""
        return "pathological", "/api/search", {"q": pathological_query(rnd)}, b""


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, help="an index folder (default: a scale index)")
    parser.add_argument("--n", type=int, default=100_000, help="scale index size without --index")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only-pathological", action="store_true",
                        help="every client sends only pathological queries (the plain probe "
                             "still runs beside them)")
    args = parser.parse_args()
    if not 1 <= args.clients <= 500 or not 0 < args.seconds <= 3600:
        parser.error("--clients must be 1..500 and --seconds 0..3600")

    index_dir = args.index or scale_index(args.n)
    started = time.perf_counter()
    log = Path(tempfile.mkdtemp(prefix="newsfacet-load-")) / "server.log"
    server, port = start_server(index_dir, log)
    print(f"server on 127.0.0.1:{port} for {index_dir}, ready in "
          f"{time.perf_counter() - started:.1f} s", flush=True)
    timings: dict[str, list[float]] = {}
    errors: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()
    try:
        mix = Mix(Client(port))
        memory, own = [rss_mb(server.pid)], [rss_mb(server.pid, "RssAnon")]

        def run(seed: int, plain_only: bool) -> None:
            rnd, client = random.Random(seed), Client(port)
            while not stop.is_set():
                if plain_only:
                    kind, path, params, refusal = ("plain search, beside the rest",
                                                   "/api/search", {"q": rnd.choice(WORDS)}, None)
                elif args.only_pathological:
                    kind, path, params, refusal = mix.pathological(rnd)
                else:
                    kind, path, params, refusal = mix.request(rnd)
                t = time.perf_counter()
                try:
                    status, body = client.get(path, params)
                except (http.client.HTTPException, OSError) as exc:
                    status, body = 0, str(exc).encode()
                took = (time.perf_counter() - t) * 1000
                ok = status == 200 or (status == 400 and refusal is not None and refusal in body)
                with lock:
                    timings.setdefault(kind, []).append(took)
                    if not ok:
                        errors.append(f"{status} {path} {params}: {body[:160]!r}")
                if plain_only:
                    time.sleep(0.2)

        threads = [threading.Thread(target=run, args=(args.seed * 1000 + i, False), daemon=True)
                   for i in range(args.clients)]
        threads.append(threading.Thread(target=run, args=(args.seed, True), daemon=True))
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        while time.perf_counter() - began < args.seconds:
            time.sleep(min(SAMPLE_EVERY, max(0.0, args.seconds - (time.perf_counter() - began))))
            memory.append(rss_mb(server.pid))
            own.append(rss_mb(server.pid, "RssAnon"))
        mapped = rss_mb(server.pid, "RssFile")
        stop.set()
        for thread in threads:
            thread.join(timeout=180)
        elapsed = time.perf_counter() - began
    finally:
        server.terminate()
        server.wait(timeout=30)

    everything = [t for kind, samples in timings.items() for t in samples
                  if not kind.startswith("plain")]
    print(f"\n{args.clients} clients for {elapsed:.0f} s: {len(everything)} requests, "
          f"{len(everything) / elapsed:.1f} requests/s, {len(errors)} errors")
    print(f"{'kind':<32}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for kind, samples in sorted(timings.items()) + [("all (but the plain probe)", everything)]:
        if samples:
            print(f"{kind:<32}{len(samples):>7}{statistics.median(samples):>9.0f}"
                  f"{percentile(samples, 95):>9.0f}{percentile(samples, 99):>9.0f}"
                  f"{max(samples):>9.0f}")
    print(f"server RSS: start {memory[0]:.0f} MB, end {memory[-1]:.0f} MB, "
          f"max {max(memory):.0f} MB (every {SAMPLE_EVERY:.0f} s: "
          + " ".join(f"{m:.0f}" for m in memory) + ")")
    print(f"of which its own memory (RssAnon): start {own[0]:.0f} MB, end {own[-1]:.0f} MB "
          f"({' '.join(f'{m:.0f}' for m in own)}); pages of mapped index files at the end "
          f"(RssFile): {mapped:.0f} MB")
    for error, count in Counter(errors).most_common(10):
        print(f"error ({count}×):", error)
    if errors:
        print(f"the server's log: {log}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
