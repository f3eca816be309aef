"""content_hash and MinHash near-duplicate signatures."""

from __future__ import annotations

import json
import unicodedata

from annotations.text.dedup import (
    NEAR_DUPLICATE_THRESHOLD,
    NUM_PERM,
    content_hash,
    signature,
    similarity,
)

ARTICLE = " ".join(
    f"Paragraph {i}: North Korea confirmed for the first time that its troops fought in the "
    f"Kursk region alongside Russian forces, according to the state news agency KCNA."
    for i in range(12)
)
OTHER = " ".join(
    f"Item {i}: the central bank left interest rates unchanged on Thursday and signalled that "
    f"inflation would stay above target until the end of next year, economists said."
    for i in range(12)
)


def test_hash_is_sha256_hex_of_normalised_text():
    h = content_hash("Café\r\nline  \n")
    assert len(h) == 64 and int(h, 16) >= 0
    assert h == content_hash(unicodedata.normalize("NFD", "Café") + "\nline")


def test_hash_differs_for_different_text():
    assert content_hash(ARTICLE) != content_hash(OTHER)


def test_signature_is_json_serialisable_ints():
    sig = signature(ARTICLE)
    assert len(sig) == NUM_PERM and all(isinstance(v, int) for v in sig)
    assert json.loads(json.dumps(sig)) == sig


def test_signature_is_stable():
    assert signature(ARTICLE) == signature(ARTICLE)


def test_identical_and_near_duplicates():
    assert similarity(signature(ARTICLE), signature(ARTICLE)) == 1.0
    republished = ARTICLE + " Subscribe to our newsletter for more news from the region."
    assert similarity(signature(ARTICLE), signature(republished)) >= NEAR_DUPLICATE_THRESHOLD


def test_unrelated_texts_are_not_duplicates():
    assert similarity(signature(ARTICLE), signature(OTHER)) < 0.2


def test_threshold():
    assert NEAR_DUPLICATE_THRESHOLD == 0.8


def _jaccard(a: str, b: str) -> float:
    from annotations.text.dedup import shingles

    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / len(sa | sb)


def _pairs(count: int = 120) -> list[tuple[str, str]]:
    """Texts of 300 words and a copy with a varying share of its words replaced."""
    import random

    rng = random.Random(3)
    vocabulary = [f"w{i}" for i in range(3000)]
    pairs = []
    for n in range(count):
        words = [rng.choice(vocabulary) for _ in range(300)]
        other = [rng.choice(vocabulary) if rng.random() < 0.3 * n / count else w for w in words]
        pairs.append((" ".join(words), " ".join(other)))
    return pairs


def test_estimates_track_exact_jaccard_similarity():
    """MinHash with 128 functions: the estimate's standard error is at most 0.044."""
    errors = [similarity(signature(a), signature(b)) - _jaccard(a, b) for a, b in _pairs()]
    assert abs(sum(errors) / len(errors)) < 0.015  # unbiased
    assert max(abs(e) for e in errors) < 0.16  # > 3.5 standard errors: a broken hash
    assert sum(e * e for e in errors) / len(errors) < 0.045**2


def test_estimates_agree_with_datasketch_minhash():
    """Cross-check against the reference implementation: both estimate the same Jaccard."""
    from datasketch import MinHash

    from annotations.text.dedup import shingles

    def reference(text: str) -> MinHash:
        mh = MinHash(num_perm=128, seed=1)
        mh.update_batch([sh.encode("utf-8") for sh in shingles(text)])
        return mh

    gaps = []
    for a, b in _pairs(60):
        ours = similarity(signature(a), signature(b))
        gaps.append(abs(ours - reference(a).jaccard(reference(b))))
    assert sum(gaps) / len(gaps) < 0.05


def test_signature_ignores_what_normalisation_removes():
    text = "Café au lait\r\nis served   \n\n\n\nhot " * 20
    assert signature(text) == signature(unicodedata.normalize("NFD", text) + "\n")
    from annotations.text.normalize import normalize_text

    assert signature(normalize_text(text), normalized=True) == signature(text)


def test_short_and_empty_texts():
    assert signature("") == [0xFFFFFFFF] * NUM_PERM
    assert len(set(signature("two words"))) > 100  # still a real signature
    assert similarity(signature("two words"), signature("two words")) == 1.0
    assert similarity(signature("two words"), signature("other words")) < 0.2


def test_scheme_is_pinned():
    """Stored signatures and band keys must stay comparable with new ones: a change of the
    scheme needs a migration that recomputes them (see annotations/migrations/0012)."""
    from annotations.text.dedup import SIGNATURE_VERSION, band_keys

    sig = signature("North Korea confirmed for the first time that its troops fought in Kursk.")
    assert SIGNATURE_VERSION == 2
    assert sig[:4] == [314514481, 314050295, 323958343, 78029445]
    assert band_keys(sig)[:2] == [(0, 2036576317742844523), (1, -1240422405779804161)]
    assert len(band_keys(sig)) == 32 and all(-(2**63) <= k < 2**63 for _b, k in band_keys(sig))
