"""The application icon, shipped inside the package as SVG."""

from __future__ import annotations

import logging
from importlib import resources

from PySide6.QtCore import QBuffer, QByteArray, QSize
from PySide6.QtGui import QIcon, QImageReader, QPixmap

log = logging.getLogger(__name__)

ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)


def app_icon() -> QIcon:
    """The application icon, rendered crisp at each size a desktop asks for."""
    try:
        data = resources.files("searchapp").joinpath("resources", "searchapp.svg").read_bytes()
    except OSError:
        log.warning("The application icon is missing from the package")
        return QIcon()
    icon = QIcon()
    for size in ICON_SIZES:
        buffer = QBuffer()
        buffer.setData(QByteArray(data))
        reader = QImageReader(buffer, b"svg")
        reader.setScaledSize(QSize(size, size))
        image = reader.read()
        if not image.isNull():
            icon.addPixmap(QPixmap.fromImage(image))
    return icon
