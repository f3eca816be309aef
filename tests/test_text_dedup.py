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


def test_signatures_equal_datasketch_minhash_exactly():
    from datasketch import MinHash

    from annotations.text.dedup import shingles, signatures

    texts = [LONG_TEXT_FOR_SIGNATURES, "", "two words", "Ünïcödé text with ß and emoji 🙂 " * 9]
    expected = []
    for text in texts:
        mh = MinHash(num_perm=128, seed=1)
        mh.update_batch([sh.encode("utf-8") for sh in shingles(text)])
        expected.append([int(v) for v in mh.hashvalues])
    assert signatures(texts) == expected
    assert all(isinstance(v, int) for v in signatures(texts)[0])


LONG_TEXT_FOR_SIGNATURES = " ".join(f"word{i % 97} other{i % 13}" for i in range(800))
