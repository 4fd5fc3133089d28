"""Readers: files in, ``RawDocument`` objects out, one reader per format.

``.txt`` holds one article (an optional "Title: ..." / "Date: ..." block at the
top says what the file knows about it); ``.html``/``.htm`` is a saved web page
whose main text and metadata trafilatura and htmldate read; ``.json`` holds one
record or a list of records and ``.jsonl`` one record a line, streamed. Any of
these may be gzipped (``.gz``). Bad content never raises: it becomes a
``ReadProblem`` that names the file (and the record) and says why, and reading
goes on with the next record.
"""

from __future__ import annotations

import codecs
import gzip
import json
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .model import RawDocument

SUPPORTED = {".txt", ".html", ".htm", ".json", ".jsonl"}

MAX_TEXT_BYTES = 1_000_000     # of a text file or record: the rest is left out (meta["truncated"])
MAX_HTML_BYTES = 10_000_000    # of a web page
MAX_JSON_BYTES = 200_000_000   # of a whole .json file (a .jsonl file streams, any size)
BINARY_PROBE = 8192            # bytes looked at for NUL bytes
SITE_NAME_MAX = 40             # a longer "site name" from a page is its headline
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


@dataclass
class ReadProblem:
    """Why a file, or one record of it, could not be read."""

    key: str      # the file, or file#n for record n
    reason: str


# --- finding files ------------------------------------------------------------------

def file_kind(path: Path) -> str | None:
    """The format of ``path`` (".txt", ".html", ".json" ...), looking through ".gz"; None if unsupported."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    if not suffixes or suffixes[-1] not in SUPPORTED:
        return None
    return ".html" if suffixes[-1] == ".htm" else suffixes[-1]


def iter_files(paths) -> tuple[list[Path], list[Path]]:
    """(readable files, skipped files of other types) under ``paths``, each list sorted.

    Folders are walked recursively; hidden files and folders inside them (".git",
    ".DS_Store") are passed over. A path that does not exist raises FileNotFoundError.
    """
    found: set[Path] = set()
    for given in paths:
        given = Path(given)
        if not given.exists():
            raise FileNotFoundError(f"{given}: no such file or folder")
        if given.is_dir():
            root = given.resolve()
            found.update(p for p in root.rglob("*")
                         if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts))
        else:
            found.add(given.resolve())
    readable = sorted(p for p in found if file_kind(p))
    skipped = sorted(p for p in found if not file_kind(p))
    return readable, skipped


# --- bytes and text -------------------------------------------------------------------

def _open(path: Path):
    return gzip.open(path, "rb") if path.suffix.lower() == ".gz" else open(path, "rb")


def _read_head(path: Path, limit: int) -> tuple[bytes, bool]:
    """Up to ``limit`` bytes of the (unzipped) file, and whether there was more."""
    with _open(path) as fh:
        data = fh.read(limit + 1)
    return data[:limit], len(data) > limit


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
    if len(text) <= MAX_TEXT_BYTES:
        return text, False
    cut = text.rfind("\n", 0, MAX_TEXT_BYTES)
    return text[:cut if cut > MAX_TEXT_BYTES // 2 else MAX_TEXT_BYTES], True


def _record(obj, path: Path, key: str) -> RawDocument | ReadProblem:
    """The RawDocument of one JSON record, its known fields mapped to article names."""
    if not isinstance(obj, dict):
        return ReadProblem(key, f"expected a JSON object, found {type(obj).__name__}")
    fields = {str(k).lower(): v for k, v in obj.items()}
    text, truncated = _truncate(_as_text(_first(fields, FIELDS["text"])))
    meta = {name: value for name, names in FIELDS.items() if name != "text"
            for value in [_first(fields, names)] if value is not None}
    if not text.strip() and not (isinstance(meta.get("title"), str) and meta["title"].strip()):
        return ReadProblem(key, "no text: none of the fields " + ", ".join(FIELDS["text"])
                           + " holds text, and there is no title")
    if truncated:
        meta["truncated"] = True
    return RawDocument(path=str(path), key=key, text=text, meta=meta, fmt="json")


def _json_problem(key: str, exc: json.JSONDecodeError, line: int | None = None) -> ReadProblem:
    where = f"line {line}" if line else f"line {exc.lineno} column {exc.colno}"
    return ReadProblem(key, f"invalid JSON at {where}: {exc.msg}")


# --- the readers ------------------------------------------------------------------------

def _read_txt(path: Path) -> Iterator[RawDocument | ReadProblem]:
    data, truncated = _read_head(path, MAX_TEXT_BYTES)
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
    if truncated:
        meta["truncated"] = True
    yield RawDocument(path=str(path), key=str(path), text=text, meta=meta, fmt="txt")


def _read_html(path: Path) -> Iterator[RawDocument | ReadProblem]:
    import htmldate
    import trafilatura

    data, _ = _read_head(path, MAX_HTML_BYTES)
    if is_binary(data):
        yield ReadProblem(str(path), "binary file (NUL bytes): not HTML")
        return
    declared = _DECLARED_CHARSET.search(data[:4096])
    html = decode(data, declared.group(1).decode("ascii") if declared else None)
    tree = trafilatura.load_html(html) if html.strip() else None
    if tree is None:
        yield ReadProblem(str(path), "empty or unparsable HTML")
        return
    # htmldate's extensive search would guess (a copyright year as January 1st): left off
    published = htmldate.find_date(tree, original_date=True, extensive_search=False)
    doc = trafilatura.bare_extraction(tree, with_metadata=True, include_comments=False)
    text = (doc.text or "") if doc else ""
    if len(text.split()) < MIN_HTML_WORDS:
        yield ReadProblem(str(path), "no article text found in the HTML (only navigation or nothing)")
        return
    text, truncated = _truncate(text)
    site = (doc.sitename or "").split(" | ")[0].strip()
    if not site or site == doc.title or len(site) > SITE_NAME_MAX:   # a headline, not a site name
        site = doc.hostname
    meta = {"title": doc.title, "outlet": site, "authors": doc.author,
            "published": published, "url": doc.url, "language": doc.language}
    meta = {k: v for k, v in meta.items() if v}
    if truncated:
        meta["truncated"] = True
    yield RawDocument(path=str(path), key=str(path), text=text, meta=meta, fmt="html")


def _read_json(path: Path) -> Iterator[RawDocument | ReadProblem]:
    data, too_big = _read_head(path, MAX_JSON_BYTES)
    if too_big:
        yield ReadProblem(str(path), f"larger than {MAX_JSON_BYTES // 1_000_000} MB: "
                                     "write it as .jsonl (one record a line) to stream it")
        return
    if is_binary(data):
        yield ReadProblem(str(path), "binary file (NUL bytes): not JSON")
        return
    if not data.strip():
        yield ReadProblem(str(path), "empty file: no JSON")
        return
    try:
        obj = json.loads(decode(data))
    except json.JSONDecodeError as exc:
        yield _json_problem(str(path), exc)
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
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            key = f"{path}#{number}"
            records += 1
            if b"\x00" in line:
                yield ReadProblem(key, f"binary data (NUL bytes) at line {number}, not JSON")
                continue
            try:
                obj = json.loads(decode(line))
            except json.JSONDecodeError as exc:
                yield _json_problem(key, exc, number)
                continue
            yield _record(obj, path, key)
    if not records:
        yield ReadProblem(str(path), "empty file: no records")


_READERS = {".txt": _read_txt, ".html": _read_html, ".json": _read_json, ".jsonl": _read_jsonl}


def read_file(path: Path) -> Iterator[RawDocument | ReadProblem]:
    """The articles in ``path`` and, in their place, a ReadProblem for whatever cannot be read."""
    path = Path(path)
    kind = file_kind(path)
    if kind is None:
        yield ReadProblem(str(path), f"unsupported file type (supported: {', '.join(sorted(SUPPORTED))}, "
                                     "optionally .gz)")
        return
    try:
        yield from _READERS[kind](path)
    except (OSError, EOFError, zlib.error) as exc:   # unreadable file, corrupt or cut-off gzip
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__
        yield ReadProblem(str(path), f"could not be read: {reason}")
