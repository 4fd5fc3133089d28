"""newsfacet's engine: readers, extractors, the index and the query engine (no Flask here)."""
