"""Hostile queries over the whole query path (parse, search, snippet, whole-document
highlight): nothing but QueryError ever escapes, and every query answers or is refused
within a fixed time bound (a hang detector, not a speed claim).

SEARCHAPP_HYPOTHESIS_EXAMPLES raises the number of generated queries (default 120 per index);
SEARCHAPP_HYPOTHESIS_RANDOM=1 draws new ones on each run instead of CI's fixed sequence.
"""

from __future__ import annotations

import os
import random
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searchapp.core.errors import QueryError
from searchapp.core.index import Collection, Library
from searchapp.core.schema import STOP_WORDS
from searchapp.core.search import SORTS, search, show

TIME_BOUND = 5.0
EXAMPLES = int(os.environ.get("SEARCHAPP_HYPOTHESIS_EXAMPLES", "120"))
LARGE_DOCS = 2000
VOCABULARY = [f"{stem}{suffix}" for stem in
              ("rust", "baldwin", "shoot", "trigger", "armor", "film", "gun", "set", "crew",
               "court", "jury", "news", "actor", "a", "ab", "abc")
              for suffix in ("", "s", "ing", "ed", "er")]
PROBE = settings(
    max_examples=EXAMPLES, deadline=None, database=None,
    derandomize=not os.environ.get("SEARCHAPP_HYPOTHESIS_RANDOM"),  # CI: the same queries
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="session")
def large_library(tmp_path_factory) -> Library:
    """A few thousand small generated documents, built once per session."""
    folder = tmp_path_factory.mktemp("large-docs")
    rng = random.Random(6)
    letters = "abcdefghijklmnopqrstuvwxyz"
    rare = ["".join(rng.choice(letters) for _ in range(rng.randint(3, 9)))
            for _ in range(3000)]  # hundreds of words per initial letter
    for number in range(LARGE_DOCS):
        year = rng.randint(1990, 2030)
        words = " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(5, 40)))
        words += " " + " ".join(rng.sample(rare, 4))
        first = f" date {year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} " \
            if number % 3 else ""
        (folder / f"n{number:05d}.txt").write_text(
            f"{first}Title {rng.choice(VOCABULARY)} {number}\n\n{words} w{number}\n",
            encoding="utf-8")
    library = Library(tmp_path_factory.mktemp("large-data"),
                      collections=[Collection("large", folder)])
    library.ensure_ready()
    return library


OPERATORS = ["AND", "OR", "NOT", "-", "+", "(", ")", '"', "*", "?", "~", "~2", "~~~", "^2",
             ":", "title:", "body:", "date:", "path:", "kind:", "[", "]", "{", "}", " to ",
             "TO", "/", "\\", "'", "\u201c", "\u201d", "&", "|", "!", "date:[", "date:2021",
             "date:2021-12-02", "date:[2021 to 2022]", "date:[nonsense to never]",
             "date:yesterday", "date:>2020", "2021-02-30", "\x00", "\t", "\u200b", "\u202e",
             "😀", "e\u0301", "שלום", "%", "$", "#", "@", "..", ",", ";", "<", ">", "=",
             "NEAR", "ANDNOT", "ANDMAYBE", "*:*", "title:*", "a*", "?*", "*x", "**", "?"]
pieces = st.one_of(
    st.sampled_from(VOCABULARY), st.sampled_from(OPERATORS),
    st.sampled_from(sorted(STOP_WORDS)), st.text(max_size=6),
    st.from_regex(r"[a-z]{1,8}[*?~]{0,2}[0-9]?", fullmatch=True),
)
queries = st.one_of(
    st.lists(pieces, max_size=12).flatmap(
        lambda parts: st.lists(st.sampled_from(["", " ", "  "]), min_size=len(parts),
                               max_size=len(parts)).map(
            lambda gaps: "".join(p + g for p, g in zip(parts, gaps, strict=True)))),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
)


def _exercise(library: Library, query: str, sort: str = "relevance") -> str:
    """Run the whole query path; return "answered" or "refused"."""
    started = time.perf_counter()
    try:
        results = search(library, query, limit=5, sort=sort)
        for hit in results.hits:
            for start, end in hit.matches:
                assert 0 <= start < end <= len(hit.snippet)
        if results.hits:
            view = show(library, results.hits[0].path, query)
            for start, end in view.body_matches:
                assert 0 <= start < end <= len(view.body)
            for start, end in view.title_matches:
                assert 0 <= start < end <= len(view.title)
        outcome = "answered"
    except QueryError as exc:
        assert str(exc), "a refusal says why"
        outcome = "refused"
    elapsed = time.perf_counter() - started
    assert elapsed < TIME_BOUND, f"{query!r} took {elapsed:.1f} s"
    return outcome


@PROBE
@given(query=queries, sort=st.sampled_from(SORTS))
def test_any_query_on_the_bundled_articles(seeds_library, query, sort):
    _exercise(seeds_library, query, sort)


@PROBE
@given(query=queries)
def test_any_query_on_a_large_index(large_library, query):
    _exercise(large_library, query)


NAMED = {
    "unbalanced quote": ('"rust shooting', "refused"),
    "unbalanced quotes": ('"rust" "shooting', "refused"),
    "unbalanced open parenthesis": ("(rust OR gun", "refused"),
    "unbalanced close parenthesis": ("rust) gun", "refused"),
    "star": ("*", "answered"),
    "question star": ("?*", "answered"),
    "a star": ("a*", "answered"),
    "tildes": ("~~~", None),
    "empty field": ("title:", "refused"),
    "nonsense dates": ("date:[nonsense to never]", "refused"),
    "10,000 characters": ("rust " * 2000, "refused"),
    "10,000 characters, no spaces": ("x" * 10_000, "refused"),
    "control characters": ("\x00\x01rust\x1b[31m\x7f\u200b\u202e", "answered"),
    "only stop words": ("the of and in", "answered"),
    "only punctuation": ("!.,;:-—…", "refused"),
    "deep parentheses": ("(" * 300 + "rust" + ")" * 300, None),
    "many ORs": (" OR ".join(["rust"] * 120), "answered"),
    "many wildcards": (" ".join(["a*"] * 100), None),
    "many fuzzy words": (" ".join(["rust~2"] * 100), None),
    "long date range text": ("date:[" + " to" * 300 + "]", "refused"),
    "repeated date fields": ("date:2021 " * 90, None),
    "just under the length limit": ("a" * 999, None),
    "wildcard in the middle": ("r*s*t*g*", None),
    "many question marks": ("?" * 200, None),
}


@pytest.mark.parametrize("index", ["bundled", "large"])
@pytest.mark.parametrize("name", sorted(NAMED))
def test_named_hostile_query(request, index, name):
    library = request.getfixturevalue("seeds_library" if index == "bundled" else
                                      "large_library")
    query, expected = NAMED[name]
    outcome = _exercise(library, query)
    if expected is not None:
        assert outcome == expected


def test_broad_prefix_on_the_large_index_is_bounded_and_says_so(large_library):
    results = search(large_library, "a*")
    assert results.total > 0 and results.notice and "most common" in results.notice

