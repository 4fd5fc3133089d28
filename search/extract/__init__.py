"""Extraction: a ``RawDocument`` in, an ``Article`` out.

``extract`` cleans the text (``text``), then reads title, authors (``authors``),
publication date and the dates mentioned (``dates``), outlet and original
outlet (``outlet``) and language (``language``); places, people and
organisations come from ``entities.find_mentions``. Metadata the file gives
wins over anything read from the text.
"""

from __future__ import annotations

import hashlib
import json
import re

from ..model import Article, RawDocument
from .authors import authors_from_bio, authors_from_byline, authors_from_value, people_only
from .dates import date_in_line, find_dates, parse_date_value
from .entities import find_mentions
from .language import detect_language
from .outlet import (canonical_outlet, known_outlet, outlet_for_url, outlet_from_credit,
                     outlet_from_dateline, outlet_from_notes, site_of_url, source_from_notes)
from .text import Cleaned, clean, is_dateline, normalize

MAX_TEXT_CHARS = 1_000_000   # a longer text is cut (readers already cut files at this size)
FOOTER_LINES = 5             # last body lines searched for a publication statement
BIO_PARAGRAPHS = 3           # closing paragraphs searched for a note about the writer

# A statement of publication in the body ("Published on May 23, 2023"), or a
# leading dateline before a wire credit or dash ("WASHINGTON, May 23, 2023 (Reuters) -").
_PUBLISHED_STATEMENT = re.compile(r"^(?:first |originally )?(?:published|posted)\b", re.I)
_LEADING_DATELINE = re.compile(r"^[A-Z][\w .,'’-]{0,40}?,\s(?P<rest>[^()–—]{6,30}?)\s*(?:\(|[-–—]{1,2}\s)")

def _distinct(values) -> list:
    """The values in first-seen order, each once, each on one line (a facet value never
    holds a line break: the index separates values with them)."""
    return list(dict.fromkeys(" ".join(v.split()) for v in values if v and not v.isspace()))


def _one_line(value) -> str | None:
    if not isinstance(value, str):
        return None
    return " ".join(normalize(value).split()) or None


def _content_id(title: str | None, text: str, meta: dict) -> str:
    """A stable hash of what the file says about the article: same content, same id."""
    given = json.dumps(meta, sort_keys=True, ensure_ascii=False, default=str)
    digest = hashlib.sha1("\x00".join((title or "", text, given)).encode("utf-8"))
    return digest.hexdigest()[:16]


def _language(value, text: str) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip().lower().replace("_", "-").split("-")[0][:3]
    return detect_language(text)


def _date_from_body(lines: list[str]) -> str | None:
    """A publication date the body states: a leading dateline or a "Published on ..." line."""
    if lines:
        m = _LEADING_DATELINE.match(lines[0])
        if m:
            found = date_in_line(m.group("rest"))
            if found:
                return found[0]
    for line in lines[:FOOTER_LINES] + lines[-FOOTER_LINES:]:
        if _PUBLISHED_STATEMENT.match(line) and len(line) < 120:
            found = date_in_line(line)
            if found:
                return found[0]
    return None


def _publication_date(meta: dict, parts: Cleaned, body_lines: list[str]):
    """(published, date_source, outlet named on the dateline): metadata first, then a
    dateline among the header lines, then a statement in the body."""
    published = parse_date_value(meta.get("published"))
    date_source = "metadata" if published else None
    dateline_outlet = None
    for line in parts.header:
        found = date_in_line(line)
        if found:
            dateline_outlet = outlet_from_dateline(line, found[1])
            if not published:
                published, date_source = found[0], "byline"
            break
    if not published:
        published = _date_from_body(body_lines + parts.notes[-FOOTER_LINES:])
        date_source = "text" if published else None
    return published, date_source, dateline_outlet


def _outlets(raw: RawDocument, parts: Cleaned, body_lines: list[str], dateline_outlet):
    """(outlet, source_outlet): given metadata first, then the cues in the text."""
    meta = raw.meta or {}
    source = canonical_outlet(meta.get("source_outlet")) or source_from_notes(parts.notes)
    if not source and parts.source_link:
        source = canonical_outlet(parts.source_link)
    # a web page's site name is the extractor's guess: a listed domain is surer
    page_outlet = outlet_for_url(meta.get("url")) if raw.fmt == "html" else None
    outlet = (page_outlet or canonical_outlet(meta.get("outlet")) or site_of_url(meta.get("url"))
              or dateline_outlet
              or (outlet_from_credit(body_lines[0]) if body_lines else None)
              or outlet_from_notes(parts.header + parts.notes, source))
    return outlet, (None if source == outlet else source)


def _authors(raw: RawDocument, parts: Cleaned, outlet: str | None) -> list[str]:
    """Authors from metadata (a page's cleared of site names and of the company that owns
    it), else from a byline, else from a bio paragraph closing the text."""
    meta = raw.meta or {}
    authors = authors_from_value(meta.get("authors"))
    if raw.fmt == "html":   # a page's author field often holds the site or its company
        site = meta["outlet"].lower() if isinstance(meta.get("outlet"), str) else ""
        owner = meta["owner"].lower() if isinstance(meta.get("owner"), str) else ""
        authors = people_only(authors, lambda name: bool(known_outlet(name)) or name == outlet
                              or (bool(site) and (site in name.lower() or name.lower() in site))
                              or name.lower() in owner)
    if authors:
        return authors
    for line in parts.header + parts.notes:
        authors = authors_from_byline(line)
        if authors:
            return authors
    for paragraph in reversed(parts.body.split("\n")[-BIO_PARAGRAPHS:]):
        authors = authors_from_bio(paragraph)
        if authors:
            return authors
    return []


def _mentions(title: str | None, header: list[str], text: str) -> list:
    """The mentions of the title, the datelines among the header lines and the text.

    They are read as one document (a headline's names are confirmed by the body, a
    surname in the body takes the full name from the headline); each mention's
    offsets point into its own field.
    """
    heads = [("title", title)] if title else []
    heads += [("dateline", line) for line in header if is_dateline(line)]
    prefix = "".join(line + "\n" for _, line in heads)
    found = find_mentions(prefix + text)
    starts, at = [], 0
    for field, line in heads:
        starts.append((at, field))
        at += len(line) + 1
    for m in found:
        if m.start >= len(prefix):
            m.start, m.end = m.start - len(prefix), m.end - len(prefix)
        else:
            line_start, m.field = max(s for s in starts if s[0] <= m.start)
            m.start, m.end = m.start - line_start, m.end - line_start
    return found


def extract(raw: RawDocument) -> Article:
    """The Article of one RawDocument: cleaned text and every field extracted from it."""
    meta = raw.meta or {}
    given_title = _one_line(meta.get("title"))   # a web page's is its headline, site name left off
    parts = clean(normalize(raw.text[:MAX_TEXT_CHARS]), take_title=raw.fmt == "txt" and not given_title,
                  known_title=given_title)
    title = given_title or parts.title
    text = parts.body
    body_lines = [line for line in text.split("\n") if line]
    published, date_source, dateline_outlet = _publication_date(meta, parts, body_lines)
    outlet, source = _outlets(raw, parts, body_lines, dateline_outlet)
    mentions = _mentions(title, parts.header, text)
    return Article(
        id=_content_id(title, text, meta),
        path=raw.path,
        url=_one_line(meta.get("url")),
        title=title,
        text=text,
        outlet=_one_line(outlet),
        source_outlet=_one_line(source),
        authors=_distinct(_authors(raw, parts, outlet)),
        published=published,
        date_source=date_source,
        mentioned_dates=find_dates(text, published),
        places=_distinct(m.name for m in mentions if m.type == "place"),
        people=_distinct(m.name for m in mentions if m.type == "person"),
        organizations=_distinct(m.name for m in mentions if m.type == "organization"),
        mentions=[m.to_dict() for m in mentions],
        aliases=_distinct([m.text for m in mentions] + [m.name for m in mentions]),
        language=_language(meta.get("language"), text),
        word_count=len(text.split()),
    )
