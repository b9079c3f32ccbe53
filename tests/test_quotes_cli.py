"""The ``searchapp quotes`` command, run as a person or a script would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SEARCHAPP_DATA_DIR"}
    command = [sys.executable, "-m", "searchapp", "--data-dir", str(data_dir), *args]
    return subprocess.run(command, capture_output=True, text=True, env=env,
                          stdin=subprocess.DEVNULL, timeout=120)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("quotes-cli-data")


OCCURRENCE_KEYS = {"path", "title", "date", "collection", "text", "start", "end",
                   "quote_start", "quote_end", "exact", "first"}


def test_listing_json_contract(data_dir):
    completed = run("quotes", "--json", data_dir=data_dir)
    assert completed.returncode == 0, completed.stderr
    payload = json.loads(completed.stdout)
    assert set(payload) == {"query", "total", "quotations"} and payload["query"] is None
    assert payload["total"] >= len(payload["quotations"]) > 0
    counts = [q["documents"] for q in payload["quotations"]]
    assert counts == sorted(counts, reverse=True) and min(counts) >= 2
    for quotation in payload["quotations"]:
        assert set(quotation) == {"text", "normalized", "documents", "first", "first_date",
                                  "first_note", "occurrences"}
        for occurrence in quotation["occurrences"]:
            assert set(occurrence) == OCCURRENCE_KEYS


def test_quote_text_query(data_dir):
    text = "I would never point a gun at anyone and pull the trigger at them, never"
    completed = run("quotes", text, "--json", data_dir=data_dir)
    assert completed.returncode == 0, completed.stderr
    first = json.loads(completed.stdout)["quotations"][0]
    names = sorted(Path(o["path"]).name[:3] for o in first["occurrences"])
    assert names == ["002", "003", "004"]
    assert first["first_date"] == "2021-12-02"
    assert [Path(p).name[:3] for p in first["first"]] == ["002"]
    show = json.loads(run("show", first["occurrences"][0]["path"], "--json",
                          data_dir=data_dir).stdout)
    occurrence = first["occurrences"][0]
    assert show["body"][occurrence["start"]:occurrence["end"]] == occurrence["text"]


def test_word_query_readable(data_dir):
    completed = run("quotes", "kiss the ring", data_dir=data_dir)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("1 quotation matching “kiss the ring”")
    assert "the same day" in completed.stdout and "000_2a6baaa5875578d0.txt" in completed.stdout


def test_limit_and_errors(data_dir):
    payload = json.loads(run("quotes", "--limit", "1", "--json", data_dir=data_dir).stdout)
    assert len(payload["quotations"]) == 1 and payload["total"] > 1
    completed = run("quotes", '"unclosed', data_dir=data_dir)
    assert completed.returncode == 2 and completed.stderr.startswith("searchapp: ")
    assert run("quotes", "--limit", "0", data_dir=data_dir).returncode == 2
    nothing = json.loads(run("quotes", "zebra", "--json", data_dir=data_dir).stdout)
    assert nothing["total"] == 0 and nothing["quotations"] == []
