"""Reading files of each supported format into a Document: title, date, body text.

Each reader raises UnreadableDocumentError with a reason a person understands (encrypted,
scanned, broken, binary) so one bad file is reported and the rest are indexed.
Libraries, chosen for quality and speed (see the README's "Formats" section):
charset-normalizer (encodings), trafilatura (articles in saved web pages),
pypdfium2 (PDF text, page by page), python-docx (Word), the standard library (e-mail).
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import email.utils
import logging
import re
import stat
from collections.abc import Callable
from pathlib import Path

from searchapp.core.documents import MAX_FILE_BYTES, Document, decode_text, parse_article
from searchapp.core.errors import UnreadableDocumentError

log = logging.getLogger(__name__)

# PDF and Word files are mostly images and layout; their limit is on the file, and the text
# they hold is far smaller.
MAX_PAGED_BYTES = 200 * 1024 * 1024

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _iso_date(text: str | None) -> dt.date | None:
    if not text:
        return None
    match = _ISO_DATE.search(text)
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes, refusing pipes, devices and files over the limit (checked again
    after reading, since a file can grow between the two)."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableDocumentError("not a regular file (a pipe or a device)")
        if info.st_size > limit:
            raise UnreadableDocumentError(
                f"too large to index ({info.st_size / 1e6:.0f} MB; the limit is "
                f"{limit / 1e6:.0f} MB)"
            )
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise UnreadableDocumentError(f"cannot be read ({exc.strerror})") from exc
    if len(data) > limit:
        raise UnreadableDocumentError("too large to index (it grew while being read)")
    return data


def read_text(path: Path) -> Document:
    """Plain text, in the bundled articles' format when it has a ``date`` line."""
    text = decode_text(_read_bytes(path), str(path))
    return parse_article(text, str(path), fallback_title=path.stem)


_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)
_HEADING = re.compile(r"^\s{0,3}#\s+(.+?)\s*#*\s*$", re.M)


def read_markdown(path: Path) -> Document:
    """Markdown: the title from front matter or the first level-1 heading."""
    text = decode_text(_read_bytes(path), str(path)).replace("\r\n", "\n")
    title, date, body = "", None, text
    front = _FRONT_MATTER.match(text)
    if front:
        for line in front[1].splitlines():
            key, _, value = line.partition(":")
            value = value.strip().strip("\"'")
            if key.strip().lower() == "title" and value:
                title = value
            elif key.strip().lower() == "date":
                date = _iso_date(value)
        body = text[front.end():]
    if not title:
        heading = _HEADING.search(body)
        if heading and not body[:heading.start()].strip():
            title = heading[1]
            body = body[heading.end():]
    if not title:
        document = parse_article(body, str(path), fallback_title=path.stem)
        return Document(document.path, document.title, date or document.date,
                        document.body, text)
    return Document(str(path), title, date, body.strip("\n"), text)


def _html_to_text(html: str) -> str:
    import lxml.html

    try:
        return lxml.html.fromstring(html).text_content()
    except Exception:  # noqa: BLE001 - lxml raises several kinds on broken markup
        return ""


def read_html(path: Path) -> Document:
    """A saved web page: the article's own text, title and date, not menus and banners."""
    import trafilatura

    data = _read_bytes(path)
    result = trafilatura.bare_extraction(
        data, with_metadata=True, include_comments=False, include_tables=True,
        favor_precision=True,
    )
    text = getattr(result, "text", None) if result is not None else None
    title = (getattr(result, "title", None) or "") if result is not None else ""
    date = _iso_date(getattr(result, "date", None)) if result is not None else None
    if not text:
        text = _html_to_text(decode_text(data, str(path)))
    if not text or not text.strip():
        raise UnreadableDocumentError("the page has no article text")
    title = title or path.stem
    return Document(str(path), title, date, text.strip(), text)


def _pdf_date(value: str | None) -> dt.date | None:
    # PDF dates look like "D:20211202093000+01'00'".
    if not value:
        return None
    match = re.match(r"(?:D:)?(\d{4})(\d{2})(\d{2})", value)
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def read_pdf(path: Path) -> Document:
    """PDF text page by page; ``pages`` keeps where each page starts in the body."""
    import pypdfium2

    _read_bytes(path, MAX_PAGED_BYTES)  # size and permission checks, same messages
    try:
        pdf = pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError as exc:
        reason = str(exc).lower()
        if "password" in reason:
            raise UnreadableDocumentError("the PDF is encrypted (password protected)") from exc
        raise UnreadableDocumentError("the PDF is damaged and cannot be read") from exc
    try:
        pieces: list[str] = []
        pages: list[int] = []
        offset = 0
        for page_number in range(len(pdf)):
            page = pdf[page_number]
            textpage = page.get_textpage()
            page_text = textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n")
            textpage.close()
            page.close()
            pages.append(offset)
            pieces.append(page_text)
            offset += len(page_text) + 2
        metadata = pdf.get_metadata_dict(skip_empty=True)
    finally:
        pdf.close()
    body = "\n\n".join(pieces)
    if not body.strip():
        raise UnreadableDocumentError(
            "the PDF has no text (a scanned document? text in images is not read)"
        )
    title = metadata.get("Title", "").strip()
    if not title:
        title = next((line.strip() for line in body.splitlines() if line.strip()), path.stem)
    date = _pdf_date(metadata.get("CreationDate"))
    return Document(str(path), title, date, body, body, pages=tuple(pages))


def read_docx(path: Path) -> Document:
    """A Word document: paragraphs and tables; title and date from its properties."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    _read_bytes(path, MAX_PAGED_BYTES)
    try:
        word = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise UnreadableDocumentError("not a readable Word document (damaged?)") from exc
    except Exception as exc:  # noqa: BLE001 - zip and XML errors of many kinds
        raise UnreadableDocumentError(f"not a readable Word document ({exc})") from exc
    paragraphs = [p.text for p in word.paragraphs]
    for table in word.tables:
        for row in table.rows:
            paragraphs.append("\t".join(cell.text for cell in row.cells))
    body = "\n".join(paragraphs).strip("\n")
    properties = word.core_properties
    title = (properties.title or "").strip()
    if not title:
        title = next((p.strip() for p in paragraphs if p.strip()), path.stem)
    when = properties.created or properties.modified
    date = when.date() if isinstance(when, dt.datetime) else None
    return Document(str(path), title, date, body, body)


def read_eml(path: Path) -> Document:
    """An e-mail: the subject as title, sender and date, the plain or HTML body."""
    message = email.message_from_bytes(_read_bytes(path), policy=email.policy.default)
    try:
        subject = str(message.get("subject", "") or "").strip()
        sender = str(message.get("from", "") or "").strip()
        raw_date = message.get("date")
    except Exception:  # noqa: BLE001 - malformed headers raise several kinds
        subject, sender, raw_date = "", "", None
    date = None
    if raw_date:
        try:
            date = email.utils.parsedate_to_datetime(str(raw_date)).date()
        except (TypeError, ValueError):
            date = None
    part = message.get_body(preferencelist=("plain", "html"))
    text = ""
    if part is not None:
        try:
            content = part.get_content()
        except (LookupError, ValueError):
            payload = part.get_payload(decode=True) or b""
            content = payload.decode("utf-8", errors="replace")
        text = _html_to_text(content) if part.get_content_type() == "text/html" else content
    body = text.strip()
    if sender:
        body = f"From: {sender}\n\n{body}"
    return Document(str(path), subject or path.stem, date, body, body)


READERS: dict[str, Callable[[Path], Document]] = {
    ".txt": read_text,
    ".text": read_text,
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".html": read_html,
    ".htm": read_html,
    ".pdf": read_pdf,
    ".docx": read_docx,
    ".eml": read_eml,
}


def read_any(path: Path) -> Document:
    """Read a file of any supported format; UnreadableDocumentError says why not."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise UnreadableDocumentError(f"files of type {path.suffix or '(none)'} are not indexed")
    try:
        return reader(path)
    except UnreadableDocumentError:
        raise
    except MemoryError as exc:
        raise UnreadableDocumentError("too large to read into memory") from exc
    except Exception as exc:  # noqa: BLE001 - one broken file must never stop the rest
        log.debug("reading %s failed", path, exc_info=True)
        raise UnreadableDocumentError(f"could not be read ({type(exc).__name__}: {exc})") from exc
