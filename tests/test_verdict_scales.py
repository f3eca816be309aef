from __future__ import annotations

from annotations.models import VerdictScale


def test_presets_ship_and_the_six_step_scale_is_default(db):
    default = VerdictScale.objects.default()
    assert default.slug == "truth-o-meter"
    labels = list(default.labels.order_by("position"))
    assert [label.slug for label in labels] == [
        "true", "mostly-true", "half-true", "mostly-false", "false", "pants-on-fire",
        "unverifiable",
    ]  # fmt: skip
    rateable = [label.ordinal for label in labels if label.is_rateable]
    assert rateable == sorted(rateable, reverse=True), "higher ordinal must mean truer"
    unverifiable = labels[-1]
    assert unverifiable.ordinal is None and not unverifiable.is_rateable
    assert default.rateable_ordinals == (1, 6)


def test_fever_preset(db):
    fever = VerdictScale.objects.get(slug="fever")
    assert {label.slug: label.is_rateable for label in fever.labels.all()} == {
        "supported": True,
        "refuted": True,
        "not-enough-info": False,
    }
