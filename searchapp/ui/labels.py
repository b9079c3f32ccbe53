"""How collections and file types are named on screen."""

from __future__ import annotations

from pathlib import Path

# Must match searchapp.core.index.BUNDLED_COLLECTION; kept here so that the window's
# modules do not import the engine (a test checks the two agree).
BUNDLED_COLLECTION = "bundled"
BUNDLED_LABEL = "Bundled articles"

# File-type filter groups: key -> (label, the ``kind`` values indexed for it). A kind is the
# file's suffix without the dot, so .htm and .html pages are both "Web pages".
KIND_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "txt": ("Plain text", ("txt", "text")),
    "md": ("Markdown", ("md", "markdown")),
    "html": ("Web pages", ("html", "htm")),
    "pdf": ("PDF", ("pdf",)),
    "docx": ("Word", ("docx",)),
    "eml": ("E-mail", ("eml",)),
}

_KIND_LABELS = {"txt": "Text", "text": "Text", "md": "Markdown", "markdown": "Markdown",
                "html": "HTML", "htm": "HTML", "pdf": "PDF", "docx": "Word", "eml": "E-mail"}


def collection_label(name: str) -> str:
    """"Bundled articles", or the folder's own name (a collection is named by its path)."""
    if not name or name == BUNDLED_COLLECTION:
        return BUNDLED_LABEL if name else ""
    return Path(name).name or name


def kind_label(kind: str) -> str:
    return _KIND_LABELS.get(kind, kind.upper())


def type_and_page(kind: str, page: int | None) -> str:
    """"PDF, p. 3", or just the type."""
    label = kind_label(kind)
    return f"{label}, p. {page}" if page else label
