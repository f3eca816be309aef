# Only http(s) URLs are stored (issue 13, stored XSS through the article URL). Rows stored
# before the rule are neutralised first: a non-http(s) article or feed entry URL is cleared,
# such evidence URLs are dropped, a feed with such a URL is switched off; then the check
# constraint makes the database the backstop for article URLs.

import django.core.validators
from django.db import migrations, models

HTTP = ("http://", "https://")


def _is_http(url):
    return isinstance(url, str) and url.lower().startswith(HTTP) and len(url) > 8


def _fixed(url):
    """The URL with a lower-case scheme, or "" when it is not an http(s) URL."""
    if not _is_http(url):
        return ""
    scheme, rest = url.split(":", 1)
    return f"{scheme.lower()}:{rest}"


def neutralise(apps, schema_editor):
    Article = apps.get_model("annotations", "Article")
    Annotation = apps.get_model("annotations", "Annotation")
    Feed = apps.get_model("annotations", "Feed")
    FeedEntry = apps.get_model("annotations", "FeedEntry")
    # Scanned in Python: LIKE is case-insensitive on SQLite and case-sensitive on PostgreSQL,
    # and an upper-case "HTTPS://" is kept (lower-cased) rather than cleared.
    for model in (Article, FeedEntry):
        for pk, url in model.objects.exclude(url="").values_list("pk", "url").iterator():
            if _fixed(url) != url:
                model.objects.filter(pk=pk).update(url=_fixed(url))
    for feed in Feed.objects.iterator():
        if not _is_http(feed.url):
            feed.is_active = False
            feed.last_error = "Switched off: the feed URL is not an http(s) URL."
            feed.save(update_fields=["is_active", "last_error"])
    rows = Annotation.objects.values_list("pk", "evidence_urls")
    for pk, urls in rows.iterator():
        if not urls:
            continue
        if not isinstance(urls, list):
            Annotation.objects.filter(pk=pk).update(evidence_urls=[])
            continue
        kept = [_fixed(u) for u in urls if _is_http(u)]
        if kept != urls:
            Annotation.objects.filter(pk=pk).update(evidence_urls=kept)


class Migration(migrations.Migration):

    dependencies = [
        ("annotations", "0008_item_heartbeat"),
    ]

    operations = [
        migrations.RunPython(neutralise, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="article",
            name="url",
            field=models.URLField(blank=True, db_index=True, max_length=2000, validators=[django.core.validators.URLValidator(schemes=["http", "https"])]),
        ),
        migrations.AlterField(
            model_name="feed",
            name="url",
            field=models.URLField(max_length=2000, unique=True, validators=[django.core.validators.URLValidator(schemes=["http", "https"])]),
        ),
        migrations.AlterField(
            model_name="feedentry",
            name="url",
            field=models.URLField(blank=True, max_length=2000, validators=[django.core.validators.URLValidator(schemes=["http", "https"])]),
        ),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.CheckConstraint(condition=models.Q(("url", ""), ("url__startswith", "http://"), ("url__startswith", "https://"), _connector="OR"), name="article_url_http_only"),
        ),
    ]
