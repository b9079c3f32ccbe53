"""Exporting results and a quotation's occurrences as CSV (the csv module) or Markdown,
each item with a citation line: “Title,” Collection, 2 Dec 2021. /path/file.txt"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from pathlib import Path

from searchapp.core.quotes import Quotation, format_date
from searchapp.core.results import SearchHit

RESULT_COLUMNS = ("title", "date", "collection", "path", "snippet", "citation")
QUOTE_COLUMNS = ("quotation", "variant", "start", "end", "first", "title", "date",
                 "collection", "path", "citation")


def citation(title: str, collection: str, date: dt.date | None, path: str) -> str:
    """One line naming a document: “Title,” Collection, 2 Dec 2021. /path/file.txt"""
    when = format_date(date) if date else "undated"
    name = title.strip() or Path(path).name
    parts = [f"“{name},”"]
    if collection:
        parts.append(f"{collection},")
    parts.append(f"{when}.")
    parts.append(path)
    return " ".join(parts)


def _iso(date: dt.date | None) -> str:
    return date.isoformat() if date else ""


def results_csv(hits: Iterable[SearchHit]) -> str:
    """The results as CSV with a header row (RESULT_COLUMNS)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(RESULT_COLUMNS)
    for hit in hits:
        writer.writerow([hit.title, _iso(hit.date), hit.collection, hit.path, hit.snippet,
                         citation(hit.title, hit.collection, hit.date, hit.path)])
    return buffer.getvalue()


def results_markdown(hits: Iterable[SearchHit], query: str = "") -> str:
    """The results as a Markdown list: the citation, then the snippet quoted below it."""
    lines = [f"# Results for “{query}”" if query else "# Results", ""]
    for number, hit in enumerate(hits, 1):
        lines.append(f"{number}. {_md(citation(hit.title, hit.collection, hit.date, hit.path))}")
        if hit.snippet:
            lines.append(f"   > {_md(' '.join(hit.snippet.split()))}")
        lines.append("")
    return "\n".join(lines)


def quotation_csv(quotation: Quotation) -> str:
    """Every occurrence of a quotation as CSV with a header row (QUOTE_COLUMNS)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(QUOTE_COLUMNS)
    first = {o.path for o in quotation.first}
    for o in quotation.occurrences:
        writer.writerow([quotation.text, o.text, o.start, o.end,
                         "yes" if o.path in first else "", o.title, _iso(o.date),
                         o.collection, o.path,
                         citation(o.title, o.collection, o.date, o.path)])
    return buffer.getvalue()


def quotation_markdown(quotation: Quotation) -> str:
    """A quotation's occurrences as Markdown: each variant, then its citation."""
    lines = [f"# “{_md(quotation.text)}”", "", _md(quotation.first_note), ""]
    first = {o.path for o in quotation.first}
    for number, o in enumerate(quotation.occurrences, 1):
        mark = " (first)" if o.path in first else ""
        lines.append(f"{number}. {_md(citation(o.title, o.collection, o.date, o.path))}{mark}")
        lines.append(f"   > {_md(' '.join(o.text.split()))}")
        lines.append("")
    return "\n".join(lines)


def _md(text: str) -> str:
    """Text made inert in Markdown: characters that would start markup are escaped."""
    for char in "\\`*_[]<>#|":
        text = text.replace(char, "\\" + char)
    return text


def write_export(path: Path, text: str) -> None:
    """Write an export (UTF-8; CSV line endings are kept as the csv module wrote them)."""
    Path(path).write_text(text, encoding="utf-8", newline="")
