"""BM25F K1 / B, title boost, idf, stop words and a proximity bonus — on TRAIN, on top of
the fallback rule chosen in relevance_fallback.py (BASE).

    /work/venv/bin/python bench/experiments/relevance_weighting.py [variant ...]
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from relevance_patches import main  # noqa: E402

BASE = {"parens_are_words": True, "long_query_words": 5, "scale": None}

VARIANTS = {
    "base (K1 1.2 B 0.75 title 2)": {},
    "K1 0.9 B 0.4": {"K1": 0.9, "B": 0.4},
    "K1 0.9 B 0.75": {"K1": 0.9, "B": 0.75},
    "K1 1.2 B 0.4": {"K1": 1.2, "B": 0.4},
    "K1 1.5 B 0.75": {"K1": 1.5, "B": 0.75},
    "K1 1.2 B 1.0": {"K1": 1.2, "B": 1.0},
    "title 0": {"title_boost": 0.0},
    "title 1": {"title_boost": 1.0},
    "title 1.5": {"title_boost": 1.5},
    "title 3": {"title_boost": 3.0},
    "lucene idf": {"idf": "lucene"},
    "keep stop words": {"keep_stopwords": True},
    "proximity slop 3 x0.5": {"proximity": (3, 0.5)},
}
VARIANTS = {name: {**BASE, **cfg} for name, cfg in VARIANTS.items()}

if __name__ == "__main__":
    main("weighting", VARIANTS)
