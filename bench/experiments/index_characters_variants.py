"""Variants of schema.StemmingAnalyzer.index_characters, timed on the same bodies (every
fiftieth file of the 100k tier), each checked to give the same items.

    PYTHONPATH=. python bench/experiments/index_characters_variants.py

v0 is the one in use; v1 unpacks Match.span; v2 and v3 stem every word with one map and
group positions afterwards. The last lines time the regular expression alone and with the
stem cache.
"""
import sys, time
sys.path.insert(0, '.')
from pathlib import Path
from searchapp.core import schema as S
from searchapp.core.documents import read_document
from pickle import dumps
from whoosh.system import pack_uint
files = sorted(str(p) for p in Path('/tmp/corpus/100k').rglob('*') if p.is_file())[::50]
bodies = [read_document(Path(f)).body for f in files]
_WORDS = S._WORDS; _stemmed = S._stemmed

def v0(value, boost=1.0):
    return S.StemmingAnalyzer.index_characters(value, boost)

def v1(value, boost=1.0):
    seen = {}
    get = seen.get
    position = 0
    for match in _WORDS.finditer(value):
        word = _stemmed(match.group())
        spans = get(word)
        if spans is None:
            seen[word] = [position, *match.span()]
        else:
            spans += (position, *match.span())
        position += 1
    items = []
    for word, spans in seen.items():
        deltas = []
        last_position = last_end = 0
        flat = iter(spans)
        for position, start, end in zip(flat, flat, flat):
            deltas.append((position - last_position, start - last_end, end - start))
            last_position, last_end = position, end
        count = len(deltas)
        items.append((word.encode("utf-8"), count, count * boost, pack_uint(count) + dumps(deltas, 2)))
    return items

def v2(value, boost=1.0):
    # positions grouped by stem; spans from one list
    matches = list(_WORDS.finditer(value))
    stems = list(map(_stemmed, map(S.re.Match.group, matches)))
    seen = {}
    for position, stem in enumerate(stems):
        p = seen.get(stem)
        if p is None: seen[stem] = [position]
        else: p.append(position)
    spans = list(map(S.re.Match.span, matches))
    items = []
    for word, positions in seen.items():
        deltas = []
        last_position = last_end = 0
        for position in positions:
            start, end = spans[position]
            deltas.append((position - last_position, start - last_end, end - start))
            last_position, last_end = position, end
        count = len(deltas)
        items.append((word.encode("utf-8"), count, count * boost, pack_uint(count) + dumps(deltas, 2)))
    return items

def v3(value, boost=1.0):
    matches = list(_WORDS.finditer(value))
    stems = list(map(_stemmed, map(S.re.Match.group, matches)))
    seen = {}
    sd = seen.setdefault
    for position, stem in enumerate(stems):
        sd(stem, []).append(position)
    spans = list(map(S.re.Match.span, matches))
    items = []
    for word, positions in seen.items():
        if len(positions) == 1:
            position = positions[0]; start, end = spans[position]
            items.append((word.encode("utf-8"), 1, boost, b"\x00\x00\x00\x01" + dumps([(position, start, end - start)], 2)))
            continue
        deltas = []
        last_position = last_end = 0
        for position in positions:
            start, end = spans[position]
            deltas.append((position - last_position, start - last_end, end - start))
            last_position, last_end = position, end
        count = len(deltas)
        items.append((word.encode("utf-8"), count, count * boost, pack_uint(count) + dumps(deltas, 2)))
    return items

for f in (v0, v1, v2, v3, v0):
    # warm stem cache
    for b in bodies[:50]: f(b)
    t = time.process_time()
    out = [f(b) for b in bodies]
    print(f.__name__, round(time.process_time() - t, 3), out == [v0(b) for b in bodies])
print(pack_uint(1))
import re
t = time.process_time(); n = sum(1 for b in bodies for m in _WORDS.finditer(b)); print("finditer only", round(time.process_time()-t, 3), n)
t = time.process_time(); n = sum(len(_WORDS.findall(b)) for b in bodies); print("findall only", round(time.process_time()-t, 3))
t = time.process_time()
for b in bodies:
    for w in _WORDS.findall(b): _stemmed(w)
print("findall+stem", round(time.process_time()-t, 3))
simple = re.compile(r"\w+(?:['\u2019\u02bc]\w+)*")
t = time.process_time(); n2 = sum(len(simple.findall(b)) for b in bodies); print("simple findall", round(time.process_time()-t, 3), n2)
print(_stemmed.cache_info())
