"""The Whoosh schema of a newsfacet index, and the mapping Article <-> stored document.

Body and title are analysed for English (stemming) and stored for highlighting. Every word
is indexed, the very common ones ("to", "be", "the") included, so that a phrase made of them
("to be or not to be") can be found; the query parser leaves them out of plain searches
(``query.STOP_WORDS``), where they would match nearly every article.
Outlet, authors, places, people and organisations are exact-value keyword
fields (one value a line, case kept) that can be filtered and counted as facets.
``published`` is a sortable date; ``dated`` says whether it is known, so that
articles without a date are a facet value of their own.

One document is stored per *key* (a file, or one record of a multi-record file): the
indexer tracks keys. The same content found at two keys has one article ``id``; the
engine shows it once, with every path (``idnum`` lets it group the copies cheaply).
"""

from __future__ import annotations

import json
from datetime import datetime

from whoosh.analysis import RegexTokenizer, StemmingAnalyzer
from whoosh.columns import FixedBytesColumn, NumericColumn, VarBytesColumn
from whoosh.fields import COLUMN, DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from .facet_registry import FACETS
from .model import Article
from .stories import SIGNATURE_BYTES, signature

#: Bumped whenever the schema or the extraction changes in a way that needs a rebuild.
SCHEMA_VERSION = 6   # 3: stop words indexed; 4: MinHash signatures (stories); 5: none for short
#                      texts; 6: record signatures in the state column

# Keyword fields: several values per article, kept exactly as written (one per facet).
FACET_FIELDS = tuple(f.field for f in FACETS)


def _keyword() -> KEYWORD:
    # One value a line: a value may hold commas and spaces ("Reuters, Inc."), never a line break.
    return KEYWORD(analyzer=RegexTokenizer(r"[^\n]+"), scorable=False)


def display_path(path: str) -> str:
    """A path as shown and stored for users: bytes that are not UTF-8 (kept by Python as
    surrogate escapes) become U+FFFD, so every front end can print and encode it."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def encode_state(key: str, path: str, art_id: str, file_sig: str, record_sig: str) -> bytes:
    """The ``state`` column value of a document: exact key and path (any character, any
    undecodable byte) with the article id, the file's signature and the signature of what
    the reader found for it (``RawDocument.signature``)."""
    return json.dumps([key, path, art_id, file_sig, record_sig]).encode("ascii")


def decode_state(value: bytes) -> tuple[str, str, str, str, str]:
    """(key, path, id, file signature, record signature) of a ``state`` column value."""
    key, path, art_id, sig, record_sig = json.loads(value)
    return key, path, art_id, sig, record_sig


def build_schema() -> Schema:
    """A fresh schema for a newsfacet index."""
    analyzer = StemmingAnalyzer(stoplist=None)   # every word: phrases of stop words work
    return Schema(
        id=ID(stored=True),                 # content hash: stable across rebuilds
        idnum=COLUMN(NumericColumn("Q")),   # the id as a number: copies are grouped by it
        key=ID(stored=True),                # where it came from: path or path#n (display form)
        path=ID(stored=True),               # display form (see display_path)
        # encode_state(key, path, id, file and record signatures): read by the indexer to see what changed,
        # without loading stored documents.
        state=COLUMN(VarBytesColumn()),
        # stories.signature(text): the MinHash of the text's shingles, computed where the
        # article is extracted (a worker) and grouped into stories per generation
        minhash=COLUMN(FixedBytesColumn(SIGNATURE_BYTES)),
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
    # Line breaks separate values in a keyword field; extraction keeps every value on one line.
    return "\n".join(v for v in values if v)


def _as_list(value) -> list:
    """A record field's values: a list as it is, one value (an outlet) as a list of it."""
    return value if isinstance(value, list) else [value]


def to_document(article: Article, file_sig: str, key: str, record_sig: str) -> dict:
    """The Whoosh document that stores ``article``, read from ``key`` in a file of signature
    ``file_sig``, as a raw document of signature ``record_sig``."""
    rec = article.to_record()
    doc = {
        "id": article.id,
        "idnum": int(article.id, 16),
        "key": display_path(key),
        "path": display_path(article.path),
        "state": encode_state(key, article.path, article.id, file_sig, record_sig),
        "minhash": signature(article.text),
        "title": article.title or "",
        "text": article.text,
        "aliases": " ".join(article.aliases),
        "dated": "yes" if article.published else "unknown",
        "word_count": article.word_count,
        **{name: _join(_as_list(rec[name])) for name in FACET_FIELDS},
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
        id=stored["id"], path=stored["path"], paths=[stored["path"]], title=stored.get("title") or None,
        text=stored.get("text", ""), word_count=stored.get("word_count", 0), **meta)
