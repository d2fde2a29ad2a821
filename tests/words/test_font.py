"""The served Korean font: the files the config names exist, are woff2, and cover what the config says."""

from __future__ import annotations

import re
import tomllib

from scripts.make_korean_font import HANGUL_RANGES
from tests.conftest import ROOT

CONFIG = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))


def _ranges(unicode_range: str) -> list[tuple[int, int]]:
    return [(int(low, 16), int(high, 16)) for low, high in re.findall(r"U\+([0-9A-F]+)-([0-9A-F]+)", unicode_range)]


def test_the_font_faces_point_at_served_woff2_files() -> None:
    assert CONFIG["server"]["enableStaticServing"] is True
    faces = CONFIG["theme"]["fontFaces"]
    assert {face["weight"] for face in faces} == {400, 700}
    for face in faces:
        path = ROOT / "static" / face["url"].removeprefix("app/static/")
        assert path.read_bytes()[:4] == b"wOF2", path
        assert 0.5e6 < path.stat().st_size < 2e6, "a subset, not the whole CJK face"
        assert _ranges(face["unicodeRange"]) == HANGUL_RANGES, "the config and the subset cover the same characters"


def test_the_app_and_its_charts_name_the_korean_family() -> None:
    from core.charts.style import FONT

    family = CONFIG["theme"]["fontFaces"][0]["family"]
    assert family in CONFIG["theme"]["font"] and family in CONFIG["theme"]["headingFont"]
    assert family in FONT["family"], "plotly's text would fall back to a system font without Hangul"


def test_code_names_a_hangul_face_of_its_own() -> None:
    """Code keeps Streamlit's Source Code Pro for Latin; its Hangul comes from the served mono face (every wide
    glyph two Source Code Pro columns: scripts/make_korean_font.py), which covers the same characters."""
    from scripts.make_korean_font import MONO_NAME

    families = [name.strip(" '\"") for name in CONFIG["theme"]["codeFont"].split(",")]
    assert families[0] == "Source Code Pro" and families[-1] == "monospace"
    (mono,) = [face for face in CONFIG["theme"]["fontFaces"] if face["family"] == families[1]]
    assert mono["url"].endswith(MONO_NAME)
    assert (ROOT / "static" / "fonts" / MONO_NAME).read_bytes()[:4] == b"wOF2"


def test_the_license_travels_with_the_font() -> None:
    assert "SIL OPEN FONT LICENSE" in (ROOT / "static" / "fonts" / "LICENSE.txt").read_text(encoding="utf-8").upper()
