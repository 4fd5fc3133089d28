"""A collection through its life: change, add, append, replace, delete, prune, rebuild.

After every update the collection is checked as users see it: the engine, ``newsfacet
search --json`` and the HTTP API must agree (``frontends``), and an engine opened before
the updates (a running server) must see each new generation without a restart.
"""

from __future__ import annotations

import json
from pathlib import Path

from frontends import article, exported, search, titles
from records import write_jsonl

from newsfacet.search.engine import Engine
from newsfacet.search.indexer import index_paths


def _txt(path: Path, title: str, body: str) -> Path:
    path.write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    return path


def _rec(title: str, text: str) -> dict:
    return {"title": title, "text": text, "source": "Harbour Wire", "date": "2024-03-01"}


def test_a_collection_through_its_life(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    ferry = _txt(corpus / "ferry.txt", "Ferry timetable", "The ferry to Kinburn leaves at nine.")
    bridge = _txt(corpus / "bridge.txt", "Bridge closed", "The bridge over the Inhulets is closed.")
    feed = write_jsonl(corpus / "feed.jsonl", [_rec("Grain ships", "Grain ships wait off Pivdennyi."),
                                          _rec("Port cranes", "New cranes arrived at Chornomorsk.")])
    export = corpus / "export.json"
    export.write_text(json.dumps([_rec("Old market", "The old market at Kherson reopened."),
                                  _rec("Tram line", "A tram line in Mykolaiv was repaired.")]))
    index_dir = tmp_path / "index"
    everything = ["Bridge closed", "Ferry timetable", "Grain ships", "Old market", "Port cranes", "Tram line"]

    def update(**options):
        return index_paths([corpus], index_dir, workers=1, **options)

    assert update().indexed == 6
    server = Engine(index_dir)          # stays open through every update below
    assert titles(index_dir, engine=server) == everything

    # a changed file: its new words are found, its old ones no longer
    _txt(ferry, "Ferry timetable", "The ferry to Ochakiv leaves at ten.")
    assert (update().updated, search(index_dir, "kinburn", server)["total"]) == (1, 0)
    assert titles(index_dir, "ochakiv", server) == ["Ferry timetable"]

    # an added file
    _txt(corpus / "storm.txt", "Storm warning", "A storm warning was issued for Odesa.")
    assert update().indexed == 1
    assert titles(index_dir, "storm", server) == ["Storm warning"]

    # a record appended to a .jsonl file: the others are unchanged
    with feed.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(_rec("Lighthouse", "The lighthouse at Tendra was repainted.")) + "\n")
    report = update()
    assert (report.indexed, report.updated, report.removed) == (1, 0, 0)
    assert titles(index_dir, "lighthouse", server) == ["Lighthouse"]

    # a file replaced by one with other records: the old records leave
    export.write_text(json.dumps([_rec("Fish market", "The fish market at Kherson moved.")]))
    report = update()
    assert (report.indexed, report.updated, report.removed) == (0, 1, 1)
    assert titles(index_dir, "kherson", server) == ["Fish market"]
    assert titles(index_dir, "tram", server) == []

    # a deleted file stays until --prune
    bridge.unlink()
    assert update().removed == 0
    assert titles(index_dir, "inhulets", server) == ["Bridge closed"]
    assert update(prune=True).removed == 1
    assert titles(index_dir, "inhulets", server) == []

    now = ["Ferry timetable", "Fish market", "Grain ships", "Lighthouse", "Port cranes", "Storm warning"]
    assert titles(index_dir, engine=server) == now
    ids = sorted(r["id"] for r in exported(index_dir))
    assert update(rebuild=True).indexed == 6
    assert titles(index_dir, engine=server) == now
    assert sorted(r["id"] for r in exported(index_dir)) == ids


def test_the_same_text_at_two_paths_is_one_article(tmp_path):
    """Needs the engine's grouping of copies (issue 8, defect 4): one hit with every path."""
    corpus = tmp_path / "corpus"
    (corpus / "mirror").mkdir(parents=True)
    first = _txt(corpus / "dam.txt", "Dam inspection", "Engineers inspected the dam at Kakhovka.")
    second = _txt(corpus / "mirror" / "dam.txt", "Dam inspection", "Engineers inspected the dam at Kakhovka.")
    _txt(corpus / "other.txt", "Canal works", "Works on the canal near Kakhovka began.")
    index_dir = tmp_path / "index"
    report = index_paths([corpus], index_dir, workers=1)
    assert (report.articles, report.documents) == (2, 3)

    hits = search(index_dir, "dam")["hits"]
    assert [h["title"] for h in hits] == ["Dam inspection"]
    record = article(index_dir, hits[0]["id"])
    assert sorted(record["paths"]) == sorted([str(first), str(second)])
    assert record["copies"] == [] and record["story_size"] == 1
    assert len(exported(index_dir)) == 2

    second.unlink()      # one copy gone: still one article, now at one path
    index_paths([corpus], index_dir, prune=True, workers=1)
    [hit] = search(index_dir, "dam")["hits"]
    assert article(index_dir, hit["id"])["paths"] == [str(first)]
