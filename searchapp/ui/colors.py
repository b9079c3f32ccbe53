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
