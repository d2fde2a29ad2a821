"""Cut the Korean web font the app serves from Debian's Noto Sans CJK (SIL Open Font License 1.1).

Why a subset: the whole KR face is ~16 MB per weight, most of it Han ideographs the app never shows.
Every Hangul syllable stays (a learner may type any Korean word to train on), with the jamo and
CJK punctuation; Latin text keeps Streamlit's own Source Sans, so the font face declares a
``unicodeRange`` and the browser downloads it only for a page that shows Hangul.

    apt-get download fonts-noto-cjk && dpkg-deb -x fonts-noto-cjk_*.deb /tmp/noto
    .venv/bin/pip install fonttools brotli   # only for this script: the app serves the result as it is
    python -m scripts.make_korean_font /tmp/noto/usr/share/fonts/opentype/noto

The result is committed (static/fonts/), so neither CI nor a viewer's machine needs a CJK font.
"""

from __future__ import annotations

import argparse
from pathlib import Path

# The same ranges go into .streamlit/config.toml's unicodeRange (tests/test_i18n_font.py checks both).
HANGUL_RANGES = [
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3130, 0x318F),  # Hangul compatibility jamo
    (0xAC00, 0xD7A3),  # Hangul syllables
    (0xFF01, 0xFF60),  # full-width forms
]
KOREAN_FACE_INDEX = 1  # "Noto Sans CJK KR" inside the collection
OUTPUT = Path(__file__).resolve().parent.parent / "static" / "fonts"


def cut(collection: Path, target: Path) -> None:
    from fontTools import subset  # imported here: the app and its tests read HANGUL_RANGES without fontTools
    from fontTools.ttLib import TTCollection

    font = TTCollection(str(collection)).fonts[KOREAN_FACE_INDEX]
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[c for low, high in HANGUL_RANGES for c in range(low, high + 1)])
    subsetter.subset(font)
    font.flavor = "woff2"
    font.save(str(target))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("noto_dir", type=Path, help="the folder holding NotoSansCJK-Regular.ttc")
    args = parser.parse_args()
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for weight in ("Regular", "Bold"):
        target = OUTPUT / f"NotoSansKR-Hangul-{weight}.woff2"
        cut(args.noto_dir / f"NotoSansCJK-{weight}.ttc", target)
        print(f"{target}: {target.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
