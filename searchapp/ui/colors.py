"""Highlight colours that stay legible on light and dark palettes alike."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def match_colors(palette: QPalette) -> tuple[QColor, QColor]:
    """(background, foreground) for a match: a marker-pen yellow, dimmed on dark themes."""
    if is_dark(palette):
        return QColor("#7a5f00"), QColor("#fff8e0")
    return QColor("#ffe680"), QColor("#1a1a1a")


def current_match_colors(palette: QPalette) -> tuple[QColor, QColor]:
    """(background, foreground) for the match the reader is on: a stronger orange."""
    if is_dark(palette):
        return QColor("#e07b00"), QColor("#000000")
    return QColor("#ff9a1f"), QColor("#000000")


def quote_colors(palette: QPalette) -> tuple[QColor, QColor]:
    """(background, foreground) for a quotation opened from the quotation panel: a blue
    that no match colour is mistaken for."""
    if is_dark(palette):
        return QColor("#1f4f8f"), QColor("#f0f6ff")
    return QColor("#bcd9ff"), QColor("#0d1b2a")


def variant_colors(palette: QPalette) -> tuple[QColor, QColor]:
    """Backgrounds for the two wordings of a quotation two accounts print differently:
    account A's in rose, account B's in green."""
    if is_dark(palette):
        return QColor("#7a2f45"), QColor("#2f6b3a")
    return QColor("#ffc9d6"), QColor("#c4efc9")


def only_colors(palette: QPalette) -> tuple[QColor, QColor]:
    """Faint backgrounds for passages only account A, or only account B, prints."""
    if is_dark(palette):
        return QColor("#3a2a30"), QColor("#263a2b")
    return QColor("#fff3f5"), QColor("#f1fbf2")
