"""The result list as a Qt model: one row per search hit, with named roles."""

from __future__ import annotations

import datetime as dt
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from searchapp.ui.labels import collection_label, type_and_page

if TYPE_CHECKING:
    from searchapp.core.results import SearchHit

UNDATED = "undated"


class ResultRole(IntEnum):
    Title = Qt.ItemDataRole.UserRole + 1
    Date = Qt.ItemDataRole.UserRole + 2  # the display text: "25 Feb 2025" or "undated"
    Path = Qt.ItemDataRole.UserRole + 3
    FileName = Qt.ItemDataRole.UserRole + 4
    Snippet = Qt.ItemDataRole.UserRole + 5
    Matches = Qt.ItemDataRole.UserRole + 6  # ((start, end), ...) into the snippet
    Hit = Qt.ItemDataRole.UserRole + 7
    Collection = Qt.ItemDataRole.UserRole + 8  # "Bundled articles" or the folder's name
    Kind = Qt.ItemDataRole.UserRole + 9  # the file type as indexed: "txt", "pdf", ...
    Page = Qt.ItemDataRole.UserRole + 10  # int for paged formats (PDF), else None
    TypeAndPage = Qt.ItemDataRole.UserRole + 11  # "PDF, p. 3", "Text"


def format_date(date: dt.date | None) -> str:
    if date is None:
        return UNDATED
    return f"{date.day} {date:%b %Y}"


class ResultsModel(QAbstractListModel):
    """Read-only list of ``SearchHit``s, replaced as a whole after each search."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._hits: tuple[SearchHit, ...] = ()

    def set_hits(self, hits: tuple[SearchHit, ...]) -> None:
        self.beginResetModel()
        self._hits = tuple(hits)
        self.endResetModel()

    def hit(self, row: int) -> SearchHit | None:
        return self._hits[row] if 0 <= row < len(self._hits) else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._hits)

    def roleNames(self) -> dict[int, bytes]:
        names = super().roleNames()
        names.update({role.value: role.name.lower().encode() for role in ResultRole})
        return names

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        hit = self.hit(index.row())
        if hit is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, ResultRole.Title):
            return hit.title or Path(hit.path).name
        if role == Qt.ItemDataRole.ToolTipRole:
            return hit.path
        if role == Qt.ItemDataRole.AccessibleTextRole:
            title = hit.title or Path(hit.path).name
            return (f"{title}, {format_date(hit.date)}, {collection_label(hit.collection)}, "
                    f"{type_and_page(hit.kind, hit.page)}, {Path(hit.path).name}")
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            return hit.snippet
        if role == ResultRole.Date:
            return format_date(hit.date)
        if role == ResultRole.Path:
            return hit.path
        if role == ResultRole.FileName:
            return Path(hit.path).name
        if role == ResultRole.Snippet:
            return hit.snippet
        if role == ResultRole.Matches:
            return hit.matches
        if role == ResultRole.Hit:
            return hit
        if role == ResultRole.Collection:
            return collection_label(hit.collection)
        if role == ResultRole.Kind:
            return hit.kind
        if role == ResultRole.Page:
            return hit.page
        if role == ResultRole.TypeAndPage:
            return type_and_page(hit.kind, hit.page) if hit.kind else ""
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemNeverHasChildren)
