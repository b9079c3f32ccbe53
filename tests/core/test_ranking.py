"""The array-at-a-time ranking (core/ranking.py) against Whoosh's own matchers: the same
documents, in the same order, with the same scores and totals, on every kind of query it
takes — with and without the postings arrays (core/postings.py), over several segments
and deleted documents."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from searchapp.core import postings, ranking
from searchapp.core import search as search_module
from searchapp.core.results import SearchFilters
from searchapp.core.search import search

WORDS = ("rust film set shooting armorer gun safety prop live round director camera crew "
         "sheriff investigation charges court trial jury verdict producer actor rehearsal "
         "state union mailing list public debt health care credit card").split()

QUERIES = [
    "gun", "safety", "gun safety", "gun safety crew", "gun OR jury", "gun -safety",
    "-jury gun", "gun NOT (camera crew)", "sher*", "ar*", "armorrer~", "saftey~2",
    '"gun safety"', '"public debt"', '"gun safety" crew', '"state union" OR "mailing list"',
    'title:gun', 'title:"gun safety"', "(gun OR camera) court -verdict", "gun^2 crew",
    '"live round"', '"film set shooting"', "nothere", '"gun nothere"', "rust rust",
    "-gun", "NOT safety", "gun AND NOT (jury OR trial)",
]


def _article(rng: random.Random, number: int) -> str:
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 6)))
    body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 120)))
    date = f" date 20{rng.randint(10, 24)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}\n"
    return (date if number % 3 else "") + f"{title}\n\n{body}.\n"


@pytest.fixture(autouse=True)
def rank_small_collections(monkeypatch):
    monkeypatch.setattr(search_module, "RANKING_MIN_DOCS", 0)


@pytest.fixture
def library(make_library, monkeypatch):
    monkeypatch.setattr(postings, "MIN_DOCS", 20)  # so that common words get arrays
    rng = random.Random(7)
    return make_library({f"a{n:03d}.txt": _article(rng, n) for n in range(240)})


def _whoosh(monkeypatch):
    def refuse(*args, **kwargs):
        raise ranking.Unsupported("compared with Whoosh")

    monkeypatch.setattr(ranking, "first_page", refuse)


def _page(results) -> list[tuple[str, float]]:
    return [(hit.path, round(hit.score, 9)) for hit in results.hits]


def _compare(library, monkeypatch, queries=QUERIES, **kwargs) -> None:
    ours = {q: search(library, q, limit=25, **kwargs) for q in queries}
    with monkeypatch.context() as patch:
        _whoosh(patch)
        theirs = {q: search(library, q, limit=25, **kwargs) for q in queries}
    for q in queries:
        assert _page(ours[q]) == _page(theirs[q]), q
        assert ours[q].total == theirs[q].total, q
        assert not ours[q].estimated
        # The same snippets and marks, though highlighting skipped the words (of a prefix,
        # say) that the ranking found in none of the page's documents.
        assert ([(h.snippet, h.matches) for h in ours[q].hits]
                == [(h.snippet, h.matches) for h in theirs[q].hits]), q


def _arrays(library) -> list:
    return sorted(library.index_root.glob(f"*/*{postings.SUFFIX}"))


def test_same_pages_and_totals_as_whoosh(library, monkeypatch):
    assert _arrays(library), "the build writes the arrays of its segment"
    used = []
    real_get = postings.SegmentArrays.get
    monkeypatch.setattr(postings.SegmentArrays, "get",
                        lambda self, f, t: used.append(t) or real_get(self, f, t))
    _compare(library, monkeypatch)
    assert "gun" in used


def test_same_without_arrays_and_with_a_damaged_file(library, monkeypatch):
    for path in _arrays(library):
        path.unlink()
    postings._opened.clear()
    library._close_searcher()
    _compare(library, monkeypatch)
    library.refresh()  # an indexing pass writes what is missing
    (path,) = _arrays(library)
    path.write_bytes(path.read_bytes()[:-40])  # truncated: ignored, never trusted
    postings._opened.clear()
    library._close_searcher()
    _compare(library, monkeypatch)


def test_same_over_several_segments_with_deleted_documents(library, monkeypatch, tmp_path):
    folder = tmp_path / "docs"
    rng = random.Random(11)
    for n in range(0, 240, 7):
        (folder / f"a{n:03d}.txt").write_text(_article(rng, n), encoding="utf-8")
    for n in range(1, 240, 31):
        (folder / f"a{n:03d}.txt").unlink()
    for n in range(300, 330):
        (folder / f"b{n}.txt").write_text(_article(rng, n), encoding="utf-8")
    library.refresh()
    (folder / "a002.txt").write_text("Gun safety\n\ngun safety crew", encoding="utf-8")
    library.update_paths([folder / "a002.txt"])
    with library.searcher() as searcher:
        assert len(searcher.leaf_searchers()) > 1
        assert searcher.reader().has_deletions()
    _compare(library, monkeypatch)


def test_same_with_filters_and_hidden_folders(library, monkeypatch):
    filters = SearchFilters(date_from=dt.date(2015, 1, 1), date_to=dt.date(2020, 12, 31))
    _compare(library, monkeypatch, queries=["gun", '"gun safety"', "gun -crew"],
             filters=filters)
    library.hidden_collections = frozenset({"docs"})
    hidden = search(library, "gun")
    assert hidden.total == 0 and not hidden.hits


def test_what_it_does_not_take_is_left_to_whoosh(library, monkeypatch):
    taken = []
    real = ranking.first_page

    def spy(*args, **kwargs):
        try:
            page = real(*args, **kwargs)
        except ranking.Unsupported:
            taken.append(False)
            raise
        taken.append(True)
        return page

    monkeypatch.setattr(ranking, "first_page", spy)
    for q in ['"gun safety"~3', "date:2015 gun"]:
        taken.clear()
        assert search(library, q).total >= 0
        assert taken == [False], q
    # No article has all four words: the ranked closest matches (Whoosh's weighted OR).
    taken.clear()
    assert search(library, "gun safety armorer nothere").mode == "closest"
    assert taken == [True, False]
    _compare(library, monkeypatch, queries=['"gun safety"~3', "date:2015 gun"])


def test_many_phrase_candidates_give_the_exact_top_and_an_estimated_total(library,
                                                                         monkeypatch):
    exact = search(library, '"gun safety"', limit=10)
    monkeypatch.setattr(ranking, "VERIFY_ALL", 5)
    monkeypatch.setattr(ranking, "SAMPLE", 20)
    library._close_searcher()
    estimated = search(library, '"gun safety"', limit=10)
    assert estimated.estimated
    assert _page(estimated) == _page(exact)
    assert abs(estimated.total - exact.total) <= 0.5 * exact.total


def test_the_phrase_check_reads_positions(make_library):
    library = make_library({
        "next.txt": "One\n\nthe gun safety meeting",
        "apart.txt": "Two\n\nsafety first, then the gun",
        "reversed.txt": "Three\n\nsafety gun safety",
        "twice.txt": "Four\n\ngun gun safety",
    })
    assert sorted(h.path.rsplit("/", 1)[-1] for h in search(library, '"gun safety"').hits) \
        == ["next.txt", "reversed.txt", "twice.txt"]
    assert search(library, '"gun gun safety"').total == 1
    assert search(library, '"safety gun safety"').total == 1


def test_small_collections_are_ranked_by_whoosh(make_library, monkeypatch):
    monkeypatch.setattr(search_module, "RANKING_MIN_DOCS", 3)
    called = []
    real = ranking.first_page
    monkeypatch.setattr(ranking, "first_page", lambda *a, **k: called.append(1) or real(*a, **k))
    small = make_library({"a.txt": "A\n\ngun", "b.txt": "B\n\ngun"})
    assert search(small, "gun").total == 2 and not called
    (small.collections[0].root / "c.txt").write_text("C\n\ngun", encoding="utf-8")
    small.refresh()
    assert search(small, "gun").total == 3 and called


def test_the_search_module_falls_back_when_ranking_cannot(library, monkeypatch):
    # A postings reader of another kind (a future Whoosh codec) is not guessed at.
    monkeypatch.setattr(ranking, "W3LeafMatcher", type("Other", (), {}))
    monkeypatch.setattr(postings, "SegmentArrays", None)
    postings._opened.clear()
    library._close_searcher()
    assert search_module.search(library, "gun").total > 0
