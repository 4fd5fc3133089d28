"""The stories of an OpenSearch index: copies of one text grouped after a load.

Each document keeps the MinHash signature of its text (``minhash``, base64, computed in the
load's worker processes by ``stories.signature``). After a load has sent its documents,
``regroup`` reads every document's signature, date and outlet, groups them as the Whoosh
engine groups a generation (``stories.group``: LSH candidates, each confirmed on the two
texts' shingles, read from the cluster), and gives each article its story fields as
``stories.Stories.record`` makes them (``story``, ``story_size``, ``first_copy``,
``story_outlets``); only the documents whose story changed are updated.

Every signature is read at each load that changed something (no similarities are kept
between loads, as the Whoosh build keeps them in its folder): fine for millions of
articles, not for a billion.
"""

from __future__ import annotations

import base64
from datetime import date

import numpy as np
from opensearchpy import helpers

from ..stories import NO_SIGNATURE, Similarities, Stories, group

#: The stored fields the grouping reads, and those it writes.
READ = ["id", "minhash", "published", "outlet"]
STORY_FIELDS = ["story", "story_size", "first_copy", "story_outlets"]


def encode(signature: bytes) -> str:
    """A signature as the ``minhash`` field stores it."""
    return base64.b64encode(signature).decode("ascii")


def _decode(text: str | None) -> np.ndarray:
    raw = base64.b64decode(text) if text else NO_SIGNATURE
    return np.frombuffer(raw, dtype="<u4")


def regroup(client, index: str) -> list[dict]:
    """The ``update`` actions that give every article of ``index`` whose story changed its
    new story fields (see the module's docstring)."""
    sources = [hit["_source"] for hit in helpers.scan(
        client, index=index, query={"_source": READ + STORY_FIELDS})]
    if not sources:
        return []
    ids = np.array([int(s["id"], 16) for s in sources], dtype=np.uint64)
    signatures = np.stack([_decode(s.get("minhash")) for s in sources])

    def text_of(row: int) -> str:
        found = client.get(index=index, id=sources[row]["id"], _source_includes="text")
        return found["_source"].get("text") or ""

    roots = group(signatures, Similarities().judge(ids, text_of))
    days = np.array([date.fromisoformat(s["published"]).toordinal() if s.get("published")
                     else -1 for s in sources], dtype=np.int64)
    rows = np.arange(len(sources))
    stories = Stories(rows, roots, ids, days,
                      lambda row: [sources[row]["outlet"]] if sources[row].get("outlet") else [],
                      len(sources))
    actions = []
    for row, source in enumerate(sources):
        story = stories.record(row)
        if any(source.get(name) != story[name] for name in STORY_FIELDS):
            actions.append({"_op_type": "update", "_index": index, "_id": source["id"],
                            "doc": story})
    return actions
