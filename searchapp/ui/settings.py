"""Every persisted setting, declared once with its key, type and default.

``QSettings`` hands back strings (``'false'`` is truthy) unless read with ``type=``, so all
reads go through :func:`read`. Window state (geometry, splitter) is kept apart from
preferences (sort order), filters and history (recent queries) by key prefix. The folders
themselves are not here: the core keeps them next to the index, shared with the CLI.
"""

from __future__ import annotations

from typing import Any, Generic, NamedTuple, TypeVar

from PySide6.QtCore import QByteArray, QSettings

T = TypeVar("T")

MAX_RECENT_QUERIES = 20


class Setting(NamedTuple, Generic[T]):
    """A typed settings key. (A named tuple: a frozen dataclass would cost the window's
    start-up about half a millisecond more to define.)"""

    key: str
    type: type
    default: T


WINDOW_GEOMETRY: Setting[QByteArray] = Setting("window/geometry", QByteArray, QByteArray())
WINDOW_STATE: Setting[QByteArray] = Setting("window/state", QByteArray, QByteArray())
SPLITTER_STATE: Setting[QByteArray] = Setting("window/splitter", QByteArray, QByteArray())
SORT_ORDER: Setting[str] = Setting("preferences/sort", str, "relevance")
RECENT_QUERIES: Setting[list] = Setting("history/recentQueries", list, [])
# Filters store what is left out, so that a newly added folder or type is searched at once.
FILTER_EXCLUDED_COLLECTIONS: Setting[list] = Setting("filters/excludedCollections", list, [])
FILTER_EXCLUDED_KINDS: Setting[list] = Setting("filters/excludedKinds", list, [])
FILTER_DATE_FROM: Setting[str] = Setting("filters/dateFrom", str, "")  # ISO date or ""
FILTER_DATE_TO: Setting[str] = Setting("filters/dateTo", str, "")
FILTERS_VISIBLE: Setting[bool] = Setting("window/filtersVisible", bool, True)
GROUP_BY_STORY: Setting[bool] = Setting("preferences/groupByStory", bool, False)
TIMELINE_VISIBLE: Setting[bool] = Setting("window/timelineVisible", bool, True)
RELATED_VISIBLE: Setting[bool] = Setting("window/relatedVisible", bool, True)


def read(settings: QSettings, setting: Setting[T]) -> T:
    """The stored value, converted to the declared type; the default when absent or odd."""
    if not settings.contains(setting.key):
        return _copy(setting.default)
    try:
        value: Any = settings.value(setting.key, setting.default, type=setting.type)
    except (TypeError, ValueError):
        return _copy(setting.default)
    if value is None:
        return _copy(setting.default)
    if setting.type is list:
        return [str(item) for item in value]  # type: ignore[return-value]
    return value


def write(settings: QSettings, setting: Setting[T], value: T) -> None:
    settings.setValue(setting.key, value)


def _copy(value: T) -> T:
    return list(value) if isinstance(value, list) else value  # type: ignore[return-value]
