"""The query engine: one ``SearchRequest`` in, one plain-data response out.

Every front end (web pages, ``/api/search``, ``newsfacet search``) calls ``Engine.search``,
so they cannot disagree. The engine opens the index once, keeps one searcher and one set of
value columns per index generation (``generation.py``: a new generation written by
``newsfacet index`` is picked up on the next request, and each request keeps the generation it
started on), matches with numpy masks, ranks with Whoosh's BM25F, counts facets over the whole
result set from the value columns, and highlights only the shown page. The same content found
at several paths is one article (one hit, every path in its record).
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
from functools import partial
from pathlib import Path
from typing import Iterator
from urllib.parse import urlencode

import numpy as np
from whoosh import index as windex
from whoosh import query as wq

from . import compare as comparison
from . import compare_columns
from . import differences
from . import facet_values
from .budget import Budget
from .facet_registry import BY_NAME, FACETS, exclude_param
from .facet_values import Counted, ValueListRequest
from .facets import UNKNOWN
from .generation import Generation, Generations
from .highlight import Highlighter, query_words
from .indexer import check_index, damaged
from .interpretation import interpretation
from .query import canonical_names, evaluate, parse_query, plain_words, unknown_value
from .model import RECORD_FIELDS
from .parallel import run_shared
from .request import SearchError, SearchRequest, parse_date_bound, query_text
from .schema import to_article
from .settings import SETTINGS
from .significance import counted_g2

SIMILAR = 5
#: The record fields each hit carries: every facet's, the date's and the URL.
HIT_FIELDS = (*(f.field for f in FACETS), "published", "date_source", "url")
#: The home page's lists: (overview key, facet, how many values).
OVERVIEW_LISTS = (("outlets", "outlet", 50), ("places", "place", 10), ("people", "person", 10),
                  ("organizations", "org", 10))


class _Selection:
    """What a request selects: the parsed query and the masks that answer it."""

    def __init__(self, gen: Generation, req: SearchRequest, budget: Budget | None = None):
        self.gen, self.req = gen, req
        cols = gen.columns
        self.parsed = parse_query(req.q, gen.searcher, cols, req.variants, budget)
        query = self.parsed.query
        if query is not None:
            try:
                self.matched, self.scores = evaluate(query, gen.searcher, cols, budget)
            except SearchError as exc:   # a phrase too much work to check: offer its words
                exc.fix = exc.fix or plain_words(req.q) or None
                raise
        else:
            self.matched, self.scores = cols.live.copy(), None
        for start, stop in self.parsed.dates:
            self.matched &= cols.dates.between(start, stop)
        self.warnings = list(self.parsed.warnings)
        #: filter -> typed value -> the index values it stands for, selected and left out
        self.resolved = {name: self._resolve(name, values) for name, values in req.filters.items()}
        self.left_out = {name: self._resolve(name, values) for name, values in req.exclude.items()}
        self.selected = {name: _flat(typed.values()) for name, typed in self.resolved.items()}
        self.excluded = {name: _flat(typed.values()) for name, typed in self.left_out.items()}
        self.select_masks = {name: self._select_mask(name, list(typed.values()))
                             for name, typed in self.resolved.items()}
        self.exclude_masks = {name: self._any_mask(name, values)
                              for name, values in self.excluded.items()}
        self.filter_masks: dict[str, np.ndarray] = {}
        for name in dict.fromkeys([*self.select_masks, *self.exclude_masks]):
            mask = self.select_masks.get(name)
            mask = mask.copy() if mask is not None else np.ones(cols.size, dtype=bool)
            if name in self.exclude_masks:
                mask &= ~self.exclude_masks[name]
            self.filter_masks[name] = mask
        self.date_mask = self._date_mask(req.date_from, req.date_to, req.dated)
        self.final = self.without(None)

    def _resolve(self, name: str, typed: list[str]) -> dict[str, list[str]]:
        return resolve_values(self.gen.columns.fields, name, typed, self.warnings)

    def _any_mask(self, name: str, values: list[str]) -> np.ndarray:
        """The articles holding any of a facet's index values."""
        cols = self.gen.columns
        column = cols.fields.get(name)
        return column.docs_with(values, cols.size) if column else np.zeros(cols.size, dtype=bool)

    def _select_mask(self, name: str, groups: list[list[str]]) -> np.ndarray:
        """The articles a facet's selected values keep: those with any of the values, or with
        ``<name>_match=all`` those with every one (each typed value: any of its spellings)."""
        if self.req.match.get(name) != "all":
            return self._any_mask(name, _flat(groups))
        mask = np.ones(self.gen.columns.size, dtype=bool)
        for group in groups:
            mask &= self._any_mask(name, group)
        return mask

    def _date_mask(self, date_from, date_to, dated) -> np.ndarray | None:
        dates = self.gen.columns.dates
        if date_from or date_to:
            return dates.between(parse_date_bound(date_from, "from", False) if date_from else None,
                                 parse_date_bound(date_to, "to", True) if date_to else None)
        if dated:
            return dates.known.copy() if dated == "yes" else ~dates.known
        return None

    def without(self, facet: str | None) -> np.ndarray:
        """The matching documents, ignoring the filter of one facet (None: all filters)."""
        return self._combine(facet, self.date_mask)

    def _combine(self, facet: str | None, date_mask: np.ndarray | None) -> np.ndarray:
        mask = self.matched.copy()
        for name, m in self.filter_masks.items():
            if name != facet:
                mask &= m
        if date_mask is not None:
            mask &= date_mask
        return mask

    def counted(self, name: str) -> Counted:
        """Facet ``name`` counted over the articles it counts (see ``Counted``)."""
        cols = self.gen.columns
        column = cols.fields[name]
        if name in self.filter_masks:
            base = self.without(name)
            if self.req.match.get(name) == "all" and name in self.select_masks:
                base &= self.select_masks[name]
            mask = base & ~self.exclude_masks[name] if name in self.exclude_masks else base
        else:
            base = mask = self.final
        left_masks = {v: base & column.docs_with([v], cols.size) for v in self.excluded.get(name, [])}
        counts = cols.counts(name, mask)
        return Counted(counts=counts,
                       missing=int(np.count_nonzero(mask & ~column.has_value)),
                       match=self.req.match.get(name, "any"), selected=self.selected.get(name, []),
                       excluded=self.excluded.get(name, []),
                       left_out={v: int(np.count_nonzero(m)) for v, m in left_masks.items()},
                       stories=partial(column.story_counts, mask, cols.stories, counts),
                       left_out_stories={v: cols.stories.distinct(m) for v, m in left_masks.items()},
                       g2=(counted_g2(counts, column.frequency, int(mask.sum()), int(cols.live.sum()))
                           if self.req.facet_rank == "distinctive" else None))

    def relaxations(self) -> list[dict]:
        """For each filter value given, how many results the search has without that value
        (``param``, ``value``, ``total``): what to offer when a search finds nothing."""
        out = []
        for name, typed in self.resolved.items():
            rest = self.without(name)
            if name in self.exclude_masks:
                rest &= ~self.exclude_masks[name]
            for value in typed:
                others = [found for v, found in typed.items() if v != value]
                mask = rest & self._select_mask(name, others) if others else rest
                out.append({"param": name, "value": value, "total": int(mask.sum())})
        for name, typed in self.left_out.items():
            rest = self.without(name)
            if name in self.select_masks:
                rest &= self.select_masks[name]
            for value in typed:
                others = _flat(found for v, found in typed.items() if v != value)
                mask = rest & ~self._any_mask(name, others) if others else rest
                out.append({"param": exclude_param(name), "value": value,
                            "total": int(mask.sum())})
        req = self.req
        for param, value in (("from", req.date_from), ("to", req.date_to), ("dated", req.dated)):
            if value:
                bounds = {"from": req.date_from, "to": req.date_to, "dated": req.dated, param: None}
                mask = self._combine(None, self._date_mask(bounds["from"], bounds["to"],
                                                           bounds["dated"]))
                out.append({"param": param, "value": value, "total": int(mask.sum())})
        return out

    def total(self) -> int:
        """How many results the request has, in its unit: stories under ``collapse=story``,
        else articles."""
        if self.req.collapse == "story":
            return self.gen.columns.stories.distinct(self.final)
        return int(self.final.sum())

    def hits(self, limit: int | None) -> np.ndarray:
        """The document numbers of the first ``limit`` hits (None: all) in the request's
        order; with ``collapse=story``, the best-ranked article of each story only."""
        ids = np.flatnonzero(self.final)
        if self.req.collapse == "story":
            ids = ids[self._order(ids, None)]
            stories = self.gen.columns.stories.of[ids]
            _, first = np.unique(stories, return_index=True)
            return ids[np.sort(first)][:limit]       # each story's first in rank order
        return ids[self._order(ids, limit)]

    def ranked(self, limit: int | None) -> list[tuple[int, float | None]]:
        """(docnum, score) of the first ``limit`` hits (``hits``); the score is None unless
        the request is sorted by relevance."""
        ids = self.hits(limit)
        if self.scores is None or self.req.sort != "relevance":
            return [(int(d), None) for d in ids]
        return [(int(d), float(self.scores[d])) for d in ids]

    def _order(self, ids: np.ndarray, limit: int | None) -> np.ndarray:
        """Positions in ``ids`` of its first ``limit`` documents (None: all) in the request's
        order (ties: index order)."""
        if self.req.sort == "relevance" and self.scores is not None:
            scores = self.scores[ids]
            part = np.arange(len(ids))
            if limit is not None and limit < len(ids):   # all tied with the limit-th, then cut
                kth = np.partition(scores, len(ids) - limit)[len(ids) - limit]
                part = np.flatnonzero(scores >= kth)
            return part[np.lexsort((ids[part], -scores[part]))][:limit]
        days = self.gen.columns.dates.days[ids].astype(np.int64)
        if self.req.sort != "oldest":             # newest, or relevance with nothing to score
            key = -days                           # unknown (-1) sorts after every real day
        else:
            key = np.where(days == UNKNOWN, np.iinfo(np.int32).max, days)
        key = (key << 32) + ids                   # ties: index order
        if limit is not None and limit < len(ids):
            part = np.argpartition(key, limit - 1)[:limit]
            return part[np.argsort(key[part])]
        return np.argsort(key)


class Engine:
    """Answers searches and article look-ups on one newsfacet index directory."""

    def __init__(self, index_dir: str | Path, time_budget_ms: float | None = SETTINGS.time_budget_ms):
        """Open the index in ``index_dir``; ``IndexError_`` says why it cannot be used and
        what to do (no folder, not an index, another version, damaged files).

        ``time_budget_ms``: the time each request may spend on the parts of a search that can
        grow expensive (None: no limit); parts cut short are listed in ``timed_out``."""
        self.time_budget_ms = time_budget_ms
        path = Path(index_dir)
        check_index(path)
        # load the alias tables while the generation opens (``_budget`` waits for them)
        self._aliases = threading.Thread(target=canonical_names, args=("warm up",),
                                         name="newsfacet-aliases", daemon=True)
        self._aliases.start()
        try:
            self._ix = windex.open_dir(str(path))
            self._generations = Generations(self._ix)
        except Exception as exc:   # a garbled, cut or missing file: Whoosh raises many kinds
            raise damaged(path, exc) from None
        self.path = path

    def _budget(self) -> Budget:
        """A request's time budget, started once the alias tables are loaded: waiting for
        them is the opening's work, not the request's (a first request would otherwise find
        its time spent before it began)."""
        self._aliases.join()
        return Budget(self.time_budget_ms)

    def generation(self):
        """``with engine.generation() as gen:`` the current generation (its searcher and value
        columns), held open for the block: for benchmarks and tests that look below a response."""
        return self._generations.use()

    def search(self, req: SearchRequest) -> dict:
        """The JSON response to a search (see the README's API section)."""
        with self._generations.use() as gen:
            return self._search(gen, req)

    def _search(self, gen: Generation, req: SearchRequest) -> dict:
        started = time.perf_counter()
        budget = self._budget()
        sel = _Selection(gen, req, budget)
        total = sel.total()
        total_stories = total if req.collapse == "story" else gen.columns.stories.distinct(sel.final)
        pages = max(1, math.ceil(total / req.per_page))
        if req.page > pages:
            raise SearchError(f"page {req.page} is past the last page ({pages}) of {total} "
                              "results", "page", type="page_out_of_range")
        window = req.page * req.per_page
        check_window(req, sel.parsed)
        ranked = sel.ranked(window)[(req.page - 1) * req.per_page:]
        highlighter = Highlighter(gen.searcher.schema,
                                  query_words(sel.parsed.query, gen.columns, budget))
        hits, facets = self._hits_and_facets(gen, sel, ranked, highlighter, budget)
        if req.collapse == "story":
            for hit, (docnum, _) in zip(hits, ranked):
                hit.update(_collapsed(gen, sel.final, docnum))
        response = {
            "query": req.echo(),
            "interpretation": interpretation(sel.parsed, gen.columns, req, sel.resolved,
                                             sel.warnings, budget),
            "total": total, "total_stories": total_stories,
            "unit": "stories" if req.collapse == "story" else "articles", "page": req.page, "per_page": req.per_page, "pages": pages,
            "took_ms": 0, "hits": hits, "facets": facets,
            "suggestion": self._suggestion(gen, sel.parsed, budget),
            "warnings": sel.warnings,
            "timed_out": budget.timed_out,
            "relaxations": sel.relaxations() if total == 0 else [],
            "next": ("?" + urlencode(req.with_page(req.page + 1).to_params())
                     if req.page < pages else None),
        }
        response["took_ms"] = round((time.perf_counter() - started) * 1000)
        return response

    @staticmethod
    def _hit(gen: Generation, docnum: int, score, highlighter: Highlighter) -> dict:
        stored = gen.searcher.stored_fields(docnum)
        meta = json.loads(stored["meta"])
        hit = {"id": stored["id"], "title": stored.get("title") or None}
        hit.update({name: meta.get(name) for name in HIT_FIELDS})
        story = gen.columns.stories.record(docnum)
        hit["story"], hit["story_size"] = story["story"], story["story_size"]
        hit["score"] = round(score, 4) if score is not None else None
        hit["highlights"] = {"title": highlighter.title(stored.get("title") or ""),
                             "text": highlighter.fragments(stored.get("text") or "")}
        return hit

    @classmethod
    def _hits_and_facets(cls, gen: Generation, sel: _Selection, ranked, highlighter: Highlighter,
                         budget: Budget) -> tuple[list[dict], dict]:
        """The hits of ``ranked`` and every value facet's summary (``facet_values.summary``),
        then the date histogram; the hits and each facet made by the request's thread or a
        helper (``parallel.run_shared``), side by side.

        A facet reached when the request's time is spent is not counted: its counts are
        null, it lists no value, and ``timed_out`` names it (Datasette's facet time limit)."""
        def summary(name, column):
            if not budget.left():
                return None
            return facet_values.summary(BY_NAME[name], column, sel.counted(name), sel.req.facet_size)

        fields = list(sel.gen.columns.fields.items())
        hits, *summaries = run_shared(
            [lambda: [cls._hit(gen, docnum, score, highlighter) for docnum, score in ranked],
             *(partial(summary, name, column) for name, column in fields)])
        facets = {}
        for (name, _), found in zip(fields, summaries):
            if found is None:
                budget.cut(f"facet {name}")
                found = facet_values.not_counted(BY_NAME[name], sel.req.match.get(name, "any"))
            facets[name] = found
        facets["published"] = (sel.gen.columns.dates.histogram(
            sel.final, sel.req.date_from, sel.req.date_to, sel.req.dated)
            if sel.req.facet_size else [])
        return hits, facets

    def facet_values(self, req: SearchRequest, name: str, listing: ValueListRequest) -> dict:
        """The whole value list of facet ``name`` for a search, filtered and paged
        (``/api/facets/<name>``); an unknown facet is a 404 ``SearchError``."""
        facet = facet_named(name)
        with self._generations.use() as gen:
            column = gen.columns.fields.get(name)
            if column is None:
                raise SearchError(f"this index has no {facet.label.lower()} values; rebuild it "
                                  "with this version of newsfacet", "name", type="not_found",
                                  status=404)
            return facet_values.value_list(facet, column, _Selection(gen, req).counted(name),
                                           listing)

    def compare(self, creq: "comparison.CompareRequest") -> dict:
        """Outlets against the most named values of a field for a search, with spellings and
        timelines (``/api/compare``, ``/compare``; see ``compare.py``, ``compare_columns.py``)."""
        with self._generations.use() as gen:
            return compare_columns.compare(gen, _Selection(gen, creq.search), creq)

    @staticmethod
    def _suggestion(gen: Generation, parsed, budget: Budget) -> str | None:
        """A did-you-mean: the query with its absent or rare words replaced by common ones
        (none when the request's time is spent: ``timed_out`` then names it)."""
        reader, schema = gen.searcher.reader(), gen.searcher.schema
        suggestion, changed = parsed.text, False
        for word in dict.fromkeys(parsed.words):
            stems = [t.text for t in schema["text"].analyzer(word.lower(), mode="query")]
            if not stems or canonical_names(word):
                continue
            freq = max(reader.doc_frequency("text", s) + reader.doc_frequency("title", s)
                       for s in stems)
            if freq > 2:
                continue
            if not budget.left():
                budget.cut("suggestion")
                return None
            near = gen.columns.lexicon("text").within(word.lower(), 2, 1, SETTINGS.suggestion_candidates)
            ranked = sorted(near, key=lambda pair: (pair[1], -reader.doc_frequency("text", pair[0])))
            for candidate, _ in ranked[:3]:
                if reader.doc_frequency("text", candidate) > max(10 * freq, 0):
                    suggestion = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", candidate,
                                        suggestion, count=1)
                    changed = True
                    break
        return suggestion if changed else None

    def article(self, id: str, q: str = "") -> dict:
        """The full record of one article, with the other ``copies`` of its story and the
        ``similar`` articles that are not copies; the words of query ``q`` are marked in its
        highlights."""
        q = query_text(q)
        with self._generations.use() as gen:
            return self._article(gen, id, q)

    def _article(self, gen: Generation, id: str, q: str) -> dict:
        searcher, cols = gen.searcher, gen.columns
        docnum = _docnum(gen, id, "id")
        record = _record(gen, docnum)
        budget = self._budget()
        parsed = parse_query(q, searcher, cols, budget=budget)
        highlighter = Highlighter(searcher.schema, query_words(parsed.query, cols, budget))
        record["highlights"] = {"title": highlighter.title(record["title"] or ""),
                                "text": highlighter.full(record["text"] or "")}
        similar = []
        if record["text"] and not budget.left():
            budget.cut("similar articles")
        elif record["text"]:
            copies = cols.stories.copies(docnum)   # listed in "copies", not as similar
            for other, score in _more_like(gen, record["text"], exclude=[docnum, *copies]):
                similar.append(_brief(searcher.stored_fields(other), round(score, 4)))
        record["copies"] = _copies(gen, docnum)
        record["similar"] = similar[:SIMILAR]
        record["timed_out"] = budget.timed_out
        return record

    def differences(self, id: str, other_id: str) -> dict:
        """What differs between article ``id`` and article ``other_id``, paragraph by
        paragraph (``differences.compare``: the paragraphs only in this article, ``removed``
        in the other, those only in the other, ``added``, and runs of common ones counted),
        with each article's brief and ``same_story``: whether they are copies of one story.

        Any two articles may be compared. An unknown id is a 404 ``SearchError`` naming its
        parameter (``id`` or ``other_id``); an article compared with itself is a 400."""
        with self._generations.use() as gen:
            docnum = _docnum(gen, id, "id")
            if other_id == id:
                raise SearchError("other_id is this article itself: give the id of another "
                                  "article to compare it with", "other_id", type="same_article")
            other = _docnum(gen, other_id, "other_id")
            ours, theirs = gen.searcher.stored_fields(docnum), gen.searcher.stored_fields(other)
            found = differences.compare(ours.get("text") or "", theirs.get("text") or "",
                                        SETTINGS.max_diff_paragraphs, SETTINGS.max_diff_chars)
            stories = gen.columns.stories.of
            return {"article": _brief(ours), "other": _brief(theirs),
                    "same_story": bool(stories[docnum] == stories[other]), **found}

    def neighbours(self, req: SearchRequest, id: str) -> dict | None:
        """Where article ``id`` stands among the hits of search ``req``, and the hits either
        side of it: for an article page reached from a results page (``req.page``).

        ``{"position", "total", "page", "previous", "next"}``: its 1-based position in the
        whole result, the page that position is on, and the hits before and after it (briefs
        with the ``page`` each is on, or None at either end). The article is looked for among
        the hits up to the end of the request's page; None when it is not there (the index
        changed since, or the link was made by hand).
        """
        with self._generations.use() as gen:
            sel = _Selection(gen, req)
            total = sel.total()
            own = set(gen.searcher.docs_for_query(wq.Term("id", id)))
            ranked = sel.hits(req.page * req.per_page + 1).tolist()
            where = next((i for i, d in enumerate(ranked) if d in own), None)
            if where is None:
                return None

            def brief(i: int) -> dict | None:
                if not 0 <= i < len(ranked):
                    return None
                return {**_brief(gen.searcher.stored_fields(ranked[i])),
                        "page": i // req.per_page + 1}
            return {"position": where + 1, "total": total, "page": where // req.per_page + 1,
                    "previous": brief(where - 1), "next": brief(where + 1)}

    def iter_records(self, req: SearchRequest) -> Iterator[dict]:
        """Every matching article's export record, in the request's order (for CSV/JSONL).

        The request is checked now (a bad query raises ``SearchError`` before any record is
        made); the records then come from the generation the export started on, which stays
        open until the iterator is exhausted or closed, whatever ``newsfacet index`` does.
        """
        gen = self._generations.acquire()
        try:
            order = _Selection(gen, req).hits(None)
        except BaseException:
            gen.release()
            raise
        return _Records(gen, order)

    def overview(self, top: int | None = None) -> dict:
        """What the index holds: article count, the most frequent outlets and names (the
        ``top`` of each, or as many as the home page shows), the exact number of outlets, the
        articles without an outlet or a date, and the date span."""
        with self._generations.use() as gen:
            cols = gen.columns
            out = {"articles": int(cols.live.sum())}
            for key, name, size in OVERVIEW_LISTS:
                size = size if top is None else top
                column = cols.fields.get(name)
                counted = (Counted(counts=column.counts(cols.live),
                                   missing=int(np.count_nonzero(cols.live & ~column.has_value)))
                           if column else None)
                found = (facet_values.summary(BY_NAME[name], column, counted, size) if column
                         else {"distinct": 0, "missing": out["articles"], "values": []})
                out[key] = [{"value": v["value"], "count": v["count"]} for v in found["values"]]
                if name == "outlet":
                    out["outlet_count"] = found["distinct"]
                    out["without_outlet"] = found["missing"]
            span = cols.dates.span(cols.live)
            out["date_span"] = list(span) if span else None
            out["without_date"] = int(np.count_nonzero(cols.live & ~cols.dates.known))
            return out


def check_window(req: SearchRequest, parsed) -> None:
    """Refuse a page past the hits ranked by relevance (``SETTINGS.max_relevance_window``)."""
    if req.sort == "relevance" and parsed.query is not None \
            and req.page * req.per_page > SETTINGS.max_relevance_window:
        raise SearchError(f"relevance ranking goes {SETTINGS.max_relevance_window} results deep; for "
                          f"page {req.page} use sort=newest or sort=oldest, or export all "
                          "results (CSV/JSONL)", "page", type="window_too_deep")


def facet_named(name: str):
    """The facet of public name ``name``; a 404 ``SearchError`` listing the facets if none."""
    facet = BY_NAME.get(name)
    if facet is None:
        raise SearchError(f"no facet named {name!r}; the facets are "
                          f"{', '.join(BY_NAME)}", "name", type="not_found", status=404)
    return facet


def resolve_values(fields: dict, name: str, typed: list[str], warnings: list) -> dict[str, list[str]]:
    """Each typed value of filter ``name`` -> the index values it stands for (any letter
    case, known aliases) in ``fields`` (facet name -> its values: a ``ValueColumn``, or the
    OpenSearch engine's stand-in); a value no article has stands for itself, and
    ``warnings`` gets a warning."""
    column = fields.get(name)
    out = {}
    for v in typed:
        found = column.resolve(v, [n for _, n in canonical_names(v)]) if column else []
        if column and not found and v.strip():
            warnings.append(unknown_value(name, v, column))
        out[v] = found or [v]
    return out


def _collapsed(gen: Generation, matching: np.ndarray, docnum: int) -> dict:
    """What a hit standing for its story under ``collapse=story`` adds: ``copies``, the
    story's articles among the results (itself included), and ``also_published_by``, the
    outlets of the other ones that are not its own outlet."""
    others = [d for d in gen.columns.stories.copies(docnum) if matching[d]]
    outlets = gen.columns.fields.get("outlet")
    own = set(outlets.values_of(docnum)) if outlets is not None else set()
    also = sorted({o for d in others for o in outlets.values_of(d)} - own) if outlets is not None else []
    return {"copies": 1 + len(others), "also_published_by": also}


def _copies(gen: Generation, docnum: int) -> list[dict]:
    """The other articles of ``docnum``'s story as briefs, earliest published first (undated
    ones last, ties by id: the order ``first_copy`` is chosen by)."""
    briefs = [_brief(gen.searcher.stored_fields(d)) for d in gen.columns.stories.copies(docnum)]
    return sorted(briefs, key=lambda b: (b["published"] is None, b["published"] or "", b["id"]))


def _flat(groups) -> list[str]:
    """The values of several lists, each once, in order."""
    return list(dict.fromkeys(v for group in groups for v in group))


def _docnum(gen: Generation, id: str, param: str) -> int:
    """The document number article ``id`` is shown as; a 404 ``SearchError`` naming
    ``param`` when no live article has that id."""
    docnums = [d for d in gen.searcher.docs_for_query(wq.Term("id", id)) if gen.columns.live[d]]
    if not docnums:
        raise SearchError(f"no article with id {id!r} in this index", param,
                          type="not_found", status=404)
    return docnums[0]


def _record(gen: Generation, docnum: int) -> dict:
    """The export record of the article shown as ``docnum``, with every path it was found at
    and its story; the fields in ``RECORD_FIELDS`` order, then the others."""
    record = to_article(gen.searcher.stored_fields(docnum)).to_record()
    record.update(gen.columns.stories.record(docnum))
    copies = gen.columns.copies.get(docnum)
    if copies is not None:
        record["paths"] = sorted(gen.searcher.stored_fields(int(d))["path"] for d in copies)
        record["path"] = record["paths"][0]
    ordered = {name: record[name] for name in RECORD_FIELDS}
    ordered.update((name, value) for name, value in record.items() if name not in ordered)
    return ordered


class _Records:
    """An export's records, read from one generation that stays open until the last record
    has been read or the iterator is closed (a client that went away). The hits are one
    array of document numbers (4 or 8 bytes a hit); each record is made when it is read."""

    def __init__(self, gen: Generation, order: np.ndarray):
        self._gen, self._order = gen, iter(order)
        self._open = True

    def __iter__(self):
        return self

    def __next__(self) -> dict:
        if not self._open:
            raise StopIteration
        try:
            docnum = int(next(self._order))
        except StopIteration:
            self.close()
            raise
        return _record(self._gen, docnum)

    def close(self) -> None:
        """Let go of the generation (idempotent)."""
        if self._open:
            self._open = False
            self._gen.release()

    __del__ = close


def _more_like(gen: Generation, text: str, exclude) -> list[tuple[int, float]]:
    """The documents most like ``text``: its most distinctive words (Whoosh's Bo1 key terms),
    searched together and ranked by BM25F, as Whoosh's ``more_like`` does, but in numpy."""
    keys = gen.searcher.key_terms_from_text("text", text, numterms=10)
    if not keys:
        return []
    top = max(w for _, w in keys) or 1.0
    mask, scores = evaluate(wq.Or([wq.Term("text", t, boost=w / top) for t, w in keys]),
                            gen.searcher, gen.columns)
    mask[list(exclude)] = False
    ids = np.flatnonzero(mask)
    order = np.lexsort((ids, -scores[ids]))[:SIMILAR * 3]
    return [(int(ids[i]), float(scores[ids[i]])) for i in order]


def _brief(stored: dict, score: float | None = None) -> dict:
    meta = json.loads(stored["meta"])
    brief = {"id": stored["id"], "title": stored.get("title") or None,
             "outlet": meta.get("outlet"), "source_outlet": meta.get("source_outlet"),
             "published": meta.get("published"), "url": meta.get("url")}
    if score is not None:
        brief["score"] = score
    return brief

