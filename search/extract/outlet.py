"""Which outlet published an article, and which outlet it was first published by.

Any outlet can be named, known or not. Its name comes from, in this order of trust:
metadata the file gives (a site name, a publisher, the article's URL), a dateline
naming a known outlet ("Global Research, May 23, 2023"), a wire credit ("LONDON
(Reuters) -", "AP -"), then the notes around the text: a contact or site address
("info@example-news.com", "www.example-news.com"), a copyright line ("© 2024 Example
Times") and a site footer ("He is a regular contributor to Example Times"). A web
domain that ``data/outlets.tsv`` does not list is named by its registrable domain
("news.example-news.co.uk" -> "example-news.co.uk", found with the public suffix list
that the ``tld`` package bundles; nothing is downloaded).

``data/outlets.tsv`` holds only what cannot be derived: the display names of the
domains of wire services and widely known outlets, and the other names they go by
("AP", "The Associated Press"), so that every variant is one canonical name.

A reprint's original publisher ("originally published on Example Times", "originally
published at www.example.org", a bare source line after the byline) is the
``source_outlet``.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from tld import get_fld

from .entities import is_common_word
from .people import is_first_name

DATA = Path(__file__).resolve().parents[1] / "data"


def _load_outlets(path: Path) -> tuple[dict, dict]:
    """(domain -> name, lowercased name or alias -> name) from ``outlets.tsv``."""
    by_domain, by_name = {}, {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.startswith("#"):
            continue
        cols = raw.split("\t")
        if len(cols) < 2 or not cols[0] or not cols[1]:
            raise ValueError(f"{path}:{number}: expected 'domain<TAB>name[<TAB>aliases]'")
        domain, name = cols[0].strip().lower(), cols[1].strip()
        by_domain[domain] = name
        for alias in [name, domain, *(cols[2].split("|") if len(cols) > 2 else [])]:
            by_name.setdefault(alias.strip().lower(), name)
    return by_domain, by_name


_BY_DOMAIN, _BY_NAME = _load_outlets(DATA / "outlets.tsv")

_DOMAIN = r"[\w-]+(?:\.[\w-]+)+"
_EMAIL_OR_SITE = re.compile(rf"[\w.+-]+@({_DOMAIN})|\bwww\.({_DOMAIN})", re.I)
_CREDIT = re.compile(r"\((?P<name>[A-Z][\w .&'-]{0,30})\)\s*[-–—:]")
_LEADING_CREDIT = re.compile(r"^(?P<name>[A-Z][\w.&' ]{0,30}?)\s+[-–—]{1,2}\s")
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s"
# a name runs to the end of the sentence; a dot inside a word ("example.org") is no end
_NAME_RUN = r"(?:[^.,;]|\.(?=\w))"
_SOURCE_CUES = re.compile(
    rf"(?:originally|first) published (?:on|by|at|in) (?:the )?(?P<a>{_NAME_RUN}{{2,80}})"
    rf"|original source of this article is (?P<b>{_NAME_RUN}{{2,80}})", re.I)
_DATE_AFTER_NAME = re.compile(rf"\s+(?:on|in)\s+(?=\d|{_MONTH})", re.I)
_FOOTER_CUES = re.compile(r"regular contributor to (?P<name>[^.,;]{2,60})", re.I)
_COPYRIGHT = re.compile(r"^(?:copyright\b|©|\(c\))[\s©:]*(?:\(c\))?\s*(?P<holder>.{2,120})", re.I)
_RIGHTS_RESERVED = re.compile(r"[.,;]?\s*all rights reserved.*$", re.I)
_YEAR_SPAN = r"(?:19|20)\d\d(?:\s*[-–]\s*(?:(?:19|20)\d\d)?)?"       # "2023", "2019-2024"
_YEARS = re.compile(rf"^(?:{_YEAR_SPAN}\s*)+|(?:\s+{_YEAR_SPAN})+$")   # before or after a name
# Version and routing tags of wire copy that export tools put where the source goes:
# "Update1", "Reuters UPDATE 2", "2nd UPDATE", "(wire)".
_VERSION_TAGS = re.compile(r"\b(?:update\s*\d+|\d+(?:st|nd|rd|th)\s+update)\b|\((?:wire|update)\)", re.I)
_ONLY_A_TAG = re.compile(r"^(?:update|wire|refile|corrected|correction)$", re.I)
_NAME_LIKE = re.compile(r"^[\w][\w .&'’-]{0,60}$")


def registrable_domain(host: str) -> str | None:
    """The domain a host was registered under ("news.example.co.uk" -> "example.co.uk"),
    by the public suffix list bundled with ``tld``; None for an IP address or a bare name."""
    found = get_fld(host.strip().strip(".").lower(), fix_protocol=True, fail_silently=True)
    if not found or found.startswith(".") or "." not in found:
        return None
    try:
        return found.encode("ascii").decode("idna")   # "xn--..." as the letters it stands for
    except UnicodeError:
        return found


def outlet_for_domain(host: str) -> str | None:
    """The listed outlet a web host belongs to ("www.bbc.co.uk" -> "BBC News"), or None."""
    host = host.lower().strip().strip(".")
    if host.startswith("www."):
        host = host[4:]
    while host:
        if host in _BY_DOMAIN:
            return _BY_DOMAIN[host]
        _, dot, host = host.partition(".")
        if not dot or "." not in host:
            return None
    return None


def outlet_or_domain(host: str) -> str | None:
    """The outlet of any web host: the listed outlet, else its registrable domain."""
    return outlet_for_domain(host) or registrable_domain(host)


def known_outlet(name: str) -> str | None:
    """The canonical name for a listed outlet name or alias, or None."""
    return _BY_NAME.get(name.strip().lower())


def canonical_outlet(value) -> str | None:
    """A metadata outlet value as a canonical name, or None when it names no outlet.

    Listed names and domains are mapped to their canonical name, a URL or a host to its
    site ("world.example.co.kr" -> "example.co.kr"), version tags of wire copy are
    dropped ("Reuters UPDATE1" -> "Reuters", "Update2" -> None), and so is a phrase that
    opens with a lower-case English word; any other name is kept as written.
    """
    if isinstance(value, dict):
        value = value.get("name") or value.get("title")
    if isinstance(value, (list, tuple)):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    if not isinstance(value, str):
        return None
    value = " ".join(_VERSION_TAGS.sub(" ", value).split()).strip(" -–—,:;|")
    known = known_outlet(value)
    if known:
        return known
    if not value or _ONLY_A_TAG.match(value) or _opens_with_a_plain_word(value):
        return None
    if "//" in value:
        return site_of_url(value)
    if "." in value and " " not in value:   # a domain, kept as written unless it is a host under one
        domain = registrable_domain(value)
        return outlet_for_domain(value) or (domain if domain and domain != value.lower() else value)
    return value


def _opens_with_a_plain_word(value: str) -> bool:
    """True for words that open with an ordinary lower-case English word other than "the"
    ("and survived", "voice over IP"): a phrase cut from a sentence, not a name ("heise
    online", "the Daily Planet" are names)."""
    first = value.split()[0]
    return first.islower() and first != "the" and is_common_word(first)


def host_of(url) -> str | None:
    """The host name of a URL without "www." ("https://www.bbc.co.uk/x" -> "bbc.co.uk"), or None."""
    if not isinstance(url, str) or "//" not in url:
        return None
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:   # a malformed URL, such as an unclosed IPv6 bracket
        return None
    return host.removeprefix("www.") or None


def outlet_for_url(url) -> str | None:
    """The listed outlet of an article's URL, or None."""
    host = host_of(url)
    return outlet_for_domain(host) if host else None


def site_of_url(url) -> str | None:
    """The outlet of any article URL: the listed outlet, else the registrable domain."""
    host = host_of(url)
    return outlet_or_domain(host) if host else None


def _plain_name(text: str) -> str | None:
    text = text.strip().strip("\"'“”‘’ ")
    return text if _NAME_LIKE.match(text) and len(text.split()) <= 8 else None


def _is_person(name: str) -> bool:
    """True for a name that opens with a given name and has more words ("Jane Roe")."""
    words = name.split()
    return len(words) > 1 and is_first_name(words[0])


def outlet_from_dateline(line: str, date_at: int) -> str | None:
    """The listed outlet named before the date of a dateline ("Global Research, May 23, 2023")."""
    return known_outlet(line[:date_at].strip(" ,|-–—·"))


def outlet_from_credit(first_line: str) -> str | None:
    """The wire service credited at the start of a story ("LONDON (Reuters) -", "AP - ")."""
    m = _CREDIT.search(first_line[:200]) or _LEADING_CREDIT.match(first_line)
    return known_outlet(m.group("name")) if m else None


def copyright_holder(line: str) -> str | None:
    """The outlet a copyright line names ("© 2024 Example Times. All rights reserved."):
    a listed outlet among its holders, else the first holder that is not a person."""
    m = _COPYRIGHT.match(line.strip())
    if not m:
        return None
    holders = _RIGHTS_RESERVED.sub("", m.group("holder"))
    parts = [_YEARS.sub("", p).strip(" .") for p in holders.split(",")]
    parts = [p for p in parts if p]
    return (next(filter(None, map(known_outlet, parts)), None)
            or next((name for name in map(_plain_name, parts) if name and not _is_person(name)), None))


def outlet_from_notes(lines, source: str | None = None) -> str | None:
    """The outlet named by the notes around an article (boilerplate and header lines).

    A listed outlet's contact or site address wins; then any other site address, a
    copyright line and a site footer, in that order. Lines naming the original
    publisher of a reprint are passed over, and so is a copyright holder that is
    that publisher (``source``): a reprint keeps its original's copyright line.
    """
    lines = [line for line in lines if not _SOURCE_CUES.search(line)]
    domains = [m.group(1) or m.group(2) for line in lines for m in _EMAIL_OR_SITE.finditer(line)]
    site = (next(filter(None, map(outlet_for_domain, domains)), None)
            or next(filter(None, map(registrable_domain, domains)), None))
    if site:
        return site
    holder = next((h for h in map(copyright_holder, lines) if h and h != source), None)
    if holder:
        return holder
    for line in lines:
        m = _FOOTER_CUES.search(line)
        found = m and (known_outlet(m.group("name")) or _plain_name(m.group("name")))
        if found:
            return found
    return None


def source_from_notes(lines) -> str | None:
    """The original publisher a reprint names ("originally published on InfoBrics")."""
    for line in lines:
        m = _SOURCE_CUES.search(line)
        if m:
            name = _DATE_AFTER_NAME.split((m.group("a") or m.group("b")).strip())[0]
            return known_outlet(name) or site_of_url(name) or canonical_outlet(_plain_name(name))
    return None
