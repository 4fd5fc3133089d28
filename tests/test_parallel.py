"""A request's parts shared with a helper thread (search/parallel.py): the results in order,
two parts at once when a helper is free, never a wait for a busy one, errors passed on."""

from __future__ import annotations

import threading

import pytest

from newsfacet.search import parallel
from newsfacet.search.parallel import run_shared


def test_results_come_in_the_order_of_the_items():
    assert run_shared([lambda n=n: n * n for n in range(50)]) == [n * n for n in range(50)]
    assert run_shared([]) == []
    assert run_shared([str.upper.__get__("only")]) == ["ONLY"]


def test_a_free_helper_works_on_a_second_item_at_the_same_time():
    both = threading.Barrier(2, timeout=10)   # broken unless two threads wait on it together
    threads = set()

    def part(n):
        threads.add(threading.current_thread().name)
        both.wait()
        return n

    assert run_shared([lambda: part(1), lambda: part(2)]) == [1, 2]
    assert len(threads) == 2


def test_a_busy_helper_leaves_the_whole_job_to_the_request_thread():
    release = threading.Event()
    busy = [parallel._HELPERS.submit(release.wait, 30)
            for _ in range(parallel._HELPERS._max_workers)]
    try:
        threads = set()

        def part(n):
            threads.add(threading.current_thread().name)
            return n + 1

        done = []
        worker = threading.Thread(target=lambda: done.append(run_shared([lambda n=n: part(n) for n in range(10)])))
        worker.start()
        worker.join(timeout=10)
        assert done == [list(range(1, 11))], "the request waited for a busy helper"
        assert threads == {worker.name}
    finally:
        release.set()
        for future in busy:
            future.result()


def test_an_error_in_any_part_is_raised_to_the_caller():
    def part(n):
        if n == 7:
            raise ValueError("part 7 failed")
        return n

    with pytest.raises(ValueError, match="part 7 failed"):
        run_shared([lambda n=n: part(n) for n in range(20)])
