"""``/api/export``: the whole result set of a search as CSV or JSONL, streamed.

It takes the search's own parameters (every filter applies) plus
``format=csv|jsonl`` and writes one record per matching article, in the
search's order, as the engine yields them: no row cap, and memory stays flat
however large the result.
"""

from __future__ import annotations

import csv
import io
import json

from flask import Blueprint, Response, request, stream_with_context

from newsfacet.search.model import RECORD_FIELDS
from newsfacet.search.request import SearchError, parse_request

from .api import get_engine

export = Blueprint("export", __name__)

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson; charset=utf-8",
}
LIST_SEPARATOR = "; "
# A spreadsheet runs a cell that starts with one of these as a formula; the
# corpus is untrusted text, so such cells get a leading apostrophe (OWASP's advice).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        if value and isinstance(value[0], dict):     # mentions: keep their structure
            return json.dumps(value, ensure_ascii=False)
        value = LIST_SEPARATOR.join(str(v) for v in value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_lines(records):
    """CSV text, one header line and then one line per record, as an iterator."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(RECORD_FIELDS)
    yield flush()
    for record in records:
        writer.writerow([_csv_cell(record.get(name)) for name in RECORD_FIELDS])
        yield flush()


def jsonl_lines(records):
    """One JSON object per line, per record, as an iterator."""
    for record in records:
        yield json.dumps({name: record.get(name) for name in RECORD_FIELDS}, ensure_ascii=False) + "\n"


@export.get("/api/export")
def export_results():
    """Stream every article the search matches, as ``format`` (csv or jsonl)."""
    fmt = request.args.get("format", "csv")
    if fmt not in FORMATS:
        raise SearchError(f"'format' must be one of {', '.join(FORMATS)}, not {fmt!r}", "format")
    req = parse_request(request.args, ignore=("format",))
    records = get_engine().iter_records(req)   # a bad request is refused here, before any byte
    body = csv_lines(records) if fmt == "csv" else jsonl_lines(records)
    response = Response(stream_with_context(body), mimetype=FORMATS[fmt].split(";")[0])
    response.call_on_close(records.close)      # a client gone lets the index generation go
    response.headers["Content-Type"] = FORMATS[fmt]
    response.headers["Content-Disposition"] = f'attachment; filename="newsfacet-export.{fmt}"'
    return response
