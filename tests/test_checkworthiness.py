"""Check-worthy sentence suggestions (claims.checkworthiness): model-free and model paths."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from annotations.text import clean_text
from claims import checkworthiness
from claims.checkworthiness import embeddings, suggest_spans
from claims.checkworthiness.cues import propose_claimant, propose_tag
from claims.checkworthiness.model import CheckworthinessModel
from claims.checkworthiness.sentences import split_sentences
from tests.checkworthiness_gold import GOLD

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture
def model_free(settings: Any) -> None:
    settings.CLAIMS_CHECKWORTHY_MODEL = "lexical"


def _cleaned(name: str) -> str:
    return clean_text((SEEDS / name).read_text(encoding="utf-8")).text


def _recall(text: str, spans: list[checkworthiness.SuggestedSpan], gold: list[str]) -> float:
    hits = 0
    for fragment in gold:
        where = text.find(fragment)
        assert where >= 0, f"gold fragment not in the cleaned text: {fragment!r}"
        if any(s.start <= where < s.end for s in spans):
            hits += 1
    return hits / len(gold)


def test_sentences_keep_abbreviations_and_code_point_offsets() -> None:
    text = "Rep. Omar said 12 troops 🇰🇵 died. Gen. Kim denied it!\nNext line here."
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == [
        "Rep. Omar said 12 troops 🇰🇵 died.",
        "Gen. Kim denied it!",
        "Next line here.",
    ]


@pytest.mark.parametrize(
    ("sentence", "tag", "claimant"),
    [
        (
            "Military analysts estimate that Pyongyang sent roughly 11,000 troops to Russia.",
            "estimate",
            "Military analysts",
        ),
        (
            "Its foreign ministry spokesman Lin Jian also noted that the claims were "
            "“totally unfounded”.",
            "denial",
            "foreign ministry spokesman Lin Jian",
        ),
        (
            "Russia previously recruited 12,000 soldiers from North Korea.",
            "claim",
            "",
        ),
        (
            "Leader Kim Jong Un authorized the move, according to a statement from the "
            "Central Military Commission.",
            "claim",
            "Central Military Commission",
        ),
        ("China has denied any direct involvement in the war.", "denial", "China"),
        (
            "In October 2024, South Korean intelligence services reported that Pyongyang had "
            "dispatched approximately 1,500 special forces personnel to Russia, with plans to "
            "send up to 12,000 troops—a claim initially dismissed by North Korea as “groundless "
            "rumors.”",
            "estimate",
            "South Korean intelligence services",
        ),
    ],
)
def test_tag_and_claimant_are_proposed(sentence: str, tag: str, claimant: str) -> None:
    assert propose_tag(sentence) == tag
    assert propose_claimant(sentence) == claimant


def test_suggestions_point_at_whole_sentences_of_the_text(model_free: None) -> None:
    text = _cleaned("003_dd5b3017764dde3b.txt")
    spans = suggest_spans(text)
    assert spans, "a news article always has check-worthy sentences"
    for span in spans:
        assert 0 <= span.start < span.end <= len(text)
        assert text[span.start : span.end] == text[span.start : span.end].strip()
        assert span.tag in {"claim", "denial", "estimate"}
        assert 0.0 <= span.score <= 1.0
    troops = next(s for s in spans if "11,000 troops" in text[s.start : s.end])
    assert troops.tag == "estimate"


@pytest.mark.parametrize("name", sorted(GOLD))
def test_model_free_suggestions_find_the_gold_sentences(model_free: None, name: str) -> None:
    text = _cleaned(name)
    spans = suggest_spans(text)
    assert _recall(text, spans, GOLD[name]) >= 0.6
    # ...without suggesting every sentence of the article.
    assert len(spans) < len(split_sentences(text))


def test_model_free_seed_recall_overall(model_free: None) -> None:
    recalls = []
    for name, gold in GOLD.items():
        text = _cleaned(name)
        recalls.append(_recall(text, suggest_spans(text), gold) * len(gold))
    assert sum(recalls) / sum(len(g) for g in GOLD.values()) >= 0.8


@pytest.mark.skipif(not embeddings.available(), reason="embedding packages not installed")
def test_full_model_finds_every_gold_sentence(settings: Any) -> None:
    settings.CLAIMS_CHECKWORTHY_MODEL = "full"
    for name, gold in GOLD.items():
        text = _cleaned(name)
        assert _recall(text, suggest_spans(text), gold) == 1.0, name


@pytest.mark.skipif(not embeddings.available(), reason="embedding packages not installed")
def test_embeddings_are_normalised_and_meaningful() -> None:
    vectors = embeddings.embed(
        ["North Korea sent 12,000 troops to Russia.",
         "Pyongyang deployed 12,000 soldiers to Russia.", "The recipe needs two eggs."]
    )  # fmt: skip
    assert vectors.shape == (3, embeddings.DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.3


def test_model_round_trips_through_npz_without_pickle(tmp_path: Path) -> None:
    texts = ["The army sent 10,000 troops.", "I love this town.", "Taxes rose 5% in 2024.",
             "Thank you all.", "Exports fell by 12m tonnes.", "Good evening."] * 3  # fmt: skip
    labels = [1, 0, 1, 0, 1, 0] * 3
    model = CheckworthinessModel.fit(texts, labels, use_embeddings=False)
    model.save(tmp_path / "m.npz")
    loaded = CheckworthinessModel.load(tmp_path / "m.npz")
    assert np.allclose(model.predict_proba(texts), loaded.predict_proba(texts))
    assert loaded.predict_proba(["The army sent 12,000 troops."])[0] > 0.5


def test_retrain_needs_both_outcomes_and_then_moves_scores(
    model_free: None, tmp_path: Path, settings: Any
) -> None:
    settings.CLAIMS_MODEL_DIR = tmp_path
    accepted = [f"Officials said {n} soldiers were deployed to the border." for n in range(30)]
    rejected = [f"Subscribe to our newsletter number {n} for weekly updates." for n in range(30)]
    few = checkworthiness.retrain([(s, True) for s in accepted[:5]])
    assert few["saved"] is False and "need at least" in few["reason"]
    probe = ["Subscribe to our newsletter for weekly updates on the war."]
    before = checkworthiness.score_sentences(probe)[0]
    result = checkworthiness.retrain([(s, True) for s in accepted] + [(s, False) for s in rejected])
    assert result["saved"] is True
    assert (result["accepted"], result["rejected"]) == (30, 30)
    assert (tmp_path / checkworthiness.DESK_MODEL_NAME).is_file()
    after = checkworthiness.score_sentences(probe)[0]
    assert after < before
