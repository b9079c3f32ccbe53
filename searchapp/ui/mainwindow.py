"""The main window: query box, filters, timeline, result list and reader (with related
articles), the quotation panel and the comparison window, wired to the two lanes.

Searches, document loads and every reading request (related articles, story clusters,
quotations, comparisons, timeline counts) go to the search lane, whose Library is the only
one read from; the extras are asked for after the results or the article are on screen, so
they never slow a search, and a reply older than the newest request is dropped. Every
index write (the first build, the launch refresh, a folder added, a change seen by the
folder watcher) goes to the index lane, one update at a time: requests that arrive
meanwhile are folded into one follow-up run.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import TYPE_CHECKING, cast

# Only what the first frame needs is imported here: PySide6 builds each Qt class (and its
# enums) the first time it is touched, which costs start-up time. Dialogs and the reader
# are imported where they are first opened, and the Qt namespace of enums is built once
# the first list is on screen (see lazy_qt).
from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPoint,
    QSettings,
    QSize,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QCloseEvent,
    QGuiApplication,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPalette,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QMainWindow,
    QMenu,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

import searchapp
from searchapp.ui import lazy_qt
from searchapp.ui import settings as setting_keys
from searchapp.ui.actions import SORT_LABELS, Actions
from searchapp.ui.empty_state import NO_ARTICLE_MESSAGE, EmptyStateLabel
from searchapp.ui.filters import FilterBar
from searchapp.ui.indexprogress import IndexProgress
from searchapp.ui.labels import BUNDLED_COLLECTION
from searchapp.ui.lazy_qt import Qt
from searchapp.ui.results_delegate import ResultDelegate
from searchapp.ui.results_model import ResultRole, ResultsModel
from searchapp.ui.searchbar import SYNTAX_HELP_HTML, SearchBar
from searchapp.ui.timeline_chart import TimelineChart

if TYPE_CHECKING:
    from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent

    from searchapp.core.index import IndexReport
    from searchapp.core.quotes import QuoteOccurrence
    from searchapp.core.related import StoryCluster
    from searchapp.core.results import DocumentView, SearchResults

    # Made after the first list is painted, or on first use: their modules load then.
    from searchapp.ui.compare_dialog import CompareDialog
    from searchapp.ui.quote_panel import QuotationPanel
    from searchapp.ui.report import ReportDialog
    from searchapp.ui.viewer import ReaderView
    from searchapp.ui.watcher import FolderWatcher
    from searchapp.ui.workers import IndexLane, SearchLane, SearchWorker

log = logging.getLogger(__name__)

APP_NAME = "SearchApp"

# The timeline keeps its old bars this long before saying it is counting: typing does not
# make it flicker.
TIMELINE_BUSY_DELAY_MS = 250
# Other results offered under "Compare with" in a result's menu.
COMPARE_MENU_ITEMS = 25

# start() opens the index once the first list is painted, or after this long regardless.
ENGINE_WAIT_LIMIT_MS = 500

ADD_FOLDER_HINT = ("Add a folder of documents with File › Add Folder… (Ctrl+Shift+O), "
                   "or drop a folder onto this window.")


class ResultsView(QListView):
    """The result list, which says why it is empty when it is."""

    firstRowsPainted = Signal()  # once, after the list was first painted with rows in it

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._placeholder = ""
        self._rows_painted = False

    def set_placeholder(self, text: str) -> None:
        self._placeholder = text
        # Not before it is shown: PySide6 takes some 9 ms to wrap the viewport the first
        # time, which the first frame does without.
        if self.isVisible():
            self.viewport().update()

    def placeholder(self) -> str:
        return self._placeholder

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        model = self.model()
        if model is not None and model.rowCount():
            if not self._rows_painted:
                self._rows_painted = True
                self.firstRowsPainted.emit()
            return
        if model is None or not self._placeholder:
            return
        painter = QPainter(self.viewport())
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        area = self.viewport().rect().adjusted(24, 24, -24, -24)
        painter.drawText(area, lazy_qt.ALIGN_H_CENTER | lazy_qt.ALIGN_TOP
                         | lazy_qt.TEXT_WORD_WRAP, self._placeholder)
        painter.end()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Up from the first row goes back to the query box, as Down came from it.
        if (event.key() == Qt.Key.Key_Up and not event.modifiers()
                and self.currentIndex().row() <= 0):
            self.upFromTop.emit()
            event.accept()
            return
        # Grouped by story: Right shows a story's other articles, Left folds them.
        model = self.model()
        row = self.currentIndex().row()
        if isinstance(model, ResultsModel) and not event.modifiers() and row >= 0:
            if event.key() == Qt.Key.Key_Right and model.set_expanded(row, True):
                event.accept()
                return
            if event.key() == Qt.Key.Key_Left:
                story = model.parent_row(row)
                if model.is_expanded(story):
                    if story != row:
                        self.setCurrentIndex(model.index(story, 0))
                    model.set_expanded(story, False)
                    event.accept()
                    return
        super().keyPressEvent(event)

    upFromTop = Signal()


class MainWindow(QMainWindow):
    """SearchApp's window. ``start()`` opens the index once the window is on screen."""

    firstListShown = Signal()  # once: the first time the list has rows and was painted
    resultsShown = Signal(object)  # SearchResults now on screen
    searchFailed = Signal(str)  # a message now on screen; the previous results stay
    documentShown = Signal(object)  # DocumentView now in the reader
    libraryOpened = Signal(int)  # document count
    indexFinished = Signal(object)  # IndexReport of an update the window asked for
    indexFailed = Signal(str)
    collectionsChanged = Signal(list)  # the collections that are searched (not hidden)
    folderChangeFailed = Signal(str)
    reportShown = Signal(object)  # the report dict (or None) now in the report window
    relatedShown = Signal(list)  # RelatedDocuments now under the reader
    storiesShown = Signal(list)  # StoryClusters the result list is grouped by
    timelineShown = Signal(object)  # Timeline now charted
    quotationsShown = Signal(list)  # Quotations now in the quotation panel
    comparisonShown = Signal(object)  # a CompareDialog that has its Comparison
    exported = Signal(str)  # a file just written by an export

    def __init__(self, data_dir: Path | None = None,
                 settings: QSettings | None = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        self.setAccessibleName(APP_NAME)
        self.settings = settings if settings is not None else QSettings(self)
        self._data_dir = data_dir
        # The two lanes (and their threads) are made when first asked for: when the index is
        # opened, once the first list is painted (see ``lane``).
        self._lane: SearchLane | None = None
        self._index_lane: IndexLane | None = None
        self._watcher: FolderWatcher | None = None  # made when the index lane lists folders
        self._quotation_panel: QuotationPanel | None = None  # made after the first list
        self._reader: ReaderView | None = None  # made after the first list
        self._extras_built = False
        self._engine_opened = False  # start() asked the lanes to open the index
        self._engine_waits = False  # ... once the first list has been painted
        self.actions = Actions(self)
        self.report_dialog: ReportDialog | None = None

        self._shown_search_id = 0  # the request whose results are on screen
        self._requested_search_id = 0
        self._requested_document_id = 0
        self._results: SearchResults | None = None
        self._suggestion: str | None = None
        self._library_ready = False
        self._manual_refresh = False
        self._index_running = False  # an update was sent to the index lane and not answered
        self._index_pending = False  # another update was asked for meanwhile
        self._index_cancelled = False  # the person pressed Cancel during this update
        self._collections: list[str] = []  # every collection, bundled first
        self._bundled_hidden = False
        self._first_list_shown = False
        self._sort = "relevance"
        # The newest reading request for each part of the window ("quotations" covers
        # both a query's quotations and a tracked selection); older replies are dropped.
        self._reading: dict[str, int] = {}
        self._compare_dialogs: dict[int, CompareDialog] = {}
        self._quote_source: tuple[str, str] | None = None  # what the quotation panel shows
        self._quote_description = ""
        self._tracked_text: str | None = None  # a selection tracked with Ctrl+T
        self._pending_span: tuple[str, int, int] | None = None  # path, span to show
        self._regrouping = False  # the list is regrouped: the same article stays open
        self._dock_sized = False  # the quotation panel got its first width

        self._build_widgets()
        self._build_menus()
        self._connect()
        self._restore_settings()
        self.setAcceptDrops(True)
        self.search_bar.installEventFilter(self)  # folders dropped on it are added too
        self.search_bar.setFocus()  # (Qt.FocusReason.OtherFocusReason)

    # -- construction ---------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.search_bar = SearchBar(self)
        self.info_label = QLabel(self)
        self.info_label.setObjectName("infoLine")
        self.info_label.setAccessibleName("Search messages")
        # Enum properties are set from their values here: the first frame is built without
        # the Qt namespace of enums (see lazy_qt; a test checks what they are).
        self.info_label.setProperty("textFormat", lazy_qt.RICH_TEXT)  # our markup
        self.info_label.setWordWrap(True)
        self.info_label.setProperty("textInteractionFlags",
                                    lazy_qt.LINKS_ACCESSIBLE_BY_MOUSE
                                    | lazy_qt.LINKS_ACCESSIBLE_BY_KEYBOARD)
        self.info_label.setContentsMargins(2, 0, 2, 0)
        self.info_label.hide()

        self.results_model = ResultsModel(self)
        self.results_view = ResultsView(self)
        self.results_view.setObjectName("resultList")
        self.results_view.setAccessibleName("Search results")
        self.results_view.setModel(self.results_model)
        self.results_view.setItemDelegate(ResultDelegate(self.results_view))
        self.results_view.setUniformItemSizes(True)
        # Extended: Ctrl+click a second result to compare the two.
        self.results_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.results_view.setProperty("contextMenuPolicy", lazy_qt.CUSTOM_CONTEXT_MENU)
        self.results_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.results_view.setProperty("horizontalScrollBarPolicy",
                                      lazy_qt.SCROLL_BAR_ALWAYS_OFF)
        self.results_view.setAlternatingRowColors(True)
        self.results_view.set_placeholder("Opening the index…")

        self.count_label = QLabel(self)
        self.count_label.setObjectName("resultCount")
        self.count_label.setAccessibleName("Result count")
        self.sort_combo = QComboBox(self)
        self.sort_combo.setObjectName("sortOrder")
        self.sort_combo.setAccessibleName("Sort order")
        for key, label in SORT_LABELS.items():
            self.sort_combo.addItem(label, key)
        sort_label = QLabel("&Sort:", self)
        sort_label.setBuddy(self.sort_combo)

        list_header = QHBoxLayout()
        list_header.setContentsMargins(4, 0, 0, 4)
        list_header.addWidget(self.count_label, 1)
        list_header.addWidget(sort_label)
        list_header.addWidget(self.sort_combo)
        list_pane = QWidget(self)
        list_layout = QVBoxLayout(list_pane)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.setSpacing(0)
        list_layout.addLayout(list_header)
        self.filter_bar = FilterBar(self.actions.clear_filters, list_pane)
        list_layout.addWidget(self.filter_bar)
        self.timeline_chart = TimelineChart(list_pane)
        list_layout.addWidget(self.timeline_chart)
        self._timeline_timer = QTimer(self)
        self._timeline_timer.setSingleShot(True)
        self._timeline_timer.setInterval(TIMELINE_BUSY_DELAY_MS)
        self._timeline_timer.timeout.connect(
            lambda: self.timeline_chart.set_message("Counting…"))
        list_layout.addWidget(self.results_view, 1)

        # Horizontal, the default; by keyword, as QSplitter(self) would make PySide6 build the
        # Qt namespace to rule out QSplitter(Qt.Orientation) (see lazy_qt).
        self.splitter = QSplitter(parent=self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(list_pane)
        # The reader's empty state, until the reader is made (see ``reader``).
        self.splitter.addWidget(EmptyStateLabel(NO_ARTICLE_MESSAGE, self.splitter))
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(10, 10, 10, 6)
        layout.setSpacing(6)
        layout.addWidget(self.search_bar)
        layout.addWidget(self.info_label)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        # Hidden until an update indexes files; made now all the same, as the status bar
        # takes its height from it.
        self.index_progress = IndexProgress(self.actions.cancel_indexing, self)
        self.statusBar().addPermanentWidget(self.index_progress)
        self.statusBar().setSizeGripEnabled(True)

        self.toolbar = QToolBar("Main toolbar", self)
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setAccessibleName("Main toolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setProperty("toolButtonStyle", lazy_qt.TOOL_BUTTON_TEXT_BESIDE_ICON)
        self.toolbar.addAction(self.actions.add_folder)
        self.toolbar.addAction(self.actions.remove_folder)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.actions.refresh_index)
        self.addToolBar(self.toolbar)  # (Qt.ToolBarArea.TopToolBarArea)

        self.actions.next_match.setEnabled(False)
        self.actions.previous_match.setEnabled(False)
        self.actions.open_file.setEnabled(False)
        self.actions.copy_path.setEnabled(False)
        self.actions.refresh_index.setEnabled(False)
        self.actions.remove_folder.setEnabled(False)
        self.actions.cancel_indexing.setEnabled(False)

    def _build_menus(self) -> None:
        actions = self.actions
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(actions.add_folder)
        file_menu.addAction(actions.remove_folder)
        file_menu.addSeparator()
        file_menu.addAction(actions.open_file)
        file_menu.addAction(actions.copy_path)
        file_menu.addAction(actions.export_results)
        file_menu.addSeparator()
        file_menu.addAction(actions.refresh_index)
        file_menu.addAction(actions.cancel_indexing)
        file_menu.addAction(actions.index_report)
        file_menu.addSeparator()
        file_menu.addAction(actions.quit)
        search_menu = self.menuBar().addMenu("&Search")
        search_menu.addAction(actions.focus_search)
        search_menu.addAction(actions.recent_searches)
        search_menu.addSeparator()
        for action in actions.sort_actions.values():
            search_menu.addAction(action)
        search_menu.addSeparator()
        search_menu.addAction(actions.search_quotations)
        search_menu.addAction(actions.track_quotation)
        search_menu.addAction(actions.compare_selected)
        view_menu = self.menuBar().addMenu("&View")
        view_menu.addAction(actions.show_bundled)
        view_menu.addAction(actions.show_filters)
        view_menu.addAction(actions.clear_filters)
        view_menu.addSeparator()
        view_menu.addAction(actions.group_by_story)
        view_menu.addAction(actions.show_timeline)
        view_menu.addAction(actions.show_related)
        view_menu.addAction(actions.show_quotations)
        view_menu.addSeparator()
        view_menu.addAction(actions.focus_results)
        view_menu.addAction(actions.focus_reader)
        view_menu.addSeparator()
        view_menu.addAction(actions.next_match)
        view_menu.addAction(actions.previous_match)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(actions.syntax_help)
        help_menu.addAction(actions.shortcuts)
        help_menu.addSeparator()
        help_menu.addAction(actions.about)

    @property
    def lane(self) -> SearchLane:
        """The search lane: opens the index, searches, loads documents, reads."""
        if self._lane is None:
            from searchapp.ui.workers import SearchLane

            self._lane = SearchLane(self._data_dir, self)
            self._connect_search_worker(self._lane.worker)
        return self._lane

    @property
    def index_lane(self) -> IndexLane:
        """The index lane: every write to the index, one update at a time."""
        if self._index_lane is None:
            from searchapp.ui.workers import IndexLane

            self._index_lane = IndexLane(self._data_dir, self)
            index_worker = self._index_lane.worker
            index_worker.indexProgress.connect(self._on_index_progress)
            index_worker.indexFinished.connect(self._on_index_finished)
            index_worker.indexFailed.connect(self._on_index_failed)
            index_worker.foldersScanned.connect(self._on_folders_scanned)
        return self._index_lane

    def _connect_search_worker(self, worker: SearchWorker) -> None:
        worker.libraryReady.connect(self._on_library_ready)
        worker.libraryMissing.connect(self._on_library_missing)
        worker.libraryFailed.connect(self._on_library_failed)
        worker.collectionsChanged.connect(self._on_collections_changed)
        worker.foldersChanged.connect(self._on_folders_changed)
        worker.folderChangeFailed.connect(self._on_folder_change_failed)
        worker.reportLoaded.connect(self._on_report_loaded)
        worker.searchFinished.connect(self._on_search_finished)
        worker.searchFailed.connect(self._on_search_failed)
        worker.documentLoaded.connect(self._on_document_loaded)
        worker.documentFailed.connect(self._on_document_failed)
        worker.readingFinished.connect(self._on_reading_finished)
        worker.readingFailed.connect(self._on_reading_failed)
        worker.readingCancelled.connect(self._on_reading_cancelled)

    def _connect(self) -> None:
        self.filter_bar.filtersChanged.connect(self._on_filters_changed)

        self.search_bar.searchRequested.connect(self.run_search)
        self.search_bar.returnPressed.connect(self._remember_query)
        self.search_bar.enterListRequested.connect(self.focus_results)
        self.search_bar.syntaxHelpRequested.connect(self.show_syntax_help)
        self.results_view.upFromTop.connect(self.focus_search)
        self.results_view.selectionModel().currentChanged.connect(self._on_current_changed)
        self.results_view.activated.connect(self._on_activated)
        self.info_label.linkActivated.connect(self._on_info_link)
        self.sort_combo.currentIndexChanged.connect(self._on_sort_combo)
        self.timeline_chart.periodActivated.connect(self.show_period)
        self.results_view.customContextMenuRequested.connect(self._show_result_menu)
        self.results_view.selectionModel().selectionChanged.connect(
            self._update_compare_action)
        self.results_view.firstRowsPainted.connect(self._on_first_rows_painted)
        self.firstListShown.connect(self._on_first_list_shown)

        actions = self.actions
        actions.focus_search.triggered.connect(self.focus_search)
        actions.focus_results.triggered.connect(self.focus_results)
        actions.focus_reader.triggered.connect(self.focus_reader)
        actions.open_file.triggered.connect(self.open_current_file)
        actions.copy_path.triggered.connect(self.copy_current_path)
        actions.refresh_index.triggered.connect(self.refresh_index)
        actions.add_folder.triggered.connect(self.choose_folder_to_add)
        actions.remove_folder.triggered.connect(self.choose_folder_to_remove)
        actions.cancel_indexing.triggered.connect(self.cancel_indexing)
        actions.index_report.triggered.connect(self.show_index_report)
        actions.show_bundled.toggled.connect(self._on_show_bundled_toggled)
        actions.show_filters.toggled.connect(self._on_show_filters_toggled)
        actions.quit.triggered.connect(self.close)
        actions.recent_searches.triggered.connect(self.search_bar.show_history_menu)
        actions.syntax_help.triggered.connect(self.show_syntax_help)
        actions.shortcuts.triggered.connect(self.show_shortcuts)
        actions.about.triggered.connect(self.show_about)
        actions.sort_group.triggered.connect(
            lambda action: self.set_sort(str(action.data())))
        actions.export_results.triggered.connect(self.choose_export_file)
        actions.group_by_story.toggled.connect(self._on_group_by_story_toggled)
        actions.show_timeline.toggled.connect(self._on_show_timeline_toggled)
        actions.show_related.toggled.connect(self._on_show_related_toggled)
        actions.show_quotations.toggled.connect(self._on_show_quotations_toggled)
        actions.search_quotations.triggered.connect(self._on_search_quotations)
        actions.track_quotation.triggered.connect(self.track_selection)
        actions.compare_selected.triggered.connect(self.compare_selected)

    # -- built after the first list ------------------------------------------------------

    @Slot()
    def _on_first_rows_painted(self) -> None:
        if not self._first_list_shown:
            self._first_list_shown = True
            # Emitted after this paint has been delivered, so the rows are on screen.
            QTimer.singleShot(0, lambda: self.firstListShown.emit())

    @Slot()
    def _on_first_list_shown(self) -> None:
        # After the slots of whoever waits for the first list, and after that frame.
        if self._engine_waits:
            QTimer.singleShot(0, self, self._open_engine)
        QTimer.singleShot(0, self, self._build_extras)

    @Slot()
    def _build_extras(self) -> None:
        """What the first frame does not show: the reader (its pane showed only its empty
        state) and the quotation panel (reopened if it was open last time). Everything else
        waits for its first use."""
        if self._extras_built:
            return
        self._extras_built = True
        _ = self.reader
        if QGuiApplication.windowIcon().isNull():
            # Rendering the SVG at every size waits until the list is on screen; the
            # desktop picks the icon up a moment after the window appears.
            from searchapp.ui.icon import app_icon

            QGuiApplication.setWindowIcon(app_icon())
        self.actions.about.setIcon(QGuiApplication.windowIcon())
        _ = self.quotation_panel

    @property
    def reader(self) -> ReaderView:
        """The article reader, made right after the first list is painted (or on first use):
        until then its pane shows the same empty-state line."""
        if self._reader is None:
            from searchapp.ui.viewer import ReaderView

            actions = self.actions
            reader = ReaderView(actions.previous_match, actions.next_match,
                                actions.open_file, actions.show_related,
                                actions.track_quotation, self)
            self._reader = reader
            stand_in = self.splitter.replaceWidget(1, reader)
            if stand_in is not None:
                stand_in.deleteLater()
            reader.related.list_view.setVisible(actions.show_related.isChecked())
            reader.matchChanged.connect(self._on_match_changed)
            reader.related.articleActivated.connect(self.open_document)
            actions.next_match.triggered.connect(reader.next_match)
            actions.previous_match.triggered.connect(reader.previous_match)
        return self._reader

    @property
    def quotation_panel(self) -> QuotationPanel:
        """The quotation dock, made (and put back where it was last time) on first use."""
        if self._quotation_panel is None:
            from searchapp.ui.quote_panel import QuotationPanel

            panel = QuotationPanel(self)
            self._quotation_panel = panel
            panel.hide()
            panel.searchRequested.connect(self._on_quote_search)
            panel.occurrenceActivated.connect(self.open_occurrence)
            panel.exported.connect(self._on_exported)
            panel.visibilityChanged.connect(self._on_quotation_panel_visibility)
            # The window state was restored before the dock existed: its place, size and
            # visibility from last time are applied now (reopening it if it was open).
            if not self.restoreDockWidget(panel):
                self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, panel)
                panel.hide()
            self._sync_quotation_action()
        return self._quotation_panel

    def _quotation_panel_open(self) -> bool:
        return self._quotation_panel is not None and not self._quotation_panel.isHidden()

    @Slot(bool)
    def _on_show_quotations_toggled(self, shown: bool) -> None:
        if shown or self._quotation_panel is not None:
            self.quotation_panel.setVisible(shown)

    @Slot()
    def _on_search_quotations(self) -> None:
        self.quotation_panel.focus_search()

    @property
    def watcher(self) -> FolderWatcher:
        """Watches the indexed folders; made when the index lane first lists them."""
        if self._watcher is None:
            from searchapp.ui.watcher import FolderWatcher

            self._watcher = FolderWatcher(self)
            self._watcher.changed.connect(self._on_folders_changed_on_disk)
        return self._watcher

    # -- settings -------------------------------------------------------------------------

    def _restore_settings(self) -> None:
        settings = self.settings
        geometry = setting_keys.read(settings, setting_keys.WINDOW_GEOMETRY)
        if geometry.isEmpty() or not self.restoreGeometry(geometry):
            self.resize(self._default_size())
        state = setting_keys.read(settings, setting_keys.WINDOW_STATE)
        if not state.isEmpty():
            self._dock_sized = self.restoreState(state)
        splitter = setting_keys.read(settings, setting_keys.SPLITTER_STATE)
        if splitter.isEmpty() or not self.splitter.restoreState(splitter):
            width = self.width()
            self.splitter.setSizes([int(width * 0.4), int(width * 0.6)])
        sort = setting_keys.read(settings, setting_keys.SORT_ORDER)
        self._apply_sort(sort if sort in SORT_LABELS else "relevance")
        self.search_bar.set_recent_queries(
            setting_keys.read(settings, setting_keys.RECENT_QUERIES))
        self.filter_bar.restore(
            setting_keys.read(settings, setting_keys.FILTER_EXCLUDED_COLLECTIONS),
            setting_keys.read(settings, setting_keys.FILTER_EXCLUDED_KINDS),
            _parse_date(setting_keys.read(settings, setting_keys.FILTER_DATE_FROM)),
            _parse_date(setting_keys.read(settings, setting_keys.FILTER_DATE_TO)))
        filters_visible = setting_keys.read(settings, setting_keys.FILTERS_VISIBLE)
        self.actions.show_filters.setChecked(filters_visible)
        self.filter_bar.setVisible(filters_visible)
        # Set before anything is searched, so no signal is needed (nor wanted) here.
        for action, setting in ((self.actions.group_by_story, setting_keys.GROUP_BY_STORY),
                                (self.actions.show_timeline, setting_keys.TIMELINE_VISIBLE),
                                (self.actions.show_related, setting_keys.RELATED_VISIBLE)):
            action.blockSignals(True)
            action.setChecked(setting_keys.read(settings, setting))
            action.blockSignals(False)
        self.timeline_chart.setVisible(self.actions.show_timeline.isChecked())
        self._sync_quotation_action()

    def _default_size(self) -> QSize:
        size = QSize(1180, 760)
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            available = screen.availableGeometry().size()
            size = size.boundedTo(QSize(int(available.width() * 0.9),
                                        int(available.height() * 0.9)))
        return size

    def save_settings(self) -> None:
        self._build_extras()  # so the window state keeps the quotation panel's place
        settings = self.settings
        setting_keys.write(settings, setting_keys.WINDOW_GEOMETRY, self.saveGeometry())
        setting_keys.write(settings, setting_keys.WINDOW_STATE, self.saveState())
        setting_keys.write(settings, setting_keys.SPLITTER_STATE, self.splitter.saveState())
        setting_keys.write(settings, setting_keys.SORT_ORDER, self._sort)
        setting_keys.write(settings, setting_keys.RECENT_QUERIES,
                           self.search_bar.recent_queries())
        self._save_filters()
        setting_keys.write(settings, setting_keys.FILTERS_VISIBLE,
                           self.actions.show_filters.isChecked())
        setting_keys.write(settings, setting_keys.GROUP_BY_STORY,
                           self.actions.group_by_story.isChecked())
        setting_keys.write(settings, setting_keys.TIMELINE_VISIBLE,
                           self.actions.show_timeline.isChecked())
        setting_keys.write(settings, setting_keys.RELATED_VISIBLE,
                           self.actions.show_related.isChecked())
        settings.sync()

    def _save_filters(self) -> None:
        settings, bar = self.settings, self.filter_bar
        setting_keys.write(settings, setting_keys.FILTER_EXCLUDED_COLLECTIONS,
                           bar.excluded_collections())
        setting_keys.write(settings, setting_keys.FILTER_EXCLUDED_KINDS, bar.excluded_kinds())
        for setting, value in ((setting_keys.FILTER_DATE_FROM, bar.date_from.value()),
                               (setting_keys.FILTER_DATE_TO, bar.date_to.value())):
            setting_keys.write(settings, setting, value.isoformat() if value else "")

    # -- opening and updating the index -------------------------------------------------

    def start(self) -> None:
        """Open the index for searching and, alongside, catch up with the files on disk on
        the index lane (building the index on first use).

        When last time's list can be painted first, the engine waits until it has been:
        loading it on the lanes' threads would otherwise compete with that paint."""
        if (self._show_snapshot() and not self._first_list_shown
                and self.isVisible() and not self.isMinimized()):
            self._engine_waits = True
            # In case that paint never comes (a window the system does not draw).
            QTimer.singleShot(ENGINE_WAIT_LIMIT_MS, self, self._open_engine)
        else:
            self._open_engine()

    @Slot()
    def _open_engine(self) -> None:
        if self._engine_opened:
            return
        self._engine_opened = True
        self._engine_waits = False
        self.lane.open_library()
        self._request_index_update()

    def _show_snapshot(self) -> bool:
        """Paint the list this window showed last time, before the engine has loaded; the
        first real search replaces it a moment later (bench/startup.py measures both).
        True when the list now has rows from it."""
        if self.search_bar.text().strip() or self.filter_bar.is_active():
            return False
        from searchapp.core.results import load_snapshot, snapshot_key

        data_dir = self._data_dir
        if data_dir is None:  # platformdirs is only loaded when it has to be asked
            from searchapp.core.collections import default_data_dir

            data_dir = default_data_dir()
        snapshot = load_snapshot(data_dir, snapshot_key(data_dir, self._sort))
        if snapshot is not None and snapshot.hits:
            self.results_model.set_hits(snapshot.hits)
            self._update_count(snapshot)
            return True
        return False

    @Slot()
    def refresh_index(self) -> None:
        self._manual_refresh = True
        self.statusBar().showMessage("Checking your folders for changes…")
        self._request_index_update()

    def _request_index_update(self) -> None:
        """One update at a time on the index lane; asking again meanwhile queues one more."""
        if self._index_running:
            self._index_pending = True
            return
        self._index_running = True
        self._index_cancelled = False
        self.index_progress.start()
        self.index_lane.update()

    @property
    def indexing(self) -> bool:
        return self._index_running

    @Slot()
    def cancel_indexing(self) -> None:
        """Stop at the next file; what is indexed so far is kept and stays searchable."""
        if not self._index_running:
            return
        self._index_cancelled = True
        self._index_pending = False
        self.index_lane.cancel()
        self.actions.cancel_indexing.setEnabled(False)
        self.index_progress.stopping()

    @Slot(int, int, str)
    def _on_index_progress(self, done: int, total: int, current: str) -> None:
        if total <= 0 or not self._index_running:
            return
        self.index_progress.update_progress(done, total, current)
        # Saving (no current file) cannot be stopped part-way: Cancel is off meanwhile.
        self.actions.cancel_indexing.setEnabled(bool(current) and not self._index_cancelled)
        if self._index_cancelled:
            self.index_progress.stopping()
        if not self._library_ready:
            self.results_view.set_placeholder(
                f"Building the search index — {done:,} of {total:,} documents.\n"
                "Results appear as soon as it is ready.")

    def _index_run_ended(self) -> None:
        self._index_running = False
        self.index_progress.finish()
        self.actions.cancel_indexing.setEnabled(False)
        self.actions.refresh_index.setEnabled(True)
        if self.report_dialog is not None and self.report_dialog.isVisible():
            self.lane.load_report()
        if self._index_pending and not self._index_cancelled:
            self._index_pending = False
            self._request_index_update()

    @Slot(object, int)
    def _on_index_finished(self, report: IndexReport, count: int) -> None:
        changed = bool(report.added or report.updated or report.removed)
        message = report.summary() if (report.rebuilt or changed or report.cancelled) else ""
        if report.failed:
            names = ", ".join(Path(path).name for path, _reason in report.failed[:3])
            more = f" and {len(report.failed) - 3} more" if len(report.failed) > 3 else ""
            message += f" Could not index: {names}{more} (File › Indexing Report…)."
        if report.warning:
            message = report.warning
        if message:
            self.statusBar().showMessage(message.strip(), 15_000)
        elif self._manual_refresh:
            self.statusBar().showMessage("The index is up to date.", 5_000)
        self._manual_refresh = False
        if not self._library_ready:
            self.lane.open_library()  # the index has just been built
        elif changed:
            self.run_search(self.search_bar.text())  # new documents appear, deleted ones go
        self._index_run_ended()
        self.indexFinished.emit(report)

    @Slot(str)
    def _on_index_failed(self, message: str) -> None:
        self._manual_refresh = False
        if not self._library_ready:
            self.results_view.set_placeholder(f"The index could not be built.\n{message}")
        self._show_info(message, error=True)
        self.statusBar().showMessage(message, 15_000)
        self._index_run_ended()
        self.indexFailed.emit(message)

    @Slot(list, bool)
    def _on_folders_scanned(self, folders: list[str], capped: bool) -> None:
        self.watcher.set_folders(folders)
        if capped:
            self.statusBar().showMessage(
                f"Watching the first {len(folders):,} folders for changes; press F5 to pick "
                "up changes in the others.", 10_000)

    @Slot()
    def _on_folders_changed_on_disk(self) -> None:
        self._request_index_update()

    @Slot(int)
    def _on_library_ready(self, count: int) -> None:
        self._library_ready = True
        self.actions.refresh_index.setEnabled(True)
        self.libraryOpened.emit(count)
        self.run_search(self.search_bar.text())

    @Slot()
    def _on_library_missing(self) -> None:
        # The index lane is building it; its progress replaces this line.
        self.results_view.set_placeholder("Building the search index…\n"
                                          "Results appear as soon as it is ready.")

    @Slot(str)
    def _on_library_failed(self, message: str) -> None:
        if not self._library_ready:
            self.results_view.set_placeholder(f"The index could not be opened.\n{message}")
        self._show_info(message, error=True)
        self.statusBar().showMessage(message)

    # -- folders --------------------------------------------------------------------------

    @Slot()
    def choose_folder_to_add(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        folder = QFileDialog.getExistingDirectory(self, "Add Folder", str(Path.home()))
        if folder:
            self.add_folder(folder)

    @Slot(str)
    def add_folder(self, folder: str) -> None:
        """Add a folder of documents; it is indexed on the index lane right after."""
        self.add_folders([folder])

    def add_folders(self, folders: list[str]) -> None:
        self.statusBar().showMessage("Adding " + ", ".join(Path(f).name or f for f in folders)
                                     + "…")
        self.lane.change_folders(folders, [])

    @Slot()
    def choose_folder_to_remove(self) -> None:
        folders = self.user_folders()
        if not folders:
            return
        from PySide6.QtWidgets import QInputDialog

        dialog = QInputDialog(self)
        dialog.setObjectName("removeFolderDialog")
        dialog.setWindowTitle("Remove Folder")
        dialog.setLabelText("Stop searching this folder? Its documents leave the index; "
                            "the files themselves are not touched.")
        dialog.setComboBoxItems(folders)
        dialog.setComboBoxEditable(False)
        dialog.setOkButtonText("Remove")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.textValueSelected.connect(self.remove_folder)
        dialog.open()

    @Slot(str)
    def remove_folder(self, folder: str) -> None:
        self.statusBar().showMessage(f"Removing {Path(folder).name or folder}…")
        self.lane.change_folders([], [folder])

    def user_folders(self) -> list[str]:
        """The person's own folders (every collection but the bundled articles)."""
        return [name for name in self._collections if name != BUNDLED_COLLECTION]

    def searched_collections(self) -> list[str]:
        return [name for name in self._collections
                if not (name == BUNDLED_COLLECTION and self._bundled_hidden)]

    @Slot(list, list)
    def _on_folders_changed(self, added: list[str], removed: list[str]) -> None:
        names = [Path(folder).name or folder for folder in added + removed]
        if added and self._index_running:
            message = f"Added {', '.join(names)}; it is indexed after the current update."
        elif added:
            message = f"Added {', '.join(names)}; indexing it…"
        elif removed:
            message = f"Removed {', '.join(names)}."
        else:
            message = "That folder is already being searched."
        self.statusBar().showMessage(message, 8_000)
        if removed and self._index_running:
            # Do not go on indexing a folder the person no longer wants; the follow-up
            # update drops its documents and finishes the others.
            self.index_lane.cancel()
            self._index_pending = True
        if added or removed:
            self._request_index_update()
            if self._library_ready:
                self.run_search(self.search_bar.text())

    @Slot(str)
    def _on_folder_change_failed(self, message: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        self.statusBar().showMessage(message, 10_000)
        QMessageBox.warning(self, "Folders", message)
        self.folderChangeFailed.emit(message)

    @Slot(list, bool)
    def _on_collections_changed(self, names: list[str], bundled_hidden: bool) -> None:
        self._collections = list(names)
        self._bundled_hidden = bundled_hidden
        self.filter_bar.set_collections(self.searched_collections())
        self.actions.show_bundled.blockSignals(True)
        self.actions.show_bundled.setChecked(not bundled_hidden)
        self.actions.show_bundled.blockSignals(False)
        self.actions.remove_folder.setEnabled(bool(self.user_folders()))
        self.collectionsChanged.emit(self.searched_collections())

    @Slot(bool)
    def _on_show_bundled_toggled(self, shown: bool) -> None:
        self.lane.set_bundled_hidden(not shown)
        if self._library_ready:
            self.run_search(self.search_bar.text())  # queued after the change

    # -- drag and drop --------------------------------------------------------------------

    @staticmethod
    def dropped_folders(event: QDropEvent | QDragEnterEvent | QDragMoveEvent) -> list[str]:
        mime = event.mimeData()
        if mime is None or not mime.hasUrls():
            return []
        return [url.toLocalFile() for url in mime.urls()
                if url.isLocalFile() and Path(url.toLocalFile()).is_dir()]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.dropped_folders(event):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self.dropped_folders(event):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        folders = self.dropped_folders(event)
        if not folders:
            super().dropEvent(event)
            return
        event.acceptProposedAction()
        self.add_folders(folders)

    # -- filters --------------------------------------------------------------------------

    @Slot()
    def _on_filters_changed(self) -> None:
        self._save_filters()
        self.run_search(self.search_bar.text())

    @Slot(bool)
    def _on_show_filters_toggled(self, shown: bool) -> None:
        self.filter_bar.setVisible(shown)
        setting_keys.write(self.settings, setting_keys.FILTERS_VISIBLE, shown)

    # -- the indexing report --------------------------------------------------------------

    @Slot()
    def show_index_report(self) -> None:
        if self.report_dialog is None:
            from searchapp.ui.report import ReportDialog

            self.report_dialog = ReportDialog(self)
            self.report_dialog.pathCopied.connect(
                lambda text: self.statusBar().showMessage("Copied the file path.", 3_000))
        if self.report_dialog.isVisible():
            self.report_dialog.raise_()  # already open, maybe behind the window
            self.report_dialog.activateWindow()
        else:
            self.report_dialog.show()
        self.lane.load_report()

    @Slot(object)
    def _on_report_loaded(self, report: dict | None) -> None:
        if self.report_dialog is not None:
            self.report_dialog.set_report(report)
            self.reportShown.emit(report)

    # -- searching ------------------------------------------------------------------------

    @Slot(str)
    def run_search(self, text: str) -> None:
        if not self._library_ready:
            return  # the search runs when the index is ready
        self._requested_search_id = self.lane.search(text, self._sort,
                                                     self.filter_bar.search_filters())

    @Slot(int, object)
    def _on_search_finished(self, request_id: int, results: SearchResults) -> None:
        import html

        if request_id <= self._shown_search_id:
            log.debug("Dropped the stale reply %d for %r", request_id, results.query)
            return
        self._shown_search_id = request_id
        self._results = results
        self.results_model.set_hits(results.hits)
        self._update_count(results)
        self._suggestion = results.suggestion
        messages = []
        if results.notice:
            messages.append(html.escape(results.notice))
        if results.suggestion:
            messages.append(f'Did you mean <a href="suggestion">'
                            f'{html.escape(results.suggestion)}</a>?')
        if messages:
            self._show_info(" ".join(messages))
        else:
            self._hide_info()
        if results.hits:
            self.results_view.selectionModel().setCurrentIndex(
                self.results_model.index(0, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect)
            self.results_view.scrollToTop()
        else:
            self.results_view.set_placeholder(self._empty_text(results))
            self.reader.show_message("No article to show.")
            self.reader.related.clear()
            self._update_document_actions()
        self.resultsShown.emit(results)
        # The extras are queued after the first article's load, behind what is on screen.
        self._request_stories()
        self._request_timeline()
        self.refresh_quotations()

    def _empty_text(self, results: SearchResults) -> str:
        filtered = self.filter_bar.is_active()
        if not results.query.strip():
            if not self.searched_collections():
                text = f"There is nothing to search.\n{ADD_FOLDER_HINT}"
                if self._bundled_hidden:
                    text += ("\nOr show the bundled articles again: View › Show bundled "
                             "articles.")
                return text
            if filtered:
                return ("No documents match the filters.\n"
                        "Choose View › Clear filters to see every document.")
            return ("The collection is empty.\n"
                    "Your folders have no .txt, .md, .html, .pdf, .docx or .eml files yet. "
                    f"{ADD_FOLDER_HINT}")
        text = f"No articles match “{results.query.strip()}”."
        if filtered:
            text += "\nThe filters are on: View › Clear filters searches everything."
            return text
        if results.suggestion:
            text += f"\nDid you mean “{results.suggestion}”? Click it above, or press F1 " \
                    "for the search syntax."
        else:
            text += "\nTry fewer words, a prefix like shoot*, or a fuzzy word like baldwn~."
        return text

    def _update_count(self, results: SearchResults) -> None:
        milliseconds = max(1, round(results.elapsed * 1000))
        noun = "result" if results.total == 1 else "results"
        if results.mode == "list":
            noun = "article" if results.total == 1 else "articles"
        stories = ""
        if self.results_model.is_grouped():
            count = sum(1 for row in range(self.results_model.rowCount())
                        if not self.results_model.index(row, 0).data(ResultRole.Member))
            stories = f" in {count:,} {'story' if count == 1 else 'stories'}"
        # A phrase with very many candidate documents has its total estimated from a sample.
        total = f"about {results.total:,}" if results.estimated else f"{results.total:,}"
        text = f"{total} {noun}{stories} · {milliseconds} ms"
        if results.total > len(results.hits):
            text = (f"{total} {noun} (first {len(results.hits):,}){stories} · "
                    f"{milliseconds} ms")
        self.count_label.setText(text)

    @Slot(int, str, bool)
    def _on_search_failed(self, request_id: int, message: str, query_error: bool) -> None:
        if request_id <= self._shown_search_id:
            return
        # The results on screen stay; only the message changes.
        self._show_info(message, error=True)
        self.statusBar().showMessage(message, 8_000)
        self.searchFailed.emit(message)

    def _show_info(self, rich_text: str, error: bool = False) -> None:
        import html

        if error:
            rich_text = (f'<span style="color:{self._error_color()}">'
                         f"&#9888;&nbsp;{html.escape(rich_text)}</span>")
        self.info_label.setText(rich_text)
        self.info_label.setProperty("error", error)
        self.info_label.setAccessibleDescription(self.info_label.text())
        self.info_label.show()

    def _error_color(self) -> str:
        dark = self.palette().color(QPalette.ColorRole.Base).lightness() < 128
        return "#ff8a80" if dark else "#b3261e"

    def _hide_info(self) -> None:
        self.info_label.clear()
        self.info_label.hide()

    def info_text(self) -> str:
        """The message line as plain text (for tests and accessibility)."""
        return self.info_label.text() if self.info_label.isVisible() else ""

    @Slot(str)
    def _on_info_link(self, link: str) -> None:
        if link == "suggestion" and self._suggestion:
            self.search_bar.run_query(self._suggestion)

    # -- sorting --------------------------------------------------------------------------

    def _apply_sort(self, sort: str) -> None:
        self._sort = sort
        self.actions.sort_actions[sort].setChecked(True)
        combo_index = self.sort_combo.findData(sort)
        if combo_index != self.sort_combo.currentIndex():
            self.sort_combo.blockSignals(True)
            self.sort_combo.setCurrentIndex(combo_index)
            self.sort_combo.blockSignals(False)

    def set_sort(self, sort: str) -> None:
        if sort not in SORT_LABELS or sort == self._sort:
            return
        self._apply_sort(sort)
        setting_keys.write(self.settings, setting_keys.SORT_ORDER, sort)
        self.run_search(self.search_bar.text())

    @Slot(int)
    def _on_sort_combo(self, index: int) -> None:
        self.set_sort(str(self.sort_combo.itemData(index)))

    @property
    def sort(self) -> str:
        return self._sort

    # -- the reader -----------------------------------------------------------------------

    @Slot(QModelIndex, QModelIndex)
    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        hit = self.results_model.hit(current.row()) if current.isValid() else None
        if hit is None or self._regrouping:
            return
        document = self.reader.document
        if self._pending_span is not None and document is not None \
                and document.path == hit.path == self._pending_span[0]:
            self._show_pending_span()
            return
        query = self._results.query if self._results is not None else ""
        self._requested_document_id = self.lane.load_document(hit.path, query)

    @Slot(int, object)
    def _on_document_loaded(self, request_id: int, view: DocumentView) -> None:
        if request_id != self._requested_document_id:
            return  # the selection moved on
        query = self._results.query if self._results is not None else ""
        self.reader.show_document(view, searched=bool(query.strip()))
        self._update_document_actions()
        if self._pending_span is not None and self._pending_span[0] == view.path:
            self._show_pending_span()
        else:
            self._pending_span = None
        self._request_related(view.path)
        self.refresh_quotations()
        self.documentShown.emit(view)

    def _show_pending_span(self) -> None:
        if self._pending_span is None:
            return
        _path, start, end = self._pending_span
        self._pending_span = None
        self.reader.show_span(start, end)

    @Slot(str)
    def open_document(self, path: str, span: tuple[int, int] | None = None) -> None:
        """Show an article in the reader (selecting it in the list when it is listed),
        with a span of its body marked and scrolled to."""
        self._pending_span = (path, *span) if span is not None else None
        row = self.results_model.row_of_path(path)
        document = self.reader.document
        if row >= 0:
            if row == self.results_view.currentIndex().row() and document is not None \
                    and document.path == path:
                self._show_pending_span()
                return
            self.results_view.selectionModel().setCurrentIndex(
                self.results_model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect)
            self.results_view.scrollTo(self.results_model.index(row, 0))
            return
        if document is not None and document.path == path:
            self._show_pending_span()
            return
        # Not listed: the list keeps no current row, so choosing a row loads it again.
        self.results_view.selectionModel().clear()
        query = self._results.query if self._results is not None else ""
        self._requested_document_id = self.lane.load_document(path, query)

    @Slot(int, str)
    def _on_document_failed(self, request_id: int, message: str) -> None:
        if request_id != self._requested_document_id:
            return
        self.reader.show_message(message)
        self.reader.related.clear()
        self._update_document_actions()

    # -- reading across accounts: requests and replies -----------------------------------

    def _read(self, purpose: str, kind: str, *args: object) -> int:
        request_id = self.lane.read(kind, *args)
        self._reading[purpose] = request_id
        return request_id

    def _is_current(self, kind: str, request_id: int) -> bool:
        purpose = "quotations" if kind in ("quote", "quotations") else kind
        return self._reading.get(purpose) == request_id

    @Slot(str, int, object)
    def _on_reading_finished(self, kind: str, request_id: int, result: object) -> None:
        if kind == "compare":
            dialog = self._compare_dialogs.pop(request_id, None)
            if dialog is not None:
                dialog.set_comparison(result)  # type: ignore[arg-type]
                self.comparisonShown.emit(dialog)
            return
        if not self._is_current(kind, request_id):
            log.debug("Dropped the stale %s reply %d", kind, request_id)
            return
        if kind == "related":
            self.reader.related.set_items(result)  # type: ignore[arg-type]
            self.relatedShown.emit(result)
        elif kind == "clusters":
            self._apply_stories(result)  # type: ignore[arg-type]
        elif kind == "timeline":
            self._timeline_timer.stop()
            self.timeline_chart.set_timeline(result)  # type: ignore[arg-type]
            self.timelineShown.emit(result)
        else:
            self.quotation_panel.set_quotations(result,  # type: ignore[arg-type]
                                                self._quote_description)
            self.quotationsShown.emit(result)

    @Slot(str, int, str)
    def _on_reading_failed(self, kind: str, request_id: int, message: str) -> None:
        if kind == "compare":
            dialog = self._compare_dialogs.pop(request_id, None)
            if dialog is not None:
                dialog.set_failed(message)
            return
        if not self._is_current(kind, request_id):
            return
        if kind == "related":
            self.reader.related.set_failed(message)
        elif kind == "timeline":
            self._timeline_timer.stop()
            self.timeline_chart.set_message(message)
        elif kind in ("quote", "quotations"):
            self.quotation_panel.set_failed(message)
        else:
            self.statusBar().showMessage(message, 8_000)

    @Slot(str, int)
    def _on_reading_cancelled(self, kind: str, request_id: int) -> None:
        # Only a query's quotations are stopped by a newer search: ask again for what the
        # panel should show now (the same question, if the new search kept the query).
        if kind == "quotations" and self._is_current(kind, request_id):
            self._quote_source = None
            self.refresh_quotations()

    # -- related articles -----------------------------------------------------------------

    def _request_related(self, path: str) -> None:
        if not self.actions.show_related.isChecked():
            return
        self.reader.related.set_working()
        self._read("related", "related", path)

    @Slot(bool)
    def _on_show_related_toggled(self, shown: bool) -> None:
        setting_keys.write(self.settings, setting_keys.RELATED_VISIBLE, shown)
        if shown and self.reader.document is not None:
            self._request_related(self.reader.document.path)

    # -- stories --------------------------------------------------------------------------

    def _request_stories(self) -> None:
        hits = self.results_model.hits()
        if self.actions.group_by_story.isChecked() and len(hits) > 1:
            self._read("clusters", "clusters", [hit.path for hit in hits])

    @Slot(bool)
    def _on_group_by_story_toggled(self, grouped: bool) -> None:
        setting_keys.write(self.settings, setting_keys.GROUP_BY_STORY, grouped)
        if grouped:
            self._request_stories()
        else:
            self._reading.pop("clusters", None)  # a reply on its way is no longer wanted
            self._regroup(None)

    def _apply_stories(self, clusters: list[StoryCluster]) -> None:
        if not self.actions.group_by_story.isChecked():
            return
        self._regroup([cluster.paths for cluster in clusters])
        self.storiesShown.emit(clusters)

    def _regroup(self, stories: list[tuple[str, ...]] | None) -> None:
        """Group (or ungroup) the list, keeping the article that is open selected."""
        model = self.results_model
        current = model.hit(self.results_view.currentIndex().row())
        self._regrouping = True
        try:
            model.set_stories(stories)
            if current is not None:
                row = model.row_of_path(current.path)
                if row < 0:  # inside a folded story: show the story's others
                    model.set_expanded(model.story_row(current.path), True)
                    row = model.row_of_path(current.path)
                if row >= 0:
                    self.results_view.selectionModel().setCurrentIndex(
                        model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect)
                    self.results_view.scrollTo(model.index(row, 0))
        finally:
            self._regrouping = False
        if self._results is not None:
            self._update_count(self._results)

    # -- timeline -------------------------------------------------------------------------

    def _request_timeline(self) -> None:
        if not self.actions.show_timeline.isChecked() or self._results is None:
            return
        if not self._timeline_timer.isActive() and not self.timeline_chart.message():
            self._timeline_timer.start()
        self._read("timeline", "timeline", self._results.query,
                   self.filter_bar.search_filters())

    @Slot(bool)
    def _on_show_timeline_toggled(self, shown: bool) -> None:
        self.timeline_chart.setVisible(shown)
        setting_keys.write(self.settings, setting_keys.TIMELINE_VISIBLE, shown)
        if shown:
            self._request_timeline()

    @Slot(str)
    def show_period(self, period: str) -> None:
        """Narrow the results to one year or month of the timeline, through the filter
        bar's dates (so it shows, and Clear filters undoes it)."""
        from searchapp.core.timeline import period_filter

        filters = period_filter(period, self.filter_bar.search_filters())
        if not self.filter_bar.isVisible():
            self.actions.show_filters.setChecked(True)
        self.filter_bar.set_date_range(filters.date_from, filters.date_to)

    # -- quotations -----------------------------------------------------------------------

    def refresh_quotations(self) -> None:
        """Ask for what the quotation panel should show, if it is open and that changed:
        the quotation search's words; else the results' quotations; else, for an empty
        query, the open article's quotations, each tracked across the collection."""
        if not self._quotation_panel_open() or not self._library_ready:
            return
        panel = self.quotation_panel
        field = panel.search_text()
        query = self._results.query.strip() if self._results is not None else ""
        document = self.reader.document
        if field and field == self._tracked_text:
            source, description = ("quote", field), f"Tracking “{_short(field)}”"
        elif field:
            source = ("query", field)
            description = f"Quotations matching “{_short(field)}”"
        elif query:
            source = ("query", query)
            description = f"Quotations in the results for “{_short(query)}”"
        elif document is not None:
            source = ("document", document.path)
            title = document.title or Path(document.path).name
            description = f"Quotations in “{_short(title)}”, tracked across every document"
        else:
            self._quote_source = None
            panel.set_idle("Search for something, or open an article, to see its "
                           "quotations.")
            return
        if source == self._quote_source:
            return
        self._quote_source = source
        self._quote_description = description
        panel.set_working(description)
        if source[0] == "quote":
            self._read("quotations", "quote", field)
        else:
            self._read("quotations", "quotations", *source)

    @Slot(str)
    def _on_quote_search(self, _text: str) -> None:
        self._tracked_text = None
        self.refresh_quotations()

    @Slot(bool)
    def _on_quotation_panel_visibility(self, visible: bool) -> None:
        if visible and not self._dock_sized and not self.quotation_panel.isFloating():
            # The first time it opens (no saved layout): a third of the window.
            self._dock_sized = True
            self.resizeDocks([self.quotation_panel], [max(420, self.width() * 2 // 5)],
                             Qt.Orientation.Horizontal)
        self._sync_quotation_action()
        self.refresh_quotations()

    def _sync_quotation_action(self) -> None:
        action = self.actions.show_quotations
        action.blockSignals(True)
        action.setChecked(self._quotation_panel_open())
        action.blockSignals(False)

    @Slot()
    def track_selection(self) -> None:
        """Track the words selected in the reader: every document printing them."""
        text = self.reader.selected_text()
        if not text:
            self.statusBar().showMessage("Select the words of a quotation in the article "
                                         "first.", 5_000)
            return
        self._tracked_text = text
        self.quotation_panel.search_field.setText(text)
        self.quotation_panel.show()
        self.quotation_panel.raise_()
        self._sync_quotation_action()
        self.refresh_quotations()

    @Slot(object)
    def open_occurrence(self, occurrence: QuoteOccurrence) -> None:
        self.open_document(occurrence.path, (occurrence.start, occurrence.end))

    # -- comparing two accounts -----------------------------------------------------------

    def selected_hits(self) -> list:
        rows = sorted(index.row() for index in self.results_view.selectionModel()
                      .selectedIndexes())
        return [hit for row in rows if (hit := self.results_model.hit(row)) is not None]

    @Slot()
    def _update_compare_action(self) -> None:
        self.actions.compare_selected.setEnabled(len(self.selected_hits()) == 2)

    @Slot()
    def compare_selected(self) -> None:
        hits = self.selected_hits()
        if len(hits) != 2:
            self.statusBar().showMessage("Select two results to compare (Ctrl+click the "
                                         "second).", 5_000)
            return
        self.compare(hits[0].path, hits[1].path, hits[0].title, hits[1].title)

    def compare(self, path_a: str, path_b: str, title_a: str = "",
                title_b: str = "") -> CompareDialog:
        """Open the side-by-side window; it fills in when the lane has compared them."""
        from searchapp.ui.compare_dialog import CompareDialog

        dialog = CompareDialog(title_a or Path(path_a).name, title_b or Path(path_b).name,
                               self)
        request_id = self.lane.read("compare", path_a, path_b)
        self._compare_dialogs[request_id] = dialog
        dialog.destroyed.connect(lambda _object=None, number=request_id:
                                 self._compare_dialogs.pop(number, None))
        dialog.show()
        return dialog

    @Slot(QPoint)
    def _show_result_menu(self, position: QPoint) -> None:
        index = self.results_view.indexAt(position)
        hit = self.results_model.hit(index.row()) if index.isValid() else None
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if hit is not None:
            compare_menu = menu.addMenu("Compare &with")
            others = [other for other in self.results_model.hits() if other.path != hit.path]
            for other in others[:COMPARE_MENU_ITEMS]:
                label = other.title or Path(other.path).name
                action = compare_menu.addAction(
                    self.fontMetrics().elidedText(label, Qt.TextElideMode.ElideRight, 420))
                action.triggered.connect(
                    lambda _checked=False, a=hit, b=other: self.compare(a.path, b.path,
                                                                        a.title, b.title))
            compare_menu.setEnabled(bool(others))
            others_count = self.results_model.others(index.row())
            if others_count:
                expanded = self.results_model.is_expanded(index.row())
                toggle = menu.addAction("Fold the other coverage" if expanded
                                        else f"Show the {others_count} other articles")
                row = index.row()
                toggle.triggered.connect(
                    lambda _checked=False, row=row, shown=not expanded:
                    self.results_model.set_expanded(row, shown))
        menu.addAction(self.actions.compare_selected)
        menu.addSeparator()
        menu.addAction(self.actions.group_by_story)
        menu.addAction(self.actions.export_results)
        menu.popup(self.results_view.viewport().mapToGlobal(position))

    # -- export ---------------------------------------------------------------------------

    @Slot()
    def choose_export_file(self) -> None:
        if not self.results_model.hits():
            self.statusBar().showMessage("There are no results to export.", 5_000)
            return
        from PySide6.QtWidgets import QFileDialog

        path, chosen = QFileDialog.getSaveFileName(
            self, "Export Results", str(Path.home() / "results.csv"),
            "CSV (*.csv);;Markdown (*.md)")
        if path:
            self.export_results(path, chosen)

    def export_results(self, path: str, chosen_filter: str = "") -> bool:
        """Write the listed results (in result order) with a citation each: Markdown for
        .md (or the Markdown filter), CSV otherwise."""
        from searchapp.core.export import results_csv, results_markdown, write_export

        hits = self.results_model.hits()
        markdown = Path(path).suffix.lower() in (".md", ".markdown") or (
            not Path(path).suffix and "Markdown" in chosen_filter)
        if not Path(path).suffix:
            path += ".md" if markdown else ".csv"
        query = self._results.query.strip() if self._results is not None else ""
        text = results_markdown(hits, query) if markdown else results_csv(hits)
        try:
            write_export(Path(path), text)
        except OSError as exc:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.warning(self, "Export Results", f"Could not write {path}: {exc}")
            return False
        self._on_exported(path)
        return True

    @Slot(str)
    def _on_exported(self, path: str) -> None:
        self.statusBar().showMessage(f"Exported to {path}.", 8_000)
        self.exported.emit(path)

    @Slot(int, int)
    def _on_match_changed(self, current: int, total: int) -> None:
        self.actions.next_match.setEnabled(total > 0)
        self.actions.previous_match.setEnabled(total > 0)

    def _update_document_actions(self) -> None:
        has_document = self.reader.document is not None
        self.actions.open_file.setEnabled(has_document)
        self.actions.copy_path.setEnabled(has_document)

    @Slot()
    def open_current_file(self) -> None:
        document = self.reader.document
        if document is None:
            return
        self._remember_query()
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        if not QDesktopServices.openUrl(QUrl.fromLocalFile(document.path)):
            self.statusBar().showMessage(f"No application could open {document.path}.", 8_000)

    @Slot()
    def copy_current_path(self) -> None:
        document = self.reader.document
        if document is not None:
            QGuiApplication.clipboard().setText(document.path)
            self.statusBar().showMessage("Copied the file path.", 3_000)

    @Slot(QModelIndex)
    def _on_activated(self, index: QModelIndex) -> None:
        hit = self.results_model.hit(index.row())
        if hit is not None and self.reader.document is not None \
                and self.reader.document.path == hit.path:
            self.open_current_file()

    # -- focus and history ----------------------------------------------------------------

    @Slot()
    def focus_search(self) -> None:
        self.search_bar.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_bar.selectAll()

    @Slot()
    def focus_results(self) -> None:
        if self.results_model.rowCount() == 0:
            return
        self._remember_query()
        self.results_view.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not self.results_view.currentIndex().isValid():
            self.results_view.setCurrentIndex(self.results_model.index(0, 0))

    @Slot()
    def focus_reader(self) -> None:
        if self.reader.document is not None:
            self.reader.text_view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    @Slot()
    def _remember_query(self) -> None:
        """Keep the query on screen in the recent list, if it found something."""
        results = self._results
        if results is None or not results.total or not results.query.strip():
            return
        if results.query.strip() != self.search_bar.text().strip():
            return
        self.search_bar.remember(results.query)
        setting_keys.write(self.settings, setting_keys.RECENT_QUERIES,
                           self.search_bar.recent_queries())

    # -- dialogs --------------------------------------------------------------------------

    @Slot()
    def show_syntax_help(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(self)
        box.setWindowTitle("Search syntax")
        box.setIcon(QMessageBox.Icon.Information)
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(SYNTAX_HELP_HTML)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    @Slot()
    def show_shortcuts(self) -> None:
        import html

        from PySide6.QtWidgets import QMessageBox

        rows = "".join(
            f"<tr><td>{html.escape(what)}</td><td>&nbsp;&nbsp;<b>{html.escape(keys)}</b></td>"
            "</tr>" for what, keys in self.actions.shortcut_rows() if keys)
        box = QMessageBox(self)
        box.setObjectName("shortcutsDialog")
        box.setWindowTitle("Keyboard shortcuts")
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(f"<b>Keyboard shortcuts</b><table cellpadding='2'>{rows}</table>")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    @Slot()
    def show_about(self) -> None:
        import html

        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(
            self, f"About {APP_NAME}",
            f"<h3>{APP_NAME} {html.escape(searchapp.__version__)}</h3>"
            "<p>Desktop full-text search for collections of articles and documents.</p>"
            "<p>Built with Whoosh and Qt for Python.</p>")

    # -- events ---------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search_bar and event.type() in (
                QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop):
            # A folder dropped on the query box is added, not typed in as its path.
            drag = cast("QDragEnterEvent | QDragMoveEvent | QDropEvent", event)
            if self.dropped_folders(drag):
                if drag.type() == QEvent.Type.Drop:
                    self.dropEvent(cast("QDropEvent", drag))
                else:
                    drag.acceptProposedAction()
                return True
        return super().eventFilter(watched, event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._engine_opened = True  # a start() still waiting for the first paint gives up
        self._remember_query()
        self.save_settings()
        if self.report_dialog is not None:
            self.report_dialog.close()
        for dialog in list(self._compare_dialogs.values()):
            dialog.close()
        for lane in (self._index_lane, self._lane):
            if lane is not None:
                lane.stop()
        super().closeEvent(event)


def _parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _short(text: str, limit: int = 60) -> str:
    """One line of at most ``limit`` characters, for labels that name a text."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"
