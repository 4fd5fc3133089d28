"""``/api/export``: the whole result set of a search as CSV or JSONL, streamed; and
``/api/compare``: the outlet comparison of a search as JSON or CSV.

It takes the search's own parameters (every filter applies) plus
``format=csv|jsonl`` and writes one record per matching article, in the
search's order, as the engine yields them: no row cap, and memory stays flat
however large the result.

Options: ``bom=1`` starts a CSV with a UTF-8 byte-order mark, so that a
spreadsheet (Excel) reads it as UTF-8; ``paths=1`` adds the ``path`` and
``paths`` fields, the files on the server an article was read from, which are
left out otherwise. The download's file name says what was searched
(``newsfacet-belgorod-place-kharkiv-2026-12-02.csv``).
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from datetime import datetime, timezone
from urllib.parse import quote

from flask import Blueprint, Response, jsonify, request, stream_with_context

from newsfacet.search.compare import parse_compare

from newsfacet.search.model import RECORD_FIELDS
from newsfacet.search.request import SearchError, SearchRequest, parse_request, single_value

from .api import get_engine

export = Blueprint("export", __name__)

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson; charset=utf-8",
}
#: The export's own parameters besides the search's (described in web/openapi.py).
OPTIONS = ("format", "bom", "paths")
PATH_FIELDS = ("path", "paths")
BOM = "\ufeff"
LIST_SEPARATOR = "; "
# A spreadsheet runs a cell that starts with one of these as a formula; the
# corpus is untrusted text, so such cells get a leading apostrophe (OWASP's advice).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: The most characters a spreadsheet cell holds (Excel's limit); longer text is cut
#: with CUT_MARKER at its end, saying how many characters were left out.
MAX_CELL = 32_767
CUT_MARKER = " …[cut: {} characters]"
FILENAME_WORDS = 60      # characters of the searched words in the file name, at most


def _cut(text: str) -> str:
    """``text`` as it fits in one spreadsheet cell: cut, with a marker, past MAX_CELL."""
    if len(text) <= MAX_CELL:
        return text
    keep = MAX_CELL - len(CUT_MARKER.format(len(text)))   # room for the longest marker
    return text[:keep] + CUT_MARKER.format(len(text) - keep)


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        if value and isinstance(value[0], dict):     # mentions: keep their structure
            return _cut(json.dumps(value, ensure_ascii=False))
        value = LIST_SEPARATOR.join(str(v) for v in value)
    text = str(value)
    return _cut("'" + text if text.startswith(FORMULA_START) else text)


def csv_lines(records, fields=RECORD_FIELDS, bom: bool = False):
    """CSV text, one header line and then one line per record, as an iterator."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(fields)
    yield (BOM if bom else "") + flush()
    for record in records:
        writer.writerow([_csv_cell(record.get(name)) for name in fields])
        yield flush()


def jsonl_lines(records, fields=RECORD_FIELDS):
    """One JSON object per line, per record, as an iterator."""
    for record in records:
        yield json.dumps({name: record.get(name) for name in fields}, ensure_ascii=False) + "\n"


def _slug(text: str, ascii_only: bool) -> str:
    """Words of ``text`` joined by hyphens, lower case: letters and digits only."""
    text = unicodedata.normalize("NFKD" if ascii_only else "NFC", text.lower())
    if ascii_only:
        text = text.encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[^\W_]+", text))


def download_name(req: SearchRequest, fmt: str, ascii_only: bool, today: str,
                  kind: str = "") -> str:
    """The file name of an export: ``newsfacet-<kind>-<query>-<filter>-<value>…-<date>.<fmt>``
    (``kind``: what the file holds besides articles, e.g. ``compare-place``).

    Made of letters, digits and hyphens only (``ascii_only``: of ASCII ones, for the
    plain ``filename`` form), the searched words cut to FILENAME_WORDS characters.
    """
    parts = [req.q] + [f"{name} {value}" for name, values in req.filters.items()
                       for value in values]
    parts += [f"{name} {value}" for name, value in (("from", req.date_from), ("to", req.date_to),
                                                    ("dated", req.dated)) if value]
    words = "-".join(s for s in (_slug(p, ascii_only) for p in parts) if s)
    words = words[:FILENAME_WORDS].strip("-")
    return "-".join(p for p in ("newsfacet", kind, words, today) if p) + "." + fmt


def attachment(req: SearchRequest, fmt: str, kind: str = "") -> str:
    """The ``Content-Disposition`` of a download of search ``req`` (``download_name``): the
    ASCII ``filename`` for old clients and the UTF-8 ``filename*`` (RFC 5987) for the rest."""
    today = datetime.now(timezone.utc).date().isoformat()
    plain = download_name(req, fmt, ascii_only=True, today=today, kind=kind)
    full = download_name(req, fmt, ascii_only=False, today=today, kind=kind)
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(full, safe='')}"


#: The comparison's CSV columns (``/api/compare?format=csv``), the denominators named.
COMPARE_FIELDS = [
    "section", "outlet", "value", "bucket", "count", "share",
    "share_denominator (the outlet's matching articles)", "attention",
    "attention_denominator (cell, outlet timeline: the outlet's articles in the period or "
    "bucket; value timeline: all articles in the bucket)",
    "stories (copies of a story count once)", "story_share",
    "story_share_denominator (the outlet's matching stories)", "story_attention",
    "story_attention_denominator (cell, outlet timeline: the outlet's stories in the period "
    "or bucket; value timeline: all stories in the bucket)",
]


def compare_rows(result: dict):
    """A comparison (``Engine.compare``) as CSV records: one per outlet × value cell
    (section ``cell``, in articles and in stories), then one per bucket of each timeline
    (``outlet timeline``, ``value timeline``, and ``undated`` as its bucket, with no
    attention). An empty outlet in a cell or outlet timeline row stands for the matching
    articles without an outlet."""
    (share, share_of, attention, attention_of, stories, story_share, story_share_of,
     story_attention, story_attention_of) = COMPARE_FIELDS[5:]
    for row, cells in zip(result["rows"], result["cells"]):
        for column, cell in zip(result["columns"], cells):
            yield {"section": "cell", "outlet": row["value"], "value": column["value"],
                   "count": cell["count"], share: cell["share"], share_of: row["matches"],
                   attention: cell["attention"], attention_of: row["period"],
                   stories: cell["stories"], story_share: cell["story_share"],
                   story_share_of: row["stories"], story_attention: cell["story_attention"],
                   story_attention_of: row["period_stories"]}
    lines = result["timelines"]
    for section, key, name in (("outlet timeline", "by_outlet", "outlet"),
                               ("value timeline", "by_value", "value")):
        for series in lines[key]:
            for bucket, count, whole, ratio, told, told_whole, told_ratio in zip(
                    lines["buckets"], series["counts"], series["denominators"],
                    series["attention"], series["stories"], series["story_denominators"],
                    series["story_attention"]):
                yield {"section": section, name: series["value"], "bucket": bucket,
                       "count": count, attention: ratio, attention_of: whole,
                       stories: told, story_attention: told_ratio,
                       story_attention_of: told_whole}
            yield {"section": section, name: series["value"], "bucket": "undated",
                   "count": series["undated"], stories: series["undated_stories"]}


def _switch(name: str) -> bool:
    """An on/off option: ``1`` on, ``0`` or absent off; anything else is a 400."""
    value = single_value(request.args, name)
    if value is not None and value not in ("0", "1"):
        raise SearchError(f"'{name}' must be 1 or 0, not {value!r}", name)
    return value == "1"


@export.get("/api/export")
def export_results():
    """Stream every article the search matches, as ``format`` (csv or jsonl)."""
    fmt = request.args.get("format", "csv")
    if fmt not in FORMATS:
        raise SearchError(f"'format' must be one of {', '.join(FORMATS)}, not {fmt!r}", "format")
    bom, paths = _switch("bom"), _switch("paths")
    if bom and fmt != "csv":
        raise SearchError("'bom' is for CSV only (format=csv)", "bom")
    req = parse_request(request.args, ignore=OPTIONS)
    fields = [f for f in RECORD_FIELDS if paths or f not in PATH_FIELDS]
    records = get_engine().iter_records(req)   # a bad request is refused here, before any byte
    body = csv_lines(records, fields, bom) if fmt == "csv" else jsonl_lines(records, fields)
    response = Response(stream_with_context(body), mimetype=FORMATS[fmt].split(";")[0])
    response.call_on_close(records.close)      # a client gone lets the index generation go
    response.headers["Content-Type"] = FORMATS[fmt]
    response.headers["Content-Disposition"] = attachment(req, fmt)
    return response


COMPARE_FORMATS = ("json", "csv")


@export.get("/api/compare")
def compare():
    """Outlets against the most named values of a field for a search (``by``, ``field``,
    ``size``, ``rows``), with spellings and timelines, as JSON or (``format=csv``) CSV."""
    fmt = single_value(request.args, "format") or "json"
    if fmt not in COMPARE_FORMATS:
        raise SearchError(f"'format' must be json or csv, not {fmt!r}", "format")
    creq = parse_compare(request.args, ignore=("format",))
    result = get_engine().compare(creq)
    if fmt == "json":
        return jsonify(result)
    return Response("".join(csv_lines(compare_rows(result), COMPARE_FIELDS)), headers={
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": attachment(creq.search, "csv", kind=f"compare-{creq.field}")})
