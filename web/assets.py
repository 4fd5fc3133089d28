"""Static files under versioned URLs, so that browsers may keep them for a year.

Templates link a static file with ``static_url("app.css")``, which adds the
file's content hash (``/static/app.css?v=3f2a9c01d4``). A request that names
the current hash is answered with a year-long, immutable ``Cache-Control``;
a changed file gets a new hash and so a new URL. A request without the hash,
or with an old one, is revalidated every time (``no-cache``, with its ETag).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import current_app, request, url_for

#: How long a browser may keep a static file fetched under its current hash.
VERSIONED_MAX_AGE = 365 * 24 * 3600
HASH_CHARS = 10


@lru_cache(maxsize=64)
def _content_hash(path: str, mtime_ns: int, size: int) -> str:
    """The hash of one version of a file (a changed file has another mtime or size)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:HASH_CHARS]


def file_version(filename: str) -> str | None:
    """The content hash of static file ``filename``; None when there is no such file."""
    folder = Path(current_app.static_folder).resolve()
    path = (folder / filename).resolve()
    if folder not in path.parents or not path.is_file():
        return None
    stat = path.stat()
    return _content_hash(str(path), stat.st_mtime_ns, stat.st_size)


def static_url(filename: str) -> str:
    """The URL of static file ``filename`` with its version: ``/static/app.css?v=<hash>``."""
    return url_for("static", filename=filename, v=file_version(filename))


def cache_static(response):
    """After a static file's request: cache it for long when the URL names its current hash."""
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    version = request.args.get("v")
    if version and version == file_version(request.view_args.get("filename", "")):
        response.headers["Cache-Control"] = f"public, max-age={VERSIONED_MAX_AGE}, immutable"
    else:
        response.headers["Cache-Control"] = "no-cache"
    return response
