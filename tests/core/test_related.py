"""Related articles and story clusters on the bundled articles."""

from __future__ import annotations

from pathlib import Path

from searchapp.core.related import cluster_stories, related
from searchapp.core.search import search

from .conftest import SEED_NAMES, seed_path


def short(path: str) -> str:
    return Path(path).name[:3]


def test_clusters_are_the_two_stories(seeds_library):
    hits = search(seeds_library, "", limit=10).hits
    clusters = cluster_stories(seeds_library, [hit.path for hit in hits])
    assert sorted(sorted(short(p) for p in c.paths) for c in clusters) == [
        ["000", "001"], ["002", "003", "004"]]
    for cluster in clusters:
        assert cluster.best == cluster.paths[0]
        assert cluster.also == len(cluster.paths) - 1
        assert cluster.key_terms


def test_clusters_keep_the_result_order(seeds_library):
    results = search(seeds_library, "trigger", limit=10)
    paths = [hit.path for hit in results.hits]
    clusters = cluster_stories(seeds_library, paths)
    assert clusters[0].best == paths[0]
    flattened = [p for c in clusters for p in c.paths]
    assert sorted(flattened) == sorted(paths)
    for cluster in clusters:
        assert list(cluster.paths) == [p for p in paths if p in cluster.paths]
    assert cluster_stories(seeds_library, []) == []
    assert len(cluster_stories(seeds_library, [paths[0]])) == 1


def test_related_to_002(seeds_library):
    found = related(seeds_library, str(seed_path(SEED_NAMES[2])))
    assert {short(r.path) for r in found[:2]} == {"003", "004"}
    assert short(found[0].path) != "002" and all(short(r.path) != "002" for r in found)
    best = found[0]
    assert best.shared_quotes and best.shared_terms
    assert best.reason.startswith("Shares") and "quotation" in best.reason
    assert "\n" not in best.reason
    assert [r.score for r in found] == sorted((r.score for r in found), reverse=True)


def test_related_to_000_is_001(seeds_library):
    found = related(seeds_library, SEED_NAMES[0], limit=2)
    assert short(found[0].path) == "001" and len(found) == 2
    assert any("pardon" in q for q in found[0].shared_quotes)
