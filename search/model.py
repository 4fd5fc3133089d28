"""The plain data types that flow through newsfacet.

A reader turns a file into ``RawDocument`` objects; the extractors turn each
``RawDocument`` into an ``Article``, the unit that is indexed, stored, exported
and returned by every front end.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields
from typing import Optional


@dataclass
class RawDocument:
    """One article as a reader found it, before extraction.

    ``text`` is the article body as plain text (already stripped of markup for
    HTML), ``meta`` holds whatever metadata the file itself states, under the
    article record's names (``title``, ``outlet``, ``published``, ``authors``,
    ``url``, ``language`` ...). Metadata given by the file wins over anything
    extracted from the text.
    """

    path: str          # the source file, as given on the command line (resolved)
    key: str           # unique within the index: path, or path#n for record n of a JSON file
    text: str
    meta: dict = field(default_factory=dict)
    fmt: str = "txt"   # txt | html | json

    def signature(self) -> str:
        """A hash of what the reader found (format, text and metadata): a record of a
        multi-record file whose signature has not changed since it was indexed is not
        extracted again."""
        found = json.dumps([self.fmt, self.text, self.meta], sort_keys=True, ensure_ascii=False,
                           default=str)
        return hashlib.sha1(found.encode("utf-8", "surrogateescape")).hexdigest()[:16]


@dataclass
class Mention:
    """One occurrence of a place, person or organisation in an article's text."""

    type: str   # "place" | "person" | "organization"
    name: str   # canonical name
    text: str   # the words as written
    start: int  # character offsets into the field below
    end: int
    field: str = "text"   # where: "text" (Article.text), "title" or "dateline"

    def to_dict(self) -> dict:
        """The mention as it is stored in ``Article.mentions``."""
        return {"type": self.type, "name": self.name, "text": self.text,
                "start": self.start, "end": self.end, "field": self.field}


@dataclass
class Article:
    """The unit that is indexed, stored and returned (the export record)."""

    id: str
    path: str                            # where it was found (the first, when found at several)
    paths: list = field(default_factory=list)      # every path the same content was found at
    url: Optional[str] = None
    title: Optional[str] = None
    text: str = ""
    outlet: Optional[str] = None
    source_outlet: Optional[str] = None
    authors: list = field(default_factory=list)
    published: Optional[str] = None      # ISO 8601 date (YYYY-MM-DD) or None
    date_source: Optional[str] = None    # metadata | byline | text | None
    mentioned_dates: list = field(default_factory=list)
    places: list = field(default_factory=list)
    people: list = field(default_factory=list)
    organizations: list = field(default_factory=list)
    mentions: list = field(default_factory=list)   # list of Mention as dicts
    language: Optional[str] = None
    word_count: int = 0
    aliases: list = field(default_factory=list)    # every spelling variant found, for search

    def to_record(self) -> dict:
        """The export record: the article's fields under their public names.

        A shallow copy (no deep copy of the lists, unlike ``dataclasses.asdict``):
        this runs once per article on the indexing hot path.
        """
        return {f.name: getattr(self, f.name) for f in fields(self)}


RECORD_FIELDS = [
    "id", "path", "paths", "url", "title", "text", "outlet", "source_outlet", "authors",
    "published", "date_source", "mentioned_dates", "places", "people",
    "organizations", "mentions", "language", "word_count",
    # the article's story (search/stories.py): computed per index generation, not stored
    "story", "story_size", "first_copy", "story_outlets",
]
