"""The "Related articles" section under the reader: the documents most like the open one,
each with its date, folder and the one-line reason the engine gives."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from searchapp.ui.labels import collection_label
from searchapp.ui.models import ItemListModel
from searchapp.ui.reading_views import BadgeRole, DetailRole, MessageListView, TwoLineDelegate
from searchapp.ui.results_model import format_date

if TYPE_CHECKING:
    from PySide6.QtGui import QAction

    from searchapp.core.related import RelatedDocument

PathRole = Qt.ItemDataRole.UserRole + 1
VISIBLE_ROWS = 3  # rows shown before the list scrolls


class RelatedModel(ItemListModel):
    """Read-only list of ``RelatedDocument``s, best first."""

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.item_at(index)
        if item is None:
            return None
        title = item.title or Path(item.path).name
        badge = format_date(item.date)
        if item.collection:
            badge += f"  ·  {collection_label(item.collection)}"
        if role == Qt.ItemDataRole.DisplayRole:
            return title
        if role == BadgeRole:
            return badge
        if role == DetailRole:
            return item.reason
        if role == PathRole:
            return item.path
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{title}\n{badge}\n{item.reason}\n{item.path}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{title}, {badge}"
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            return item.reason
        return None


class RelatedPanel(QWidget):
    """A header that folds the section (the window's Related Articles action) and the list;
    activating a row (Enter, double-click) asks for that article in the reader."""

    articleActivated = Signal(str)  # path

    def __init__(self, toggle_action: QAction, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("relatedPanel")
        self.header = QToolButton(self)
        self.header.setObjectName("relatedHeader")
        self.header.setToolTip(toggle_action.toolTip())
        self.header.clicked.connect(toggle_action.trigger)
        self.header.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.header.setAutoRaise(True)
        self.header.setArrowType(Qt.ArrowType.DownArrow)
        self._toggle = toggle_action
        self.model = RelatedModel(self)
        self.list_view = MessageListView(self)
        self.list_view.setObjectName("relatedList")
        self.list_view.setAccessibleName("Related articles")
        self.list_view.setModel(self.model)
        self.delegate = TwoLineDelegate(1, self.list_view)
        self.list_view.setItemDelegate(self.delegate)
        self.list_view.setUniformItemSizes(True)
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list_view.activated.connect(self._on_activated)
        self.list_view.setToolTip("Enter or double-click opens the article in the reader")
        # Never what keeps the reader (and the window) from narrowing.
        self.setMinimumWidth(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 2, 8, 6)
        layout.setSpacing(2)
        layout.addWidget(self.header, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.list_view)
        toggle_action.toggled.connect(self._on_toggled)
        self._on_toggled(toggle_action.isChecked())
        self._update_height()

    def _update_height(self) -> None:
        row = self.delegate.sizeHint(_view_option(self.list_view), QModelIndex()).height()
        self.list_view.setFixedHeight(row * VISIBLE_ROWS + 2 * self.list_view.frameWidth())

    @Slot(bool)
    def _on_toggled(self, shown: bool) -> None:
        self.list_view.setVisible(shown)
        self.header.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)

    def set_working(self) -> None:
        self.model.set_items(())
        self.list_view.set_message("Finding related articles…")
        self._set_count(None)

    def set_items(self, items: list[RelatedDocument]) -> None:
        self.model.set_items(items)
        self.list_view.set_message("No other article is like this one." if not items else "")
        self._set_count(len(items))

    def set_failed(self, message: str) -> None:
        self.model.set_items(())
        self.list_view.set_message(message)
        self._set_count(None)

    def clear(self) -> None:
        self.model.set_items(())
        self.list_view.set_message("")
        self._set_count(None)

    def _set_count(self, count: int | None) -> None:
        text = self._toggle.text().replace("&", "")
        self.header.setText(text if not count else f"{text} ({count})")

    @Slot(QModelIndex)
    def _on_activated(self, index: QModelIndex) -> None:
        item = self.model.item(index.row())
        if item is not None:
            self.articleActivated.emit(item.path)


def _view_option(view: MessageListView) -> QStyleOptionViewItem:
    option = QStyleOptionViewItem()
    option.initFrom(view)
    return option
