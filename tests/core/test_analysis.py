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


# Texts where the one-pass index analysis could part from Whoosh's token stream: cases,
# typographic and ASCII apostrophes with possessives, precomposed and combining accents,
# ligatures, letters that change length when lowercased, digits, repeats, nothing at all.
ONE_PASS_TEXTS = [
    "",
    "   \n\t  ",
    "Baldwin\u2019s gun; BALDWIN'S GUN; baldwin\u02bcs gun; didn\u2019t; rock\u2019n\u2019roll",
    "Caf\u00e9 cafe\u0301 CAF\u00c9S na\u00efve \u00fcber \u00df stra\u00dfe",
    "\ufb01nance \ufb02ow \u2163 \u00bd 1,000 2021-10-21 x86_64",
    "\u0130stanbul \u0130I\u0307 \u1e9e \u01c4 \u01c5",
    "the the the The THE the, the. the\u2014the",
    "hour-long **NOTICE** _underscored_ e-mail O\u2019Brien's",
    "\u65e5\u672c\u8a9e\u306e\u6587 \u0627\u0644\u0639\u0631\u0628\u064a\u0629",
    "\u0395\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ac \u0399\u03a3 \u03a3\u039f\u03a3",
]


@pytest.mark.parametrize("name", ["title", "body", "spell"])
def test_one_pass_analysis_indexes_what_the_token_stream_does(name, monkeypatch):
    from whoosh.fields import FieldType

    from searchapp.core.index import bundled_seeds_dir
    from searchapp.core.schema import build_schema

    field = build_schema()[name]
    texts = ONE_PASS_TEXTS + [p.read_text(encoding="utf-8")
                              for p in sorted(bundled_seeds_dir().iterdir())]
    # What Whoosh's own FieldType.index() makes of each text: the chain of filters.
    streams = [list(FieldType.index(field, text)) for text in texts]

    def token_stream(*args, **kwargs):
        raise AssertionError("the one-pass analysis was not used")

    monkeypatch.setattr(FieldType, "index", token_stream)
    for text, stream in zip(texts, streams, strict=True):
        assert list(field.index(text)) == stream, text[:60]
