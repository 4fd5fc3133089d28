"""``newsfacet serve``: it refuses a folder that is not an index, and serves a real one over HTTP."""

from __future__ import annotations

import argparse
import threading
import urllib.request
from pathlib import Path

import pytest

from search.indexer import index_paths
from web.serve import add_serve_arguments, make_server, run_serve

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def _args(index, *extra):
    parser = argparse.ArgumentParser()
    parser.add_argument("--index")
    add_serve_arguments(parser)
    return parser.parse_args(["--index", str(index), *extra])


def test_serve_options_default_to_localhost_8000(tmp_path):
    args = _args(tmp_path)
    assert (args.host, args.port) == ("127.0.0.1", 8000)


def test_serve_refuses_a_missing_index_folder(tmp_path, capsys):
    assert run_serve(_args(tmp_path / "nowhere", "--port", "0")) == 2
    err = capsys.readouterr().err
    assert "nowhere" in err and "does not exist" in err and "newsfacet index" in err


def test_serve_refuses_a_folder_that_is_not_an_index(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("not an index")
    assert run_serve(_args(tmp_path, "--port", "0")) == 2
    err = capsys.readouterr().err
    assert "is not a newsfacet index" in err and "newsfacet index" in err


def test_serve_answers_http_requests(tmp_path):
    index_paths([CORPUS], tmp_path / "index", workers=1)
    server = make_server(tmp_path / "index", "127.0.0.1", 0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.effective_port}"
        with urllib.request.urlopen(base + "/search?q=Kharkov", timeout=30) as response:
            html = response.read().decode("utf-8")
            assert response.status == 200
            assert response.headers["Server"] == "newsfacet"
            assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert "3 results" in html
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(base + "/articles/nope", timeout=30)
        assert err.value.code == 404
    finally:
        server.close()
        thread.join(timeout=10)
