"""``newsfacet search``: the engine's results on a terminal, or the API's JSON with ``--json``.

A thin layer: options become the same query-string parameters the web pages and the API
take, ``parse_request`` validates them, and the engine the options name answers
(``engines.engine_of``: the Whoosh engine's ``Engine.search``, or OpenSearch's).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from html import unescape

from .engines import engine_of
from .facet_registry import FACETS, MATCHES, exclude_param, match_param
from .request import COLLAPSES, FACET_RANKS, SORTS, VARIANTS, parse_request

_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)
_BOLD_YELLOW, _DIM, _RESET = "\033[1;33m", "\033[2m", "\033[0m"


def add_search_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``newsfacet search`` (``--index`` and the engine's are added by the
    caller)."""
    parser.add_argument("q", nargs="?", default="", metavar="QUERY",
                        help='the query, e.g. "belgorod drone" (empty: everything, newest first)')
    for facet in FACETS:
        flag = facet.name.replace("_", "-")
        parser.add_argument(f"--{flag}", dest=facet.name, action="append", default=[],
                            metavar="VALUE", help=f"only articles with this {facet.label.lower()} "
                                                  "(repeatable: any of them)")
        parser.add_argument(f"--not-{flag}", dest=exclude_param(facet.name), action="append",
                            default=[], metavar="VALUE",
                            help=f"leave out articles with this {facet.label.lower()} (repeatable)")
        parser.add_argument(f"--{flag}-match", dest=match_param(facet.name), choices=MATCHES,
                            help=f"any (default): articles with any of the --{flag} values; "
                                 "all: with every one")
    parser.add_argument("--from", dest="date_from", metavar="DATE",
                        help="published on or after YYYY, YYYY-MM or YYYY-MM-DD")
    parser.add_argument("--to", dest="date_to", metavar="DATE",
                        help="published on or before YYYY, YYYY-MM or YYYY-MM-DD")
    parser.add_argument("--dated", choices=["unknown", "yes"],
                        help="unknown: only articles without a publication date")
    parser.add_argument("--sort", choices=SORTS,
                        help="default: relevance with a query, newest without")
    parser.add_argument("--page", help="page number (default 1)")
    parser.add_argument("--per-page", dest="per_page", help="hits per page (default 20, max 100)")
    parser.add_argument("--facet-size", dest="facet_size", help="values per facet (default 10)")
    parser.add_argument("--facet-rank", dest="facet_rank", choices=FACET_RANKS,
                        help="count (default): each facet's most frequent values first; "
                             "distinctive: the values most typical of the results against the "
                             "whole collection first (signed log-likelihood G², shown beside)")
    parser.add_argument("--variants", choices=VARIANTS,
                        help="on (default): a name also finds its other spellings (Kharkov: "
                             "Kharkiv); off: only the spellings typed")
    parser.add_argument("--collapse", choices=COLLAPSES,
                        help="story: one hit per story (copies of the same text shown once, "
                             "with their count and other outlets); default: one hit per article")
    parser.add_argument("--json", action="store_true", help="print the API's JSON response")
    parser.add_argument("--color", choices=["auto", "always", "never"], default="auto",
                        help="highlight matches with colour (default: when a terminal)")


def request_params(args) -> dict[str, list[str]]:
    """The query-string parameters the options stand for."""
    params: dict[str, list[str]] = {}
    if args.q:
        params["q"] = [args.q]
    for facet in FACETS:
        for name in (facet.name, exclude_param(facet.name)):
            if getattr(args, name):
                params[name] = list(getattr(args, name))
        if getattr(args, match_param(facet.name)):
            params[match_param(facet.name)] = [getattr(args, match_param(facet.name))]
    for name, attr in (("from", "date_from"), ("to", "date_to"), ("dated", "dated"),
                       ("sort", "sort"), ("page", "page"), ("per_page", "per_page"),
                       ("facet_size", "facet_size"), ("facet_rank", "facet_rank"),
                       ("variants", "variants"),
                       ("collapse", "collapse")):
        if getattr(args, attr) is not None:
            params[name] = [str(getattr(args, attr))]
    return params


def _plain(html: str, colour: bool) -> str:
    """A highlight fragment for the terminal: marks as colour (or *stars*), entities decoded."""
    if colour:
        html = _MARK.sub(lambda m: f"\0{m.group(1)}\1", html)
        return unescape(html).replace("\0", _BOLD_YELLOW).replace("\1", _RESET)
    return unescape(_MARK.sub(r"*\1*", html))


def interpretation_lines(result: dict) -> list[str]:
    """What the search was understood as, for the terminal: the spellings searched with each
    word (or that only the spellings typed were), and what the parser rewrote."""
    interp = result["interpretation"]
    lines = [f"searching {word} also as {', '.join(others[:5])}"
             + (f" and {len(others) - 5} more spellings" if len(others) > 5 else "")
             for word, others in interp["variants"].items()]
    if lines:
        lines[-1] += " (--variants off: only the spellings typed)"
    elif result["query"]["variants"] == "off" and result["query"]["q"]:
        lines.append("searching only the spellings typed (--variants on: other spellings too)")
    return lines + [f"read: {note}" for note in interp["normalisations"]]


def format_results(result: dict, colour: bool) -> str:
    """The response as terminal text: a header, then each hit with outlet, date and snippet."""
    dim, reset = (_DIM, _RESET) if colour else ("", "")
    unit = ("stories" if result["unit"] == "stories"
            else f"results in {result['total_stories']} stories")
    lines = [f"{result['total']} {unit}, page {result['page']} of {result['pages']} "
             f"({result['took_ms']} ms)"]
    lines += interpretation_lines(result)
    for warning in result["warnings"]:
        lines.append(f"note: {warning}")
    if result["timed_out"]:
        lines.append("note: cut short to answer in time: " + ", ".join(result["timed_out"]))
    if result["suggestion"]:
        lines.append(f"did you mean: {result['suggestion']}")
    first = (result["page"] - 1) * result["per_page"]
    for n, hit in enumerate(result["hits"], start=first + 1):
        title = _plain(hit["highlights"]["title"], colour) or "(untitled)"
        lines.append("")
        lines.append(f"{n:>3}. {title}")
        where = " · ".join(x for x in (hit["outlet"] or "unknown outlet",
                                        hit["published"] or "date unknown", hit["id"]) if x)
        lines.append(f"     {dim}{where}{reset}")
        if hit.get("copies", 1) > 1:
            lines.append(f"     {dim}{hit['copies']} copies; also published by "
                         f"{', '.join(hit['also_published_by']) or 'the same outlet'}{reset}")
        elif hit["story_size"] > 1:
            lines.append(f"     {dim}{hit['story_size']} copies in the index (--collapse story)"
                         f"{reset}")
        for fragment in hit["highlights"]["text"][:2]:
            lines.append("     " + " ".join(_plain(fragment, colour).split()))
    if result["next"]:
        lines.append("")
        lines.append(f"{dim}more: --page {result['page'] + 1}{reset}")
    lines += format_facets(result["facets"], dim, reset)
    return "\n".join(lines)


def format_facets(facets: dict, dim: str = "", reset: str = "") -> list[str]:
    """Each value facet in a line: its distinct values, the articles without one, and the
    listed values with their article counts (selected ones marked +, excluded ones -) and,
    when ranked by distinctiveness, their G²."""
    lines = []
    for name, facet in facets.items():
        if not isinstance(facet, dict) or not (facet["values"] or facet["missing"]):
            continue
        shown = ", ".join(("+" if v["selected"] else "-" if v["excluded"] else "")
                          + f"{v['value']} ({v['count']}"
                          + (f", G² {v['g2']:g}" if v.get("g2") is not None else "") + ")"
                          for v in facet["values"])
        more = f", {facet['more']} more" if facet["more"] else ""
        match = " (articles with all the selected values)" if facet["match"] == "all" else ""
        lines.append(f"{dim}{facet['label']}: {facet['distinct']} values in articles{match}, "
                     f"{facet['missing']} articles with none{more}{reset}")
        if shown:
            lines.append(f"     {shown}")
    return [""] + lines if lines else []


def run_search(args) -> int:
    """Run ``newsfacet search``; exit 0 on success (a bad request or a missing index
    raises, and the command prints it as every command does, exiting 2)."""
    result = engine_of(args).search(parse_request(request_params(args)))
    colour = args.color == "always" or (args.color == "auto" and sys.stdout.isatty())
    text = (json.dumps(result, ensure_ascii=False, indent=1) if args.json
            else format_results(result, colour))
    try:
        print(text)
        sys.stdout.flush()
    except BrokenPipeError:   # e.g. piped into `head`: the reader has all it wanted
        sys.stdout = open(os.devnull, "w")
    return 0
