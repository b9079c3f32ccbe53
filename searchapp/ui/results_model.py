"""The result list as a Qt model: one row per search hit, with named roles.

Grouped by story, a row stands for a cluster's best hit ("also covered by 2 articles");
expanding it inserts the cluster's other hits below it, marked as members. The list stays
a flat list, so the view's keyboard navigation is unchanged."""

from __future__ import annotations

import datetime as dt
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex

from searchapp.ui import lazy_qt
from searchapp.ui.labels import collection_label, type_and_page

if TYPE_CHECKING:
    from searchapp.core.results import SearchHit

UNDATED = "undated"


# The roles are ints equal to Qt.ItemDataRole's: the first list is painted before PySide6
# builds the Qt namespace (see lazy_qt).
class ResultRole(IntEnum):
    Title = lazy_qt.USER_ROLE + 1
    Date = lazy_qt.USER_ROLE + 2  # the display text: "25 Feb 2025" or "undated"
    Path = lazy_qt.USER_ROLE + 3
    FileName = lazy_qt.USER_ROLE + 4
    Snippet = lazy_qt.USER_ROLE + 5
    Matches = lazy_qt.USER_ROLE + 6  # ((start, end), ...) into the snippet
    Hit = lazy_qt.USER_ROLE + 7
    Collection = lazy_qt.USER_ROLE + 8  # "Bundled articles" or the folder's name
    Kind = lazy_qt.USER_ROLE + 9  # the file type as indexed: "txt", "pdf", ...
    Page = lazy_qt.USER_ROLE + 10  # int for paged formats (PDF), else None
    TypeAndPage = lazy_qt.USER_ROLE + 11  # "PDF, p. 3", "Text"
    Also = lazy_qt.USER_ROLE + 12  # "also covered by 2 articles" on a story's row
    Expanded = lazy_qt.USER_ROLE + 13  # a story's other articles are shown
    Member = lazy_qt.USER_ROLE + 14  # one of the other articles of a story


def also_text(count: int) -> str:
    return f"also covered by {count} article{'s' if count != 1 else ''}" if count else ""


def format_date(date: dt.date | None) -> str:
    if date is None:
        return UNDATED
    return f"{date.day} {date:%b %Y}"


class _Row(NamedTuple):
    hit: int  # index into the hits
    story: int  # index into the stories; -1 when not grouped
    member: bool  # one of the story's other articles (shown when it is expanded)


class ResultsModel(QAbstractListModel):
    """Read-only list of ``SearchHit``s, replaced as a whole after each search, optionally
    grouped into stories (lists of paths, best first, from the engine's clusters).

    Its rows are selectable, never editable and have no children: QAbstractListModel's own
    ``flags()`` (not overridden, unlike ``models.ReadOnlyRows``, so that painting the first
    list needs no Qt enum)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._hits: tuple[SearchHit, ...] = ()
        self._stories: list[tuple[int, ...]] | None = None  # hit indexes, best first
        self._expanded: set[int] = set()  # stories whose other articles are shown
        self._rows: list[_Row] = []

    def set_hits(self, hits: tuple[SearchHit, ...]) -> None:
        """New results, listed flat until ``set_stories`` groups them."""
        self.beginResetModel()
        self._hits = tuple(hits)
        self._stories = None
        self._expanded = set()
        self._rows = [_Row(number, -1, False) for number in range(len(self._hits))]
        self.endResetModel()

    def hits(self) -> tuple[SearchHit, ...]:
        return self._hits

    def set_stories(self, stories: list[tuple[str, ...]] | None) -> None:
        """Group the hits by story (each a tuple of paths, best first); None lists them
        flat. A hit no story names stays a story of its own."""
        self.beginResetModel()
        if stories is None:
            self._stories = None
        else:
            number_of = {hit.path: number for number, hit in enumerate(self._hits)}
            grouped: list[tuple[int, ...]] = []
            seen: set[int] = set()
            for paths in stories:
                members = tuple(number_of[p] for p in paths
                                if p in number_of and number_of[p] not in seen)
                if members:
                    grouped.append(members)
                    seen.update(members)
            grouped += [(number,) for number in range(len(self._hits)) if number not in seen]
            grouped.sort(key=lambda members: members[0])  # the result order of the best
            self._stories = grouped
        self._expanded = set()
        self._rows = self._layout()
        self.endResetModel()

    def is_grouped(self) -> bool:
        return self._stories is not None

    def _layout(self) -> list[_Row]:
        if self._stories is None:
            return [_Row(number, -1, False) for number in range(len(self._hits))]
        rows = []
        for story, members in enumerate(self._stories):
            rows.append(_Row(members[0], story, False))
            if story in self._expanded:
                rows += [_Row(number, story, True) for number in members[1:]]
        return rows

    def hit(self, row: int) -> SearchHit | None:
        return self._hits[self._rows[row].hit] if 0 <= row < len(self._rows) else None

    def row_of_path(self, path: str) -> int:
        """The row showing a path, -1 when it is not shown (or inside a folded story)."""
        for row, entry in enumerate(self._rows):
            if self._hits[entry.hit].path == path:
                return row
        return -1

    def story_row(self, path: str) -> int:
        """The row of the story a path belongs to (its own row when flat), -1 if absent."""
        for row, entry in enumerate(self._rows):
            if entry.member:
                continue
            if self._hits[entry.hit].path == path or (
                    self._stories is not None
                    and any(self._hits[n].path == path for n in self._stories[entry.story])):
                return row
        return -1

    def others(self, row: int) -> int:
        """How many other articles the story on this row has (0 when none or flat)."""
        if not 0 <= row < len(self._rows) or self._stories is None:
            return 0
        entry = self._rows[row]
        return 0 if entry.member else len(self._stories[entry.story]) - 1

    def is_expanded(self, row: int) -> bool:
        return 0 <= row < len(self._rows) and self._rows[row].story in self._expanded \
            and not self._rows[row].member and self.others(row) > 0

    def parent_row(self, row: int) -> int:
        """The story's own row for a member row; the row itself otherwise."""
        while 0 < row < len(self._rows) and self._rows[row].member:
            row -= 1
        return row

    def set_expanded(self, row: int, expanded: bool) -> bool:
        """Show or fold a story's other articles; False when the row has none."""
        others = self.others(row)
        if not others or self.is_expanded(row) == expanded:
            return False
        story = self._rows[row].story
        index = self.index(row, 0)
        if expanded:
            self.beginInsertRows(QModelIndex(), row + 1, row + others)
            self._expanded.add(story)
            self._rows = self._layout()
            self.endInsertRows()
        else:
            self.beginRemoveRows(QModelIndex(), row + 1, row + others)
            self._expanded.discard(story)
            self._rows = self._layout()
            self.endRemoveRows()
        self.dataChanged.emit(index, index, [ResultRole.Expanded])
        return True

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._rows)

    def roleNames(self) -> dict[int, bytes]:
        names = super().roleNames()
        names.update({role.value: role.name.lower().encode() for role in ResultRole})
        return names

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = lazy_qt.DISPLAY_ROLE) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        hit = self.hit(index.row())
        if hit is None:
            return None
        if role in (lazy_qt.DISPLAY_ROLE, ResultRole.Title):
            return hit.title or Path(hit.path).name
        if role == lazy_qt.TOOL_TIP_ROLE:
            return hit.path
        if role == lazy_qt.ACCESSIBLE_TEXT_ROLE:
            title = hit.title or Path(hit.path).name
            text = (f"{title}, {format_date(hit.date)}, {collection_label(hit.collection)}, "
                    f"{type_and_page(hit.kind, hit.page)}, {Path(hit.path).name}")
            also = also_text(self.others(index.row()))
            return f"{text}, {also}" if also else text
        if role == lazy_qt.ACCESSIBLE_DESCRIPTION_ROLE:
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
        if role == ResultRole.Also:
            return also_text(self.others(index.row()))
        if role == ResultRole.Expanded:
            return self.is_expanded(index.row())
        if role == ResultRole.Member:
            return self._rows[index.row()].member
        return None
