"""When to fall back to the closest (OR) ranking, and how it is scored — on TRAIN.

    /work/venv/bin/python bench/experiments/relevance_fallback.py
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from relevance_patches import main  # noqa: E402

VARIANTS = {
    "app as is": {},
    "parens are words": {"parens_are_words": True},
    "parens, fallback<10": {"parens_are_words": True, "fallback_below": 10},
    "parens, fallback<100": {"parens_are_words": True, "fallback_below": 100},
    "parens, >=5 words always OR s0.9": {"parens_are_words": True, "long_query_words": 5,
                                         "scale": 0.9},
    "parens, >=5 words always OR plain": {"parens_are_words": True, "long_query_words": 5,
                                          "scale": None},
    "parens, >=3 words always OR plain": {"parens_are_words": True, "long_query_words": 3,
                                          "scale": None},
}

if __name__ == "__main__":
    main("fallback", VARIANTS)
