"""Cut the Korean web font the app serves from Debian's Noto Sans CJK (SIL Open Font License 1.1).

Why a subset: the whole KR face is ~16 MB per weight, most of it Han ideographs the app never shows.
Every Hangul syllable stays (a learner may type any Korean word to train on), with the jamo and
CJK punctuation; Latin text keeps Streamlit's own Source Sans, so the font face declares a
``unicodeRange`` and the browser downloads it only for a page that shows Hangul.

Code and monospace text (the read-back with its ^ marks under wrong characters, a Korean word in the PyTorch
script) keeps Streamlit's Source Code Pro, whose every character is 600 units wide; a Korean character is counted
as two columns (``core.screens.long_sequences.windows.display_width``), so its Hangul must be exactly 1200 units wide.
Noto's Hangul is
920 (in Noto Sans Mono CJK too), so a third file, the Regular cut with every wide glyph centred in a 1200-unit
cell and no kerning, is the code font's Hangul ("Noto Sans KR Mono" in .streamlit/config.toml).

    apt-get download fonts-noto-cjk && dpkg-deb -x fonts-noto-cjk_*.deb /tmp/noto
    .venv/bin/pip install fonttools brotli   # only for this script: the app serves the result as it is
    python -m scripts.make_korean_font /tmp/noto/usr/share/fonts/opentype/noto

The result is committed (static/fonts/), so neither CI nor a viewer's machine needs a CJK font.
"""

from __future__ import annotations

import argparse
from pathlib import Path

# The same ranges go into .streamlit/config.toml's unicodeRange (tests/words/test_font.py checks both).
HANGUL_RANGES = [
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3130, 0x318F),  # Hangul compatibility jamo
    (0xAC00, 0xD7A3),  # Hangul syllables
    (0xFF01, 0xFF60),  # full-width forms
]
KOREAN_FACE_INDEX = 1  # "Noto Sans CJK KR" inside the collection
OUTPUT = Path(__file__).resolve().parent.parent / "static" / "fonts"
CODE_COLUMN = 600  # Source Code Pro's advance (units per em 1000): the column of every code block
MONO_NAME = "NotoSansKR-Hangul-Mono-Regular.woff2"


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


def monospaced(source: Path, target: Path) -> None:
    """The font at ``source`` with every wide character (East Asian width W or F: Hangul, CJK punctuation,
    full-width forms) exactly two code columns wide, its outline centred in the cell."""
    import unicodedata

    from fontTools.pens.t2CharStringPen import T2CharStringPen
    from fontTools.pens.transformPen import TransformPen
    from fontTools.ttLib import TTFont

    font = TTFont(str(source))
    cell = 2 * CODE_COLUMN * font["head"].unitsPerEm // 1000
    wide = {name for code, name in font.getBestCmap().items() if unicodedata.east_asian_width(chr(code)) in "WF"}
    charstrings = font["CFF "].cff.topDictIndex[0].CharStrings
    glyphs, metrics = font.getGlyphSet(), font["hmtx"]
    for name in sorted(wide):
        advance, left = metrics[name]
        if advance == 0:  # a combining mark stays on the character before it
            continue
        shift = (cell - advance) // 2
        old = charstrings[name]
        old.decompile()
        pen = T2CharStringPen(cell - getattr(old.private, "nominalWidthX", 0), None)
        glyphs[name].draw(TransformPen(pen, (1, 0, 0, 1, shift, 0)))
        charstrings[name] = pen.getCharString(private=old.private, globalSubrs=old.globalSubrs)
        metrics[name] = (cell, left + shift)
    del font["GPOS"]  # kerning would pull a syllable off its two columns
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
    target = OUTPUT / MONO_NAME
    monospaced(OUTPUT / "NotoSansKR-Hangul-Regular.woff2", target)
    print(f"{target}: {target.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
