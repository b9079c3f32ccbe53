"""A Document, and reading a plain-text article file into one."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from searchapp.core.errors import UnreadableDocumentError

# Files larger than this are reported, not indexed: a single text "article" of this size is
# almost always a log or a data dump, and it would dominate memory while being analysed.
MAX_FILE_BYTES = 20 * 1024 * 1024

# The bundled articles (and the benchmark corpus) may open with " date YYYY-MM-DD Title".
_DATE_LINE = re.compile(r"^\s*date\s+(\d{4})-(\d{2})-(\d{2})(?:\s+(.*))?$")


@dataclass(frozen=True)
class Document:
    """One article as SearchApp indexes and shows it."""

    path: str  # the stable id: the absolute path of the file
    title: str
    date: dt.date | None
    body: str
    text: str  # the whole file as the person would read it (decoded, newlines normalised)


def parse_article(text: str, path: str, fallback_title: str = "") -> Document:
    """Split article text into title, optional date and body.

    A first line starting with ``date YYYY-MM-DD`` gives the date, and the rest of that line
    is the title; otherwise the first non-empty line is the title. Articles without a date
    stay undated rather than being given one.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    date: dt.date | None = None
    title = ""
    index = 0
    while index < len(lines) and not lines[index].strip():
        index += 1
    if index < len(lines):
        first = lines[index]
        match = _DATE_LINE.match(first)
        if match:
            try:
                date = dt.date(int(match[1]), int(match[2]), int(match[3]))
                title = (match[4] or "").strip()
            except ValueError:
                title = first.strip()  # an impossible date is part of the title, not a date
        else:
            title = first.strip()
        index += 1
    body = "\n".join(lines[index:]).strip("\n")
    if not title:
        title = fallback_title
    return Document(path=path, title=title, date=date, body=body, text=text)


def decode_text(data: bytes, path: str) -> str:
    """Decode the bytes of a text file, refusing binary content with a clear reason."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UnreadableDocumentError(f"{path}: damaged UTF-16 text ({exc.reason})") from exc
    if b"\x00" in data[:8192]:
        raise UnreadableDocumentError(f"{path}: looks like a binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Not UTF-8: Windows-1252 is what such files almost always are, and it decodes
        # every byte, so nothing is lost (issue 4 brings a detector for other encodings).
        return data.decode("cp1252", errors="replace")


def read_document(path: Path) -> Document:
    """Read a text article from disk; raise UnreadableDocumentError with the reason if not."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UnreadableDocumentError(
                f"{path}: too large to index ({size / 1e6:.0f} MB; the limit is "
                f"{MAX_FILE_BYTES / 1e6:.0f} MB)"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableDocumentError(f"{path}: cannot be read ({exc.strerror})") from exc
    text = decode_text(data, str(path))
    return parse_article(text, str(path), fallback_title=path.stem)
