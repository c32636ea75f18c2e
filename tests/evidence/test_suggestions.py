"""Criterion suggestions (openepa.evidence.suggestions): the labelled set is sound, the
keyword ranking does clearly better than chance on it, and the optional embedding model,
when installed, loads from its package without a download."""

from __future__ import annotations

import socket

import pytest

from benchmarks.criterion_suggestions import load, measure
from openepa.evidence import suggestions
from openepa.evidence.suggestions import KeywordRanker, order_by_suggestion, showcase_criteria


@pytest.fixture(scope="module")
def labelled():
    return load()


def test_the_labelled_set_has_at_least_60_texts_each_with_showcase_criteria(st0072, labelled):
    known = {c.code for c in showcase_criteria(st0072)}
    assert len(labelled) >= 60
    assert len({text for text, _ in labelled}) == len(labelled)  # no text twice
    for text, wanted in labelled:
        assert wanted, text
        assert wanted <= known, text
    # Every showcase criterion is shown by at least one text.
    assert set().union(*(w for _, w in labelled)) == known


def test_the_keyword_ranking_beats_chance_by_far(st0072, labelled):
    found = measure(KeywordRanker(st0072), labelled, repeat=1)
    # Chance is 1 in 40 for top-1 and 3 in 40 for top-3 (benchmark figures in the README).
    assert found["top1"] > 0.4
    assert found["top3"] > 0.6


def test_suggested_criteria_come_first_then_the_rest_in_order(st0072):
    criteria = showcase_criteria(st0072)
    ordered = order_by_suggestion(criteria, ["K3.3", "K2.1", "NOPE"])
    assert [(c.code, s) for c, s in ordered[:3]] == [
        ("K3.3", True),
        ("K2.1", True),
        ("K2.2", False),
    ]
    assert len(ordered) == len(criteria)


def test_the_embedding_model_loads_from_its_package_with_the_network_shut(
    st0072, labelled, monkeypatch
):
    pytest.importorskip("wordllama", reason="the optional embeddings extra is not installed")

    def refuse(*args, **kwargs):
        raise AssertionError("the model tried to reach the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    ranker = suggestions.EmbeddingRanker(st0072)
    found = measure(ranker, labelled, repeat=1)
    assert found["top3"] > 0.6
