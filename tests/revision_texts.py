"""A seed-like article and realistic revisions of it, shared by the revision tests."""

from __future__ import annotations

import textwrap

P1 = (
    "Seoul, April 28 - North Korea confirmed on Monday for the first time that it had sent "
    'troops to fight for Russia against Ukraine, calling the deployment a "sacred mission" '
    "that strengthened its friendship with Moscow."
)
P2 = (
    "According to South Korean intelligence, Pyongyang dispatched about 11,000 troops to the "
    "Kursk region in the autumn of 2024. Officials in Seoul estimate that around 4,700 of them "
    "have been killed or wounded. Ukraine's military said the soldiers were first seen in "
    "combat in early November."
)
P3 = (
    'The state news agency KCNA said the units had helped Russian forces "completely '
    'liberate" the Kursk border region, according to an order given by leader Kim Jong Un. '
    "The Kremlin thanked Pyongyang for what it called fraternal support. Analysts in Kyiv "
    "disputed the claim and said fighting continued near the border."
)
P4 = (
    "China declined to comment on the deployment, saying it was a matter for the two "
    "countries. A foreign ministry spokesperson in Beijing told reporters that China's "
    "position on the war was consistent and clear."
)
P5 = (
    "Western officials said Moscow had supplied North Korea with air defence systems in "
    "return. The claim could not be independently verified."
)
P6 = (
    "The confirmation came days after Russia's chief of general staff, Valery Gerasimov, "
    "publicly acknowledged the participation of North Korean soldiers for the first time."
)
ARTICLE = "\n\n".join([P1, P2, P3, P4, P5, P6])

QUOTES = {
    "confirmed": "confirmed on Monday for the first time",
    "figure": "Pyongyang dispatched about 11,000 troops to the Kursk region",
    "casualties": "around 4,700 of them have been killed or wounded",
    "liberate": 'helped Russian forces "completely liberate" the Kursk border region',
    "kremlin": "The Kremlin thanked Pyongyang for what it called fraternal support",
    "disputed": "disputed the claim",
    "china": "China declined to comment on the deployment",
    "verified": "could not be independently verified",
}

INSERTED = (
    "Editor's note: this story was updated on April 29 with comments from Beijing and "
    "with new figures from the South Korean military."
)
KREMLIN_SENTENCE = "The Kremlin thanked Pyongyang for what it called fraternal support. "
DUPLICATE = "Moscow's envoy disputed the claim that the troops had suffered heavy losses."

EDITS = {
    # A corrected figure inside the "figure" span.
    "corrected_figure": ARTICLE.replace("about 11,000 troops", "about 12,000 troops"),
    # A paragraph inserted above everything but the first paragraph.
    "paragraph_above": ARTICLE.replace(P1 + "\n\n", P1 + "\n\n" + INSERTED + "\n\n"),
    # The Kremlin sentence deleted.
    "sentence_deleted": ARTICLE.replace(KREMLIN_SENTENCE, ""),
    # Every paragraph hard-wrapped at 60 columns (spans now cross line breaks).
    "reflowed": "\n\n".join(textwrap.fill(p, 60) for p in [P1, P2, P3, P4, P5, P6]),
    # "disputed the claim" now also occurs in a new paragraph above the original.
    "duplicated_phrase": ARTICLE.replace(P3, DUPLICATE + "\n\n" + P3),
}


def span(text: str, name: str) -> tuple[int, int]:
    quote = QUOTES[name]
    start = text.index(quote)
    return start, start + len(quote)
