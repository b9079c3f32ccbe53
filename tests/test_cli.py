"""The command line, run as a person or a script would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cli-data")


def run(*args: str, data_dir: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SEARCHAPP_DATA_DIR"}
    command = [sys.executable, "-m", "searchapp", *args]
    if data_dir is not None:
        command[3:3] = ["--data-dir", str(data_dir)]
    return subprocess.run(command, capture_output=True, text=True, env=env,
                          stdin=subprocess.DEVNULL, timeout=120)


def test_search_json_contract(data_dir):
    completed = run("search", '"kiss the ring"', "--json", data_dir=data_dir)
    assert completed.returncode == 0, completed.stderr
    payload = json.loads(completed.stdout)
    assert set(payload) >= {"query", "total", "suggestion", "results"}
    assert payload["query"] == '"kiss the ring"' and payload["total"] == 2
    assert payload["suggestion"] is None
    names = sorted(Path(r["path"]).name for r in payload["results"])
    assert names == ["000_2a6baaa5875578d0.txt", "001_903a7f7205f0a688.txt"]
    for result in payload["results"]:
        assert set(result) == {"path", "title", "date", "score", "snippet", "matches"}
        assert result["date"] == "2025-02-25"
        assert isinstance(result["score"], float)
        assert [result["snippet"][s:e] for s, e in result["matches"]] == ["kiss the ring"]


def test_search_json_undated_and_suggestion(data_dir):
    payload = json.loads(run("search", "Hutchens", "--json", data_dir=data_dir).stdout)
    assert payload["total"] == 0 and payload["suggestion"] == "hutchins"
    payload = json.loads(run("search", "Clooney", "--json", data_dir=data_dir).stdout)
    assert payload["results"][0]["date"] is None


def test_search_readable_output_and_options(data_dir):
    completed = run("search", "Baldwin", "--limit", "2", "--sort", "oldest", data_dir=data_dir)
    assert completed.returncode == 0
    assert completed.stdout.startswith("5 results for “Baldwin”")
    assert "\x1b[" not in completed.stdout  # no terminal emphasis when piped
    assert completed.stdout.count("\n 1. ") == 1 and "\n 3. " not in completed.stdout
    assert "2021-12-02" in completed.stdout


def test_show_json_offsets(data_dir):
    completed = run("show", "003_09ada0fa5a3b2448.txt", "--query", "Clooney", "--json",
                    data_dir=data_dir)
    payload = json.loads(completed.stdout)
    assert set(payload) == {"path", "title", "date", "body", "title_matches", "body_matches"}
    assert payload["date"] is None and payload["title_matches"] == []
    words = [payload["body"][s:e] for s, e in payload["body_matches"]]
    assert words == ["Clooney", "Clooney", "Clooney\u2019s"]


def test_no_match_exits_zero(data_dir):
    completed = run("search", "zebra", data_dir=data_dir)
    assert completed.returncode == 0 and completed.stdout.startswith("0 results")


@pytest.mark.parametrize("query", ['"unclosed', "date:[2022 to 2021]", "title:"])
def test_query_error_exit_2_with_message(data_dir, query):
    completed = run("search", query, data_dir=data_dir)
    assert completed.returncode == 2
    assert completed.stderr.startswith("searchapp: ") and "Traceback" not in completed.stderr


def test_usage_error_exit_2(data_dir):
    assert run("search", "x", "--limit", "0", data_dir=data_dir).returncode == 2
    assert run("frobnicate", data_dir=data_dir).returncode == 2


def test_unknown_document(data_dir):
    completed = run("show", "missing.txt", data_dir=data_dir)
    assert completed.returncode == 1 and "not in the index" in completed.stderr


def test_index_and_rebuild_summaries(tmp_path):
    completed = run("index", data_dir=tmp_path)
    assert completed.returncode == 0 and "5 added" in completed.stderr
    completed = run("index", data_dir=tmp_path)
    assert "5 unchanged" in completed.stderr
    completed = run("index", "--rebuild", data_dir=tmp_path)
    assert "Rebuilt the index: 5 added" in completed.stderr


def test_data_dir_from_environment(tmp_path):
    env = dict(os.environ, SEARCHAPP_DATA_DIR=str(tmp_path))
    completed = subprocess.run([sys.executable, "-m", "searchapp", "search", "Clooney"],
                               capture_output=True, text=True, env=env, timeout=120)
    assert completed.returncode == 0 and (tmp_path / "index" / "CURRENT").exists()


def test_version_and_help():
    from searchapp import __version__

    assert run("--version").stdout.strip() == f"searchapp {__version__}"
    assert "search" in run("--help").stdout


def test_data_dir_that_cannot_be_created(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    completed = run("search", "Clooney", data_dir=blocker / "sub")
    assert completed.returncode == 1 and "Traceback" not in completed.stderr
    assert "Cannot create the index folder" in completed.stderr


def test_add_remove_folders_and_status(tmp_path):
    data = tmp_path / "data"
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "note.md").write_text("# Ranch visit\n\nNotes about the armorer.", encoding="utf-8")
    (folder / "junk.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 2)
    completed = run("add", str(folder), data_dir=data)
    assert completed.returncode == 0, completed.stderr
    assert "not indexed:" in completed.stderr and "junk.txt" in completed.stderr
    listing = run("folders", data_dir=data).stdout
    assert "bundled articles\t5 documents" in listing
    assert f"{folder}\t1 documents" in listing
    payload = json.loads(run("search", "armorer", "--json", data_dir=data).stdout)
    assert "note.md" in {Path(r["path"]).name for r in payload["results"]}
    status = run("status", data_dir=data).stdout
    assert "Documents: 6" in status and "junk.txt: looks like a binary file" in status

    run("folders", "--hide-bundled", data_dir=data)
    payload = json.loads(run("search", "armorer", "--json", data_dir=data).stdout)
    assert [Path(r["path"]).name for r in payload["results"]] == ["note.md"]
    run("folders", "--show-bundled", data_dir=data)

    completed = run("remove", str(folder), data_dir=data)
    assert completed.returncode == 0 and "1 removed" in completed.stderr
    payload = json.loads(run("search", "armorer", "--json", data_dir=data).stdout)
    assert "note.md" not in {Path(r["path"]).name for r in payload["results"]}


def test_add_something_that_is_not_a_folder(tmp_path):
    completed = run("add", str(tmp_path / "nope"), data_dir=tmp_path / "data")
    assert completed.returncode == 1 and "is not a folder" in completed.stderr


def test_index_named_files(tmp_path):
    data = tmp_path / "data"
    folder = tmp_path / "mine"
    folder.mkdir()
    note = folder / "note.md"
    note.write_text("# Ranch visit\n\nNotes about the armorer.", encoding="utf-8")
    assert run("add", str(folder), data_dir=data).returncode == 0
    note.write_text("# Ranch visit\n\nNotes about the blacksmith.", encoding="utf-8")
    (folder / "new.md").write_text("# Sighting\n\nA zeppelin overhead.", encoding="utf-8")
    (folder / "unnamed.md").write_text("# Other\n\nA gondola, not named.", encoding="utf-8")
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("Elsewhere\n\nnot in a folder", encoding="utf-8")

    completed = run("index", str(note), str(folder / "new.md"), str(outside), data_dir=data)
    assert completed.returncode == 0, completed.stderr
    assert "1 added, 1 updated, 0 removed" in completed.stderr
    assert f"not indexed: {outside}: not inside any indexed folder" in completed.stderr

    def found(word: str) -> list[str]:
        payload = json.loads(run("search", word, "--json", data_dir=data).stdout)
        return [Path(r["path"]).name for r in payload["results"]]

    assert found("zeppelin") == ["new.md"] and found("blacksmith") == ["note.md"]
    assert "note.md" not in found("armorer")  # the bundled articles mention one
    assert found("gondola") == []  # only the files named are looked at
    (folder / "new.md").unlink()
    completed = run("index", str(folder / "new.md"), data_dir=data)
    assert completed.returncode == 0 and "1 removed" in completed.stderr
    assert found("zeppelin") == []
    assert run("index", "--rebuild", str(note), data_dir=data).returncode == 2


def test_search_says_when_a_total_is_estimated(data_dir, monkeypatch, capsys):
    # In process, so that the phrase check can be told to sample (as it does on a large
    # collection) instead of checking every candidate.
    from searchapp import cli
    from searchapp.core import ranking
    from searchapp.core import search as search_module

    monkeypatch.setattr(search_module, "RANKING_MIN_DOCS", 0)  # five articles, ranked
    monkeypatch.setattr(ranking, "VERIFY_ALL", 0)
    monkeypatch.setattr(ranking, "VERIFY_ROUND", 0)
    monkeypatch.setattr(ranking, "SAMPLE", 1)
    search = ["--data-dir", str(data_dir), "search", '"kiss the ring"', "--limit", "1"]
    assert cli.main(search) == 0
    assert capsys.readouterr().out.startswith("about ")
    assert cli.main([*search, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total_estimated"] is True
    monkeypatch.setattr(ranking, "VERIFY_ALL", 300)
    assert cli.main(["--data-dir", str(data_dir), "search", '"kiss the ring"', "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["total_estimated"] is False and payload["total"] == 2
