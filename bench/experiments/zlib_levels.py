"""Every postings block a build compresses, compressed again at zlib levels 1, 2, 3 (the
one Whoosh uses) and 6: CPU time and bytes.

    /work/venv/bin/python bench/experiments/zlib_levels.py /tmp/corpus/real
"""
import shutil
import sys
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from searchapp.core import index, pool  # noqa: E402
from searchapp.core.index import Collection, Library  # noqa: E402

samples: list[bytes] = []
compress = zlib.compress


class _Recording:
    @staticmethod
    def compress(data, level):
        samples.append(data)
        return compress(data, level)


if __name__ == "__main__":
    # One process, so that every block is compressed here (a parallel build's commit has
    # the worker processes compress them).
    index.PARALLEL_MIN_FILES = sys.maxsize
    pool.zlib = _Recording
    data = Path("/tmp/zlib-levels")
    shutil.rmtree(data, ignore_errors=True)
    library = Library(data, collections=[Collection("c", Path(sys.argv[1]))])
    library.rebuild()
    print(f"{len(samples)} blocks, {sum(map(len, samples)) / 1e6:.1f} MB before zlib")
    for level in (1, 2, 3, 6):
        t = time.process_time()
        size = sum(len(compress(s, level)) for s in samples)
        print(f"level {level}: {time.process_time() - t:.2f} CPU s, {size / 1e6:.2f} MB")
    shutil.rmtree(data, ignore_errors=True)
