"""The Flask application factory of newsfacet's web front end.

``create_app({"INDEX_DIR": path})`` builds an app on one index: the JSON API
(``web.api``), the HTML pages (``web.pages``) and the streamed export
(``web.export``). It refuses oversized or malformed requests before any view
runs (``web.limits``), adds the security headers every response carries, and
has error handlers that answer in the caller's format (JSON under ``/api/``, an
HTML page elsewhere) and never show a stack trace. Pages, JSON and static files
are sent gzipped to clients that accept it (Flask-Compress); the export is not,
so that it streams record by record. Static files are linked under versioned
URLs and cached for long (``web.assets``).
"""

from __future__ import annotations

from flask import Flask, current_app, jsonify, make_response, render_template, request
from flask_compress import Compress
from werkzeug.exceptions import HTTPException, InternalServerError

from newsfacet.search.request import SearchError
from newsfacet.search.settings import SETTINGS

from .api import api
from .assets import cache_static, static_url
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
    # gzip, for what the app sends as text. Not the export's CSV and JSONL: compressing a
    # stream holds records back until a compressed block fills, and an export should
    # arrive record by record. Static files are served as streams, hence the streaming gzip.
    "COMPRESS_MIMETYPES": ["text/html", "text/css", "text/javascript", "application/javascript",
                           "application/json", "image/svg+xml"],
    "COMPRESS_ALGORITHM": ["gzip"],
    "COMPRESS_ALGORITHM_STREAMING": ["gzip"],
    # The engine that answers: "whoosh" on INDEX_DIR, or "opensearch" on OPENSEARCH_INDEX of
    # the cluster at OPENSEARCH_URL (search/engines.py).
    "ENGINE": "whoosh",
    "INDEX_DIR": None,
    "OPENSEARCH_URL": None,
    "OPENSEARCH_INDEX": None,
    # Milliseconds a request may spend on the parts of a search that can grow expensive
    # (fuzzy and wildcard expansion, phrase positions, did-you-mean, similar articles); parts
    # cut short are listed in the response's timed_out. None: no limit.
    "TIME_BUDGET_MS": SETTINGS.time_budget_ms,
    # Every request is a GET with a query string; nothing needs a large body.
    "MAX_CONTENT_LENGTH": SETTINGS.max_body_bytes,
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
    app.add_template_global(static_url)
    app.after_request(cache_static)
    Compress(app)
    app.before_request(check_request)
    app.after_request(_add_security_headers)
    app.register_error_handler(SearchError, _error_response)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
    return app


def _add_security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _error_response(exc: SearchError):
    """The error under /api/ as JSON in the one shape every error has
    (``SearchError.to_dict``), elsewhere as the error page."""
    if _wants_json():
        body = jsonify(exc.to_dict())
    else:
        body = render_template("error.html", status=exc.status, message=exc.message)
    return make_response(body, exc.status)


def _http_error(exc: HTTPException):
    kind = (exc.name or "error").lower().replace(" ", "_")
    response = _error_response(SearchError(exc.description or exc.name, type=kind,
                                           status=exc.code or 500))
    # Keep what the exception says besides its body: Allow on a 405, for one.
    for name, value in exc.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def _unexpected_error(exc: Exception):
    # Logged with its traceback for the operator; the client sees only a plain message.
    current_app.logger.exception("unhandled error on %s", request.path)
    return _error_response(SearchError(InternalServerError.description, type="internal_error",
                                       status=500))
