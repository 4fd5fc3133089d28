"""The Whoosh schema of a newsfacet index, and the mapping Article <-> stored document.

Body and title are analysed for English (stemming) and stored for highlighting.
Outlet, authors, places, people and organisations are exact-value keyword
fields (comma-separated, case kept) that can be filtered and counted as facets.
``published`` is a sortable date; ``dated`` says whether it is known, so that
articles without a date are a facet value of their own.
"""

from __future__ import annotations

import json
from datetime import datetime

from whoosh.analysis import StemmingAnalyzer
from whoosh.columns import VarBytesColumn
from whoosh.fields import COLUMN, DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from .model import Article

#: Bumped whenever the schema or the extraction changes in a way that needs a rebuild.
SCHEMA_VERSION = 1

# Keyword fields: several values per article, kept exactly as written.
FACET_FIELDS = ("outlet", "source_outlet", "authors", "places", "people", "organizations")


def _keyword() -> KEYWORD:
    return KEYWORD(stored=True, commas=True, lowercase=False, scorable=False)


def build_schema() -> Schema:
    """A fresh schema for a newsfacet index."""
    analyzer = StemmingAnalyzer()
    return Schema(
        id=ID(stored=True),                 # content hash: stable across rebuilds
        key=ID(stored=True, unique=True),   # where it came from: path or path#n
        path=ID(stored=True),
        # "key<TAB>path<TAB>id<TAB>size:mtime_ns of the file": read by the indexer to see what changed,
        # without loading stored documents.
        state=COLUMN(VarBytesColumn()),
        title=TEXT(analyzer=analyzer, stored=True, field_boost=2.0),
        text=TEXT(analyzer=analyzer, stored=True),
        aliases=TEXT(analyzer=analyzer),    # every spelling variant of the names found
        published=DATETIME(stored=True, sortable=True),
        dated=ID(stored=True),              # "yes" | "unknown"
        word_count=NUMERIC(stored=True, sortable=True),
        meta=STORED(),                      # JSON of the rest of the article record
        **{name: _keyword() for name in FACET_FIELDS},
    )


def _join(values) -> str:
    # Commas separate values in a KEYWORD(commas=True) field; a value never holds one.
    return ",".join(v.replace(",", " ") for v in values if v)


def to_document(article: Article, file_sig: str, key: str) -> dict:
    """The Whoosh document that stores ``article``, read from ``key`` in a file of signature ``file_sig``."""
    rec = article.to_record()
    doc = {
        "id": article.id,
        "key": key,
        "path": article.path,
        "state": f"{key}\t{article.path}\t{article.id}\t{file_sig}".encode("utf-8"),
        "title": article.title or "",
        "text": article.text,
        "aliases": " ".join(article.aliases),
        "dated": "yes" if article.published else "unknown",
        "word_count": article.word_count,
        "outlet": _join([article.outlet]),
        "source_outlet": _join([article.source_outlet]),
        "authors": _join(article.authors),
        "places": _join(article.places),
        "people": _join(article.people),
        "organizations": _join(article.organizations),
        "meta": json.dumps({k: rec[k] for k in (
            "url", "outlet", "source_outlet", "authors", "published", "date_source",
            "mentioned_dates", "places", "people", "organizations", "mentions",
            "aliases", "language")}, ensure_ascii=False),
    }
    if article.published:
        doc["published"] = datetime.fromisoformat(article.published[:10])
    return doc


def to_article(stored: dict) -> Article:
    """The Article a stored document holds (the inverse of ``to_document``)."""
    meta = json.loads(stored["meta"])
    return Article(
        id=stored["id"], path=stored["path"], title=stored.get("title") or None,
        text=stored.get("text", ""), word_count=stored.get("word_count", 0), **meta)
