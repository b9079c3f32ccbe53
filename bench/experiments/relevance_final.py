"""The chosen configuration (FINAL), measured like bench/relevance.py: every query of the
split through searchapp.core.search.search(limit=100), snippets on, timed.

    /work/venv/bin/python bench/experiments/relevance_final.py --split test
"""
import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from relevance_patches import BENCH_DIR, patched  # noqa: E402

import relevance as R  # noqa: E402

FINAL = {"parens_are_words": True}

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", choices=("test", "train"), default="test")
    args = parser.parse_args()
    library = R.prepare_library()
    with patched(FINAL):
        outcome = R.evaluate(library, args.split)
    print(f"FINAL {FINAL}")
    print(f"SciFact {args.split}: {outcome.line()}")
    out = BENCH_DIR / "results" / f"final_{args.split}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"config": FINAL, **outcome.summary(),
                               "errors": outcome.errors}, indent=1, default=str))
