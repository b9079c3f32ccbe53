"""The result list model, checked by Qt's own model tester."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from searchapp.core.search import SearchHit
from searchapp.ui.results_model import ResultRole, ResultsModel


def make_hit(name: str, date: dt.date | None) -> SearchHit:
    return SearchHit(path=f"/articles/{name}", title=f"Title of {name}", date=date, score=1.0,
                     snippet="a snippet with a match", matches=((15, 22),))


def test_model_passes_qtmodeltester(qtmodeltester) -> None:
    model = ResultsModel()
    qtmodeltester.check(model)
    model.set_hits((make_hit("a.txt", dt.date(2025, 2, 25)), make_hit("b.txt", None)))
    qtmodeltester.check(model)
    model.set_hits(())
    qtmodeltester.check(model)


def test_roles() -> None:
    model = ResultsModel()
    model.set_hits((make_hit("a.txt", dt.date(2025, 2, 5)), make_hit("b.txt", None)))
    first, second = model.index(0, 0), model.index(1, 0)
    assert first.data(Qt.ItemDataRole.DisplayRole) == "Title of a.txt"
    assert first.data(ResultRole.Date) == "5 Feb 2025"
    assert second.data(ResultRole.Date) == "undated"
    assert first.data(ResultRole.FileName) == "a.txt"
    assert first.data(ResultRole.Matches) == ((15, 22),)
    assert model.roleNames()[ResultRole.Snippet] == b"snippet"
