"""Start-up: from the command to a window showing its first list, SearchApp against the floor.

The floor is a bare PySide6 program that shows one empty QListView — what any Qt app in
Python pays before doing anything. Next to it, a minimal search window (a query box over
five rows of text) shows what putting any text on screen adds. SearchApp is measured from
the same kind of command to the moment its result list has rows and has been painted
(MainWindow.firstListShown), on an index that already exists (the everyday start), and
the CLI's first answer too.
Runs alternate between the programs so machine noise hits both alike.

    /work/venv/bin/python bench/startup.py [--runs 15] [--data-dir DIR]

Prints a table and, with --markdown FILE, writes it as Markdown.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Each child prints the wall-clock time (time.time()) at which its list was on screen.
SHOW_UNTIL_PAINTED = r"""
class Painted(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, lambda: (print(time.time(), flush=True), app.quit()))
            watched.removeEventFilter(self)
        return False
painted = Painted()
view.viewport().installEventFilter(painted)
window.show()
app.exec()
"""

BARE = r"""
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QListView, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
view = QListView()
window.setCentralWidget(view)
window.resize(1000, 700)
""" + SHOW_UNTIL_PAINTED

# A reference, not a floor: the least a search window shows (a query box over a list of
# five two-line text rows painted by Qt's own delegate), to see what text alone costs.
MINIMAL = r"""
import sys, time
from PySide6.QtCore import QAbstractListModel, QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QListView, QMainWindow, QVBoxLayout, QWidget
app = QApplication(sys.argv[:1])
class Rows(QAbstractListModel):
    def rowCount(self, parent=None):
        return 5
    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole:
            return f"Article {index.row() + 1}: a title of some length\nand a line of its text"
        return None
window = QMainWindow()
central = QWidget()
layout = QVBoxLayout(central)
query = QLineEdit()
layout.addWidget(query)
view = QListView()
rows = Rows()
view.setModel(rows)
layout.addWidget(view)
window.setCentralWidget(central)
window.resize(1000, 700)
query.setFocus()
""" + SHOW_UNTIL_PAINTED

SEARCHAPP = r"""
import sys, time
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from searchapp.app import configure_application
app = QApplication(sys.argv[:1])
configure_application(app)
from searchapp.ui.mainwindow import MainWindow
window = MainWindow(Path(sys.argv[1]))
def shown():
    print(time.time(), flush=True)
    window.close()
    app.quit()
window.firstListShown.connect(shown)
window.show()
QTimer.singleShot(0, window.start)
app.exec()
"""


def _run(code_or_args: list[str], env: dict[str, str]) -> float:
    started = time.time()
    completed = subprocess.run(code_or_args, capture_output=True, text=True, env=env,
                               timeout=120)
    if completed.returncode != 0:
        raise RuntimeError(completed.stderr[-2000:])
    lines = [line for line in completed.stdout.splitlines() if line.strip()]
    return float(lines[-1]) - started if lines and "." in lines[-1] else time.time() - started


def _cli(data_dir: Path, env: dict[str, str]) -> float:
    started = time.time()
    subprocess.run([sys.executable, "-m", "searchapp", "--data-dir", str(data_dir), "search",
                    "Clooney", "--json"], check=True, capture_output=True, env=env, timeout=120)
    return time.time() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="an existing SearchApp data folder (default: a fresh one with "
                             "the bundled articles, indexed once before timing)")
    parser.add_argument("--markdown", type=Path, default=None)
    args = parser.parse_args()

    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    # An installed app starts from compiled bytecode (pip compiles it); so does this bench,
    # even where the environment asks Python not to write bytecode.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    compileall.compile_dir(str(Path(__file__).resolve().parent.parent / "searchapp"), quiet=1)
    with tempfile.TemporaryDirectory() as scratch:
        data_dir = args.data_dir or Path(scratch) / "data"
        settings_home = Path(scratch) / "config"
        env["XDG_CONFIG_HOME"] = str(settings_home)  # never touch the real settings
        subprocess.run([sys.executable, "-m", "searchapp", "--data-dir", str(data_dir),
                        "index"], check=True, capture_output=True, env=env)
        timings: dict[str, list[float]] = {"bare PySide6 window, empty list": [],
                                           "minimal search window, 5 text rows": [],
                                           "SearchApp window, first list": [],
                                           "SearchApp CLI, first answer": []}
        for _ in range(args.runs):
            timings["bare PySide6 window, empty list"].append(
                _run([sys.executable, "-c", BARE], env))
            timings["minimal search window, 5 text rows"].append(
                _run([sys.executable, "-c", MINIMAL], env))
            timings["SearchApp window, first list"].append(
                _run([sys.executable, "-c", SEARCHAPP, str(data_dir)], env))
            timings["SearchApp CLI, first answer"].append(_cli(data_dir, env))
    floor = statistics.median(timings["bare PySide6 window, empty list"])
    rows = []
    for name, values in timings.items():
        median = statistics.median(values)
        rows.append((name, median, min(values), max(values), median / floor))
    platform = env["QT_QPA_PLATFORM"]
    header = (f"Start-up, {args.runs} alternating runs each, Qt platform `{platform}`, "
              f"index of {'the given data folder' if args.data_dir else 'the bundled articles'}")
    lines = [header, "", "| program | median s | min s | max s | × bare window |",
             "|---|---|---|---|---|"]
    lines += [f"| {n} | {m:.3f} | {lo:.3f} | {hi:.3f} | {r:.2f} |" for n, m, lo, hi, r in rows]
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")
    print(json.dumps({name: values for name, values in timings.items()}), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
