"""The relevance-ranked first page of a search and its total, a whole postings list at a time.

Whoosh ranks one matching document at a time, through a tree of Python matcher objects:
on 100,000 articles a common word such as "people" (30,000 documents) took 112 ms before
any snippet was made, "mailing list" 344 ms. Here each word's postings are read into
arrays (straight from the segment's ``.arrays`` file for frequent words, see
core/postings.py; a block at a time from Whoosh's postings otherwise), scored with the
same BM25F formula in one vectorised step, and the query's AND / OR / NOT combine them as
whole arrays; the first page is the top of that.

Scores, order (higher score first, then lower document number, as Whoosh's collector) and
totals are Whoosh's own; ``tests/core/test_ranking.py`` compares the two on every kind of
query this module takes. What it does not take (ranges, dates, slop phrases, weighted
ORs) raises ``Unsupported`` and is left to Whoosh.

Phrases are the one part that cannot be done on arrays: whether two words stand next to
each other is in their positions. A phrase first stands for "all its words", which can
only over-count and over-score, so the ranking is an upper bound; the documents at the top
are checked, a few at a time, until the top is made only of checked documents. The total
then needs every candidate checked. When there are more than ``VERIFY_ALL`` candidates,
a sample of ``SAMPLE`` of them is checked instead and the total is an estimate, which the
person sees as "about 5,300 results". The sample is taken in runs of ``SAMPLE_RUN``
neighbouring candidates at evenly spread places: neighbours share Whoosh's postings
blocks, so checking ten of them costs little more than checking one.
"""

from __future__ import annotations

import weakref
from bisect import bisect_left

import numpy as np
from whoosh import columns
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from searchapp.core import postings
from searchapp.core.compat import phrase_matches
from searchapp.core.results import FirstPage

# Fields ranked here: the two scored text fields.
TEXT_FIELDS = ("title", "body")
# Up to this many phrase candidates are all checked, so the total is exact.
VERIFY_ALL = 300
# Otherwise this many estimate the share that holds the phrase, taken in runs of
# neighbours at evenly spread places. On the eight benchmark phrases at 100,000 articles,
# 200 in runs of 10 came within 6% of the exact totals in 16-35 ms for two words; 100 one
# at a time were within 16% and took 26-61 ms (bench/RESULTS.md).
SAMPLE = 200
SAMPLE_RUN = 10
# Documents checked per round while settling the top of the ranking.
VERIFY_ROUND = 16

_BYTE_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


class Unsupported(Exception):
    """The query has a part only Whoosh's own matchers handle."""


class _SearcherData:
    """What every query on one searcher shares: live documents, field lengths."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self.leaves = [(sub.reader(), offset) for sub, offset in searcher.leaf_searchers()]
        self.size = searcher.doc_count_all()
        live = np.ones(self.size, dtype=bool)
        for reader, offset in self.leaves:
            deleted = list(reader._perdoc.deleted_docs()) if reader.has_deletions() else []
            if deleted:
                live[np.asarray(deleted, dtype=np.int64) + offset] = False
        self.live = live
        self.arrays = [postings.arrays_of(reader) for reader, _offset in self.leaves]
        self._lengths: dict[str, np.ndarray] = {}

    def lengths(self, fieldname: str) -> np.ndarray:
        """Each document's length in the field, as Whoosh's scorer reads it (byte-coded)."""
        found = self._lengths.get(fieldname)
        if found is None:
            found = np.zeros(self.size, dtype=np.float64)
            for reader, offset in self.leaves:
                count = reader.doc_count_all()
                column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
                if column is None:
                    continue
                if type(column) is not columns.NumericColumn.Reader:
                    raise Unsupported(f"lengths kept as {type(column).__name__}")
                stored = min(column._count, count)
                raw = np.frombuffer(column._dbfile.get(column._basepos, stored),
                                    dtype=np.uint8)
                found[offset:offset + stored] = _BYTE_LENGTHS[raw]
            self._lengths[fieldname] = found
        return found

    def postings(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Document numbers (global, deleted ones included) and weights of one term."""
        field = self.searcher.schema[fieldname]
        try:
            btext = field.to_bytes(text)
        except ValueError:
            return _EMPTY_IDS, _EMPTY_WEIGHTS
        id_parts, weight_parts = [], []
        for (reader, offset), arrays in zip(self.leaves, self.arrays, strict=True):
            kept = arrays.get(fieldname, text) if arrays is not None else None
            if kept is not None:
                ids, weights = kept
            elif (fieldname, btext) in reader:
                matcher = postings.raw_matcher(reader, fieldname, btext)
                if type(matcher) is not W3LeafMatcher:
                    raise Unsupported(f"postings of type {type(matcher).__name__}")
                ids, weights = postings.read_blocks(matcher)
            else:
                continue
            id_parts.append(ids + offset if offset else ids)
            weight_parts.append(weights)
        if not id_parts:
            return _EMPTY_IDS, _EMPTY_WEIGHTS
        if len(id_parts) == 1:
            return id_parts[0], weight_parts[0]
        return np.concatenate(id_parts), np.concatenate(weight_parts)


_EMPTY_IDS = np.zeros(0, dtype=np.int64)
_EMPTY_WEIGHTS = np.zeros(0, dtype=np.float64)


# One searcher serves many searches while the index is unchanged (Library.searcher).
_shared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _data_for(searcher: Searcher) -> _SearcherData:
    data = _shared.get(searcher)
    if data is None:
        data = _shared[searcher] = _SearcherData(searcher)
    return data


class _Phrase:
    """One exact phrase of the query and what is known so far about where it holds."""

    def __init__(self, node: wq.Phrase, size: int) -> None:
        self.node = node
        self.checked = np.zeros(size, dtype=bool)
        self.holds = np.zeros(size, dtype=bool)
        self._candidates: np.ndarray | None = None

    def candidates(self, evaluation: _Evaluation) -> np.ndarray:
        """The documents that hold every word of the phrase."""
        if self._candidates is None:
            size = len(self.checked)
            found = np.ones(size, dtype=bool)
            for word in self.node.words:
                ids, _ = evaluation._term(self.node.fieldname, word)
                word_matches = np.zeros(size, dtype=bool)
                word_matches[ids] = True
                found &= word_matches
            self._candidates = found
        return self._candidates


class _Evaluation:
    """The query as arrays: for every document, does it match and with what score."""

    def __init__(self, data: _SearcherData, q: wq.Query) -> None:
        self.data = data
        self.searcher = data.searcher
        self.weighting = self.searcher.weighting
        self.phrases: dict[int, _Phrase] = {}
        self._terms: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        self.q = q
        self._check_shape(q, negated=False)

    # -- shape ---------------------------------------------------------------------------

    def _check_shape(self, node: wq.Query, negated: bool) -> None:
        kind = type(node)
        if kind is wq.Term:
            if node.fieldname not in TEXT_FIELDS:
                raise Unsupported(f"a word in the {node.fieldname} field")
        elif kind is wq.Phrase:
            if node.fieldname not in TEXT_FIELDS or node.slop != 1 or not node.words:
                raise Unsupported("a phrase with slop")
            if negated:
                raise Unsupported("a negated phrase")
            self.phrases[id(node)] = _Phrase(node, self.data.size)
        elif kind is wq.And or (kind is wq.Or and not node.scale and not node.minmatch):
            for child in node.subqueries:
                self._check_shape(child, negated)
        elif kind is wq.Not:
            self._check_shape(node.query, not negated)
        elif kind is wq.AndNot:
            self._check_shape(node.a, negated)
            self._check_shape(node.b, not negated)
        elif node is wq.NullQuery or kind is type(wq.NullQuery):
            pass
        else:
            raise Unsupported(kind.__name__)

    # -- scoring -------------------------------------------------------------------------

    def _term(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """A word's document numbers and BM25F scores (before any boost)."""
        key = (fieldname, text)
        found = self._terms.get(key)
        if found is None:
            ids, tf = self.data.postings(fieldname, text)
            if len(ids):
                tf = tf.astype(np.float64)  # as Whoosh reads them: float32 values, float64 sums
                searcher = self.searcher
                weighting = self.weighting
                idf = searcher.idf(fieldname, text)
                avgfl = searcher.avg_field_length(fieldname) or 1
                b = weighting._field_B.get(fieldname, weighting.B)
                k1 = weighting.K1
                fl = self.data.lengths(fieldname)[ids]
                # Whoosh's bm25(), operation for operation, so scores agree to the bit.
                scores = idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl / avgfl)))
            else:
                scores = _EMPTY_WEIGHTS
            found = self._terms[key] = (ids, scores)
        return found

    def evaluate(self, node: wq.Query | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(matches, scores) over every document; scores are 0 where nothing matches.
        An unchecked phrase counts as holding wherever all its words are."""
        node = self.q if node is None else node
        size = self.data.size
        kind = type(node)
        if kind is wq.Term:
            ids, scores = self._term(node.fieldname, node.text)
            matches = np.zeros(size, dtype=bool)
            matches[ids] = True
            dense = np.zeros(size, dtype=np.float64)
            dense[ids] = scores * node.boost if node.boost != 1.0 else scores
            return matches, dense
        if kind is wq.Phrase:
            phrase = self.phrases[id(node)]
            matches = phrase.candidates(self) & ~(phrase.checked & ~phrase.holds)
            dense = np.zeros(size, dtype=np.float64)
            for word in node.words:
                ids, scores = self._term(node.fieldname, word)
                dense[ids] += scores
            if node.boost != 1.0:
                dense *= node.boost
            dense[~matches] = 0.0
            return matches, dense
        if kind is wq.Or and all(type(child) is wq.Term for child in node.subqueries):
            # A word in title or body, or the words a prefix stands for: one pair of
            # arrays for all of them instead of one per word (the same sums, in the same
            # order, as the general case below).
            matches = np.zeros(size, dtype=bool)
            dense = np.zeros(size, dtype=np.float64)
            for child in node.subqueries:
                ids, scores = self._term(child.fieldname, child.text)
                matches[ids] = True
                dense[ids] += scores * child.boost if child.boost != 1.0 else scores
            if node.boost != 1.0:
                dense *= node.boost
            return matches, dense
        if kind is wq.And or kind is wq.Or:
            children = [self.evaluate(child) for child in node.subqueries]
            if not children:
                return np.zeros(size, dtype=bool), np.zeros(size, dtype=np.float64)
            matches = children[0][0].copy()
            for child_matches, _ in children[1:]:
                if kind is wq.And:
                    matches &= child_matches
                else:
                    matches |= child_matches
            dense = children[0][1].copy()
            for _, child_scores in children[1:]:
                dense += child_scores
            if node.boost != 1.0:
                dense *= node.boost
            if kind is wq.And:
                dense[~matches] = 0.0
            return matches, dense
        if kind is wq.Not:
            # Whoosh scores "not X" as a constant 1.0 where X does not match.
            inner, _ = self.evaluate(node.query)
            matches = ~inner & self.data.live
            return matches, matches.astype(np.float64)
        if kind is wq.AndNot:
            matches, dense = self.evaluate(node.a)
            excluded, _ = self.evaluate(node.b)
            matches = matches & ~excluded
            return matches, np.where(matches, dense, 0.0)
        # The null query.
        return np.zeros(size, dtype=bool), np.zeros(size, dtype=np.float64)

    def holding(self, docnums: np.ndarray) -> dict[tuple[str, str], frozenset[int]]:
        """For each word read, which of these documents hold it."""
        docnums = np.sort(docnums)
        found = {}
        for key, (ids, _scores) in self._terms.items():
            if not len(ids):
                found[key] = frozenset()
                continue
            at = np.minimum(np.searchsorted(ids, docnums), len(ids) - 1)
            found[key] = frozenset(docnums[ids[at] == docnums].tolist())
        for phrase in self.phrases.values():
            node = phrase.node
            held = (phrase.checked & phrase.holds)[docnums]
            found[(node.fieldname, tuple(node.words))] = frozenset(docnums[held].tolist())
        return found

    # -- phrases -------------------------------------------------------------------------

    def unchecked(self, docnums: np.ndarray) -> np.ndarray:
        """Of these documents, the ones with a phrase not yet checked where its words are."""
        pending = np.zeros(len(docnums), dtype=bool)
        for phrase in self.phrases.values():
            pending |= phrase.candidates(self)[docnums] & ~phrase.checked[docnums]
        return docnums[pending]

    def check(self, docnums: np.ndarray) -> None:
        """Read the positions of each phrase's words in these documents."""
        docnums = np.sort(docnums)
        for phrase in self.phrases.values():
            todo = docnums[phrase.candidates(self)[docnums] & ~phrase.checked[docnums]]
            if len(todo) == 0:
                continue
            phrase.holds[todo] = _phrase_holds(self.data, phrase.node, todo)
            phrase.checked[todo] = True


class _WordPositions:
    """Reads one word's positions in chosen documents of a segment, in ascending order."""

    def __init__(self, reader, fieldname: str, btext: bytes, arrays) -> None:
        self.matcher = postings.raw_matcher(reader, fieldname, btext)
        found = arrays.blocks(fieldname, btext.decode("utf-8")) if arrays else None
        self.maxids, self.offsets = found if found is not None else (None, None)
        self.block = -1

    def at(self, docnum: int, kind: str = "positions") -> list | None:
        """The word's positions in the document (or, with ``kind="characters"``, its
        (position, start, end) character spans), or None where it does not occur."""
        matcher = self.matcher
        if self.maxids is not None:
            # Straight to the block that would hold the document.
            block = int(np.searchsorted(self.maxids, docnum))
            if block == len(self.maxids):
                return None
            if block != self.block:
                matcher._goto(int(self.offsets[block]))
                matcher._atend = False
                self.block = block
            if matcher._ids is None:
                matcher._read_ids()
            index = bisect_left(matcher._ids, docnum)
            if index == len(matcher._ids) or matcher._ids[index] != docnum:
                return None
            matcher._i = index
        else:
            if not matcher.is_active():
                return None
            if matcher.id() < docnum:
                matcher.skip_to(docnum)
            if not matcher.is_active() or matcher.id() != docnum:
                return None
        return matcher.value_as(kind)


def _phrase_holds(data: _SearcherData, node: wq.Phrase, docnums: np.ndarray) -> np.ndarray:
    """For each document (ascending, each holding every word), whether the words stand
    next to each other in order somewhere."""
    field = data.searcher.schema[node.fieldname]
    result = np.zeros(len(docnums), dtype=bool)
    # The rarest word first: its few positions leave few places for the others to be.
    order = sorted(range(len(node.words)),
                   key=lambda i: data.searcher.doc_frequency(node.fieldname, node.words[i]))
    for (reader, offset), arrays in zip(data.leaves, data.arrays, strict=True):
        end = offset + reader.doc_count_all()
        inside = np.flatnonzero((docnums >= offset) & (docnums < end))
        if len(inside) == 0:
            continue
        words = {}
        for shift in order:
            btext = field.to_bytes(node.words[shift])
            if (node.fieldname, btext) not in reader:
                break
            words[shift] = _WordPositions(reader, node.fieldname, btext, arrays)
        else:
            for index in inside:
                local = int(docnums[index]) - offset
                starts = None
                for shift in order:
                    positions = words[shift].at(local)
                    if not positions:
                        starts = None
                        break
                    here = {p - shift for p in positions}
                    starts = here if starts is None else starts & here
                    if not starts:
                        break
                result[index] = bool(starts)
    return result


def phrase_spans(searcher: Searcher, node: wq.Phrase,
                 docnums: list[int]) -> dict[int, list[tuple[int, int]]]:
    """The character spans of an exact phrase in documents known to hold it, read straight
    from the blocks that hold each document (Whoosh's phrase matcher walks every block in
    between: 10 of the 44 ms of a two-word phrase at 100,000 articles). The spans are those
    of core/compat.py's phrase matcher: from the first word's start to the last word's end,
    wherever the words stand next to each other in order."""
    data = _data_for(searcher)
    field = searcher.schema[node.fieldname]
    last = len(node.words) - 1
    found: dict[int, list[tuple[int, int]]] = {}
    for (reader, offset), arrays in zip(data.leaves, data.arrays, strict=True):
        end = offset + reader.doc_count_all()
        inside = sorted(d for d in docnums if offset <= d < end)
        if not inside:
            continue
        words = []
        for word in node.words:
            btext = field.to_bytes(word)
            if (node.fieldname, btext) not in reader:
                break
            words.append(_WordPositions(reader, node.fieldname, btext, arrays))
        else:
            for docnum in inside:
                local = docnum - offset
                matches = phrase_matches(words[0].at(local, "characters") or [],
                                         [words[i].at(local) or [] for i in range(1, last)],
                                         words[last].at(local, "characters") or [])
                found[docnum] = [(startchar, endchar) for _, startchar, endchar in matches]
    return found


def _top(matches: np.ndarray, scores: np.ndarray, limit: int) -> np.ndarray:
    """The best ``limit`` documents: higher score first, then lower document number."""
    docnums = np.flatnonzero(matches)
    if len(docnums) > limit:
        candidate_scores = scores[docnums]
        kth = np.partition(candidate_scores, len(docnums) - limit)[len(docnums) - limit]
        docnums = docnums[candidate_scores >= kth]
    order = np.lexsort((docnums, -scores[docnums]))
    return docnums[order[:limit]]


def first_page(searcher: Searcher, q: wq.Query, limit: int,
               allow: wq.Query | None = None, exclude: wq.Query | None = None) -> FirstPage:
    """The top ``limit`` documents for ``q`` and how many match in all, restricted to the
    documents ``allow`` matches and without those ``exclude`` matches (Whoosh's ``filter``
    and ``mask``). Raises Unsupported for a query Whoosh must run itself."""
    data = _data_for(searcher)
    evaluation = _Evaluation(data, q)
    narrowing = data.live.copy()
    if allow is not None:
        allowed = np.zeros(data.size, dtype=bool)
        allowed[np.fromiter(searcher.docs_for_query(allow), dtype=np.int64)] = True
        narrowing &= allowed
    if exclude is not None:
        narrowing[np.fromiter(searcher.docs_for_query(exclude), dtype=np.int64)] = False

    while True:
        matches, scores = evaluation.evaluate()
        matches &= narrowing
        top = _top(matches, scores, limit)
        pending = evaluation.unchecked(top)
        if len(pending) == 0:
            break
        # Check the unchecked ones at the top and the next few below them.
        ahead = _top(matches, scores, limit + VERIFY_ROUND)
        evaluation.check(np.union1d(pending, evaluation.unchecked(ahead)))

    estimated = False
    if evaluation.phrases:
        unchecked = evaluation.unchecked(np.flatnonzero(matches))
        if 0 < len(unchecked) <= VERIFY_ALL:
            evaluation.check(unchecked)
        elif len(unchecked):
            run = max(1, min(SAMPLE_RUN, SAMPLE, len(unchecked)))
            spots = np.linspace(0, len(unchecked) - run, max(1, SAMPLE // run))
            picks = spots.astype(np.int64)[:, None] + np.arange(run)
            sample = np.unique(unchecked[picks.ravel()])
            evaluation.check(sample)
            matches, _ = evaluation.evaluate()
            matches &= narrowing
            still = evaluation.unchecked(np.flatnonzero(matches))
            sampled_hold = np.count_nonzero(matches[sample])
            share = sampled_hold / len(sample)
            certain = np.count_nonzero(matches) - len(still)
            total = certain + round(share * len(still))
            return FirstPage([int(d) for d in top], [float(scores[d]) for d in top],
                             int(total), estimated=True, holding=evaluation.holding(top))
        matches, _ = evaluation.evaluate()
        matches &= narrowing
    return FirstPage([int(d) for d in top], [float(scores[d]) for d in top],
                     int(np.count_nonzero(matches)), estimated, evaluation.holding(top))
