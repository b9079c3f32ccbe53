"""Core fixtures: indexes built in temporary folders from the real bundled articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from searchapp.core.index import Collection, Library, bundled_seeds_dir

SEED_NAMES = [
    "000_2a6baaa5875578d0.txt",
    "001_903a7f7205f0a688.txt",
    "002_3895aaea98e54197.txt",
    "003_09ada0fa5a3b2448.txt",
    "004_d86788690ba52cb9.txt",
]


@pytest.fixture(scope="session")
def seeds_library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    """The bundled articles, indexed once for the whole session (read-only use)."""
    library = Library(tmp_path_factory.mktemp("seeds-data"))
    library.ensure_ready()
    return library


@pytest.fixture
def make_library(tmp_path: Path):
    """Index a folder of text files written by the test: make_library({"a.txt": "..."})."""

    def make(files: dict[str, str | bytes], name: str = "docs") -> Library:
        folder = tmp_path / name
        folder.mkdir(parents=True, exist_ok=True)
        for file_name, content in files.items():
            target = folder / file_name
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        library = Library(tmp_path / f"{name}-data", collections=[Collection(name, folder)])
        library.ensure_ready()
        return library

    return make


def names(results) -> list[str]:
    return [Path(hit.path).name for hit in results.hits]


def seed_path(name: str) -> Path:
    return bundled_seeds_dir() / name
