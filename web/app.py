"""The Flask application factory of newsfacet's web front end.

``create_app({"INDEX_DIR": path})`` builds an app on one index: the JSON API
(``web.api``), the HTML pages (``web.pages``) and the streamed export
(``web.export``). It refuses oversized or malformed requests before any view
runs (``web.limits``), adds the security headers every response carries, and
has error handlers that answer in the caller's format (JSON under ``/api/``, an
HTML page elsewhere) and never show a stack trace.
"""

from __future__ import annotations

from flask import Flask, current_app, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from newsfacet.search.engine import TIME_BUDGET_MS
from newsfacet.search.request import SearchError

from .api import api
from .export import export
from .limits import check_request
from .pages import pages

#: Every response's security headers. No inline script or style is ever needed:
#: the pages load /static/app.css and /static/app.js and draw the histogram as
#: inline SVG markup (presentation attributes, no style attributes).
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}

DEFAULTS = {
    "INDEX_DIR": None,
    # Milliseconds a request may spend on the parts of a search that can grow expensive
    # (fuzzy and wildcard expansion, phrase positions, did-you-mean, similar articles); parts
    # cut short are listed in the response's timed_out. None: no limit.
    "TIME_BUDGET_MS": TIME_BUDGET_MS,
    # Every request is a GET with a query string; nothing needs a large body.
    "MAX_CONTENT_LENGTH": 64 * 1024,
}


def create_app(config: dict | None = None) -> Flask:
    """A newsfacet web app; ``config["INDEX_DIR"]`` is the index folder it serves."""
    app = Flask(__name__)
    app.config.update(DEFAULTS)
    app.config.update(config or {})
    app.json.sort_keys = False        # keep the response's documented field order
    app.jinja_env.autoescape = True   # also for templates that are not named *.html
    # No redirect from /a//b to /a/b: it named the request's Host in its Location
    # and changed an article id; such a path is simply not found.
    app.url_map.merge_slashes = False
    app.register_blueprint(api)
    app.register_blueprint(export)
    app.register_blueprint(pages)
    app.before_request(check_request)
    app.after_request(_add_security_headers)
    app.register_error_handler(SearchError, _search_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
    return app


def _add_security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _error_response(status: int, kind: str, message: str, param: str | None = None,
                    fix: str | None = None):
    """The error as ``{"error": {type, message, param, fix}}`` under /api/ (``fix``: a query
    that would run instead, or null), else as the error page."""
    if _wants_json():
        body = jsonify({"error": {"type": kind, "message": message, "param": param, "fix": fix}})
    else:
        body = render_template("error.html", status=status, message=message)
    return make_response(body, status)


def _search_error(exc: SearchError):
    return _error_response(exc.status, exc.type, exc.message, exc.param, exc.fix)


def _http_error(exc: HTTPException):
    kind = (exc.name or "error").lower().replace(" ", "_")
    response = _error_response(exc.code or 500, kind, exc.description or exc.name)
    # Keep what the exception says besides its body: Allow on a 405, for one.
    for name, value in exc.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def _unexpected_error(exc: Exception):
    # Logged with its traceback for the operator; the client sees only a plain message.
    current_app.logger.exception("unhandled error on %s", request.path)
    return _error_response(500, "internal_error", InternalServerError.description)
