"""Every page in Korean, in a real browser on a machine with no CJK font: the served web font draws the Hangul.

Without a Korean font, Chromium draws each Hangul syllable as an empty box (a .notdef glyph) about half an em
wide; the served Noto Sans KR subset draws it a full em wide. So a Hangul string measured in the page's own
font must be much wider than the same number of characters that have no glyph anywhere (a private-use code
point), and the font face must be loaded (``document.fonts``). The charts are checked the same way: plotly's
SVG text measured with ``getComputedTextLength``.
"""

from __future__ import annotations

import contextlib

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.conftest import (
    assert_no_exception,
    expand_viewport,
    full_page_screenshot,
    wait_for_charts,
    wait_until_idle,
)

pytestmark = pytest.mark.e2e

PAGES = [  # path, charts drawn on a first visit
    ("", 0),
    ("basics", 4),
    ("hihello", 2),
    ("long_sequences", 2),
    ("time_series", 2),
    ("rnn_vs_lstm_gru", 2),
    ("glossary", 0),
]
MAIN_SHOWS_HANGUL = "() => /[\\uac00-\\ud7a3]/.test(document.querySelector('[data-testid=stMain]')?.innerText || '')"
EVERY_CHART_DRAWN = "() => [...document.querySelectorAll('.js-plotly-plot')].every(p => p.querySelector('.main-svg'))"
SAMPLE = "은닉 상태와 기울기 소실"

FONT_FACES = """() => document.fonts.ready.then(() =>
    [...document.fonts].filter(f => f.family.replace(/["']/g, '') === 'Noto Sans KR').map(f => f.status))"""

# Width per character of the sample in the body's font, against characters that have no glyph in any font.
GLYPH_WIDTHS = """(sample) => {
    const probe = (text) => {
        const span = document.createElement('span');
        span.style.fontFamily = getComputedStyle(document.body).fontFamily;
        span.style.fontSize = '20px';
        span.style.whiteSpace = 'pre';
        span.textContent = text;
        document.body.appendChild(span);
        const width = span.getBoundingClientRect().width;
        span.remove();
        return width;
    };
    const syllables = sample.replace(/ /g, '');
    const missing = '\\uE000'.repeat(syllables.length);
    return {hangul: probe(syllables) / syllables.length, missing: probe(missing) / syllables.length};
}"""

# Plotly text elements that are Hangul words ("에포크", "은닉 유닛"), drawn (hidden ones measure 0): their width per
# syllable over their font size (a space counted as a quarter of an em). getBBox, not
# getComputedTextLength: the latter crashed headless Chromium's renderer on some of plotly's hidden text.
CHART_TEXT = """() => [...document.querySelectorAll('.js-plotly-plot svg text')]
    .filter(t => /^[\\uac00-\\ud7a3]+( [\\uac00-\\ud7a3]+)*$/.test(t.textContent) && t.getBBox().width > 0)
    .slice(0, 40)
    .map(t => {
        const size = parseFloat(t.style.fontSize) || 12;
        const spaces = t.textContent.split(' ').length - 1;
        const syllables = t.textContent.length - spaces;
        return {text: t.textContent, perEm: (t.getBBox().width / size - 0.25 * spaces) / syllables};
    })"""


@pytest.mark.parametrize(("path", "charts"), PAGES, ids=[p or "home" for p, _ in PAGES])
def test_page_in_korean_draws_hangul_with_the_served_font(page, app_url, path: str, charts: int) -> None:
    page.goto(f"{app_url}/{path}?lang=ko")
    # The page's own words (the home page's title is the app's name: its first paragraph is Korean).
    page.wait_for_function(MAIN_SHOWS_HANGUL)
    wait_until_idle(page)
    if charts:
        wait_for_charts(page, at_least=charts)
    assert_no_exception(page)

    statuses = page.evaluate(FONT_FACES)
    assert "loaded" in statuses, f"the Korean font face did not load: {statuses}"
    widths = page.evaluate(GLYPH_WIDTHS, SAMPLE)
    # Real glyphs, not empty boxes: measured here, a syllable is ~0.92 em wide and a missing glyph's box ~0.65 em.
    assert widths["hangul"] > 1.25 * widths["missing"] and widths["hangul"] > 0.85 * 20, widths

    if charts:
        chart_texts = page.evaluate(CHART_TEXT)
        assert chart_texts, "the charts hold Korean text (titles, axes)"
        # A Hangul syllable is ~0.92 em wide; an empty box ~0.65 em.
        assert all(t["perEm"] > 0.85 for t in chart_texts), chart_texts[:5]
    # A still page for the person who looks at the screenshot: pause a playing run, then wait until every chart
    # on the page is drawn (a fragment redrawing mid-capture leaves blank boxes).
    pause = page.get_by_role("button", name="일시정지", exact=True)
    if pause.count():
        with contextlib.suppress(PlaywrightTimeout):  # the run ended meanwhile: the page is still already
            pause.first.click(timeout=5_000)
        wait_until_idle(page)
    expand_viewport(page)
    page.wait_for_function(EVERY_CHART_DRAWN, timeout=60_000, polling=200)
    full_page_screenshot(page, f"korean_{path or 'home'}")


def test_the_font_is_served_as_a_static_file(page, app_url) -> None:
    response = page.request.get(f"{app_url}/app/static/fonts/NotoSansKR-Hangul-Regular.woff2")
    assert response.ok and response.body()[:4] == b"wOF2"
