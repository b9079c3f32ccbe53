"""Odd and hostile documents: each is indexed sensibly or skipped with a reason, in bounded
time and memory, and match spans land exactly on the matched words."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from searchapp.core.documents import MAX_FILE_BYTES
from searchapp.core.index import Collection, Library
from searchapp.core.search import search, show

REPO = Path(__file__).resolve().parents[2]
TIME_BOUND = 5.0  # seconds: a hang detector, not a speed claim


def _library(tmp_path: Path, files: dict[str, bytes | str]) -> tuple[Library, object]:
    folder = tmp_path / "docs"
    folder.mkdir(exist_ok=True)
    for name, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / name).write_bytes(data)
    library = Library(tmp_path / "data", collections=[Collection("docs", folder)])
    started = time.perf_counter()
    report = library.ensure_ready()
    assert time.perf_counter() - started < 30, "indexing a handful of files must not hang"
    return library, report


def _check_spans(library: Library, name: str, query: str, expected: set[str]) -> None:
    """Spans from show() and from search() snippets cover exactly the expected words."""
    started = time.perf_counter()
    view = show(library, name, query)
    words = {view.body[s:e] for s, e in view.body_matches}
    words |= {view.title[s:e] for s, e in view.title_matches}
    assert words and words <= expected, (words, expected)
    hits = [h for h in search(library, query, limit=50).hits if Path(h.path).name == name]
    assert hits, f"{query!r} did not find {name}"
    for hit in hits:
        assert {hit.snippet[s:e] for s, e in hit.matches} <= expected
    assert time.perf_counter() - started < TIME_BOUND


HTML = ('<script>alert("owned")</script>\n\n<img src="http://evil.example/x.png" '
        'onerror="steal()"> Click <a href="javascript:alert(1)">here</a> &amp; marker '
        '<b>bold</b> <!-- comment --> </div>')


def test_markup_comes_back_literally(tmp_path):
    library, _ = _library(tmp_path, {"markup.txt": HTML})
    view = show(library, "markup.txt", "marker")
    assert view.title == '<script>alert("owned")</script>'
    assert '<img src="http://evil.example/x.png" onerror="steal()">' in view.body
    assert 'href="javascript:alert(1)"' in view.body and "&amp;" in view.body
    hit = search(library, "marker").hits[0]
    assert "javascript:alert(1)" in hit.snippet and "<img src=" in hit.snippet
    assert [hit.snippet[s:e] for s, e in hit.matches] == ["marker"]
    for query in ("script", "javascript", "evil"):
        assert search(library, query).total == 1
        _check_spans(library, "markup.txt", query, {query})


def test_encodings_and_bytes(tmp_path):
    text = "Encodings\n\ncafé naïve über façade smørrebrød marker"
    files = {
        "invalid-utf8.txt": b"Broken\n\nvalid start \xff\xfe\xc3\x28 marker \x80 end",
        "utf16-bom.txt": "\ufeff".encode("utf-16-le") + text.encode("utf-16-le"),
        "utf16be-bom.txt": "\ufeff".encode("utf-16-be") + text.encode("utf-16-be"),
        "utf16-nobom.txt": text.encode("utf-16-le"),
        "nul-late.txt": b"Nul\n\n" + b"word " * 3000 + b"\x00 marker after a nul",
        "nul-early.txt": b"Nul early\n\nmarker \x00\x00\x00 rest",
        "binary.txt": bytes(range(256)) * 64,
        "png.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200),
        "empty.txt": b"",
        "only-newlines.txt": b"\n\n\r\n\r\n",
        "utf8-bom.txt": b"\xef\xbb\xbfBOM title\n\nmarker",
    }
    library, report = _library(tmp_path, files)
    failed = dict((Path(p).name, reason) for p, reason in report.failed)
    for name in ("binary.txt", "png.txt"):
        assert "binary" in failed[name]
    indexed = {Path(h.path).name for h in search(library, "", limit=100).hits}
    assert set(files) == indexed | set(failed), "every file is indexed or has a reason"
    assert all(reason for reason in failed.values())
    for name in ("utf16-bom.txt", "utf16be-bom.txt"):
        assert show(library, name).body == "café naïve über façade smørrebrød marker"
        _check_spans(library, name, "façade", {"façade"})
    if "utf16-nobom.txt" in indexed:
        assert show(library, "utf16-nobom.txt").title == "Encodings"
    assert "marker" in show(library, "invalid-utf8.txt").body
    _check_spans(library, "invalid-utf8.txt", "marker", {"marker"})
    assert show(library, "utf8-bom.txt").title == "BOM title"
    assert show(library, "empty.txt").body == ""
    for hit in search(library, "marker", limit=50).hits:
        assert hit.matches and all(hit.snippet[s:e] == "marker" for s, e in hit.matches)


def test_file_over_the_size_limit_is_skipped_quickly(tmp_path):
    big = tmp_path / "docs" / "huge.txt"
    big.parent.mkdir()
    with open(big, "wb") as handle:  # 50 MB, sparse: no time is spent writing it
        handle.truncate(50 * 1024 * 1024)
    assert big.stat().st_size > MAX_FILE_BYTES
    (tmp_path / "docs" / "small.txt").write_text("Small\n\nfine")
    tracemalloc.start()
    started = time.perf_counter()
    library, report = _library(tmp_path, {})
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert "too large" in dict(report.failed)[str(big)]
    assert peak < 20 * 1024 * 1024, "the big file was read into memory"
    assert elapsed < TIME_BOUND
    assert library.document_count() == 1


def test_a_large_text_file_under_the_limit_is_indexed_in_bounded_memory(tmp_path):
    words = [f"w{i:05d}" for i in range(20000)]
    text = "Large\n\n" + "\n".join(" ".join(words[j:j + 10]) for j in range(0, 20000, 10)) * 5
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    library, report = _library(tmp_path, {"large.txt": text})  # about 0.9 MB
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert not report.failed and grown_mb < 400
    _check_spans(library, "large.txt", "w19999", {"w19999"})


def test_one_line_of_100000_characters(tmp_path):
    line = " ".join(f"tok{i}" for i in range(20000))[:100_000]
    no_spaces = "x" * 99_990 + " needle"
    library, report = _library(tmp_path, {"line.txt": f"Line\n\n{line}",
                                          "nospace.txt": f"Nospace\n\n{no_spaces}"})
    assert not report.failed
    assert len(line) == 100_000 and " tok10000 " in line
    _check_spans(library, "line.txt", "tok10000", {"tok10000"})
    _check_spans(library, "nospace.txt", "needle", {"needle"})


def test_many_matches_on_one_line_snippet_in_bounded_time(tmp_path):
    library, _ = _library(tmp_path, {"ab.txt": "AB\n\n" + "a b " * 25_000})  # 100,000 chars
    # 25,000 matches in one document: searching it must not hang. It runs in a child that
    # is killed at the time bound, so a hang costs this test no more than that.
    code = ("import sys; from searchapp.core.index import Library, Collection; "
            "from searchapp.core.search import search; "
            "lib = Library(sys.argv[1], [Collection('docs', sys.argv[2])]); "
            "search(lib, 'b'); print('answered')")
    child = subprocess.Popen([sys.executable, "-c", code, str(library.data_dir),
                              str(tmp_path / "docs")], cwd=REPO, stdout=subprocess.PIPE,
                             env=dict(os.environ, PYTHONPATH=str(REPO)), text=True)
    try:
        out, _ = child.communicate(timeout=TIME_BOUND + 2)  # + the child's start-up
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        pytest.fail(f"searching a document with 25,000 matches took over {TIME_BOUND} s")
    assert out.strip() == "answered"


def test_a_match_longer_than_the_snippet(tmp_path):
    token = "y" * 300
    library, _ = _library(tmp_path, {"long.txt": f"Long\n\nbefore {token} after"})
    hit = search(library, "y*").hits[0]
    assert token not in hit.snippet or hit.matches


def test_a_phrase_longer_than_the_snippet(tmp_path):
    words = [f"w{i}" for i in range(100)]
    library, _ = _library(tmp_path, {"p.txt": "P\n\n" + " ".join(words)})
    query = '"' + " ".join(words[:90]) + '"'
    assert show(library, "p.txt", query).body_matches
    assert search(library, query).total == 1


def test_right_to_left_emoji_and_combining_accents(tmp_path):
    body = ("שלום עולם marker مرحبا بالعالم\n"
            "emoji 😀👍🏽 family 👨‍👩‍👧 marker flag 🇫🇷 after\n"
            "combining cafe\u0301 re\u0301sume\u0301 e\u0301le\u0300ve marker\n"
            "precomposed café résumé\n"
            "astral 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 marker 𐍈 end\n")
    library, report = _library(tmp_path, {"uni.txt": "Ünïcödé 😀 title\n\n" + body})
    assert not report.failed
    view = show(library, "uni.txt")
    assert view.body == body.rstrip("\n") or view.body == body.strip("\n")
    _check_spans(library, "uni.txt", "שלום", {"שלום"})
    _check_spans(library, "uni.txt", "بالعالم", {"بالعالم"})
    _check_spans(library, "uni.txt", "cafe", {"cafe\u0301", "café"})
    _check_spans(library, "uni.txt", "résumé", {"re\u0301sume\u0301", "résumé"})
    _check_spans(library, "uni.txt", "élève", {"e\u0301le\u0300ve"})
    _check_spans(library, "uni.txt", "after", {"after"})  # after emoji with modifiers
    _check_spans(library, "uni.txt", "end", {"end"})  # after astral-plane characters
    _check_spans(library, "uni.txt", "unicode", {"Ünïcödé"})
    view = show(library, "uni.txt", "marker")
    assert [view.body[s:e] for s, e in view.body_matches] == ["marker"] * 4
