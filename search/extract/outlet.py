"""Which outlet published an article, and which outlet it was first published by.

Outlet names are canonical: ``data/outlets.tsv`` maps web domains and name
variants ("AP", "The Associated Press") to one name ("Associated Press").
Cues in the text are read in this order of trust: a dateline naming a known
outlet ("Global Research, May 23, 2023"), a wire credit ("LONDON (Reuters) -"),
a contact or site address of a known outlet ("info@strategic-culture.su"), and
a site footer ("He is a regular contributor to Global Research"). A reprint's
original publisher ("originally published on InfoBrics", a bare source line
after the byline) is the ``source_outlet``.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

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

_EMAIL_OR_SITE = re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)|\bwww\.([\w-]+(?:\.[\w-]+)+)", re.I)
_CREDIT = re.compile(r"\((?P<name>[A-Z][\w .&'-]{0,30})\)\s*[-–—:]")
_SOURCE_CUES = re.compile(
    r"(?:originally|first) published (?:on|by|at|in) (?:the )?(?P<a>[^.,;]{2,80})"
    r"|original source of this article is (?P<b>[^.,;]{2,80})", re.I)
_FOOTER_CUES = re.compile(r"regular contributor to (?P<name>[^.,;]{2,60})", re.I)
_NAME_LIKE = re.compile(r"^[\w][\w .&'’-]{0,60}$")


def outlet_for_domain(host: str) -> str | None:
    """The outlet a web host belongs to ("www.bbc.co.uk" -> "BBC News"), or None if unknown."""
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


def known_outlet(name: str) -> str | None:
    """The canonical name for a known outlet name or alias, or None."""
    return _BY_NAME.get(name.strip().lower())


def canonical_outlet(value) -> str | None:
    """A metadata outlet value as a canonical name: known names and domains mapped, others kept."""
    if isinstance(value, dict):
        value = value.get("name") or value.get("title")
    if isinstance(value, (list, tuple)):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    if not isinstance(value, str) or not value.strip():
        return None
    value = " ".join(value.split())
    known = known_outlet(value)
    if known:
        return known
    if "." in value and " " not in value:
        return outlet_for_domain(host_of(value) or value) or value
    return value


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
    """The known outlet of an article's URL, or None."""
    host = host_of(url)
    return outlet_for_domain(host) if host else None


def _plain_name(text: str) -> str | None:
    text = text.strip().strip("\"'“”‘’ ")
    return text if _NAME_LIKE.match(text) and len(text.split()) <= 8 else None


def outlet_from_dateline(line: str, date_at: int) -> str | None:
    """The known outlet named before the date of a dateline ("Global Research, May 23, 2023")."""
    return known_outlet(line[:date_at].strip(" ,|-–—·"))


def outlet_from_credit(first_line: str) -> str | None:
    """The wire service credited at the start of a story ("LONDON (Reuters) -")."""
    m = _CREDIT.search(first_line[:200])
    return known_outlet(m.group("name")) if m else None


def outlet_from_notes(lines) -> str | None:
    """The outlet named by contact addresses or a site footer among boilerplate lines."""
    footer = None
    for line in lines:
        for m in _EMAIL_OR_SITE.finditer(line):
            found = outlet_for_domain(m.group(1) or m.group(2))
            if found:
                return found
        if footer is None:
            m = _FOOTER_CUES.search(line)
            footer = m and (known_outlet(m.group("name")) or _plain_name(m.group("name")))
    return footer or None


def source_from_notes(lines) -> str | None:
    """The original publisher a reprint names ("originally published on InfoBrics")."""
    for line in lines:
        m = _SOURCE_CUES.search(line)
        if m:
            name = (m.group("a") or m.group("b")).strip()
            return known_outlet(name) or canonical_outlet(_plain_name(name))
    return None
