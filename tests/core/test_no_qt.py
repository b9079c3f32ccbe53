"""The engine and the command line never load Qt."""

import subprocess
import sys


def test_core_and_cli_do_not_import_pyside6():
    code = (
        "import sys, searchapp.core.search, searchapp.core.index, searchapp.cli; "
        "loaded = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))]; "
        "print(loaded); sys.exit(1 if loaded else 0)"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout + completed.stderr
