"""The HTML pages: home (``/``), results (``/search``), article (``/articles/<id>``) and the
query syntax (``/help``).

Each view asks the engine for the same data the JSON API returns and renders
it; the pages hold no search logic. The URL is the whole state, so every
control on a page is a plain link or a GET form, and the pages work without
JavaScript.
"""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, render_template, request

from newsfacet.search.query import STOP_WORDS
from newsfacet.search.request import SearchError, parse_request

from . import help as query_help
from .api import get_engine
from .histogram import build_histogram
from .marking import MENTION_PARAMS, mark_text, marked_spans
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


#: The facets of the sidebar, in order: (parameter and facet name, heading).
FACETS = [
    ("outlet", "Outlet"),
    ("source_outlet", "Source outlet"),
    ("place", "Place"),
    ("person", "Person"),
    ("org", "Organisation"),
    ("author", "Author"),
]
FACET_LABELS = dict(FACETS)
FACET_SHOWN = 8          # values visible at first; the rest behind "show more"
PAGE_FACET_SIZE = 40     # values per facet a page asks for when the URL does not say
SORTS = [("relevance", "Relevance"), ("newest", "Newest"), ("oldest", "Oldest")]


@pages.get("/")
def home():
    """The search box and an overview of the collection."""
    return render_template("home.html", overview=get_engine().overview())


def _chips(links: SearchLinks) -> list[dict]:
    """The active filters, each with the URL of the search without it."""
    chips = [{"label": FACET_LABELS[name], "value": value, "href": links.remove(name, value)}
             for name, _ in FACETS for value in links.values(name)]
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
        if name in FACET_LABELS:       # one value of a filter that may have several
            label, href = FACET_LABELS[name], links.remove(name, value)
        else:                          # from, to or dated: single-valued
            label, href = DATE_LABELS[name], links.remove(name)
        shown = DATED_VALUES.get(value, value) if name == "dated" else value
        out.append({"label": label, "value": shown, "href": href, "total": total})
    return out


def _facet_groups(facets: dict) -> list[dict]:
    """The sidebar's facets that have values, each split into the values shown and the rest."""
    groups = []
    for name, label in FACETS:
        values = facets.get(name) or []
        if values:
            groups.append({"name": name, "label": label, "shown": values[:FACET_SHOWN],
                           "more": values[FACET_SHOWN:]})
    return groups


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
        return render_template("results.html", error=exc, links=links, chips=_chips(links),
                               q=request.args.get("q", ""), sorts=SORTS), 400
    chips = _chips(links)
    words = req.q.split()
    searchable = [w for w in words if w.isalpha() and w.lower() not in STOP_WORDS]
    return render_template(
        "results.html", result=result, links=links, chips=chips, q=req.q,
        facets=_facet_groups(result.get("facets", {})), sorts=SORTS,
        histogram=build_histogram(result.get("facets", {}).get("published", []), links),
        page_numbers=_page_numbers(result["page"], result["pages"]) if result["pages"] > 1 else [],
        relaxations=_relaxations(result, links),
        any_words=(" OR ".join(searchable) if len(searchable) > 1
                   and all(w.isalnum() for w in words) else None),
        loose_word=searchable[0] if searchable else None,
        error=None)


@pages.get("/help")
def help():
    """The query syntax, each construction with example searches."""
    return render_template("help.html", sections=query_help.SECTIONS, limits=query_help.LIMITS)


@pages.get("/articles/<article_id>")
def article(article_id: str):
    """One article: clean text with its names linked, metadata, copies and similar articles.

    Reached from a search (``?q=...``), the query's words are marked; a query
    that is too long or that the engine cannot parse only loses the marks, not
    the article.
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
    entities = [(label, MENTION_PARAMS[kind], record.get(field) or [])
                for label, kind, field in (("Places", "place", "places"),
                                           ("People", "person", "people"),
                                           ("Organisations", "organization", "organizations"))]
    return render_template("article.html", article=record, paragraphs=paragraphs,
                           title_html=highlights.get("title") if q else None,
                           entities=entities, q=q)
