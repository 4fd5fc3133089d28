"""The OpenSearch index of a newsfacet collection: settings and mappings as plain data.

Text is analysed as the Whoosh schema analyses it (``schema.build_schema``): the same word
pattern, lower case, Porter stems, and every word kept, the very common ones included, so
that a phrase of them can be found. The query translation (``query.py``) sends the index
words the Whoosh parser made (stemmed already) as exact terms, so both engines look up the
same words. Each text field has an unstemmed subfield (``exact``), for suggestions of words
as people write them. Facets are ``keyword`` fields holding the canonical values; the
publication day is a ``date`` with a ``dated`` flag (``yes`` or ``unknown``), so that
articles without a date are a value of their own. One document per article (``_id``: the
article id), with every key and path it was found at and, for each key, the signatures
an incremental load compares (``state``); its story is stored with it, and the MinHash
signature its story is found by (``minhash``).
"""

from __future__ import annotations

from whoosh.analysis.tokenizers import default_pattern

from ..facet_registry import FACETS

#: The analyser of the text fields: words, lower case, Porter stems (as Whoosh's
#: ``StemmingAnalyzer(stoplist=None)``).
TEXT_ANALYZER = "newsfacet_text"
#: The same words unstemmed: the ``exact`` subfields, and phrases whose words are index words
#: already (``query.py``), which must not be stemmed twice.
TERMS_ANALYZER = "newsfacet_terms"
_WORDS_TOKENIZER = "newsfacet_words"

ANALYSIS = {
    "tokenizer": {
        # Whoosh's RegexTokenizer pattern; a Java \w is ASCII unless asked for Unicode.
        _WORDS_TOKENIZER: {"type": "pattern", "pattern": default_pattern.pattern, "group": 0,
                           "flags": "UNICODE_CHARACTER_CLASS"},
    },
    "analyzer": {
        TEXT_ANALYZER: {"type": "custom", "tokenizer": _WORDS_TOKENIZER,
                        "filter": ["lowercase", "porter_stem"]},
        TERMS_ANALYZER: {"type": "custom", "tokenizer": _WORDS_TOKENIZER,
                         "filter": ["lowercase"]},
    },
}

_KEYWORD = {"type": "keyword"}
_STORED_ONLY = {"type": "keyword", "index": False, "doc_values": False}


def _text(exact: bool) -> dict:
    field = {"type": "text", "analyzer": TEXT_ANALYZER}
    if exact:
        field["fields"] = {"exact": {"type": "text", "analyzer": TERMS_ANALYZER}}
    return field


MAPPINGS = {
    "dynamic": "strict",
    "properties": {
        "id": _KEYWORD,
        "keys": _KEYWORD,                  # path, or path#n for record n of a file
        "path": _KEYWORD,
        "paths": _KEYWORD,
        "url": _STORED_ONLY,
        "title": _text(exact=True),
        "text": _text(exact=True),
        "aliases": _text(exact=False),     # every spelling of the names the article holds
        "published": {"type": "date", "format": "strict_date"},
        "dated": _KEYWORD,                 # "yes" | "unknown"
        "date_source": _KEYWORD,
        "mentioned_dates": _KEYWORD,
        **{facet.field: _KEYWORD for facet in FACETS},
        "mentions": {"type": "object", "enabled": False},
        "language": _KEYWORD,
        "word_count": {"type": "integer"},
        "story": _KEYWORD,
        "story_size": {"type": "integer"},
        "first_copy": _KEYWORD,
        "story_outlets": _KEYWORD,
        "state": _STORED_ONLY,             # each key's schema.encode_state: incremental loads
        "minhash": _STORED_ONLY,           # stories.signature of the text, base64: stories
    },
}


def index_body(shards: int = 1, replicas: int = 0) -> dict:
    """The body that creates a newsfacet index of ``shards`` primary shards, each with
    ``replicas`` copies."""
    return {"settings": {"index": {"number_of_shards": shards, "number_of_replicas": replicas},
                         "analysis": ANALYSIS},
            "mappings": MAPPINGS}
