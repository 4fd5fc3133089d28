"""What ``query.parse_query`` and ``interpretation`` ask of an index, answered by a cluster.

The Whoosh engine hands ``parse_query`` its searcher and value columns. The OpenSearch
engine hands it ``ClusterSearcher`` and ``ClusterColumns`` instead, which answer the few
questions the parser asks, each with one small request to the cluster:

- how many articles hold an index word (``reader().doc_frequency``), to list the spellings
  the collection holds first;
- which facet values a typed ``field:value`` or filter value stands for (exact, then any
  letter case, then the names' other spellings: ``ClusterValues.resolve``), and the values
  closest to one no article has (``closest``);
- the index words within a few edits of a fuzzy term (``ClusterWords.within``, OpenSearch's
  term suggester), for the interpretation and the did-you-mean.

Prefix, wildcard and range terms are expanded by OpenSearch itself: a cluster lists no
index words for them (``prefixed``, ``matching`` and ``between`` give none, so nothing is
refused for standing for too many words). People's names are not spelt out from the
collection (``name_spellings`` gives no other spelling): the alias table still is.
"""

from __future__ import annotations

import re
from functools import cached_property

from rapidfuzz.distance import OSA

from ..facet_registry import FACETS
from ..schema import build_schema
from .mapping import TERMS_ANALYZER

#: The most values one typed facet value is resolved to, and the most candidates looked at
#: for the values closest to one no article has.
RESOLVED_VALUES = 100
CLOSEST_CANDIDATES = 50
#: Lucene regular expressions' reserved characters (escaped in a value matched literally).
_RESERVED = re.compile(r'([.?+*|{}\[\]()"\\#@&<>~])')


def any_case(value: str) -> str:
    """A Lucene regular expression matching ``value`` in any letter case."""
    def escaped(char: str) -> str:
        return _RESERVED.sub(r"\\\1", char)

    out = []
    for char in value:
        lower, upper = char.lower(), char.upper()
        if lower != upper and len(lower) == len(upper) == 1:
            out.append(f"[{escaped(lower)}{escaped(upper)}]")
        else:
            out.append(escaped(char))
    return "".join(out)


class Cluster:
    """One newsfacet index (or alias) on a cluster: an ``opensearch-py`` client and the
    index's name."""

    def __init__(self, client, index: str):
        self.client, self.index = client, index

    def search(self, body: dict, **params) -> dict:
        """OpenSearch's answer to a ``_search`` body sent to the index."""
        return self.client.search(index=self.index, body=body, **params)

    def count(self, query: dict) -> int:
        """The number of the index's documents matching ``query``."""
        return self.client.count(index=self.index, body={"query": query})["count"]


class ClusterValues:
    """One facet's values as ``parse_query`` asks about them (``facets.ValueColumn``'s
    ``fieldname``, ``resolve``, ``closest`` and ``index_values``)."""

    def __init__(self, cluster: Cluster, fieldname: str):
        self.cluster, self.fieldname = cluster, fieldname

    def _values(self, query: dict, include, size: int) -> list[tuple[str, int]]:
        """(value, articles) of the values matching ``include`` (a list or a regular
        expression) among the articles of ``query``, most frequent first."""
        found = self.cluster.search({
            "size": 0, "query": query,
            "aggs": {"v": {"terms": {"field": self.fieldname, "include": include,
                                     "size": size}}}})
        return [(b["key"], b["doc_count"]) for b in found["aggregations"]["v"]["buckets"]]

    def resolve(self, value: str, canonical_names=()) -> list[str]:
        """The values a typed value stands for: itself when an article has it, else those
        equal to it or to one of ``canonical_names`` in any letter case."""
        if self.cluster.count({"term": {self.fieldname: value}}):
            return [value]
        spellings: dict[str, str] = {}      # each once, whatever its letter case
        for v in (value, *canonical_names):
            spellings.setdefault(v.casefold(), v)
        typed = list(spellings.values())
        query = {"bool": {"should": [{"term": {self.fieldname: {"value": v,
                                                                "case_insensitive": True}}}
                                     for v in typed]}}
        include = "|".join(f"({any_case(v)})" for v in typed)
        return sorted(v for v, _ in self._values(query, include, RESOLVED_VALUES))

    def closest(self, typed: str, limit: int = 3) -> list[str]:
        """Values within two edits of ``typed`` (any letter case), closest first, then the
        most frequent."""
        found = self._values({"fuzzy": {self.fieldname: {"value": typed, "fuzziness": 2}}},
                             ".*", CLOSEST_CANDIDATES)
        near = [(OSA.distance(typed.casefold(), v.casefold()), -count, v) for v, count in found]
        return [v for distance, _, v in sorted(near) if distance <= 2][:limit]

    @staticmethod
    def index_values(values) -> list[str]:
        """The values themselves: a cluster counts no value under another."""
        return list(values)


class ClusterWords:
    """The index words of one text field as ``query.expansion`` asks about them
    (``lexicon.Lexicon``'s questions); see the module's docstring."""

    def __init__(self, cluster: Cluster, fieldname: str):
        self.cluster, self.fieldname = cluster, fieldname

    def within(self, text: str, maxdist: int, prefix_chars: int, limit: int,
               budget=None) -> list[tuple[str, int]]:
        """Up to ``limit`` (word, distance) pairs: index words within ``maxdist`` edits
        (1 or 2) of ``text`` sharing its first ``prefix_chars`` characters, closest first."""
        found = self.cluster.search({"size": 0, "suggest": {"near": {
            "text": text, "term": {
                "field": self.fieldname, "analyzer": TERMS_ANALYZER, "suggest_mode": "always",
                "max_edits": max(1, min(2, maxdist)), "prefix_length": prefix_chars,
                "min_word_length": 1, "max_term_freq": 2**31 - 1,
                "size": limit}}}})
        words = {option["text"] for entry in found.get("suggest", {}).get("near", [])
                 for option in entry["options"]}
        if text in self:
            words.add(text)
        near = sorted((OSA.distance(text, w), w) for w in words)
        return [(w, d) for d, w in near if d <= maxdist][:limit]

    @staticmethod
    def prefixed(prefix: str, limit: int) -> list[str]:
        """No words: OpenSearch expands a prefix term itself."""
        return []

    @staticmethod
    def matching(prefix: str, pattern: str, limit: int, budget=None) -> list[str]:
        """No words: OpenSearch expands a wildcard term itself."""
        return []

    @staticmethod
    def between(start, end, start_excl: bool, end_excl: bool, limit: int) -> list[str]:
        """No words: OpenSearch expands a range term itself."""
        return []

    def __contains__(self, word: str) -> bool:
        """Whether an article holds ``word`` in this field."""
        return bool(self.cluster.count({"term": {self.fieldname: word}}))


class _NoSpellings:
    """People's name words spelt otherwise in the collection: none known on a cluster."""

    @staticmethod
    def of(word: str) -> list[str]:
        """No other spelling."""
        return []


class ClusterColumns:
    """The value columns ``parse_query``, ``interpretation`` and the did-you-mean read:
    ``fields`` (facet name -> ``ClusterValues``), ``lexicon`` and ``name_spellings``."""

    def __init__(self, cluster: Cluster):
        self.cluster = cluster
        self.fields = {f.name: ClusterValues(cluster, f.field) for f in FACETS}

    def lexicon(self, fieldname: str) -> ClusterWords:
        """The index words of text field ``fieldname``."""
        return ClusterWords(self.cluster, fieldname)

    @staticmethod
    def name_spellings() -> _NoSpellings:
        """Other spellings of people's name words: none (see the module's docstring)."""
        return _NoSpellings()


class ClusterSearcher:
    """The searcher ``parse_query`` and the did-you-mean read: the Whoosh schema (for its
    analysers) and a reader that counts the articles holding a word."""

    def __init__(self, cluster: Cluster):
        self.cluster = cluster

    @cached_property
    def schema(self):
        """The Whoosh schema: its analysers make the index words of a query."""
        return build_schema()

    def reader(self) -> "ClusterSearcher":
        """Itself: it answers ``doc_frequency`` as a Whoosh reader does."""
        return self

    def doc_frequency(self, fieldname: str, word: str) -> int:
        """How many articles hold index word ``word`` in ``fieldname``."""
        return self.cluster.count({"term": {fieldname: word}})
