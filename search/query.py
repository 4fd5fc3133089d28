"""Query parsing: the query language, its bounds, spelling-variant expansion and evaluation.

``parse_query`` checks the typed query for what Whoosh's parser would silently rewrite
(unbalanced parentheses or quotes, unterminated ranges, unknown fields, dangling operators),
refusing it with a message in plain words and a query that would run (``query_error``),
enforces the bounds (terms, wildcard expansion, fuzziness), pulls out ``date:`` clauses,
parses the rest with Whoosh (BM25F over title, text and aliases), leaves stop words out of
plain searches (a query of stop words only is their phrase) and expands every plain word to
the spelling variants of the names it stands for. It records what it did (rewrites, spellings
added, field values resolved) for the response's ``interpretation``. ``evaluate`` then turns
the parsed query into a numpy mask of the matching documents and the scores Whoosh's own
search would give them, from postings read block by block (and cached per index generation).
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from pickle import loads

import numpy as np
from whoosh import query as wq
from whoosh.analysis import STOP_WORDS as WHOOSH_STOP_WORDS
from whoosh.analysis import LowercaseFilter, RegexTokenizer
from whoosh.formats import Positions
from whoosh.qparser import (FieldAliasPlugin, FuzzyTermPlugin, MultifieldPlugin, Plugin,
                            QueryParser, syntax)

from .arrays import distinct
from .budget import Courteous, TimeUp, requests_running
from .facet_registry import BY_MENTION, FACET_FIELDS
from .request import SearchError, parse_date_bound
from .whoosh_internals import posting_values, posting_weights, wildcard_prefix
from .settings import SETTINGS

TEXT_FIELDS = ("title", "text", "aliases")
#: Field names a query may use -> index field.
QUERY_FIELDS = {"title": "title", "text": "text", **FACET_FIELDS}
#: Mention type of a known name -> the index field of its facet.
_ENTITY_FIELDS = {kind: facet.field for kind, facet in BY_MENTION.items()}
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
_DATE_VALUE = r"\d{4}(?:-\d{2}(?:-\d{2})?)?"
_DATE_CLAUSE = re.compile(
    rf"(?<![\w:])(?:date|published):(?:(?P<one>{_DATE_VALUE})(?![\w-])"
    rf"|\[\s*(?P<start>{_DATE_VALUE}|\*)?\s+(?:to|TO)\s*(?P<stop>{_DATE_VALUE}|\*)?\s*\])")
# A quoted phrase (left as it is), or the sign of +word, -word, -"a phrase", -(a OR b).
_SIGN = re.compile(r'"[^"]*"?|(?<![^\s(])([+-])(?=[^\s+-])')
_FIELD_PREFIX = re.compile(r"(?<![\w:/.])([A-Za-z_]+):(?=\S)")
_WORD = re.compile(r"[^\W\d_][\w'’.-]*")


#: Words too common to search alone: left out of plain searches, kept in phrases (and a query
#: made only of them is searched as a phrase). The index holds every word.
STOP_WORDS = frozenset(WHOOSH_STOP_WORDS)
_CURLY_QUOTES = str.maketrans({c: '"' for c in "\u201c\u201d\u201e\u201f\u2033"})
_LOWER_OPERATORS = {"and": "AND", "or": "OR", "not": "NOT"}


@dataclass
class ParsedQuery:
    """A typed query as understood: the Whoosh query, date bounds and what was rewritten."""

    text: str
    query: wq.Query | None                 # None: no query words (list everything)
    plain: wq.Query | None = None          # the same query before spelling variants were added
    dates: list = field(default_factory=list)   # (start, stop) date pairs, ANDed
    warnings: list = field(default_factory=list)
    words: list = field(default_factory=list)   # the plain words typed, for suggestions
    #: What the parser did to the text, in plain words ("curly quotes read as straight quotes").
    normalisations: list = field(default_factory=list)
    #: Index word -> the other spellings searched with it ("kharkov" -> ["kharkiv", "charkiw"]).
    variants: dict = field(default_factory=dict)
    #: (index field, value as typed) -> the index values a field:value clause matches.
    resolved: dict = field(default_factory=dict)


def _aliases():
    """The entity alias tables, when that module is present (it is optional here)."""
    try:
        from . import aliases
    except ImportError:
        return None
    return aliases


def canonical_names(word: str) -> list[tuple[str, str]]:
    """(type, canonical name) pairs a typed name stands for; empty when none is known."""
    mod = _aliases()
    if mod is None:
        return []
    try:
        return list(mod.canonical(word))
    except Exception:   # alias data missing or malformed: search still works without it
        return []


def name_variants(kind: str, name: str) -> list[str]:
    """Every known spelling of a canonical name, the name itself first."""
    mod = _aliases()
    found = [name]
    if mod is not None:
        try:
            found += [v for v in mod.variants(kind, name) if v not in found]
        except Exception:
            pass
    return found


# A pasted web address: searched as its words, not read as a field ("https:") and a path.
_WEB_ADDRESS = re.compile(r"\b(?:https?://|www\.)[^\s\"]+", re.I)
_ADDRESS_WORD = re.compile(r"[^\W_]+")


def _address_words(m: re.Match) -> str:
    """The words of a web address, without its scheme and "www" ("example org news")."""
    address = re.sub(r"^(?:https?://)?(?:www\.)?", "", m.group(), flags=re.I)
    return " ".join(_ADDRESS_WORD.findall(address))


def plain_words(text: str) -> str:
    """The words of a query as plain text: no quotes, brackets, operators, field names,
    wildcards, fuzzy marks or boosts (the fix offered for a query the language refuses)."""
    words = [w for tok in _FIELD_PREFIX.sub(" ", text).split()
             if tok not in _OPERATORS and tok != "TO" for w in _WORD.findall(tok)]
    return " ".join(words)


def query_error(message: str, text: str, fix: str | None = None,
                kind: str = "query_syntax") -> SearchError:
    """A 400 on the query: ``message`` in plain words, and a query that would run instead
    (``fix``, by default the words as plain text; none when there are no words)."""
    fix = plain_words(text) if fix is None else fix
    return SearchError(message, "q", type=kind, fix=fix if fix.strip() and fix != text else None)


def _quoted(text: str, at: int | None = None, width: int = 40) -> str:
    """The query, or the part of it around character ``at``, for a message: `belgorod AND (`."""
    if at is not None and len(text) > width:
        start = max(0, at - width // 2)
        text = ("…" if start else "") + text[start:start + width] + (
            "…" if start + width < len(text) else "")
    return f"`{text}`"


def _scan(text: str) -> list[tuple[str, int]]:
    """Structural characters outside quotes, and whether the quotes are balanced."""
    marks, in_quote, opened = [], False, 0
    for i, ch in enumerate(text):
        if ch == '"':
            in_quote = not in_quote
            opened = i
            marks.append((ch, i))
        elif not in_quote and ch in "()[]{}":
            marks.append((ch, i))
    if in_quote:
        raise query_error(f"A quote is not closed: {_quoted(text, opened)}. Close it to search "
                          "a phrase, or search these words as plain text?", text)
    return marks


def check_syntax(text: str) -> list[str]:
    """Reject what Whoosh would silently rewrite into another query; warn about what can run."""
    depth, bracket = 0, None
    for ch, i in _scan(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise query_error(f"A bracket is closed that was never opened (character "
                                  f"{i + 1}): {_quoted(text, i)}. Search these words as plain "
                                  "text?", text)
        elif ch in "[{":
            if bracket:
                raise query_error(f"A range is opened inside another range: {_quoted(text, i)}."
                                  " Write one range, like date:[2023-01 TO 2023-06], or search "
                                  "these words as plain text?", text)
            bracket = ch
        elif ch in "]}":
            if not bracket:
                raise query_error(f"A range is closed that was never opened (character {i + 1}"
                                  f"): {_quoted(text, i)}. Search these words as plain text?",
                                  text)
            bracket = None
    if depth:
        raise query_error(f"A bracket is not closed: {_quoted(text, len(text) - 1)}. Every ( "
                          "needs a ). Search these words as plain text?", text)
    if bracket:
        raise query_error(f"A range is not closed: {_quoted(text, len(text) - 1)}. Write it "
                          "like date:[2023-01 TO 2023-06], or search these words as plain text?",
                          text)
    for m in _FIELD_PREFIX.finditer(_outside_quotes(text)):
        name = m.group(1)
        if name not in QUERY_FIELDS and name not in ("date", "published"):
            fix = re.sub(rf"(?<![\w:/.]){re.escape(name)}:(?=\S)", "", text)
            raise query_error(f"There is no field '{name}' to search in: {_quoted(text)}. The "
                              f"fields are {', '.join(list(QUERY_FIELDS) + ['date'])}. Search "
                              "without the field name?", text, fix)
    warnings = []
    # a date range's open end (date:[2023-03 TO *]) is no wildcard
    tokens = _DATE_CLAUSE.sub(" ", _outside_quotes(text)).replace("(", " ( ").replace(")", " ) ").split()
    for pos, tok in enumerate(tokens):
        if tok in _OPERATORS:
            before = tokens[pos - 1] if pos else "("
            after = tokens[pos + 1] if pos + 1 < len(tokens) else ")"
            dangling = after in _OPERATORS or after == ")" or (
                tok != "NOT" and (before in _OPERATORS or before == "("))
            if dangling:
                warnings.append(f"'{tok}' has nothing to join on one side and was ignored")
    words = [t for t in tokens if t not in _OPERATORS and t not in "()"]
    if len(words) > SETTINGS.max_terms:
        raise query_error(f"The query has {len(words)} terms; at most {SETTINGS.max_terms} are searched "
                          f"at once. Search the first {SETTINGS.max_terms}?", text,
                          " ".join(plain_words(text).split()[:SETTINGS.max_terms]), "query_too_complex")
    for tok in words:
        bare = tok.split(":", 1)[-1].lstrip("+-")
        star = min([i for i in (bare.find("*"), bare.find("?")) if i >= 0], default=-1)
        if star != -1 and star < SETTINGS.min_prefix_chars:
            raise query_error(f"A wildcard needs at least {SETTINGS.min_prefix_chars} letters before it, "
                              f"or it stands for too many words: '{tok}'. Search the word "
                              "without the wildcard?", text,
                              text.replace(tok, tok.replace("*", "").replace("?", "")),
                              "query_too_complex")
        fuzzy = re.search(r"~(\d+)", bare)
        if fuzzy and bare.startswith('""'):   # a phrase's slop: "crude oil"~3
            if int(fuzzy.group(1)) > SETTINGS.max_slop:
                raise query_error(f"A phrase's words may be at most {SETTINGS.max_slop} words apart "
                                  f"(\"...\"~{SETTINGS.max_slop}), not {fuzzy.group(1)}. Search them at "
                                  f"most {SETTINGS.max_slop} apart?", text,
                                  re.sub(rf'"~{fuzzy.group(1)}\b', f'"~{SETTINGS.max_slop}', text),
                                  "query_too_complex")
        elif fuzzy and int(fuzzy.group(1)) > SETTINGS.max_fuzzy_distance:
            raise query_error(f"A fuzzy term may differ by at most {SETTINGS.max_fuzzy_distance} edits "
                              f"(letters added, dropped, changed or swapped), not "
                              f"{fuzzy.group(1)}: '{tok}'. Search with {SETTINGS.max_fuzzy_distance} "
                              "edits?", text,
                              text.replace(tok, tok.replace(f"~{fuzzy.group(1)}",
                                                            f"~{SETTINGS.max_fuzzy_distance}")),
                              "query_too_complex")
    return warnings


def _outside_quotes(text: str) -> str:
    """The query with each quoted phrase reduced to an empty one (a placeholder word)."""
    return re.sub(r'"[^"]*"', '""', text)


def extract_dates(text: str) -> tuple[str, list[tuple[date | None, date | None]]]:
    """Pull ``date:2023-05`` and ``date:[2023-01 TO 2023-06]`` clauses out of the query."""
    dates = []

    def bound(value: str, clause: str, end: bool) -> date:
        try:
            return parse_date_bound(value, "q", end)
        except SearchError:
            raise query_error(f"The date in {_quoted(clause)} is not a real date. Search "
                              "without it?", text,
                              " ".join(text.replace(clause, " ").split())) from None

    def take(m: re.Match) -> str:
        clause = m.group()
        if m.group("one"):
            dates.append((bound(m.group("one"), clause, False),
                          bound(m.group("one"), clause, True)))
        else:
            start, stop = (None if end == "*" else end for end in (m.group("start"), m.group("stop")))
            if not start and not stop:
                raise query_error(f"A date range needs at least one end: {_quoted(clause)}. "
                                  "Search without it?", text, _DATE_CLAUSE.sub(" ", text).strip())
            dates.append((bound(start, clause, False) if start else None,
                          bound(stop, clause, True) if stop else None))
        return " "

    rest = _DATE_CLAUSE.sub(take, text)
    bad = re.search(r"(?<![\w:])(?:date|published):\S*", rest)
    if bad:
        raise query_error(f"A date in the query must look like date:2023, date:2023-05-12 or "
                          f"date:[2023-01 TO 2023-06], not {_quoted(bad.group())}. Search "
                          "without it?", text,
                          " ".join(text.replace(bad.group(), " ").split()))
    return rest, dates


_PLAIN_WORDS = RegexTokenizer() | LowercaseFilter()


class NewsParser(QueryParser):
    """Whoosh's multifield parser that leaves stop words out of plain searches and adds the
    spelling variants of names to plain words (with ``expand`` off, the query as typed)."""

    expand = True
    name_spellings = None   # a word's other spellings in the collection's person names

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.dropped: list[str] = []     # stop words left out
        self.stemmed: dict = {}          # word as typed -> the index word it was searched as
        self.variants: dict = {}         # index word -> {other spelling: its index words}
        self.implied: list = []          # field:value clauses the expansion added (not typed)

    def term_query(self, fieldname, text, termclass, boost=1.0, tokenize=True, removestops=True):
        if termclass is wq.Term and fieldname in TEXT_FIELDS and removestops:
            words = [t.text for t in _PLAIN_WORDS(text)]
            if words and all(w in STOP_WORDS for w in words):
                self.dropped += [w for w in words if w not in self.dropped]
                return None
        base = super().term_query(fieldname, text, termclass, boost, tokenize, removestops)
        if (isinstance(base, wq.Term) and fieldname in TEXT_FIELDS
                and text.lower() != base.text):
            self.stemmed.setdefault(text.lower(), base.text)
        if (not self.expand or termclass is not wq.Term or fieldname not in TEXT_FIELDS
                or base is None):
            return base
        extra = []
        spellings = self.variants.setdefault(getattr(base, "text", text.lower()), {})
        for kind, name in canonical_names(text):
            extra += self._variant_queries(fieldname, text, name, name_variants(kind, name),
                                           spellings)
            if fieldname == "text" and kind in _ENTITY_FIELDS:
                extra.append(wq.Term(_ENTITY_FIELDS[kind], name, boost=0.5))
                self.implied.append(extra[-1])
        if self.name_spellings is not None:
            extra += self._variant_queries(fieldname, text, text, self.name_spellings(text),
                                           spellings)
        unique = {repr(q): q for q in [base] + extra}
        return wq.Or(list(unique.values())) if len(unique) > 1 else base

    def _variant_queries(self, fieldname, typed, name, variants, spellings: dict) -> list:
        """Queries for each variant; where the typed word is one word of a longer name
        (a surname), the same word of each variant too, so highlights mark it. Each
        spelling searched is recorded in ``spellings`` (as written, lower-cased -> its index
        words)."""
        analyse = self.schema[fieldname].process_text
        typed_toks = list(analyse(typed, mode="query"))
        name_toks = list(analyse(name, mode="query"))
        out = []
        for v in variants:
            toks = list(analyse(v, mode="query"))
            if not toks:
                continue
            if toks != typed_toks:
                spellings.setdefault(v.lower(), toks)
            out.append(wq.Term(fieldname, toks[0]) if len(toks) == 1
                       else wq.Phrase(fieldname, toks))
            if len(typed_toks) == 1 and len(toks) == len(name_toks) > 1:
                out += [wq.Term(fieldname, t) for t, n in zip(toks, name_toks)
                        if n == typed_toks[0]]
        return out


class _FieldsGroup(syntax.GroupNode):
    """One word searched in several fields (any of them)."""

    qclass = wq.Or


class _KeepFieldGroups(Plugin):
    """Keeps each word's group of fields a group of its own.

    Whoosh's OR operator merges an OR group on its left with what follows, boost included,
    so ``belgorod^100 OR kharkiv`` boosted kharkiv as well. Re-typed between the multifield
    step (which makes these groups) and the boost and operator steps, the groups are no
    longer OR groups the operator can merge into.
    """

    def filters(self, parser):
        return [(self.retype, 111)]

    def retype(self, parser, group):
        for i, node in enumerate(group):
            if type(node) is syntax.OrGroup:
                group[i] = _FieldsGroup(node.nodes, boost=node.boost)
            elif isinstance(node, syntax.GroupNode):
                self.retype(parser, node)
        return group


def make_parser(schema, expand: bool = True, name_spellings=None) -> NewsParser:
    """The query parser of a newsfacet index (``expand``: add spelling variants of names,
    from the alias table and from ``name_spellings``, a word's other spellings in the
    collection's person names)."""
    parser = NewsParser(None, schema)
    parser.expand = expand
    parser.name_spellings = name_spellings
    parser.add_plugin(MultifieldPlugin(list(TEXT_FIELDS)))
    parser.add_plugin(_KeepFieldGroups())
    parser.add_plugin(FuzzyTermPlugin())
    parser.add_plugin(FieldAliasPlugin({v: [k] for k, v in QUERY_FIELDS.items() if k != v}))
    return parser


def unknown_value(name: str, typed: str, column) -> str:
    """The warning for a field value that no article has, with the closest ones that exist."""
    closest = column.closest(typed)
    hint = f"; closest: {', '.join(closest)}" if closest else ""
    return f"no {name} named '{typed}' in this collection, so that part matches nothing{hint}"


def _rewrite_keywords(q, columns, parsed: ParsedQuery, variants: bool = True, implied=()):
    """Map field:value clauses on keyword fields to the exact (case-kept) index values (with
    ``variants``, those of other spellings of the name too), recorded in ``parsed.resolved``.

    A value no article has matches nothing (it is not dropped from the query), and
    ``parsed.warnings`` says so; a clause in ``implied`` (added by the parser, not typed:
    a place name also searched as the place facet value) matches nothing quietly."""
    def again(sub):
        return _rewrite_keywords(sub, columns, parsed, variants, implied)

    if isinstance(q, wq.Term) and q in implied:
        column = next((c for c in columns.fields.values() if c.fieldname == q.fieldname), None)
        values = column.resolve(q.text, [q.text]) if column else []
        terms = [wq.Term(q.fieldname, v, boost=q.boost) for v in column.index_values(values)] \
            if values else []
        return wq.Or(terms) if len(terms) > 1 else terms[0] if terms else wq.NullQuery

    if isinstance(q, (wq.AndNot, wq.AndMaybe)):
        return q.__class__(again(q.a), again(q.b))
    if isinstance(q, wq.CompoundQuery):
        return q.__class__([again(s) for s in q.subqueries], boost=q.boost)
    if isinstance(q, wq.Not):
        return wq.Not(again(q.query))
    fieldname = getattr(q, "fieldname", None)
    name, column = next(((n, c) for n, c in columns.fields.items() if c.fieldname == fieldname), (None, None))
    if column is None:
        return q
    if isinstance(q, wq.Term):
        typed = q.text
    elif isinstance(q, wq.Phrase):
        typed = " ".join(q.words)
    else:
        return q
    names = [n for _, n in canonical_names(typed)] if variants else []
    values = column.resolve(typed, names)
    parsed.resolved[(fieldname, typed)] = list(values)
    if not values:
        parsed.warnings.append(unknown_value(name, typed, column))
        return wq.Term(fieldname, typed)   # in no document: the clause matches nothing
    terms = [wq.Term(fieldname, v) for v in column.index_values(values)]
    return terms[0] if len(terms) == 1 else wq.Or(terms)


def expansion(leaf: wq.MultiTerm, columns, budget=None) -> list[str]:
    """The index words a prefix, wildcard, fuzzy or range term stands for: at most
    ``SETTINGS.max_expansion + 1`` of them (one more tells that there are too many).

    With a ``budget`` whose time is spent, an expansion not computed before in this
    generation is cut short: the fuzzy term stands for the word as typed (when the index has
    it), the wildcard for no word, and ``budget.timed_out`` says so."""
    lexicon = columns.lexicon(leaf.fieldname)
    limit = SETTINGS.max_expansion + 1
    if isinstance(leaf, wq.Prefix):
        return lexicon.prefixed(leaf.text, limit)
    if isinstance(leaf, wq.TermRange):
        return lexicon.between(leaf.start, leaf.end, leaf.startexcl, leaf.endexcl, limit)
    try:
        if isinstance(leaf, wq.FuzzyTerm):
            return [w for w, _ in lexicon.within(leaf.text, int(leaf.maxdist), leaf.prefixlength,
                                                 limit, budget)]
        if isinstance(leaf, wq.Wildcard):
            return lexicon.matching(wildcard_prefix(leaf), fnmatch.translate(leaf.text),
                                    limit, budget)
    except TimeUp:
        budget.cut(f"expansion of {typed_form(leaf)}")
        return [leaf.text] if isinstance(leaf, wq.FuzzyTerm) and leaf.text in lexicon else []
    raise SearchError(f"'{leaf}' is not a kind of query this search supports.", "q",
                      type="query_syntax")


def typed_form(leaf) -> str:
    """A wildcard, prefix, fuzzy or range term as it would be typed: ``brown~``,
    ``brown~2``, ``elect*``, ``[a TO c}``."""
    if isinstance(leaf, wq.TermRange):
        return (("{" if leaf.startexcl else "[") + f"{leaf.start or ''} TO {leaf.end or ''}"
                + ("}" if leaf.endexcl else "]"))
    if isinstance(leaf, wq.FuzzyTerm):
        return f"{leaf.text}~" + (f"{int(leaf.maxdist)}" if leaf.maxdist > 1 else "")
    return leaf.text + ("*" if isinstance(leaf, wq.Prefix) else "")


def _check_expansion(q, columns, budget=None) -> None:
    """Refuse a query whose prefix, wildcard or fuzzy terms stand for too many index words
    (each alone, and all together): the work of a request is bounded before it starts."""
    total = 0
    for leaf in q.leaves():
        if isinstance(leaf, wq.MultiTerm):
            count = len(expansion(leaf, columns, budget))
            if count > SETTINGS.max_expansion:
                raise SearchError(f"'{typed_form(leaf)}' stands for more than {SETTINGS.max_expansion} "
                                  "words in the index, more than one search may look for. Add "
                                  "letters before the wildcard, or allow fewer edits.", "q",
                                  type="query_too_complex")
            total += count
    if total > SETTINGS.max_total_expansion:
        raise SearchError(f"The wildcard and fuzzy terms of this query stand for {total} words "
                          f"in the index; at most {SETTINGS.max_total_expansion} are searched at once. "
                          "Use fewer of them, or more specific ones.", "q",
                          type="query_too_complex")


def signs_to_operators(text: str) -> str:
    """``-word`` as ``NOT word`` and ``+word`` as ``word`` (every word is required anyway),
    outside quoted phrases: a query of only excluded words then means "everything else"."""
    def replace(m: re.Match) -> str:
        sign = m.group(1)
        return m.group() if sign is None else "NOT " if sign == "-" else ""
    return _SIGN.sub(replace, text)


def _check_boosts(q, text: str, outer: float = 1.0) -> None:
    """Refuse boosts that would make scores meaningless (or infinite)."""
    boost = outer * getattr(q, "boost", 1.0)
    if not 0 <= boost <= SETTINGS.max_boost:
        raise query_error(f"A boost (word^N) must be between 0 and {SETTINGS.max_boost}, boosts inside "
                          f"each other multiplied together (here {boost:g}). Search without the "
                          "boosts?", text, re.sub(r"\^[\d.]*", "", text), "query_too_complex")
    for child in q.children():
        _check_boosts(child, text, boost)


def _parse(parser, text: str):
    try:
        return parser.parse(text)
    except Exception:   # Whoosh's parser gives up on some shapes: say so, plainly
        raise query_error(f"The query could not be read: {_quoted(text)}. Check its brackets, "
                          "quotes and operators, or search these words as plain text?",
                          text) from None


def _held_first(spellings: dict, reader) -> list[str]:
    """The spellings (as written -> their index words), those the collection's texts hold
    first: they are the ones that can change a count. (A term look-up per word: building
    the field's whole word list here cost the first search of a generation 0.1 s at 10,000
    articles.)"""
    return sorted(spellings, key=lambda s: not all(reader.doc_frequency("text", w)
                                                   for w in spellings[s]))


def _only_stop_words(text: str) -> bool:
    """True for a query of two or more plain words, all of them stop words (no quotes,
    operators, fields or wildcards): ``to be or not to be``."""
    if set(text) & set('"():*?~^[]{}') or set(text.split()) & _OPERATORS:
        return False
    words = text.split()
    return len(words) > 1 and all(w.lower().strip(".,;!?") in STOP_WORDS for w in words)


def parse_query(text: str, searcher, columns, variants: bool = True,
                budget=None) -> ParsedQuery:
    """Check, parse, expand and bound a typed query (empty text: no query); ``variants``
    off searches only the spellings typed; ``budget`` (``budget.Budget``) bounds the time
    spent expanding wildcard and fuzzy terms."""
    parsed = ParsedQuery(text=text, query=None)
    if not text.strip():
        return parsed
    notes = parsed.normalisations
    straight = text.translate(_CURLY_QUOTES)
    if straight != text:
        notes.append("curly quotes read as straight quotes")
    text, addresses = _WEB_ADDRESS.subn(_address_words, straight)
    parsed.text = text
    parsed.warnings = check_syntax(text)
    if addresses:
        parsed.warnings.insert(0, "a web address in the query was searched as its words")
    rest, parsed.dates = extract_dates(text)
    parsed.words = [w for tok in rest.replace('"', " ").split()
                    if tok not in _OPERATORS and not set(tok) & set(":~*?")
                    for w in _WORD.findall(tok)]
    if _only_stop_words(rest):
        rest = f'"{" ".join(rest.split())}"'
        notes.append(f"a query of very common words only, searched as the phrase {rest}")
    signed = signs_to_operators(rest)
    if signed != rest:
        notes.append("-word read as NOT word (and +word as word: every word is required)")
    rest = signed
    lower_ops = [w for w in _outside_quotes(rest).split() if w in _LOWER_OPERATORS]
    for word in dict.fromkeys(lower_ops):
        notes.append(f"'{word}' in lower case read as a word, not as the operator "
                     f"{_LOWER_OPERATORS[word]} (write {_LOWER_OPERATORS[word]} for that)")
    if rest.strip():
        parser = make_parser(searcher.schema, expand=variants,
                             name_spellings=columns.name_spellings().of if variants else None)
        q = _parse(parser, rest)
        _check_boosts(q, rest)
        q = _rewrite_keywords(q, columns, parsed, variants, parser.implied).normalize()
        parsed.variants = {word: _held_first(spellings, searcher.reader())
                           for word, spellings in parser.variants.items() if spellings}
        if parser.dropped:
            notes.append("very common words left out: " + ", ".join(parser.dropped)
                         + ' (put them in a "phrase" to search them)')
        if parser.stemmed:
            notes.append("words searched in all their forms: " + ", ".join(
                f"{typed} as {stem}" for typed, stem in list(parser.stemmed.items())[:5]))
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            parsed.warnings.append("the query has no words to search: very common words alone "
                                   "are left out, so nothing matches; put them in quotes to "
                                   "search them as a phrase")
        else:
            _check_expansion(q, columns, budget)
        parsed.query = q
        parsed.plain = _parse(make_parser(searcher.schema, expand=False), rest).normalize()
    return parsed


_K1, _B = 1.2, 0.75   # BM25 parameters, Whoosh's defaults


def evaluate(q, searcher, columns, budget=None) -> tuple[np.ndarray, np.ndarray]:
    """The live documents matching ``q`` and their relevance, with numpy set operations.

    Scores are the ones Whoosh's ``searcher.search(q)`` gives the same query object (the
    differential test in tests/test_scoring.py holds them together): BM25F per term (idf =
    log(N / (df + 1)) + 1, K1 = 1.2, B = 0.75, title weights boosted at index time), summed
    over the parts of the query a document matches; a phrase scores the sum of its words'
    scores; a wildcard, prefix or fuzzy term scores as the OR of the index words it stands
    for (its boost applied only when it stands for more than one, as Whoosh does); a NOT
    clause adds 1 to each document it lets through. Phrases are checked on positions within
    a bounded amount of work (``SETTINGS.max_phrase_checks``) and, with a ``budget``
    (``budget.Budget``), within its time: a phrase cut short matches the documents checked
    before the time ran out. The words a wildcard, prefix, fuzzy or range term stands for
    are read in turn (closest first for a fuzzy term) while there is time: one cut short
    matches the documents of the words read (which later requests of the generation find
    cached, and go further).
    """
    size = columns.size
    reader = searcher.reader()
    total_docs = reader.doc_count_all()
    phrase_checks = 0

    def zeros():
        return np.zeros(size, dtype=np.float32)

    def add_term(fieldname, text, boost, mask, score) -> bool:
        """Add one term's documents to ``mask`` and their scores to ``score``."""
        lengths = columns.lengths.get(fieldname)
        if lengths is None:   # keyword field: a match scores its boost
            ids = columns.postings(fieldname, text)
            if not len(ids):
                return False
            mask[ids] = True
            score[ids] += boost
            return True
        ids, scores = columns.cached(("bm25", fieldname, text),
                                     lambda: term_scores(fieldname, text, lengths))
        if not len(ids):
            return False
        mask[ids] = True
        score[ids] += scores if boost == 1 else boost * scores
        return True

    def term_scores(fieldname, text, lengths):
        """A term's documents and its BM25F score in each before boosts: the same for every
        request of the generation, so cached (``Columns.cached``) in place of the frequencies."""
        ids, tf = posting_weights(reader, fieldname, text)
        idf = np.log(total_docs / (reader.doc_frequency(fieldname, text) + 1)) + 1
        avg = searcher.avg_field_length(fieldname) or 1.0
        norm = _K1 * ((1 - _B) + _B * lengths[ids] / avg)
        return ids, (idf * (tf * (_K1 + 1)) / (tf + norm)).astype(np.float32)

    # Each part evaluates to (mask, scores) with scores 0 outside the mask, or None when it
    # matches nothing at all (most spelling variants are not in the index: no arrays are
    # made for them).
    def terms(fieldname, texts, boost, cut_as=None):
        """The documents of any of ``texts``; with ``cut_as`` (a part's name in
        ``timed_out``), the words after the first are read only while the budget has time."""
        mask, score = np.zeros(size, dtype=bool), zeros()
        found = False
        for i, text in enumerate(texts):
            if i and cut_as and budget is not None and not budget.left():
                budget.cut(cut_as)
                break
            found = add_term(fieldname, text, boost, mask, score) or found
        return (mask, score) if found else None

    def ev(node):
        if node is wq.NullQuery or isinstance(node, type(wq.NullQuery)):
            return None
        if isinstance(node, wq.Every):
            return columns.live.copy(), columns.live.astype(np.float32)
        if isinstance(node, wq.Term):
            return terms(node.fieldname, [node.text], node.boost)
        if isinstance(node, wq.Not):   # Whoosh's inverse matcher scores 1 for each document
            inner = ev(node.query)
            mask = ~inner[0] if inner else columns.live.copy()
            return mask, mask.astype(np.float32)
        if isinstance(node, (wq.AndNot, wq.AndMaybe)):
            a, b = ev(node.a), ev(node.b)
            if a is None or b is None:
                return a
            if isinstance(node, wq.AndNot):
                keep = a[0] & ~b[0]
                return keep, np.where(keep, a[1], 0).astype(np.float32)
            return a[0], a[1] + np.where(a[0], b[1], 0).astype(np.float32)
        if isinstance(node, (wq.And, wq.Or)):
            both = isinstance(node, wq.And)
            result = None
            for sub in node.subqueries:
                part = ev(sub)
                if part is None:
                    if both:
                        return None
                    continue
                if result is None:
                    result = (part[0].copy(), part[1].copy())
                elif both:
                    result[0].__iand__(part[0])
                    result[1].__iadd__(part[1])
                else:
                    result[0].__ior__(part[0])
                    result[1].__iadd__(part[1])
            if result is None:
                return None
            if both:
                result[1][~result[0]] = 0
            if node.boost != 1:
                result[1].__imul__(node.boost)
            return result
        if isinstance(node, wq.MultiTerm):
            words = expansion(node, columns, budget)
            return terms(node.fieldname, words, 1.0 if len(words) == 1 else node.boost,
                         f"expansion of {typed_form(node)}")
        if isinstance(node, wq.Phrase):   # positions needed: only over documents with all words
            words = ev(wq.And([wq.Term(node.fieldname, w) for w in node.words]))
            if words is None:
                return None

            key = ("phrase", node.fieldname, tuple(node.words), node.slop)

            def check():
                nonlocal phrase_checks
                # being checked in full: a request with a time limit gets what was found,
                # not a second check beside it (one without a limit checks it itself)
                limited = budget is not None and budget.limited()
                found_so_far = columns.pending(key) if limited else None
                if found_so_far is not None:
                    budget.cut(phrase_part(node))
                    raise TimeUp(found_so_far)
                holding = int(words[0].sum())
                phrase_checks += holding * len(node.words)
                if phrase_checks > SETTINGS.max_phrase_checks:
                    raise SearchError(
                        f"A phrase of this query is made of words that {holding} articles all "
                        "hold; finding where they stand next to each other in so many is more "
                        "work than one search may do. Put a rarer word in the phrase, or search "
                        "the words without quotes.", "q", type="query_too_complex")
                return phrase_docs(node, searcher, words[0], budget)

            exact = np.zeros(size, dtype=bool)
            try:
                exact[columns.cached(key, check)] = True
            except TimeUp as cut:   # checked in full in the background, for the next request
                exact[cut.partial] = True
                columns.complete_later(key, lambda: phrase_docs(node, searcher, words[0],
                                                                 Courteous(requests_running)),
                                       cut.partial)
            found = words[0] & exact
            return found, np.where(found, words[1] * node.boost, 0).astype(np.float32)
        return from_ids(np.fromiter(searcher.docs_for_query(node), dtype=np.int64))

    def from_ids(ids):
        if not len(ids):
            return None
        mask = np.zeros(size, dtype=bool)
        mask[ids] = True
        return mask, mask.astype(np.float32)

    try:
        result = ev(q)
    finally:   # ev calls itself through its closure: a cycle that would hold the generation
        ev = None  # (columns, searcher) until Python's cycle collector ran, long after a swap
    if result is None:
        return np.zeros(size, dtype=bool), zeros()
    return result[0] & columns.live, result[1]


def phrase_part(phrase) -> str:
    """How ``timed_out`` names a phrase whose check was cut short."""
    return f'phrase "{" ".join(phrase.words)}"'


def phrase_docs(phrase, searcher, candidates: np.ndarray, budget=None) -> np.ndarray:
    """The documents among ``candidates`` (a mask of those holding every word) where the
    phrase's words stand in order, each at most ``slop`` words after the one before (1: next
    to each other), as Whoosh's phrase matcher counts them, read from the stored positions;
    Whoosh's own matcher where the positions cannot be read that way. When the ``budget``'s
    time runs out, ``TimeUp`` carries the documents found so far."""
    reader = searcher.reader()
    fmt = searcher.schema[phrase.fieldname].format
    time_left = budget.left if budget is not None else None
    try:
        postings = [posting_values(reader, phrase.fieldname, w, time_left) for w in phrase.words]
    except TimeUp:   # the time ran out while the positions were being read: nothing checked yet
        budget.cut(phrase_part(phrase))
        raise TimeUp(np.zeros(0, dtype=np.int64)) from None
    if type(fmt) is not Positions or None in postings:
        return np.fromiter(searcher.docs_for_query(phrase), dtype=np.int64)
    docs = np.flatnonzero(candidates)
    where = [np.searchsorted(ids, docs) for ids, _ in postings]
    slop = max(1, int(phrase.slop))
    found = []
    for first in range(0, len(docs), _PHRASE_CHUNK):
        if budget is not None and not budget.left():
            budget.cut(phrase_part(phrase))
            raise TimeUp(np.concatenate(found) if found else np.zeros(0, dtype=np.int64))
        chunk = slice(first, first + _PHRASE_CHUNK)

        def positions(k: int) -> np.ndarray:   # word k's positions in the chunk's documents
            return _positions([postings[k][1][i] for i in where[k][chunk].tolist()])

        ends = positions(0)
        for k in range(1, len(postings)):
            if not len(ends):
                break
            ends = _following(positions(k), ends, slop)
        found.append(docs[chunk][distinct(ends >> 32)] if len(ends) else
                     np.zeros(0, dtype=np.int64))
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


_PHRASE_CHUNK = 4_000   # phrase documents checked between two looks at the time budget


def _positions(values: list[bytes]) -> np.ndarray:
    """The word positions in the raw posting values ``values`` (one per document, as Whoosh's
    ``Positions`` format encodes them: a pickled list of gaps) as sorted keys ``index of the
    value << 32 | position``: all decoded by one ``pickle.loads`` of the values joined as one
    list (Whoosh decodes one at a time) and numpy's running sum."""
    stream = b"".join(v[4:-1] if v.endswith(b".") else v[4:] for v in values)
    lists = loads(b"\x80\x02(" + stream + b"l.")
    counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    gaps = np.fromiter(chain.from_iterable(lists), dtype=np.int64, count=int(counts.sum()))
    positions = np.cumsum(gaps)
    firsts = (np.cumsum(counts) - counts)[counts > 0]          # each value's first gap
    restart = np.zeros(len(values), dtype=np.int64)
    restart[counts > 0] = positions[firsts] - gaps[firsts]     # the running sum before it
    return (np.repeat(np.arange(len(values), dtype=np.int64), counts) << 32) \
        + positions - np.repeat(restart, counts)


def _following(keys: np.ndarray, ends: np.ndarray, slop: int) -> np.ndarray:
    """The positions ``keys`` (``_positions``) that stand at most ``slop`` words after one of
    ``ends`` (positions of the same documents, sorted): where a chain of a phrase's words
    goes on."""
    before = np.searchsorted(ends, keys) - 1                   # the nearest end before each
    near = before >= 0
    near[near] = keys[near] - ends[before[near]] <= slop
    return keys[near]
