"""The ``_search`` bodies of one search: its page of hits with facets, a page after a sort
key, the days of its histogram, and its export.

``search_body`` is what ``/api/search`` needs in one request: the query (the parsed query
and the date bounds), the facet filters as a ``post_filter`` (``filters.py``), every
aggregation (``aggregations.py``), the sort, the page (``from``/``size``, within the
10,000 hits OpenSearch pages that way, as deep as the Whoosh engine ranks by relevance),
``collapse`` on the story for ``collapse=story``, and a highlight request for the hits.
``copies_body`` counts the copies of the stories a collapsed page shows, and
``after_body`` gives the hits after a sort key within a point in time (``search_after``
with ``pit``): the pages past that window under a date sort, and the export.
``collection_body`` counts some values of some facets in the whole collection, for their G²
(``facet_rank=distinctive``, and the comparison's columns).

Highlights: the Whoosh engine marks, in each hit's stored title and text, every word whose
stem the query searched (``highlight.Highlighter``), escaping the rest itself. The OpenSearch
engine marks them with the same code, for the same output; what it cannot know without the
index's word list is which words a prefix, wildcard or fuzzy term stood for, so those terms
alone are sent as a ``highlight_query`` whose marks (two private-use characters, no HTML
encoding) name the words matched in each hit.
"""

from __future__ import annotations

from whoosh import query as wq

from ..engine import HIT_FIELDS
from ..facet_registry import BY_NAME
from ..highlight import positive_leaves
from ..request import SearchRequest
from .aggregations import days_aggs, facet_aggs, results_aggs
from .filters import FacetFilters, date_filters
from .query import MATCH_ALL, translate

#: Before and after a word an OpenSearch highlight marks: two of Unicode's private-use
#: characters, which news text does not use (a text holding them would mark wrong words), and
#: no HTML encoding is asked for.
MARK_START, MARK_END = "\ue000", "\ue001"
#: The stored fields a hit is made of.
HIT_SOURCE = ["id", "title", "text", *HIT_FIELDS, "story", "story_size"]
#: The stored fields that are not the export record's.
NOT_RECORD = ["keys", "dated", "state", "minhash"]
#: How long a point in time is kept between two pages of an export.
PIT_KEEP_ALIVE = "2m"
#: The most outlets listed for the copies of one story of a collapsed page (``copies_body``).
STORY_OUTLETS = 1000
#: Ties under every sort: the article id (the Whoosh engine's are in index order, which an
#: OpenSearch cluster does not have).
TIEBREAK = {"id": {"order": "asc"}}


def query_clause(req: SearchRequest, parsed) -> dict:
    """The query: the parsed query's clause (scored) and the date bounds (filters)."""
    clause = {}
    if parsed.query is not None:
        clause["must"] = [translate(parsed.query)]
    dates = date_filters(req, parsed)
    if dates:
        clause["filter"] = dates
    return {"bool": clause} if clause else MATCH_ALL


def sort_clause(req: SearchRequest, parsed) -> list[dict]:
    """The order of the hits: by relevance (with a query), else by publication day, newest
    or oldest first, undated articles last either way; ties by article id."""
    if req.sort == "relevance" and parsed.query is not None:
        return [{"_score": {"order": "desc"}}, TIEBREAK]
    order = "asc" if req.sort == "oldest" else "desc"
    return [{"published": {"order": order, "missing": "_last"}}, TIEBREAK]


def highlight_clause(parsed) -> dict | None:
    """What to ask OpenSearch to mark: the words the query's prefix, wildcard and fuzzy terms
    matched in each hit's title and text, the whole field with the words between
    ``MARK_START`` and ``MARK_END`` (None when the query has no such term)."""
    terms = [leaf for leaf in positive_leaves(parsed.query) if isinstance(leaf, wq.MultiTerm)]
    if not terms:
        return None
    return {"pre_tags": [MARK_START], "post_tags": [MARK_END], "encoder": "default",
            "number_of_fragments": 0, "require_field_match": False,
            "highlight_query": translate(terms[0] if len(terms) == 1 else wq.Or(terms)),
            "fields": {"title": {}, "text": {}}}


def hits_part(req: SearchRequest, parsed, filters: FacetFilters) -> dict:
    """What every body that returns hits holds: query, facet filters, sort."""
    body = {"query": query_clause(req, parsed), "sort": sort_clause(req, parsed)}
    post_filter = filters.post_filter()
    if post_filter is not None:
        body["post_filter"] = post_filter
    return body


def search_body(req: SearchRequest, parsed, filters: FacetFilters) -> dict:
    """The body of a search's page of hits with every count (see the module's docstring)."""
    body = hits_part(req, parsed, filters)
    body.update({
        "from": (req.page - 1) * req.per_page, "size": req.per_page, "track_total_hits": True,
        "_source": {"includes": HIT_SOURCE},
        "aggs": {**facet_aggs(req, filters), **results_aggs(req, filters)},
    })
    if req.collapse == "story":
        body["collapse"] = {"field": "story"}
    highlight = highlight_clause(parsed)
    if highlight is not None:
        body["highlight"] = highlight
    return body


def after_body(req: SearchRequest, parsed, filters: FacetFilters, pit_id: str,
               after: list | None, size: int, export: bool = False) -> dict:
    """The ``size`` hits that follow sort key ``after`` (the ``sort`` of the last hit before
    them; None: from the first) in point in time ``pit_id``: hits as a page shows them, or
    with ``export`` whole export records. Sent to ``/_search`` without an index: the point in
    time names it.

    No ``collapse`` here: OpenSearch pages collapsed hits with ``search_after`` only when
    they are sorted by the collapsed field itself, so ``collapse=story`` pages stay within
    the ``from``/``size`` window, and an export's copies are for its reader to skip."""
    body = hits_part(req, parsed, filters)
    body.update({"size": size, "track_total_hits": False,
                 "pit": {"id": pit_id, "keep_alive": PIT_KEEP_ALIVE},
                 "_source": {"excludes": NOT_RECORD} if export else {"includes": HIT_SOURCE}})
    if after is not None:
        body["search_after"] = after
    highlight = None if export else highlight_clause(parsed)
    if highlight is not None:
        body["highlight"] = highlight
    return body


def days_body(req: SearchRequest, parsed, filters: FacetFilters) -> dict:
    """The body of a search's histogram by days (``aggregations.days_aggs``), no hits."""
    return {"query": query_clause(req, parsed), "size": 0, "track_total_hits": False,
            "aggs": days_aggs(filters)}


def copies_body(req: SearchRequest, parsed, filters: FacetFilters, stories: list[str]) -> dict:
    """The body that counts, for each of ``stories`` (those of a page under
    ``collapse=story``), its articles among the results and their outlets."""
    return {"query": query_clause(req, parsed), "size": 0, "track_total_hits": False,
            "aggs": {"stories": {"filter": filters.final(), "aggs": {"story": {
                "terms": {"field": "story", "include": stories, "size": len(stories)},
                "aggs": {"outlets": {"terms": {"field": "outlet", "size": STORY_OUTLETS}}}}}}}}


def collection_body(values: dict[str, list[str]]) -> dict:
    """The body that counts the whole collection's articles and, for each facet named in
    ``values`` (facet name -> some of its values), each value's: no query, no filter, and
    a ``terms`` aggregation (``collection:<name>``) of those values alone, so that every
    one some article holds comes back."""
    return {"size": 0, "track_total_hits": True, "aggs": {
        f"collection:{name}": {"terms": {"field": BY_NAME[name].field, "include": listed,
                                         "size": len(listed)}}
        for name, listed in values.items() if listed}}
