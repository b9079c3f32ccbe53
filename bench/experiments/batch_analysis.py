"""Figures behind the workers' batch analysis (searchapp/core/batch.py).

    PYTHONPATH=. python bench/experiments/batch_analysis.py pattern CORPUS_DIR
    PYTHONPATH=. python bench/experiments/batch_analysis.py words CORPUS_DIR
    PYTHONPATH=. python bench/experiments/batch_analysis.py peak CORPUS_DIR [FILES]

pattern: CPU s to split every fiftieth file's body with the word pattern as it was
  ("(?:\\w[marks]*)+") and as it is written now, and whether they split alike.
words:   bytes of memory per remembered word as written (tracemalloc), over every seventh
  file, and how many the whole corpus has (both dictionaries, as REMEMBERED_WORDS counts).
peak:    this process's peak resident memory while it reads and analyses the first FILES
  files (default 6,200) in batches as a worker does, printed as it rises.
"""
import os
import re
import resource
import sys
import time
import tracemalloc

from searchapp.core import batch, index, schema


def _files(corpus: str, every: int = 1) -> list[str]:
    return [os.path.join(corpus, name) for name in sorted(os.listdir(corpus))][::every]


def pattern(corpus: str) -> None:
    bodies = [index._read_for_index("c", path)[3]["body"] for path in _files(corpus, 50)]
    marks = schema._MARKS
    old_word = rf"(?:\w[{marks}]*)+"
    old = rf"{old_word}(?:['\u2019\u02bc]{old_word})*"
    splits = {}
    for name, expression in (("before", old), ("now", schema.TOKEN_PATTERN)):
        compiled = re.compile(f"({expression})")
        started = time.process_time()
        splits[name] = [compiled.split(body) for body in bodies]
        print(f"{name}: {time.process_time() - started:.2f} CPU s")
    print("same split:", splits["before"] == splits["now"])


def _remember(paths: list[str]) -> None:
    for path in paths:
        with open(path, encoding="utf-8", errors="replace") as handle:
            written = batch._SPLIT.split(handle.read())[1::2]
        list(map(batch._stems.__getitem__, written))
        list(map(batch._folds.__getitem__, written))


def words(corpus: str) -> None:
    tracemalloc.start()
    batch._stems, batch._folds = batch._Numbers(batch._stem), batch._Numbers(batch._fold)
    before = tracemalloc.get_traced_memory()[0]
    _remember(_files(corpus, 7))
    used = tracemalloc.get_traced_memory()[0] - before
    count = len(batch._stems) + len(batch._folds)
    tracemalloc.stop()
    print(f"every seventh file: {count} words, {used / count:.0f} bytes each")
    batch._stems, batch._folds = batch._Numbers(batch._stem), batch._Numbers(batch._fold)
    _remember(_files(corpus))
    print(f"the whole corpus: {len(batch._stems) + len(batch._folds)} words")


def peak(corpus: str, count: int) -> None:
    paths = _files(corpus)[:count]
    shown = 0
    for first in range(0, len(paths), index.PARALLEL_BATCH):
        files = paths[first:first + index.PARALLEL_BATCH]
        index._read_batch_for_index([("c", path) for path in files])
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        if rss > shown + 5:
            size = sum(os.path.getsize(path) for path in files) // 1024
            print(f"after file {first + len(files)}: {rss} MB (this batch {size} KB)")
            shown = rss


if __name__ == "__main__":
    command, corpus = sys.argv[1], sys.argv[2]
    if command == "pattern":
        pattern(corpus)
    elif command == "words":
        words(corpus)
    else:
        peak(corpus, int(sys.argv[3]) if len(sys.argv) > 3 else 6200)
