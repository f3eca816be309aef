# Near-duplicate signatures, scheme 2 (issue 14): the MinHash is computed with numpy instead of
# one SHA-1 per shingle, and the LSH band keys with it. Stored signatures of the old scheme
# would never match new ones, so every article's signature and band rows are recomputed from
# its stored text. The scheme is imported from the code on purpose: it is the one the
# importer uses from now on (a later change of scheme brings its own migration).

from django.db import migrations

CHUNK = 500


def recompute(apps, schema_editor):
    from annotations.text.dedup import band_keys, signatures

    Article = apps.get_model("annotations", "Article")
    MinHashBand = apps.get_model("annotations", "MinHashBand")
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = list(Article.objects.filter(pk__in=ids[start : start + CHUNK]).only("pk", "text"))
        for article, sig in zip(chunk, signatures(a.text for a in chunk), strict=True):
            article.minhash = sig
        Article.objects.bulk_update(chunk, ["minhash"], batch_size=CHUNK)
        MinHashBand.objects.filter(article_id__in=[a.pk for a in chunk]).delete()
        MinHashBand.objects.bulk_create(
            MinHashBand(article_id=a.pk, band=band, key=key)
            for a in chunk
            for band, key in band_keys(a.minhash)
        )


class Migration(migrations.Migration):
    dependencies = [("annotations", "0011_claims_pending")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop, elidable=True)]
