"""How much of a page's text is Korean: the check the Korean AppTests share."""

from __future__ import annotations

import re

# Not words of either language: formulas, code, link targets, and the model names that stay as they are (also
# when a Korean particle follows them: "RNN이란").
NOT_WORDS = re.compile(r"\$[^$]*\$|`[^`]*`|\]\([^)]*\)|https?://\S+|(?<![A-Za-z])(?:RNN|LSTM|GRU)(?![A-Za-z])")


def hangul_share(*texts: str) -> float:
    """Hangul letters / (Hangul + Latin letters) over ``texts``, once formulas, code and links are taken out."""
    text = NOT_WORDS.sub(" ", " ".join(texts))
    hangul = len(re.findall(r"[\uac00-\ud7a3]", text))
    latin = len(re.findall(r"[A-Za-z]", text))
    return hangul / (hangul + latin) if hangul + latin else 0.0


def has_hangul(text: str) -> bool:
    return re.search(r"[\uac00-\ud7a3]", text) is not None


def page_words(at) -> list[str]:
    """The title, headers, captions and markdown an AppTest page shows."""
    kinds = ("title", "header", "subheader", "markdown", "caption", "info")
    return [str(element.value) for kind in kinds for element in at.get(kind)]
