"""``newsfacet index PATH --to opensearch --dask-scheduler ADDRESS``: the files are read and
extracted on the workers of a real ``distributed.LocalCluster`` started here (its worker
threads in this process, reached over TCP), and loaded into the in-memory cluster of
``opensearch_fake.py``. The documents must be those the local worker processes load from the
same files; a broken file, or a task that keeps failing on its worker, is reported and the
rest loaded; a scheduler that cannot be used is one clear line."""

from __future__ import annotations

import json
import socket
import sys

import pytest

distributed = pytest.importorskip("distributed")

from newsfacet.search.cli import main  # noqa: E402
from newsfacet.search.opensearch import dask_workers, extraction  # noqa: E402
from opensearch_fake import FakeCluster  # noqa: E402

#: Records of the .jsonl file: more than one Dask task's worth, so it is sent in several.
RECORDS = 150


def dask_cluster(workers: int = 1) -> distributed.LocalCluster:
    """A Dask cluster of ``workers`` workers of two threads each, in this process but reached
    over TCP as a remote one is; started in a fraction of a second."""
    return distributed.LocalCluster(n_workers=workers, threads_per_worker=2, processes=False,
                                    protocol="tcp", dashboard_address=":0")


@pytest.fixture
def scheduler():
    """The address of a Dask scheduler with one worker, stopped after the test."""
    with dask_cluster() as cluster:
        yield cluster.scheduler_address


@pytest.fixture
def collection(tmp_path):
    """Plain-text files, one of them binary, a copy of one at a second path, and a .jsonl
    file whose 17th line is not JSON."""
    news = tmp_path / "news"
    (news / "copies").mkdir(parents=True)
    texts = {
        "ferry.txt": "Ferry service resumes\n\nThe island ferry sailed again on Friday after "
                     "the gale that kept it in port for three days.",
        "market.txt": "Market hall to close for repairs\n\nTraders will move to the square "
                      "while the roof of the old market hall is mended.",
        "school.txt": "New school opens in the valley\n\nTwo hundred pupils started lessons "
                      "in the new building, which replaces three village schools.",
    }
    for name, text in texts.items():
        (news / name).write_text(text, encoding="utf-8")
    (news / "copies" / "ferry.txt").write_text(texts["ferry.txt"], encoding="utf-8")
    (news / "scan.txt").write_bytes(b"\x00\x01 not a text file \x00" * 20)
    lines = [json.dumps({"title": f"Harbour log {n}", "outlet": ["Coast Post", "Bay Herald"][n % 2],
                         "published": f"2024-02-{n % 28 + 1:02d}",
                         "text": f"Entry {n} of the harbour log: {n % 7} boats came in and "
                                 f"{n % 5} went out before the tide turned."})
             for n in range(RECORDS)]
    lines[16] = "{this line is not JSON"
    (news / "log.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return news


def load(folder, *options) -> int:
    """Run ``newsfacet index FOLDER --to opensearch`` with ``options``; its exit status."""
    return main(["index", str(folder), "--to", "opensearch", "--opensearch-url",
                 "http://fake:9200", "--opensearch-index", "news", *options])


@pytest.fixture
def fake(monkeypatch):
    """The fake cluster the command loads into."""
    cluster = FakeCluster()
    monkeypatch.setattr("newsfacet.search.opensearch.connect.client",
                        lambda url: cluster.client())
    return cluster


def documents(cluster: FakeCluster) -> dict[str, dict]:
    return cluster.indices[cluster.aliases["news"]]


def failures(err: str) -> list[str]:
    """The lines of the command's stderr that report a failure."""
    return sorted(line for line in err.splitlines() if line.startswith("failed: "))


def test_the_dask_workers_load_what_the_local_workers_load(collection, monkeypatch, capsys):
    monkeypatch.setenv("NEWSFACET_PROGRESS_SECONDS", "0")
    local = FakeCluster()
    monkeypatch.setattr("newsfacet.search.opensearch.connect.client", lambda url: local.client())
    # the local worker processes are started before the Dask cluster's threads
    assert load(collection, "--workers", "2") == 0
    local_err = capsys.readouterr().err

    on_dask = FakeCluster()
    submitted = []
    submit = distributed.Client.submit

    def counted(client, fn, batch, **kwargs):
        submitted.append(sum(extraction.job_articles(job) for job in batch))
        return submit(client, fn, batch, **kwargs)
    monkeypatch.setattr(distributed.Client, "submit", counted)
    monkeypatch.setattr("newsfacet.search.opensearch.connect.client", lambda url: on_dask.client())
    with dask_cluster() as cluster:
        assert load(collection, "--dask-scheduler", cluster.scheduler_address) == 0
    dask_err = capsys.readouterr().err

    assert documents(on_dask) == documents(local)
    assert len(documents(on_dask)) == 3 + RECORDS - 1
    ferry = [d for d in documents(on_dask).values() if d["title"] == "Ferry service resumes"]
    assert len(ferry) == 1 and len(ferry[0]["paths"]) == 2
    # the broken file and the broken line are reported by both, in the same words
    assert failures(dask_err) == failures(local_err)
    assert [line.split(": ")[1].rsplit("/", 1)[-1] for line in failures(dask_err)] == \
        ["log.jsonl#17", "scan.txt"]
    # the records went in tasks of about a hundred articles, never all at once
    assert sum(submitted) == 5 + RECORDS     # each file and each record sent once
    assert max(submitted) <= dask_workers.ARTICLES_PER_TASK and len(submitted) >= 3
    assert "indexing: 6 of 6 files" in dask_err


def test_a_second_load_through_dask_sends_only_what_changed(collection, scheduler, fake,
                                                            capsys):
    assert load(collection, "--dask-scheduler", scheduler) == 0
    fake.bulk_items.clear()
    (collection / "market.txt").write_text("Market hall reopens\n\nThe mended market hall "
                                           "opened its doors again on Saturday.",
                                           encoding="utf-8")
    assert load(collection, "--dask-scheduler", scheduler) == 0
    assert [op for op, _ in fake.bulk_items] == ["index", "delete"]
    assert "updated 1" in capsys.readouterr().out


def test_a_task_that_keeps_failing_is_retried_then_its_file_reported(collection, scheduler,
                                                                     fake, monkeypatch, capsys):
    tries = []

    def fails_on_the_school(text):
        if "pupils" in text:
            tries.append(text)
            raise RuntimeError("the extraction broke on this worker")
        return signature(text)
    signature = extraction.signature
    monkeypatch.setattr(extraction, "signature", fails_on_the_school)
    monkeypatch.setattr(dask_workers, "ARTICLES_PER_TASK", 1)   # each file a task of its own
    code = load(collection, "--dask-scheduler", scheduler, "--quiet")
    err = capsys.readouterr().err
    assert code == 0
    assert len(tries) == dask_workers.TASK_RETRIES + 1
    school = [line for line in failures(err) if "school.txt" in line]
    assert school == [f"failed: {collection / 'school.txt'}: the Dask task failed: RuntimeError: "
                      "the extraction broke on this worker"]
    titles = {d["title"] for d in documents(fake).values()}
    assert "New school opens in the valley" not in titles
    assert {"Ferry service resumes", "Market hall to close for repairs"} <= titles
    assert len(titles) == 2 + RECORDS - 1


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_scheduler_is_one_clear_line_and_nothing_is_created(
        collection, fake, monkeypatch, capsys):
    monkeypatch.setattr(dask_workers, "CONNECT_SECONDS", 0.5)
    address = f"tcp://127.0.0.1:{_closed_port()}"
    code = load(collection, "--dask-scheduler", address)
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"newsfacet index: error: could not reach the Dask scheduler at "
                          f"{address}")
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert fake.indices == {}


def test_a_scheduler_without_workers_says_how_to_start_one(collection, fake, monkeypatch, capsys):
    monkeypatch.setattr(dask_workers, "CONNECT_SECONDS", 0.5)
    with dask_cluster(workers=0) as empty:
        code = load(collection, "--dask-scheduler", empty.scheduler_address)
    assert code == 2
    assert f"start some with `dask worker {empty.scheduler_address}`" in capsys.readouterr().err
    assert fake.indices == {}


def test_without_dask_installed_the_command_says_how_to_install_it(collection, fake,
                                                                   monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "distributed", None)   # import distributed fails
    code = load(collection, "--dask-scheduler", "tcp://127.0.0.1:8786")
    assert code == 2
    assert "pip install 'newsfacet[dask]'" in capsys.readouterr().err


def test_a_dask_scheduler_is_refused_for_an_index_folder(collection, tmp_path, capsys):
    code = main(["index", str(collection), "--index", str(tmp_path / "ix"),
                 "--dask-scheduler", "tcp://127.0.0.1:8786"])
    assert code == 2
    assert "add --to opensearch" in capsys.readouterr().err
    assert not (tmp_path / "ix").exists()
