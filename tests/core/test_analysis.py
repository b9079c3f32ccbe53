"""Analysis equivalences a person expects, checked through search on real text."""

import pytest

from searchapp.core.schema import stemming_analyzer
from searchapp.core.search import search, show
from tests.core.conftest import names


@pytest.mark.parametrize(
    ("query", "written"),
    [
        ("didn't", "didn\u2019t"),  # ASCII apostrophe finds the typographic one
        ("Baldwin's", "Baldwin\u2019s"),
        ("pull", "pulled"),  # English stemming
        ("shoot", "shooting"),
        ("Duchovny", "Duchovny's"),  # a possessive does not hide its word
        ("BALDWIN", "Baldwin"),  # case-insensitive
    ],
)
def test_query_finds_written_form(seeds_library, query, written):
    results = search(seeds_library, query, limit=10)
    assert results.total > 0
    matched = {hit.snippet[s:e] for hit in results.hits for s, e in hit.matches}
    assert written in matched


def test_accents_are_folded_before_stemming(make_library):
    library = make_library({"a.txt": "Caf\u00e9 culture\n\nThe caf\u00e9s of Paris.",
                            "b.txt": "Coffee\n\nNothing here."})
    assert names(search(library, "cafe")) == ["a.txt"]
    assert names(search(library, "caf\u00e9s")) == ["a.txt"]


def test_combining_accents_fold_like_precomposed_ones(make_library):
    library = make_library({"a.txt": "Title\n\nA cafe\u0301 on the corner."})
    view = show(library, "a.txt", "café")
    assert [view.body[s:e] for s, e in view.body_matches] == ["cafe\u0301"]


def test_markup_around_a_word_does_not_hide_it(make_library):
    library = make_library({"a.txt": "Memo\n\n**NOTICE** to all staff."})
    assert names(search(library, "notice")) == ["a.txt"]


def test_spans_cover_whole_words_of_the_original_text(seeds_library):
    view = show(seeds_library, "003_09ada0fa5a3b2448.txt", "didn't")
    words = {view.body[s:e] for s, e in view.body_matches}
    assert words == {"didn\u2019t"}


def test_stop_words_are_indexed_for_phrases():
    tokens = [t.text for t in stemming_analyzer()("kiss the ring")]
    assert tokens == ["kiss", "the", "ring"]
