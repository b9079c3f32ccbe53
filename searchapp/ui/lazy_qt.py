"""Qt's namespace of enums (``Qt.AlignmentFlag`` and the rest), built on first use.

PySide6 builds the whole ``Qt`` namespace, some ninety enum classes, the first time any of
it is touched: about 13 ms, a tenth of the window's start. The modules of the first frame
import ``Qt`` from here instead of from ``PySide6.QtCore``, and build and paint that frame
without its enums, so the namespace is built once the list is on screen. Every ``Qt.X``
reads through to the real namespace (and is then kept here).

Where the first frame needs a Qt enum, it uses the value below instead: ``QPainter.drawText``
takes its flags as an int, item data roles are ints, and an enum property is set from its
value with ``QObject.setProperty``. A test checks each value against PySide6's enum.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtCore import Qt as Qt

# Qt.AlignmentFlag and Qt.TextFlag, for QPainter.drawText
ALIGN_LEFT = 0x0001
ALIGN_RIGHT = 0x0002
ALIGN_H_CENTER = 0x0004
ALIGN_TOP = 0x0020
ALIGN_BOTTOM = 0x0040
ALIGN_V_CENTER = 0x0080
ALIGN_CENTER = ALIGN_H_CENTER | ALIGN_V_CENTER
TEXT_WORD_WRAP = 0x1000

# Qt.ItemDataRole
DISPLAY_ROLE = 0
TOOL_TIP_ROLE = 3
ACCESSIBLE_TEXT_ROLE = 11
ACCESSIBLE_DESCRIPTION_ROLE = 12
USER_ROLE = 0x0100

# Enum properties, for QObject.setProperty
PLAIN_TEXT = 0  # Qt.TextFormat.PlainText
RICH_TEXT = 1  # Qt.TextFormat.RichText
LINKS_ACCESSIBLE_BY_MOUSE = 0x4  # Qt.TextInteractionFlag.LinksAccessibleByMouse
LINKS_ACCESSIBLE_BY_KEYBOARD = 0x8  # Qt.TextInteractionFlag.LinksAccessibleByKeyboard
CUSTOM_CONTEXT_MENU = 3  # Qt.ContextMenuPolicy.CustomContextMenu
SCROLL_BAR_ALWAYS_OFF = 1  # Qt.ScrollBarPolicy.ScrollBarAlwaysOff
TOOL_BUTTON_TEXT_ONLY = 1  # Qt.ToolButtonStyle.ToolButtonTextOnly
TOOL_BUTTON_TEXT_BESIDE_ICON = 2  # Qt.ToolButtonStyle.ToolButtonTextBesideIcon
STRONG_FOCUS = 0xB  # Qt.FocusPolicy.StrongFocus


class _LazyNamespace:
    def __getattr__(self, name: str) -> Any:
        from PySide6.QtCore import Qt as namespace

        value = getattr(namespace, name)
        setattr(self, name, value)  # later lookups are plain attribute reads
        return value

    def __repr__(self) -> str:
        return "<PySide6.QtCore.Qt, built on first use>"


if not TYPE_CHECKING:
    Qt = _LazyNamespace()


def namespace_built() -> bool:
    """True once PySide6 has built ``Qt`` (it stays built)."""
    module = sys.modules.get("PySide6.QtCore")
    return module is None or "Qt" in vars(module)
