"""Readers: files in, ``RawDocument`` objects out, one reader per format.

``.txt`` holds one article (an optional "Title: ..." / "Date: ..." block at the
top says what the file knows about it); ``.html``/``.htm`` is a saved web page,
parsed once, whose main text and metadata trafilatura reads, its publication day
``extract.dates.page_date`` and its headline ``extract.text.page_title``; ``.json`` holds one
record or a list of records and ``.jsonl`` one record a line, streamed. Any of
these may be gzipped (``.gz``). Bad content never raises: it becomes a
``ReadProblem`` that names the file (and the record) and says why, and reading
goes on with the next record.

Hostile files are read with bounded memory and time: a file is read up to a size
cap, a line of a ``.jsonl`` file up to ``SETTINGS.max_line_bytes``, a gzip file that inflates
far beyond its own size (a gzip bomb) is refused, and JSON nested too deeply is a
problem of its record. What a web page gives is plain text (script and style elements,
tags and comments removed, so that no code is indexed; trafilatura keeps a page's URL
only when it is http(s)); a lone surrogate in a JSON record becomes U+FFFD. What a JSON
record or a text file states is kept as written: front ends escape it when they show it.
"""

from __future__ import annotations

import codecs
import gzip
import html
import json
import os
import re
import stat
import zlib
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Iterator

from .model import RawDocument
from .schema import display_path
from .settings import SETTINGS

SUPPORTED = {".txt", ".html", ".htm", ".json", ".jsonl"}

READ_CHUNK = 256_000           # bytes read at once, between checks of the gzip ratio
BINARY_PROBE = 8192            # bytes looked at for NUL bytes
SITE_NAME_MAX = 40             # a longer "site name" from a page is its headline
# Meta tags naming the company that owns a page (not its writer): "Copyright (c) Example Media 2023".
OWNER_NAMES = {"copyright", "publisher", "rights", "dc.rights", "dcterms.rightsholder"}
MIN_HTML_WORDS = 5             # less text than this from a page is navigation, not an article

# Record field names understood, by the article record name they fill (first present wins).
FIELDS = {
    "title": ("title", "headline"),
    "text": ("text", "body", "content", "maintext", "article", "article_text", "description", "summary"),
    "published": ("published", "date", "publish_date", "date_publish", "pubdate", "published_at",
                  "datepublished", "publication_date", "pub_date"),
    "outlet": ("outlet", "source", "site_name", "sitename", "source_domain", "publisher"),
    "authors": ("authors", "author", "byline", "creator"),
    "url": ("url", "link", "canonical_url", "source_url"),
    "language": ("language", "lang"),
}
# Keys under which a .json export wraps its list of records.
LIST_KEYS = ("articles", "records", "items", "data", "documents", "results")

_FRONT_MATTER = re.compile(
    r"^(title|headline|date|published|author|authors|byline|source|outlet|url|link|language)\s*:\s*(\S.*)$",
    re.IGNORECASE)
_DECLARED_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([\w.:-]{2,40})""", re.IGNORECASE)

# Markup in a value: elements whose content is code (an unclosed one runs to the end),
# comments, block tags (a line break) and any other tag; a tag is at most 2,000 characters.
_CODE_ELEMENTS = re.compile(r"<(script|style|noscript|template|iframe|object|embed|svg|math)\b"
                            r".*?(?:</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
_COMMENTS = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_BLOCK_TAGS = re.compile(r"</?(?:p|br|div|li|h[1-6]|tr|blockquote|section|article|ul|ol|table|pre|hr)"
                         r"\b[^>]{0,2000}>", re.IGNORECASE)
_TAGS = re.compile(r"<[/!?]?[a-zA-Z][^>]{0,2000}>")
_LONE_SURROGATES = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass
class ReadProblem:
    """Why a file, or one record of it, could not be read."""

    key: str      # the file, or file#n for record n
    reason: str


class Refused(Exception):
    """A file read no further, with the reason (a gzip bomb, say)."""


def printable(name: str) -> str:
    """``name`` (a file name, a message holding one) safe to print on one line: bytes that
    are not UTF-8 as U+FFFD, line breaks, tabs and other control characters as escapes
    (``\\n``, ``\\t``, ``\\x1b``), so that no name can forge an output line."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], display_path(str(name)))


# --- finding files ------------------------------------------------------------------

def file_kind(path: Path) -> str | None:
    """The format of ``path`` (".txt", ".html", ".json" ...), looking through ".gz"; None if unsupported."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    if not suffixes or suffixes[-1] not in SUPPORTED:
        return None
    return ".html" if suffixes[-1] == ".htm" else suffixes[-1]


UNSUPPORTED = "not a supported file type (" + ", ".join(sorted(SUPPORTED)) + ", optionally .gz)"


def iter_files(paths, follow_symlinks: bool = False) -> tuple[list[Path], list[tuple[Path, str]]]:
    """(readable files, [(skipped file, why)]) under ``paths``, each list sorted.

    Folders are walked recursively; hidden files and folders inside them (".git",
    ".DS_Store") are passed over. A symbolic link inside a folder is skipped, unless
    ``follow_symlinks``: then it is followed, each folder and file once (by its real
    path), so a link back up the tree is no loop. A path named on the command line is
    followed either way. Files are returned by their real paths. A path that does not
    exist raises FileNotFoundError.
    """
    walk = _Walk(follow_symlinks)
    for given in map(Path, paths):
        if not given.exists():
            raise FileNotFoundError(f"{printable(given)}: no such file or folder")
        walk.visit(given.resolve())
    readable = sorted(p for p in walk.files if file_kind(p))
    skipped = sorted([(p, UNSUPPORTED) for p in walk.files if not file_kind(p)] + walk.skipped)
    return readable, skipped


class _Walk:
    """The files found under some paths, and what was skipped on the way with why."""

    def __init__(self, follow_symlinks: bool):
        self.follow = follow_symlinks
        self.files: set[Path] = set()
        self.skipped: list[tuple[Path, str]] = []
        self.folders: set[Path] = set()   # real paths of the folders walked

    def visit(self, real: Path) -> None:
        """Take in ``real``, a resolved path: a folder is walked, a regular file kept."""
        mode = real.stat().st_mode
        if stat.S_ISDIR(mode):
            self._walk(real)
        elif stat.S_ISREG(mode):
            self.files.add(real)
        else:
            self.skipped.append((real, "not a regular file (a pipe, socket or device)"))

    def _walk(self, root: Path) -> None:
        folders = [root]
        while folders:
            folder = folders.pop()
            if folder in self.folders:
                continue
            self.folders.add(folder)
            try:
                with os.scandir(folder) as entries:
                    entries = [e for e in entries if not e.name.startswith(".")]
            except OSError as exc:
                self.skipped.append((folder, f"folder could not be read: {exc.strerror or exc}"))
                continue
            for entry in entries:
                path = Path(entry.path)
                if entry.is_symlink():
                    self._link(path)
                elif entry.is_dir(follow_symlinks=False):
                    folders.append(path)
                elif entry.is_file(follow_symlinks=False):
                    self.files.add(path)
                else:
                    self.skipped.append((path, "not a regular file (a pipe, socket or device)"))

    def _link(self, link: Path) -> None:
        if not self.follow:
            self.skipped.append((link, "symbolic link, not followed (--follow-symlinks follows it)"))
            return
        try:
            real = link.resolve(strict=True)
        except (OSError, RuntimeError):   # RuntimeError: a link that points at itself
            self.skipped.append((link, "broken symbolic link"))
            return
        if real in self.folders:
            self.skipped.append((link, f"symbolic link to a folder already read ({printable(real)})"))
        else:
            self.visit(real)


# --- bytes and text -------------------------------------------------------------------

class _Pieces:
    """A file read in small pieces (to a gzip inflater, so its ratio is known as it goes)."""

    SIZE = 1024

    def __init__(self, raw):
        self.raw = raw

    def read(self, size=-1):
        return self.raw.read(self.SIZE if size < 0 else min(size, self.SIZE))

    def __getattr__(self, name):
        return getattr(self.raw, name)


class _Gunzip(gzip.GzipFile):
    """A gzip file that refuses to inflate far beyond its own size (a gzip bomb)."""

    def __init__(self, path: Path):
        self._raw = open(path, "rb")
        super().__init__(fileobj=_Pieces(self._raw), mode="rb")

    def close(self):
        try:
            super().close()
        finally:
            self._raw.close()

    def _check(self) -> None:
        inflated = self.tell()
        if inflated > SETTINGS.gzip_free_bytes \
                and inflated > SETTINGS.max_gzip_ratio * max(1, self._raw.tell()):
            raise Refused(f"gzip data inflating more than {SETTINGS.max_gzip_ratio} times its size "
                          f"(a gzip bomb?): read no further than {inflated / 1e6:.1f} MB")

    def read(self, size=-1):
        data = super().read(size)
        self._check()
        return data

    def readline(self, size=-1):
        line = super().readline(size)
        self._check()
        return line


def _open(path: Path):
    return _Gunzip(path) if path.suffix.lower() == ".gz" else open(path, "rb", buffering=READ_CHUNK)


def _read_head(path: Path, limit: int) -> tuple[bytes, bool]:
    """Up to ``limit`` bytes of the (unzipped) file, and whether there was more."""
    chunks, size = [], 0
    with _open(path) as fh:
        while size <= limit:
            chunk = fh.read(min(READ_CHUNK, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    data = b"".join(chunks)
    return data[:limit], len(data) > limit


def _lines(fh) -> Iterator[tuple[int, bytes | None]]:
    """(number, line) of every line of ``fh``; None for a line longer than SETTINGS.max_line_bytes,
    which is read past without being kept."""
    number = 0
    while line := fh.readline(SETTINGS.max_line_bytes + 1):
        number += 1
        if len(line) <= SETTINGS.max_line_bytes:
            yield number, line
            continue
        while line and not line.endswith(b"\n"):
            line = fh.readline(READ_CHUNK)
        yield number, None


def _cut_at_line(data: bytes) -> bytes:
    """``data`` cut after its last line break (or space), so no character is split."""
    for sep in (b"\n", b" "):
        at = data.rfind(sep)
        if at > len(data) // 2:
            return data[:at]
    return data


def is_binary(data: bytes) -> bool:
    """True for bytes that are not text: NUL bytes in the first few kilobytes (UTF-16 aside)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    return b"\x00" in data[:BINARY_PROBE]


def decode(data: bytes, declared: str | None = None) -> str:
    """Text from bytes, never failing: UTF-16 (with BOM), UTF-8 (BOM or not), a declared
    charset, Windows-1252, then Latin-1, which decodes anything."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            return data.decode(declared, errors="replace")
        except LookupError:
            pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


# --- records --------------------------------------------------------------------------

def plain_text(value: str) -> str:
    """``value`` from a web page as plain text: code elements (script, style ...),
    comments and tags removed and entities decoded, until no tag is left (an
    entity-encoded "&lt;script&gt;" is a tag once decoded)."""
    for _ in range(3):
        if "<" not in value and "&" not in value:
            break
        stripped = _CODE_ELEMENTS.sub("", _COMMENTS.sub("", value))
        stripped = html.unescape(_TAGS.sub("", _BLOCK_TAGS.sub("\n", stripped)))
        if stripped == value:
            break
        value = stripped
    return value


def _valid_text(value: str) -> str:
    """``value`` with lone surrogates (a JSON escape such as "\\ud800") as U+FFFD: text
    that can be encoded, stored and printed."""
    return _LONE_SURROGATES.sub("\ufffd", value)


def _clean_value(value, depth: int = 0):
    """A metadata value with every string in it valid text, nesting cut at SETTINGS.max_nesting."""
    if isinstance(value, str):
        return _valid_text(value)
    if depth >= SETTINGS.max_nesting:
        return None
    if isinstance(value, list):
        return [_clean_value(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {k: _clean_value(v, depth + 1) for k, v in value.items()}
    return value


def _metadata(found: dict) -> dict:
    """The metadata values a file gives, cleaned, the empty ones left out."""
    meta = {name: _clean_value(value) for name, value in found.items()}
    return {name: value for name, value in meta.items() if value not in (None, "", [], {})}


def _first(record: dict, names) -> object:
    for name in names:
        value = record.get(name)
        if value not in (None, "", [], {}):
            return value
    return None


def _as_text(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "\n\n".join(v for v in value if isinstance(v, str))
    return ""


def _truncate(text: str) -> tuple[str, bool]:
    if len(text) <= SETTINGS.max_text_bytes:
        return text, False
    cut = text.rfind("\n", 0, SETTINGS.max_text_bytes)
    return text[:cut if cut > SETTINGS.max_text_bytes // 2 else SETTINGS.max_text_bytes], True


def _record(obj, path: Path, key: str) -> RawDocument | ReadProblem:
    """The RawDocument of one JSON record, its known fields mapped to article names."""
    if not isinstance(obj, dict):
        return ReadProblem(key, f"expected a JSON object, found {type(obj).__name__}")
    fields = {str(k).lower(): v for k, v in obj.items()}
    text, truncated = _truncate(_valid_text(_as_text(_first(fields, FIELDS["text"]))))
    meta = _metadata({name: _first(fields, names) for name, names in FIELDS.items() if name != "text"})
    if not text.strip() and not (isinstance(meta.get("title"), str) and meta["title"].strip()):
        return ReadProblem(key, "no text: none of the fields " + ", ".join(FIELDS["text"])
                           + " holds text, and there is no title")
    if truncated:
        meta["truncated"] = True
    return RawDocument(path=str(path), key=key, text=text, meta=meta, fmt="json")


def _json_problem(key: str, exc: json.JSONDecodeError, line: int | None = None) -> ReadProblem:
    where = f"line {line}" if line else f"line {exc.lineno} column {exc.colno}"
    return ReadProblem(key, f"invalid JSON at {where}: {exc.msg}")


def _parse_json(text: str, key: str, line: int | None = None):
    """The JSON value of ``text``, or a ReadProblem saying why there is none."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        return _json_problem(key, exc, line)
    except RecursionError:
        where = f" at line {line}" if line else ""
        return ReadProblem(key, f"JSON nested too deeply{where}: lists or objects inside one "
                                "another more levels deep than Python reads")


# --- the readers ------------------------------------------------------------------------

def _read_txt(path: Path) -> Iterator[RawDocument | ReadProblem]:
    data, truncated = _read_head(path, SETTINGS.max_text_bytes)
    if truncated:
        data = _cut_at_line(data)
    if is_binary(data):
        yield ReadProblem(str(path), "binary file (NUL bytes): not text")
        return
    text = decode(data)
    if not text.strip():
        yield ReadProblem(str(path), "empty file: no text")
        return
    meta, lines = {}, text.lstrip("\r\n").split("\n")
    while lines:
        m = _FRONT_MATTER.match(lines[0].strip())
        if not m:
            break
        name = next(n for n, names in FIELDS.items() if m.group(1).lower() in names)
        meta.setdefault(name, m.group(2).strip())
        lines.pop(0)
    if meta:
        text = "\n".join(lines)
        meta = _metadata(meta)
    if truncated:
        meta["truncated"] = True
    yield RawDocument(path=str(path), key=str(path), text=text, meta=meta, fmt="txt")


def page_text(path: Path) -> str | None:
    """The text of a saved web page (up to SETTINGS.max_html_bytes, in its declared charset); None
    for a binary file."""
    data, _ = _read_head(path, SETTINGS.max_html_bytes)
    if is_binary(data):
        return None
    declared = _DECLARED_CHARSET.search(data[:4096])
    return decode(data, declared.group(1).decode("ascii") if declared else None)


def _read_html(path: Path) -> Iterator[RawDocument | ReadProblem]:
    import trafilatura
    from htmldate.utils import load_html as htmldate_load_html
    from lxml import etree

    from .extract.dates import page_date
    from .extract.text import MAX_HEADLINES, page_title, same_words

    page = page_text(path)
    if page is None:
        yield ReadProblem(str(path), "binary file (NUL bytes): not HTML")
        return
    # parsed once, as htmldate parses a page (comments kept: they may carry its date)
    tree = htmldate_load_html(page) if page.strip() else None
    if tree is None:
        yield ReadProblem(str(path), "empty or unparsable HTML")
        return
    published = page_date(page, tree)
    headlines = [" ".join(h.text_content().split()) for h in islice(tree.iter("h1"), MAX_HEADLINES)]
    title_tag = tree.find(".//title")
    og_title = tree.xpath('string(.//meta[@property="og:title"]/@content)')
    etree.strip_elements(tree, etree.Comment, with_tail=False)   # as trafilatura parses a page
    # trafilatura's own date (htmldate without comments) is not used: its fast pass will do
    doc = trafilatura.bare_extraction(tree, with_metadata=True, include_comments=False,
                                      date_extraction_params={"original_date": True,
                                                              "extensive_search": False})
    text = plain_text((doc.text or "") if doc else "")
    if len(text.split()) < MIN_HTML_WORDS:
        yield ReadProblem(str(path), "no article text found in the HTML (only navigation or nothing)")
        return
    text, truncated = _truncate(text)
    site = plain_text(doc.sitename or "").split(" | ")[0].strip()
    if not site or len(site) > SITE_NAME_MAX or same_words(site, doc.title or ""):
        site = doc.hostname   # a headline, not a site name
    title = page_title(title_tag.text_content() if title_tag is not None else doc.title, og_title,
                       headlines, [site, doc.hostname])
    title = plain_text(title or doc.title or "")
    owner = "; ".join(m.get("content") or "" for m in tree.iterfind(".//meta")
                      if (m.get("name") or "").lower() in OWNER_NAMES)
    meta = _metadata({"title": title, "outlet": site, "authors": plain_text(doc.author or ""),
                      "owner": owner, "published": published, "url": doc.url, "language": doc.language})
    if truncated:
        meta["truncated"] = True
    yield RawDocument(path=str(path), key=str(path), text=text, meta=meta, fmt="html")


def _read_json(path: Path) -> Iterator[RawDocument | ReadProblem]:
    too_big = path.suffix.lower() != ".gz" and path.stat().st_size > SETTINGS.max_json_bytes
    if not too_big:
        data, too_big = _read_head(path, SETTINGS.max_json_bytes)
    if too_big:
        yield ReadProblem(str(path), f"larger than {SETTINGS.max_json_bytes // 1_000_000} MB: "
                                     "write it as .jsonl (one record a line) to stream it")
        return
    if is_binary(data):
        yield ReadProblem(str(path), "binary file (NUL bytes): not JSON")
        return
    if not data.strip():
        yield ReadProblem(str(path), "empty file: no JSON")
        return
    obj = _parse_json(decode(data), str(path))
    if isinstance(obj, ReadProblem):
        yield obj
        return
    if isinstance(obj, dict):
        wrapped = next((obj[k] for k in LIST_KEYS if isinstance(obj.get(k), list)), None)
        if wrapped is None or _first({str(k).lower(): v for k, v in obj.items()}, FIELDS["text"]):
            yield _record(obj, path, str(path))
            return
        obj = wrapped
    if not isinstance(obj, list):
        yield ReadProblem(str(path), f"expected a JSON object or a list of objects, found {type(obj).__name__}")
        return
    if not obj:
        yield ReadProblem(str(path), "empty list: no records")
    for index, item in enumerate(obj):
        yield _record(item, path, f"{path}#{index}")


def _read_jsonl(path: Path) -> Iterator[RawDocument | ReadProblem]:
    head, _ = _read_head(path, BINARY_PROBE)
    if is_binary(head):
        yield ReadProblem(str(path), "binary file (NUL bytes): not JSON lines")
        return
    records = 0
    with _open(path) as fh:
        for number, line in _lines(fh):
            key = f"{path}#{number}"
            if line is None:
                records += 1
                yield ReadProblem(key, f"line {number} is longer than {SETTINGS.max_line_bytes // 1_000_000} MB: "
                                       "left out")
                continue
            if not line.strip():
                continue
            records += 1
            if b"\x00" in line:
                yield ReadProblem(key, f"binary data (NUL bytes) at line {number}, not JSON")
                continue
            obj = _parse_json(decode(line), key, number)
            yield obj if isinstance(obj, ReadProblem) else _record(obj, path, key)
    if not records:
        yield ReadProblem(str(path), "empty file: no records")


_READERS = {".txt": _read_txt, ".html": _read_html, ".json": _read_json, ".jsonl": _read_jsonl}


def read_file(path: Path) -> Iterator[RawDocument | ReadProblem]:
    """The articles in ``path`` and, in their place, a ReadProblem for whatever cannot be read."""
    path = Path(path)
    kind = file_kind(path)
    if kind is None:
        yield ReadProblem(str(path), UNSUPPORTED)
        return
    try:
        yield from _READERS[kind](path)
    except Refused as exc:
        yield ReadProblem(str(path), str(exc))
    except (OSError, EOFError, zlib.error) as exc:   # unreadable file, corrupt or cut-off gzip
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__
        yield ReadProblem(str(path), f"could not be read: {reason}")
