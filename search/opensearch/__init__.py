"""newsfacet on an OpenSearch cluster: the index mapping and the translation of a search.

The Whoosh engine (``search/engine.py``) is newsfacet's default; this package holds what a
second engine needs to answer the same ``SearchRequest`` from an OpenSearch index, as plain
data and pure functions (no network, no client library):

- ``mapping.py``: the index settings and mappings (analysis as the Whoosh schema does it);
- ``query.py``: the parsed query (the Whoosh query tree ``query.parse_query`` makes, spelling
  variants already expanded) as an OpenSearch query clause;
- ``filters.py``: facet filters, date bounds and the filter each facet is counted under;
- ``aggregations.py``: facet counts, story counts and the date histogram;
- ``body.py``: the ``_search`` bodies of a search, a page after a sort key, and an export;
- ``response.py``: OpenSearch's answers as the response's totals, hits and facets.
"""
