"""The OpenAPI 3 description of the JSON endpoints, served at ``/api/openapi.json``.

It says what the server does, so that a client (or schemathesis) can rely on
it: every parameter with the bounds the engine enforces, every status each
path can answer, and the shape of every body, errors included. The bounds
come from ``search.request`` and ``web.limits``, so the document cannot drift
from the checks.
"""

from __future__ import annotations

from newsfacet.search import compare as comparison
from newsfacet.search.engine import HIT_FIELDS
from newsfacet.search.facet_registry import FACETS, MATCHES, exclude_param, match_param
from newsfacet.search.model import RECORD_FIELDS
from newsfacet.search.request import COLLAPSES, DATED, FACET_RANKS, SORTS, VARIANTS
from newsfacet.search.settings import SETTINGS


#: YYYY, YYYY-MM or YYYY-MM-DD. Surrounding spaces are ignored and an empty
#: value is the same as none, as for every parameter.
DATE_PATTERN = r"^\s*(\d{4}(-\d{2}(-\d{2})?)?)?\s*$"
TEXT_RULES = ("Spaces around a value are ignored and an empty value is the same as none. "
              "Text parameters must be UTF-8 (percent-encoded) and hold no NUL character; the "
              f"query string may be at most {SETTINGS.max_query_string} bytes long and a request carries "
              "no body.")
Q_DESCRIPTION = (
    "query: words (AND), \"phrases\", OR, NOT/-word, field:value ("
    + ", ".join(f.name for f in FACETS) + ", title, text), prefix*, fuzzy~, date:2023-05 or "
    "date:[2023-01 TO 2023-06]. Any string up to the length limit is accepted here, but the query language has "
    "a syntax and bounds (an unbalanced bracket, an unknown field, too many terms, a wildcard "
    "or fuzzy term that stands for too many words): such a query is answered 400 with the "
    "error's param 'q', a message in plain words and, where one exists, a query that would run "
    "in the error's fix.")

_NULLABLE_STRING = {"type": "string", "nullable": True}
_STRINGS = {"type": "array", "items": {"type": "string"}}


def _ref(kind: str, name: str) -> dict:
    return {"$ref": f"#/components/{kind}/{name}"}


def _param(name: str, description: str, schema: dict, repeat: bool = False) -> dict:
    """A query parameter; ``repeat`` for one that may be given several times (a filter)."""
    if repeat:   # its items are strings, and an empty string is one: no allowEmptyValue needed
        return {"name": name, "in": "query", "required": False, "description": description,
                "schema": {"type": "array", "items": schema}, "style": "form", "explode": True}
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema, "allowEmptyValue": True}    # an empty value is the same as none


def _search_params() -> list[dict]:
    """The parameters of a search (``/api/search``; ``/api/export`` takes them but paging)."""
    return [
        _param("q", Q_DESCRIPTION, {"type": "string", "maxLength": SETTINGS.max_query_chars}),
        *_facet_params(),
        _param("from", "published on or after this date (YYYY, YYYY-MM or YYYY-MM-DD); a date "
                       "that does not exist (2023-02-30) or one after 'to' is answered 400",
               {"type": "string", "pattern": DATE_PATTERN}),
        _param("to", "published on or before this date (YYYY, YYYY-MM or YYYY-MM-DD)",
               {"type": "string", "pattern": DATE_PATTERN}),
        _param("dated", "unknown: only articles without a publication date (400 with from/to); "
                        "yes: only those with one", {"type": "string", "enum": list(DATED)}),
        _param("sort", "relevance (default with a query), newest (default without), oldest",
               {"type": "string", "enum": list(SORTS)}),
        _param("page", "page number, from 1; a page past the last one, or past the depth "
                       "relevance ranking goes to, is answered 400",
               {"type": "integer", "minimum": 1, "maximum": SETTINGS.max_page, "default": 1}),
        _param("per_page", "hits per page", {"type": "integer", "minimum": 1,
                                             "maximum": SETTINGS.max_per_page,
                                             "default": SETTINGS.default_per_page}),
        _param("facet_size", "values per facet", {"type": "integer", "minimum": 0,
                                                  "maximum": SETTINGS.max_facet_size,
                                                  "default": SETTINGS.default_facet_size}),
        _param("facet_rank", "how each facet's values after the selected and excluded ones "
                             "are ordered: count (default): the most frequent first, ties by "
                             "frequency in the whole collection, then by value; distinctive: "
                             "the most typical of the results against the whole collection "
                             "first, by signed log-likelihood G² (each value then carries g2), "
                             "ties by count, collection frequency, value; values less common "
                             "in the results than in the collection have a negative G² and "
                             "come last. The same values are listed either way.",
               {"type": "string", "enum": list(FACET_RANKS), "default": "count"}),
        _param("variants", "on (default): a name in the query also finds its other spellings "
                           "(Kharkov: Kharkiv, Charkiw); off: only the spellings typed",
               {"type": "string", "enum": list(VARIANTS), "default": "on"}),
        _param("collapse", "story: one hit per story (copies of the same text republished), "
                           "its best-ranked copy, with copies and also_published_by; total, "
                           "pages and paging then count stories (unit: stories), facets still "
                           "count articles (each value's stories beside); absent: one hit per "
                           "article", {"type": "string", "enum": list(COLLAPSES)}),
    ]


def _facet_params() -> list[dict]:
    """Each facet's filter parameters: its values, the values left out, how values combine."""
    out = []
    for f in FACETS:
        label = f.label.lower()
        # No maxItems: blank values are ignored and do not count towards the limit.
        out += [
            _param(f.name, f"only articles with this {label} (several values: any of them, or "
                           f"all of them with {match_param(f.name)}=all); more than "
                           f"{SETTINGS.max_filter_values} values that are not blank are answered 400",
                   {"type": "string"}, repeat=True),
            _param(exclude_param(f.name), f"leave out the articles with this {label} "
                                          f"(repeatable); a value also given as {f.name} is "
                                          "answered 400", {"type": "string"}, repeat=True),
            _param(match_param(f.name), f"any (default): articles with any of the {f.name} "
                                        "values; all: articles with every one",
                   {"type": "string", "enum": list(MATCHES)}),
        ]
    return out


def _errors(*statuses: str) -> dict:
    return {status: _ref("responses", status) for status in statuses}


#: Every error the app itself answers, by status: all have the Error body.
ERROR_RESPONSES = {
    "400": "a parameter is invalid (unknown name, bad value, not UTF-8, a NUL, a query the "
           "query language refuses); the error's param names it",
    "404": "no such article, or no such facet",
    "413": "the request carries a body larger than the server accepts",
    "414": "the query string is too long",
    "503": "the server has no usable index to answer from",
}


def _schemas() -> dict:
    facet_value = {"type": "object", "required": ["value", "count", "selected", "excluded"],
                   "properties": {
                       "value": {"type": "string"},
                       "count": {"type": "integer", "minimum": 0,
                                 "description": "articles with this value among those the facet "
                                                "counts; for an excluded value, the articles its "
                                                "exclusion leaves out"},
                       "stories": {"type": "integer", "minimum": 0,
                                   "description": "distinct stories among the articles counted "
                                                  "in count (copies of one text count once)"},
                       "g2": {"type": "number", "nullable": True,
                              "description": "only with facet_rank=distinctive: Dunning's "
                                             "log-likelihood ratio G² of the value's count "
                                             "among the articles the facet counts against its "
                                             "articles in the whole collection (the 2 × 2 "
                                             "table in articles), rounded to 3 places; "
                                             "positive when the value is more common in those "
                                             "articles than in the rest of the collection, "
                                             "negative when less; above 3.84 significant at "
                                             "p < 0.05, above 10.83 at p < 0.001; null for an "
                                             "excluded value or one the index does not hold"},
                       "selected": {"type": "boolean"}, "excluded": {"type": "boolean"}}}
    facet_counts = {
        "label": {"type": "string"},
        "match": {"type": "string", "enum": list(MATCHES),
                  "description": "how the selected values combine: any of them or all of them"},
        "distinct": {"type": "integer", "nullable": True, "minimum": 0,
                     "description": "distinct values among the articles the facet counts "
                                    "(null: the facet was not counted in the request's time, "
                                    "see timed_out)"},
        "missing": {"type": "integer", "nullable": True, "minimum": 0,
                    "description": "articles the facet counts that have no value (null: not "
                                   "counted in time)"},
        "values": {"type": "array", "items": _ref("schemas", "FacetValue")}}
    facet = {"type": "object", "required": ["label", "match", "distinct", "missing", "more",
                                            "values"],
             "description": "the articles a facet counts are the results, except that a facet "
                            "whose selected values are 'any of' ignores its own selection; the "
                            "selected, then the excluded values come first, then the rest by "
                            "count, ties by frequency in the whole collection, then by value "
                            "(with facet_rank=distinctive: by g2, highest first)",
             "properties": {**facet_counts, "more": {"type": "integer", "nullable": True, "minimum": 0,
                                                     "description": "distinct values not listed "
                                                                    "(null: not counted in time)"}}}
    value_list = {"type": "object", "required": ["name", "label", "match", "distinct", "missing",
                                                 "prefix", "contains", "total", "page",
                                                 "per_page", "pages", "values"],
                  "properties": {**facet_counts, "name": {"type": "string"},
                                 "prefix": {"type": "string"}, "contains": {"type": "string"},
                                 "total": {"type": "integer", "minimum": 0,
                                           "description": "values that pass prefix and contains"},
                                 "page": {"type": "integer", "minimum": 1},
                                 "per_page": {"type": "integer", "minimum": 1},
                                 "pages": {"type": "integer", "minimum": 1}}}
    date_bucket = {"type": "object", "required": ["value", "count", "selected"], "properties": {
        "value": {"type": "string", "description": "YYYY, YYYY-MM, YYYY-MM-DD or unknown"},
        "count": {"type": "integer", "minimum": 0}, "selected": {"type": "boolean"}}}
    brief = {"type": "object", "required": ["id", "title", "outlet", "published"], "properties": {
        "id": {"type": "string"}, "title": _NULLABLE_STRING, "outlet": _NULLABLE_STRING,
        "source_outlet": _NULLABLE_STRING, "published": _NULLABLE_STRING,
        "url": _NULLABLE_STRING, "score": {"type": "number"}}}
    mention = {"type": "object", "required": ["type", "name", "start", "end"], "properties": {
        "type": {"type": "string"}, "name": {"type": "string"}, "text": {"type": "string"},
        "start": {"type": "integer"}, "end": {"type": "integer"},
        "field": {"type": "string", "enum": ["text", "title", "dateline"],
                  "description": "where start and end point: the text, the title, or the dateline line the reader took from the header (not itself a field)"}}}
    record = {
        "id": {"type": "string", "description": "a content hash, stable across rebuilds"},
        "path": {"type": "string", "description": "the file it was found in (the first)"},
        "paths": {**_STRINGS, "description": "every file the same content was found in"},
        "url": _NULLABLE_STRING, "title": _NULLABLE_STRING, "text": {"type": "string"},
        "outlet": _NULLABLE_STRING, "source_outlet": _NULLABLE_STRING, "authors": _STRINGS,
        "published": {**_NULLABLE_STRING, "description": "ISO date (YYYY-MM-DD)"},
        "date_source": {**_NULLABLE_STRING, "description": "metadata, byline or text"},
        "mentioned_dates": {"type": "array"}, "places": _STRINGS, "people": _STRINGS,
        "organizations": _STRINGS, "mentions": {"type": "array", "items": _ref("schemas", "Mention")},
        "language": _NULLABLE_STRING, "word_count": {"type": "integer", "minimum": 0},
        "story": {"type": "string", "description": "the story of the article: the copies of "
                  "one text republished (another header or footer, a paragraph cut, another "
                  "title) share it; the smallest article id among them (an article with no "
                  "copy: its own id)"},
        "story_size": {"type": "integer", "minimum": 1,
                       "description": "articles in the story (1: no copy)"},
        "first_copy": {"type": "string", "description": "id of the story's earliest published "
                       "copy: earliest known date; same date, or no copy dated, the smallest "
                       "id (undated copies after dated ones)"},
        "story_outlets": {**_STRINGS, "description": "the outlets of the story's copies, "
                          "sorted"},
    }
    hit = {"type": "object", "properties": {
        **{name: record[name] for name in ("id", "title", *HIT_FIELDS, "story", "story_size")},
        "score": {"type": "number", "nullable": True},
        "highlights": {"type": "object", "required": ["title", "text"], "properties": {
            "title": {"type": "string"}, "text": _STRINGS}}}}
    hit["required"] = list(hit["properties"])
    hit["properties"].update({
        "copies": {"type": "integer", "minimum": 1, "description": "with collapse=story: the "
                   "story's articles among the results, this one included"},
        "also_published_by": {**_STRINGS, "description": "with collapse=story: the outlets "
                              "of the story's other articles among the results, other than "
                              "this hit's outlet"}})
    article = {"type": "object", "required": [*RECORD_FIELDS, "highlights", "similar", "copies",
                                              "timed_out"],
               "properties": {
                   **record,
                   "highlights": {"type": "object", "required": ["title", "text"], "properties": {
                       "title": {"type": "string"}, "text": {"type": "string"}},
                       "description": "title and text, escaped HTML with the query's words "
                                      "in <mark>"},
                   "similar": {"type": "array", "items": _ref("schemas", "ArticleBrief"),
                               "description": "articles most like it that are not copies"},
                   "copies": {"type": "array", "items": _ref("schemas", "ArticleBrief"),
                              "description": "the other articles of its story (the same text "
                                             "republished), earliest published first (undated "
                                             "last, ties by id)"},
                   "timed_out": {**_STRINGS, "description": "parts cut short by the server's "
                                 "time budget ('similar articles'), else empty"}}}
    node = {"type": "object", "description": (
        "one node of the parsed query. An operator: {op: and|or|not|and_maybe, children: "
        "[nodes]}. A word: {term: the index word (stemmed, lower case), field, variants: [the "
        "word and each other spelling searched with it]}. A phrase: {phrase: [words], field, "
        "slop}. A prefix, wildcard or fuzzy term: {prefix|wildcard|fuzzy: text, field, "
        "distance (fuzzy), typed, expanded_to: [the first 20 index words it stands for], "
        "expansions: how many}. A field value: {field, value: as typed, matches: [the index "
        "values it matched; empty: none, so the clause matches nothing]}. A range: {range: "
        "{from, to}, field}. A date clause: {date: {from, to}} (ISO dates, null: open). "
        "{nothing: true}: a part with no searchable words. Any node may carry boost. field is "
        "'any' for the default fields (title, text and the spellings of the names an article "
        "mentions), else the field name the query uses (title, text, outlet, place, ...)."),
        "additionalProperties": True}
    interpretation = {
        "type": "object", "required": ["tree", "variants", "normalisations", "filters",
                                       "warnings"],
        "description": "what the search was understood as",
        "properties": {
            "tree": {**node, "nullable": True,
                     "description": "the parsed query as a tree (null: no query, everything "
                                    "matches). " + node["description"]},
            "variants": {"type": "object", "additionalProperties": _STRINGS,
                         "description": "index word -> the other spellings searched with it "
                                        "(empty with variants=off)"},
            "normalisations": {**_STRINGS, "description": "what the parser did to the text, "
                               "in plain words (curly quotes read as straight quotes, very "
                               "common words left out, -word read as NOT word, ...)"},
            "filters": {"type": "object", "description": "each filter parameter -> {value as "
                        "given: [the index values it matched]}; from, to and dated as given"},
            "warnings": {**_STRINGS, "description": "the same list as the response's warnings"}}}
    search = {"type": "object", "required": ["query", "interpretation", "total",
                                             "total_stories", "unit", "page",
                                             "per_page", "pages", "took_ms", "hits", "facets",
                                             "suggestion", "warnings", "timed_out", "next"],
              "properties": {
                  "query": {"type": "object", "description": "the request as understood"},
                  "interpretation": interpretation,
                  "timed_out": {**_STRINGS, "description": "the parts of the search cut short "
                                "by the server's time budget (e.g. suggestion, 'expansion of "
                                "brown~', 'phrase \"oil price\"'): the response holds what was "
                                "computed in time; empty when nothing was cut"},
                  "total": {"type": "integer", "minimum": 0,
                            "description": "the results, in the unit that unit names"},
                  "total_stories": {"type": "integer", "minimum": 0,
                                    "description": "distinct stories among the results"},
                  "unit": {"type": "string", "enum": ["articles", "stories"],
                           "description": "what total, pages and hits count: stories with "
                                          "collapse=story, else articles"},
                  "page": {"type": "integer", "minimum": 1},
                  "per_page": {"type": "integer", "minimum": 1},
                  "pages": {"type": "integer", "minimum": 1},
                  "took_ms": {"type": "integer", "minimum": 0},
                  "hits": {"type": "array", "items": _ref("schemas", "Hit")},
                  "facets": {"type": "object", "properties": {
                      **{f.name: _ref("schemas", "Facet") for f in FACETS},
                      "published": {"type": "array", "items": _ref("schemas", "DateBucket"),
                                    "description": "the publication-date histogram"}}},
                  "suggestion": _NULLABLE_STRING,
                  "warnings": _STRINGS,
                  "relaxations": {"type": "array", "description": "with no hits: how many "
                                  "results the search would have without each filter value",
                                  "items": {"type": "object",
                                            "required": ["param", "value", "total"],
                                            "properties": {"param": {"type": "string"},
                                                           "value": {"type": "string"},
                                                           "total": {"type": "integer"}}}},
                  "next": {**_NULLABLE_STRING,
                           "description": "query string of the next page, or null"}}}
    error = {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["type", "message", "param", "fix"], "properties": {
            "type": {"type": "string"}, "message": {"type": "string"},
            "param": {**_NULLABLE_STRING, "description": "the parameter at fault, if one is"},
            "fix": {**_NULLABLE_STRING, "description": "for a query the query language refuses: "
                    "a query that would run instead (its words as plain text, say), else null"}}}}}
    return {**_compare_schemas(), "Differences": _differences_schema(), "Error": error, "SearchResponse": search, "Hit": hit, "Facet": facet,
            "FacetValue": facet_value, "FacetValueList": value_list, "DateBucket": date_bucket,
            "Article": article, "ArticleBrief": brief, "Mention": mention}


def _differences_schema() -> dict:
    """The schema of ``/api/articles/{id}/differences/{other_id}`` (``search/differences.py``)."""
    number = {"type": "integer", "minimum": 0}
    number_or_null = {"type": "integer", "minimum": 1, "nullable": True}
    sides = {"type": "object", "required": ["article", "other"],
             "properties": {"article": number, "other": number}}
    part = {"type": "object", "required": ["kind", "count", "article", "other", "after", "text"],
            "properties": {
                "kind": {"type": "string", "enum": ["common", "removed", "added"],
                         "description": "common: a run of paragraphs in both; removed: a "
                                        "paragraph only in this article; added: one only in "
                                        "the other"},
                "count": {"type": "integer", "minimum": 1,
                          "description": "paragraphs in the part (1 unless common)"},
                "article": {**number_or_null, "description": "number (from 1) of the part's "
                            "(first) paragraph in this article; null for added"},
                "other": {**number_or_null, "description": "number (from 1) of the part's "
                          "(first) paragraph in the other article; null for removed"},
                "after": {**number, "description": "number of this article's paragraph just "
                          "before the part (0: at the start)"},
                "text": {**_NULLABLE_STRING, "description": "the paragraph, whitespace "
                         "normalised; null for common (not repeated)"}}}
    return {"type": "object",
            "required": ["article", "other", "same_story", "common", "removed", "added",
                         "parts", "paragraphs", "compared", "limited"],
            "properties": {
                "article": _ref("schemas", "ArticleBrief"),
                "other": _ref("schemas", "ArticleBrief"),
                "same_story": {"type": "boolean",
                               "description": "whether the two are copies of one story"},
                "common": {**number, "description": "paragraphs in both"},
                "removed": {**number, "description": "paragraphs only in this article"},
                "added": {**number, "description": "paragraphs only in the other"},
                "parts": {"type": "array", "items": part,
                          "description": "the paragraphs in reading order, runs of common "
                                         "ones counted, not repeated"},
                "paragraphs": {**sides, "description": "each article's paragraphs (lines)"},
                "compared": {**sides, "description": "each article's paragraphs compared"},
                "limited": {"type": "boolean", "description": "true when an article has more "
                            f"than {SETTINGS.max_diff_paragraphs:,} paragraphs or "
                            f"{SETTINGS.max_diff_chars:,} characters: only its first ones "
                            "were compared"}}}


def _compare_schemas() -> dict:
    """The schemas of ``/api/compare``'s answer (see ``search/compare.py``)."""
    number, integer = {"type": "number", "nullable": True}, {"type": "integer"}
    params = {"type": "array", "nullable": True, "items": {"type": "array", "items": {"type": "string"}},
              "description": "the search this stands for, as query-string pairs; null for the "
                             "articles without an outlet (no search selects them)"}
    series = {"type": "object", "required": ["counts", "denominators", "attention", "undated",
                                             "stories", "story_denominators", "story_attention",
                                             "undated_stories"],
              "properties": {
                  "value": {**_NULLABLE_STRING, "description": "the outlet or value; null: "
                            "the articles without an outlet"},
                  "counts": {"type": "array", "items": integer,
                             "description": "matching articles per bucket of 'buckets'"},
                  "denominators": {"type": "array", "items": integer,
                                   "description": "the attention's denominator per bucket"},
                  "attention": {"type": "array", "items": number,
                                "description": "counts / denominators (null where 0)"},
                  "undated": {**integer, "description": "matching articles without a date: "
                              "counted beside the buckets, never one of them"},
                  "stories": {"type": "array", "items": integer,
                              "description": "matching stories per bucket (a story's copies "
                                             "in one bucket count once)"},
                  "story_denominators": {"type": "array", "items": integer,
                                         "description": "the story attention's denominator "
                                                        "per bucket"},
                  "story_attention": {"type": "array", "items": number,
                                      "description": "stories / story_denominators"},
                  "undated_stories": {**integer, "description": "the stories of the matching "
                                      "articles without a date"}}}
    compare = {"type": "object", "required": ["query", "by", "field", "rank", "total",
                                               "total_stories", "outlets",
                                               "outlets_more", "measures", "rows", "columns",
                                               "cells", "spellings", "timelines"],
               "properties": {
                   "query": {"type": "object"}, "by": {"type": "string"},
                   "rank": {"type": "string", "enum": list(comparison.RANKS)},
                   "field": {"type": "string"}, "total": integer,
                   "total_stories": {**integer, "description": "distinct stories among the "
                                     "matches (a story's copies count once)"},
                   "outlets": {**integer, "description": "outlets among the matches"},
                   "outlets_more": {**integer, "description": "outlets not listed as rows"},
                   "measures": {"type": "object", "additionalProperties": {"type": "string"},
                                "description": "each cell measure and its denominator in words"},
                   "rows": {"type": "array", "items": {
                       "type": "object", "required": ["value", "matches", "period", "attention",
                                                      "stories", "period_stories",
                                                      "story_attention", "params"],
                       "properties": {"value": _NULLABLE_STRING, "matches": integer,
                                      "period": {**integer, "description": "the outlet's "
                                                 "articles in the search's date period"},
                                      "attention": number,
                                      "stories": {**integer, "description": "the outlet's "
                                                  "matching stories"},
                                      "period_stories": {**integer, "description": "the "
                                                         "outlet's stories in the period"},
                                      "story_attention": number, "params": params}}},
                   "columns": {"type": "array", "items": {
                       "type": "object", "required": ["value", "count", "stories", "collection",
                                                      "g2", "outlets", "one_outlet"],
                       "properties": {"value": {"type": "string"}, "count": integer,
                                      "stories": integer,
                                      "collection": {**integer, "description": "articles of "
                                                     "the whole collection naming it"},
                                      "g2": {"type": "number", "description": "signed "
                                             "log-likelihood G² of the value in the matches "
                                             "against the other articles"},
                                      "outlets": integer, "one_outlet": {"type": "boolean"}}}},
                   "cells": {"type": "array", "description": "cells[row][column]",
                             "items": {"type": "array", "items": {
                                 "type": "object",
                                 "required": ["count", "share", "attention", "stories",
                                              "story_share", "story_attention", "params"],
                                 "properties": {"count": integer, "share": number,
                                                "attention": number, "stories": integer,
                                                "story_share": number,
                                                "story_attention": number,
                                                "params": params}}}},
                   "spellings": {"type": "object", "required": ["reads_per_cell", "values"],
                                 "properties": {
                                     "reads_per_cell": integer,
                                     "values": {"type": "array", "items": {
                                         "type": "object",
                                         "required": ["value", "forms", "outlets"],
                                         "properties": {
                                             "value": {"type": "string"}, "forms": _STRINGS,
                                             "outlets": {"type": "array", "items": {
                                                 "type": "object",
                                                 "required": ["outlet", "articles", "read", "forms"],
                                                 "properties": {
                                                     "outlet": _NULLABLE_STRING,
                                                     "articles": integer, "read": integer,
                                                     "forms": {"type": "array", "items": {
                                                         "type": "object",
                                                         "required": ["form", "count"],
                                                         "properties": {
                                                             "form": {"type": "string"},
                                                             "count": integer}}}}}}}}}}},
                   "timelines": {"type": "object",
                                 "required": ["unit", "buckets", "total", "denominators",
                                              "by_outlet", "by_value"],
                                 "properties": {
                                     "unit": {"type": "string", "enum": ["year", "month", "day"]},
                                     "buckets": _STRINGS, "total": _ref("schemas", "Series"),
                                     "denominators": {"type": "object"},
                                     "by_outlet": {"type": "array",
                                                   "items": _ref("schemas", "Series")},
                                     "by_value": {"type": "array",
                                                  "items": _ref("schemas", "Series")}}}}}
    return {"CompareResponse": compare, "Series": series}


def _json(schema_name: str, description: str, **extra) -> dict:
    return {"description": description, **extra,
            "content": {"application/json": {"schema": _ref("schemas", schema_name)}}}


def openapi_document() -> dict:
    """The OpenAPI 3 description of the JSON endpoints."""
    params = _search_params()
    export_params = [p for p in params
                     if p["name"] not in ("page", "per_page", "facet_size", "facet_rank")]
    switch = {"type": "string", "enum": ["0", "1"]}
    export_params += [
        _param("format", "csv (default) or jsonl", {"type": "string", "enum": ["csv", "jsonl"]}),
        _param("bom", "1: start the CSV with a UTF-8 byte-order mark, so that spreadsheets "
                      "(Excel) read it as UTF-8; with format=jsonl it is answered 400", switch),
        _param("paths", "1: include path and paths, the files on the server each article was "
                        "read from; left out otherwise", switch),
    ]
    compare_params = [p for p in params if p["name"] not in ("page", "per_page", "facet_size",
                                                           "facet_rank")]
    compare_params += [
        _param("by", "what the rows are: outlet (the only choice now)",
               {"type": "string", "enum": list(comparison.BY), "default": "outlet"}),
        _param("field", "what the columns are: the most named values of this facet",
               {"type": "string", "enum": comparison.fields_for("outlet"), "default": "place"}),
        _param("size", "columns", {"type": "integer", "minimum": 1, "maximum": comparison.MAX_SIZE,
                                   "default": comparison.DEFAULT_SIZE}),
        _param("rows", "outlets (the most matches first); the articles without an outlet are "
                       "a row of their own", {"type": "integer", "minimum": 1,
                                              "maximum": comparison.MAX_ROWS,
                                              "default": comparison.DEFAULT_ROWS}),
        _param("rank", "count (default): the most named values are the columns; distinctive: "
                       "the values most typical of the matches against the whole collection "
                       "(signed log-likelihood G²); when absent, the search's facet_rank",
               {"type": "string", "enum": list(comparison.RANKS), "default": "count"}),
        _param("format", "json (default) or csv", {"type": "string", "enum": ["json", "csv"]}),
    ]
    link = {"Link": {"description": 'the next page, as a relative reference: '
                                    '</api/search?...>; rel="next"',
                     "schema": {"type": "string"}}}
    disposition = {"Content-Disposition": {"required": True, "description": "an attachment whose file name says what was searched, in a plain "
                           "ASCII filename and an RFC 5987 filename* (UTF-8)",
                                           "schema": {"type": "string"}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "newsfacet API", "version": "1",
                 "description": "Search a news collection: ranked, highlighted hits with facets. "
                                "Every operation is a GET; any other method is answered 405 "
                                "with an Allow header. " + TEXT_RULES},
        "paths": {
            "/api/search": {"get": {
                "summary": "Search articles", "operationId": "search", "parameters": params,
                "responses": {
                    "200": _json("SearchResponse", "the results; a Link rel=next header when "
                                 "there is a next page", headers=link, links={"article": {
                                     "operationId": "article",
                                     "description": "the first hit's article",
                                     "parameters": {"id": "$response.body#/hits/0/id"}}}),
                    **_errors("400", "413", "414", "503")}}},
            "/api/facets/{name}": {"get": {
                "summary": "Every value of one facet for a search, filtered and paged",
                "operationId": "facetValues",
                "parameters": [
                    {"name": "name", "in": "path", "required": True,
                     "schema": {"type": "string", "enum": [f.name for f in FACETS]},
                     "description": "the facet; any other name is answered 404"},
                    *[p for p in params if p["name"] not in ("page", "per_page")],
                    _param("prefix", "only values that start with this text (letter case and "
                                     "accents ignored)",
                           {"type": "string", "maxLength": SETTINGS.max_filter_chars}),
                    _param("contains", "only values that hold this text (letter case and accents "
                                       "ignored)", {"type": "string", "maxLength": SETTINGS.max_filter_chars}),
                    _param("page", "page of values, from 1; a page past the last is answered 400",
                           {"type": "integer", "minimum": 1, "maximum": SETTINGS.max_page, "default": 1}),
                    _param("per_page", "values per page",
                           {"type": "integer", "minimum": 1, "maximum": SETTINGS.max_list_per_page,
                            "default": SETTINGS.default_list_per_page})],
                "responses": {
                    "200": _json("FacetValueList", "one page of the facet's values, in the "
                                                   "order of the search's facets"),
                    **_errors("400", "404", "413", "414", "503")}}},
            "/api/articles/{id}": {"get": {
                "summary": "One article with similar articles and copies of the same text",
                "operationId": "article",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"},
                     "description": "the article's id, as in a search hit"},
                    _param("q", "a query whose words are marked in the highlights (the same "
                                "language, limit and 400s as the search's q)",
                           {"type": "string", "maxLength": SETTINGS.max_query_chars})],
                "responses": {
                    "200": _json("Article", "the article record plus highlights, copies "
                                            "and similar", links={"differences": {
                                                "operationId": "articleDifferences",
                                                "description": "what differs from a similar "
                                                               "article (or from a copy: "
                                                               "copies/0/id)",
                                                "parameters": {
                                                    "id": "$response.body#/id",
                                                    "other_id": "$response.body#/similar/0/id"}}}),
                    **_errors("400", "404", "413", "414", "503")}}},
            "/api/articles/{id}/differences/{other_id}": {"get": {
                "summary": "What differs between two articles: the paragraphs only in one of "
                           "them (a copy's cuts and additions), and those in both counted",
                "operationId": "articleDifferences",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"},
                     "description": "this article's id, as in a search hit"},
                    {"name": "other_id", "in": "path", "required": True,
                     "schema": {"type": "string"},
                     "description": "the id of the article to compare it with (any other "
                                    "article, usually one of its copies); its own id is "
                                    "answered 400"}],
                "responses": {
                    "200": _json("Differences", "the two articles' briefs, whether they are "
                                                "one story, and their paragraphs compared"),
                    **_errors("400", "404", "413", "414", "503")}}},
            "/api/export": {"get": {
                "summary": "The whole result set (every filter applied, no row cap), streamed",
                "operationId": "export", "parameters": export_params,
                "responses": {
                    "200": {"description": "one row (CSV, with a header row) or JSON record "
                                           "(JSONL) per article, with the export record's "
                                           "fields: " + ", ".join(RECORD_FIELDS) + " (path "
                                           "and paths only with paths=1). A CSV cell longer "
                                           "than 32,767 characters (a spreadsheet's limit) is "
                                           "cut, ending in ' …[cut: N characters]'.",
                            "headers": disposition,
                            "content": {"text/csv": {"schema": {"type": "string"}},
                                        "application/x-ndjson": {"schema": {"type": "string"}}}},
                    **_errors("400", "413", "414", "503")}}},
            "/api/compare": {"get": {
                "summary": "Outlets against the most named values of a field for a search: "
                           "counts, shares, attention, spellings and timelines",
                "operationId": "compare", "parameters": compare_params,
                "responses": {
                    "200": {"description": "the comparison as JSON, or with format=csv one row "
                                           "per outlet × value cell and per timeline bucket, "
                                           "the denominators named in the header",
                            "content": {"application/json": {
                                "schema": _ref("schemas", "CompareResponse")},
                                "text/csv": {"schema": {"type": "string"}}}},
                    **_errors("400", "413", "414", "503")}}},
            "/api/openapi.json": {"get": {
                "summary": "This document", "operationId": "openapi",
                "responses": {
                    "200": {"description": "OpenAPI 3",
                            "content": {"application/json": {"schema": {"type": "object"}}}},
                    **_errors("400", "413", "414")}}},
        },
        "components": {
            "schemas": _schemas(),
            "responses": {status: _json("Error", description)
                          for status, description in ERROR_RESPONSES.items()},
        },
    }
