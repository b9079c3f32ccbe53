"""The filter row above the results: by folder, by file type and by date range.

It holds what is left out rather than what is chosen, so a folder added later is searched
at once. ``search_filters()`` turns the state into the core's ``SearchFilters``, which the
search combines with the query (a ``date:`` in the query and the dates here both apply).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QEvent, QObject, Signal, Slot
from PySide6.QtGui import QAction, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QMenu,
    QToolButton,
    QWidget,
)

from searchapp.ui import lazy_qt
from searchapp.ui.labels import KIND_GROUPS, collection_label

if TYPE_CHECKING:
    from searchapp.core.search import SearchFilters

# QDateEdit cannot be empty: its lowest date stands for "no limit" and reads "any date".
ANY_DATE = QDate(1000, 1, 1)


class DateLimit(QDateEdit):
    """A date, or "any date"; the calendar opens on today rather than on the sentinel."""

    def __init__(self, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(accessible_name)
        self.setCalendarPopup(True)
        self.setDisplayFormat("d MMM yyyy")
        self.setMinimumDate(ANY_DATE)
        self.setSpecialValueText("any date")
        self.setDate(ANY_DATE)
        self._calendar_watched = False  # the popup calendar is made when it first opens

    def value(self) -> dt.date | None:
        date = self.date()
        return None if date == ANY_DATE else date.toPython()

    def set_value(self, value: dt.date | None) -> None:
        self.setDate(ANY_DATE if value is None else QDate(value))

    def _watch_calendar(self) -> None:
        # A click or a key is what opens the popup: the calendar is made then, not with the
        # field (the first frame shows two of these fields, not their calendars).
        if not self._calendar_watched:
            self._calendar_watched = True
            self.calendarWidget().installEventFilter(self)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._watch_calendar()
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self._watch_calendar()
        super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and self.date() == ANY_DATE:
            today = QDate.currentDate()
            self.calendarWidget().setCurrentPage(today.year(), today.month())
        return super().eventFilter(watched, event)


class FilterBar(QWidget):
    """Collections ▾  Types ▾  From [any date]  To [any date]  Clear."""

    filtersChanged = Signal()

    def __init__(self, clear_action: QAction, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filterBar")
        self.setAccessibleName("Filters")
        self._collections: list[str] = []  # the visible collections, in order
        self._excluded_collections: set[str] = set()
        self._excluded_kinds: set[str] = set()
        self._clear_action = clear_action

        self.collection_button = QToolButton(self)
        self.collection_button.setObjectName("collectionFilter")
        self.collection_button.setAccessibleName("Filter by folder")
        self.collection_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.collection_menu = QMenu(self.collection_button)
        self.collection_menu.triggered.connect(self._on_collection_toggled)
        self.collection_button.setMenu(self.collection_menu)

        self.kind_button = QToolButton(self)
        self.kind_button.setObjectName("kindFilter")
        self.kind_button.setAccessibleName("Filter by file type")
        self.kind_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.kind_menu = QMenu(self.kind_button)
        self.kind_actions: dict[str, QAction] = {}
        for key, (label, _kinds) in KIND_GROUPS.items():
            action = self.kind_menu.addAction(label)
            action.setCheckable(True)
            action.setChecked(True)
            action.setData(key)
            self.kind_actions[key] = action
        self.kind_menu.triggered.connect(self._on_kind_toggled)
        self.kind_button.setMenu(self.kind_menu)

        self.date_from = DateLimit("Dated from", self)
        self.date_from.setObjectName("dateFrom")
        self.date_to = DateLimit("Dated until", self)
        self.date_to.setObjectName("dateTo")
        self.date_from.dateChanged.connect(self._on_date_changed)
        self.date_to.dateChanged.connect(self._on_date_changed)
        from_label = QLabel("&From", self)
        from_label.setBuddy(self.date_from)
        to_label = QLabel("&to", self)
        to_label.setBuddy(self.date_to)

        self.clear_button = QToolButton(self)
        self.clear_button.setObjectName("clearFilters")
        self.clear_button.setDefaultAction(clear_action)
        # Qt.ToolButtonStyle.ToolButtonTextOnly, without the Qt namespace (see lazy_qt)
        self.clear_button.setProperty("toolButtonStyle", lazy_qt.TOOL_BUTTON_TEXT_ONLY)
        clear_action.triggered.connect(self.clear)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 4)
        layout.setSpacing(4)
        layout.addWidget(self.collection_button)
        layout.addWidget(self.kind_button)
        layout.addSpacing(6)
        layout.addWidget(from_label)
        layout.addWidget(self.date_from)
        layout.addWidget(to_label)
        layout.addWidget(self.date_to)
        layout.addStretch(1)
        layout.addWidget(self.clear_button)
        self._update_texts()

    # -- state ----------------------------------------------------------------------------

    def set_collections(self, names: list[str]) -> None:
        """The collections that can be searched now (hidden ones are not offered)."""
        self._collections = list(names)
        self.collection_menu.clear()
        for name in names:
            action = self.collection_menu.addAction(collection_label(name))
            action.setCheckable(True)
            action.setChecked(name not in self._excluded_collections)
            action.setData(name)
            if name != collection_label(name):
                action.setToolTip(name)
        self.collection_menu.setToolTipsVisible(True)
        self._update_texts()

    def collections(self) -> list[str]:
        return list(self._collections)

    def excluded_collections(self) -> list[str]:
        return sorted(self._excluded_collections)

    def excluded_kinds(self) -> list[str]:
        return sorted(self._excluded_kinds)

    def restore(self, excluded_collections: list[str], excluded_kinds: list[str],
                date_from: dt.date | None, date_to: dt.date | None) -> None:
        """Set the state without emitting ``filtersChanged``."""
        self.blockSignals(True)
        try:
            self._excluded_collections = set(excluded_collections)
            self._excluded_kinds = {k for k in excluded_kinds if k in KIND_GROUPS}
            for action in self.collection_menu.actions():
                action.setChecked(action.data() not in self._excluded_collections)
            for key, action in self.kind_actions.items():
                action.setChecked(key not in self._excluded_kinds)
            self.date_from.set_value(date_from)
            self.date_to.set_value(date_to)
        finally:
            self.blockSignals(False)
        self._update_texts()

    def set_collection_included(self, name: str, included: bool) -> None:
        for action in self.collection_menu.actions():
            if action.data() == name:
                action.setChecked(included)
                self._on_collection_toggled(action)

    def set_date_range(self, date_from: dt.date | None, date_to: dt.date | None) -> None:
        """Both dates at once (a timeline bar's period), as one change."""
        for edit, value in ((self.date_from, date_from), (self.date_to, date_to)):
            edit.blockSignals(True)
            edit.set_value(value)
            edit.blockSignals(False)
        self._changed()

    def set_kind_included(self, key: str, included: bool) -> None:
        action = self.kind_actions[key]
        action.setChecked(included)
        self._on_kind_toggled(action)

    def is_active(self) -> bool:
        return bool(self._active_excluded_collections() or self._excluded_kinds
                    or self.date_from.value() or self.date_to.value())

    def _active_excluded_collections(self) -> set[str]:
        return self._excluded_collections & set(self._collections)

    def search_filters(self) -> SearchFilters | None:
        """The core's filters for this state; None when nothing is filtered."""
        if not self.is_active():
            return None
        # Imported here: searches only run once the search lane has loaded the engine.
        from searchapp.core.search import SearchFilters

        collections = None
        if self._active_excluded_collections():
            collections = frozenset(n for n in self._collections
                                    if n not in self._excluded_collections)
        kinds = None
        if self._excluded_kinds:
            kinds = frozenset(kind for key, (_label, group) in KIND_GROUPS.items()
                              if key not in self._excluded_kinds for kind in group)
        return SearchFilters(collections=collections, kinds=kinds,
                             date_from=self.date_from.value(), date_to=self.date_to.value())

    # -- changes --------------------------------------------------------------------------

    @Slot()
    def clear(self) -> None:
        if not (self._excluded_collections or self._excluded_kinds
                or self.date_from.value() or self.date_to.value()):
            return
        self.restore([], [], None, None)
        self.filtersChanged.emit()

    @Slot(QAction)
    def _on_collection_toggled(self, action: QAction) -> None:
        name = str(action.data())
        if action.isChecked():
            self._excluded_collections.discard(name)
        else:
            self._excluded_collections.add(name)
        self._changed()

    @Slot(QAction)
    def _on_kind_toggled(self, action: QAction) -> None:
        key = str(action.data())
        if action.isChecked():
            self._excluded_kinds.discard(key)
        else:
            self._excluded_kinds.add(key)
        self._changed()

    @Slot()
    def _on_date_changed(self) -> None:
        self._changed()

    def _changed(self) -> None:
        self._update_texts()
        self.filtersChanged.emit()

    def _update_texts(self) -> None:
        shown = [n for n in self._collections if n not in self._excluded_collections]
        if len(shown) == len(self._collections):
            text = "All folders"
        elif len(shown) == 1:
            text = collection_label(shown[0])
        else:
            text = f"{len(shown)} of {len(self._collections)} folders"
        self.collection_button.setText(text)
        self.collection_button.setToolTip("Search only some of your folders")
        kinds_shown = [KIND_GROUPS[k][0] for k in KIND_GROUPS if k not in self._excluded_kinds]
        if len(kinds_shown) == len(KIND_GROUPS):
            kind_text = "All types"
        elif len(kinds_shown) == 1:
            kind_text = kinds_shown[0]
        else:
            kind_text = f"{len(kinds_shown)} of {len(KIND_GROUPS)} types"
        self.kind_button.setText(kind_text)
        self.kind_button.setToolTip("Search only some file types")
        self._clear_action.setEnabled(self.is_active())
