"""Publication dates and the dates an article's text mentions.

``parse_date_value`` reads a metadata value (ISO strings, RSS-style strings,
Unix timestamps) into an ISO date, refusing values that lack a day or a year:
a date is never invented, so an unknown date stays ``None``.

``page_date`` gives a saved web page's publication day: the date under its
headline when its metadata states none, else htmldate's fast pass on the whole
page (comments and scripts included) checked against the publication and
modification times the metadata states (meta tags, JSON-LD), then htmldate's
extensive search.

``find_dates`` scans text for written dates ("December 30, 2023", "30 Dec 2023",
"March 2024", "On May 12", "in November"). A date without a year takes its year
from the article's own publication date (the nearest such date not after it);
with no publication date it is dropped.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timezone
from itertools import islice

from dateutil import parser as dateutil_parser

from .text import HEADLINE_MIN_WORDS, MAX_HEADLINES

MIN_YEAR, MAX_YEAR = 1800, 2100

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6,
    "july": 7, "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}

# Full month names, or abbreviations written with a capital and (optionally) a dot.
# "May" is only taken with a capital letter, so the verb "may" is never a month.
_MONTH = (r"(?P<{g}>January|February|March|April|May|June|July|August|September|October"
          r"|November|December|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)")
_DAY = r"(?P<{g}>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?P<{g}>1[89]\d\d|20\d\d)"

# Starts only at a digit or a month's capital, so that scanning a long text stays fast.
_DATE_RE = re.compile(
    r"\b(?=[0-9JFMASOND])(?:"
    # 2023-12-30
    r"(?P<iy>1[89]\d\d|20\d\d)-(?P<im>0[1-9]|1[0-2])-(?P<id>0[1-9]|[12]\d|3[01])(?![\d-])"
    # December 30, 2023 | December 30 2023 | December 30
    rf"|{_MONTH.format(g='m1')}\s{_DAY.format(g='d1')}(?:,?\s{_YEAR.format(g='y1')})?(?![\d:])"
    # 30 December 2023 | 30 December
    rf"|{_DAY.format(g='d2')}\s(?:of\s)?{_MONTH.format(g='m2')}(?:,?\s{_YEAR.format(g='y2')})?(?!\s?\d)"
    # March 2024 | March, 2024
    rf"|{_MONTH.format(g='m3')},?\s{_YEAR.format(g='y3')}"
    # November (a month alone: taken only after a cue word such as "in", see _MONTH_CUE)
    rf"|{_MONTH.format(g='m4')}(?![\w-]|,?\s\d)"
    r")")

_MONTH_CUE = re.compile(r"\b(?:in|since|until|by|from|early|late|last|mid|this)[\s-]$", re.IGNORECASE)
_ISO_PREFIX = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})(?:$|[T\s])")
_DEFAULTS = (datetime(2001, 1, 1), datetime(2002, 2, 2))   # to tell which parts were given


def _valid(y: int, m: int, d: int) -> date | None:
    if not MIN_YEAR <= y <= MAX_YEAR:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None


def parse_date_value(value) -> str | None:
    """An ISO date (YYYY-MM-DD) from a metadata value, or None when it is not a full date."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        seconds = value / 1000 if value > 1e11 else value   # milliseconds or seconds
        try:
            found = datetime.fromtimestamp(seconds, tz=timezone.utc).date()
        except (OverflowError, OSError, ValueError):
            return None
        return found.isoformat() if MIN_YEAR <= found.year <= MAX_YEAR else None
    text = str(value).strip()
    if not text or len(text) > 80:
        return None
    iso = _ISO_PREFIX.match(text)
    if iso:
        found = _valid(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        return found.isoformat() if found else None
    try:
        first, second = (dateutil_parser.parse(text, default=d, fuzzy=False, ignoretz=True)
                         for d in _DEFAULTS)
    except (ValueError, OverflowError, TypeError):
        return None
    if (first.year, first.day) != (second.year, second.day) or first.month != second.month:
        return None   # year, month or day was missing: filled from the default, not given
    found = _valid(first.year, first.month, first.day)
    return found.isoformat() if found else None


def _month(name: str) -> int:
    return MONTHS[name.rstrip(".").lower()]


def _resolve(month: int, day: int | None, published: date | None) -> str | None:
    """The year-less date's ISO form, taking the year from ``published``; None without one."""
    if published is None:
        return None
    if day is None:
        year = published.year if month <= published.month else published.year - 1
        return f"{year:04d}-{month:02d}"
    for year in range(published.year, published.year - 9, -1):
        found = _valid(year, month, day)
        if found and found <= published:
            return found.isoformat()
    return None


def _from_match(m: re.Match, published: date | None) -> str | None:
    if m.group("iy"):
        found = _valid(int(m.group("iy")), int(m.group("im")), int(m.group("id")))
        return found.isoformat() if found else None
    for mg, dg, yg in (("m1", "d1", "y1"), ("m2", "d2", "y2")):
        if m.group(mg):
            month, day = _month(m.group(mg)), int(m.group(dg))
            if m.group(yg):
                found = _valid(int(m.group(yg)), month, day)
                return found.isoformat() if found else None
            return _resolve(month, day, published)
    if m.group("m3"):
        return f"{int(m.group('y3')):04d}-{_month(m.group('m3')):02d}"
    if not _MONTH_CUE.search(m.string, max(0, m.start() - 7), m.start()):
        return None   # "May", "March" alone are too often not dates
    return _resolve(_month(m.group("m4")), None, published)


def find_dates(text: str, published: str | None = None) -> list[str]:
    """Distinct ISO dates ("2023-12-30", or "2024-03" for a month) written in ``text``, in order."""
    pub = date.fromisoformat(published) if published else None
    seen: dict[str, None] = {}
    for m in _DATE_RE.finditer(text):
        found = _from_match(m, pub)
        if found:
            seen.setdefault(found, None)
    return list(seen)


def date_in_line(line: str) -> tuple[str, int] | None:
    """The first full date (with day and year) a line such as a byline states, and where
    it starts in the line; None if there is none."""
    for m in _DATE_RE.finditer(line):
        found = _from_match(m, None)
        if found and len(found) == 10:
            return found, m.start()
    return None


# --- web pages ----------------------------------------------------------------------

# Metadata names (meta name/property/itemprop, JSON-LD keys; lower case) that state when
# a page was first published, and when it was last changed.
_PUBLISHED_NAMES = {"datepublished", "article:published_time", "og:article:published_time",
                    "og:published_time", "published_time", "pubdate", "publishdate", "publish-date",
                    "dc.date.issued", "dcterms.issued"}
_MODIFIED_NAMES = {"datemodified", "article:modified_time", "og:article:modified_time",
                   "og:updated_time", "last-modified", "lastmod", "dc.date.modified", "dcterms.modified"}
_STATED_NAMES = _PUBLISHED_NAMES | _MODIFIED_NAMES
MAX_JSON_LD_CHARS = 200_000   # a longer JSON-LD script is not read for dates
HEADLINE_FOLLOWING_LINES = 6  # text pieces after a headline that may hold its byline date
BYLINE_DATE_MAX_CHARS = 60    # a longer text piece is a sentence or a caption, not a byline date
_NEW_YEAR_NUMERIC = r"(?<!\d)(?:{y}[-/.]0?1[-/.]0?1|0?1[-/.]0?1[-/.]{y})(?!\d)"


def _utc_day(value: str) -> str | None:
    """The UTC day of an ISO timestamp that carries an offset other than UTC; None otherwise."""
    try:
        stamp = dateutil_parser.isoparse(value)
    except (ValueError, OverflowError):
        return None
    offset = stamp.utcoffset()
    return stamp.astimezone(timezone.utc).date().isoformat() if offset else None


def _json_ld_items(tree):
    """The top-level objects of a page's JSON-LD scripts (members of an "@graph" too);
    nested objects (related articles, say) are not the page's own."""
    for script in tree.iterfind('.//script[@type="application/ld+json"]'):
        text = script.text or ""
        if len(text) > MAX_JSON_LD_CHARS:
            continue
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict):
                graph = item.get("@graph")
                yield from (g for g in graph if isinstance(g, dict)) if isinstance(graph, list) else [item]


def _stated_times(tree) -> tuple[list[str], set[str]]:
    """(publication timestamps, modification days) a page's metadata states, in page order."""
    published, modified = [], set()

    def take(name, value):
        name = name.strip().lower()
        if not isinstance(value, str) or name not in _STATED_NAMES:
            return
        if name in _PUBLISHED_NAMES:
            published.append(value.strip())
        elif day := parse_date_value(value):
            modified.add(day)

    for meta in tree.iterfind(".//meta"):
        name = meta.get("property") or meta.get("name") or meta.get("itemprop") or ""
        take(name, meta.get("content"))
    for item in _json_ld_items(tree):
        for key, value in item.items():
            take(key, value)
    for element in tree.xpath('.//*[@itemprop="datePublished" or @itemprop="dateModified"]'):
        if element.tag != "meta":
            take(element.get("itemprop"), element.get("datetime") or element.get("content"))
    return published, modified


def _states_new_year(page: str, year: str) -> bool:
    """True when a page writes January 1 of ``year`` in full (numbers or words), not a bare year."""
    return (re.search(_NEW_YEAR_NUMERIC.format(y=year), page) is not None
            or f"{year}-01-01" in find_dates(page))


def _date_below_headline(tree) -> str | None:
    """The first full date on a short line among the few that follow a page's headline (an
    h1 of some words: a logo's is shorter), where a byline shows when the article appeared;
    a caption or a sentence that mentions a date is longer."""
    for head in islice(tree.iter("h1"), MAX_HEADLINES):
        if len(head.text_content().split()) < HEADLINE_MIN_WORDS:
            continue
        for piece in head.xpath("following::text()[normalize-space()][not(ancestor::script or ancestor::style)]"
                                f"[position() <= {HEADLINE_FOLLOWING_LINES}]"):
            found = date_in_line(piece) if len(piece.strip()) <= BYLINE_DATE_MAX_CHARS else None
            if found:
                return found[0]
    return None


def _visible_text(tree) -> str:
    """The text a page's reader sees: its body without scripts and styles."""
    return " ".join(tree.xpath(".//body//text()[not(ancestor::script or ancestor::style)]"))


def page_date(page: str, tree) -> str | None:
    """The publication day (ISO) of a web page, from its raw HTML ``page`` and ``tree``, the
    page as htmldate parses it (comments and scripts kept: they carry dates); the tree is
    not changed.

    A page whose metadata states no publication time has the date its headline's byline
    shows, if it shows one. Otherwise htmldate reads the tree. Its answer gives way to
    the publication time the page's metadata states when that is the same moment on the
    local day (a timestamp with an offset is the local publication day, its UTC day is not)
    or when htmldate took the page's modification day, publication came earlier and the
    page does not show the modification day to its readers as its date. With no
    answer from either, htmldate's extensive search is taken, except a January 1 guessed
    from a bare year (a copyright line).
    """
    import htmldate

    stamps, modified = _stated_times(tree)
    stated = [(day, stamp) for stamp in stamps if (day := parse_date_value(stamp))]
    shown = None if stated else _date_below_headline(tree)
    if shown:
        return shown
    found = htmldate.find_date(tree, original_date=True, extensive_search=False)
    if found is None:
        if stated:
            return stated[0][0]
        found = htmldate.find_date(tree, original_date=True)
        if found and found.endswith("-01-01") and not _states_new_year(page, found[:4]):
            return None
        return found
    for day, stamp in stated:
        if day != found and found == _utc_day(stamp):
            return day
    if (stated and found in modified and stated[0][0] < found
            and found not in find_dates(_visible_text(tree))):
        return stated[0][0]
    return found
