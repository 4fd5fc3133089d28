"""Every limit and tunable size of newsfacet, in one settings object.

The readers, the indexer, the engine and the web server each bound their work (file sizes,
request sizes, query complexity, memory, time); the bounds are fields of ``Settings``, read
from the one ``SETTINGS`` instance, so that they are found, documented and changed in one
place. A test or an embedding program that needs other bounds passes its own
``dataclasses.replace(SETTINGS, …)`` where a function takes ``settings``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    """newsfacet's limits; each field says what it bounds."""

    # Reading files (search/readers.py)
    max_text_bytes: int = 1_000_000       # of a text file or record: the rest is left out (meta["truncated"])
    max_html_bytes: int = 10_000_000      # of a web page
    max_json_bytes: int = 200_000_000     # of a whole .json file (a .jsonl file streams, any size)
    max_line_bytes: int = 20_000_000      # of one line of a .jsonl file: a longer line is a problem, skipped
    max_gzip_ratio: int = 50              # a .gz file inflating to more than this many times its size is refused
    gzip_free_bytes: int = 128_000        # ... once it has inflated past this (small files may compress well)
    max_nesting: int = 10                 # levels of lists and objects kept in a record's metadata values

    # Building the index (search/indexer.py)
    records_per_task: int = 64            # records of a .json/.jsonl file sent to a worker at once
    worker_limit_mb: int = 128            # memory each writer's posting pool may use before it spills to disk
    progress_seconds: float = 5.0         # between progress lines when stderr is not a terminal
    checkpoint_articles: int = 200_000    # extracted articles between a long build's checkpoint commits

    # A search request (search/request.py, search/facet_values.py)
    max_query_chars: int = 500            # of the query text
    max_per_page: int = 100               # hits a page may ask for
    default_per_page: int = 20
    default_facet_size: int = 10          # values listed per facet when a request does not say
    max_facet_size: int = 100
    max_filter_values: int = 50           # values of one filter parameter
    max_page: int = 100_000
    default_list_per_page: int = 50       # values per page of /api/facets/<name>
    max_list_per_page: int = 200
    max_filter_chars: int = 200           # of its prefix and contains filters

    # What a query may ask of the index (search/query.py, search/highlight.py)
    max_terms: int = 32                   # words and field:value clauses in one query
    max_expansion: int = 500              # index words one wildcard or fuzzy term may stand for
    max_total_expansion: int = 1000       # index words all the wildcard and fuzzy terms of a query stand for
    max_fuzzy_distance: int = 2
    max_slop: int = 10                    # "crude oil"~10: the phrase's words at most this many words apart
    max_boost: int = 100                  # word^N, and boosts inside each other multiplied together
    max_phrase_checks: int = 500_000      # positions one request may look up to check its phrases:
                                          # (documents holding all the words of a phrase) x (its
                                          # words), summed over the phrases not checked before
                                          # in this generation
    min_prefix_chars: int = 2             # characters before the first wildcard
    max_expanded: int = 200               # wildcard/fuzzy expansions considered for highlighting

    # Answering a search (search/engine.py)
    max_relevance_window: int = 10_000    # relevance ranking looks this many hits deep; past it,
                                          # sort by date or export
    suggestion_candidates: int = 50       # index words within two edits looked at for a did-you-mean
    time_budget_ms: int = 1000            # a request's time for its expensive parts (budget.Budget),
                                          # unless the engine or the app is given another figure
    max_diff_paragraphs: int = 1000       # paragraphs of each article compared by Engine.differences
    max_diff_chars: int = 300_000         # ... as long as they hold at most this many characters

    # Serving an index (search/generation.py, search/facets.py)
    open_attempts: int = 5                # a newer commit may remove files while they are being opened: try again
    cache_bytes: int = 256 * 1024 * 1024  # decoded postings kept per index generation
    request_helpers: int = 1              # threads that help a request make its hits and count
                                          # its facets beside its own (search/parallel.py; 0: none)

    # The web server (web/)
    max_query_string: int = 32 * 1024     # bytes of a request's query string (414 past it)
    max_body_bytes: int = 64 * 1024       # bytes of a request body: every request is a GET (413 past it)
    threads: int = 24                     # answering requests: more than the cores, so a few slow
                                          # (bounded) searches never leave a plain search waiting
    outbuf_high_watermark: int = 1024 * 1024   # bytes of a response held for a slow client before
                                               # its thread waits: an export is never buffered whole
    channel_timeout: int = 30             # seconds an idle connection is kept open
    header_room: int = 16 * 1024          # bytes of the request line and headers besides the query string


SETTINGS = Settings()
