"""A small collection of news records written for the OpenSearch engine's tests, and the
Whoosh index built from it: a story published twice (two outlets, the same text), names
spelt two ways (Nebenzya, Nabenzya), an article without a date and one without an outlet."""

from __future__ import annotations

import json
from pathlib import Path

_POWER_STATION = (
    "A drone attack struck a power station in Belgorod on Thursday, regional officials said. "
    "Firefighters worked through the night while residents of Kharkiv, across the border, "
    "heard the explosions. Vasily Nebenzya told the Security Council that the strikes were "
    "provocations, according to Reuters.")

RECORDS = [
    {"title": "Drone attack on Belgorod power station", "outlet": "Harbour Gazette",
     "published": "2023-03-02", "text": _POWER_STATION},
    {"title": "Belgorod power station hit by drones", "outlet": "Northern Ledger",
     "published": "2023-03-03", "text": _POWER_STATION},
    {"title": "Flood losses near Kherson", "outlet": "Valley Courier", "published": "2023-05-20",
     "text": "Farmers near Kherson counted the losses after the flood. Grain prices rose in "
             "Odesa as the harbour stayed closed. Vasily Nabenzya said the flood was not "
             "caused by shelling."},
    {"title": "Mariupol waits for water", "outlet": "Harbour Gazette",
     "text": "Civilians in Mariupol waited for water deliveries. The city council asked aid "
             "groups to send generators before winter."},
    {"title": "Rail bridge damaged near Lviv", "outlet": "Valley Courier",
     "published": "2021-11-11",
     "text": "Missile strikes damaged a rail bridge near Lviv. Rail traffic resumed two days "
             "later, the operator said."},
    {"title": "Retaliation promised", "published": "2023-03-05",
     "text": "Retaliation was promised after the drone attacks on Belgorod. Officials in Moscow "
             "blamed Kyiv for the strikes."},
]


def build_index(folder: Path) -> Path:
    """Write the records as one JSONL file in ``folder`` and index it; the index folder."""
    from newsfacet.search.indexer import index_paths

    source = folder / "news.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in RECORDS), encoding="utf-8")
    index_dir = folder / "index"
    index_paths([source], index_dir, workers=1)
    return index_dir
