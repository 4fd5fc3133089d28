"""A changed .jsonl file costs the records that changed: the others keep their documents and
are not extracted again, and what users see is the file as it is now. (A record is known by
its line: one removed or inserted mid-file moves the records after it, which are read anew.)

The records are written here; each build's report says how many articles it extracted, and
the collection is read back through the engine, the CLI, the HTTP API and the export.
"""

from __future__ import annotations

import os
from pathlib import Path

from frontends import exported, search, titles
from records import write_jsonl
from whoosh import index as whoosh_index

from newsfacet.search.indexer import index_paths

TOWNS = ["Arlow", "Bexmoor", "Corrin", "Dunhallow", "Elsby", "Fenwick", "Garrow", "Holt",
         "Ingleby", "Jessop"]


def _record(n: int, text: str | None = None) -> dict:
    town = TOWNS[n % len(TOWNS)]
    return {"id": f"r{n}", "title": f"Market day in {town}", "source": "County Herald",
            "date": f"2024-06-{n + 1:02d}",
            "text": text or (f"Stall holders in {town} set out their tables before dawn on "
                             f"Saturday, and the market ran until the church clock struck two. "
                             f"Record number {n} of the county series.")}


def _generation(index_dir: Path) -> int:
    return whoosh_index.open_dir(str(index_dir)).latest_generation()


def test_only_new_and_changed_records_are_extracted_again(tmp_path):
    corpus, index_dir = tmp_path / "corpus", tmp_path / "ix"
    corpus.mkdir()
    path = corpus / "markets.jsonl"
    records = [_record(n) for n in range(150)]      # more than one worker task of records
    write_jsonl(path, records)
    first = index_paths([corpus], index_dir, workers=2)
    assert (first.indexed, first.extracted) == (150, 150)
    before = {r["text"]: r for r in exported(index_dir)}

    records[3] = _record(3, "The Arlow market closed early when a storm broke over the "
                            "square and the stall holders packed up in the rain.")
    del records[149]
    records += [_record(150), _record(151)]
    write_jsonl(path, records)
    report = index_paths([corpus], index_dir, workers=2)
    assert report.extracted == 3     # the changed record and the two new ones (one in the
    #                                  removed record's line)
    assert (report.indexed, report.updated, report.removed, report.unchanged) == (1, 2, 0, 148)

    after = {r["text"]: r for r in exported(index_dir)}
    assert len(after) == 151
    assert [h["title"] for h in search(index_dir, "storm")["hits"]] == ["Market day in Dunhallow"]
    assert search(index_dir, '"Record number 149 of"')["total"] == 0
    assert search(index_dir, '"Record number 151 of"')["total"] == 1
    kept = [text for text in after if text in before]
    assert len(kept) == 148 and all(after[t] == before[t] for t in kept)
    assert titles(index_dir).count("Market day in Arlow") == 16   # 0, 10, … 140 and 150

    # Nothing changed since: the file is read again (its records keep the older file
    # signature), every record is found as it was, and no generation is written.
    generation = _generation(index_dir)
    again = index_paths([corpus], index_dir, workers=2)
    assert (again.extracted, again.unchanged, again.indexed, again.updated) == (0, 151, 0, 0)
    assert _generation(index_dir) == generation


def test_a_record_that_now_fails_keeps_its_last_good_version(tmp_path):
    corpus, index_dir = tmp_path / "corpus", tmp_path / "ix"
    corpus.mkdir()
    path = corpus / "markets.jsonl"
    write_jsonl(path, [_record(n) for n in range(5)])
    index_paths([corpus], index_dir, workers=1)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = '{"id": "r2", "title": "Market day", "text": '          # cut short: bad JSON
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.utime(path, ns=(1, 1))
    report = index_paths([corpus], index_dir, workers=1)
    assert report.extracted == 0 and len(report.failed) == 1
    assert len(exported(index_dir)) == 5
