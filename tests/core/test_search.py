"""The query language on the bundled articles, with the files each query must find."""

import datetime as dt

import pytest

from searchapp.core.errors import QueryError
from searchapp.core.search import MAX_EXPANSION, search, show
from tests.core.conftest import SEED_NAMES, names

S000, S001, S002, S003, S004 = SEED_NAMES


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Clooney", {S003}),
        ('"kiss the ring"', {S000, S001}),
        ("\u201ckiss the ring\u201d", {S000, S001}),  # typographic quotes typed or pasted
        ("Clooney OR Duchovny", {S003, S000}),
        ("rust -trump", {S002, S004}),
        ("rust NOT trump", {S002, S004}),
        ("(Clooney OR Duchovny) -podcast", set()),
        ("first-degree", {S000, S001}),  # a hyphen inside a word is part of it
        ("hour-long", {S003, S004}),
        ("Cloon*", {S003}),
        ("Cloony~", {S003}),  # a letter missing from "Clooney"
        ("Clooni~2", {S003}),
        ("armore*", {S003}),  # the start of "armorer" as written (its stem is "armor")
        ("Stephanopolous~2", {S002, S003, S004}),
        ("title:takeaways", {S003}),
        ("title:rust Clooney", {S003}),
        ("date:2025", {S000, S001}),
        ("date:2021-12-02", {S002}),
        ("date:[2021 to 2022]", {S002}),
        ('"trigger pulled"~3', {S002, S003, S004}),  # "The trigger wasn’t pulled"
        ('"trigger pulled"', set()),
        ("Stephanopoulos Hutchins Souza", {S002, S003, S004}),
    ],
)
def test_query_finds_expected_files(seeds_library, query, expected):
    results = search(seeds_library, query, limit=10)
    assert set(names(results)) == expected
    assert results.total == len(expected)


def test_words_are_anded(seeds_library):
    assert names(search(seeds_library, "Baldwin Clooney")) == [S003]
    assert search(seeds_library, "Baldwin Clooney").mode == "all"


def test_empty_query_lists_everything_newest_first_undated_last(seeds_library):
    results = search(seeds_library, "")
    assert results.mode == "list" and results.total == 5
    dates = [hit.date for hit in results.hits]
    assert dates[:3] == [dt.date(2025, 2, 25), dt.date(2025, 2, 25), dt.date(2021, 12, 2)]
    assert dates[3:] == [None, None]


def test_sort_orders(seeds_library):
    oldest = search(seeds_library, "Baldwin", sort="oldest")
    assert [h.date for h in oldest.hits][:3] == [dt.date(2021, 12, 2), dt.date(2025, 2, 25),
                                                 dt.date(2025, 2, 25)]
    newest = search(seeds_library, "Baldwin", sort="newest")
    assert newest.hits[0].date == dt.date(2025, 2, 25)
    assert newest.hits[-1].date is None


def test_equal_scores_go_to_the_newer_article(make_library):
    library = make_library({
        "old.txt": " date 2001-01-01 Storm\n\nA storm came.",
        "new.txt": " date 2020-01-01 Storm\n\nA storm came.",
        "none.txt": "Storm\n\nA storm came.",
    })
    assert names(search(library, "storm")) == ["new.txt", "old.txt", "none.txt"]


def test_relevance_puts_the_most_relevant_first(seeds_library):
    assert names(search(seeds_library, "Clooney armorer"))[0] == S003


def test_hit_carries_snippet_with_match_spans(seeds_library):
    hit = search(seeds_library, "Clooney").hits[0]
    assert hit.title.startswith("9 Takeaways")
    assert hit.date is None
    assert 150 <= len(hit.snippet) <= 260
    assert hit.matches and all(hit.snippet[s:e] == "Clooney" for s, e in hit.matches)
    assert hit.score > 0


def test_snippet_is_cut_on_word_boundaries(seeds_library):
    for hit in search(seeds_library, "trigger").hits:
        body = show(seeds_library, hit.path).body
        core = hit.snippet.strip("\u2026")
        first, last = core.split()[0], core.split()[-1]
        assert f" {first}" in f" {body}" and f"{last} " in f"{body} "


def test_phrase_spans_cover_only_the_phrase(seeds_library):
    view = show(seeds_library, S000, '"kiss the ring"')
    assert [view.body[s:e] for s, e in view.body_matches] == ["kiss the ring"]
    start, end = view.body_matches[0]
    assert view.body.index("kiss the ring") == start and end == start + len("kiss the ring")


@pytest.mark.parametrize("phrase, expected", [
    ('"state of the union"', ["a.txt", "c.txt"]),
    ('"the the"', ["d.txt"]),
    ('"union state"', ["c.txt"]),
    ('"of the state"', ["b.txt"]),
    ('"state the union"', []),
])
def test_exact_phrases_match_where_the_words_stand_in_order(make_library, phrase, expected):
    library = make_library({
        "a.txt": "Speech\n\nThe state of the union is strong.",
        "b.txt": "Shuffled\n\nThe union of the state; state the of union.",
        "c.txt": "Twice\n\nState of the union, state of the union state again.",
        "d.txt": "Stutter\n\nThe the end.",
    })
    assert sorted(names(search(library, phrase))) == expected


def test_every_occurrence_of_a_phrase_is_marked(make_library):
    library = make_library({
        "c.txt": "Twice\n\nState of the union, state of the union state again.",
    })
    view = show(library, "c.txt", '"state of the union"')
    assert [view.body[s:e] for s, e in view.body_matches] == ["State of the union",
                                                              "state of the union"]


def test_stemmed_word_spans_in_title_and_body(seeds_library):
    view = show(seeds_library, S004, "pull")
    assert [view.title[s:e] for s, e in view.title_matches] == ["Pulled"]
    words = [view.body[s:e] for s, e in view.body_matches]
    assert words.count("pulled") == 3 and words.count("pull") == 4
    assert set(words) <= {"pulled", "pull", "Pulled", "pulling"}


def test_whole_document_highlight_is_not_capped(make_library):
    filler = "word " * 20_000  # 100,000 characters before the match
    library = make_library({"long.txt": f"Long\n\n{filler}needle at the end"})
    view = show(library, "long.txt", "needle")
    assert [view.body[s:e] for s, e in view.body_matches] == ["needle"]


def test_negated_words_are_not_highlighted(seeds_library):
    view = show(seeds_library, S002, "rust -trump")
    assert {view.body[s:e].lower() for s, e in view.body_matches} == {"rust"}


def test_suggestion_for_a_misspelling(seeds_library):
    results = search(seeds_library, "Hutchens")
    assert results.total == 0 and results.suggestion == "hutchins"
    assert search(seeds_library, "Baldwn shooting").suggestion == "baldwin shooting"


def test_no_suggestion_for_a_word_the_index_has_in_some_form(seeds_library):
    assert search(seeds_library, "aliens").suggestion is None
    assert search(seeds_library, "alien").suggestion is None


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"kiss the ring', "never closed"),
        ("(Clooney OR Duchovny", "never closed"),
        ("Clooney)", "no opening"),
        ("title:", "needs something"),
        ("date:[nonsense to never]", "not a date"),
        ("date:[2022 to 2021]", "reversed"),
        ("x" * 10_000, "too long"),
        ("...", "nothing to search"),
    ],
)
def test_malformed_queries_raise_query_error(seeds_library, query, message):
    with pytest.raises(QueryError, match=message):
        search(seeds_library, query)


def test_broad_wildcards_stay_bounded(seeds_library):
    results = search(seeds_library, "?*")
    assert results.total == 5
    assert results.notice and str(MAX_EXPANSION) in results.notice
    assert search(seeds_library, "*").total == 5


def test_prefixes_and_fuzzy_words_match_words_as_written(make_library):
    library = make_library({
        "a.txt": "Immigration policy was debated again.",
        "b.txt": "The immigrants arrived on Tuesday.",
        "c.txt": "Town hall\n\nSmall business owners met the mayor.",
        "d.txt": "Nothing about any of that here.",
    })
    # Stems are "immigr" for both words: the typed start of the written word finds both.
    assert set(names(search(library, "immigra*"))) == {"a.txt", "b.txt"}
    assert set(names(search(library, "immigrat*"))) == {"a.txt", "b.txt"}
    # Two edits from "business" as written, searched as "business" is.
    results = search(library, "buisness~2")
    assert names(results) == ["c.txt"]
    assert results.hits[0].matches  # the snippet marks "business"
    assert search(library, "bsuiness~1").total == 0  # a swap is two edits
    # A wildcard inside the word, over written words too ("tuesday" is indexed "tuesdai").
    assert names(search(library, "tue*ay")) == ["b.txt"]


def test_expansion_sees_words_of_documents_added_later(make_library, tmp_path):
    library = make_library({"a.txt": "Immigration policy was debated again."})
    assert search(library, "quarant*").total == 0  # the word list of this segment is kept
    (tmp_path / "docs" / "b.txt").write_text("A quarantine was ordered.", encoding="utf-8")
    library.update_paths([tmp_path / "docs" / "b.txt"])
    assert names(search(library, "quarant*")) == ["b.txt"]
    assert names(search(library, "quarentine~")) == ["b.txt"]
    assert names(search(library, "immigra*")) == ["a.txt"]


def test_only_stop_words_still_search(seeds_library):
    assert search(seeds_library, "the of in").total == 5


def test_fallback_to_closest_matches_is_labelled(seeds_library):
    results = search(seeds_library, "Clooney Duchovny podcast")
    assert results.mode == "closest"
    assert results.notice.startswith("No article contains all 3 words")
    assert set(names(results)) == {S000, S003}
    strict = search(seeds_library, "Clooney AND Duchovny")
    assert strict.total == 0 and strict.mode == "all"


def test_control_characters_are_ignored(seeds_library):
    assert names(search(seeds_library, "\tClooney\x0b\x00")) == [S003]


def test_words_in_parentheses_are_still_a_list_of_words(seeds_library):
    results = search(seeds_library, "Clooney (Duchovny podcast)")
    assert results.mode == "closest" and set(names(results)) == {S000, S003}
    assert search(seeds_library, "Clooney (Duchovny OR podcast)").mode == "all"
