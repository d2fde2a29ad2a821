"""How much of a text is Korean: the one count every Korean test shares.

A Korean page keeps some Latin text that is not a word to translate: formulas, code, link targets and URLs, file
names, the learner's own quoted data ('Close'), symbols (h, x, W) and field names (hihello_seed), numbers such as
1.8e308, and the names that stay as they are in Korean (RNN, LSTM, GRU, PyTorch, CSV, ReLU, RMSE, …), also when a
Korean particle follows them ("RNN이란"). These are taken out before the letters are counted; a test adds its own
data's names (a CSV column, a word to learn) with ``kept``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")  # syllables and jamo
SYLLABLE = re.compile(r"[\uac00-\ud7a3]")
LATIN = re.compile(r"[A-Za-z]")

# Names that stay as they are in every language: models, libraries, formats and encodings, functions, metrics, units.
NAMES = (
    "RNN",
    "LSTM",
    "GRU",
    "PyTorch",
    "Streamlit",
    "HiHello",
    "CSV",
    "UTF",
    "CP949",
    "EUC-KR",
    "Windows",
    "NaN",
    "tanh",
    "ReLU",
    "relu",
    "softmax",
    "Adam",
    "RMSE",
    "MAE",
    "MAPE",
    "MB",
    "GB",
    "ms",
    "min",
)


def _names(names: Iterable[str]) -> str:
    """``names`` as whole Latin words: not inside a longer Latin word, but also before a Korean particle."""
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return rf"(?<![A-Za-z])(?:{alternatives})(?![A-Za-z])"


NOT_WORDS = re.compile(
    "|".join(
        (
            r"\$\$.*?\$\$",  # a display formula
            r"\$[^$]*\$",  # an inline formula
            r"`[^`]*`",  # code
            r"\]\([^)]*\)",  # a link's target
            r"\(https?://[^)]*\)|https?://\S+",  # a URL
            r":material/\w+:",  # an icon
            r"[‖∂∇]\S*",  # a gradient norm written out of a formula (‖∂L/∂h‖)
            r"[A-Za-z0-9_.\-]+\.(?:csv|json|rnnlab|zip|py)(?![A-Za-z])",  # a file name
            r"(?<![A-Za-z])'[^'\n\uac00-\ud7a3]*'(?![A-Za-z])",  # quoted Latin: the learner's data ('Close')
            r"(?<=\d)e[-+]?\d+",  # a number's exponent (1.8e308)
            r"(?<![A-Za-z])[a-z]+_[a-z_0-9]+",  # a field or key name (hihello_seed, h_t)
            r"(?<![A-Za-z])[A-Za-z](?![A-Za-z])",  # a symbol (h, x, W) or a unit (s)
            _names(NAMES),
        )
    ),
    flags=re.S,
)


def hangul_share(*texts: str, kept: Iterable[str] = ()) -> float:
    """Hangul letters / (Hangul + Latin letters) over ``texts`` once what is not a word (``NOT_WORDS``) and the
    test's own ``kept`` names are taken out; 0.0 when no letter is left."""
    text = " ".join(texts).replace("\\", "")  # Markdown's escapes (\_, \*) are no letters
    text = NOT_WORDS.sub(" ", text)
    kept = tuple(kept)
    if kept:
        text = re.sub(_names(kept), " ", text)
    hangul, latin = len(HANGUL.findall(text)), len(LATIN.findall(text))
    return hangul / (hangul + latin) if hangul + latin else 0.0


def has_hangul(text: str) -> bool:
    """Whether ``text`` has a Hangul syllable at all."""
    return SYLLABLE.search(text) is not None


def mostly_hangul(text: str, share: float = 0.6, kept: Iterable[str] = ()) -> bool:
    """Some Hangul, and more than ``share`` of the letters counted by ``hangul_share``."""
    return has_hangul(text) and hangul_share(text, kept=kept) > share


PAGE_KINDS = ("title", "header", "subheader", "markdown", "caption", "info", "success", "warning", "error")


def page_words(at, *kinds: str) -> list[str]:
    """The texts an AppTest page (or one of its blocks: ``at.main``, ``at.sidebar``) shows as elements of
    ``kinds``: by default its titles, headers, markdown, captions and messages."""
    return [str(element.value) for kind in kinds or PAGE_KINDS for element in at.get(kind)]
