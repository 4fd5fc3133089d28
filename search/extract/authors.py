"""Author names from bylines ("By Joana Ferreira da Costa"), from a closing bio paragraph
("Jane Roe is a reporter covering ...") and from metadata values."""

from __future__ import annotations

import re

from .people import is_first_name

_BYLINE = re.compile(r"^(?:by|author|authors|written by|articles by)\s*[:\s]\s*(?P<names>.+)$", re.I)
_SPLIT = re.compile(r"\s*(?:,|;|\||&|\band\b|\bund\b|\bet\b|\by\b)\s*")
# Words that end a byline's names: a date, an outlet credit, a role.
_TAIL = re.compile(r"\s*(?:[|–—•·]|\s-\s|\bon\b|\bfor\b|\bupdated\b|\bpublished\b|\d).*$", re.I)
_PARTICLES = {"de", "da", "do", "dos", "das", "del", "della", "di", "du", "van", "von", "der",
              "den", "ten", "ter", "bin", "ibn", "al", "el", "la", "le", "st.", "mc", "y"}
_NOT_NAMES = {"staff", "reporter", "reporters", "editor", "editors", "correspondent", "news",
              "agency", "agencies", "admin", "team", "desk", "the", "wire", "press", "report",
              "reports", "service", "newsroom"}


def _newsroom(name: str) -> bool:
    """Is this a newsroom's credit ("National Desk", "Staff Report"), not a person?"""
    return any(w.lower().strip(".") in _NOT_NAMES for w in name.split())


def _is_name(name: str) -> bool:
    words = name.split()
    if not 1 <= len(words) <= 6 or len(name) > 60:
        return False
    if _newsroom(name):
        return False
    return all(w[0].isupper() or w.lower() in _PARTICLES for w in words if w[0].isalpha()) \
        and words[0][0].isalpha()


def split_names(value: str) -> list[str]:
    """Names in a byline's name part ("A, B and C"), keeping only what looks like a name."""
    value = _TAIL.sub("", value).strip(" .,:")
    names = []
    for part in _SPLIT.split(value):
        part = " ".join(part.split()).strip(" .,:")
        if part and _is_name(part) and part not in names:
            names.append(part)
    return names


def is_byline(line: str) -> bool:
    """True for a line that is only a byline: "By" (or "Author:") and names, perhaps a date or credit.

    "By Christmas, the company will ..." is a sentence, not a byline: every part must be a name.
    """
    m = _BYLINE.match(line.strip())
    if not m:
        return False
    parts = [p.strip(" .,:") for p in _SPLIT.split(_TAIL.sub("", m.group("names")).strip(" .,:"))]
    return bool(parts) and all(p and _is_name(" ".join(p.split())) for p in parts)


def authors_from_byline(line: str) -> list[str]:
    """The names of a byline line such as "By Joana Ferreira da Costa"; [] for other lines."""
    m = _BYLINE.match(line.strip())
    return split_names(m.group("names")) if m else []


# A closing paragraph about the writer: full names, then "is a/an" (one writer) or "are"
# (several), in a sentence naming a writer's role.
_BIO_VERB = re.compile(r"\s(?:(?P<one>is)\s+an?|(?P<many>are))\s")
BIO_NAMES_MAX = 120   # characters of names before the verb
_WRITER_ROLE = re.compile(
    r"\b(?:journalists?|writers?|reporters?|correspondents?|editors?|columnists?|authors?|researchers?"
    r"|analysts?|contributors?|freelancers?|freelance|fellows?|professors?|lecturers?|commentators?"
    r"|bloggers?|experts?|scholars?|historians?|economists?|novelists?|photographers?|consultants?)\b",
    re.IGNORECASE)
BIO_MAX_CHARS = 600   # a longer paragraph is article text, not a note about its writer


def _full_name(name: str) -> bool:
    """True for a name of two to five words that starts with a known first name."""
    words = name.split()
    return 2 <= len(words) <= 5 and _is_name(name) and is_first_name(words[0])


def authors_from_bio(paragraph: str) -> list[str]:
    """The writers a closing bio paragraph names ("Jane Roe is a freelance reporter ...",
    "Jane Roe and John Doe are researchers ..."); [] for any other paragraph."""
    if len(paragraph) > BIO_MAX_CHARS:
        return []
    m = _BIO_VERB.search(paragraph, 0, BIO_NAMES_MAX)
    if not m or not _WRITER_ROLE.search(paragraph, m.end()):
        return []
    names = [" ".join(n.split()) for n in _SPLIT.split(paragraph[:m.start()].strip())]
    if (m.group("one") and len(names) != 1) or (m.group("many") and len(names) < 2):
        return []
    return names if all(_full_name(n) for n in names) else []


_COMPANY = re.compile(r"\b(?:GmbH|Inc|Ltd|LLC|PLC|Corp|AG|S\.A)\b\.?", re.I)


def people_only(names: list[str], is_outlet) -> list[str]:
    """Names a web page's metadata gives as authors, without its outlet, companies and
    one-word fragments ("SPIEGEL ONLINE; Hamburg; Germany" -> [])."""
    return [n for n in names
            if len(n.split()) > 1 and not _COMPANY.search(n) and not is_outlet(n)]


def _inverted(name: str) -> str:
    """ "Last, First" as "First Last" ("Roe, Jane" -> "Jane Roe", "da Costa, Joana" ->
    "Joana da Costa"); any other name as it is."""
    last, comma, first = name.partition(",")
    last_words, first_words = last.split(), first.split()
    if (not comma or "," in first or not 1 <= len(last_words) <= 3 or not 1 <= len(first_words) <= 3
            or any(w.lower() not in _PARTICLES for w in last_words[:-1])
            or not all(w[0].isupper() for w in [last_words[-1], *first_words])
            or any(c.isdigit() for c in name)):
        return name
    return f"{' '.join(first_words)} {' '.join(last_words)}"


def _without_by(value: str) -> str:
    """A metadata value's names without extra spaces and a leading "By "."""
    value = " ".join(value.split())
    return value[3:] if value.lower().startswith("by ") else value


def _one_author(value: str) -> str:
    """One author's name as a metadata value gives it: "By " and extra spaces dropped,
    "Last, First" turned round."""
    return _inverted(_without_by(value).strip(" .,:;"))


def authors_from_value(value) -> list[str]:
    """Author names from a metadata value: a string ("A; B", "A and B"), a list (each item
    one author: "Roe, Jane" is Jane Roe), or dicts with a name."""
    if isinstance(value, dict):
        value = value.get("name") or ""
    if isinstance(value, (list, tuple)):
        names = []
        for item in value:
            found = authors_from_value(item) if not isinstance(item, str) else [_one_author(item)]
            names += [n for n in found if n and len(n) <= 80 and n not in names and not _newsroom(n)]
        return names
    if not isinstance(value, str):
        return []
    value = _without_by(value)
    if ";" in value:    # "Roe, Jane; Doe, John": the semicolons part the authors
        return authors_from_value(value.split(";"))
    names = []
    for part in _SPLIT.split(value):
        part = part.strip(" .,:")
        if part and len(part) <= 80 and part not in names and not _newsroom(part):
            names.append(part)
    return names
