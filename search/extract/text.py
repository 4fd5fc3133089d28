"""Cleaning an article's text: spaces, markdown links, and boilerplate lines.

``normalize`` makes every Unicode space a plain space and removes control and
zero-width characters, before any other matching. ``clean`` then splits a text
into a title (the first non-empty line, for plain-text files), a header (the
short lines between the title and the body: byline, dateline, source line) and
the body, leaving out the boilerplate lines listed in ``data/boilerplate.txt``.
What is left out is kept in ``Cleaned.notes`` so that metadata can still be read
from it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from .authors import is_byline

DATA = Path(__file__).resolve().parents[1] / "data"

TITLE_MAX = 300        # a longer first line is a paragraph, not a title
HEADER_MAX_LINES = 15  # lines after the title that may hold a byline, dateline or source
HEADER_LINE_MAX = 120  # a header line (byline, dateline, source) is short

# Unicode spaces become a plain space; zero-width and control characters go.
_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t\f\v"
_DROP = "\u200b\u200c\u200d\u2060\ufeff\u00ad" + "".join(
    chr(c) for c in (*range(0, 9), *range(14, 32), 127, *range(0x80, 0xA0)))
_SPACE_RUNS = re.compile(f"[{_SPACES}][ {_SPACES}]*| [ {_SPACES}]+")   # only what needs changing
_DROP_CHARS = re.compile(f"[{re.escape(_DROP)}]+")
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029]")

_ENTITIES = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});| ?#(?P<bare>\d{2,3});")
_WORDS = re.compile(r"\w+")
_HEADING = re.compile(r"^#{1,6}\s+")
_LINK = re.compile(r"(!?)\[([^\]\n]{0,500})\]\([^)\n]{0,1000}\)")
_LINK_ONLY = re.compile(r"^(?:\s*!?\[[^\]\n]{0,500}\]\([^)\n]{0,1000}\)\s*[,|/·•]?)+\s*$")
# A short label followed only by links ("Tags: [a](..), [b](..)"): a list of links, not text.
_LABELLED_LINKS = re.compile(r"^[\w’'& -]{1,30}:\s*(?:!?\[[^\]\n]{0,500}\]\([^)\n]{0,1000}\)\s*[,|/·•]?\s*)+$")
_SINGLE_LINK = re.compile(r"^\s*\[([^\]\n]{1,80})\]\([^)\n]{0,1000}\)\s*$")


_BOUND = re.compile(r"\(\?=\.\{0,(\d+)\}\$\)")   # a rule's "(?=.{0,300}$)": short lines only


class _LineRules:
    """The line rules of a boilerplate file. Rules that open with a length bound
    ("(?=.{0,300}$)") are not tried on longer lines: most lines of an article are
    paragraphs no such rule can match. Bounded rules that look for words anywhere in
    the line (".*\\bclick here") are searched for, which is much cheaper than matching
    ".*" at the start and backtracking."""

    def __init__(self, patterns: list[str]):
        bounded = []   # (length bound, rule without the bound)
        other = []
        for p in patterns:
            bound = _BOUND.match(p)
            if bound:
                bounded.append((int(bound.group(1)), p[bound.end():]))
            else:
                other.append(p)
        self.other = _one(other)
        self.limits = sorted({n for n, _ in bounded})
        # for each bound: the rules a line that short may match, searched and matched
        self._by_limit = {limit: (_one([r[2:] for n, r in bounded if n >= limit and r.startswith(".*")]),
                                  _one([r for n, r in bounded if n >= limit and not r.startswith(".*")]))
                          for limit in self.limits}

    def match(self, line: str) -> bool:
        """Does a rule match ``line`` (at its start, or anywhere for the searching ones)?"""
        if self.other.match(line):
            return True
        fitting = next((n for n in self.limits if len(line) <= n), None)
        if fitting is None:
            return False
        anywhere, bounded = self._by_limit[fitting]
        return bool(bounded.match(line) or anywhere.search(line))


def _one(patterns: list[str]) -> re.Pattern:
    """One case-insensitive pattern for any of ``patterns`` (none: one that never matches)."""
    return re.compile("|".join(f"(?:{p})" for p in patterns) or "(?!)", re.IGNORECASE)


def _load_rules(path: Path) -> tuple[_LineRules, re.Pattern]:
    """The line rules and the cut rule (one pattern) of a boilerplate file."""
    rules = {"line": [], "cut": []}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.startswith("#"):
            continue
        kind, _, pattern = raw.partition("\t")
        if kind not in rules or not pattern:
            raise ValueError(f"{path}:{number}: expected 'line<TAB>regex' or 'cut<TAB>regex'")
        rules[kind].append(pattern)
    return _LineRules(rules["line"]), _one(rules["cut"])


_BOILERPLATE_LINE, _BOILERPLATE_CUT = _load_rules(DATA / "boilerplate.txt")


@dataclass
class Cleaned:
    """A text split into title, header lines, body, and the boilerplate left out."""

    title: str | None
    header: list = field(default_factory=list)   # short lines before the body (links reduced)
    source_link: str | None = None               # a bare "[Outlet](url)" line in the header
    body: str = ""
    notes: list = field(default_factory=list)    # boilerplate lines and cut words, in order


def _entity(m: re.Match) -> str:
    if m.group("bare"):
        code = int(m.group("bare"))
        return chr(code) if 32 <= code < 127 else m.group(0)
    return html.unescape(m.group(0))


def normalize(text: str) -> str:
    """Plain spaces and newlines only: Unicode spaces, control and zero-width characters
    removed, HTML entities left in exported text ("&amp;", and "#39;" whose "&" was lost) decoded."""
    text = _DROP_CHARS.sub("", _NEWLINES.sub("\n", text))
    if "&" in text or "#" in text:
        text = _ENTITIES.sub(_entity, text)
    return _SPACE_RUNS.sub(" ", text)


def strip_links(line: str) -> str:
    """Markdown links reduced to their words, markdown images and heading marks removed."""
    if line.startswith("#"):
        line = _HEADING.sub("", line)
    if "](" not in line:
        return line
    return _LINK.sub(lambda m: "" if m.group(1) else m.group(2), line)


_TITLE_SEPARATORS = re.compile(r"\s+(?:\||»|::|--|[-–—·:])\s+")
_STRONG_SEPARATORS = ("|", "»", "::", "--")


def strip_site_name(title: str, site_names) -> str:
    """A web page title without the site's name tacked on ("Headline | CNN Politics").

    A trailing part after "|", "»", "::" or "--" goes when it is short; after a
    dash or colon only when it names the site (one of ``site_names``).
    """
    names = [n.lower() for n in site_names if n]
    while True:
        parts = list(_TITLE_SEPARATORS.finditer(title))
        if not parts:
            return title
        last = parts[-1]
        head, tail = title[:last.start()].strip(), title[last.end():].strip()
        tail_l = tail.lower()
        strong = last.group(0).strip() in _STRONG_SEPARATORS
        names_site = any(n in tail_l or tail_l in n for n in names if len(tail_l) > 1)
        if len(head.split()) < 2 or not (names_site or (strong and len(tail.split()) <= 5)):
            return title
        title = head


HEADLINE_MIN_WORDS = 4   # an h1 shorter than this is a site or section name, not a headline
MAX_HEADLINES = 10       # h1 elements of a page looked at for its headline
SHARED_WORD_MIN = 4      # letters of a word that ties an h1 to a page's titles


def _held(outer: str, inner: str) -> bool:
    """True when ``outer`` is ``inner`` with at most as much again before or after it (a
    kicker, a section name), ignoring case, punctuation and spacing."""
    outer, inner = (" ".join(_WORDS.findall(t.casefold())) for t in (outer, inner))
    return bool(inner) and inner in outer and 2 * len(inner) >= len(outer)


def _related(head: str, titles) -> bool:
    """True when ``head`` shares at least two longer words with one of ``titles``."""
    words = {w for w in _WORDS.findall(head.casefold()) if len(w) >= SHARED_WORD_MIN}
    return any(len(words & set(_WORDS.findall(t.casefold()))) >= 2 for t in titles)


def page_title(title: str | None, og_title: str | None, headlines, site_names) -> str | None:
    """A web page's headline, from its ``<title>``, its og:title and its h1 texts.

    An h1 that is the title or og:title without the site's name is taken as written;
    a title that an h1 only extends or shortens (by a kicker or a section name) is taken
    instead of that h1; a page's only h1 is taken when it is a headline (some words long)
    on the titles' subject; otherwise og:title, then the title, each without the site's name.
    """
    titles = [strip_site_name(t, site_names) for t in (title, og_title) if t]
    heads = [h for h in headlines if h]
    for head in heads:
        if any(same_words(head, t) for t in titles):
            return head
    for t in titles:
        if any(_held(head, t) or _held(t, head) for head in heads):
            return t
    if (len(heads) == 1 and len(heads[0].split()) >= HEADLINE_MIN_WORDS
            and _related(heads[0], titles)):
        return heads[0]
    return titles[-1] if titles else None


def is_boilerplate(line: str) -> bool:
    """True for a line of site furniture (share prompts, notices, credits)."""
    return _BOILERPLATE_LINE.match(line)


def _is_link_list(raw: str) -> bool:
    """True for a line that is only links, perhaps after a short label: navigation, not text."""
    return "](" in raw and (_LINK_ONLY.match(raw) is not None or _LABELLED_LINKS.match(raw) is not None)


def _is_header_line(line: str, raw: str) -> bool:
    """A byline, a dateline, or a bare source link: lines that feed metadata, not the body."""
    if len(line) > HEADER_LINE_MAX:
        return False
    return is_byline(line) or _LINK_ONLY.match(raw) is not None or is_dateline(line)


_HEADER_DATE = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?\s\d{1,2}(?:st|nd|rd|th)?,?\s(?:19|20)\d\d\b"
    r"|\b\d{1,2}\.?\s(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December)\s(?:19|20)\d\d\b|\b(?:19|20)\d\d-\d\d-\d\d\b")
# What may stand beside the date on a dateline: a name, "Published", a time, separators.
_DATELINE_WORD = re.compile(
    r"(?:[A-Z][\w.&'’-]*|published|posted|updated|first|last|on|at|de|of|the|\d{1,2}[:.]\d\d|am|pm|[|,·•/()–—-]+)$")


def is_dateline(line: str) -> bool:
    """True for a short line that gives a full date and little else ("Global Research, May 23, 2023").

    "Year ended December 31, 1986" is text, not a dateline: its other words are not names.
    """
    m = _HEADER_DATE.search(line)
    if not m:
        return False
    rest = (line[:m.start()] + " " + line[m.end():]).split()
    return len(rest) <= 8 and all(_DATELINE_WORD.match(w.rstrip(".,:;")) or not w.strip(".,:;") for w in rest)


def same_words(a: str, b: str) -> bool:
    """True when two lines have the same words, ignoring case and punctuation."""
    return _WORDS.findall(a.casefold()) == _WORDS.findall(b.casefold())


def clean(text: str, take_title: bool, known_title: str | None = None) -> Cleaned:
    """Split a normalized text into title, header, body and boilerplate notes.

    With ``take_title`` the first non-empty line is the title (plain-text files);
    otherwise the title comes from metadata (``known_title``, left out of the body
    when the text repeats it as its first line) and every line is header or body.
    """
    lines = text.split("\n")
    i, n = 0, len(lines)
    title = None
    while i < n and not lines[i].strip():
        i += 1
    if i < n and take_title and len(lines[i]) <= TITLE_MAX:
        title = strip_links(lines[i]).strip() or None
        i += 1
    elif i < n and known_title and same_words(strip_links(lines[i]), known_title):
        i += 1
    out = Cleaned(title=title)
    kept: list[str] = []
    in_header, header_seen = True, 0
    for raw in lines[i:]:
        raw = raw.strip()
        if not raw:
            if kept and kept[-1]:
                kept.append("")
            continue
        line = strip_links(raw).strip()
        if in_header:
            header_seen += 1
            if header_seen > HEADER_MAX_LINES:
                in_header = False
            elif _is_header_line(line, raw):
                single = _SINGLE_LINK.match(raw)
                if single and out.source_link is None and out.header:
                    out.source_link = single.group(1).strip()
                out.header.append(line)
                continue
            elif not (is_boilerplate(line) or _is_link_list(raw)):
                in_header = False
        if not line or is_boilerplate(line) or _is_link_list(raw):
            out.notes.append(line)
            continue
        cut = _BOILERPLATE_CUT.search(line)
        if cut:
            out.notes.extend(m.group(0).strip() for m in _BOILERPLATE_CUT.finditer(line))
            line = " ".join(_BOILERPLATE_CUT.sub("", line).split())
            if not line:
                continue
        kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    out.body = "\n".join(kept)
    return out

