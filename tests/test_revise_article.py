"""A changed text becomes a new revision; every annotation is re-anchored, none is lost."""

from __future__ import annotations

import pytest

from annotations.models import Annotation, Article, ArticleRevision, AuditEvent
from annotations.models.review import AnnotationKind
from annotations.services.annotating import delete_annotation
from annotations.services.revisions import RevisionError, revise_article
from annotations.text import CleanedText, RemovedLine
from annotations.text.anchoring import context_for
from tests.factories import make_annotation, make_article
from tests.revision_texts import ARTICLE, DUPLICATE, EDITS, P3, QUOTES, span

BOB_QUOTES = ("figure", "kremlin", "disputed", "verified")
FINAL_QUOTES = ("figure", "kremlin")

# Where each realistic edit must put the annotation it is about (all others: exact or moved).
EXPECTED = {
    "corrected_figure": {"figure": "fuzzy"},
    "paragraph_above": {"confirmed": "exact", "figure": "moved", "verified": "moved"},
    "sentence_deleted": {"kremlin": "orphaned", "liberate": "exact", "disputed": "moved"},
    "reflowed": {"liberate": "moved", "figure": "moved"},
    "duplicated_phrase": {"disputed": "moved"},
}


@pytest.fixture
def seeded(alice, bob, carol):
    """A seed-like article annotated by two reviewers, with two final (adjudicated) spans."""
    article = make_article(ARTICLE)
    for name in QUOTES:
        make_annotation(article, alice, *span(ARTICLE, name), note=name)
    for name in BOB_QUOTES:
        make_annotation(article, bob, *span(ARTICLE, name), note=name)
    for name in FINAL_QUOTES:
        make_annotation(article, carol, *span(ARTICLE, name), note=name, kind=AnnotationKind.FINAL)
    return article


def _revise(article, text, **extra):
    return revise_article(
        article_id=article.pk, raw=text, raw_format="text", cleaned=CleanedText(text=text), **extra
    )


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_realistic_edit_keeps_every_annotation_anchored_or_orphaned(seeded, edit):
    new_text = EDITS[edit]
    before = {a.pk: a for a in Annotation.objects.filter(article=seeded)}

    result = _revise(seeded, new_text)

    seeded.refresh_from_db()
    assert (result.old_revision, result.new_revision, seeded.revision) == (1, 2, 2)
    assert seeded.text == new_text
    after = {a.pk: a for a in Annotation.objects.filter(article=seeded)}
    assert after.keys() == before.keys()  # nothing deleted, nothing added
    assert sum(result.counts.values()) == len(after) == 14
    for pk, annotation in after.items():
        name = annotation.note
        if name in EXPECTED[edit]:
            assert annotation.anchor_status == EXPECTED[edit][name], (name, annotation.quote)
        if annotation.anchor_status == "orphaned":
            # Kept where it was, with the quote it was made on; not highlighted.
            assert (annotation.start, annotation.end) == (before[pk].start, before[pk].end)
            assert annotation.quote == QUOTES[name]
        else:
            assert new_text[annotation.start : annotation.end] == annotation.quote
            assert (annotation.prefix, annotation.suffix) == context_for(
                new_text, annotation.start, annotation.end
            )
        if annotation.anchor_status in ("exact", "moved"):
            # Exact and moved ones carry the same words (a reflow changes only whitespace).
            assert annotation.quote.split() == QUOTES[name].split()
        assert annotation.needs_attention == (annotation.anchor_status in ("fuzzy", "orphaned"))
    # The old text is kept, retrievable by its revision number.
    old = ArticleRevision.objects.get(article=seeded, number=1)
    assert old.text == ARTICLE and old.raw == ARTICLE


def test_corrected_figure_is_fuzzy_on_the_new_figure_and_queued(seeded, alice):
    _revise(seeded, EDITS["corrected_figure"])
    figure = Annotation.objects.get(article=seeded, reviewer=alice, note="figure")
    assert figure.anchor_status == "fuzzy"
    assert figure.quote == "Pyongyang dispatched about 12,000 troops to the Kursk region"
    assert figure.needs_attention is True
    assert 0.75 <= figure.anchor_score < 1.0
    assert figure.version == 2


def test_duplicated_phrase_stays_on_its_own_sentence(seeded, alice):
    new_text = EDITS["duplicated_phrase"]
    _revise(seeded, new_text)
    disputed = Annotation.objects.get(article=seeded, reviewer=alice, note="disputed")
    decoy = new_text.index(DUPLICATE) + DUPLICATE.index("disputed the claim")
    real = new_text.index(P3) + P3.index("disputed the claim")
    assert decoy < real
    assert disputed.start == real


def test_final_annotations_are_reanchored_too(seeded, carol):
    _revise(seeded, EDITS["paragraph_above"])
    finals = Annotation.objects.filter(article=seeded, kind=AnnotationKind.FINAL)
    assert {a.anchor_status for a in finals} == {"moved"}
    assert all(EDITS["paragraph_above"][a.start : a.end] == a.quote for a in finals)


def test_audit_history_has_the_revision_and_each_reanchored_annotation(seeded, admin_user):
    result = _revise(seeded, EDITS["sentence_deleted"], actor=admin_user, via="admin")

    revise = AuditEvent.objects.get(action="article.revise", article_id=seeded.pk)
    assert revise.before["revision"] == 1 and revise.after["revision"] == 2
    assert revise.after["anchors"] == result.counts
    assert revise.after["anchors"]["orphaned"] == 3  # alice's, bob's and carol's final
    assert (revise.actor, revise.via) == (admin_user, "admin")
    events = AuditEvent.objects.filter(action="annotation.reanchor", article_id=seeded.pk)
    assert events.count() == result.changed > 0
    kremlin = Annotation.objects.filter(article=seeded, note="kremlin").first()
    event = events.get(object_id=kremlin.pk)
    assert event.before["anchor_status"] == "exact"
    assert event.after["anchor_status"] == "orphaned" and event.after["revision"] == 2
    # Annotations the edit did not touch (before the deleted sentence) were not rewritten.
    confirmed = Annotation.objects.filter(article=seeded, note="confirmed").first()
    assert confirmed.version == 1
    assert not events.filter(object_id=confirmed.pk).exists()


def test_an_orphan_is_placed_again_when_a_later_revision_restores_its_text(seeded, alice):
    _revise(seeded, EDITS["sentence_deleted"])
    _revise(seeded, ARTICLE)
    kremlin = Annotation.objects.get(article=seeded, reviewer=alice, note="kremlin")
    assert kremlin.anchor_status in ("exact", "moved")
    assert ARTICLE[kremlin.start : kremlin.end] == QUOTES["kremlin"]
    assert kremlin.needs_attention is False
    assert list(seeded.revisions.values_list("number", flat=True)) == [1, 2]


def test_unconfirmed_fuzzy_stays_queued_when_the_next_revision_finds_it_exactly(seeded, alice):
    _revise(seeded, EDITS["corrected_figure"])
    _revise(seeded, EDITS["corrected_figure"] + "\n\nThis story has been corrected.")
    figure = Annotation.objects.get(article=seeded, reviewer=alice, note="figure")
    assert figure.anchor_status == "fuzzy" and figure.needs_attention is True


def test_tombstones_are_reanchored_but_never_queued(seeded, alice):
    kremlin = Annotation.objects.get(article=seeded, reviewer=alice, note="kremlin")
    figure = Annotation.objects.get(article=seeded, reviewer=alice, note="figure")
    delete_annotation(user=alice, annotation=kremlin)
    delete_annotation(user=alice, annotation=figure)
    result = _revise(seeded, EDITS["sentence_deleted"])
    kremlin.refresh_from_db()
    figure.refresh_from_db()
    assert kremlin.deleted_at is not None and kremlin.anchor_status == "orphaned"
    assert kremlin.needs_attention is False
    assert figure.anchor_status == "exact" and figure.deleted_at is not None
    assert result.tombstones == 2 and sum(result.counts.values()) == 12


def test_identical_text_is_not_a_revision(seeded):
    result = _revise(seeded, ARTICLE)
    seeded.refresh_from_db()
    assert (result.old_revision, result.new_revision, seeded.revision) == (1, 1, 1)
    assert not ArticleRevision.objects.exists()
    assert not AuditEvent.objects.filter(action="article.revise").exists()


def test_text_of_another_article_is_refused_and_nothing_changes(seeded):
    other = make_article(EDITS["reflowed"])
    with pytest.raises(RevisionError, match=f"#{other.pk}"):
        _revise(seeded, EDITS["reflowed"])
    seeded.refresh_from_db()
    assert seeded.revision == 1 and seeded.text == ARTICLE
    assert not ArticleRevision.objects.exists()
    assert not Annotation.objects.filter(article=seeded).exclude(version=1).exists()


def test_empty_text_is_refused(seeded):
    with pytest.raises(RevisionError, match="empty"):
        _revise(seeded, "  \n ")


def test_metadata_and_removed_lines_come_from_the_new_version(seeded):
    text = EDITS["paragraph_above"]
    cleaned = CleanedText(
        text=text,
        title="North Korea confirms troops in Russia (updated)",
        byline="By A. Reporter",
        removed=[RemovedLine(3, "Advertisement", "advertisement")],
        language="en",
    )
    revise_article(article_id=seeded.pk, raw="RAW v2\n" + text, raw_format="text", cleaned=cleaned)
    seeded.refresh_from_db()
    assert seeded.title == "North Korea confirms troops in Russia (updated)"
    assert seeded.byline == "By A. Reporter"
    assert seeded.removed_lines == [
        {"line_no": 3, "text": "Advertisement", "reason": "advertisement"}
    ]
    assert seeded.raw.startswith("RAW v2") and len(seeded.minhash) == 128
    assert ArticleRevision.objects.get(article=seeded, number=1).title.startswith("Article ")


def test_an_annotation_made_on_a_stale_copy_is_checked_against_the_new_text(seeded, alice):
    from annotations.services.annotating import AnnotationError, create_annotation

    stale = Article.objects.get(pk=seeded.pk)  # loaded by a view before the revision
    _revise(seeded, EDITS["paragraph_above"])
    start, end = span(ARTICLE, "china")
    with pytest.raises(AnnotationError, match="does not match"):
        create_annotation(
            user=alice, article=stale, start=start, end=end, quote=QUOTES["china"], tag="claim"
        )
    start, end = span(EDITS["paragraph_above"], "china")
    made = create_annotation(
        user=alice, article=stale, start=start, end=end, quote=QUOTES["china"], tag="claim"
    )
    assert made.prefix == EDITS["paragraph_above"][start - 32 : start]


def _draft(text):
    from types import SimpleNamespace

    return SimpleNamespace(
        raw=text, raw_format="text", text=text, title="", byline="", published=None,
        removed=[], language="",
    )  # fmt: skip


def test_import_of_a_changed_text_revises_the_previous_article(seeded):
    from annotations.services.revisions import revise_from_import
    from annotations.text import content_hash

    new_text = EDITS["sentence_deleted"]
    outcome = revise_from_import(
        previous=seeded, draft=_draft(new_text), digest=content_hash(new_text), job_id=None
    )
    assert (outcome.status, outcome.article.pk, outcome.article.revision) == (
        "revised",
        seeded.pk,
        2,
    )
    again = revise_from_import(
        previous=outcome.article, draft=_draft(new_text), digest=content_hash(new_text),
        job_id=None,
    )  # fmt: skip
    assert (again.status, again.duplicate_of.pk) == ("duplicate", seeded.pk)


def test_import_of_another_articles_text_is_a_duplicate_of_that_one(seeded):
    from annotations.services.revisions import revise_from_import
    from annotations.text import content_hash

    other = make_article(EDITS["reflowed"])
    outcome = revise_from_import(
        previous=seeded, draft=_draft(other.text), digest=content_hash(other.text), job_id=None
    )
    assert (outcome.status, outcome.duplicate_of.pk) == ("duplicate", other.pk)
    seeded.refresh_from_db()
    assert seeded.revision == 1
