"""Benchmark: the whole engine at scale (issue 12), with tantivy as the reference.

    python bench/scale.py --n 1000000                    # build (or resume) 1M articles, then measure
    python bench/scale.py --n 1000000 --skip-build       # measure the index as it is
    python bench/scale.py --n 1000000 --build-only       # build (or resume), measure later
    python bench/scale.py --n 10000 --load-seconds 20    # a short check
    python bench/scale.py --n 2000 --skip-tantivy

The corpus is the scale corpus of ``--n`` articles (``bench/index.py``'s ``scale_corpus``: real
sentences, synthetic combinations); the index goes to ``--index`` (default
bench/out/scale-index-N). It measures, in this order:

1. build: the real ``newsfacet index CORPUS --index DIR --workers W`` (never ``--rebuild``:
   a build stopped by Ctrl-C is carried on by running the same command again, and a complete
   index is found unchanged); the RSS of the writer and of its worker processes every 0.5 s,
   peaks per phase ("indexing", then "commit + stories" from the build's "writing the index"
   line); articles/s from ``last-build.json`` (extracted / seconds). Every run is appended to
   bench/out/scale-N-runs.jsonl, so a build split over interrupted runs is reported as a total;
2. index size on disk per article;
3. open time, in fresh processes: the generation (``bench/open.py``'s probe) and
   ``Engine(DIR)`` plus its first search;
4. server RSS: a real ``newsfacet serve`` (``bench/load.py``'s server and client) after the
   query mix sent as a warm-up over HTTP, its peak while it swaps in a generation that adds
   1,000 articles and one that removes them again (``--prune``), searched all the while,
   then ``bench/load.py``'s load for
   ``--load-seconds`` (the issue's figure: 600 s) with its RSS at start and end;
5. queries, in-process: ``bench/search.py``'s query mix plus more phrase, fuzzy, prefix and
   filtered queries, each request with all facets, the date histogram, highlights and the top
   20; first runs and ``--runs`` repeats; p50/p95 over all, first runs, repeats and per kind;
6. tantivy 0.27 (unless ``--skip-tantivy``) on the same articles (cached under
   bench/out/tantivy-N) and the same queries, translated; p50/p95 and the ratio engine/tantivy.

Prints a table and writes the same figures to bench/out/scale-N.json. The issue's targets:
open ≤ 3 s, server RSS ≤ 2.5 GB (at most +20% while a generation is swapped in), p50 ≤ 50 ms
and p95 ≤ 300 ms (first runs included), ≥ 200 articles/s.
"""

from __future__ import annotations

import argparse
import calendar
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import psutil
import tantivy

from index import scale_corpus          # bench/index.py: makes and caches the corpus
from load import Client, rss_mb, start_server
from open import measure as open_generation
from search import kind as search_kind, percentile, query_mix
from newsfacet.search.engine import Engine
from newsfacet.search.indexer import last_report
from newsfacet.search.request import SearchError, parse_request

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
NEWSFACET = Path(sys.executable).parent / "newsfacet"

TARGETS = {"open_s": 3.0, "server_rss_mb": 2560.0, "p50_ms": 50.0, "p95_ms": 300.0,
           "articles_per_s": 200.0, "swap_growth": 0.2}
FILTERS = ("outlet", "source_outlet", "place", "person", "org", "author", "from", "to")
POLL_SECONDS = 0.5
STOPPED = (130, 143, -2, -15)   # newsfacet index's exit after Ctrl-C or SIGTERM, or death by them
MB = 2**20

# Fresh process: Engine(DIR) and its first search, timed apart (imports not included).
ENGINE_PROBE = r"""
import json, sys, time
from newsfacet.search.engine import Engine
from newsfacet.search.request import parse_request
started = time.perf_counter()
engine = Engine(sys.argv[1])
opened = time.perf_counter()
engine.search(parse_request({"q": ["government"]}))
done = time.perf_counter()
print(json.dumps({"engine_s": opened - started, "first_search_s": done - opened}))
"""


# --- build --------------------------------------------------------------------------------

def phase_of(line: str, current: str) -> str:
    """The build phase a progress line of ``newsfacet index`` starts (or ``current``)."""
    if "writing the index" in line:
        return "commit + stories"
    if line.startswith("indexing:"):
        return "indexing"
    return current


def tree_rss(pid: int) -> tuple[float, float]:
    """(writer, sum of its descendants) resident memory in MB; zeros once it has exited."""
    try:
        proc = psutil.Process(pid)
        writer = proc.memory_info().rss
        children = proc.children(recursive=True)
    except psutil.NoSuchProcess:
        return 0.0, 0.0
    workers = 0
    for child in children:
        try:
            workers += child.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return writer / MB, workers / MB


def note_peak(peaks: dict, phase: str, writer: float, workers: float) -> None:
    """Raise the phase's peaks (writer, workers, total) to this reading."""
    peak = peaks.setdefault(phase, {"writer_mb": 0.0, "workers_mb": 0.0, "total_mb": 0.0})
    peak["writer_mb"] = max(peak["writer_mb"], writer)
    peak["workers_mb"] = max(peak["workers_mb"], workers)
    peak["total_mb"] = max(peak["total_mb"], writer + workers)


def run_build(corpus: Path, index_dir: Path, workers: int) -> dict:
    """Run ``newsfacet index`` once, its progress echoed to stderr, its memory polled; the
    run's record (``interrupted`` after Ctrl-C, which the build also receives)."""
    cmd = [str(NEWSFACET), "index", str(corpus), "--index", str(index_dir),
           "--workers", str(workers)]
    env = {**os.environ, "NEWSFACET_PROGRESS_SECONDS": "2"}
    began = datetime.now(timezone.utc).isoformat(timespec="seconds")
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env=env)
    phase = ["indexing"]
    peaks: dict = {}

    def follow() -> None:
        for line in proc.stderr:
            sys.stderr.write(line)
            if phase_of(line, phase[0]) != phase[0]:   # a short phase gets one reading at least
                phase[0] = phase_of(line, phase[0])
                note_peak(peaks, phase[0], *tree_rss(proc.pid))

    reader = threading.Thread(target=follow, daemon=True)
    reader.start()
    interrupted = False
    try:
        while proc.poll() is None:
            note_peak(peaks, phase[0], *tree_rss(proc.pid))
            time.sleep(POLL_SECONDS)
    except KeyboardInterrupt:
        interrupted = True
        proc.wait()
    reader.join(timeout=10)
    interrupted = interrupted or proc.returncode in STOPPED
    record = {"started": began,
              "index": str(index_dir), "workers": workers, "exit": proc.returncode,
              "interrupted": interrupted, "wall_seconds": time.perf_counter() - started,
              "peaks": peaks}
    report = last_report(index_dir) if proc.returncode == 0 else None
    if report is not None:
        record.update({key: report[key] for key in ("extracted", "articles", "seconds")})
    return record


def runs_file(n: int) -> Path:
    """The record of every build run of the ``n``-article index, one JSON object a line."""
    return OUT / f"scale-{n}-runs.jsonl"


def build(corpus: Path, index_dir: Path, n: int, workers: int) -> dict:
    """One build run, appended to the runs file (started anew when the index folder is new)."""
    runs = runs_file(n)
    if not index_dir.exists() and runs.exists():   # a new folder: forget its earlier runs
        kept = [line for line in runs.read_text().splitlines()
                if json.loads(line)["index"] != str(index_dir)]
        runs.write_text("".join(line + "\n" for line in kept))
    record = run_build(corpus, index_dir, workers)
    runs.parent.mkdir(parents=True, exist_ok=True)
    with runs.open("a") as out:
        out.write(json.dumps(record) + "\n")
    if record["interrupted"]:
        print(f"the build was stopped after {record['wall_seconds']:.0f} s; run the same "
              "command again to carry on", file=sys.stderr)
        sys.exit(130)
    if record["exit"] != 0:
        raise SystemExit(f"newsfacet index exited with {record['exit']}")
    return record


def build_totals(n: int, index_dir: Path) -> dict:
    """Extracted articles and seconds summed over every run of this index folder. An
    interrupted run counts its wall time but no articles (it writes no report; what its
    checkpoints committed is not extracted again), so with interrupted runs the rate is a
    lower bound."""
    runs = [json.loads(line) for line in runs_file(n).read_text().splitlines()] \
        if runs_file(n).exists() else []
    runs = [run for run in runs if run["index"] == str(index_dir)]
    extracted = sum(run.get("extracted", 0) for run in runs)
    seconds = sum(run.get("seconds", run["wall_seconds"]) for run in runs)
    return {"runs": len(runs), "interrupted": sum(run["interrupted"] for run in runs),
            "extracted": extracted, "seconds": seconds,
            "articles_per_s": extracted / seconds if seconds else None}


def rate(record: dict) -> float | None:
    """A run's articles extracted per second (None when it extracted nothing)."""
    return record["extracted"] / record["seconds"] if record.get("extracted") else None


# --- size and open ------------------------------------------------------------------------

def index_size(index_dir: Path) -> dict:
    """The index folder's bytes on disk, in total and per article."""
    total = sum(f.stat().st_size for f in index_dir.rglob("*") if f.is_file())
    articles = (last_report(index_dir) or {}).get("articles") or 0
    return {"bytes": total, "articles": articles,
            "bytes_per_article": total / articles if articles else None}


def open_times(index_dir: Path) -> dict:
    """Open figures from fresh processes: the generation from its column files
    (``bench/open.py``), and ``Engine(DIR)`` with its first search."""
    generation = open_generation(index_dir, "files")
    out = subprocess.run([sys.executable, "-c", ENGINE_PROBE, str(index_dir)], check=True,
                         capture_output=True, text=True).stdout
    engine = json.loads(out.strip().splitlines()[-1])
    return {"generation_s": generation["seconds"], "generation_rss_mb": generation["rss_mb"],
            **engine, "engine_and_first_search_s": engine["engine_s"] + engine["first_search_s"]}


# --- queries ------------------------------------------------------------------------------

def scale_mix(engine: Engine) -> list[dict]:
    """``bench/search.py``'s query mix plus more phrase, fuzzy, prefix and filtered queries."""
    mix = query_mix(engine)
    outlet = next(params["outlet"] for params in mix if "outlet" in params)
    return mix + [
        {"q": '"oil prices"~3'}, {"q": '"prime minister"', "outlet": outlet},
        {"q": "strikes~2"}, {"q": "minster~ election", "from": "2005", "to": "2012"},
        {"q": "footb*"}, {"q": "econom*", "outlet": outlet},
        {"q": "police", "from": "2008", "to": "2009"},
    ]


def kinds(params: dict) -> list[str]:
    """Every kind a query is counted under: fuzzy, prefix, stop-word phrase or phrase,
    filtered; plain when none."""
    found = [search_kind(params)] if search_kind(params) else []
    if not found and '"' in params.get("q", ""):
        found.append("phrase")
    if any(name in params for name in FILTERS):
        found.append("filtered")
    return found or ["plain"]


def label(params: dict) -> str:
    return " ".join(f"{k}={v}" for k, v in params.items()) or "(everything)"


def time_queries(run, mix: list[dict], runs: int) -> list[dict]:
    """Each query's first run and ``runs`` repeats of ``run(params)`` (which returns the
    total), in ms; a query ``run`` cannot do (it returns None) is left out."""
    timed = []
    for params in mix:
        started = time.perf_counter()
        total = run(params)
        first = (time.perf_counter() - started) * 1000
        if total is None:
            continue
        repeats = []
        for _ in range(runs):
            started = time.perf_counter()
            run(params)
            repeats.append((time.perf_counter() - started) * 1000)
        timed.append({"query": label(params), "kinds": kinds(params), "total": total,
                      "first_ms": first, "repeat_ms": repeats})
    return timed


def p50_p95(samples: list[float]) -> dict:
    return {"p50_ms": percentile(samples, 50), "p95_ms": percentile(samples, 95),
            "samples": len(samples)}


def latency(timed: list[dict]) -> dict:
    """p50/p95 over first runs and repeats together, each apart, and per kind."""
    first = [t["first_ms"] for t in timed]
    repeats = [ms for t in timed for ms in t["repeat_ms"]]
    out = {"all": p50_p95(first + repeats), "first runs": p50_p95(first),
           "repeats": p50_p95(repeats)}
    for name in sorted({k for t in timed for k in t["kinds"]}):
        out[f"kind: {name}"] = p50_p95([ms for t in timed if name in t["kinds"]
                                        for ms in [t["first_ms"], *t["repeat_ms"]]])
    return out


def engine_run(engine: Engine, refused: list[str]):
    """``run(params)`` for ``time_queries``: one engine search (default request: all facets,
    the date histogram, highlights, the top 20); a search the engine refuses (a 400 to a
    user, e.g. a phrase of words too many articles hold) is noted in ``refused`` and left out."""
    def run(params: dict) -> int | None:
        try:
            return engine.search(parse_request({k: [v] for k, v in params.items()}))["total"]
        except SearchError as exc:
            refused.append(f"{label(params)}: {exc}")
            return None
    return run


# --- server -------------------------------------------------------------------------------

def server_figures(index_dir: Path, corpus: Path, mix: list[dict], load_seconds: float,
                   clients: int) -> dict:
    """RSS of a real server after the query mix over HTTP, through two generation swaps
    (``swap``), then ``bench/load.py``'s load (its own server) with its RSS at start and end."""
    folder = Path(tempfile.mkdtemp(prefix="newsfacet-scale-"))
    server, port = start_server(index_dir, folder / "server.log")
    try:
        client = Client(port)
        for params in mix:
            search(client, params)
        warm, warm_own = rss_mb(server.pid), rss_mb(server.pid, "RssAnon")
        swaps = swap(index_dir, corpus, folder / "added.jsonl", server.pid, client, mix,
                     warm, warm_own)
    finally:
        server.terminate()
        server.wait(timeout=30)
    out = {"rss_after_warmup_mb": warm, "own_after_warmup_mb": warm_own, "swaps": swaps}
    if load_seconds > 0:
        out["load"] = run_load(index_dir, load_seconds, clients)
    return out


def search(client: Client, params: dict) -> dict:
    """The server's answer to a search; stops the bench on anything but a 200."""
    status, body = client.get("/api/search", params)
    if status != 200:
        raise SystemExit(f"the server answers {status} to {params}: {body[:200]!r}")
    return json.loads(body)


SWAP_ARTICLES = 1000


def swap(index_dir: Path, corpus: Path, added: Path, pid: int, client: Client,
         mix: list[dict], warm: float, warm_own: float) -> list[dict]:
    """The server's RSS while it swaps in two new generations under searches: one that adds
    ``SWAP_ARTICLES`` articles (new versions of the corpus's first ones, in ``added``), and
    one made by ``--prune`` after ``added`` is deleted, which leaves the index as it was.
    Each swap is done when the server's total shows it. Its growth is its peak over ``warm``,
    the RSS after warm-up (the RSS just before a swap may be lower: freed memory returned);
    the same is measured of the server's own memory (RssAnon, ``warm_own`` after warm-up),
    which the mapped index pages the RSS holds do not blur (their number depends on what
    the page cache held when they were first read)."""
    with open(added, "w", encoding="utf-8") as out:
        for number, record in enumerate(corpus_records(corpus)):
            if number == SWAP_ARTICLES:
                break
            record.update(title=f"{record.get('title') or ''} (again)", text=f"{record.get('text') or ''}\n\nAgain.")
            out.write(json.dumps(record) + "\n")
    before = search(client, {})["total"]
    steps = [("add", [added], before + SWAP_ARTICLES), ("prune", [corpus, "--prune"], before)]
    figures = []
    for name, args, expected in steps:
        if name == "prune":
            added.unlink()
        start, own_start = rss_mb(pid), rss_mb(pid, "RssAnon")
        build = subprocess.Popen([str(NEWSFACET), "index", *map(str, args), "--index", str(index_dir),
                                  "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        peak, own_peak, started, searches = start, own_start, time.monotonic(), 0
        while True:
            done = build.poll()
            if done not in (None, 0):
                raise SystemExit(f"newsfacet index failed: {build.stderr.read()}")
            total = search(client, mix[searches % len(mix)] if done is None else {})["total"]
            searches += 1
            peak = max(peak, rss_mb(pid))
            own_peak = max(own_peak, rss_mb(pid, "RssAnon"))
            if done is not None and total == expected:
                break
            if time.monotonic() - started > 3600:
                raise SystemExit(f"the server still answers {total} articles, not {expected}")
        figures.append({"swap": name, "rss_before_mb": start, "rss_peak_mb": peak,
                        "rss_after_mb": rss_mb(pid), "seconds": time.monotonic() - started,
                        "searches": searches, "growth": peak / warm - 1,
                        "own_before_mb": own_start, "own_peak_mb": own_peak,
                        "own_after_mb": rss_mb(pid, "RssAnon"), "own_growth": own_peak / warm_own - 1})
    return figures


def run_load(index_dir: Path, seconds: float, clients: int) -> dict:
    """``bench/load.py`` on this index; its request rate, errors and server RSS (sampled
    every few seconds, kept: whether it is flat shows in its second half)."""
    done = subprocess.run([sys.executable, str(HERE / "load.py"), "--index", str(index_dir),
                           "--seconds", str(seconds), "--clients", str(clients)],
                          capture_output=True, text=True)
    text = done.stdout
    requests = re.search(r"(\d+) requests, ([\d.]+) requests/s, (\d+) errors", text)
    memory = re.search(r"server RSS: start (\d+) MB, end (\d+) MB, max (\d+) MB", text)
    own = re.search(r"its own memory \(RssAnon\): start (\d+) MB, end (\d+) MB .*"
                    r"\(RssFile\): (\d+) MB", text)
    samples = re.search(r"\(every [\d.]+ s: ([\d ]+)\)", text)
    own_samples = re.search(r"\(RssAnon\): start \d+ MB, end \d+ MB \(([\d ]+)\)", text)
    if not (requests and memory and own and samples and own_samples):
        raise SystemExit(f"bench/load.py said:\n{text}\n{done.stderr}")
    return {"rss_samples_mb": [float(mb) for mb in samples.group(1).split()],
            "own_samples_mb": [float(mb) for mb in own_samples.group(1).split()],
            "seconds": seconds, "clients": clients, "requests": int(requests.group(1)),
            "requests_per_s": float(requests.group(2)), "errors": int(requests.group(3)),
            "rss_start_mb": float(memory.group(1)), "rss_end_mb": float(memory.group(2)),
            "rss_max_mb": float(memory.group(3)), "own_start_mb": float(own.group(1)),
            "own_end_mb": float(own.group(2)), "mapped_end_mb": float(own.group(3)),
            "error_samples": re.findall(r"^error (\(.*)$", text, re.MULTILINE)}


# --- tantivy ------------------------------------------------------------------------------

TANTIVY_LIMITS = ("tantivy computes: matches of title+text (en_stem), total, top 20 by BM25 "
                  "(or by date), stored fields and a text snippet per hit, counts of the top "
                  "10 outlets and a 30-day date histogram. It does not compute: place, person, "
                  "organisation, author and source-outlet facets, stories (counts in stories), "
                  "name variants, facet values' distinct/missing counts, did-you-mean, "
                  "stop-word handling, the interpretation; queries filtered on a place or a "
                  "person are left out of its timings and of the ratio.")
TEXT_FIELDS = ("title", "text")
SPECIAL_TERM = re.compile(r'(?<![\w"])(\w+)(~\d?|\*)(?=\s|$)')


def tantivy_dir(n: int) -> Path:
    return OUT / f"tantivy-{n}"


def corpus_records(corpus: Path):
    """The scale corpus's records, one dict each."""
    with gzip.open(corpus, "rt", encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)


def tantivy_schema():
    builder = tantivy.SchemaBuilder()
    for name in TEXT_FIELDS:
        builder.add_text_field(name, stored=True, tokenizer_name="en_stem")
    builder.add_text_field("outlet", stored=True, fast=True, tokenizer_name="raw")
    builder.add_date_field("published", indexed=True, fast=True)
    return builder.build()


def tantivy_document(record: dict):
    """A tantivy document of a scale corpus record."""
    fields = {"title": record.get("title") or "", "text": record.get("text") or ""}
    if record.get("outlet"):
        fields["outlet"] = record["outlet"]
    if record.get("published"):
        fields["published"] = datetime.fromisoformat(record["published"][:10]).replace(
            tzinfo=timezone.utc)
    return tantivy.Document(**fields)


def tantivy_index(corpus: Path, n: int):
    """The tantivy index of the corpus, built (2 writer threads, 1 GB heap) unless cached;
    the index and its build figures."""
    folder = tantivy_dir(n)
    marker = folder / "built.json"
    if not marker.exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        print(f"building the tantivy index {folder} …", file=sys.stderr, flush=True)
        index = tantivy.Index(tantivy_schema(), path=str(folder))
        started = time.perf_counter()
        writer = index.writer(heap_size=1_000_000_000, num_threads=2)
        articles = 0
        for record in corpus_records(corpus):
            writer.add_document(tantivy_document(record))
            articles += 1
        writer.commit()
        writer.wait_merging_threads()
        seconds = time.perf_counter() - started
        marker.write_text(json.dumps({"articles": articles, "seconds": seconds}) + "\n")
    index = tantivy.Index.open(str(folder))
    built = json.loads(marker.read_text())
    size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
    return index, {**built, "articles_per_s": built["articles"] / built["seconds"],
                   "bytes": size, "bytes_per_article": size / built["articles"]}


def date_bound(value: str, upper: bool) -> datetime:
    """The first (or, ``upper``, last) moment of a ``from``/``to`` value: YYYY, YYYY-MM or
    YYYY-MM-DD."""
    parts = [int(p) for p in value.split("-")]
    year = parts[0]
    month = parts[1] if len(parts) > 1 else (12 if upper else 1)
    day = parts[2] if len(parts) > 2 else (calendar.monthrange(year, month)[1] if upper else 1)
    moment = datetime(year, month, day, tzinfo=timezone.utc)
    return moment.replace(hour=23, minute=59, second=59) if upper else moment


def any_field(make) -> object:
    """``make(field)`` over title and text, either matching."""
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, make(f)) for f in TEXT_FIELDS])


def tantivy_query(index, params: dict, stem):
    """A params dict of the mix as a tantivy query (None: a filter tantivy has no field for).
    Fuzzy (``word~N``: the word as ``stem`` analyses it, N edits) and prefix (``word*``)
    terms are built apart, the rest goes to tantivy's parser (all words required), filters are term and
    range queries."""
    if "place" in params or "person" in params:
        return None
    schema = index.schema
    q = params.get("q", "")
    clauses = []
    for word, op in SPECIAL_TERM.findall(q):
        if op == "*":
            pattern = re.escape(word.lower()) + ".*"
            clauses.append(any_field(lambda f: tantivy.Query.regex_query(schema, f, pattern)))
        else:
            term, distance = stem.analyze(word)[0], int(op[1:] or 1)
            clauses.append(any_field(lambda f: tantivy.Query.fuzzy_term_query(
                schema, f, term, distance)))
    rest = SPECIAL_TERM.sub(" ", q).strip()
    if rest:
        clauses.append(index.parse_query(rest, list(TEXT_FIELDS), conjunction_by_default=True))
    if "outlet" in params:
        clauses.append(tantivy.Query.term_query(schema, "outlet", params["outlet"]))
    if "from" in params or "to" in params:
        clauses.append(tantivy.Query.range_query(
            schema, "published", tantivy.FieldType.Date,
            date_bound(params["from"], False) if "from" in params else None,
            date_bound(params["to"], True) if "to" in params else None))
    if not clauses:
        return tantivy.Query.all_query()
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, c) for c in clauses])


AGGREGATIONS = {"outlet": {"terms": {"field": "outlet", "size": 10}},
                "published": {"date_histogram": {"field": "published",
                                                 "fixed_interval": "30d"}}}


def tantivy_run(index):
    """``run(params)`` for ``time_queries``: top 20 (by date for ``sort=newest`` or no
    query), each hit's stored fields and text snippet, outlet counts and a date histogram."""
    searcher = index.searcher()
    schema = index.schema
    stem = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(
        tantivy.Filter.lowercase()).filter(tantivy.Filter.stemmer("english")).build()

    def run(params: dict) -> int | None:
        query = tantivy_query(index, params, stem)
        if query is None:
            return None
        by_date = params.get("sort") == "newest" or not params.get("q")
        found = searcher.search(query, 20, order_by_field="published" if by_date else None)
        snippets = tantivy.SnippetGenerator.create(searcher, query, schema, "text")
        for _, address in found.hits:
            snippets.snippet_from_doc(searcher.doc(address)).to_html()
        searcher.aggregate(query, AGGREGATIONS)
        return found.count
    return run


def ratio(engine: list[dict], reference: list[dict]) -> dict:
    """Engine / tantivy p50 and p95 over the queries both ran (all samples, and first runs)."""
    shared = {t["query"] for t in reference}
    ours = [t for t in engine if t["query"] in shared]
    out = {}
    for key, pick in (("all", lambda t: [t["first_ms"], *t["repeat_ms"]]),
                      ("first runs", lambda t: [t["first_ms"]])):
        a = [ms for t in ours for ms in pick(t)]
        b = [ms for t in reference for ms in pick(t)]
        out[key] = {"p50": percentile(a, 50) / percentile(b, 50),
                    "p95": percentile(a, 95) / percentile(b, 95), "queries": len(ours)}
    return out


# --- output -------------------------------------------------------------------------------

def verdicts(figures: dict) -> dict:
    """Each target of the issue: the figure and whether it is met."""
    server = figures["server"]
    rss = max([server["rss_after_warmup_mb"]]
              + [server["load"][k] for k in ("rss_end_mb", "rss_max_mb") if "load" in server])
    found = {"open_s": figures["open"]["engine_and_first_search_s"], "server_rss_mb": rss,
             "p50_ms": figures["queries"]["engine"]["all"]["p50_ms"],
             "p95_ms": figures["queries"]["engine"]["all"]["p95_ms"],
             "articles_per_s": figures["build"]["total"]["articles_per_s"],
             "swap_growth": max(swap["growth"] for swap in server["swaps"])}
    return {key: {"value": value, "target": TARGETS[key],
                  "met": None if value is None else
                  (value >= TARGETS[key] if key == "articles_per_s" else value <= TARGETS[key])}
            for key, value in found.items()}


def print_table(figures: dict) -> None:
    """The figures as a readable report on stdout."""
    build, size, opened = figures["build"], figures["size"], figures["open"]
    print(f"\nscale benchmark: {figures['n']} articles, index {figures['index']}")
    run = build.get("this_run")
    if run:
        speed = rate(run)
        print(f"build, this run: {run.get('extracted', 0)} extracted in {run.get('seconds', 0):.1f} s"
              + (f" = {speed:.0f} articles/s" if speed else " (nothing to extract)")
              + f", workers {run['workers']}")
        for phase, peak in run["peaks"].items():
            print(f"  peak RSS, {phase:<17} writer {peak['writer_mb']:7.0f} MB   "
                  f"workers {peak['workers_mb']:7.0f} MB   total {peak['total_mb']:7.0f} MB")
    total = build["total"]
    if total["articles_per_s"]:
        print(f"build, all {total['runs']} runs ({total['interrupted']} interrupted): "
              f"{total['extracted']} extracted in {total['seconds']:.0f} s = "
              f"{total['articles_per_s']:.0f} articles/s")
    per = size["bytes_per_article"]
    print(f"index size: {size['bytes'] / MB:.1f} MB for {size['articles']} articles"
          + (f" = {per / 1024:.2f} KB/article" if per else ""))
    print(f"open: generation {opened['generation_s']:.2f} s (RSS {opened['generation_rss_mb']:.0f} MB); "
          f"Engine() {opened['engine_s']:.2f} s + first search {opened['first_search_s']:.2f} s")
    server = figures["server"]
    print(f"server RSS after warm-up: {server['rss_after_warmup_mb']:.0f} MB, its own memory "
          f"(RssAnon) {server['own_after_warmup_mb']:.0f} MB")
    for swap in server["swaps"]:
        print(f"generation swap ({swap['swap']}, {swap['searches']} searches meanwhile, "
              f"{swap['seconds']:.0f} s): RSS {swap['rss_before_mb']:.0f} MB before, peak "
              f"{swap['rss_peak_mb']:.0f} MB (+{100 * swap['growth']:.0f}% of the RSS after "
              f"warm-up), after {swap['rss_after_mb']:.0f} MB; its own memory "
              f"{swap['own_before_mb']:.0f} MB before, peak {swap['own_peak_mb']:.0f} MB "
              f"(+{100 * swap['own_growth']:.0f}% of its own after warm-up), after "
              f"{swap['own_after_mb']:.0f} MB")
    if "load" in server:
        load = server["load"]
        print(f"load ({load['clients']} clients, {load['seconds']:.0f} s): "
              f"{load['requests_per_s']:.1f} requests/s, {load['errors']} errors, RSS start "
              f"{load['rss_start_mb']:.0f} MB, end {load['rss_end_mb']:.0f} MB, "
              f"max {load['rss_max_mb']:.0f} MB; its own memory {load['own_start_mb']:.0f} → "
              f"{load['own_end_mb']:.0f} MB, pages of mapped index files "
              f"{load['mapped_end_mb']:.0f} MB at the end")
        half = load["rss_samples_mb"][len(load["rss_samples_mb"]) // 2]
        print(f"  RSS over the load's second half: {half:.0f} → {load['rss_end_mb']:.0f} MB "
              f"({100 * (load['rss_end_mb'] - half) / half:+.0f}%); every sample: "
              + " ".join(f"{mb:.0f}" for mb in load["rss_samples_mb"]))
        for sample in load.get("error_samples", []):
            print(f"  load error: {sample}")
    queries = figures["queries"]
    print(f"\n{'query':<52}{'hits':>8}{'first ms':>10}{'repeat p50':>11}"
          + (f"{'tantivy hits':>14}{'tantivy p50':>12}" if "tantivy" in queries else ""))
    reference = {t["query"]: t for t in queries.get("tantivy_timed", [])}
    for t in queries["engine_timed"]:
        other = reference.get(t["query"])
        print(f"{t['query'][:50]:<52}{t['total']:>8}{t['first_ms']:>10.1f}"
              f"{percentile(t['repeat_ms'], 50):>11.1f}"
              + (f"{other['total']:>14}{percentile(other['repeat_ms'], 50):>12.1f}"
                 if other else ""))
    for refusal in queries["engine_refused"]:
        print(f"refused by the engine (a 400 to a user): {refusal}")
    print()
    for engine_name in ("engine", "tantivy"):
        for key, stat in queries.get(engine_name, {}).items():
            print(f"{engine_name + ', ' + key:<36} p50 {stat['p50_ms']:8.1f} ms   "
                  f"p95 {stat['p95_ms']:8.1f} ms   ({stat['samples']} samples)")
    if "ratio" in queries:
        tant = queries["tantivy_build"]
        print(f"tantivy index: {tant['articles']} articles, built at {tant['articles_per_s']:.0f} "
              f"articles/s, {tant['bytes'] / MB:.1f} MB = "
              f"{tant['bytes_per_article'] / 1024:.2f} KB/article")
        for key, r in queries["ratio"].items():
            print(f"ratio engine/tantivy, {key:<11} p50 {r['p50']:6.1f}×   p95 {r['p95']:6.1f}×   "
                  f"({r['queries']} queries)")
        print("note:", TANTIVY_LIMITS)
    print("\ntargets:")
    for key, v in figures["targets"].items():
        shown = "n/a" if v["value"] is None else f"{v['value']:.2f}"
        print(f"  {key:<16}{shown:>10}  target {v['target']:<8} "
              f"{'-' if v['met'] is None else 'met' if v['met'] else 'NOT MET'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000, help="scale corpus size (default %(default)s)")
    parser.add_argument("--workers", type=int, default=2, help="build worker processes (default %(default)s)")
    parser.add_argument("--index", type=Path, help="index folder (default bench/out/scale-index-N)")
    parser.add_argument("--skip-build", action="store_true", help="measure the index as it is")
    parser.add_argument("--build-only", action="store_true",
                        help="build (or resume) and stop: measure later with --skip-build")
    parser.add_argument("--skip-tantivy", action="store_true", help="no tantivy reference")
    parser.add_argument("--runs", type=int, default=5, help="timed repeats per query (default %(default)s)")
    parser.add_argument("--load-seconds", type=float, default=60.0,
                        help="bench/load.py's load (default %(default)s; the issue's: 600; 0: none)")
    parser.add_argument("--load-clients", type=int, default=50, help="load clients (default %(default)s)")
    args = parser.parse_args()

    corpus = scale_corpus(args.n)
    index_dir = (args.index or OUT / f"scale-index-{args.n}").resolve()
    figures = {"n": args.n, "index": str(index_dir), "corpus": str(corpus), "build": {}}
    if not args.skip_build:
        figures["build"]["this_run"] = build(corpus, index_dir, args.n, args.workers)
        if args.build_only:
            print(json.dumps(figures["build"]["this_run"], indent=1))
            return 0
    figures["build"]["total"] = build_totals(args.n, index_dir)
    figures["size"] = index_size(index_dir)
    figures["open"] = open_times(index_dir)
    engine = Engine(index_dir)
    mix = scale_mix(engine)
    refused: list[str] = []
    timed = time_queries(engine_run(engine, refused), mix, args.runs)
    figures["queries"] = {"engine": latency(timed), "engine_timed": timed, "engine_refused": refused}
    answered = [params for params in mix if any(t["query"] == label(params) for t in timed)]
    figures["server"] = server_figures(index_dir, corpus, answered, args.load_seconds, args.load_clients)
    if not args.skip_tantivy:
        index, built = tantivy_index(corpus, args.n)
        reference = time_queries(tantivy_run(index), mix, args.runs)
        figures["queries"].update({"tantivy": latency(reference), "tantivy_timed": reference,
                                   "tantivy_build": built, "ratio": ratio(timed, reference),
                                   "tantivy_note": TANTIVY_LIMITS})
    figures["targets"] = verdicts(figures)
    print_table(figures)
    out = OUT / f"scale-{args.n}.json"
    out.write_text(json.dumps(figures, indent=1) + "\n")
    print(f"\nfigures: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
