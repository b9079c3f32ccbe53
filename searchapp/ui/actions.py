"""Every action of the window, with its shortcut, in one place.

The actions are added to the main window itself, so their shortcuts work whether or not
a menu or toolbar shows them. The shortcuts dialog is generated from this list.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup, QIcon, QKeySequence
from PySide6.QtWidgets import QStyle, QWidget

SORT_LABELS = {"relevance": "Relevance", "newest": "Newest first", "oldest": "Oldest first"}
SORT_MENU_TEXT = {"relevance": "Sort by &relevance", "newest": "Sort &newest first",
                  "oldest": "Sort &oldest first"}


def keys(*shortcuts: str | QKeySequence.StandardKey) -> list[QKeySequence]:
    """Shortcuts in order, platform bindings of standard keys included, without repeats."""
    found: dict[str, QKeySequence] = {}
    for shortcut in shortcuts:
        if isinstance(shortcut, str):
            sequences = [QKeySequence(shortcut)]
        else:
            sequences = QKeySequence.keyBindings(shortcut)
        for sequence in sequences:
            if not sequence.isEmpty():
                found.setdefault(sequence.toString(), sequence)
    return list(found.values())


class Actions(QObject):
    """The window's actions; triggered signals are connected by the main window."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        style = window.style()

        def make(text: str, shortcuts: list[QKeySequence] | None = None,
                 icon: QStyle.StandardPixmap | None = None, tip: str = "") -> QAction:
            action = QAction(text, window)
            if shortcuts:
                action.setShortcuts(shortcuts)
            if icon is not None:
                action.setIcon(style.standardIcon(icon))
            if tip:
                action.setToolTip(tip)
                action.setStatusTip(tip)
            window.addAction(action)
            return action

        self.focus_search = make(
            "&Search", keys("Ctrl+L", QKeySequence.StandardKey.Find),
            tip="Put the cursor in the search box")
        self.focus_results = make("Go to &results", keys("Ctrl+R"),
                                  tip="Move to the result list")
        self.focus_reader = make("Go to &article", keys("Ctrl+E"),
                                 tip="Move to the article text")
        self.next_match = make(
            "&Next match", keys("F3", QKeySequence.StandardKey.FindNext),
            QStyle.StandardPixmap.SP_ArrowDown, "Go to the next match in the article (F3)")
        self.previous_match = make(
            "&Previous match",
            keys("Shift+F3", QKeySequence.StandardKey.FindPrevious),
            QStyle.StandardPixmap.SP_ArrowUp, "Go to the previous match in the article "
                                               "(Shift+F3)")
        self.open_file = make(
            "&Open file", keys(QKeySequence.StandardKey.Open),
            QStyle.StandardPixmap.SP_DialogOpenButton,
            "Open the article's file in its usual application (Ctrl+O)")
        self.copy_path = make("Copy file &path", keys("Ctrl+Shift+C"),
                              tip="Copy the article's file path")
        self.add_folder = make(
            "&Add Folder…", keys("Ctrl+Shift+O"), QStyle.StandardPixmap.SP_FileDialogNewFolder,
            "Add a folder of documents to search (or drop one onto the window)")
        self.remove_folder = make(
            "Re&move Folder…", icon=QStyle.StandardPixmap.SP_TrashIcon,
            tip="Stop searching one of your folders; its documents leave the index")
        self.index_report = make("Indexing &Report…",
                                 tip="What the last indexing did, and the files it could not "
                                     "read")
        self.cancel_indexing = make(
            "&Stop Indexing", icon=QStyle.StandardPixmap.SP_DialogCancelButton,
            tip="Stop at the next file; what is indexed so far stays searchable")
        self.cancel_indexing.setIconText("Cancel")  # the status bar button's label
        self.show_bundled = make("Show &bundled articles",
                                 tip="Include the articles that come with SearchApp in results")
        self.show_bundled.setCheckable(True)
        self.show_bundled.setChecked(True)
        self.show_filters = make("&Filters", keys("Ctrl+Shift+F"),
                                 tip="Show the filters by folder, file type and date")
        self.show_filters.setCheckable(True)
        self.show_filters.setChecked(True)
        self.clear_filters = make("&Clear filters", tip="Search every folder, type and date")
        self.refresh_index = make(
            "&Update index", keys(QKeySequence.StandardKey.Refresh),
            QStyle.StandardPixmap.SP_BrowserReload, "Index added and changed files (F5)")
        self.export_results = make(
            "&Export Results…", keys("Ctrl+Shift+S"), QStyle.StandardPixmap.SP_DialogSaveButton,
            "Save the results, with a citation for each, as CSV or Markdown")
        self.group_by_story = make(
            "&Group by story", keys("Ctrl+Shift+B"),
            tip="Show each story once, with the other articles that cover it folded under it")
        self.group_by_story.setCheckable(True)
        self.show_timeline = make("&Timeline", keys("Ctrl+Shift+T"),
                                  tip="Chart the matching documents by year or month")
        self.show_timeline.setCheckable(True)
        self.show_timeline.setChecked(True)
        self.show_related = make("&Related articles", keys("Ctrl+Shift+R"),
                                 tip="List the articles most like the open one under it")
        self.show_related.setCheckable(True)
        self.show_related.setChecked(True)
        self.show_quotations = make("&Quotations", keys("F9"),
                                    tip="Show the quotation panel: who printed which words, "
                                        "and who ran them first")
        self.show_quotations.setCheckable(True)
        self.search_quotations = make(
            "Search &Quotations…", keys("Ctrl+Shift+Q"),
            tip="Find a quotation in every document that prints it (Ctrl+Shift+Q)")
        self.track_quotation = make(
            "&Track This Quotation", keys("Ctrl+T"),
            tip="Find every document that prints the selected words, and who ran them first")
        self.track_quotation.setEnabled(False)
        self.compare_selected = make(
            "&Compare Two Accounts", keys("Ctrl+Shift+D"),
            tip="Select two results (Ctrl+click), then compare them side by side")
        self.compare_selected.setEnabled(False)
        self.quit = make("&Quit", keys(QKeySequence.StandardKey.Quit, "Ctrl+Q"))
        self.recent_searches = make("Recent searches", keys("Alt+Down"))
        self.syntax_help = make(
            "Search s&yntax", keys(QKeySequence.StandardKey.HelpContents),
            QStyle.StandardPixmap.SP_MessageBoxQuestion, "How to write queries (F1)")
        self.shortcuts = make("&Keyboard shortcuts", keys("Ctrl+/"))
        self.about = make("&About SearchApp")
        self.about.setIcon(QIcon(window.windowIcon()))

        self.sort_group = QActionGroup(window)
        self.sort_group.setExclusive(True)
        self.sort_actions: dict[str, QAction] = {}
        for number, (key, label) in enumerate(SORT_LABELS.items(), start=1):
            action = make(SORT_MENU_TEXT[key], keys(f"Ctrl+{number}"),
                          tip=f"Order the results: {label.lower()}")
            action.setCheckable(True)
            action.setData(key)
            self.sort_group.addAction(action)
            self.sort_actions[key] = action

    def shortcut_rows(self) -> list[tuple[str, str]]:
        """(what, keys) for the shortcuts dialog, in menu order."""
        rows = [
            ("Search as you type; Enter searches at once", ""),
            ("Clear the search", "Esc"),
            ("Earlier / later searches (in the search box)", "Up / Down"),
            ("From the search box into the results", "Down"),
            ("Move through the results", "Up / Down"),
            ("Open the selected article's file", "Enter (in the results)"),
            ("Show or fold a story's other articles (grouped)", "Right / Left"),
            ("Select a second result to compare", "Ctrl+click"),
        ]
        for action in (self.focus_search, self.focus_results, self.focus_reader,
                       self.next_match, self.previous_match, self.open_file, self.copy_path,
                       *self.sort_actions.values(), self.recent_searches, self.add_folder,
                       self.show_filters, self.refresh_index, self.export_results,
                       self.group_by_story, self.show_timeline, self.show_related,
                       self.show_quotations, self.search_quotations, self.track_quotation,
                       self.compare_selected, self.syntax_help, self.shortcuts, self.quit):
            keys = " or ".join(
                dict.fromkeys(s.toString(QKeySequence.SequenceFormat.NativeText)
                              for s in action.shortcuts()))
            rows.append((action.text().replace("&", ""), keys))
        return rows
