"""A handful of real files from ../shared/corpora, read in place (skipped with a reason when absent)."""

from __future__ import annotations

from newsfacet.search.indexer import index_paths, open_index
from newsfacet.search.schema import to_article

from conftest import corpora_dir


def test_real_bbc_files_index_cleanly_including_the_latin1_one(tmp_path):
    sport = corpora_dir() / "bbc" / "sport"
    files = [sport / f"{n:03d}.txt" for n in range(195, 203)]   # 199.txt is Latin-1 ('£' as 0xA3)
    report = index_paths(files, tmp_path / "ix", workers=1)
    assert report.failed == [] and report.indexed == len(files)
    with open_index(tmp_path / "ix").searcher() as searcher:
        articles = {f["path"]: to_article(f) for f in searcher.reader().all_stored_fields()}
    latin1 = articles[str((sport / "199.txt").resolve())]
    assert "£" in latin1.text and "\ufffd" not in latin1.text
    assert all(a.title and a.language == "en" and a.word_count > 50 for a in articles.values())
