"""``newsfacet serve``: it refuses a folder that is not an index, and serves a real one over HTTP."""

from __future__ import annotations

import argparse
import http.client
import json
import socket
import urllib.request
from pathlib import Path

import pytest

from conftest import running_server
from newsfacet.search.indexer import index_paths
from newsfacet.web.serve import add_serve_arguments, run_serve

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


@pytest.fixture(scope="module")
def port(tmp_path_factory):
    """The port of a waitress server on an index of the sample corpus, for this module."""
    index = tmp_path_factory.mktemp("serve") / "index"
    index_paths([CORPUS], index, workers=1)
    with running_server(index) as server:
        yield server.effective_port


def _get(port, path, content_length=None):
    """(status, body) of a GET sent as written: a Content-Length may be announced, no body sent."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.putrequest("GET", path)
        if content_length is not None:
            conn.putheader("Content-Length", str(content_length))
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_serve_answers_http_requests(port):
    base = f"http://127.0.0.1:{port}"
    with urllib.request.urlopen(base + "/search?q=Kharkov", timeout=30) as response:
        html = response.read().decode("utf-8")
        assert response.status == 200
        assert response.headers["Server"] == "newsfacet"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "3 results" in html
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(base + "/articles/nope", timeout=30)
    assert err.value.code == 404


def test_the_server_refuses_a_large_body_before_reading_it(port):
    # announced and not sent: waitress must refuse on the header alone, not wait for 1 MB
    status, _ = _get(port, "/api/search?q=Kharkov", content_length=1_000_000)
    assert status == 413
    status, _ = _get(port, "/search?q=Kharkov", content_length=1_000_000)
    assert status == 413
    assert _get(port, "/api/search?q=Kharkov")[0] == 200


def test_the_server_refuses_an_overlong_query_string(port):
    status, _ = _get(port, "/api/search?q=Kharkov&outlet=" + "x" * 100_000)
    assert status == 431          # waitress: the request line and headers are too large
    status, body = _get(port, "/api/search?q=Kharkov&outlet=" + "x" * 40_000)
    assert status == 414          # past the app's own limit, below the server's
    assert json.loads(body)["error"]["type"] == "request_uri_too_long"
    status, body = _get(port, "/api/search?q=Kharkov")
    assert status == 200 and json.loads(body)["total"] == 3


def test_invalid_utf8_is_refused_over_http(port):
    status, body = _get(port, "/api/search?q=%ff%fe")
    assert status == 400 and json.loads(body)["error"]["param"] == "q"
    # a raw byte that is not UTF-8, as some clients send it (http.client would refuse to):
    # waitress itself refuses it as a bad URI (the app's own check is in test_web.py)
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(b"GET /api/search?q=\xff HTTP/1.1\r\nHost: localhost\r\n"
                     b"Connection: close\r\n\r\n")
        reply = b"".join(iter(lambda: sock.recv(65536), b""))
    assert reply.split()[1] == b"400"
