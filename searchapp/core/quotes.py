"""Quotations: found in a body at indexing time, matched across documents despite small
differences (typographic or straight marks, apostrophes, “[her]” for “her”, “…” for cut
words, a quotation cut short), and tracked to the documents that carry them.

The spans of a body's quotations are stored in the index (the ``quotes`` field), so
nothing here analyses a whole collection again; matching works on the words of the
quotations alone.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

Span = tuple[int, int]

# A quotation means something from this many words on; "kiss" or "not too hot" are not
# worth tracking across documents.
MIN_QUOTE_WORDS = 4
# Two quotations are the same when this share of the shorter one's words match, in order.
MATCH_SHARE = 0.7
# ... and at least this many words match (fewer when the shorter quotation is shorter).
MATCH_WORDS = 5
# Variants of one quotation are grouped when the matched words make up this share of
# *both* of them; a quotation inside a much longer one is linked, not merged with it.
MUTUAL_SHARE = 0.6
# A quotation longer than this (in characters) is a mis-paired mark, not a quotation.
MAX_QUOTE_CHARS = 3000

_OPENING = "\u201c\u201e"  # “ „
_CLOSING = "\u201d"  # ”
_STRAIGHT = '"'
_MARK = re.compile('["\u201c\u201d\u201e]')
_PARAGRAPH = re.compile(r"\n\s*\n")

# A word: letters or digits, possibly joined by apostrophes (“didn’t”, “’cause” loses its
# leading one). Brackets, ellipses, dashes and all other punctuation separate words.
_WORD = re.compile(r"\w+(?:['\u2019\u02bc]\w+)*")
_APOSTROPHES = re.compile("['\u2019\u02bc]")


# -- extraction (indexing time) -----------------------------------------------------------

def extract_quote_spans(body: str) -> list[Span]:
    """The spans of the quotations in a body: the text between double quotation marks,
    straight or typographic (marks excluded), of at least MIN_QUOTE_WORDS words.

    Accounts mix marks (“… good," opens typographically and closes straight), so an
    opening mark opens, a closing mark closes, and a straight mark does whichever is due.
    A quotation never runs across a blank line: an unclosed one ends with its paragraph.
    """
    spans: list[Span] = []
    for paragraph in _paragraphs(body):
        start, end = paragraph
        opened: int | None = None
        for mark in _MARK.finditer(body, start, end):
            char = mark.group()
            if char in _OPENING or (char == _STRAIGHT and opened is None):
                opened = mark.end()  # an opening mark while open restarts the quotation
            elif opened is not None:  # a closing mark, or a straight one that closes
                _keep(body, opened, mark.start(), spans)
                opened = None
    return spans


def _paragraphs(body: str) -> Iterable[Span]:
    start = 0
    for gap in _PARAGRAPH.finditer(body):
        yield start, gap.start()
        start = gap.end()
    yield start, len(body)


def _keep(body: str, start: int, end: int, spans: list[Span]) -> None:
    text = body[start:end]
    stripped = text.strip()
    if not stripped or len(stripped) > MAX_QUOTE_CHARS:
        return
    start += len(text) - len(text.lstrip())
    end = start + len(stripped)
    if sum(1 for _ in _WORD.finditer(stripped)) >= MIN_QUOTE_WORDS:
        spans.append((start, end))


# -- normalising --------------------------------------------------------------------------

@dataclass(frozen=True)
class QuoteWord:
    """A word of a quotation in comparable form, with where it was printed."""

    text: str
    start: int
    end: int


def _fold(word: str) -> str:
    word = _APOSTROPHES.sub("", unicodedata.normalize("NFKD", word).casefold())
    return "".join(c for c in word if not unicodedata.combining(c))


def quote_words(text: str, offset: int = 0) -> list[QuoteWord]:
    """The words of a quotation, case, accents and apostrophes folded, with their spans
    (shifted by offset). Punctuation, brackets, ellipses and dashes are not words."""
    return [QuoteWord(_fold(m.group()), m.start() + offset, m.end() + offset)
            for m in _WORD.finditer(text)]


def normalize_quote(text: str) -> str:
    """A quotation in comparable form: “I didn’t pull the trigger,” and
    "I didn't pull the trigger" both become ``i didnt pull the trigger``."""
    return " ".join(word.text for word in quote_words(text))


# -- matching -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Alignment:
    """How two word lists match: matched words, and the matched stretch in each."""

    matched: int
    a_first: int  # index of the first and last matched word in a, and in b
    a_last: int
    b_first: int
    b_last: int


def align(a: Sequence[str], b: Sequence[str]) -> Alignment | None:
    """The in-order matching words of a and b (difflib), or None when none match."""
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    # Single stray words ("the", "i") matching far apart say nothing; runs of two do.
    blocks = [blk for blk in matcher.get_matching_blocks() if blk.size >= 2
              or (blk.size and min(len(a), len(b)) <= 2)]
    if not blocks:
        return None
    matched = sum(blk.size for blk in blocks)
    first, last = blocks[0], blocks[-1]
    return Alignment(matched, first.a, last.a + last.size - 1, first.b, last.b + last.size - 1)


def is_match(alignment: Alignment | None, len_a: int, len_b: int) -> bool:
    """Whether an alignment says two quotations are the same words (one may be cut)."""
    if alignment is None:
        return False
    shorter = min(len_a, len_b)
    return (alignment.matched >= MATCH_SHARE * shorter
            and alignment.matched >= min(shorter, MATCH_WORDS))


def is_mutual(alignment: Alignment, len_a: int, len_b: int) -> bool:
    """Whether two matching quotations are variants of each other rather than one inside
    the other."""
    return alignment.matched >= MUTUAL_SHARE * max(len_a, len_b)


# -- tracking across documents ------------------------------------------------------------

@dataclass(frozen=True)
class QuoteOccurrence:
    """One document's printing of a quotation."""

    path: str
    title: str
    date: dt.date | None
    collection: str
    text: str  # exactly as the document printed it: the part that matches
    start: int  # span of text in the document's body
    end: int
    quote_start: int  # span of the whole quotation it is part of (without the marks)
    quote_end: int
    exact: bool  # the same words as the quotation asked for (punctuation aside)


@dataclass(frozen=True)
class Quotation:
    """A quotation and every document that carries it, earliest dated first."""

    text: str  # the quotation asked for, or the most widely printed wording
    normalized: str  # its comparable form (see normalize_quote)
    occurrences: tuple[QuoteOccurrence, ...]  # dated by date, then the undated
    first: tuple[QuoteOccurrence, ...]  # the dated ones that ran it first (several: same day)
    first_note: str  # who ran it first, in words: same day, or nobody dated

    @property
    def documents(self) -> int:
        """How many documents carry it."""
        return len({occurrence.path for occurrence in self.occurrences})

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(occurrence.path for occurrence in self.occurrences))


@dataclass(frozen=True)
class _Quote:
    """A quotation of one document while matching: its words and the document's details."""

    doc: int  # index into the loaded documents
    start: int  # the whole quotation (a part cut at an ellipsis keeps the whole's span)
    end: int
    words: tuple[QuoteWord, ...]

    @property
    def keys(self) -> list[str]:
        return [word.text for word in self.words]


@dataclass(frozen=True)
class _Doc:
    path: str
    title: str
    date: dt.date | None
    collection: str
    body: str


def _load(searcher, docnums: Iterable[int],
          cancel: Callable[[], bool] | None = None) -> tuple[list[_Doc], list[_Quote]]:
    """The stored quotation spans (and bodies) of some documents, inside a searcher block;
    what was loaded so far when cancel() says stop."""
    docs: list[_Doc] = []
    found: list[_Quote] = []
    for count, docnum in enumerate(docnums):
        if cancel is not None and count % 256 == 0 and cancel():
            break
        fields = searcher.stored_fields(docnum)
        spans = fields.get("quotes") or ()
        if not spans:
            continue
        value = fields.get("date")
        body = fields.get("body", "")
        docs.append(_Doc(fields["path"], fields.get("title", ""),
                         value.date() if isinstance(value, dt.datetime) else None,
                         fields.get("collection", ""), body))
        for start, end in spans:
            for words in _parts(body, start, end):
                found.append(_Quote(len(docs) - 1, start, end, words))
    return docs, found


_ELLIPSIS = re.compile(r"\u2026|\.\s*\.\s*\.")


def _parts(body: str, start: int, end: int) -> list[tuple[QuoteWord, ...]]:
    """The words of a quotation, cut where an ellipsis joins two passages of at least
    MIN_QUOTE_WORDS words each: “the barrel… that Alec did not pull that trigger” quotes
    two places, and each part is matched on its own."""
    words = quote_words(body[start:end], start)
    parts: list[tuple[QuoteWord, ...]] = []
    begin = 0
    for mark in _ELLIPSIS.finditer(body, start, end):
        cut = next((i for i, w in enumerate(words) if w.start >= mark.end()), len(words))
        if cut - begin >= MIN_QUOTE_WORDS and len(words) - cut >= MIN_QUOTE_WORDS:
            parts.append(tuple(words[begin:cut]))
            begin = cut
    if words[begin:]:
        parts.append(tuple(words[begin:]))
    return parts


def _occurrence(doc: _Doc, quote: _Quote, first: int, last: int,
                wanted: str) -> QuoteOccurrence:
    start, end = quote.words[first].start, quote.words[last].end
    # An editor's bracket around the first or last word belongs to what was printed.
    if start > quote.start and doc.body[start - 1] == "[":
        start -= 1
    if end < quote.end and doc.body[end] == "]":
        end += 1
    exact = " ".join(quote.keys[first:last + 1]) == wanted
    return QuoteOccurrence(doc.path, doc.title, doc.date, doc.collection, doc.body[start:end],
                           start, end, quote.start, quote.end, exact)


def _aligned(doc: _Doc, quote: _Quote, wanted: list[str]) -> QuoteOccurrence:
    """A quotation's occurrence trimmed to the part that matches the wanted words."""
    alignment = align(wanted, quote.keys)
    if alignment is None:
        return _occurrence(doc, quote, 0, len(quote.words) - 1, " ".join(wanted))
    return _occurrence(doc, quote, alignment.b_first, alignment.b_last, " ".join(wanted))


def _quotation(text: str, occurrences: Iterable[QuoteOccurrence]) -> Quotation:
    """Order the occurrences (earliest dated first, undated last) and say who ran it first."""
    ordered = tuple(sorted(occurrences, key=lambda o: (o.date is None, o.date or dt.date.min,
                                                       o.path, o.start)))
    dated = [o for o in ordered if o.date is not None]
    first: tuple[QuoteOccurrence, ...] = ()
    if not ordered:
        note = "No document carries this quotation."
    elif not dated:
        note = ("None of the documents carrying it is dated, so none can be said to have run "
                "it first.")
    else:
        earliest = dated[0].date
        first = tuple(dict((o.path, o) for o in reversed(dated) if o.date == earliest).values())
        first = tuple(sorted(first, key=lambda o: (o.path, o.start)))
        titles = ", ".join(f"“{o.title}”" for o in first)
        day = format_date(earliest)
        if len(first) > 1:
            note = f"First run on {day}, the same day, by {len(first)} documents: {titles}."
        else:
            note = f"First run on {day} by {titles}."
        undated = len({o.path for o in ordered if o.date is None})
        if undated:
            note += (f" {undated} undated document{'s' if undated != 1 else ''} also "
                     f"carr{'y' if undated != 1 else 'ies'} it and cannot be placed.")
    return Quotation(text, normalize_quote(text), ordered, first, note)


def format_date(date: dt.date) -> str:
    """A date as people write it in a citation: 2 Dec 2021."""
    return f"{date.day} {date.strftime('%b')} {date.year}"


# How many of the best-matching documents find_quote looks into.
MAX_CANDIDATES = 1000


def find_quote(library, text: str) -> Quotation:
    """Every document that carries a quotation (or a part of one): the text picked from a
    list or selected in the reader, in any of its printed variants."""
    from whoosh import query as wq

    from searchapp.core.schema import STOP_STEMS, stemming_analyzer

    wanted = quote_words(text)
    keys = [word.text for word in wanted]
    if not keys:
        return _quotation(text, ())
    stems = list(dict.fromkeys(t.text for t in stemming_analyzer()(text)))
    terms = [s for s in stems if s not in STOP_STEMS] or stems
    normalized = " ".join(keys)
    occurrences: list[QuoteOccurrence] = []
    with library.searcher() as searcher:
        q = wq.Or([wq.Term("body", term) for term in terms])
        mask = _hidden_mask(library)
        results = searcher.search(q, limit=MAX_CANDIDATES, mask=mask)
        docnums = [hit.docnum for hit in results]
        docs, found = _load(searcher, docnums)
    best: dict[tuple[int, int], QuoteOccurrence] = {}
    for quote in found:
        alignment = align(keys, quote.keys)
        if not is_match(alignment, len(keys), len(quote.keys)):
            continue
        assert alignment is not None
        occurrence = _occurrence(docs[quote.doc], quote, alignment.b_first, alignment.b_last,
                                 normalized)
        best[(quote.doc, occurrence.start)] = occurrence
    occurrences = list(best.values())
    return _quotation(text.strip(), occurrences)


def _hidden_mask(library):
    from whoosh import query as wq

    if not library.hidden_collections:
        return None
    return wq.Or([wq.Term("collection", c) for c in library.hidden_collections])


# Quotations printed in more places than this share a phrase, not a quotation ("I don't
# know what"); such shingles do not propose matches.
_COMMON_SHINGLE = 200
_SHINGLE = 4


def group_quotations(docs: Sequence[_Doc], found: Sequence[_Quote],
                     min_documents: int = 2) -> list[Quotation]:
    """Group the quotations of some documents into the same words printed in several
    places. A short quotation inside a longer one (an account that quotes more) is carried
    by the longer one's document too, with the matching part as its variant."""
    by_shingle: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for number, quote in enumerate(found):
        keys = quote.keys
        size = min(_SHINGLE, len(keys))
        for i in range(len(keys) - size + 1):
            by_shingle[tuple(keys[i:i + size])].append(number)
    pairs: set[tuple[int, int]] = set()
    for members in by_shingle.values():
        if len(members) < 2 or len(members) > _COMMON_SHINGLE:
            continue
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if found[a].doc != found[b].doc:
                    pairs.add((a, b) if a < b else (b, a))
    parent = list(range(len(found)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    inside: list[tuple[int, int, int, int]] = []  # (short, long, first, last word of long)
    for a, b in sorted(pairs):
        keys_a, keys_b = found[a].keys, found[b].keys
        alignment = align(keys_a, keys_b)
        if not is_match(alignment, len(keys_a), len(keys_b)):
            continue
        assert alignment is not None
        if is_mutual(alignment, len(keys_a), len(keys_b)):
            parent[root(a)] = root(b)
        elif len(keys_a) <= len(keys_b):
            inside.append((a, b, alignment.b_first, alignment.b_last))
        else:
            inside.append((b, a, alignment.a_first, alignment.a_last))
    groups: dict[int, list[int]] = defaultdict(list)
    for number in range(len(found)):
        groups[root(number)].append(number)
    quotations = []
    for members in groups.values():
        # The wording most documents printed speaks for the group; on ties the shortest
        # (what they all share), then the earliest.
        wordings: dict[str, list[int]] = defaultdict(list)
        for number in members:
            wordings[" ".join(found[number].keys)].append(number)
        wanted = min(wordings, key=lambda w: (-len({found[n].doc for n in wordings[w]}),
                                              len(w.split()),
                                              min(_order(docs[found[n].doc])
                                                  for n in wordings[w])))
        speaker = min(wordings[wanted], key=lambda n: _order(docs[found[n].doc]))
        wanted_keys = wanted.split()
        occurrences = {}
        for number in members:
            quote = found[number]
            occurrence = _aligned(docs[quote.doc], quote, wanted_keys)
            occurrences[(quote.doc, occurrence.start)] = occurrence
        carried = {found[n].doc for n in members}
        member_set = set(members)
        for short, long, first, last in inside:
            quote = found[long]
            if short in member_set and quote.doc not in carried:
                occurrence = _occurrence(docs[quote.doc], quote, first, last, wanted)
                occurrences[(quote.doc, occurrence.start)] = occurrence
        if len({key[0] for key in occurrences}) < min_documents:
            continue
        spoken = _occurrence(docs[found[speaker].doc], found[speaker], 0,
                             len(found[speaker].words) - 1, wanted)
        quotations.append(_quotation(spoken.text, occurrences.values()))
    # A quotation printed once, inside one that others printed too, is listed with those.
    shared = {(o.path, o.quote_start) for q in quotations if q.documents > 1
              for o in q.occurrences}
    quotations = [q for q in quotations if q.documents > 1 or not shared & {
        (o.path, o.quote_start) for o in q.occurrences}]
    quotations.sort(key=lambda q: (-q.documents, q.first[0].date if q.first else dt.date.max,
                                   q.normalized))
    return quotations


def _order(doc: _Doc) -> tuple[bool, dt.date, str]:
    return (doc.date is None, doc.date or dt.date.max, doc.path)


def quotations(library, query: str | None = None, min_documents: int | None = None,
               limit: int | None = None,
               cancel: Callable[[], bool] | None = None) -> list[Quotation]:
    """With no query, the quotations carried by more than one document, most widely
    carried first. With a query (the app's query language), the quotations of the matching
    documents that contain the query's words; a query that is itself the text of a
    quotation (four words or more) finds that quotation first, in all its variants.
    The whole-collection list reads every document's stored quotations: run it off the
    UI thread; cancel() is asked every few hundred documents."""

    text = (query or "").strip()
    with library.searcher() as searcher:
        if not text:
            reader = searcher.reader()
            mask = _hidden_mask(library)
            if mask is None:
                docnums = list(reader.all_doc_ids())
            else:
                hidden = set(searcher.docs_for_query(mask))
                docnums = [d for d in reader.all_doc_ids() if d not in hidden]
        else:
            docnums = _best_matches(library, searcher, text)
        docs, found = _load(searcher, docnums, cancel)
    if not text:
        listed = group_quotations(docs, found, 2 if min_documents is None else min_documents)
        return listed[:limit] if limit else listed
    wanted_stems = _query_stems(text, library.schema)
    if wanted_stems:
        stemmer = _stemmer()
        found = [q for q in found if wanted_stems <= {t.text for t in stemmer(
            docs[q.doc].body[q.start:q.end])}]
    listed = group_quotations(docs, found, 1 if min_documents is None else min_documents)
    bare = text.strip('"\u201c\u201d ')
    if len(quote_words(bare)) >= MIN_QUOTE_WORDS and ":" not in bare:
        itself = find_quote(library, bare)
        if itself.occurrences:
            spans = {(o.path, o.quote_start) for o in itself.occurrences}
            listed = [itself] + [q for q in listed if not spans & {
                (o.path, o.quote_start) for o in q.occurrences}]
    return listed[:limit] if limit else listed


# A query's quotations are read from at most this many of its best-ranked documents:
# reading stored quotations costs about 1 ms a document (measured at 100,000 documents).
MAX_QUERY_DOCUMENTS = 500


def _best_matches(library, searcher, text: str) -> list[int]:
    """The best-ranked documents matching a query (as ``search`` ranks them), in
    document order for reading."""
    from searchapp.core.search import search
    from searchapp.core.timeline import matching_docnums

    matching = matching_docnums(library, searcher, text)
    if len(matching) <= MAX_QUERY_DOCUMENTS:
        return sorted(matching)
    ranked = search(library, text, limit=MAX_QUERY_DOCUMENTS, snippets=False)
    return sorted(d for d in (searcher.document_number(path=h.path) for h in ranked.hits)
                  if d is not None)


def _stemmer():
    from searchapp.core.schema import stemming_analyzer

    return stemming_analyzer()


def _query_stems(text: str, schema) -> set[str]:
    """The stems of a query's plain words (not excluded ones, not field values other than
    title and body): what a quotation must contain to match the query."""
    from whoosh import query as wq

    from searchapp.core.schema import STOP_STEMS
    from searchapp.core.search import parse_query

    parsed = parse_query(text, schema)
    stems: set[str] = set()

    def visit(node) -> None:
        if isinstance(node, wq.Not):
            return
        if isinstance(node, wq.AndNot):
            visit(node.a)
            return
        if isinstance(node, wq.Term) and node.fieldname in ("title", "body"):
            stems.add(node.text)
        elif isinstance(node, wq.Phrase) and node.fieldname in ("title", "body"):
            stems.update(node.words)
        elif not node.is_leaf():
            for child in node.children():
                visit(child)

    visit(parsed.query)
    return {s for s in stems if s not in STOP_STEMS} or stems
