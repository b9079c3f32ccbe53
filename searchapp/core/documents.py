"""A Document, and reading a plain-text article file into one."""

from __future__ import annotations

import bisect
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from searchapp.core.errors import UnreadableDocumentError

# Text files larger than this are reported, not indexed: an "article" of this size is almost
# always a log or a data dump, and analysis is pure Python (measured: a 19.5 MB file took
# 39 s and 611 MB to index; 5 MB keeps one file to about 10 s and 160 MB).
MAX_FILE_BYTES = 5 * 1024 * 1024

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


def decode_text(data: bytes, path: str = "") -> str:
    """Decode the bytes of a text file in whatever common encoding it is in, refusing binary
    content with a clear reason.

    UTF-8 (the usual case) is tried first because it is exact and fast. Anything else is
    identified by chardet, the most accurate detector we measured (bench/FORMATS.md); when
    chardet is unsure, Windows-1252 — by far the most common legacy encoding of Western
    text — is preferred if it reads at least as cleanly (charset-normalizer's mess ratio),
    because chardet alone read short French and German passages as Cyrillic.
    """
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
    import chardet
    from charset_normalizer.md import mess_ratio

    guess = chardet.detect(data)
    encoding = guess["encoding"]
    if encoding is None:
        raise UnreadableDocumentError("looks like a binary file, not text")
    try:
        text = data.decode(encoding, errors="replace")
    except LookupError as exc:
        raise UnreadableDocumentError(f"written in an encoding Python lacks ({encoding})") \
            from exc
    if (guess["confidence"] or 0) < _UNSURE and encoding.lower() not in _WESTERN:
        try:
            western = data.decode("cp1252")
        except UnicodeDecodeError:
            western = None
        if western is not None and mess_ratio(western, 1.0) <= mess_ratio(text, 1.0):
            text = western
    if "\x00" in text or _mostly_unprintable(text):
        raise UnreadableDocumentError("looks like a binary file, not text")
    return text


def _mostly_unprintable(text: str) -> bool:
    """True when a decoded sample is largely unassigned, private or control characters: a
    binary file that some encoding happened to accept."""
    sample = text[:4096]
    if not sample:
        return False
    odd = sum(
        1 for c in sample
        if unicodedata.category(c) in ("Cn", "Co", "Cs") or (c < " " and c not in "\t\n\r\f")
    )
    return odd > len(sample) // 10


# Below this chardet confidence, Windows-1252 is tried as well (measured best at 0.3).
_UNSURE = 0.3
_WESTERN = {"windows-1252", "iso-8859-1", "ascii"}


def read_document(path: Path) -> Document:
    """Read a file of any supported format; raise UnreadableDocumentError with the reason."""
    from searchapp.core.formats import read_any

    return read_any(path)
