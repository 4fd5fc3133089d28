"""What a server keeps of the index files in its resident memory: the stored texts and the
postings it reads (search results, article pages, a whole export) are read with ``pread``,
so their pages stay in the kernel's page cache and not in the server's mapping, where each
read kept the pages around it too and an export of a large result kept gigabytes."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import numpy as np
from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.filestore import FileStorage

from newsfacet.search.indexer import index_paths
from newsfacet.web.app import create_app

PAGE = 4096
#: Pages this far from either end of a part may be mapped by a read of its neighbour: the
#: kernel maps the cached pages of a 64 KB window around each page a read faults in.
EDGE = 64 * 1024
WORDS = ("harbour ferry storm council budget school river bridge market winter festival "
         "railway hospital vote museum tram library orchard quarry lighthouse canal mayor "
         "teacher nurse baker farmer pilot painter tailor miller").split()


def _parts(index_dir: Path) -> dict[str, list[tuple[int, int, str]]]:
    """Each segment file's parts as (first byte, end, kind: "pst", "_stored.col", ...)."""
    parts = {}
    for seg in index_dir.glob("*.seg"):
        compound = CompoundStorage(FileStorage(str(index_dir)).open_file(seg.name), use_mmap=False)
        parts[str(seg.resolve())] = [(v["offset"], v["offset"] + v["length"], name.split(".", 1)[1])
                                     for name, v in compound._dir.items()]
        compound.close()
    return parts


def _resident_inside(parts: dict) -> Counter:
    """The pages of each kind of part mapped into this process now, counting only the pages
    at least ``EDGE`` from either end of their part (``/proc/self/pagemap``'s present bit)."""
    found = Counter()
    with open("/proc/self/pagemap", "rb") as pagemap:
        for line in Path("/proc/self/maps").read_text().splitlines():
            fields = line.split()
            if len(fields) < 6 or fields[5] not in parts:
                continue
            low, high = (int(x, 16) for x in fields[0].split("-"))
            pagemap.seek(low // PAGE * 8)
            present = np.frombuffer(pagemap.read((high - low) // PAGE * 8), dtype="<u8") >> 63
            for page in np.flatnonzero(present):
                at = int(fields[2], 16) + int(page) * PAGE
                found.update(kind for start, end, kind in parts[fields[5]]
                             if start + EDGE <= at < end - EDGE)
    return found


def test_texts_and_postings_read_for_requests_are_not_kept_in_the_server(tmp_path):
    rnd = random.Random(7)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(400):
        sentences = [" ".join(rnd.choice(WORDS) for _ in range(12)) + f" {n * 7919 + k}."
                     for k in range(60)]
        (corpus / f"a{n:03}.txt").write_text(f"Report {n} on the harbour\n\n"
                                             + " ".join(sentences) + "\n", encoding="utf-8")
    index_paths([corpus], tmp_path / "index", workers=1)
    parts = _parts(tmp_path / "index")
    sizes = Counter()
    for segment in parts.values():
        for start, end, kind in segment:
            sizes[kind] += max(0, end - start - 2 * EDGE) // PAGE
    assert sizes["_stored.col"] > 50 and sizes["pst"] > 50   # parts with an inside to look at

    client = create_app({"INDEX_DIR": str(tmp_path / "index")}).test_client()
    hits = client.get("/api/search", query_string={"q": " OR ".join(WORDS), "per_page": 50})
    assert hits.status_code == 200 and hits.get_json()["total"] == 400
    for hit in hits.get_json()["hits"][:20]:
        assert client.get(f"/articles/{hit['id']}").status_code == 200
    export = client.get("/api/export", query_string={"q": "harbour", "format": "jsonl"})
    records = [json.loads(line) for line in export.get_data(as_text=True).splitlines()]
    assert len(records) == 400 and all(len(r["text"]) > 3000 for r in records)

    resident = _resident_inside(parts)
    assert resident["_stored.col"] == 0 and resident["pst"] == 0, resident
