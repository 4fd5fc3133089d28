"""The engine's numpy scoring against Whoosh's own ``searcher.search()``, query by query.

A real index on disk of articles made from a small word list of our own (stop words and
near-spellings included, so that phrases, fuzzy and prefix terms have something to find);
a few hundred queries drawn from what the index holds: words, AND/OR/NOT, phrases of words
that stand next to each other in an article, fuzzy and prefix terms, field clauses. For
each, the engine must match the same articles as Whoosh, with the same scores.
"""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
from whoosh import query as wq

from newsfacet.search.engine import Engine
from newsfacet.search.indexer import index_paths
from newsfacet.search.query import evaluate, parse_query
from newsfacet.web.app import create_app

WORDS = ("river bridge council market harbour school mayor budget water storm railway "
         "station museum garden farmer village winter summer report plan brown browne crown "
         "crowd cloud clown ferry fishing festival library road roads repair rain rainfall "
         "teacher teachers vote voters voting election debate").split()
STOPS = "the a of to be or not in on and is it was for".split()
OUTLETS = ["Valley Voice", "Coast Courier", "Hill Herald"]


def _sentence(rnd: random.Random) -> list[str]:
    return [rnd.choice(WORDS) if rnd.random() < 0.7 else rnd.choice(STOPS)
            for _ in range(rnd.randint(4, 12))]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(index folder, the articles' sentences as word lists)."""
    rnd = random.Random(10)
    folder = tmp_path_factory.mktemp("scoring")
    records, sentences = [], []
    for n in range(72):
        body = [_sentence(rnd) for _ in range(rnd.randint(2, 9))]
        if n % 8 == 0:
            body.append("to be or not to be that is the question".split())
        sentences += body
        title = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(2, 5)))
        records.append({"title": title.title(),
                        "text": " ".join(" ".join(s).capitalize() + "." for s in body),
                        "source": OUTLETS[n % 3], "date": f"2021-{1 + n % 12:02d}-{1 + n % 27:02d}"})
    (folder / "articles.jsonl").write_text("\n".join(json.dumps(r) for r in records))
    index_paths([folder / "articles.jsonl"], folder / "index", workers=1)
    return folder / "index", sentences


def _queries(sentences) -> list[str]:
    rnd = random.Random(11)
    words = sorted(set(WORDS))
    out = list(words)
    for _ in range(40):
        a, b, c = rnd.sample(words, 3)
        out += [f"{a} {b}", f"{a} OR {b}", f"{a} AND NOT {b}", f"{a} -{b}", f"({a} OR {b}) {c}",
                f"{a}^3 OR {b}"]
    for _ in range(60):
        sentence = rnd.choice(sentences)
        start = rnd.randrange(len(sentence) - 1)
        phrase = " ".join(sentence[start:start + rnd.randint(2, 3)])
        out.append(f'"{phrase}"')
        if rnd.random() < 0.3:
            out.append(f'"{phrase}"~3')
    for word in rnd.sample(words, 25):
        out += [f"{word}~", f"{word}~2", f"{word[:3]}*", f"{word}~ {rnd.choice(words)}"]
    for word in rnd.sample(words, 10):
        out += [f"title:{word}", f'outlet:"{rnd.choice(OUTLETS)}" {word}', f"{word[:2]}?n*"]
    out += ["to be or not to be", '"to be or not to be"', '"that is the question"']
    return list(dict.fromkeys(out))


@pytest.fixture
def whoosh_unoptimised(monkeypatch):
    """Whoosh, under 5,000 documents, ORs the three or more index words of a fuzzy or prefix
    term with an unscored shortcut (each document 1.0); on any larger index, and with two
    words at any size, it sums their BM25F scores. The small test index is scored the way
    Whoosh scores a real collection."""
    monkeypatch.setattr(wq.Or, "matcher_type", wq.Or.DEFAULT_MATCHER)


def test_the_engine_scores_every_query_form_as_whoosh_does(built, whoosh_unoptimised):
    index_dir, sentences = built
    queries = _queries(sentences)
    assert len(queries) > 300
    checked = {"fuzzy": 0, "phrase": 0, "prefix": 0}
    with Engine(index_dir).generation() as gen:
        searcher, columns = gen.searcher, gen.columns
        for q in queries:
            parsed = parse_query(q, searcher, columns)
            mask, scores = evaluate(parsed.query, searcher, columns)
            theirs = {hit.docnum: hit.score for hit in searcher.search(parsed.query, limit=None)}
            ours = {int(d): float(scores[d]) for d in np.flatnonzero(mask)}
            assert set(ours) == set(theirs), q
            for doc, score in theirs.items():
                assert ours[doc] == pytest.approx(score, rel=1e-4, abs=1e-5), (q, doc)
            for form, mark in (("fuzzy", "~"), ("phrase", '"'), ("prefix", "*")):
                checked[form] += mark in q and bool(theirs)
    assert min(checked.values()) >= 20, checked   # each form was tested on real matches


def test_the_api_ranks_the_first_page_as_whoosh_does(built, whoosh_unoptimised):
    index_dir, _ = built
    client = create_app({"INDEX_DIR": str(index_dir), "TIME_BUDGET_MS": None}).test_client()
    with Engine(index_dir).generation() as gen:
        searcher, columns = gen.searcher, gen.columns
        for q in ("brown~", "teach*", '"to be"', '"river bridge"~3 OR cloud~2', "rain -road"):
            top = searcher.search(parse_query(q, searcher, columns).query, limit=10)
            body = client.get("/api/search", query_string={"q": q, "per_page": 10}).get_json()
            theirs = [round(hit.score, 4) for hit in top]
            assert [hit["score"] for hit in body["hits"]] == pytest.approx(theirs, abs=2e-4), q
