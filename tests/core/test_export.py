"""Exporting results and a quotation's occurrences."""

from __future__ import annotations

import csv
import datetime as dt
import io

from searchapp.core.export import (
    QUOTE_COLUMNS,
    RESULT_COLUMNS,
    citation,
    quotation_csv,
    quotation_markdown,
    results_csv,
    results_markdown,
    write_export,
)
from searchapp.core.quotes import find_quote
from searchapp.core.search import search


def test_citation_dated_and_undated():
    assert citation("Title", "Collection", dt.date(2021, 12, 2), "/path/file.txt") == \
        "\u201cTitle,\u201d Collection, 2 Dec 2021. /path/file.txt"
    assert citation("Title", "bundled", None, "/p/a.txt") == \
        "\u201cTitle,\u201d bundled, undated. /p/a.txt"


def test_results_csv_round_trip(seeds_library, tmp_path):
    results = search(seeds_library, "Baldwin", limit=10)
    text = results_csv(results.hits)
    target = tmp_path / "results.csv"
    write_export(target, text)
    with open(target, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(RESULT_COLUMNS) and len(rows) == 5
    for row, hit in zip(rows, results.hits, strict=True):
        assert row["title"] == hit.title and row["path"] == hit.path
        assert row["snippet"] == hit.snippet
        assert row["date"] == (hit.date.isoformat() if hit.date else "")
        assert row["citation"].endswith(hit.path)
    assert sum("undated" in row["citation"] for row in rows) == 2


def test_results_markdown_one_citation_per_item(seeds_library):
    results = search(seeds_library, "Baldwin", limit=10)
    markdown = results_markdown(results.hits, "Baldwin")
    citations = [line for line in markdown.splitlines() if line[:3] in {f"{n}. " for n in
                                                                          range(1, 10)}]
    assert len(citations) == 5
    for line, hit in zip(citations, results.hits, strict=True):
        assert hit.path.replace("_", "\\_") in line
    assert "2 Dec 2021" in markdown and markdown.count("undated") == 2


def test_quotation_exports(seeds_library):
    quotation = find_quote(seeds_library, "I would never point a gun at anyone")
    rows = list(csv.DictReader(io.StringIO(quotation_csv(quotation), newline="")))
    assert list(rows[0]) == list(QUOTE_COLUMNS) and len(rows) == 3
    assert [row["first"] for row in rows] == ["yes", "", ""]
    assert all(row["variant"].startswith("I would never point") for row in rows)
    markdown = quotation_markdown(quotation)
    assert sum(1 for line in markdown.splitlines() if line[:3] in {"1. ", "2. ", "3. "}) == 3
    assert "(first)" in markdown
