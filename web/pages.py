"""The HTML pages: home (``/``), results (``/search``), article (``/articles/<id>``), what
differs between two articles (``/articles/<id>/differences/<other_id>``), the outlet
comparison (``/compare``) and the query syntax (``/help``).

Each view asks the engine for the same data the JSON API returns and renders
it; the pages hold no search logic. The URL is the whole state, so every
control on a page is a plain link or a GET form, and the pages work without
JavaScript.
"""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, render_template, request, url_for

from newsfacet.search.compare import fields_for, parse_compare
from newsfacet.search.facet_registry import BY_MENTION, BY_NAME, FACETS, exclude_param, match_param
from newsfacet.search.query import STOP_WORDS
from newsfacet.search.request import SearchError, parse_request, single_value

from . import help as query_help
from . import timelines
from .api import get_engine
from .histogram import build_histogram, date_inputs
from .marking import mark_text, marked_spans
from .urls import SearchLinks, search_url

pages = Blueprint("pages", __name__)
pages.add_app_template_global(search_url, "search_link")   # search_link(place="Kharkiv") in templates


@pages.app_template_test("web_url")
def is_web_url(value) -> bool:
    """True for an http(s) URL: the only kind of corpus URL a page makes a link.

    A corpus may give any text as an article's URL (``javascript:...``,
    ``data:...``); anything else is shown as text, never as an ``href``.
    """
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


#: Facet parameter -> its heading (the sidebar's facets are the registry's, in its order).
FACET_LABELS = {f.name: f.label for f in FACETS}
FACET_SHOWN = 8          # values visible at first; the rest behind "show more"
PAGE_FACET_SIZE = 40     # values per facet a page asks for when the URL does not say
SORTS = [("relevance", "Relevance"), ("newest", "Newest"), ("oldest", "Oldest")]


@pages.get("/")
def home():
    """The search box and an overview of the collection."""
    return render_template("home.html", overview=get_engine().overview())


def _shown(exc: SearchError) -> SearchError:
    """``exc`` without its traceback, for a template: Jinja's contexts live in reference
    cycles, and the traceback's frames would hold the index generation the request read
    (hundreds of MB at a million articles) until Python's cycle collector ran."""
    return exc.with_traceback(None)


def _chips(links: SearchLinks) -> list[dict]:
    """The active filters, each with the URL of the search without it."""
    chips = []
    for f in FACETS:
        chips += [{"label": f.label, "value": value, "href": links.remove(f.name, value)}
                  for value in links.values(f.name)]
        chips += [{"label": f.label, "value": f"not {value}", "excluded": True,
                   "href": links.remove(exclude_param(f.name), value)}
                  for value in links.values(exclude_param(f.name))]
    start, end = links.values("from"), links.values("to")
    if start and start == end:
        chips.append({"label": "Published", "value": start[0],
                      "href": links.replace(**{"from": None, "to": None})})
    else:
        chips += [{"label": label, "value": values[0], "href": links.remove(name)}
                  for name, label, values in (("from", "From", start), ("to", "To", end)) if values]
    if links.has("dated", "unknown"):
        chips.append({"label": "Published", "value": "date unknown", "href": links.remove("dated")})
    return chips


#: How a relaxation's parameter reads on the page, for the ones that are not facets.
DATE_LABELS = {"from": "From", "to": "To", "dated": "Published"}
DATED_VALUES = {"unknown": "date unknown", "yes": "date known"}


def _relaxations(result: dict, links: SearchLinks) -> list[dict]:
    """For an empty result: the filters whose removal alone would bring articles back.

    The engine counts them for a search without hits (``result["relaxations"]``: param,
    value and the total without that one value); each becomes a link to the search
    without it.
    """
    out = []
    for item in result["relaxations"]:
        name, value, total = item["param"], item["value"], item["total"]
        if not total:
            continue
        shown = DATED_VALUES.get(value, value) if name == "dated" else value
        if name in FACET_LABELS:       # one value of a filter that may have several
            label, href = FACET_LABELS[name], links.remove(name, value)
        elif name.lstrip("-") in FACET_LABELS:   # one excluded value
            label, href = FACET_LABELS[name.lstrip("-")], links.remove(name, value)
            shown = f"not {value}"
        else:                          # from, to or dated: single-valued
            label, href = DATE_LABELS[name], links.remove(name)
        out.append({"label": label, "value": shown, "href": href, "total": total})
    return out


def _facet_groups(facets: dict, links: SearchLinks) -> list[dict]:
    """The sidebar's facets that have values to show, in the registry's order: each with
    its summary from the engine, the values shown at first and the rest of those loaded, and
    for each value the link that excludes it (or, when excluded, includes it again)."""
    groups = []
    for f in FACETS:
        facet = facets.get(f.name)
        if not facet or not facet["values"]:
            continue
        values = [{**v, "exclude_href": _exclude_link(links, f.name, v)} for v in facet["values"]]
        shown = values[:max(FACET_SHOWN, sum(1 for v in values if v["selected"] or v["excluded"]))]
        listing = SearchLinks([(k, v) for k, v in links.params if k not in ("page", "per_page")],
                              url_for("api.facet", name=f.name))
        groups.append({**facet, "name": f.name, "match_param": match_param(f.name),
                       "all_href": listing.here(),
                       "switch": facet["match"] == "all" or any(v["selected"] for v in values),
                       "exclude_param": exclude_param(f.name), "shown": shown,
                       "rest": values[len(shown):],
                       "more": facet["distinct"] - sum(1 for v in shown
                                                       if v["count"] and not v["excluded"])})
    return groups


def _form_params(links: SearchLinks, groups: list[dict]) -> list[tuple[str, str]]:
    """The parameters the sidebar's form keeps as they are: all but the page and the
    parameters of the facets it shows (their checkboxes and switches say those)."""
    own = {p for g in groups for p in (g["name"], g["exclude_param"], g["match_param"])}
    return [(k, v) for k, v in links.params if k != "page" and k not in own]


def _exclude_link(links: SearchLinks, name: str, value: dict) -> str:
    """The search with ``value`` left out of facet ``name`` (no longer selected), or, for a
    value already excluded, the search without that exclusion."""
    if value["excluded"]:
        return links.remove(exclude_param(name), value["value"])
    return SearchLinks([(k, v) for k, v in links.params if (k, v) != (name, value["value"])],
                       links.path).add(exclude_param(name), value["value"])


def _page_numbers(page: int, pages: int) -> list[int | None]:
    """Page numbers to offer: the first, the last and two either side (None = a gap)."""
    wanted = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    out: list[int | None] = []
    for n in wanted:
        if out and n - out[-1] > 1:
            out.append(None)
        out.append(n)
    return out


@pages.get("/search")
def search():
    """Ranked, highlighted results with facets, chips, histogram and paging."""
    try:
        req = parse_request(request.args)
        links = SearchLinks(req.to_params())
        if "facet_size" not in request.args:
            req = replace(req, facet_size=PAGE_FACET_SIZE)
        result = get_engine().search(req)
    except SearchError as exc:
        if exc.status != 400:
            raise
        links = SearchLinks(request.args.items(multi=True))
        return render_template("results.html", error=_shown(exc), links=links, chips=_chips(links),
                               q=request.args.get("q", ""), sorts=SORTS), 400
    chips = _chips(links)
    words = req.q.split()
    facets = _facet_groups(result.get("facets", {}), links)
    searchable = [w for w in words if w.isalpha() and w.lower() not in STOP_WORDS]
    return render_template(
        "results.html", result=result, links=links, chips=chips, q=req.q,
        facets=facets, facet_hidden=_form_params(links, facets), sorts=SORTS,
        histogram=build_histogram(result.get("facets", {}).get("published", []), links),
        dates=date_inputs(links),
        page_numbers=_page_numbers(result["page"], result["pages"]) if result["pages"] > 1 else [],
        relaxations=_relaxations(result, links),
        any_words=(" OR ".join(searchable) if len(searchable) > 1
                   and all(w.isalnum() for w in words) else None),
        loose_word=searchable[0] if searchable else None,
        error=None)


def _search_trail(engine, article_id: str) -> dict | None:
    """For an article reached from a results page: the way back and to the neighbouring hits.

    The article's link carries the search's whole state (query, filters, sort, page) in its
    query string. ``back`` is that results page, scrolled to the hit; ``previous`` and
    ``next`` are the article pages of the hits either side (with the same search), and
    ``position``/``total`` say where this one stands. None when the link carries no search.
    A search the engine refuses, or one the article is no longer in, keeps only ``back``.
    """
    if not request.args:
        return None
    try:
        req = parse_request(request.args)
        place = engine.neighbours(req, article_id)
    except SearchError:
        return {"back": SearchLinks(request.args.items(multi=True)).here()}
    if place is None:
        return {"back": SearchLinks(req.to_params()).here()}

    def article_href(hit: dict | None) -> str | None:
        if hit is None:
            return None
        params = req.with_page(hit["page"]).to_params()
        return SearchLinks(params).here(url_for("pages.article", article_id=hit["id"]))

    on_page = (place["position"] - 1) % req.per_page + 1
    back = SearchLinks(req.with_page(place["page"]).to_params()).here() + f"#hit-{on_page}"
    return {"back": back, "position": place["position"], "total": place["total"],
            "previous": place["previous"], "previous_href": article_href(place["previous"]),
            "next": place["next"], "next_href": article_href(place["next"])}


#: The compare page's measures: parameter value, the switch's label, the denominator in words
#: ("{unit}": articles or stories).
COMPARE_MEASURES = {
    "count": ("Number", "the number of the outlet's matching {unit} that name the value"),
    "share": ("Share of the outlet's matches",
              "those {unit} divided by all of the outlet's {unit} that match the search"),
    "attention": ("Attention",
                  "those {unit} divided by all of the outlet's {unit} in the period, "
                  "whatever they are about"),
}
#: The compare page's units: what its cells count, and the switch's label.
COMPARE_UNITS = {"articles": "Articles", "stories": "Stories (copies count once)"}
#: The engine's keys for each measure and unit, and for a row's matches, period and attention.
_UNIT_KEYS = {
    "articles": {"count": "count", "share": "share", "attention": "attention",
                 "matches": "matches", "period": "period", "row_attention": "attention"},
    "stories": {"count": "stories", "share": "story_share", "attention": "story_attention",
                "matches": "stories", "period": "period_stories",
                "row_attention": "story_attention"},
}


def _in_unit(params: list | None, unit: str) -> list | None:
    """The search a cell, row or timeline stands for, counting ``unit``: with
    ``collapse=story`` for stories, so that its total is the number shown."""
    if params is None:
        return None
    return [*params, *([("collapse", "story")] if unit == "stories" else [])]


def _unit_href(params: list | None, unit: str) -> str | None:
    """The link of ``_in_unit``'s search (None: no search)."""
    return SearchLinks(_in_unit(params, unit)).here() if params else None


def _matrix(result: dict, measure: str, unit: str) -> list[dict]:
    """The compare table's rows in ``unit``: the outlet (and its search), its matches, and
    each cell's shown text, number and search."""
    keys = _UNIT_KEYS[unit]
    out = []
    for row, cells in zip(result["rows"], result["cells"]):
        shown = [{"text": ('{:,}'.format(c[keys["count"]]) if measure == "count"
                           else timelines.percent(c[keys[measure]])),
                  "count": c[keys["count"]], "href": _unit_href(c["params"], unit)}
                 for c in cells]
        out.append({"name": row["value"], "matches": row[keys["matches"]],
                    "period": row[keys["period"]],
                    "attention": timelines.percent(row[keys["row_attention"]]),
                    "href": _unit_href(row["params"], unit), "cells": shown})
    return out


@pages.get("/compare")
def compare():
    """The outlets matching a search against the most named values of a field: the matrix
    (counts, shares or attention), the spellings each outlet uses, and timelines."""
    try:
        measure = single_value(request.args, "measure") or "count"
        if measure not in COMPARE_MEASURES:
            raise SearchError(f"'measure' must be one of {', '.join(COMPARE_MEASURES)}, not "
                              f"{measure!r}", "measure")
        creq = parse_compare(request.args, ignore=("measure", "unit"))
        unit = single_value(request.args, "unit") or (
            "stories" if creq.search.collapse == "story" else "articles")
        if unit not in COMPARE_UNITS:
            raise SearchError(f"'unit' must be articles or stories, not {unit!r}", "unit")
        result = get_engine().compare(creq)
    except SearchError as exc:
        if exc.status != 400:
            raise
        return render_template("compare.html", error=_shown(exc), q=request.args.get("q", "")), 400
    # The search's own collapse=story only chose the default unit: links say the unit instead.
    search = [(k, v) for k, v in creq.search.to_params() if k != "collapse"]
    in_unit = _in_unit(search, unit)
    own = [("measure", measure)] if measure != "count" else []
    own += [("unit", unit)] if unit != "articles" else []
    links = SearchLinks([(k, v) for k, v in creq.to_params() if k != "collapse"] + own,
                        url_for("pages.compare"))
    lines = result["timelines"]
    attention = measure == "attention"
    return render_template(
        "compare.html", error=None, q=creq.search.q, result=result, links=links,
        measure=measure, unit=unit, units=COMPARE_UNITS,
        measures={name: (label, says.format(unit=unit))
                  for name, (label, says) in COMPARE_MEASURES.items()},
        facet=BY_NAME[creq.field], fields=[BY_NAME[name] for name in fields_for(creq.by)],
        matrix=_matrix(result, measure, unit),
        search_params=in_unit, search_href=SearchLinks(in_unit).here(),
        api_href=SearchLinks(creq.to_params()).here(url_for("export.compare")),
        axis=timelines.axis(lines["buckets"]),
        by_outlet=timelines.charts(lines["by_outlet"], lines["buckets"], attention,
                                   lambda s: _in_unit(next(r["params"] for r in result["rows"]
                                                           if r["value"] == s["value"]), unit),
                                   f"all of the outlet's {unit} then", unit),
        by_value=timelines.charts(lines["by_value"], lines["buckets"], attention,
                                  lambda s: _in_unit([*search, (creq.field, s["value"])], unit)
                                  if creq.field not in creq.search.filters else None,
                                  f"all {unit} then", unit))


@pages.get("/help")
def help():
    """The query syntax, each construction with example searches."""
    return render_template("help.html", sections=query_help.SECTIONS, limits=query_help.LIMITS)


@pages.get("/articles/<article_id>")
def article(article_id: str):
    """One article: clean text with its names linked, metadata, copies and similar articles.

    Reached from a search, its link carries the search (``?q=...&place=...&page=2``): the
    query's words are marked, and the page links back to those results and to the hits
    before and after this one. A query that is too long or that the engine cannot parse
    only loses the marks and the neighbours, not the article.
    """
    q = request.args.get("q", "")
    engine = get_engine()
    try:
        record = engine.article(article_id, q=q)
    except SearchError as exc:
        if exc.status == 404 or not q:
            raise
        q, record = "", engine.article(article_id)
    highlights = record.get("highlights") or {}
    marks = marked_spans(highlights.get("text") or "") if q else []
    paragraphs = mark_text(record.get("text") or "", record.get("mentions") or [], marks)
    entities = [(f.plural, f.name, record.get(f.field) or []) for f in BY_MENTION.values()]
    return render_template("article.html", article=record, paragraphs=paragraphs,
                           title_html=highlights.get("title") if q else None,
                           entities=entities, q=q, trail=_search_trail(engine, article_id))


@pages.get("/articles/<article_id>/differences/<other_id>")
def differences(article_id: str, other_id: str):
    """What differs between an article and another one (one of its copies, when reached from
    the article page): the two articles, the counts, then the paragraphs only in one of them."""
    return render_template("differences.html", found=get_engine().differences(article_id, other_id))
