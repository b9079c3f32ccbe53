"""Comparing two accounts of the same interview."""

from __future__ import annotations

from pathlib import Path

from searchapp.core.compare import compare, sentences

from .conftest import SEED_NAMES


def test_compare_002_004(seeds_library):
    result = compare(seeds_library, SEED_NAMES[2], SEED_NAMES[4])
    body_a = Path(result.a.path).read_text(encoding="utf-8")
    assert Path(result.a.path).name == SEED_NAMES[2] and result.b.date is None
    never = [s for s in result.shared if "never point a gun at anyone" in s.a.text]
    assert len(never) == 1 and "never point a gun at anyone" in never[0].b.text
    assert 0 < never[0].similarity < 1 and never[0].in_order
    assert result.only_a and result.only_b
    assert any("Stephanopoulos asked" in p.text for p in result.only_a)
    assert any("PDQ Arm" in p.text for p in result.only_b)
    # Spans point into the bodies.
    with seeds_library.searcher() as searcher:
        body_a = searcher.document(path=result.a.path)["body"]
    for passage in result.only_a:
        assert body_a[passage.start:passage.end] == passage.text
    # The segments walk both accounts in order.
    shared_in_segments = [s for s in result.segments if s.kind == "shared"]
    assert len(shared_in_segments) == sum(1 for s in result.shared if s.in_order)
    starts = [s.a.start for s in result.segments if s.a is not None]
    assert starts == sorted(starts)
    # The same quotation worded differently: "a trigger" in 002, "the trigger" in 004.
    difference = next(d for d in result.quote_differences if "point a gun" in d.a.text)
    assert "pull a trigger" in difference.a.text and "pull the trigger" in difference.b.text
    assert body_a[difference.a.start:difference.a.end] == difference.a.text
    assert result.same_quotes >= 2


def test_compare_different_stories_share_little(seeds_library):
    result = compare(seeds_library, SEED_NAMES[0], SEED_NAMES[3])
    assert len(result.shared) <= 1 and not result.quote_differences


def test_sentences_spans():
    body = "He said, \u201cNo. Never.\u201d Then he left.\n\nA new paragraph"
    parts = sentences(body)
    assert [p.text for p in parts] == ["He said, \u201cNo.", "Never.\u201d",
                                       "Then he left.", "A new paragraph"]
    assert all(body[p.start:p.end] == p.text for p in parts)
