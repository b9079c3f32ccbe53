"""Match spans for snippets and whole documents, read from the character offsets in the index.

Highlights are data — ``(start, end)`` offsets into the text — never markup: the command
line and the window each decide how to show them, after escaping the text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence, Set

from whoosh import query as wq
from whoosh.searching import Searcher

Span = tuple[int, int]

HIGHLIGHT_FIELDS = ("title", "body")
SNIPPET_WIDTH = 250


def highlight_units(q: wq.Query) -> list[wq.Query]:
    """The parts of a query whose matches are highlighted: each positive word (stemmed
    variants come with it) and each phrase as a whole. Negated parts are never highlighted.

    Multi-word queries such as prefixes must already be expanded into terms.
    """
    units: list[wq.Query] = []

    def visit(node: wq.Query) -> None:
        if isinstance(node, wq.Not):
            return
        if isinstance(node, wq.AndNot):
            visit(node.a)
            return
        if isinstance(node, (wq.Phrase, wq.Term)):
            if node.field() in HIGHLIGHT_FIELDS:
                units.append(node)
            return
        if isinstance(node, wq.spans.SpanQuery):
            if node.field() in HIGHLIGHT_FIELDS:
                units.append(node)
            return
        if node.is_leaf():
            return  # dates, ranges, "everything": nothing to mark in the text
        for child in node.children():
            visit(child)

    visit(q)
    return units


def _merge(spans: Iterable[Span]) -> list[Span]:
    """Sort spans and join the ones that overlap (a word inside a matched phrase)."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def match_spans(searcher: Searcher, docnums: Sequence[int], units: Sequence[wq.Query],
                fields: Sequence[str] = HIGHLIGHT_FIELDS,
                holding: Mapping[tuple[str, str], Set[int]] | None = None,
                ) -> dict[int, dict[str, list[Span]]]:
    """For each document, the character spans of every match, per field.

    One matcher per highlight unit and index segment serves all the documents at once,
    walking forward through them in order. ``holding``, when the search knows it, says
    which of the documents hold each word: a word none of them holds is not looked up
    (most of the 64 words "vir*" stands for, on a page of ten).
    """
    found: dict[int, dict[str, list[Span]]] = {d: {f: [] for f in fields} for d in docnums}
    if not units or not docnums:
        return found
    if holding is not None:
        units = _phrases_from_ranking(searcher, docnums, units, fields, holding, found)
    for subsearcher, offset in searcher.leaf_searchers():
        end = offset + subsearcher.reader().doc_count_all()
        local = sorted(d - offset for d in docnums if offset <= d < end)
        if not local:
            continue
        for unit in units:
            fieldname = unit.field()
            if fieldname not in fields:
                continue
            wanted = local
            if holding is not None and isinstance(unit, wq.Term):
                held = holding.get((fieldname, unit.text))
                if held is not None:
                    wanted = [d for d in local if d + offset in held]
                    if not wanted:
                        continue
            matcher = unit.matcher(subsearcher)
            for docnum in wanted:
                if not matcher.is_active():
                    break
                if matcher.id() < docnum:
                    matcher.skip_to(docnum)
                    if not matcher.is_active():
                        break
                if matcher.id() == docnum:
                    for span in matcher.spans():
                        if span.startchar is not None and span.endchar is not None:
                            found[docnum + offset][fieldname].append(
                                (span.startchar, span.endchar)
                            )
    for per_field in found.values():
        for fieldname, spans in per_field.items():
            per_field[fieldname] = _merge(spans)
    return found


def _phrases_from_ranking(searcher: Searcher, docnums: Sequence[int],
                          units: Sequence[wq.Query], fields: Sequence[str],
                          holding: Mapping, found: dict) -> list[wq.Query]:
    """Mark the exact phrases whose documents the ranking has checked, straight from their
    postings blocks; returns the units left to Whoosh's matchers."""
    from searchapp.core import ranking  # loaded already: it made the holding map

    rest = []
    for unit in units:
        held = None
        if (isinstance(unit, wq.Phrase) and unit.slop == 1 and len(unit.words) > 1
                and unit.field() in fields):
            held = holding.get((unit.field(), tuple(unit.words)))
        if held is None:
            rest.append(unit)
            continue
        wanted = [d for d in docnums if d in held]
        for docnum, spans in ranking.phrase_spans(searcher, unit, wanted).items():
            found[docnum][unit.field()].extend(spans)
    return rest


def _best_window_start(text: str, spans: Sequence[Span], width: int) -> int:
    """The start of the span that opens the richest passage: most different matched words,
    then most matches, then earliest."""
    # Spans are sorted and do not overlap, so their ends rise too: the spans inside the
    # window opened by span i are spans[i:j], and j only moves forward (linear time).
    words = [text[s:e].lower() for s, e in spans]
    counts: dict[str, int] = {}
    best_index, best_key = 0, (-1, -1)
    j = 0
    for i, (start, _end) in enumerate(spans):
        j = max(j, i)
        while j < len(spans) and spans[j][1] <= start + width:
            counts[words[j]] = counts.get(words[j], 0) + 1
            j += 1
        key = (len(counts), j - i)
        if key > best_key:
            best_index, best_key = i, key
        if j > i:  # span i leaves the window before the next one opens
            counts[words[i]] -= 1
            if not counts[words[i]]:
                del counts[words[i]]
    return spans[best_index][0]


def snippet_window(text: str, spans: Sequence[Span],
                   width: int = SNIPPET_WIDTH) -> tuple[int, int]:
    """Where the snippet starts and ends in the text: about ``width`` characters around the
    best passage, cut on word boundaries and never inside a match."""
    if spans:
        anchor = _best_window_start(text, spans, width)
        # A match longer than the snippet (a long phrase or word) is its own cluster.
        cluster_end = max((e for s, e in spans if anchor <= s and e <= anchor + width),
                          default=anchor + width)
        slack = width - (cluster_end - anchor)
        start = max(0, anchor - max(slack // 3, 0))
    else:
        anchor, start = 0, 0
    end = min(len(text), start + width)
    if end - start < width:
        start = max(0, end - width)
    # Cut on word boundaries, never inside a match.
    if start > 0:
        space = text.find(" ", start, anchor)
        newline = text.find("\n", start, anchor)
        cuts = [c for c in (space, newline) if c != -1]
        if cuts:
            start = min(cuts) + 1
    if end < len(text):
        last_match_end = max((e for s, e in spans if start <= s and e <= end), default=start)
        cut = max(text.rfind(" ", last_match_end, end), text.rfind("\n", last_match_end, end))
        if cut > start:
            end = cut
    return start, end


def make_snippet(text: str, spans: Sequence[Span],
                 width: int = SNIPPET_WIDTH) -> tuple[str, list[Span]]:
    """The best passage of the text with whitespace runs collapsed; returns the snippet and
    the match spans inside it."""
    if not text:
        return "", []
    start, end = snippet_window(text, spans, width)
    # Collapse whitespace, keeping a map from text offsets to snippet offsets.
    pieces: list[str] = []
    position_map: dict[int, int] = {}
    length = 0
    prefix = "…" if start > 0 else ""
    length += len(prefix)
    pieces.append(prefix)
    previous_space = True
    for index in range(start, end):
        char = text[index]
        position_map[index] = length
        if char.isspace():
            if previous_space:
                continue
            pieces.append(" ")
            previous_space = True
        else:
            pieces.append(char)
            previous_space = False
        length += 1
    position_map[end] = length
    snippet = "".join(pieces).rstrip()
    if end < len(text):
        snippet += "…"
    inner = [
        (position_map[s], position_map[e])
        for s, e in spans
        if s >= start and e <= end
    ]
    return snippet, inner
