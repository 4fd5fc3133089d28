"""A server keeps answering while ``newsfacet index`` changes its collection.

A real waitress server answers a steady stream of searches, results pages and article pages
from several clients, and streams one slow export, while the real ``newsfacet index`` command
adds, changes and prunes thousands of articles, then rebuilds the index. No request may fail, no response may mix two
index generations (its total must equal the sum of its date histogram, whose "unknown" bucket
counts the undated), the export must be complete, and the new articles must be searchable
once the build ends, without a restart.
"""

from __future__ import annotations

import http.client
import json
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

from conftest import running_server
from newsitems import OUTLETS, write
from newsfacet.search.indexer import index_paths

CLIENTS = 4


def get(base: str, path: str, params: dict | None = None) -> tuple[int, bytes]:
    url = base + path + ("?" + urlencode(params, doseq=True) if params else "")
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def slow_download(port: int, path: str) -> http.client.HTTPResponse:
    """A response read through a small receive buffer, as by a client on a slow line."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 * 1024)
    sock.connect(("127.0.0.1", port))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.sock = sock
    conn.request("GET", path)
    response = conn.getresponse()
    assert response.status == 200
    return response


def index(corpus: Path, index_dir: Path, *options: str) -> str:
    """Run the real ``newsfacet index`` command; its summary line."""
    build = subprocess.run([str(Path(sys.executable).parent / "newsfacet"), "index", str(corpus),
                            "--index", str(index_dir), "--workers", "2", *options],
                           capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stderr
    return build.stdout


def test_a_server_answers_through_a_build_that_adds_changes_and_prunes(tmp_path):
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    write(corpus, range(0, 1500), "Amberley")
    index_paths([corpus], index_dir, workers=2)

    with running_server(index_dir) as server:
        # Small buffers between the server and the slow export client below, so that the export
        # is still being produced, from the first generation, while the builds run.
        server.adj.outbuf_high_watermark = 64 * 1024
        server.socket.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16 * 1024)
        base = f"http://127.0.0.1:{server.effective_port}"
        failures: list[str] = []
        served = {"searches": 0, "pages": 0, "articles": 0}
        stop = threading.Event()

        status, body = get(base, "/api/search", {"q": "n1200q"})
        assert status == 200
        stable_id = json.loads(body)["hits"][0]["id"]

        def client(seed: int) -> None:
            rnd = random.Random(seed)
            while not stop.is_set():
                params = {"q": rnd.choice(["council", "bridge OR harbour", "amberley", "residents",
                                           "brockton", ""]), "facet_size": 100}
                if rnd.random() < 0.3:
                    params["outlet"] = rnd.choice(OUTLETS[:3])
                status, body = get(base, "/api/search", params)
                if status != 200:
                    failures.append(f"/api/search {params}: {status} {body[:200]!r}")
                    continue
                result = json.loads(body)
                histogram = sum(b["count"] for b in result["facets"]["published"])
                if histogram != result["total"]:
                    failures.append(f"mixed generations: total {result['total']}, "
                                    f"date buckets {histogram} for {params}")
                served["searches"] += 1
                status, body = get(base, "/search", params)
                if status != 200:
                    failures.append(f"/search {params}: {status}")
                served["pages"] += 1
                status, body = get(base, f"/articles/{stable_id}")
                if status != 200:
                    failures.append(f"/articles/{stable_id}: {status}")
                served["articles"] += 1

        status, body = get(base, "/api/search", {"facet_size": 0})
        exported_total = json.loads(body)["total"]
        export = slow_download(int(server.effective_port), "/api/export?format=jsonl")
        exported = [export.readline()]   # the export has started on the first generation

        threads = [threading.Thread(target=client, args=(seed,)) for seed in range(CLIENTS)]
        for thread in threads:
            thread.start()
        try:
            write(corpus, range(1500, 2700), "Brockton")             # 1,200 new
            write(corpus, range(500, 1000), "Carrow", "second")      # 500 changed
            for n in range(0, 500):                                  # 500 gone
                (corpus / f"item-{n:05d}.txt").unlink()
            update = index(corpus, index_dir, "--prune")
            assert "indexed 1200, updated 500" in update and "removed 500" in update
            # A rebuild replaces every segment the export reads from.
            assert "indexed 2200" in index(corpus, index_dir, "--rebuild")

            while True:   # the slow reader finishes its export after the build
                chunk = export.read(64 * 1024)
                if not chunk:
                    break
                exported.append(chunk)
                time.sleep(0.01)
            time.sleep(1)   # the clients go on a while on the new generation
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=120)
            export.close()

        assert failures == [], failures[:5]
        assert served["searches"] >= CLIENTS and served["articles"] >= CLIENTS
        records = [json.loads(line) for line in b"".join(exported).splitlines() if line.strip()]
        assert len(records) == exported_total == 1500
        assert len({r["id"] for r in records}) == 1500
        status, body = get(base, "/api/search", {"q": "brockton"})
        assert json.loads(body)["total"] == 1200
        status, body = get(base, "/api/search", {"q": "carrow second"})
        assert json.loads(body)["total"] == 500
        status, body = get(base, "/api/search", {})
        assert json.loads(body)["total"] == 1500 + 1200 - 500
