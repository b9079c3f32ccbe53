"""A build worker's batch analysis gives exactly the postings Whoosh's fields give."""

from __future__ import annotations

import re

import numpy as np
import pytest

from searchapp.core import batch as batch_module
from searchapp.core.batch import BatchPostings
from searchapp.core.index import _distinct_words, _read_batch_for_index
from searchapp.core.schema import TOKEN_PATTERN, InBatch, build_schema

from .test_pool import _seed_words

SCHEMA = build_schema()


def _postings(columns: tuple) -> list[tuple]:
    """BatchPostings' columns of one field as (word, document, weight, value) tuples."""
    words, numbers, word_numbers, documents, weights, lengths, values = columns
    word_of = dict(zip(np.frombuffer(numbers, np.uint32).tolist(), words, strict=True))
    ends = np.cumsum(np.frombuffer(lengths, np.uint32)).tolist()
    starts = [0, *ends[:-1]]
    return sorted(zip([word_of[n] for n in np.frombuffer(word_numbers, np.uint32).tolist()],
                      np.frombuffer(documents, np.uint32).tolist(),
                      np.frombuffer(weights, np.float64).tolist(),
                      [values[start:end] for start, end in zip(starts, ends, strict=True)],
                      strict=True))


def _expected(documents: list[dict]) -> dict[str, list[tuple]]:
    """The same postings from Whoosh's own field.index(), a document at a time."""
    expected: dict[str, list[tuple]] = {}
    for number, values in enumerate(documents):
        values = {**values,
                  "spell": _distinct_words(f"{values['title']}\n{values['body']}")}
        for name in ("title", "body", "spell"):
            expected.setdefault(name, []).extend(
                (word, number, weight, value)
                for word, _frequency, weight, value in SCHEMA[name].index(values[name]))
    return {name: sorted(postings) for name, postings in expected.items() if postings}


def _analysed(documents: list[dict]) -> tuple[list[dict], dict[str, list[tuple]]]:
    analysed = BatchPostings(SCHEMA)
    prepared = [analysed.add_document(values) for values in documents]
    return prepared, {name: _postings(columns)
                      for name, columns in analysed.columns().items()}


def test_the_bundled_articles_analyse_as_whoosh_analyses_them() -> None:
    """Typographic quotes and apostrophes, dates, reader comments: real text."""
    words = _seed_words()
    documents = [{"title": " ".join(words[i:i + 9]), "body": " ".join(words[i:i + 3000])}
                 for i in range(0, len(words), 1500)]
    prepared, postings = _analysed(documents)
    assert postings == _expected(documents)
    for values, document in zip(prepared, documents, strict=True):
        assert values["_stored_body"] == document["body"]
        assert type(values["body"]) is InBatch
        assert values["body"].length == len(list(SCHEMA["body"].analyzer(document["body"])))
        assert values["spell"].length == 0


def test_postings_pickled_the_way_python_pickles_them_at_every_size() -> None:
    """A word seen 2,500 times (tuples memoised past 255, appended in batches of 1000),
    offsets and positions past 255 and 65,535 (each size of integer pickle has), accents,
    apostrophes, a document without words and an empty one."""
    long_gap = " " * 70_000
    documents = [
        {"title": "Rust", "body": "shot " * 2500},
        {"title": "", "body": "-- ... --"},
        {"title": "Café naïve", "body": f"didn’t{long_gap}Baldwin’s rock’n’roll{long_gap}"
                                         "Baldwin's café " + "word " * 300 + "café"},
        {"title": "a", "body": "b " * 1001 + "a " * 999 + "c " * 1000},
        {"title": "Ünïcödé", "body": ""},
        {"title": "far", "body": "x " * 70_000 + "far"},
        # Each integer size's edges: gaps, word lengths and positions of 255 to 65,536.
        {"title": "edges",
         "body": "a" + "".join(" " * gap + "a" for gap in (255, 256, 65_535, 65_536))
                 + "".join(f" {'z' * length}" for length in (255, 256))
                 + "".join(" q" + " w" * (gap - 1) for gap in (255, 256, 65_535, 65_536))},
    ]
    _prepared, postings = _analysed(documents)
    assert postings == _expected(documents)


def test_forgetting_remembered_words_between_batches_changes_nothing(monkeypatch) -> None:
    monkeypatch.setattr(batch_module, "REMEMBERED_WORDS", 10)
    words = _seed_words()
    for start in (0, 1000, 2000):
        body = " ".join(words[start:start + 1000])
        documents = [{"title": "", "body": body}]
        assert _analysed(documents)[1] == _expected(documents)
    # Only the last batch's words are remembered.
    assert len(batch_module._stems) == len(set(re.findall(TOKEN_PATTERN, body)))


def test_a_field_analysed_otherwise_is_refused() -> None:
    from whoosh import fields

    schema = build_schema()
    schema.remove("body")
    schema.add("body", fields.TEXT(stored=True))
    with pytest.raises(TypeError, match="body"):
        BatchPostings(schema)


def test_a_text_too_long_to_index_fails_alone(tmp_path, monkeypatch) -> None:
    """A text whose offsets would not fit the postings format (over 2**31 characters; here
    the limit is lowered) is reported as not indexed, and its batch goes on without it."""
    monkeypatch.setattr(batch_module, "_MAX_INT", 1_000)
    long_file = tmp_path / "long.txt"
    long_file.write_text("Long\n\n" + "word " * 400, encoding="utf-8")
    short_file = tmp_path / "short.txt"
    short_file.write_text("Short\n\nA few words.", encoding="utf-8")
    outcomes, columns = _read_batch_for_index([("docs", str(long_file)),
                                               ("docs", str(short_file))])
    assert outcomes[0] == ("failed", str(long_file),
                           "too long to index (2,000 characters of text)")
    assert outcomes[1][0] == "ok"
    # The short file is the batch's document 0, as the writer numbers the ones it adds.
    assert {document for _, document, _, _ in _postings(columns["body"])} == {0}
    assert [word for word, *_ in _postings(columns["body"])] == [b"a", b"few", b"word"]


def test_postings_made_in_small_chunks_are_the_same(monkeypatch) -> None:
    """Chunks of whole documents: ones cut at every few occurrences, documents without any
    words on the boundaries, a document longer than a chunk."""
    monkeypatch.setattr(batch_module, "CHUNK_OCCURRENCES", 7)
    words = _seed_words()
    documents = [{"title": "", "body": ""}, {"title": "x", "body": "-- --"}]
    documents += [{"title": " ".join(words[i:i + 3]), "body": " ".join(words[i:i + n])}
                  for i, n in zip(range(0, 600, 40), [1, 5, 6, 7, 8, 30] * 3, strict=False)]
    documents += [{"title": "", "body": ""}]
    assert _analysed(documents)[1] == _expected(documents)
