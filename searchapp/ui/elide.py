"""Elided text for the first frame, without Qt's enums.

``QFontMetrics.elidedText`` takes a ``Qt.TextElideMode``, and touching any Qt enum makes
PySide6 build the whole Qt namespace (about 13 ms, see ``lazy_qt``). Until it is built,
these functions elide the way Qt does, measured by Qt (``QFontMetricsF.horizontalAdvance``
of a prefix, on the whole text as shaped): the longest prefix (and suffix, for the middle)
that leaves room for "…". They do so only for text in which every character is a cluster
of its own and reads left to right; other text, and every call once the namespace exists,
goes to Qt itself. A test checks the two agree on many texts and widths.
"""

from __future__ import annotations

import re

from PySide6.QtGui import QFont, QFontMetrics, QFontMetricsF

from searchapp.ui.lazy_qt import Qt, namespace_built

ELLIPSIS = "\u2026"


# Every character one cluster, left to right: Latin letters (precomposed), digits,
# punctuation, typographic quotes and dashes. Text with any other character goes to Qt.
_NOT_SIMPLE = re.compile("[^\u0020-\u007e\u00a0-\u02ff\u2010-\u2027\u2030-\u205e"
                         "\u20a0-\u20c0]")


def plain_left_to_right(text: str) -> bool:
    """True when every character of the text is a cluster of its own and reads left to right
    (see ``_NOT_SIMPLE``): text that Qt lays out the same whole or cut into pieces."""
    return _NOT_SIMPLE.search(text) is None


def elide_right(font: QFont, text: str, width: int) -> str:
    """What ``QFontMetrics(font).elidedText(text, Qt.TextElideMode.ElideRight, width)``
    returns."""
    return _elide(font, text, width, middle=False)


def elide_middle(font: QFont, text: str, width: int) -> str:
    """What ``QFontMetrics(font).elidedText(text, Qt.TextElideMode.ElideMiddle, width)``
    returns."""
    return _elide(font, text, width, middle=True)


def _elide(font: QFont, text: str, width: int, middle: bool) -> str:
    if namespace_built() or len(text) < 2 or not plain_left_to_right(text):
        return _qt_elide(font, text, width, middle)
    metrics = QFontMetricsF(font)
    whole = metrics.horizontalAdvance(text)
    if whole <= width:
        return text
    if not metrics.inFont(ELLIPSIS):
        return _qt_elide(font, text, width, middle)  # Qt falls back to "..." then
    available = width - metrics.horizontalAdvance(ELLIPSIS)
    if available <= 0:
        return _qt_elide(font, text, width, middle)
    length = len(text)

    def prefix(count: int) -> float:
        # Measured within the whole text, as Qt measures it (kerning across the cut).
        return metrics.horizontalAdvance(text, count) if count else 0.0

    if middle:
        # Qt takes a character from each end in turn until the two reach the room left.
        def reached(count: int) -> bool:
            return prefix(count) + whole - prefix(length - count) >= available
    else:
        def reached(count: int) -> bool:
            return prefix(count) >= available

    # The first count that reaches it (the measures only grow with the count); Qt keeps one
    # character less than that on each side.
    low, high = 1, length
    while low < high:
        mid = (low + high) // 2
        if reached(mid):
            high = mid
        else:
            low = mid + 1
    kept = low - 1
    if middle:
        return text[:kept] + ELLIPSIS + text[length - kept:]
    return text[:kept] + ELLIPSIS


def _qt_elide(font: QFont, text: str, width: int, middle: bool) -> str:
    mode = Qt.TextElideMode.ElideMiddle if middle else Qt.TextElideMode.ElideRight
    return QFontMetrics(font).elidedText(text, mode, width)
