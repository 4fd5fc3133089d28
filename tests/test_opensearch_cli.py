"""``newsfacet search``, ``export`` and ``stats`` with ``--engine opensearch``: through the
command, against a real ``opensearch-py`` client whose cluster answers with the recorded
answers of ``test_opensearch_engine.py`` (or, for the export, with the documents the loader
makes of the same articles), each must print what it prints on the Whoosh index of
``opensearch_corpus.py``; a cluster that is not given or does not answer is one clear line."""

from __future__ import annotations

import json
import re
import socket

import pytest
from opensearchpy.exceptions import ConnectionError as NoConnection

from newsfacet.search.cli import main
from newsfacet.search.engine import Engine
from newsfacet.search.opensearch.load import load_paths
from newsfacet.search.request import parse_request
from opensearch_corpus import build_index
from opensearch_fake import FakeCluster, Recorded
from test_opensearch_engine import (
    DRONES_IN_BELGOROD,
    EXISTS,
    OVERVIEW_OF_TWO,
    drones_in_belgorod_answers,
    walk_answers,
)

ON_OPENSEARCH = ["--engine", "opensearch", "--opensearch-url", "http://search:9200",
                 "--opensearch-index", "news"]
#: ``DRONES_IN_BELGOROD`` as the options of ``newsfacet search``.
DRONES_OPTIONS = ["drone", "--variants", "off", "--place", "belgorod", "--not-outlet",
                  "Harbour Gazette", "--sort", "oldest", "--facet-size", "2", "--color", "never"]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    """The Whoosh index of the corpus (its records are in ``news.jsonl`` beside it)."""
    return build_index(tmp_path_factory.mktemp("os-cli"))


@pytest.fixture
def whoosh(index_dir):
    return Engine(index_dir)


def answering(monkeypatch, answers: list) -> Recorded:
    """The cluster the commands reach, answering with ``answers``."""
    cluster = Recorded(answers)
    monkeypatch.setattr("newsfacet.search.opensearch.engine.client", lambda url: cluster.client())
    return cluster


def run(capsys, *argv) -> tuple[int, str, str]:
    """``newsfacet ARGV``: (exit status, stdout, stderr)."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def without_time(text: str) -> str:
    """A search's output without the milliseconds it took."""
    return re.sub(r"\(\d+ ms\)", "(… ms)", text)


def test_search_prints_what_it_prints_on_the_whoosh_index(index_dir, whoosh, monkeypatch,
                                                          capsys):
    assert DRONES_OPTIONS[0] == DRONES_IN_BELGOROD["q"]
    cluster = answering(monkeypatch, drones_in_belgorod_answers(whoosh))
    code, ours, err = run(capsys, "search", *ON_OPENSEARCH, *DRONES_OPTIONS)
    assert (code, err) == (0, "")
    assert ("POST", "/news/_search") in [r[:2] for r in cluster.requests]
    theirs = run(capsys, "search", "--index", str(index_dir), *DRONES_OPTIONS)[1]
    assert without_time(ours) == without_time(theirs)
    assert "Retaliation promised" in ours            # a hit, shown with its outlet and date


def test_search_json_is_the_whoosh_engine_s_response(index_dir, whoosh, monkeypatch, capsys):
    answering(monkeypatch, drones_in_belgorod_answers(whoosh))
    ours = json.loads(run(capsys, "search", *ON_OPENSEARCH, *DRONES_OPTIONS, "--json")[1])
    theirs = json.loads(run(capsys, "search", "--index", str(index_dir), *DRONES_OPTIONS,
                            "--json")[1])
    del ours["took_ms"], theirs["took_ms"]
    assert ours == theirs and ours["total"] > 0


def test_export_prints_the_records_of_the_whoosh_index(index_dir, whoosh, monkeypatch, capsys):
    loaded = FakeCluster()
    load_paths([index_dir.parent / "news.jsonl"], loaded.client(), "news", workers=1)
    documents = loaded.indices[loaded.aliases["news"]]
    everything = parse_request({})
    order = [record["id"] for record in whoosh.iter_records(everything)]
    cluster = answering(monkeypatch, [EXISTS, *walk_answers(everything, whoosh, order,
                                                            documents=documents)])
    code, ours, err = run(capsys, "export", *ON_OPENSEARCH)
    assert (code, err) == (0, "")
    assert cluster.requests[-1][0] == "DELETE"      # the point in time is closed
    theirs = run(capsys, "export", "--index", str(index_dir))[1]
    assert ours == theirs
    assert len(ours.splitlines()) == len(documents) == 6


def test_stats_prints_what_it_prints_on_the_whoosh_index_but_the_last_build(
        index_dir, monkeypatch, capsys):
    answering(monkeypatch, [EXISTS, ("POST", "/news/_search", None, OVERVIEW_OF_TWO)])
    code, ours, err = run(capsys, "stats", "--top", "2", *ON_OPENSEARCH)
    assert (code, err) == (0, "")
    theirs = run(capsys, "stats", "--top", "2", "--index", str(index_dir))[1]
    ours, theirs = ours.splitlines(), theirs.splitlines()
    # a load into OpenSearch keeps no report of its own; the index folder does
    assert ours[-1] == "last build:    not kept in OpenSearch (the load printed its own report)"
    assert theirs[-1] == "last build:    0 files skipped, 0 failed"
    assert ours[:-1] == theirs[:-1]
    assert ours[0] == "articles:      6 from 3 outlets"


def test_stats_json_says_the_last_build_is_not_known(index_dir, monkeypatch, capsys):
    answering(monkeypatch, [EXISTS, ("POST", "/news/_search", None, OVERVIEW_OF_TWO)])
    ours = json.loads(run(capsys, "stats", "--top", "2", "--json", *ON_OPENSEARCH)[1])
    theirs = json.loads(run(capsys, "stats", "--top", "2", "--json", "--index",
                            str(index_dir))[1])
    assert (ours.pop("skipped"), ours.pop("failed")) == (None, None)
    assert (theirs.pop("skipped"), theirs.pop("failed")) == ([], [])
    assert ours == theirs


@pytest.mark.parametrize("command", ["search", "export", "stats"])
def test_without_a_cluster_the_command_says_what_to_give(command, monkeypatch, capsys):
    monkeypatch.delenv("NEWSFACET_OPENSEARCH_URL", raising=False)
    code, out, err = run(capsys, command, "--engine", "opensearch")
    assert (code, out) == (2, "")
    assert err == (f"newsfacet {command}: error: the OpenSearch engine needs a cluster: pass "
                   "--opensearch-url URL or set NEWSFACET_OPENSEARCH_URL\n")


def test_the_cluster_is_taken_from_the_environment(whoosh, monkeypatch, capsys):
    monkeypatch.setenv("NEWSFACET_OPENSEARCH_URL", "http://search:9200")
    answering(monkeypatch, [EXISTS, ("POST", "/news/_search", None, OVERVIEW_OF_TWO)])
    code, out, _ = run(capsys, "stats", "--engine", "opensearch", "--opensearch-index", "news")
    assert code == 0 and out.startswith("articles:      6 from 3 outlets")


@pytest.mark.parametrize("command", ["search", "export", "stats"])
def test_a_cluster_that_does_not_answer_is_one_clear_line(command, capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    code, out, err = run(capsys, command, "--engine", "opensearch", "--opensearch-url",
                         f"http://127.0.0.1:{closed}")
    assert (code, out) == (2, "")
    assert err.startswith(f"newsfacet {command}: error: the OpenSearch cluster cannot be "
                          "reached (")
    assert err.endswith("check --opensearch-url\n") and len(err.splitlines()) == 1


def test_an_export_cut_off_by_the_cluster_says_so(monkeypatch, capsys):
    answering(monkeypatch, [EXISTS, ("POST", "/news/_search/point_in_time", None,
                                     NoConnection("N/A", "connection reset", OSError()))])
    code, out, err = run(capsys, "export", *ON_OPENSEARCH)
    assert (code, out) == (2, "")
    assert err.startswith("newsfacet export: error: the OpenSearch cluster of news did not "
                          "answer")
