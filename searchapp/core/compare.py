"""Two accounts side by side: the passages they share (exactly or nearly), in order, the
passages only one has, and the quotations they print differently."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass

from searchapp.core.quotes import _load, align, is_match, quote_words

# Two sentences are the same passage when this share of the shorter one's words match in
# order (difflib), and at least NEAR_WORDS of them: "Baldwin said." is no shared passage.
NEAR_SHARE = 0.6
NEAR_WORDS = 4

# A sentence ends after . ! ? or … (and any closing quotation marks), or at a line break.
_SENTENCE_END = re.compile(r"(?<=[.!?\u2026])[\"'\u201d\u2019)\]]*\s+|\n+")


@dataclass(frozen=True)
class Passage:
    """A sentence of one account, with its span in that account's body."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class SharedPassage:
    """A passage both accounts print, exactly or nearly."""

    a: Passage
    b: Passage
    similarity: float  # 1.0 for the same words; less for near ones
    in_order: bool  # False when the accounts tell it at different points


@dataclass(frozen=True)
class AlignedSegment:
    """One step of the side-by-side view: shared, or only in one account."""

    kind: str  # "shared", "only_a" or "only_b"
    a: Passage | None
    b: Passage | None
    similarity: float = 0.0


@dataclass(frozen=True)
class QuoteVariant:
    start: int  # span in the account's body
    end: int
    text: str


@dataclass(frozen=True)
class QuoteDifference:
    """The same quotation, worded differently by the two accounts."""

    a: QuoteVariant
    b: QuoteVariant


@dataclass(frozen=True)
class AccountInfo:
    path: str
    title: str
    date: dt.date | None
    collection: str


@dataclass(frozen=True)
class Comparison:
    a: AccountInfo
    b: AccountInfo
    shared: tuple[SharedPassage, ...]  # in the order of account a
    only_a: tuple[Passage, ...]
    only_b: tuple[Passage, ...]
    segments: tuple[AlignedSegment, ...]  # both accounts walked in order, side by side
    quote_differences: tuple[QuoteDifference, ...]
    same_quotes: int  # quotations both print in the same words


def sentences(body: str) -> list[Passage]:
    """The sentences of a body with their spans (paragraph breaks always end one)."""
    passages = []
    start = 0
    for gap in [*_SENTENCE_END.finditer(body), None]:
        # Closing marks after the full stop belong to the sentence.
        end = gap.start() + len(gap.group().rstrip()) if gap else len(body)
        text = body[start:end]
        stripped = text.strip()
        if stripped:
            offset = start + len(text) - len(text.lstrip())
            passages.append(Passage(offset, offset + len(stripped), stripped))
        start = gap.end() if gap else len(body)
    return passages


def compare(library, path_a: str, path_b: str) -> Comparison:
    """Compare two indexed documents sentence by sentence, and their quotations."""
    from searchapp.core.errors import DocumentNotFoundError
    from searchapp.core.search import resolve_path

    ids = [resolve_path(library, path_a), resolve_path(library, path_b)]
    with library.searcher() as searcher:
        docnums = []
        for doc_id in ids:
            docnum = searcher.document_number(path=doc_id)
            if docnum is None:
                raise DocumentNotFoundError(f"“{doc_id}” is not in the index.")
            docnums.append(docnum)
        fields = [searcher.stored_fields(d) for d in docnums]
        loaded = [_load(searcher, [d]) for d in docnums]
    infos = []
    for stored in fields:
        value = stored.get("date")
        infos.append(AccountInfo(stored["path"], stored.get("title", ""),
                                 value.date() if isinstance(value, dt.datetime) else None,
                                 stored.get("collection", "")))
    bodies = [stored.get("body", "") for stored in fields]
    passages_a, passages_b = sentences(bodies[0]), sentences(bodies[1])
    words_a = [[w.text for w in quote_words(p.text)] for p in passages_a]
    words_b = [[w.text for w in quote_words(p.text)] for p in passages_b]
    pairs = _pair_sentences(words_a, words_b)
    # Walk both accounts in order: paired sentences share a key, the others are unique,
    # and difflib keeps the longest run of pairs that both tell in the same order.
    keys_a = [f"p{i}" if i in pairs else f"a{i}" for i in range(len(passages_a))]
    partner = {j: i for i, (j, _s) in pairs.items()}
    keys_b = [f"p{partner[j]}" if j in partner else f"b{j}" for j in range(len(passages_b))]
    matcher = difflib.SequenceMatcher(None, keys_a, keys_b, autojunk=False)
    in_order: set[int] = set()
    segments: list[AlignedSegment] = []
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            for offset in range(a1 - a0):
                i, j = a0 + offset, b0 + offset
                in_order.add(i)
                segments.append(AlignedSegment("shared", passages_a[i], passages_b[j],
                                               pairs[i][1]))
            continue
        segments += [AlignedSegment("only_a", passages_a[i], None) for i in range(a0, a1)
                     if i not in pairs]
        segments += [AlignedSegment("only_b", None, passages_b[j]) for j in range(b0, b1)
                     if j not in partner]
    shared = tuple(SharedPassage(passages_a[i], passages_b[j], similarity, i in in_order)
                   for i, (j, similarity) in sorted(pairs.items()))
    only_a = tuple(p for i, p in enumerate(passages_a) if i not in pairs)
    only_b = tuple(p for j, p in enumerate(passages_b) if j not in partner)
    differences, same = _quote_differences(loaded[0], loaded[1])
    return Comparison(infos[0], infos[1], shared, only_a, only_b, tuple(segments),
                      tuple(differences), same)


def _pair_sentences(words_a: list[list[str]],
                    words_b: list[list[str]]) -> dict[int, tuple[int, float]]:
    """Each sentence of a paired with its most similar sentence of b (one partner each)."""
    scored = []
    index: dict[str, set[int]] = {}
    for j, words in enumerate(words_b):
        for word in set(words):
            index.setdefault(word, set()).add(j)
    for i, words in enumerate(words_a):
        if not words:
            continue
        candidates: set[int] = set()
        for word in set(words):
            candidates |= index.get(word, set())
        for j in candidates:
            other = words_b[j]
            alignment = align(words, other)
            if alignment is None:
                continue
            shorter = min(len(words), len(other))
            if alignment.matched >= NEAR_SHARE * shorter and alignment.matched >= NEAR_WORDS:
                similarity = 2 * alignment.matched / (len(words) + len(other))
                scored.append((alignment.matched / shorter, similarity, i, j))
    pairs: dict[int, tuple[int, float]] = {}
    taken: set[int] = set()
    for _share, similarity, i, j in sorted(scored, reverse=True):
        if i not in pairs and j not in taken:
            pairs[i] = (j, round(similarity, 4))
            taken.add(j)
    return pairs


def _quote_differences(loaded_a, loaded_b) -> tuple[list[QuoteDifference], int]:
    docs_a, quotes_a = loaded_a
    docs_b, quotes_b = loaded_b
    differences = []
    same = 0
    for quote in quotes_a:
        for other in quotes_b:
            alignment = align(quote.keys, other.keys)
            if not alignment or not is_match(alignment, len(quote.keys), len(other.keys)):
                continue
            part_a = quote.keys[alignment.a_first:alignment.a_last + 1]
            part_b = other.keys[alignment.b_first:alignment.b_last + 1]
            if part_a == part_b:
                same += 1
                continue
            a = _variant(docs_a[quote.doc].body, quote.words[alignment.a_first].start,
                         quote.words[alignment.a_last].end)
            b = _variant(docs_b[other.doc].body, other.words[alignment.b_first].start,
                         other.words[alignment.b_last].end)
            differences.append(QuoteDifference(a, b))
    return differences, same


def _variant(body: str, start: int, end: int) -> QuoteVariant:
    return QuoteVariant(start, end, body[start:end])
