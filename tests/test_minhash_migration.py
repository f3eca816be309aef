"""Migration 0012 recomputes stored signatures and band rows with the current scheme."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from annotations.models import MinHashBand
from annotations.text.dedup import band_keys, signature
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_old_signatures_and_bands_are_recomputed_from_the_text():
    migration = importlib.import_module("annotations.migrations.0012_minhash_v2")
    old = make_article(minhash=[7] * 128)
    MinHashBand.objects.create(article=old, band=0, key=12345)
    other = make_article(minhash=[])
    migration.recompute(apps, None)
    for article in (old, other):
        article.refresh_from_db()
        assert article.minhash == signature(article.text)
        stored = set(MinHashBand.objects.filter(article=article).values_list("band", "key"))
        assert stored == set(band_keys(article.minhash))
    assert not MinHashBand.objects.filter(key=12345).exists()
