"""newsfacet on an OpenSearch cluster: loading a collection into it and serving from it.

The Whoosh engine (``search/engine.py``) is newsfacet's default; this package is a second
engine that answers the same requests from an OpenSearch index. The translation is plain data
and pure functions:

- ``mapping.py``: the index settings and mappings (analysis as the Whoosh schema does it);
- ``query.py``: the parsed query (the Whoosh query tree ``query.parse_query`` makes, spelling
  variants already expanded) as an OpenSearch query clause;
- ``filters.py``: facet filters, date bounds and the filter each facet is counted under;
- ``aggregations.py``: facet counts, story counts and the date histogram;
- ``body.py``: the ``_search`` bodies of a search, a page after a sort key, an export, and
  the whole collection's counts of some values (for their G²);
- ``response.py``: OpenSearch's answers as the response's totals, hits and facets (listed
  by ``facet_values.summary``, as the Whoosh engine lists them);
- ``compare.py``: the outlet comparison's bodies, and its answers as ``compare.Counted``.

What talks to a cluster (through ``opensearch-py``):

- ``connect.py``: the command-line options and the client;
- ``lookup.py``: the questions ``parse_query`` asks of an index, answered by the cluster;
- ``engine.py``: ``OpenSearchEngine``, the Whoosh engine's interface;
- ``load.py``: ``newsfacet index --to opensearch``, and ``story_groups.py``: the stories of
  the loaded articles; ``extraction.py``: the load's reading and extraction in local worker
  processes, and ``dask_workers.py``: the same on a Dask cluster (``--dask-scheduler``).
"""
