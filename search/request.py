"""The search request: one validated, bounded type shared by the web pages, the API and the CLI.

``parse_request`` turns query-string parameters (a werkzeug ``MultiDict`` or a plain
``dict[str, list[str]]``) into a ``SearchRequest``; ``SearchRequest.to_params`` turns it
back into the canonical query string, so a URL always carries the whole state of a search.
Anything malformed is a ``SearchError`` naming the parameter and what was wrong.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field, replace
from datetime import date

from .facet_registry import FACETS, MATCHES, exclude_param, match_param
from .settings import SETTINGS

#: Filter parameters (repeatable: values of one filter are OR, or AND with ``<name>_match=all``;
#: different filters are AND; ``-<name>=value`` leaves out the articles with a value).
FILTER_PARAMS = tuple(f.name for f in FACETS)
EXCLUDE_PARAMS = tuple(exclude_param(name) for name in FILTER_PARAMS)
MATCH_PARAMS = tuple(match_param(name) for name in FILTER_PARAMS)
SORTS = ("relevance", "newest", "oldest")
DATED = ("unknown", "yes")
VARIANTS = ("on", "off")   # on: a name also finds its other spellings; off: only as typed
COLLAPSES = ("story",)     # story: one hit per story (its best-ranked copy)
#: How a facet's listed values are ordered: count (the most frequent first) or distinctive
#: (the most typical of the results against the whole collection first: ``significance.py``).
FACET_RANKS = ("count", "distinctive")
PARAMS = (("q", "from", "to", "dated", "sort", "page", "per_page", "facet_size", "facet_rank",
           "variants", "collapse")
          + FILTER_PARAMS + EXCLUDE_PARAMS + MATCH_PARAMS)

_DATE_RE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")
_WHOLE_NUMBER = re.compile(r"^-?[0-9]+$")
_NOT_TEXT = re.compile("[\x00\ud800-\udfff]")   # NUL, and bytes that were not UTF-8


class SearchError(Exception):
    """A request the engine cannot answer: a 400 (bad input) or 404 (unknown article)."""

    def __init__(self, message: str, param: str | None = None, type: str = "invalid_request",
                 status: int = 400, fix: str | None = None):
        super().__init__(message)
        self.type = type
        self.message = message
        self.param = param
        self.status = status
        self.fix = fix   # a query that would run instead (for a query error), or None

    def to_dict(self) -> dict:
        """The JSON error body: ``{"error": {"type", "message", "param", "fix"}}`` (every key
        present, null when it does not apply)."""
        return {"error": {"type": self.type, "message": self.message, "param": self.param,
                          "fix": self.fix}}


@dataclass
class SearchRequest:
    """A search as understood: query, filters, date bounds, sort and page."""

    q: str = ""
    filters: dict = field(default_factory=dict)   # filter param -> list of values
    exclude: dict = field(default_factory=dict)   # filter param -> values left out
    match: dict = field(default_factory=dict)     # filter param -> "all" (absent: "any")
    date_from: str | None = None                  # YYYY, YYYY-MM or YYYY-MM-DD (inclusive)
    date_to: str | None = None
    dated: str | None = None                      # "unknown" | "yes" | None
    sort: str = "newest"
    page: int = 1
    per_page: int = SETTINGS.default_per_page
    facet_size: int = SETTINGS.default_facet_size
    facet_rank: str = "count"                     # one of FACET_RANKS
    variants: bool = True                         # search the other spellings of names too
    collapse: str | None = None                   # "story": one hit per story; None: per article

    def default_sort(self) -> str:
        """The sort used when none is given: relevance with a query, newest without."""
        return "relevance" if self.q.strip() else "newest"

    def to_params(self) -> list[tuple[str, str]]:
        """Canonical query-string pairs (defaults left out), for building URLs."""
        pairs: list[tuple[str, str]] = []
        if self.q:
            pairs.append(("q", self.q))
        for name in FILTER_PARAMS:
            pairs.extend((name, v) for v in self.filters.get(name, []))
            pairs.extend((exclude_param(name), v) for v in self.exclude.get(name, []))
            if self.match.get(name, "any") != "any":
                pairs.append((match_param(name), self.match[name]))
        for name, value in (("from", self.date_from), ("to", self.date_to), ("dated", self.dated)):
            if value:
                pairs.append((name, value))
        if self.sort != self.default_sort():
            pairs.append(("sort", self.sort))
        if self.page != 1:
            pairs.append(("page", str(self.page)))
        if self.per_page != SETTINGS.default_per_page:
            pairs.append(("per_page", str(self.per_page)))
        if self.facet_size != SETTINGS.default_facet_size:
            pairs.append(("facet_size", str(self.facet_size)))
        if self.facet_rank != "count":
            pairs.append(("facet_rank", self.facet_rank))
        if not self.variants:
            pairs.append(("variants", "off"))
        if self.collapse:
            pairs.append(("collapse", self.collapse))
        return pairs

    def with_page(self, page: int) -> "SearchRequest":
        """The same search on another page."""
        return replace(self, page=page)

    def echo(self) -> dict:
        """The request as understood, for the response's ``query`` member."""
        return {"q": self.q, "filters": {k: v for k, v in self.filters.items() if v},
                "exclude": {k: v for k, v in self.exclude.items() if v},
                "match": {k: v for k, v in self.match.items() if v != "any"},
                "from": self.date_from, "to": self.date_to, "dated": self.dated,
                "sort": self.sort, "page": self.page, "per_page": self.per_page,
                "facet_size": self.facet_size, "facet_rank": self.facet_rank,
                "variants": "on" if self.variants else "off",
                "collapse": self.collapse}


def _text(value, name: str) -> str:
    """A parameter value as text, refused when it holds NUL or bytes that are not UTF-8
    (a command-line argument keeps those as lone surrogates)."""
    value = str(value)
    bad = _NOT_TEXT.search(value)
    if bad:
        what = "a NUL character" if bad.group() == "\x00" else "bytes that are not UTF-8"
        raise SearchError(f"'{name}' contains {what} (at character {bad.start() + 1})", name)
    return value


def param_values(params, name: str) -> list[str]:
    """Every value of a parameter (a werkzeug ``MultiDict`` or a ``dict[str, list[str]]``),
    each checked to be text."""
    if hasattr(params, "getlist"):
        values = params.getlist(name)
    else:
        values = params.get(name, [])
        if not isinstance(values, (list, tuple)):
            values = [values]
    return [_text(v, name) for v in values]


def query_text(q: str) -> str:
    """The text of a query (``q``), refused when too long or not text."""
    q = _text(q, "q")
    if len(q) > SETTINGS.max_query_chars:
        raise SearchError(f"the query is {len(q)} characters long; at most {SETTINGS.max_query_chars} "
                          "are allowed", "q", type="query_too_long")
    return q


def single_value(params, name: str) -> str | None:
    """A parameter given at most once, stripped (None when absent or blank)."""
    values = [v for v in param_values(params, name) if v.strip() != ""]
    if len(values) > 1:
        raise SearchError(f"parameter '{name}' given {len(values)} times; give it once", name)
    return values[0].strip() if values else None


def _values(params, name: str) -> list[str]:
    """The distinct non-blank values of a repeatable filter parameter, at most
    ``SETTINGS.max_filter_values`` of them."""
    given = param_values(params, name)
    if len(given) > SETTINGS.max_filter_values:
        raise SearchError(f"at most {SETTINGS.max_filter_values} values of '{name}' are allowed", name)
    return list(dict.fromkeys(v.strip() for v in given if v.strip()))


def whole_number(params, name: str, default: int, low: int, high: int, hint: str = "") -> int:
    """A parameter given at most once as a whole number from ``low`` to ``high`` (``default``
    when absent); anything else is a ``SearchError`` naming it."""
    raw = single_value(params, name)
    if raw is None:
        return default
    if not _WHOLE_NUMBER.match(raw):
        raise SearchError(f"'{name}' must be a whole number, not {raw!r}", name)
    value = int(raw)
    if not low <= value <= high:
        raise SearchError(f"'{name}' must be between {low} and {high}, not {value}{hint}", name)
    return value


def parse_date_bound(value: str, param: str, end: bool) -> date:
    """The first (or, with ``end``, last) day of a YYYY, YYYY-MM or YYYY-MM-DD value."""
    m = _DATE_RE.match(value)
    if not m:
        raise SearchError(f"'{param}' must be a date as YYYY, YYYY-MM or YYYY-MM-DD, not {value!r}",
                          param)
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        if day:
            return date(year, int(month), int(day))
        if month:
            month = int(month)
            return date(year, month, calendar.monthrange(year, month)[1] if end else 1)
        return date(year, 12, 31) if end else date(year, 1, 1)
    except ValueError as exc:
        raise SearchError(f"'{param}' is not a real date: {value!r} ({exc})", param) from None


CACHE_BUSTER = "_"   # a parameter scripts add so that no cache answers them: ignored


def parse_request(params, ignore=()) -> SearchRequest:
    """Validate query-string parameters into a ``SearchRequest``.

    ``params`` is a werkzeug ``MultiDict`` or a ``dict[str, list[str]]``. Parameters named in
    ``ignore`` (a front end's own, such as an export format) and the cache-buster ``_``
    that scripts add (``_=1712345678``) are skipped; any other unknown parameter is an
    error, so a misspelt filter never silently widens a search.
    """
    for name in params.keys():
        if name not in PARAMS and name not in ignore and name != CACHE_BUSTER:
            raise SearchError(f"unknown parameter '{name}'; known: {', '.join((*PARAMS, *ignore))}",
                              name)
    q = query_text(single_value(params, "q") or "")
    filters, exclude, match = {}, {}, {}
    for name in FILTER_PARAMS:
        values, left_out = _values(params, name), _values(params, exclude_param(name))
        both = [v for v in left_out if v in values]
        if both:
            raise SearchError(f"{both[0]!r} is both selected ('{name}') and excluded "
                              f"('{exclude_param(name)}'); give it once", exclude_param(name))
        if values:
            filters[name] = values
        if left_out:
            exclude[name] = left_out
        how = single_value(params, match_param(name))
        if how is not None and how not in MATCHES:
            raise SearchError(f"'{match_param(name)}' must be any (articles with any of the "
                              f"selected values) or all (with every one), not {how!r}",
                              match_param(name))
        if how == "all":
            match[name] = how
    date_from, date_to = single_value(params, "from"), single_value(params, "to")
    start = parse_date_bound(date_from, "from", end=False) if date_from else None
    stop = parse_date_bound(date_to, "to", end=True) if date_to else None
    if start and stop and start > stop:
        raise SearchError(f"'from' ({date_from}) is after 'to' ({date_to})", "from")
    dated = single_value(params, "dated")
    if dated is not None and dated not in DATED:
        raise SearchError(f"'dated' must be one of {', '.join(DATED)}, not {dated!r}", "dated")
    if dated == "unknown" and (start or stop):
        raise SearchError("'dated=unknown' cannot be combined with 'from' or 'to': articles "
                          "without a date have no date to compare", "dated")
    req = SearchRequest(q=q.strip(), filters=filters, exclude=exclude, match=match,
                        date_from=date_from, date_to=date_to, dated=dated)
    sort = single_value(params, "sort")
    if sort is not None and sort not in SORTS:
        raise SearchError(f"'sort' must be one of {', '.join(SORTS)}, not {sort!r}", "sort")
    req.sort = sort or req.default_sort()
    if req.sort == "relevance" and not req.q:
        req.sort = "newest"   # nothing to rank by without a query
    req.per_page = whole_number(params, "per_page", SETTINGS.default_per_page, 1, SETTINGS.max_per_page)
    req.page = whole_number(params, "page", 1, 1, SETTINGS.max_page)
    req.facet_size = whole_number(params, "facet_size", SETTINGS.default_facet_size, 0, SETTINGS.max_facet_size)
    facet_rank = single_value(params, "facet_rank")
    if facet_rank is not None and facet_rank not in FACET_RANKS:
        raise SearchError(f"'facet_rank' must be count (each facet's most frequent values "
                          f"first) or distinctive (the values most typical of the results "
                          f"against the whole collection first), not {facet_rank!r}",
                          "facet_rank")
    req.facet_rank = facet_rank or "count"
    variants = single_value(params, "variants")
    if variants is not None and variants not in VARIANTS:
        raise SearchError(f"'variants' must be on (a name also finds its other spellings: "
                          f"Kharkov, Kharkiv) or off (only the spelling typed), not {variants!r}",
                          "variants")
    req.variants = variants != "off"
    req.collapse = single_value(params, "collapse")
    if req.collapse is not None and req.collapse not in COLLAPSES:
        raise SearchError(f"'collapse' must be story (one hit per story: copies of the same text "
                          f"shown once) or absent (one hit per article), not {req.collapse!r}",
                          "collapse")
    return req
