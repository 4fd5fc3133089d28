"""The parsed query as an OpenSearch query clause.

``translate`` walks the Whoosh query tree that ``query.parse_query`` made (words stemmed,
stop words left out, spelling variants and field values resolved) and gives the clause that
finds the same articles in the index of ``mapping.py``. Nothing is parsed again: each word
is the index word the Whoosh engine looks up, sent as an exact term.

| Whoosh node | OpenSearch clause |
|---|---|
| ``And`` / ``Or`` | ``bool`` ``must`` / ``should`` (one ``should`` at least) |
| ``Not`` | ``bool`` ``must_not`` beside ``match_all`` (Whoosh lets every other article through) |
| ``AndNot`` / ``AndMaybe`` | ``bool`` ``must`` with ``must_not`` / ``should`` |
| ``Term`` in title, text, aliases | ``term`` (the index word) |
| ``Term`` in a facet field | ``constant_score`` of a ``term``: Whoosh scores a value's match as its boost |
| ``Phrase``, words next to each other | ``match_phrase`` analysed without stemming (the words are stems) |
| ``Phrase``, ``~N`` | ``span_near`` of ``span_term``, in order, each word at most N after the one before |
| ``Prefix`` / ``Wildcard`` / ``FuzzyTerm`` | ``prefix`` / ``wildcard`` / ``fuzzy`` on the stemmed words |
| ``TermRange`` | ``range`` |
| ``Every`` / the null query | ``match_all`` / ``match_none`` |

Boosts go with their clause (``boost``, left out when 1).
"""

from __future__ import annotations

from whoosh import query as wq

from ..query import TEXT_FIELDS
from ..request import SearchError
from ..settings import SETTINGS
from .mapping import TERMS_ANALYZER

MATCH_ALL = {"match_all": {}}


def _boosted(clause: dict, boost: float) -> dict:
    """``clause`` (``{kind: body}``) with ``boost`` added to its body when it is not 1."""
    if boost != 1:
        (kind, body), = clause.items()
        clause = {kind: {**body, "boost": boost}}
    return clause


def _field_query(kind: str, field: str, body: dict, boost: float) -> dict:
    """A term-level query on one field: ``{kind: {field: body}}``, boosted when not 1."""
    if boost != 1:
        body = {**body, "boost": boost}
    return {kind: {field: body}}


def _phrase(node: wq.Phrase) -> dict:
    """A phrase: its words next to each other, or (slop N > 1) each word at most N words after
    the one before, in order, as Whoosh counts it (``query.phrase_docs``).

    ``span_near``'s slop is the number of other words allowed between its clauses, so N
    words apart is a slop of N - 1; a chain of words is one ``span_near`` per word, nested,
    so that each gap is bounded on its own rather than their sum."""
    field, words = node.fieldname, list(node.words)
    slop = max(1, int(node.slop))
    if slop == 1 or len(words) == 1:
        clause = {"match_phrase": {field: {"query": " ".join(words), "analyzer": TERMS_ANALYZER}}}
        if node.boost != 1:
            clause["match_phrase"][field]["boost"] = node.boost
        return clause
    chain = {"span_term": {field: words[0]}}
    for word in words[1:]:
        chain = {"span_near": {"clauses": [chain, {"span_term": {field: word}}],
                               "slop": slop - 1, "in_order": True}}
    return _boosted(chain, node.boost)


def _range(node: wq.TermRange) -> dict:
    bounds = {}
    if node.start is not None:
        bounds["gt" if node.startexcl else "gte"] = node.start
    if node.end is not None:
        bounds["lt" if node.endexcl else "lte"] = node.end
    return _field_query("range", node.fieldname, bounds, node.boost)


def translate(node) -> dict:
    """The OpenSearch query clause that matches what Whoosh query ``node`` matches."""
    if node is wq.NullQuery or isinstance(node, type(wq.NullQuery)):
        return {"match_none": {}}
    if isinstance(node, wq.Every):
        return MATCH_ALL
    if isinstance(node, wq.AndNot):
        return _boosted({"bool": {"must": [translate(node.a)],
                                  "must_not": [translate(node.b)]}}, node.boost)
    if isinstance(node, wq.AndMaybe):
        return _boosted({"bool": {"must": [translate(node.a)],
                                  "should": [translate(node.b)]}}, node.boost)
    if isinstance(node, (wq.And, wq.Or)):
        occur = "must" if isinstance(node, wq.And) else "should"
        return _boosted({"bool": {occur: [translate(sub)
                                          for sub in node.subqueries]}}, node.boost)
    if isinstance(node, wq.Not):
        return {"bool": {"must": [MATCH_ALL], "must_not": [translate(node.query)]}}
    if isinstance(node, wq.Term):
        if node.fieldname in TEXT_FIELDS:
            return _field_query("term", node.fieldname, {"value": node.text}, node.boost)
        return _boosted({"constant_score": {"filter": {"term": {node.fieldname: node.text}}}},
                        node.boost)
    if isinstance(node, wq.Phrase):
        return _phrase(node)
    if isinstance(node, wq.FuzzyTerm):
        return _field_query("fuzzy", node.fieldname, {
            "value": node.text, "fuzziness": int(node.maxdist),
            "prefix_length": node.prefixlength, "transpositions": True,
            "max_expansions": SETTINGS.max_expansion}, node.boost)
    if isinstance(node, wq.Prefix):
        return _field_query("prefix", node.fieldname, {"value": node.text}, node.boost)
    if isinstance(node, wq.Wildcard):
        return _field_query("wildcard", node.fieldname, {"value": node.text}, node.boost)
    if isinstance(node, wq.TermRange):
        return _range(node)
    raise SearchError(f"'{node}' is not a kind of query this search supports.", "q",
                      type="query_syntax")
