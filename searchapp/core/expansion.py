"""Prefix, wildcard and fuzzy words, replaced by the indexed words they stand for.

People type the start of a word as they write it ("immigra*") and misspell words as they are
written ("buisness~2"). The title and body hold stems ("immigration" is indexed as
"immigr"), so matching the typed text against stems missed most documents: ``immigra*``
found 35 of the 2,323 articles that say "immigration" in the 100,000-document benchmark.
These words are therefore matched against the words as written (the ``spell`` field), and
each word found is then searched the way a typed word is, by its stem.

Each index segment's written words are read once into a sorted list and kept while the
segment lives (segments never change), so a prefix is two binary searches and a fuzzy word
one pass of rapidfuzz's edit distance over the words that share its first letter.
"""

from __future__ import annotations

import bisect
import functools
import re
import threading
from collections import OrderedDict

from whoosh import query as wq
from whoosh.lang.porter import stem
from whoosh.searching import Searcher

# Fields indexed as stems of the words the spelling field keeps as written.
STEMMED_FIELDS = ("title", "body")
SPELLING_FIELD = "spell"
# A prefix, wildcard or fuzzy word stands for at most this many indexed words (the most
# frequent ones), so that "a*" on a large collection answers in bounded time.
MAX_EXPANSION = 64
# How many matching words a prefix or wildcard may collect before the most frequent ones
# are chosen.
MAX_EXPANSION_SCAN = 20_000
# Fuzzy words allow at most this many edits, and their first letter must be right.
MAX_EDITS = 2
# Written-word lists kept, one per index segment (a large collection has one big segment
# and a few small ones from recent changes).
_KEPT_SEGMENTS = 32

_LAST = "\U0010ffff"
# What people type as written words (ranges are matched against the index as it is).
_WRITTEN_KINDS = (wq.Prefix, wq.Wildcard, wq.FuzzyTerm)

_segment_words: OrderedDict[str, list[str]] = OrderedDict()
_segment_words_lock = threading.Lock()


def _words_of(reader) -> list[str]:
    """The sorted written words of one segment."""
    key = None
    segment = getattr(reader, "segment", None)
    if callable(segment):
        key = segment().segment_id()
        with _segment_words_lock:
            words = _segment_words.get(key)
            if words is not None:
                _segment_words.move_to_end(key)
                return words
    # The lexicon comes sorted by UTF-8 bytes, which is the order of code points.
    words = [w.decode("utf-8") for w in reader.lexicon(SPELLING_FIELD)]
    if key is not None:
        with _segment_words_lock:
            _segment_words[key] = words
            while len(_segment_words) > _KEPT_SEGMENTS:
                _segment_words.popitem(last=False)
    return words


def _between(words: list[str], prefix: str) -> tuple[int, int]:
    if not prefix:
        return 0, len(words)
    return bisect.bisect_left(words, prefix), bisect.bisect_left(words, prefix + _LAST)


def _written_matches(words: list[str], node: wq.Query) -> list[str]:
    """The words of one segment that the prefix, wildcard or fuzzy node stands for."""
    if isinstance(node, wq.FuzzyTerm):
        from rapidfuzz import process  # loaded with the first fuzzy word
        from rapidfuzz.distance import Levenshtein

        start, end = _between(words, node.text[:node.prefixlength])
        found = process.extract(node.text, words[start:end], scorer=Levenshtein.distance,
                                score_cutoff=node.maxdist, limit=None)
        return [word for word, _distance, _index in found]
    if isinstance(node, wq.Prefix):
        start, end = _between(words, node.text)
        return words[start:min(end, start + MAX_EXPANSION_SCAN)]
    # A wildcard: Whoosh's own pattern, over the words that share its literal start.
    pattern = re.compile(node._get_pattern())
    start, end = _between(words, node._find_prefix(node.text))
    matches = []
    for word in words[start:end]:
        if pattern.match(word):
            matches.append(word)
            if len(matches) >= MAX_EXPANSION_SCAN:
                break
    return matches


@functools.lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return stem(word)


def _stems_for(searcher: Searcher, node: wq.Query) -> set[str]:
    """The stems, as the title and body index them, of every written word the node matches
    in any segment."""
    stems: set[str] = set()
    if isinstance(node, wq.FuzzyTerm):
        # A fuzzy word finds at least what the word itself finds, written in any form:
        # "immigrations~" finds "immigrants" as "immigrations" does.
        stems.add(_stem(node.text))
    for subsearcher, _offset in searcher.leaf_searchers():
        for word in _written_matches(_words_of(subsearcher.reader()), node):
            stems.add(_stem(word))
    return stems


def expand(q: wq.Query, searcher: Searcher) -> tuple[wq.Query, list[str]]:
    """Replace prefix, wildcard and fuzzy words by the indexed words they stand for (at
    most MAX_EXPANSION, most frequent first), so both search time and highlighting stay
    bounded. Returns the query and notes for the person about any word that was cut."""
    notes: list[str] = []
    reader = searcher.reader()

    def rewrite(node: wq.Query) -> wq.Query:
        if isinstance(node, wq.FuzzyTerm):
            if not any(c.isalnum() for c in node.text):
                return wq.NullQuery
            # Bounded fuzziness: the first letter must match, and at most two edits.
            node = wq.FuzzyTerm(node.fieldname, node.text, boost=node.boost,
                                maxdist=min(node.maxdist, MAX_EDITS),
                                prefixlength=max(node.prefixlength, 1))
        if not isinstance(node, wq.MultiTerm) or isinstance(node, wq.Term):
            return node if node.is_leaf() else node.apply(rewrite)
        fieldname = node.field()
        if fieldname in STEMMED_FIELDS and isinstance(node, _WRITTEN_KINDS):
            words = [s for s in _stems_for(searcher, node)
                     if reader.doc_frequency(fieldname, s)]
        else:  # ranges, and paths, collections, kinds: matched as indexed
            words = []
            for i, word in enumerate(node._btexts(reader)):
                if i >= MAX_EXPANSION_SCAN:
                    break
                words.append(word)
        if len(words) > MAX_EXPANSION:
            words.sort(key=lambda w: (-reader.doc_frequency(fieldname, w), w))
            words = words[:MAX_EXPANSION]
            label = getattr(node, "text", "")
            note = f"“{label}…” matches many words; searching the {MAX_EXPANSION} most common."
            if note not in notes:
                notes.append(note)
        else:
            words.sort()  # the same query, whatever order the segments gave the words in
        terms = [wq.Term(fieldname, w, boost=node.boost) for w in words]
        if not terms:
            return wq.NullQuery
        return wq.Or(terms) if len(terms) > 1 else terms[0]

    return rewrite(q), notes
