"""Related articles for an open document, and story clusters in a list of results.

Both compare documents by their key terms (stemmed words weighted by how rare they are in
the whole index) and by the quotations they share: two outlets covering one story quote
the same people, which word statistics alone only hint at.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from whoosh import query as wq
from whoosh.lang.porter import stem

from searchapp.core.quotes import _Doc, _load, _Quote, align, is_match
from searchapp.core.schema import STOP_STEMS, STOP_WORDS, TOKEN_PATTERN

# Key terms of a document used to find related ones, and in the reason given.
RELATED_TERMS = 20
REASON_TERMS = 5
# Documents whose cosine similarity (of key-term vectors) reaches this are one story.
CLUSTER_SIMILARITY = 0.3
# Words per document kept for clustering: the most frequent, then weighted by rarity.
CLUSTER_TERMS = 40
_SHINGLE = 5  # words in a row that two quotations must share to link their documents

_TOKEN = re.compile(TOKEN_PATTERN)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'"})


@dataclass(frozen=True)
class RelatedDocument:
    """A document like the open one, and why."""

    path: str
    title: str
    date: dt.date | None
    collection: str
    score: float  # 0..1: key-term likeness and shared quotations together
    shared_terms: tuple[str, ...]  # key terms of the open document it has too (as written)
    shared_quotes: tuple[str, ...]  # quotations both print (as the open document has them)
    reason: str  # one line for the list


@dataclass(frozen=True)
class StoryCluster:
    """Results about one story: the best hit, and the others that cover it too."""

    best: str  # path of the best-ranked hit of the cluster
    paths: tuple[str, ...]  # every member, in the order of the result list (best first)
    key_terms: tuple[str, ...]  # what the members have in common, as written

    @property
    def also(self) -> int:
        """How many other articles cover the story ("also covered by N articles")."""
        return len(self.paths) - 1


# -- related ------------------------------------------------------------------------------

def related(library, path: str, limit: int = 5) -> list[RelatedDocument]:
    """The documents most like one document, best first, each with a one-line reason."""
    from searchapp.core.errors import DocumentNotFoundError
    from searchapp.core.search import resolve_path

    doc_id = resolve_path(library, path)
    with library.searcher() as searcher:
        docnum = searcher.document_number(path=doc_id)
        if docnum is None:
            raise DocumentNotFoundError(f"“{path}” is not in the index.")
        key_terms = [(term, weight) for term, weight
                     in searcher.key_terms([docnum], "body", numterms=RELATED_TERMS * 2)
                     if term not in STOP_STEMS][:RELATED_TERMS]
        if not key_terms:
            return []
        q = wq.Or([wq.Term("body", term, boost=weight) for term, weight in key_terms])
        excluded: list[wq.Query] = [wq.Term("path", doc_id)]
        excluded += [wq.Term("collection", c) for c in library.hidden_collections]
        results = searcher.search(q, limit=max(limit * 4, 20), mask=wq.Or(excluded),
                                  terms=True)
        candidates = []
        for hit in results:
            matched = {text.decode("utf-8") if isinstance(text, bytes) else text
                       for fieldname, text in hit.matched_terms() if fieldname == "body"}
            candidates.append((hit.docnum, float(hit.score), matched))
        own_docs, own_quotes = _load(searcher, [docnum])
        other_docs, other_quotes = _load(searcher, [d for d, _s, _m in candidates])
        fields = searcher.stored_fields(docnum)
        surface = _surface_forms(f"{fields.get('title', '')}\n{fields.get('body', '')}")
        details = {d: searcher.stored_fields(d) for d, _s, _m in candidates}
    top_score = max((score for _d, score, _m in candidates), default=0.0) or 1.0
    by_path: dict[str, list[_Quote]] = {}
    for quote in other_quotes:
        by_path.setdefault(other_docs[quote.doc].path, []).append(quote)
    ranked = []
    for candidate, score, matched in candidates:
        stored = details[candidate]
        shared = _shared_quotes(own_docs, own_quotes, by_path.get(stored["path"], []))
        terms = tuple(surface.get(term, term) for term, _w in key_terms if term in matched)
        # Key-term likeness ranks; each shared quotation (up to three) adds to it, because
        # a quotation printed in both is stronger evidence of one story than any word.
        combined = 0.6 * (score / top_score) + 0.4 * min(len(shared), 3) / 3
        value = stored.get("date")
        ranked.append(RelatedDocument(
            path=stored["path"], title=stored.get("title", ""),
            date=value.date() if isinstance(value, dt.datetime) else None,
            collection=stored.get("collection", ""), score=round(combined, 4),
            shared_terms=terms, shared_quotes=tuple(shared),
            reason=_reason(terms, shared),
        ))
    ranked.sort(key=lambda r: (-r.score, r.path))
    return ranked[:limit]


def _shared_quotes(own_docs: Sequence[_Doc], own: Sequence[_Quote],
                   other: Sequence[_Quote]) -> list[str]:
    """The open document's quotations (as it prints them) that the other prints too."""
    shared = []
    for quote in own:
        for candidate in other:
            alignment = align(quote.keys, candidate.keys)
            if alignment and is_match(alignment, len(quote.keys), len(candidate.keys)):
                body = own_docs[quote.doc].body
                # The part both print, as the open document prints it.
                text = body[quote.words[alignment.a_first].start:
                            quote.words[alignment.a_last].end]
                if text not in shared:
                    shared.append(text)
                break
    return shared


def _reason(terms: Sequence[str], quotes: Sequence[str]) -> str:
    parts = []
    if quotes:
        first = quotes[0] if len(quotes[0]) <= 60 else quotes[0][:57].rstrip() + "…"
        count = f"{len(quotes)} quotation{'s' if len(quotes) != 1 else ''}"
        parts.append(f"Shares {count}, such as “{first}”")
    if terms:
        words = ", ".join(terms[:REASON_TERMS])
        parts.append(f"{'and' if quotes else 'Shares'} the key terms {words}")
    return " ".join(parts) + "." if parts else "Similar wording."


def _surface_forms(text: str) -> dict[str, str]:
    """Stem -> the word as the text first writes it, to show key terms as words."""
    forms: dict[str, str] = {}
    for match in _TOKEN.finditer(text):
        word = match.group()
        forms.setdefault(_stem(_fold(word)), word)
    return forms


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return stem(word)


def _fold(word: str) -> str:
    word = word.lower()
    if not word.isascii():
        word = word.translate(_APOSTROPHES)
    return word[:-2] if word.endswith("'s") else word


# -- story clusters -----------------------------------------------------------------------

def cluster_stories(library, paths: Iterable[str]) -> list[StoryCluster]:
    """Group a result list (paths, best first) into stories. Two documents are about the
    same story when they print a quotation in common or their key terms are alike
    (cosine of term vectors weighted by rarity in the whole index); a story is every
    document linked to another of it. Clusters come in the order of their best hit."""
    ordered = list(dict.fromkeys(paths))
    if not ordered:
        return []
    with library.searcher() as searcher:
        reader = searcher.reader()
        total = max(reader.doc_count(), 1)
        docnums = [searcher.document_number(path=p) for p in ordered]
        present = [(p, d) for p, d in zip(ordered, docnums, strict=True) if d is not None]
        docs, quotes = _load(searcher, [d for _p, d in present])
        texts = {}
        for p, d in present:
            fields = searcher.stored_fields(d)
            texts[p] = f"{fields.get('title', '')}\n{fields.get('body', '')}"
        counts = {p: _term_counts(texts[p]) for p in texts}
        idf_cache: dict[str, float] = {}
        for counted in counts.values():
            for term in counted:
                if term not in idf_cache:
                    frequency = reader.doc_frequency("body", term)
                    idf_cache[term] = math.log(1 + total / (1 + frequency))
    vectors = {p: _vector(counts[p], idf_cache) for p in counts}
    linked = _quote_links(docs, quotes)
    position = {p: i for i, p in enumerate(ordered)}
    parent = list(range(len(ordered)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    known = [p for p in ordered if p in vectors]
    for i, a in enumerate(known):
        for b in known[i + 1:]:
            if (a, b) in linked or _cosine(vectors[a], vectors[b]) >= CLUSTER_SIMILARITY:
                parent[max(root(position[a]), root(position[b]))] = min(
                    root(position[a]), root(position[b]))
    members: dict[int, list[str]] = {}
    for p in ordered:
        members.setdefault(root(position[p]), []).append(p)
    clusters = []
    for group in sorted(members.values(), key=lambda g: position[g[0]]):
        clusters.append(StoryCluster(group[0], tuple(group),
                                     _common_terms(group, vectors, texts)))
    return clusters


def _term_counts(text: str) -> Counter[str]:
    words = Counter()
    for match in _TOKEN.finditer(text):
        word = _fold(match.group())
        if len(word) < 3 or word in STOP_WORDS or word.isdigit():
            continue
        words[word] += 1
    counts: Counter[str] = Counter()
    for word, count in words.most_common(CLUSTER_TERMS * 2):
        counts[_stem(word)] += count
    return Counter(dict(counts.most_common(CLUSTER_TERMS)))


def _vector(counts: Counter[str], idf: dict[str, float]) -> dict[str, float]:
    weights = {t: (1 + math.log(c)) * idf.get(t, 0.0) for t, c in counts.items()}
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {t: w / norm for t, w in weights.items()}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def _quote_links(docs: Sequence[_Doc], quotes: Sequence[_Quote]) -> set[tuple[str, str]]:
    """Pairs of documents (paths, in both orders) that print a quotation in common: five
    words in a row of one of its quotations."""
    seen: dict[tuple[str, ...], set[int]] = {}
    for quote in quotes:
        keys = quote.keys
        for i in range(len(keys) - _SHINGLE + 1):
            seen.setdefault(tuple(keys[i:i + _SHINGLE]), set()).add(quote.doc)
    links: set[tuple[str, str]] = set()
    for holders in seen.values():
        if 1 < len(holders) <= 50:  # a phrase in many documents is a saying, not a quote
            for a in holders:
                for b in holders:
                    if a != b:
                        links.add((docs[a].path, docs[b].path))
    return links


def _common_terms(group: Sequence[str], vectors: dict[str, dict[str, float]],
                  texts: dict[str, str]) -> tuple[str, ...]:
    """The heaviest terms of a cluster that most of its members have, as written."""
    total: Counter[str] = Counter()
    for p in group:
        for term, weight in vectors.get(p, {}).items():
            total[term] += weight
    needed = max(1, (len(group) + 1) // 2)
    common = [t for t, _w in total.most_common() if sum(
        1 for p in group if t in vectors.get(p, {})) >= needed][:REASON_TERMS]
    forms = _surface_forms(texts.get(group[0], ""))
    return tuple(forms.get(t, t) for t in common)

