"""The Whoosh schema and the text analysis shared by indexing and querying."""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Iterator
from pickle import dumps

from whoosh import fields, formats, scoring
from whoosh.analysis import (
    CompositeAnalyzer,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    Token,
)
from whoosh.lang.porter import stem
from whoosh.system import pack_uint

# Bump whenever the schema or the analysis changes: an index of another version is rebuilt.
SCHEMA_VERSION = 5  # 5: size, mtime, digest and dated kept as columns only

# The weight of a title match next to a body match. Tuned on SciFact's training queries
# (bench/RELEVANCE.md): 2.0 gave nDCG@10 0.6145, 1.0 0.6576, 0.35 0.6808 with the
# weighting below. A title is short, so each of its words already scores high in BM25;
# a heavier weight let titles that merely mention a word outrank articles about it.
TITLE_BOOST = 0.35


class LuceneBM25F(scoring.BM25F):
    """BM25 with Lucene's idf, log(1 + (N - n + 0.5) / (n + 0.5)), and k1 / b tuned on
    SciFact's training queries (Whoosh's own idf, log(N / (n + 1)) + 1, ranks a little
    worse: 0.6759 against 0.6808 at the same title weight)."""

    def __init__(self) -> None:
        super().__init__(B=0.6, K1=1.0)

    def idf(self, searcher, fieldname: str, text: str) -> float:
        n = searcher.doc_frequency(fieldname, text)
        total = searcher.doc_count_all()
        return math.log(1 + (total - n + 0.5) / (n + 0.5))


def weighting() -> scoring.WeightingModel:
    """The ranking every search uses."""
    return LuceneBM25F()

# A word is a run of letters or digits (with any combining accents that follow them),
# possibly joined by apostrophes: "didn’t", "Baldwin’s", "rock’n’roll". Hyphens and other
# punctuation separate words, so "hour-long" is indexed as "hour" "long" and found either way.
# (A letter or digit followed by letters, digits and marks: the same words as
# "(?:\w[marks]*)+", which took 0.52 s to split every fiftieth file of the 100,000-document
# benchmark where this takes 0.34 s: bench/experiments/batch_analysis.py pattern.)
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_WORD = rf"\w[\w{_MARKS}]*"
TOKEN_PATTERN = rf"{_WORD}(?:['\u2019\u02bc]{_WORD})*"

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'"})


class ApostropheFilter(Filter):
    """Typographic apostrophes equal ASCII ones; a possessive ’s does not hide its word."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            text = token.text
            if not text.isascii():
                text = text.translate(_APOSTROPHES)
            if text.endswith("'s"):
                text = text[:-2]
            token.text = text
            yield token


class FoldAccentsFilter(Filter):
    """Folds accents away (``café`` → ``cafe``), for precomposed and combining forms alike."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            text = token.text
            if not text.isascii():
                decomposed = unicodedata.normalize("NFKD", text)
                token.text = "".join(c for c in decomposed if not unicodedata.combining(c))
            yield token


def _fold(word: str) -> str:
    """One word as the chain above leaves it: lowercase, ASCII apostrophes, no possessive
    ’s, accents folded."""
    text = word.lower()
    if not text.isascii():
        text = text.translate(_APOSTROPHES)
        if text.endswith("'s"):
            text = text[:-2]
        if not text.isascii():
            decomposed = unicodedata.normalize("NFKD", text)
            text = "".join(c for c in decomposed if not unicodedata.combining(c))
        return text
    return text[:-2] if text.endswith("'s") else text


@functools.lru_cache(maxsize=200_000)
def _stemmed(word: str) -> str:
    return stem(_fold(word))


_WORDS = re.compile(TOKEN_PATTERN)


def _word_chain() -> tuple:
    """The tokenizer and filters that turn text into words as written."""
    return (RegexTokenizer(expression=TOKEN_PATTERN, gaps=False), LowercaseFilter(),
            ApostropheFilter(), FoldAccentsFilter())


class PlainAnalyzer(CompositeAnalyzer):
    """Words as written (case and accents folded)."""

    def __init__(self) -> None:
        super().__init__(*_word_chain())

    @staticmethod
    def index_words(value: str, boost: float) -> list[tuple]:
        """The postings of a field that only records which words occur (Whoosh's
        Existence format) with this analysis, in one pass instead of a token stream
        through four generators: the same items ``FieldType.index()`` gives."""
        return [(word.encode("utf-8"), 1, boost, b"")
                for word in set(map(_fold, _WORDS.findall(value)))]


class StemmingAnalyzer(CompositeAnalyzer):
    """Words reduced to their English stems, after accents are folded."""

    def __init__(self) -> None:
        super().__init__(*_word_chain(), StemFilter(stemfn=stem, cachesize=200_000))

    @staticmethod
    def index_characters(value: str, boost: float) -> list[tuple]:
        """The postings of a field that records each word's positions and characters
        (Whoosh's Characters format) with this analysis, byte for byte the items
        ``FieldType.index()`` gives. Half of building an index is analysing text; the
        token stream (a regex tokenizer and four filters, each a generator) took 2.6
        times as long as this one pass over the matches with one cache from the word as
        written to its stem."""
        seen: dict[str, list[int]] = {}
        get = seen.get
        position = 0
        for match in _WORDS.finditer(value):
            word = _stemmed(match.group())
            spans = get(word)
            if spans is None:
                seen[word] = [position, match.start(), match.end()]
            else:
                spans += (position, match.start(), match.end())
            position += 1
        items = []
        for word, spans in seen.items():
            # Characters.encode: (position, start, length) as deltas from the last
            # position and the last end.
            deltas = []
            last_position = last_end = 0
            flat = iter(spans)
            for position, start, end in zip(flat, flat, flat, strict=True):
                deltas.append((position - last_position, start - last_end, end - start))
                last_position, last_end = position, end
            count = len(deltas)
            items.append((word.encode("utf-8"), count, count * boost,
                          pack_uint(count) + dumps(deltas, 2)))
        return items


def plain_analyzer() -> PlainAnalyzer:
    """Words as written (case and accents folded): for spelling suggestions."""
    return PlainAnalyzer()


def stemming_analyzer() -> StemmingAnalyzer:
    """Words reduced to their English stems, after accents are folded. Stop words are kept
    so that phrases match exactly what was written; the query side drops them elsewhere."""
    return StemmingAnalyzer()


def _stems(words: str) -> frozenset[str]:
    return frozenset(stem(word) for word in words.split())


# English function words. They stay in the index for phrases; in a bag of words they only
# cost time and blur the ranking, so the query side leaves them out.
STOP_WORDS = frozenset(
    """a an and are as at be but by for if in into is it no not of on or such that the their
    then there these they this to was will with from have has had he she his her its we you i
    were been do does did so than too very can just about over which who whom what when where
    why how all any both each few more most other some our your my me him them""".split()
)
STOP_STEMS = _stems(" ".join(STOP_WORDS))


class _AnalysedInOnePass:
    def index(self, value, **kwargs):
        if type(value) is str and not kwargs:
            # The analysers above do a field's whole analysis in one pass, for the two
            # formats our fields use.
            analyzer, fmt = self.analyzer, self.format
            if type(fmt) is formats.Characters and isinstance(analyzer, StemmingAnalyzer):
                return iter(analyzer.index_characters(value, fmt.field_boost))
            if type(fmt) is formats.Existence and isinstance(analyzer, PlainAnalyzer):
                return iter(analyzer.index_words(value, fmt.field_boost))
        return super().index(value, **kwargs)


class _ColumnOnly:
    """A field read a document at a time (change detection compares files with it, results
    sort by it) and never searched, so it is kept as a column and adds no words to the
    index. Indexed, the modification times alone made 498,050 of the 877,000 words of the
    100,000-document benchmark index: a number is indexed as up to 16 words, one for each
    precision a range query may ask for."""

    indexed = False


class NumberColumn(_ColumnOnly, fields.NUMERIC):
    """An integer kept as a sortable column only."""


class TextColumn(_ColumnOnly, fields.ID):
    """A short text kept as a sortable column only."""


class TextField(_AnalysedInOnePass, fields.TEXT):
    """Whoosh's TEXT, its text analysed in one pass (StemmingAnalyzer.index_characters)."""


class WordsField(_AnalysedInOnePass, fields.FieldType):
    """A plain Whoosh field type, its text analysed in one pass (PlainAnalyzer.index_words)."""


ANALYSED_FIELDS = ("title", "body", "spell")


class InBatch:
    """A text field of a document whose postings travel with its batch (batch.BatchPostings):
    only the field's length is left with the document, for its stored lengths."""

    __slots__ = ("length",)

    def __init__(self, length: int) -> None:
        self.length = length


def build_schema() -> fields.Schema:
    """The fields of every indexed document."""
    stemmed = stemming_analyzer()
    return fields.Schema(
        path=fields.ID(unique=True, stored=True, sortable=True),
        # Character offsets are stored with positions, so highlighting reads match spans from
        # the index instead of analysing the text again.
        title=TextField(
            analyzer=stemmed, stored=True, chars=True, multitoken_query="phrase"
        ),
        body=TextField(
            analyzer=stemmed, stored=True, chars=True, multitoken_query="phrase"
        ),
        # Unstemmed words of title and body, so "did you mean" suggests words, not stems.
        spell=WordsField(formats.Existence(), analyzer=plain_analyzer(), scorable=False),
        date=fields.DATETIME(stored=True, sortable=True),
        # 1 for a document with a date, so results sorted by date put undated ones last.
        dated=NumberColumn(int, bits=8, sortable=True),
        collection=fields.ID(stored=True, sortable=True),
        kind=fields.ID(stored=True),
        # Where each page starts in the body (PDF), so a match can say its page.
        pages=fields.STORED(),
        # The (start, end) spans of the quotations in the body, found at indexing time
        # (searchapp.core.quotes), so quotations are tracked without re-reading texts.
        quotes=fields.STORED(),
        # What change detection compares with the file on disk.
        size=NumberColumn(int, bits=64, sortable=True),
        mtime=NumberColumn(int, bits=64, sortable=True),
        digest=TextColumn(sortable=True),
    )
