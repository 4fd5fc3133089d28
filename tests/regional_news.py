"""A small collection of news items written for the query tests (names with several
spellings, outlets, dates, a phrase of common words), and the index of it on disk."""

from __future__ import annotations

import json
from pathlib import Path

from newsfacet.search.indexer import index_paths

RECORDS = [
    {"title": "Shelling reported near Kharkov", "source": "Valley Voice", "date": "2022-03-04",
     "text": "Residents near Kharkov reported shelling overnight; the brown smoke could be seen "
             "from the river bridge."},
    {"title": "Kharkiv rebuilds its tram depot", "source": "Coast Courier", "date": "2023-07-19",
     "text": "Engineers in Kharkiv began rebuilding the tram depot, the mayor said on Monday."},
    {"title": "Drone strikes on the harbour", "source": "Valley Voice", "date": "2023-05-12",
     "text": "Drone strikes damaged the harbour wall. Crews worked through the night to repair "
             "the crown of the wall."},
    {"title": "A theatre opens its season", "source": "Hill Herald", "date": "2021-09-30",
     "text": "The company opened with Hamlet. To be or not to be, the actor asked, and the hall "
             "fell silent."},
    {"title": "Council debates the budget", "source": "Hill Herald",
     "text": "Councillors debated the budget for the bridge repairs and the school roof."},
    {"title": "Rain delays the market", "source": "Coast Courier", "date": "2023-11-02",
     "text": "Heavy rain delayed the opening of the market square; traders waited under the "
             "arcade until the crowd returned."},
]


def build(folder: Path) -> Path:
    """The index of ``RECORDS`` in ``folder`` (returned: the index folder)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "news.jsonl").write_text("\n".join(json.dumps(r) for r in RECORDS), encoding="utf-8")
    index_paths([folder / "news.jsonl"], folder / "index", workers=1)
    return folder / "index"
