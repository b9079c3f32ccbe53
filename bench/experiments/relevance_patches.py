"""Runtime patches of searchapp.core.search / schema for the relevance experiments.

Nothing under searchapp/ is edited: each knob below replaces a module attribute while a
variant runs, and ``patched()`` puts every original back afterwards.

Knobs (all optional; None / absent = the app as it is):
  K1, B, title_B, body_B   BM25F parameters (whoosh.scoring.BM25F), set on the searcher
  idf="lucene"             BM25 idf log(1 + (N - n + 0.5) / (n + 0.5)) instead of Whoosh's
                           log(N / (n + 1)) + 1
  title_boost              searchapp.core.search.TITLE_BOOST (the parser is rebuilt)
  fallback_below           searchapp.core.search.FALLBACK_BELOW
  long_query_words         bags of at least this many words always rank with the closest
                           (OR) query: FALLBACK_BELOW is raised past any result count for them
  scale                    coordination scale of the closest query (None: plain OR sum)
  parens_are_words         a bag of words may hold parenthesised words: "lupus (SLE)"
  keep_stopwords           do not drop stop words from bags of words
  proximity                (slop, boost): closest-mode queries also reward adjacent query
                           words found near each other in the body (AndMaybe + Phrase)
"""

from __future__ import annotations

import contextlib
import math
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(BENCH_DIR.parent))

import searchapp.core.search as S  # noqa: E402
from whoosh import query as wq  # noqa: E402
from whoosh import scoring  # noqa: E402
from whoosh.qparser import syntax  # noqa: E402


class LuceneIdfBM25F(scoring.BM25F):
    """BM25F with the idf of Lucene / Robertson-Sparck Jones (never negative)."""

    def idf(self, searcher, fieldname, text):
        parent = searcher.get_parent()
        n = parent.doc_frequency(fieldname, text)
        dc = parent.doc_count_all()
        return math.log(1 + (dc - n + 0.5) / (n + 0.5))


def make_weighting(cfg: dict):
    keys = ("K1", "B", "title_B", "body_B", "idf")
    if not any(k in cfg for k in keys):
        return None
    kwargs = {"K1": cfg.get("K1", 1.2), "B": cfg.get("B", 0.75)}
    for field in ("title_B", "body_B"):
        if field in cfg:
            kwargs[field] = cfg[field]
    cls = LuceneIdfBM25F if cfg.get("idf") == "lucene" else scoring.BM25F
    return cls(**kwargs)


def _is_bag_of_words_parens(tree: syntax.SyntaxNode) -> bool:
    """Like the app's, but words inside plain parentheses count as words: "lupus (SLE)".
    The parser turns each plain word into an OrGroup of that word in each default field;
    parentheses make an AndGroup of such groups."""
    if not isinstance(tree, syntax.AndGroup):
        return False

    def words(group):
        for n in group:
            if isinstance(n, syntax.Whitespace):
                continue
            if type(n) is syntax.AndGroup:
                yield from words(n)
            else:
                yield n

    found = list(words(tree))
    return len(found) >= 2 and all(
        type(n) is syntax.OrGroup and all(type(w) is syntax.WordNode for w in n)
        for n in found
    )


def _closest_query_scaled(scale):
    def _closest_query(q: wq.Query) -> wq.Query:
        if isinstance(q, wq.And):
            return wq.Or(_flatten_and(q), boost=q.boost, scale=scale)
        return q
    return _closest_query


def _flatten_and(q: wq.And) -> list:
    out = []
    for c in q.subqueries:
        out.extend(_flatten_and(c) if isinstance(c, wq.And) else [c])
    return out


def _body_word(sub: wq.Query):
    """The body term of one word of a bag (Or(title:w, body:w)), or None."""
    for leaf in (sub.subqueries if isinstance(sub, wq.Or) else [sub]):
        if isinstance(leaf, wq.Term) and leaf.fieldname == "body":
            return leaf.text
    return None


def _with_proximity(q: wq.Query, slop: int, boost: float) -> wq.Query:
    if not isinstance(q, wq.Or):  # only the closest query (a bag's OR) gets the bonus
        return q
    words = [_body_word(s) for s in q.subqueries]
    pairs = [wq.Phrase("body", [a, b], slop=slop, boost=boost)
             for a, b in zip(words, words[1:]) if a and b]
    if not pairs:
        return q
    return wq.AndMaybe(q, wq.Or(pairs))


@contextlib.contextmanager
def patched(cfg: dict):
    saved = {name: getattr(S, name) for name in (
        "TITLE_BOOST", "FALLBACK_BELOW", "_closest_query", "_is_bag_of_words",
        "_drop_stopwords", "_run", "parse_query")}
    weighting = make_weighting(cfg)
    original_run = S._run
    original_parse = S.parse_query
    try:
        if "title_boost" in cfg:
            S.TITLE_BOOST = cfg["title_boost"]
        S._parsers.clear()  # built with TITLE_BOOST
        if "fallback_below" in cfg:
            S.FALLBACK_BELOW = cfg["fallback_below"]
        if "scale" in cfg:
            S._closest_query = _closest_query_scaled(cfg["scale"])
        if cfg.get("parens_are_words"):
            S._is_bag_of_words = _is_bag_of_words_parens
        if cfg.get("keep_stopwords"):
            S._drop_stopwords = lambda q: q
        if cfg.get("long_query_words"):
            base = S.FALLBACK_BELOW

            def parse_query(text, schema):
                parsed = original_parse(text, schema)
                long = parsed.bag_of_words and parsed.word_count >= cfg["long_query_words"]
                S.FALLBACK_BELOW = math.inf if long else base
                return parsed
            S.parse_query = parse_query
        proximity = cfg.get("proximity")

        def _run(searcher, q, limit, sort, *rest):
            if weighting is not None and searcher.weighting is not weighting:
                searcher.weighting = weighting
                searcher._idf_cache.clear()
            if proximity and isinstance(q, wq.Or):
                q = _with_proximity(q, *proximity)
            return original_run(searcher, q, limit, sort, *rest)
        S._run = _run
        yield
    finally:
        for name, value in saved.items():
            setattr(S, name, value)
        S._parsers.clear()


def run_variants(variants: dict[str, dict], split: str = "train", out: Path | None = None):
    """Evaluate each named variant on the split; print a line each and save JSON."""
    import json

    import relevance as R

    library = R.prepare_library(log=lambda *a: None)
    results = {}
    for name, cfg in variants.items():
        library.close()  # a new searcher: default weighting, empty idf cache
        with patched(cfg):
            outcome = R.evaluate(library, split, snippets=False)
        results[name] = {"config": cfg, **outcome.summary()}
        print(f"{name:<34} {outcome.line()}", flush=True)
        if out:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(results, indent=1, default=str))
    return results


def main(prefix: str, variants: dict[str, dict]) -> None:
    """Command line of an experiment script: run all its variants, or those named."""
    import re
    names = sys.argv[1:] or list(variants)
    tag = "" if names == list(variants) else "_" + re.sub(r"\W+", "-", "_".join(names))[:80]
    run_variants({n: variants[n] for n in names}, "train",
                 BENCH_DIR / "results" / f"train_{prefix}{tag}.json")
