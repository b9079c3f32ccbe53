"""A Document, and reading a plain-text article file into one."""

from __future__ import annotations

import bisect
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
    pages: tuple[int, ...] = ()  # where each page starts in body, for paged formats (PDF)

    def page_at(self, offset: int) -> int | None:
        """The 1-based page holding a body offset, or None for formats without pages."""
        return page_at(self.pages, offset)


def page_at(pages: tuple[int, ...] | list[int], offset: int) -> int | None:
    """The 1-based page of a body offset, given where each page starts."""
    if not pages:
        return None
    return bisect.bisect_right(pages, offset) or 1


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


# Legacy encodings in the order people are likely to have them, for ties in detection.
_COMMON_ENCODINGS = {name: rank for rank, name in enumerate(
    ["utf_8", "cp1252", "iso8859_1", "iso8859_15", "cp1250", "iso8859_2", "cp1251", "koi8_r",
     "mac_roman", "utf_16", "utf_16_le", "utf_16_be"])}


def decode_text(data: bytes, path: str = "") -> str:
    """Decode the bytes of a text file in whatever common encoding it is in, refusing binary
    content with a clear reason. UTF-8 (the usual case) is tried first because it is exact
    and fast; anything else is identified by charset-normalizer rather than guessed."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UnreadableDocumentError(f"damaged UTF-16 text ({exc.reason})") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and "\x00" not in text:
        return text
    import charset_normalizer

    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        raise UnreadableDocumentError("looks like a binary file, not text")
    # On short texts several legacy encodings decode equally cleanly; then the ones people
    # most often have win (measured: "Café crème" in cp1252 is otherwise read as cp1250).
    cleanest = [m for m in matches if m.chaos <= matches[0].chaos + 0.15]
    cleanest.sort(key=lambda m: _COMMON_ENCODINGS.get(m.encoding, len(_COMMON_ENCODINGS)))
    text = str(cleanest[0])
    if "\x00" in text:
        raise UnreadableDocumentError("looks like a binary file, not text")
    return text


def read_document(path: Path) -> Document:
    """Read a file of any supported format; raise UnreadableDocumentError with the reason."""
    from searchapp.core.formats import read_any

    return read_any(path)
