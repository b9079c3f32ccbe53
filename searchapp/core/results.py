"""What a search returns, as plain data, and the snapshot of the first list.

Nothing here imports Whoosh, so the window can show the list it showed last time before
the engine has even loaded (see ``load_snapshot``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path

log = logging.getLogger(__name__)

SNAPSHOT_FILE = "first-list.json"
SNAPSHOT_VERSION = 1


@dataclass(frozen=True)
class SearchHit:
    path: str
    title: str
    date: dt.date | None
    score: float
    snippet: str
    matches: tuple[tuple[int, int], ...]  # offsets into snippet
    collection: str = ""
    kind: str = ""  # file type: "txt", "pdf", ...
    page: int | None = None  # the page the snippet is on, for paged formats (PDF)


@dataclass(frozen=True)
class SearchFilters:
    """Narrowing chosen outside the query (the window's filter panel); combined with it."""

    collections: frozenset[str] | None = None
    kinds: frozenset[str] | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def query(self):
        """The Whoosh filter query for these choices, or None when nothing is narrowed."""
        from whoosh import query as wq

        parts: list[wq.Query] = []
        if self.collections is not None:
            parts.append(wq.Or([wq.Term("collection", c) for c in self.collections])
                         if self.collections else wq.NullQuery)
        if self.kinds is not None:
            parts.append(wq.Or([wq.Term("kind", k) for k in self.kinds])
                         if self.kinds else wq.NullQuery)
        if self.date_from or self.date_to:
            start = dt.datetime.combine(self.date_from, dt.time.min) if self.date_from else None
            end = dt.datetime.combine(self.date_to, dt.time.max) if self.date_to else None
            parts.append(wq.DateRange("date", start, end))
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else wq.And(parts)


@dataclass(frozen=True)
class SearchResults:
    query: str
    total: int
    hits: tuple[SearchHit, ...]
    suggestion: str | None = None
    # "all": every word (or the operators) obeyed; "closest": no document has all the
    # words, so the ones with most of them; "list": an empty query lists everything.
    mode: str = "all"
    notice: str | None = None  # a plain-words note for the person, e.g. about the fallback
    elapsed: float = 0.0
    # The total was estimated from a sample (a phrase with very many candidate documents);
    # shown as "about 5,300 results".
    estimated: bool = False


@dataclass(frozen=True)
class FirstPage:
    """A search's best documents (index document numbers, best first), their scores, and
    how many documents match in all: what the search module turns into SearchResults."""

    docnums: list[int]
    scores: list[float]
    total: int
    estimated: bool = False
    # When known: for each (field, word) searched, which of these documents hold it, so
    # highlighting skips the words a prefix stood for that these documents do not have.
    holding: dict[tuple[str, str], frozenset[int]] | None = None


@dataclass(frozen=True)
class DocumentView:
    path: str
    title: str
    date: dt.date | None
    body: str
    title_matches: tuple[tuple[int, int], ...]
    body_matches: tuple[tuple[int, int], ...]
    collection: str = ""
    kind: str = ""
    pages: tuple[int, ...] = ()  # where each page starts in body (PDF); see page_at


def snapshot_key(data_dir: Path, sort: str) -> str:
    """What a snapshot depends on besides the files: the sort order and hidden folders."""
    from searchapp.core.collections import load_settings

    hidden = "bundled" if load_settings(data_dir).hide_bundled else ""
    return f"{sort}|hidden={hidden}"


def save_snapshot(data_dir: Path, results: SearchResults, key: str) -> None:
    """Keep the list the window shows for an empty query, to show it at the next start."""
    record = {
        "version": SNAPSHOT_VERSION,
        "key": key,
        "total": results.total,
        "hits": [
            {**asdict(hit), "date": hit.date.isoformat() if hit.date else None,
             "matches": [list(m) for m in hit.matches]}
            for hit in results.hits
        ],
    }
    path = Path(data_dir) / SNAPSHOT_FILE
    try:
        temporary = path.with_name(f"{SNAPSHOT_FILE}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        log.debug("Could not save the first-list snapshot: %s", exc)


def load_snapshot(data_dir: Path, key: str) -> SearchResults | None:
    """The list saved by ``save_snapshot`` for the same view (key), or None."""
    try:
        record = json.loads((Path(data_dir) / SNAPSHOT_FILE).read_text(encoding="utf-8"))
        if record.get("version") != SNAPSHOT_VERSION or record.get("key") != key:
            return None
        hits = tuple(
            SearchHit(
                path=h["path"], title=h["title"],
                date=dt.date.fromisoformat(h["date"]) if h["date"] else None,
                score=float(h["score"]), snippet=h["snippet"],
                matches=tuple((int(s), int(e)) for s, e in h["matches"]),
                collection=h.get("collection", ""), kind=h.get("kind", ""),
                page=h.get("page"),
            )
            for h in record["hits"]
        )
        return SearchResults(query="", total=int(record["total"]), hits=hits, mode="list")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.debug("No usable first-list snapshot: %s", exc)
        return None
