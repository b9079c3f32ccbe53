"""Quotations: extraction, the normaliser, and tracking them across the bundled articles."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from searchapp.core.quotes import (
    extract_quote_spans,
    find_quote,
    normalize_quote,
    quotations,
)

NEVER_POINT = "I would never point a gun at anyone and pull the trigger at them, never"
PARDON = "I will give you a total pardon for murdering that woman if you kiss the ring"


def by_name(quotation) -> dict[str, object]:
    return {Path(o.path).name[:3]: o for o in quotation.occurrences}


@pytest.mark.parametrize(("printed", "plain"), [
    ("\u201cI didn\u2019t pull the trigger,\u201d", "I didn't pull the trigger"),
    ('"I didn\'t pull the trigger."', "i didnt pull the trigger"),
    ("loved by everyone who worked with [her] and", "loved by everyone who worked with her and"),
    ("and admired\u2026,", "and admired"),
    ("and admired...", "and admired"),
    ("intentionally \u2026 cocked and fired", "intentionally cocked and fired"),
    ("in cold blood \u2014 you can call it", "in cold blood you can call it"),
    ("freak \u2013 awful accident", "freak awful accident"),
    ("\u2019cause I wanna be friends", "'cause I wanna be friends"),
    ("Caf\u00e9 CR\u00c8ME", "cafe creme"),
])
def test_normaliser_ignores_punctuation_marks_and_brackets(printed, plain):
    assert normalize_quote(printed) == normalize_quote(plain)


def test_normaliser_keeps_words_apart():
    assert normalize_quote("pull a trigger") != normalize_quote("pull the trigger")
    assert normalize_quote("\u201cThe trigger wasn\u2019t pulled.\u201d") == \
        "the trigger wasnt pulled"


def test_extraction_mixed_marks_and_short_quotes():
    body = ('He said \u201cWell, Alec, if you don\u2019t want that pardon," and then '
            '"kiss" it. \u201cNot too hot\u201d he said.\n\n"An unclosed quotation runs '
            'to the end of its paragraph\n\nand never into the next "one two three four"')
    spans = [body[s:e] for s, e in extract_quote_spans(body)]
    assert spans == ["Well, Alec, if you don\u2019t want that pardon,", "one two three four"]


def test_seeds_store_quote_spans(seeds_library):
    with seeds_library.searcher() as searcher:
        for fields in searcher.all_stored_fields():
            for start, end in fields["quotes"]:
                assert fields["body"][start - 1] in '"\u201c\u201e'
                assert fields["body"][end] in '"\u201d'


def test_find_quote_never_point(seeds_library):
    quotation = find_quote(seeds_library, NEVER_POINT)
    occurrences = by_name(quotation)
    assert set(occurrences) == {"002", "003", "004"}
    assert occurrences["003"].text == NEVER_POINT and occurrences["003"].exact
    assert occurrences["004"].text == NEVER_POINT
    # 002 printed a variant: "a trigger", without the final "never".
    variant = occurrences["002"]
    assert variant.text == "I would never point a gun at anyone and pull a trigger at them"
    assert not variant.exact
    body = Path(variant.path).read_text(encoding="utf-8")
    assert variant.text in body
    # Only the dated 002 can have run it first; the undated two are said to be undated.
    assert [Path(o.path).name[:3] for o in quotation.first] == ["002"]
    assert quotation.first[0].date == dt.date(2021, 12, 2)
    assert "2 undated documents" in quotation.first_note
    assert [Path(o.path).name[:3] for o in quotation.occurrences][0] == "002"


def test_find_quote_same_day(seeds_library):
    quotation = find_quote(seeds_library, PARDON)
    occurrences = by_name(quotation)
    assert set(occurrences) == {"000", "001"}
    assert all(o.text == PARDON and o.exact for o in occurrences.values())
    # 000 prints it inside a longer quotation: its span is the matching part only.
    whole = occurrences["000"]
    assert whole.quote_start < whole.start and whole.end <= whole.quote_end
    assert {Path(o.path).name[:3] for o in quotation.first} == {"000", "001"}
    assert "same day" in quotation.first_note


def test_find_quote_undated_only(seeds_library):
    quotation = find_quote(seeds_library, "She was someone who was loved by everyone")
    assert set(by_name(quotation)) == {"003", "004"}
    assert quotation.first == ()
    assert "None of the documents" in quotation.first_note


def test_find_quote_selection_and_nothing(seeds_library):
    selected = find_quote(seeds_library, "a bullet that wasn\u2019t even supposed to be")
    assert set(by_name(selected)) == {"002", "003", "004"}
    assert find_quote(seeds_library, "zebras never pull triggers at all").occurrences == ()
    assert find_quote(seeds_library, "\u2026").documents == 0


def test_collection_listing_most_widely_carried_first(seeds_library):
    listed = quotations(seeds_library)
    assert listed and all(q.documents >= 2 for q in listed)
    counts = [q.documents for q in listed]
    assert counts == sorted(counts, reverse=True)
    texts = {q.text for q in listed}
    assert NEVER_POINT in texts and PARDON in texts
    # A quotation cut at an ellipsis is matched part by part.
    assert "that Alec did not pull that trigger" in texts


def test_query_listing(seeds_library):
    listed = quotations(seeds_library, "pardon")
    assert listed and all("pardon" in q.normalized for q in listed)
    itself = quotations(seeds_library, f'"{NEVER_POINT}"')
    assert set(by_name(itself[0])) == {"002", "003", "004"}
