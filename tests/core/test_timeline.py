"""Counts of matching documents per period, from the date column."""

from __future__ import annotations

import datetime as dt

import pytest

from searchapp.core.results import SearchFilters
from searchapp.core.search import search
from searchapp.core.timeline import period_filter, period_range, timeline


def counts(result) -> dict[str, int]:
    return {p.period: p.count for p in result.periods}


@pytest.mark.parametrize("query", ["", "Baldwin"])
def test_years_and_undated(seeds_library, query):
    result = timeline(seeds_library, query)
    assert counts(result) == {"2021": 1, "2025": 2}
    assert result.undated == 2 and result.total == 5


def test_months_and_narrow_queries(seeds_library):
    assert counts(timeline(seeds_library, "Baldwin", by="month")) == {"2021-12": 1,
                                                                       "2025-02": 2}
    scoop = timeline(seeds_library, "Scoop")
    assert counts(scoop) == {"2025": 2} and scoop.undated == 0
    clooney = timeline(seeds_library, "Clooney")
    assert counts(clooney) == {} and clooney.undated == 1
    assert timeline(seeds_library, "zebra").total == 0


def test_counts_agree_with_search(seeds_library):
    for query in ["", "Baldwin", "trigger", "pardon OR Clooney"]:
        assert timeline(seeds_library, query).total == search(seeds_library, query).total


def test_period_to_filter(seeds_library):
    assert period_range("2021") == (dt.date(2021, 1, 1), dt.date(2021, 12, 31))
    assert period_range("2024-02") == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert period_range("2021-12") == (dt.date(2021, 12, 1), dt.date(2021, 12, 31))
    result = timeline(seeds_library, "Baldwin")
    filters = period_filter(result.periods[-1])
    assert filters == SearchFilters(date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 12, 31))
    narrowed = search(seeds_library, "Baldwin", filters=filters)
    assert narrowed.total == 2
    kept = period_filter("2021", SearchFilters(kinds=frozenset({"txt"})))
    assert kept.kinds == frozenset({"txt"}) and kept.date_from == dt.date(2021, 1, 1)
    assert counts(timeline(seeds_library, "", filters=kept)) == {"2021": 1}


def test_bad_period_kind(seeds_library):
    with pytest.raises(ValueError):
        timeline(seeds_library, "", by="week")


def test_several_segments(make_library, tmp_path):
    library = make_library({"a.txt": " date 2020-05-01 A\nrust one", "b.txt": "B\nrust two"})
    (tmp_path / "docs" / "c.txt").write_text(" date 2021-06-02 C\nrust three", encoding="utf-8")
    library.refresh()
    with library.searcher() as searcher:
        assert len(searcher.reader().leaf_readers()) >= 2  # an update adds a segment
    result = timeline(library, "rust", by="month")
    assert counts(result) == {"2020-05": 1, "2021-06": 1} and result.undated == 1
