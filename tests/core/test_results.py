"""The first-list snapshot: saved from a real listing, loaded back equal, ignored if stale."""

import subprocess
import sys

from searchapp.core.results import SNAPSHOT_FILE, load_snapshot, save_snapshot
from searchapp.core.search import search


def test_snapshot_round_trip(seeds_library, tmp_path):
    listing = search(seeds_library, "")
    save_snapshot(tmp_path, listing, key="newest")
    loaded = load_snapshot(tmp_path, key="newest")
    assert loaded is not None and loaded.total == listing.total and loaded.mode == "list"
    assert loaded.hits == listing.hits


def test_snapshot_for_another_view_or_damaged_is_ignored(seeds_library, tmp_path):
    save_snapshot(tmp_path, search(seeds_library, ""), key="newest")
    assert load_snapshot(tmp_path, key="oldest") is None
    (tmp_path / SNAPSHOT_FILE).write_text("{not json", encoding="utf-8")
    assert load_snapshot(tmp_path, key="newest") is None
    assert load_snapshot(tmp_path / "missing", key="newest") is None


def test_results_module_does_not_load_whoosh():
    code = "import sys, searchapp.core.results; sys.exit('whoosh' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
