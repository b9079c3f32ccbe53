"""The indexing report window: what the last indexing did, and every file it could not
index with the reason, in a table whose paths can be copied."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from searchapp.ui.models import ReadOnlyRows


class FailedFilesModel(ReadOnlyRows, QAbstractTableModel):
    """(path, reason) rows; the first column shows the path, the file name first."""

    HEADERS = ("File", "Reason")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, str]] = []

    def set_rows(self, rows: list[tuple[str, str]]) -> None:
        self.beginResetModel()
        self._rows = [(str(path), str(reason)) for path, reason in rows]
        self.endResetModel()

    def path(self, row: int) -> str | None:
        return self._rows[row][0] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self.HEADERS)

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        if not 0 <= index.row() < len(self._rows):
            return None
        path, reason = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return path if index.column() == 0 else reason
        if role == Qt.ItemDataRole.ToolTipRole:
            return path if index.column() == 0 else reason
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{Path(path).name}: {reason}" if index.column() == 0 else reason
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole
                and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self.HEADERS)):
            return self.HEADERS[section]
        return None


class ReportDialog(QDialog):
    """Non-modal: it can stay open while indexing goes on, and is updated after each run."""

    pathCopied = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("indexReport")
        self.setWindowTitle("Indexing Report")
        self.setAccessibleName("Indexing report")

        self.summary_label = QLabel("Reading the report…", self)
        self.summary_label.setObjectName("reportSummary")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)

        self.model = FailedFilesModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("failedFiles")
        self.table.setAccessibleName("Files that could not be indexed")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.resizeSection(0, 380)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

        self.copy_action = QAction("&Copy Path", self)
        self.copy_action.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Copy))
        self.copy_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.copy_action.triggered.connect(self.copy_selected_paths)
        self.table.addAction(self.copy_action)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = QPushButton("&Copy Path", self)
        self.copy_button.setToolTip("Copy the selected files' paths (Ctrl+C)")
        self.copy_button.clicked.connect(self.copy_selected_paths)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.close)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(820, 420)
        self.table.selectionModel().selectionChanged.connect(self._update_copy)
        self._update_copy()

    def set_report(self, report: dict | None) -> None:
        if not report:
            self.summary_label.setText("Nothing has been indexed yet.")
            self.model.set_rows([])
        else:
            failed = [(str(row[0]), str(row[1])) for row in report.get("failed") or []
                      if isinstance(row, (list, tuple)) and len(row) == 2]
            lines = [f"Last indexing: {report.get('finished', '?').replace('T', ' ')}",
                     str(report.get("summary", ""))]
            if failed:
                noun = "file" if len(failed) == 1 else "files"
                lines.append(f"{len(failed)} {noun} could not be indexed:")
            else:
                lines.append("Every file could be indexed.")
            self.summary_label.setText("\n".join(lines))
            self.model.set_rows(failed)
        self.table.setVisible(self.model.rowCount() > 0)
        if self.model.rowCount():
            self.table.selectRow(0)
        self._update_copy()

    def selected_paths(self) -> list[str]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [path for path in (self.model.path(row) for row in rows) if path]

    @Slot()
    def copy_selected_paths(self) -> None:
        paths = self.selected_paths()
        if paths:
            text = "\n".join(paths)
            QGuiApplication.clipboard().setText(text)
            self.pathCopied.emit(text)

    @Slot()
    def _update_copy(self) -> None:
        has_selection = bool(self.selected_paths())
        self.copy_button.setEnabled(has_selection)
        self.copy_action.setEnabled(has_selection)
