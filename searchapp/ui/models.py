"""What the window's read-only item models share."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt


class ReadOnlyRows:
    """Rows that can be selected, never edited, and have no children."""

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemNeverHasChildren)


class ItemListModel(ReadOnlyRows, QAbstractListModel):
    """A read-only list of plain engine results, replaced as a whole."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: tuple[Any, ...] = ()

    def set_items(self, items: Sequence[Any]) -> None:
        self.beginResetModel()
        self._items = tuple(items)
        self.endResetModel()

    def item(self, row: int) -> Any | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    def item_at(self, index: QModelIndex | QPersistentModelIndex) -> Any | None:
        """The item a valid top-level index points at, or None."""
        if not index.isValid() or index.parent().isValid():
            return None
        return self.item(index.row())

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._items)
