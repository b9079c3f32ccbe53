"""Python string offsets (code points) to Qt text offsets (UTF-16 code units)."""

from __future__ import annotations

from collections.abc import Iterable


def utf16_spans(text: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The same spans counted the way QString counts, so emoji do not shift highlights."""
    spans = list(spans)
    if not spans or text.isascii() or max(text) <= "\uffff":
        return spans
    # Offsets at which an astral character (two UTF-16 units) occurs.
    astral = [index for index, char in enumerate(text) if ord(char) > 0xFFFF]

    def convert(offset: int) -> int:
        # Each astral character before the offset adds one extra unit.
        low, high = 0, len(astral)
        while low < high:
            middle = (low + high) // 2
            if astral[middle] < offset:
                low = middle + 1
            else:
                high = middle
        return offset + low

    return [(convert(start), convert(end)) for start, end in spans]
