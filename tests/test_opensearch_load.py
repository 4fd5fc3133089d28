"""``newsfacet index --to opensearch`` (``search/opensearch/load.py``) against an in-memory
cluster behind a real ``opensearch-py`` client (``opensearch_fake.py``): the articles of the
test's own files reach the index, through 429s, timeouts and partial failures, and every
article the cluster refuses for good is reported with its file; later loads send only what
changed, delete what is gone, and a rebuild swaps the alias in one request."""

from __future__ import annotations

import pytest

from newsfacet.search.cli import main
from newsfacet.search.engine import Engine
from newsfacet.search.request import parse_request
from newsfacet.search.opensearch.load import load_paths
from opensearch_corpus import build_index
from opensearch_fake import FakeCluster

STORIES = {
    "drones.txt": "Drones over the harbour\n\nA swarm of drones crossed the harbour at dawn, "
                  "and the coast guard closed the port until noon.",
    "flood.txt": "Flood on the river plain\n\nThe river broke its banks after a week of rain; "
                 "farmers moved their cattle to the hills.",
    "bridge.txt": "Bridge reopens after repairs\n\nThe old rail bridge reopened on Monday "
                  "after two months of repairs to its northern span.",
    "grain.txt": "Grain ships leave port\n\nFour grain ships left the port on Tuesday, the "
                 "first to sail since the storm damaged the quay.",
    "unmappable.txt": "A record the cluster cannot take\n\nThis article is refused by the "
                      "cluster every time it is sent, whatever the load does.",
}


def _refuse_unmappable(source: dict) -> str | None:
    if "cannot take" in (source.get("title") or ""):
        return "failed to parse field [title]"
    return None


@pytest.fixture
def folder(tmp_path):
    news = tmp_path / "news"
    news.mkdir()
    for name, text in STORIES.items():
        (news / name).write_text(text, encoding="utf-8")
    return news


def _load(cluster, folder, **options):
    waits = []
    report = load_paths([folder], cluster.client(), "news", workers=1, chunk_size=2,
                        threads=2, sleep=waits.append, **options)
    return report, waits


def _titles(cluster, alias="news") -> set[str]:
    return {doc["title"] for doc in cluster.indices[cluster.aliases[alias]].values()}


def test_every_article_arrives_through_429s_and_timeouts_and_each_refusal_is_reported(folder):
    cluster = FakeCluster(refuse=_refuse_unmappable)
    cluster.bulk_faults = ["reject", "timeout", "some429", None, "some429"]
    report, waits = _load(cluster, folder)
    accepted = {text.split("\n")[0] for name, text in STORIES.items() if name != "unmappable.txt"}
    assert _titles(cluster) == accepted
    assert [(f["file"].rsplit("/", 1)[-1], f["reason"]) for f in report.failed] == [
        ("unmappable.txt", "OpenSearch refused it (400): mapper_parsing_exception: failed to "
                           "parse field [title]")]
    assert waits and waits == [2.0 * 2 ** n for n in range(len(waits))]   # doubling back-off
    sent = [i for op, i in cluster.bulk_items if op == "index"]
    assert len(sent) > len(STORIES)                     # some were sent again
    assert report.indexed == 5 and report.articles == 4


def test_a_document_still_turned_away_after_the_last_retry_is_reported_and_sent_next_time(folder):
    cluster = FakeCluster()
    cluster.bulk_faults = ["reject"] * 20
    report = load_paths([folder], cluster.client(), "news", workers=1, chunk_size=10,
                        max_retries=2, sleep=lambda seconds: None)
    assert len(report.failed) == 5
    assert all("(429)" in f["reason"] for f in report.failed)
    assert _titles(cluster) == set()
    cluster.bulk_faults = []
    again, _ = _load(cluster, folder)
    assert len(_titles(cluster)) == 5 and again.failed == []


def test_an_unchanged_collection_sends_nothing(folder):
    cluster = FakeCluster()
    _load(cluster, folder)
    cluster.requests.clear()
    report, _ = _load(cluster, folder)
    assert ("POST", "/_bulk") not in cluster.requests
    assert (report.indexed, report.updated, report.unchanged, report.removed) == (0, 0, 5, 0)


def test_a_changed_file_sends_its_article_alone_and_the_old_version_goes(folder):
    cluster = FakeCluster()
    _load(cluster, folder)
    cluster.bulk_items.clear()
    (folder / "flood.txt").write_text("Flood waters recede\n\nThe river went back within its "
                                      "banks on Sunday.", encoding="utf-8")
    report, _ = _load(cluster, folder)
    assert [op for op, _ in cluster.bulk_items] == ["index", "delete"]
    assert "Flood waters recede" in _titles(cluster)
    assert "Flood on the river plain" not in _titles(cluster)
    assert (report.updated, report.unchanged) == (1, 4)


def test_a_removed_file_stays_unless_pruned(folder):
    cluster = FakeCluster()
    _load(cluster, folder)
    (folder / "bridge.txt").unlink()
    kept, _ = _load(cluster, folder)
    assert "Bridge reopens after repairs" in _titles(cluster) and kept.removed == 0
    pruned, _ = _load(cluster, folder, prune=True)
    assert "Bridge reopens after repairs" not in _titles(cluster) and pruned.removed == 1


def test_the_same_text_at_two_paths_is_one_document_with_both(folder):
    cluster = FakeCluster()
    copy = folder / "copy"
    copy.mkdir()
    (copy / "drones.txt").write_text(STORIES["drones.txt"], encoding="utf-8")
    report, _ = _load(cluster, folder)
    docs = cluster.indices[cluster.aliases["news"]]
    drones = [d for d in docs.values() if d["title"] == "Drones over the harbour"]
    assert len(drones) == 1 and len(drones[0]["paths"]) == 2
    assert (report.documents, report.articles) == (6, 5)
    (copy / "drones.txt").unlink()
    _load(cluster, folder, prune=True)
    assert [d["paths"] for d in cluster.indices[cluster.aliases["news"]].values()
            if d["title"] == "Drones over the harbour"] == [[str(folder / "drones.txt")]]


def test_a_rebuild_fills_a_new_version_and_swaps_the_alias_in_one_request(folder):
    cluster = FakeCluster()
    first, _ = _load(cluster, folder)
    assert cluster.aliases == {"news": "news-v1"}
    cluster.requests.clear()
    report, _ = _load(cluster, folder, rebuild=True)
    assert cluster.aliases == {"news": "news-v2"} and set(cluster.indices) == {"news-v2"}
    swaps = [r for r in cluster.requests if r[1] == "/_aliases"]
    assert len(swaps) == 1
    assert cluster.requests.index(swaps[0]) > cluster.requests.index(("POST", "/_bulk"))
    assert report.indexed == 5 and len(_titles(cluster)) == 5


def test_an_index_named_like_the_alias_is_refused(folder):
    cluster = FakeCluster()
    cluster.indices["news"] = {}
    with pytest.raises(Exception, match="not the alias"):
        _load(cluster, folder)


def test_the_command_reports_the_load_and_its_refusals(folder, capsys, monkeypatch):
    cluster = FakeCluster(refuse=_refuse_unmappable)
    monkeypatch.setattr("newsfacet.search.opensearch.connect.client", lambda url: cluster.client())
    code = main(["index", str(folder), "--to", "opensearch", "--opensearch-url", "http://x:9200",
                 "--opensearch-index", "news", "--workers", "1", "--strict"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "unmappable.txt: OpenSearch refused it (400)" in err
    assert "indexed 5" in out and "4 articles in the index" in out
    assert len(_titles(cluster)) == 4


def test_index_to_opensearch_without_a_cluster_says_what_to_give(folder, capsys, monkeypatch):
    monkeypatch.delenv("NEWSFACET_OPENSEARCH_URL", raising=False)
    code = main(["index", str(folder), "--to", "opensearch", "--opensearch-url", ""])
    assert code == 2
    assert "pass --opensearch-url URL" in capsys.readouterr().err


def test_copies_of_one_text_are_one_story_as_in_the_whoosh_index(tmp_path):
    whoosh = {r["id"]: r for r in Engine(build_index(tmp_path)).iter_records(parse_request({}))}
    cluster = FakeCluster()
    load_paths([tmp_path / "news.jsonl"], cluster.client(), "news", workers=1)
    docs = cluster.indices[cluster.aliases["news"]]
    fields = ("story", "story_size", "first_copy", "story_outlets")
    assert {i: [d[f] for f in fields] for i, d in docs.items()} == \
        {i: [r[f] for f in fields] for i, r in whoosh.items()}
    assert sorted(d["story_size"] for d in docs.values()) == [1, 1, 1, 1, 2, 2]


def test_an_interrupted_load_says_what_stays_and_how_to_finish(folder, capsys, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr("newsfacet.search.opensearch.load.load_paths", interrupted)
    code = main(["index", str(folder), "--to", "opensearch", "--opensearch-url", "http://x:9200",
                 "--opensearch-index", "news"])
    assert code == 130
    assert "what was sent to news stays" in capsys.readouterr().err
