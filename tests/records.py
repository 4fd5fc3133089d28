"""Writing the test collections: records as a JSON Lines file, the way users hand them over."""

from __future__ import annotations

import json
from pathlib import Path

from newsfacet.search.indexer import index_paths


def write_jsonl(path: Path, records) -> Path:
    """``records`` (dicts) as a UTF-8 JSON Lines file at ``path`` (its folder made if need be)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return path


def index_records(folder: Path, records) -> Path:
    """An index, in ``folder / "index"``, of ``records`` written as ``folder / "items.jsonl"``."""
    index_paths([write_jsonl(folder / "items.jsonl", records)], folder / "index", workers=1)
    return folder / "index"
