"""How many documents matching a query fall in each year or month, from the date column.

The counts cover every matching document, not just the page shown, and read nothing but
the matched document numbers and the sortable ``date`` and ``dated`` columns, so the
window can ask for them after the results are on screen without slowing the search.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from whoosh import query as wq

from searchapp.core.results import SearchFilters

BY = ("year", "month")
_MICROSECONDS_PER_DAY = 86_400_000_000
_NO_DATE_DAY = dt.date.max.toordinal()  # beyond any real date


@dataclass(frozen=True)
class PeriodCount:
    """The matching documents dated within one year or month."""

    period: str  # "2021" or "2021-12"
    start: dt.date  # first and last day of the period
    end: dt.date
    count: int


@dataclass(frozen=True)
class Timeline:
    query: str
    by: str  # "year" or "month"
    periods: tuple[PeriodCount, ...]  # oldest first; only periods with documents
    undated: int  # matching documents without a date, counted apart
    total: int  # every matching document, dated or not
    elapsed: float = 0.0


def matching_docnums(library, searcher, text: str,
                     filters: SearchFilters | None = None) -> set[int]:
    """The numbers of every document the search would find for a query, with the same
    parsing, stop words, expansion, fallback to the closest matches, filters and hidden
    collections as ``search.search`` — as a set, with nothing scored or loaded."""
    from searchapp.core.search import _closest_query, _drop_stopwords, _expand, parse_query

    narrowing = {
        "filter": filters.query() if filters else None,
        "mask": (wq.Or([wq.Term("collection", c) for c in library.hidden_collections])
                 if library.hidden_collections else None),
    }
    stripped = text.strip()
    if not stripped:
        if narrowing["filter"] is None and narrowing["mask"] is None:
            reader = searcher.reader()
            return set(reader.all_doc_ids())
        return set(searcher.search(wq.Every(), limit=None, scored=False, **narrowing).docs())
    parsed = parse_query(stripped, library.schema)
    q, _notes = _expand(_drop_stopwords(parsed.query), searcher)
    docs = set(searcher.search(q, limit=None, scored=False, **narrowing).docs())
    if not docs and parsed.bag_of_words:
        docs = set(searcher.search(_closest_query(q), limit=None, scored=False,
                                   **narrowing).docs())
    return docs


def timeline(library, query: str, by: str = "year",
             filters: SearchFilters | None = None) -> Timeline:
    """Counts of the documents matching a query per year or month (undated apart)."""
    if by not in BY:
        raise ValueError(f"by must be one of {', '.join(BY)}, not {by!r}")
    started = time.perf_counter()
    counts: dict[int, int] = {}  # day number (microseconds // per day) -> documents
    undated = 0
    with library.searcher() as searcher:
        docnums = matching_docnums(library, searcher, query, filters)
        reader = searcher.reader()
        if docnums and reader.doc_count_all():
            # Raw column values (microseconds since 1 Jan 1 AD): turning each into a
            # datetime is the slow part, so days are counted first and converted once.
            dates = reader.column_reader("date", translate=False)
            if len(docnums) > reader.doc_count_all() // 4:
                # Most documents match: reading the column whole is faster than by number.
                values = list(dates)
                raw = (values[d] for d in docnums)
            else:
                raw = (dates[d] for d in docnums)
            for value in raw:
                day = value // _MICROSECONDS_PER_DAY
                if day >= _NO_DATE_DAY:  # an undated document holds the column's default
                    undated += 1
                else:
                    counts[day] = counts.get(day, 0) + 1
    periods: dict[str, int] = {}
    for day, count in counts.items():
        date = dt.date.fromordinal(day + 1)
        key = f"{date.year:04d}" if by == "year" else f"{date.year:04d}-{date.month:02d}"
        periods[key] = periods.get(key, 0) + count
    ordered = tuple(PeriodCount(key, *period_range(key), count)
                    for key, count in sorted(periods.items()))
    total = sum(periods.values()) + undated
    return Timeline(query, by, ordered, undated, total, time.perf_counter() - started)


def period_range(period: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a period written "2021" or "2021-12"."""
    year, _, month = period.partition("-")
    if not month:
        return dt.date(int(year), 1, 1), dt.date(int(year), 12, 31)
    first = dt.date(int(year), int(month), 1)
    following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def period_filter(period: str | PeriodCount,
                  filters: SearchFilters | None = None) -> SearchFilters:
    """The filters that narrow a search to one period (keeping any other narrowing)."""
    key = period.period if isinstance(period, PeriodCount) else period
    start, end = period_range(key)
    if filters is None:
        return SearchFilters(date_from=start, date_to=end)
    from dataclasses import replace

    return replace(filters, date_from=start, date_to=end)
