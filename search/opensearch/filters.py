"""Facet filters and date bounds as OpenSearch filter clauses.

A search's date bounds (``from``/``to`` or ``dated``, and ``date:`` clauses of the query)
hold for everything it counts, so they go into the query. Its facet filters do not: a facet
whose selected values are "any of" is counted without its own selection (each count says
how many articles choosing that value as well would add), so the hits are narrowed by a
``post_filter`` and each facet is counted under a filter of its own (``counted_under``),
as the Whoosh engine's ``_Selection.counted`` counts it.
"""

from __future__ import annotations

from ..facet_registry import FACET_FIELDS, FACETS
from ..request import SearchRequest, parse_date_bound
from .query import MATCH_ALL


def date_filters(req: SearchRequest, parsed) -> list[dict]:
    """The filter clauses of the request's date bounds (``from``/``to``, else ``dated``) and
    of the query's ``date:`` clauses (``parsed.dates``); a range finds dated articles only."""
    clauses = []
    if req.date_from or req.date_to:
        clauses.append(_day_range(
            parse_date_bound(req.date_from, "from", False) if req.date_from else None,
            parse_date_bound(req.date_to, "to", True) if req.date_to else None))
    elif req.dated:
        clauses.append({"term": {"dated": req.dated}})
    clauses.extend(_day_range(start, stop) for start, stop in parsed.dates)
    return clauses


def _day_range(start, stop) -> dict:
    bounds = {}
    if start is not None:
        bounds["gte"] = start.isoformat()
    if stop is not None:
        bounds["lte"] = stop.isoformat()
    return {"range": {"published": bounds}}


def _flat(groups) -> list[str]:
    """The values of several lists, each once, in order."""
    return list(dict.fromkeys(v for group in groups for v in group))


def all_of(filters: list[dict], exclusions: list[dict]) -> dict:
    """A filter clause for articles matching every one of ``filters`` and none of
    ``exclusions`` (``match_all`` when there are neither)."""
    if not filters and not exclusions:
        return MATCH_ALL
    clause = {}
    if filters:
        clause["filter"] = filters
    if exclusions:
        clause["must_not"] = exclusions
    return {"bool": clause}


class FacetFilters:
    """The facet filters of one request, in index values.

    ``resolved``: facet name -> each selected value as typed -> the index values it stands for
    (any letter case, other spellings); ``left_out``: the same for the values left out. They
    are what the Whoosh engine's ``_Selection`` resolves (``resolved``, ``left_out``); how the
    values of one facet combine is the request's (``req.match``: any or all).
    """

    def __init__(self, req: SearchRequest, resolved: dict, left_out: dict):
        self.match = {name: req.match.get(name, "any") for name in FACET_FIELDS}
        self.groups = {name: [list(v) for v in typed.values()]
                       for name, typed in resolved.items() if typed}
        #: facet name -> the index values selected (shown first, with their counts)
        self.selected = {name: _flat(groups) for name, groups in self.groups.items()}
        #: facet name -> the index values left out
        self.excluded = {name: _flat(typed.values()) for name, typed in left_out.items() if typed}
        self.names = [f.name for f in FACETS if f.name in self.groups or f.name in self.excluded]

    def _select(self, name: str) -> list[dict]:
        """Articles with any of the facet's selected values, or (match all) with each typed
        value's (any of its index values)."""
        field, groups = FACET_FIELDS[name], self.groups.get(name)
        if not groups:
            return []
        if self.match[name] == "all":
            return [{"terms": {field: group}} for group in groups]
        return [{"terms": {field: self.selected[name]}}]

    def _exclude(self, name: str) -> list[dict]:
        values = self.excluded.get(name)
        return [{"terms": {FACET_FIELDS[name]: values}}] if values else []

    def _combined(self, facet: str | None, own_exclusion: bool = True) -> dict:
        """Every facet filter, except that facet ``facet`` keeps its selection only when its
        values combine as "all of", and its exclusion only with ``own_exclusion``."""
        filters, exclusions = [], []
        for name in self.names:
            if name != facet or self.match[name] == "all":
                filters += self._select(name)
            if name != facet or own_exclusion:
                exclusions += self._exclude(name)
        return all_of(filters, exclusions)

    def post_filter(self) -> dict | None:
        """The filter that narrows the hits to the selected facet values (None: no facet
        filter)."""
        return self._combined(None) if self.names else None

    def final(self) -> dict:
        """Every facet filter: the articles the search's totals and histogram count."""
        return self._combined(None)

    def counted_under(self, name: str) -> dict:
        """The filter facet ``name`` is counted under: every other facet's filter, its own
        exclusion and, when its selected values combine as "all of", its own selection."""
        return self._combined(name) if name in self.names else self.final()

    def left_out_under(self, name: str) -> dict:
        """The filter under which each left-out value of facet ``name`` counts the articles
        its exclusion leaves out: ``counted_under`` without the facet's own exclusion."""
        return self._combined(name, own_exclusion=False)
