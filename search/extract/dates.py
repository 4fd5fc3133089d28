"""Publication dates and the dates an article's text mentions.

``parse_date_value`` reads a metadata value (ISO strings, RSS-style strings,
Unix timestamps) into an ISO date, refusing values that lack a day or a year:
a date is never invented, so an unknown date stays ``None``.

``find_dates`` scans text for written dates ("December 30, 2023", "30 Dec 2023",
"March 2024", "On May 12", "in November"). A date without a year takes its year
from the article's own publication date (the nearest such date not after it);
with no publication date it is dropped.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

from dateutil import parser as dateutil_parser

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
        first, second = (dateutil_parser.parse(text, default=d, fuzzy=False) for d in _DEFAULTS)
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
