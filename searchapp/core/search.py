"""Query parsing, searching, sorting and suggestions, returning plain data.

The window and the command line both call ``search`` and ``show``; nothing here hands a
Whoosh object to the caller, because Whoosh hits die with the searcher they came from.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from whoosh import qparser, sorting
from whoosh import query as wq
from whoosh.qparser import syntax
from whoosh.qparser.dateparse import DateParserPlugin
from whoosh.searching import Searcher

from searchapp.core import expansion
from searchapp.core.documents import page_at
from searchapp.core.errors import DocumentNotFoundError, QueryError
from searchapp.core.highlight import highlight_units, make_snippet, match_spans, snippet_window
from searchapp.core.index import Library
from searchapp.core.results import DocumentView, FirstPage, SearchFilters, SearchHit, SearchResults
from searchapp.core.schema import STOP_STEMS, TITLE_BOOST, plain_analyzer, stemming_analyzer

SORTS = ("relevance", "newest", "oldest")
MAX_QUERY_CHARS = 1000
MAX_EXPANSION = expansion.MAX_EXPANSION
# From this many documents a relevance search ranks whole postings lists at once
# (core/ranking.py). Below it Whoosh's matchers answer in a few milliseconds as well, and
# a first search (the command line's only one) does not load numpy, some 60-90 ms.
RANKING_MIN_DOCS = 1000
# Suggestions are offered when a query finds fewer documents than this.
SUGGEST_BELOW = 3
# A bag of words falls back to the closest matches when fewer documents hold all of them.
FALLBACK_BELOW = 1

_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"',
                         "\u00bb": '"'})


# -- parsing -----------------------------------------------------------------------------

_parsers: dict[int, qparser.QueryParser] = {}


def _parser(schema) -> qparser.QueryParser:
    """One parser per schema: building the date parser's grammar takes a while."""
    parser = _parsers.get(id(schema))
    if parser is None:
        parser = _parsers[id(schema)] = _make_parser(schema)
    return parser


class _Parser(qparser.QueryParser):
    """Whoosh's parser, except that prefixes, wildcards and fuzzy words in the title and
    body keep the word as written (case and accents folded, not stemmed): they are matched
    against written words, then searched by stem (core/expansion.py)."""

    def term_query(self, fieldname, text, termclass, boost=1.0, tokenize=True,
                   removestops=True):
        if (termclass in (wq.Prefix, wq.Wildcard, wq.FuzzyTerm)
                and fieldname in expansion.STEMMED_FIELDS):
            words = [t.text for t in _written_analyzer()(text, mode="query", tokenize=False)]
            return termclass(fieldname, words[0], boost=boost) if words else None
        return super().term_query(fieldname, text, termclass, boost, tokenize, removestops)


@functools.cache
def _written_analyzer():
    return plain_analyzer()


def _make_parser(schema) -> qparser.QueryParser:
    # Whoosh's MultifieldParser, made from the parser above.
    parser = _Parser(None, schema, group=qparser.AndGroup)
    parser.add_plugin(qparser.MultifieldPlugin(["title", "body"],
                                               fieldboosts={"title": TITLE_BOOST}))
    op_tagger = qparser.OperatorsPlugin.OpTagger
    # "-word" excludes a word, but only at the start of a word: "first-degree" and
    # "hour-long" are words to search for.
    minus = op_tagger(r"(^|(?<=[\s(]))-(?=[^\s\-])", syntax.NotGroup, syntax.PrefixOperator,
                      memo="minus")
    parser.replace_plugin(qparser.OperatorsPlugin(ops=[(minus, 0)]))
    parser.add_plugin(qparser.FuzzyTermPlugin())
    parser.add_plugin(DateParserPlugin())
    return parser


def _clean(text: str) -> str:
    """Typographic quotes become straight ones; control characters become spaces."""
    text = text.translate(_QUOTES)
    return "".join(" " if unicodedata.category(c) in ("Cc", "Cf") else c for c in text)


def _check_balance(text: str) -> None:
    quote_at = None
    depth_stack: list[int] = []
    for position, char in enumerate(text):
        if char == '"':
            quote_at = None if quote_at is not None else position
        elif quote_at is None and char == "(":
            depth_stack.append(position)
        elif quote_at is None and char == ")":
            if not depth_stack:
                raise QueryError(
                    f"The closing parenthesis at character {position + 1} has no opening one.",
                    position,
                )
            depth_stack.pop()
    if quote_at is not None:
        raise QueryError(
            f"The quotation mark at character {quote_at + 1} is never closed: "
            "add a closing \" to search for the phrase.",
            quote_at,
        )
    if depth_stack:
        raise QueryError(
            f"The parenthesis at character {depth_stack[-1] + 1} is never closed.",
            depth_stack[-1],
        )


_EMPTY_FIELD = re.compile(r"(?:^|(?<=[\s(]))(title|body|date):(?=\s|\)|$)")
_DATE_RANGE = re.compile(r"date:\[\s*(.*?)\s+to\s+(.*?)\s*\]", re.IGNORECASE)
_DATE_HELP = "Try date:2021, date:2021-12-02 or date:[2021 to 2022]."


def _check_fields(text: str, parser: qparser.QueryParser) -> None:
    empty = _EMPTY_FIELD.search(text)
    if empty:
        raise QueryError(
            f"“{empty[1]}:” at character {empty.start() + 1} needs something to search for "
            f"right after it, for example {empty[1]}:{'2021' if empty[1] == 'date' else 'rust'}.",
            empty.start(),
        )
    for match in _DATE_RANGE.finditer(text):
        ends = []
        for bound in (match[1], match[2]):
            if not bound:
                ends.append(None)  # an open-ended range
                continue
            try:
                node = parser.process(f"date:{bound}")
                bound_query = node.query(parser)
            except Exception as exc:  # noqa: BLE001 - the date parser raises many kinds
                raise QueryError(
                    f"“{bound}” is not a date SearchApp understands. {_DATE_HELP}",
                    match.start(),
                ) from exc
            ranges = [n for n in _walk(bound_query) if isinstance(n, wq.DateRange)]
            if not ranges or getattr(bound_query, "error", None) or any(
                getattr(n, "error", None) for n in _walk(bound_query)
            ):
                raise QueryError(
                    f"“{bound}” is not a date SearchApp understands. {_DATE_HELP}",
                    match.start(),
                )
            ends.append(ranges[0].startdate)
        if ends[0] and ends[1] and ends[0] > ends[1]:
            raise QueryError(
                f"The date range “{match[0]}” is reversed: {match[1]} comes after "
                f"{match[2]}. Write the earlier date first.",
                match.start(),
            )


def _walk(node: wq.Query):
    yield node
    if not node.is_leaf():
        for child in node.children():
            yield from _walk(child)


def _check_errors(q: wq.Query, text: str) -> None:
    for node in _walk(q):
        error = getattr(node, "error", None)
        if error and isinstance(node, wq.NumericRange):
            continue  # the date plugin gave up, but the date field read it: "2021-12-02"
        if error:
            start = getattr(node, "startchar", None)
            fragment = text[start:node.endchar] if start is not None else str(error)
            if node.field() == "date" or fragment.lower().startswith("date:"):
                raise QueryError(
                    f"“{fragment}” is not a date SearchApp understands. {_DATE_HELP}", start
                )
            raise QueryError(f"Cannot understand “{fragment}”.", start)


_EXPLICIT_AND = re.compile(r"(?:^|\s)AND(?:\s|$)")


def _is_bag_of_words(tree: syntax.SyntaxNode, text: str) -> bool:
    """True when the query is just words (no operators, fields, phrases or exclusions)."""
    if not isinstance(tree, syntax.AndGroup) or _EXPLICIT_AND.search(text):
        return False  # an explicit AND parses like parentheses, so the text tells them apart

    def flat(group: syntax.GroupNode):
        # Parentheses holding only words ("lupus erythematosus (SLE)") change nothing.
        for node in group:
            if isinstance(node, syntax.Whitespace):
                continue
            if type(node) is syntax.AndGroup:
                yield from flat(node)
            else:
                yield node

    words = list(flat(tree))
    # The parser turns each plain word into a group of the same word in each default field;
    # a word with an explicit field ("title:rust") stays a single word node.
    return len(words) >= 2 and all(
        type(n) is syntax.OrGroup and all(type(w) is syntax.WordNode for w in n)
        for n in words
    )


def _word_nodes(tree: syntax.SyntaxNode):
    """The plain words of a query, once each, with their places in the query text (the
    parser copies each word once per searched field)."""
    seen: set[int | None] = set()
    for node in _all_word_nodes(tree):
        if node.startchar not in seen:
            seen.add(node.startchar)
            yield node


def _all_word_nodes(tree: syntax.SyntaxNode):
    if type(tree) is syntax.WordNode:
        yield tree
    elif isinstance(tree, syntax.GroupNode):
        if isinstance(tree, syntax.NotGroup):
            return
        for node in tree:
            yield from _all_word_nodes(node)
    elif isinstance(tree, syntax.FieldnameNode):
        return


def _is_stopword_part(node: wq.Query) -> bool:
    leaves = [n for n in _walk(node) if n.is_leaf()]
    return bool(leaves) and all(
        isinstance(n, wq.Term) and n.fieldname in ("title", "body") and n.text in STOP_STEMS
        for n in leaves
    )


def _drop_stopwords(q: wq.Query) -> wq.Query:
    """In a list of words, leave out "the", "of", "in"…: in the index for phrases, they only
    slow a bag of words down and blur its ranking. A query of nothing else keeps them."""
    if isinstance(q, (wq.And, wq.Or)) and not isinstance(q, wq.DisjunctionMax):
        children = [_drop_stopwords(c) for c in q.subqueries]
        kept = [c for c in children if not _is_stopword_part(c)]
        if kept and len(kept) < len(children):
            children = kept
        if len(children) == 1:
            return children[0]
        rebuilt = q.__class__(children, boost=q.boost)
        if isinstance(q, wq.Or):
            rebuilt.scale = q.scale
            rebuilt.minmatch = q.minmatch
        return rebuilt
    return q


_expand = expansion.expand


@dataclass
class _Parsed:
    query: wq.Query
    tree: syntax.SyntaxNode
    text: str
    bag_of_words: bool
    word_count: int


def parse_query(text: str, schema) -> _Parsed:
    """Parse a query string into a Whoosh query, or raise QueryError with a plain reason."""
    text = _clean(text)
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"The query is too long ({len(text):,} characters; the limit is "
            f"{MAX_QUERY_CHARS:,}). Search for the few words that matter most."
        )
    _check_balance(text)
    parser = _parser(schema)
    _check_fields(text, parser)
    try:
        tree = parser.process(text)
        q = tree.query(parser)
    except QueryError:
        raise
    except Exception as exc:  # noqa: BLE001 - Whoosh's parser raises many kinds of error
        if "date:" in text.lower():
            raise QueryError(f"A date in the query is not one SearchApp understands. "
                             f"{_DATE_HELP}") from exc
        raise QueryError("Cannot understand the query; check its quotes, parentheses "
                         "and operators.") from exc
    _check_errors(q, text)
    q = q.normalize()
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        raise QueryError(
            "There is nothing to search for in this query: it has no words, only "
            "punctuation or operators."
        )
    bag = _is_bag_of_words(tree, text)
    words = sum(1 for _ in _word_nodes(tree))
    return _Parsed(q, tree, text, bag, words)


# -- searching ---------------------------------------------------------------------------

def _date_of(fields: dict) -> dt.date | None:
    value = fields.get("date")
    return value.date() if isinstance(value, dt.datetime) else None


def _sort_facet(sort: str):
    if sort not in SORTS:
        raise QueryError(f"Unknown sort order “{sort}”: use one of {', '.join(SORTS)}.")
    # Undated documents come last whichever way dates are sorted.
    return sorting.MultiFacet([
        sorting.FieldFacet("dated", reverse=True),
        sorting.FieldFacet("date", reverse=(sort != "oldest")),
    ])


@functools.cache
def _query_analyzers():
    """Built once: the stemmer keeps a cache of stems, which a new one would start empty.
    Queries run on one thread (the window's search lane, or the command line)."""
    return stemming_analyzer(), plain_analyzer()


def _suggest(parsed: _Parsed, searcher: Searcher) -> str | None:
    """A better spelling of the query, from words that are in the index as written."""
    reader = searcher.reader()
    stemmer, plain = _query_analyzers()
    corrector = searcher.corrector("spell")
    replacements: list[tuple[int, int, str]] = []
    for node in _word_nodes(parsed.tree):
        word = node.text
        if node.startchar is None or not word or any(c in word for c in "*?~"):
            continue
        stems = [t.text for t in stemmer(word)]
        if not stems or any(
            reader.doc_frequency(f, s) for s in stems for f in ("title", "body")
        ):
            continue  # the index has this word in some form
        folded = [t.text for t in plain(word)]
        if len(folded) != 1 or len(folded[0]) < 3:
            continue
        maxdist = 1 if len(folded[0]) <= 5 else 2
        candidates = corrector.suggest(folded[0], limit=1, maxdist=maxdist, prefix=1)
        if candidates:
            replacements.append((node.startchar, node.endchar, candidates[0]))
    if not replacements:
        return None
    suggestion = parsed.text
    for start, end, word in sorted(replacements, reverse=True):
        suggestion = suggestion[:start] + word + suggestion[end:]
    return suggestion if suggestion != parsed.text else None


def _flat_and(q: wq.Query) -> list[wq.Query]:
    if isinstance(q, wq.And):
        return [leaf for sub in q.subqueries for leaf in _flat_and(sub)]
    return [q]


def _closest_query(q: wq.Query) -> wq.Query:
    """Any of the words, ranked so that documents with more of them come first."""
    if isinstance(q, wq.And):
        return wq.Or(_flat_and(q), boost=q.boost, scale=0.9)
    return q


def search(library: Library, text: str, limit: int = 10, sort: str = "relevance",
           snippets: bool = True, filters: SearchFilters | None = None) -> SearchResults:
    """Search every visible collection. An empty query lists every document, newest first."""
    started = time.perf_counter()
    if sort not in SORTS:
        raise QueryError(f"Unknown sort order “{sort}”: use one of {', '.join(SORTS)}.")
    limit = max(1, limit)
    stripped = text.strip()
    narrowing = {
        "filter": filters.query() if filters else None,
        "mask": (wq.Or([wq.Term("collection", c) for c in library.hidden_collections])
                 if library.hidden_collections else None),
    }
    with library.searcher() as searcher:
        if not stripped:
            page = _run(searcher, wq.Every(), limit,
                        "newest" if sort == "relevance" else sort, narrowing)
            hits = _hits(searcher, page, [], snippets)
            return SearchResults(text, page.total,
                                 tuple(hits), None, "list", None,
                                 time.perf_counter() - started)
        parsed = parse_query(stripped, library.schema)
        q, notes = _expand(_drop_stopwords(parsed.query), searcher)
        mode = "all"
        page = _run(searcher, q, limit, sort, narrowing)
        strict_total = page.total
        if page.total < FALLBACK_BELOW and parsed.bag_of_words:
            closest = _run(searcher, _closest_query(q), limit, sort, narrowing)
            if closest.total:
                mode = "closest"
                page = closest
                which = ("both words" if parsed.word_count == 2
                         else f"all {parsed.word_count} words")
                notes.insert(0, f"No article contains {which} — showing the closest matches.")
                q = _closest_query(q)
        # Judge spelling by what all the words found, before any fallback.
        suggestion = _suggest(parsed, searcher) if strict_total < SUGGEST_BELOW else None
        hits = _hits(searcher, page, highlight_units(q), snippets)
        if sort == "relevance":
            # Equal scores: the newer article first (undated ones after dated ones).
            hits.sort(key=lambda h: (-round(h.score, 6), h.date is None,
                                     -(h.date.toordinal() if h.date else 0)))
        return SearchResults(
            query=text, total=page.total, estimated=page.estimated, hits=tuple(hits),
            suggestion=suggestion, mode=mode,
            notice=" ".join(notes) or None, elapsed=time.perf_counter() - started,
        )


def _run(searcher: Searcher, q: wq.Query, limit: int, sort: str,
         narrowing: dict) -> FirstPage:
    """The first page and the total.

    Ranked by relevance, the page is made a whole postings list at a time (core/ranking.py):
    on 100,000 articles "people" went from 120 to 6 ms, "mailing list" from 367 to 14 ms
    (bench/RESULTS.md). The parts of a query that module
    does not take (date ranges, phrases with slop, the weighted "closest matches") and the
    date orders run through Whoosh: its top-N collector counts as it goes, with score
    pruning off (pruning would skip the documents it needs to count). Measured on 6,258
    documents, counting in the same pass took p95 from 56 to 38 ms and phrases from 431 to
    202 ms (bench/RESULTS.md).
    """
    if sort == "relevance" and searcher.doc_count_all() >= RANKING_MIN_DOCS:
        from searchapp.core import ranking  # numpy: loaded with the first such search

        try:
            return ranking.first_page(searcher, q, limit, allow=narrowing["filter"],
                                      exclude=narrowing["mask"])
        except ranking.Unsupported:
            pass
    if sort == "relevance":
        collector = searcher.collector(limit=limit, optimize=False, **narrowing)
        inner = collector
        while hasattr(inner, "child"):
            inner = inner.child
        inner.replace = 0
        searcher.search_with_collector(q, collector)
        results = collector.results()
    else:
        results = searcher.search(q, limit=limit, sortedby=_sort_facet(sort), **narrowing)
    return FirstPage([hit.docnum for hit in results], [hit.score for hit in results],
                     len(results))


def _hits(searcher: Searcher, page: FirstPage, units, snippets: bool) -> list[SearchHit]:
    docnums = page.docnums
    spans = (match_spans(searcher, docnums, units, fields=("body",), holding=page.holding)
             if snippets else {})
    hits = []
    for docnum, score in zip(docnums, page.scores, strict=True):
        fields = searcher.stored_fields(docnum)
        body = fields.get("body", "")
        page_number = None
        if snippets:
            body_spans = spans.get(docnum, {}).get("body", [])
            snippet, matches = make_snippet(body, body_spans)
            if fields.get("pages"):
                # The page of the first match the snippet shows (or of its start).
                start, end = snippet_window(body, body_spans)
                shown = [s for s, e in body_spans if start <= s and e <= end]
                page_number = page_at(fields["pages"], shown[0] if shown else start)
        else:
            snippet, matches = "", []
        score = score if isinstance(score, float) and not math.isnan(score) else 0.0
        hits.append(SearchHit(
            path=fields["path"], title=fields.get("title", ""), date=_date_of(fields),
            score=float(score), snippet=snippet, matches=tuple(matches),
            collection=fields.get("collection", ""), kind=fields.get("kind", ""),
            page=page_number,
        ))
    return hits


def resolve_path(library: Library, path: str) -> str:
    """The indexed id for what a person typed: a path (relative or absolute) or, when it is
    unambiguous, just the file name."""
    with library.searcher() as searcher:
        candidates = [path, str(Path(path).expanduser().resolve())]
        for candidate in candidates:
            if searcher.document_number(path=candidate) is not None:
                return candidate
        name = Path(path).name
        reader = searcher.reader()
        if reader.doc_count_all() == 0:
            raise DocumentNotFoundError(f"“{path}” is not in the index (it is empty).")
        column = reader.column_reader("path")
        matches = []
        for docnum in reader.all_doc_ids():
            value = column[docnum]
            value = value.decode("utf-8") if isinstance(value, bytes) else value
            if Path(value).name == name:
                matches.append(value)
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise DocumentNotFoundError(
                f"“{path}” names {len(matches)} documents; give the full path."
            )
    raise DocumentNotFoundError(f"“{path}” is not in the index.")


def show(library: Library, path: str, text: str | None = None) -> DocumentView:
    """A whole document with every match of the query in its title and body."""
    doc_id = resolve_path(library, path)
    with library.searcher() as searcher:
        docnum = searcher.document_number(path=doc_id)
        if docnum is None:
            raise DocumentNotFoundError(f"“{path}” is not in the index.")
        fields = searcher.stored_fields(docnum)
        title_spans: list[tuple[int, int]] = []
        body_spans: list[tuple[int, int]] = []
        if text and text.strip():
            parsed = parse_query(text.strip(), library.schema)
            q, _notes = _expand(_drop_stopwords(parsed.query), searcher)
            if parsed.bag_of_words and searcher.search(q, limit=1).is_empty():
                q = _closest_query(q)
            spans = match_spans(searcher, [docnum], highlight_units(q))[docnum]
            title_spans, body_spans = spans["title"], spans["body"]
        return DocumentView(
            path=fields["path"], title=fields.get("title", ""), date=_date_of(fields),
            body=fields.get("body", ""), title_matches=tuple(title_spans),
            body_matches=tuple(body_spans), collection=fields.get("collection", ""),
            kind=fields.get("kind", ""), pages=tuple(fields.get("pages") or ()),
        )


