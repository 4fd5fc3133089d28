"""What a request may be, checked before any view runs.

Every newsfacet request is a GET whose whole state is its query string, so a
request is refused early when it carries a body larger than the app's
``MAX_CONTENT_LENGTH`` (413; Flask only enforces that limit when a view reads
the body, and no view does), a query string longer than ``SETTINGS.max_query_string``
bytes (414), or a parameter that is not valid UTF-8 text or holds a NUL
character (400 naming the parameter). Werkzeug would otherwise pass invalid
bytes on as literal ``%FF`` text, and a raw non-ASCII byte would fail deep
inside the request's parsing.
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from flask import abort, current_app, request

from newsfacet.search.request import SearchError
from newsfacet.search.settings import SETTINGS


def check_request() -> None:
    """Refuse an oversized body, an overlong query string or invalid parameter text."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if limit is not None and (request.content_length or 0) > limit:
        abort(413, f"a request body may be at most {limit} bytes; newsfacet's requests "
                   "carry their parameters in the URL")
    if len(request.query_string) > SETTINGS.max_query_string:
        abort(414, f"the query string is {len(request.query_string)} bytes long; at most "
                   f"{SETTINGS.max_query_string} are accepted")
    for name, value in _raw_params(request.query_string):
        _check_text(name, value)


def _raw_params(query_string: bytes):
    """The query string's (name, value) pairs as undecoded bytes, split as werkzeug splits them."""
    for field in query_string.split(b"&"):
        if field:
            name, _, value = field.partition(b"=")
            yield (unquote_to_bytes(name.replace(b"+", b" ")),
                   unquote_to_bytes(value.replace(b"+", b" ")))


def _check_text(raw_name: bytes, raw_value: bytes) -> None:
    """Raise a 400 ``SearchError`` unless name and value are UTF-8 text without NUL."""
    try:
        name = raw_name.decode("utf-8")
    except UnicodeDecodeError:
        shown = raw_name.decode("utf-8", "backslashreplace")
        raise SearchError(f"the parameter name '{shown}' is not valid UTF-8", shown,
                          type="invalid_encoding") from None
    if "\0" in name:
        raise SearchError("a parameter name contains a NUL character", None,
                          type="invalid_encoding")
    try:
        value = raw_value.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SearchError(f"'{name}' is not valid UTF-8 (byte {exc.start + 1} of its value); "
                          "percent-encode text as UTF-8", name, type="invalid_encoding") from None
    if "\0" in value:
        raise SearchError(f"'{name}' contains a NUL character", name, type="invalid_encoding")
