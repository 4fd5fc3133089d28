"""``newsfacet serve``: the web front end on a production WSGI server (waitress).

The server keeps running while ``newsfacet index`` updates the same index: the
engine notices the new index generation on the next request.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import sys
from pathlib import Path

from newsfacet.search import cli
from newsfacet.search.engines import add_engine_options
from newsfacet.search.request import SearchError
from newsfacet.search.settings import SETTINGS

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


class ServeError(Exception):
    """The server cannot start; the message says why and what to do."""


def make_server(index_dir, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                engine: dict | None = None):
    """A waitress server for the app on ``index_dir``, bound but not yet serving.
    ``engine``: the app's ``ENGINE``, ``OPENSEARCH_URL`` and ``OPENSEARCH_INDEX`` when it
    serves from another engine than Whoosh's.

    Port 0 picks a free port; the server's ``effective_port`` says which.
    """
    from waitress.server import create_server

    from .api import get_engine
    from .app import create_app

    app = create_app({"INDEX_DIR": str(Path(index_dir).resolve()), **(engine or {})})
    with app.app_context():
        try:
            get_engine()        # open and warm the index before the first request
        except SearchError as exc:
            raise ServeError(exc.message) from None
    # The app refuses what is too large once a request reaches it; waitress
    # refuses it before buffering it: a body past the app's limit (413), a
    # request line and headers past what the longest query string needs (431).
    # (Waitress refuses a body of max_request_body_size bytes or more, hence + 1.)
    return create_server(app, host=host, port=port, threads=SETTINGS.threads, ident="newsfacet",
                         max_request_body_size=app.config["MAX_CONTENT_LENGTH"] + 1,
                         max_request_header_size=SETTINGS.max_query_string + SETTINGS.header_room,
                         channel_timeout=SETTINGS.channel_timeout,
                         outbuf_high_watermark=SETTINGS.outbuf_high_watermark)


def few_memory_arenas() -> None:
    """Let the C library's allocator keep at most two memory arenas (glibc; elsewhere this
    does nothing). By default each request thread may get an arena of its own (eight per
    core), and memory that one thread's numpy work freed is then not reused by the others:
    at a million articles, under 50 clients for 60 s, the server held 2.0 GB of its own
    memory with them and 1.7 GB with two."""
    try:
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").mallopt(_M_ARENA_MAX, 2)
    except (OSError, AttributeError, TypeError):
        pass


_M_ARENA_MAX = -8   # glibc's malloc.h


def serve(index_dir, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
          engine: dict | None = None) -> None:
    """Serve the web front end on ``index_dir`` (or ``engine``, see ``make_server``) until
    interrupted."""
    few_memory_arenas()
    server = make_server(index_dir, host, port, engine)
    shown_host = f"[{host}]" if ":" in host else host
    what = (f"{engine['OPENSEARCH_INDEX']} of {engine['OPENSEARCH_URL']}" if engine
            else Path(index_dir))
    print(f"newsfacet: serving {what} at http://{shown_host}:{server.effective_port}/ "
          "(Ctrl+C to stop)", flush=True)
    try:
        server.run()
    finally:
        server.close()


def add_serve_command(sub) -> None:
    """Add ``serve`` to the ``newsfacet`` command's subparsers."""
    p = sub.add_parser("serve", help="serve the web front end on the index")
    cli.add_index_option(p)
    add_serve_arguments(p)
    p.set_defaults(func=run_serve)


def main(argv=None) -> int:
    """Entry point of the installed ``newsfacet`` command: the engine's commands and ``serve``."""
    return cli.main(argv, more_commands=[add_serve_command])


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``serve`` command's options, apart from ``--index`` (shared by every command)."""
    parser.add_argument("--host", default=DEFAULT_HOST, help="address to listen on (default %(default)s)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port, 0 for any free one (default %(default)s)")
    add_engine_options(parser)


def run_serve(args) -> int:
    """Run ``newsfacet serve`` with parsed arguments; the exit status."""
    engine = None
    if args.engine == "opensearch":
        engine = {"ENGINE": "opensearch", "OPENSEARCH_URL": args.opensearch_url,
                  "OPENSEARCH_INDEX": args.opensearch_index}
    try:
        serve(args.index, args.host, args.port, engine)
    except ServeError as exc:
        cli.error("serve", str(exc))
        return 2
    except OSError as exc:      # the port is taken, or the address is not ours
        cli.error("serve", f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}")
        return 2
    except KeyboardInterrupt:
        print("newsfacet serve: stopped", file=sys.stderr)
    return 0
