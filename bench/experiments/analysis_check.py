"""Every document of a corpus analysed both ways: the one-pass index analysis of
searchapp.core.schema against Whoosh's token stream (FieldType.index), field by field
(title, body, spell), with the CPU time of each.

    PYTHONPATH=. /work/venv/bin/python bench/experiments/analysis_check.py /tmp/corpus/100k
"""
import os
import sys
import time
from pathlib import Path

from whoosh.fields import FieldType

from searchapp.core.documents import read_document
from searchapp.core.index import _distinct_words
from searchapp.core.schema import build_schema

schema = build_schema()
root = Path(sys.argv[1])
t_stream = t_one = 0.0
n = bad = 0
for name in sorted(os.listdir(root)):
    try:
        d = read_document(root / name)
    except Exception:  # noqa: BLE001 - files the build would skip
        continue
    values = {"title": d.title, "body": d.body,
              "spell": _distinct_words(f"{d.title}\n{d.body}")}
    for field, text in values.items():
        f = schema[field]
        t = time.process_time()
        a = list(FieldType.index(f, text))
        t_stream += time.process_time() - t
        t = time.process_time()
        b = list(f.index(text))
        t_one += time.process_time() - t
        if a != b:
            bad += 1
            print("DIFF", name, field)
    n += 1
print(f"{n} documents, {bad} differing fields; token stream {t_stream:.1f} s, "
      f"one pass {t_one:.1f} s CPU")
