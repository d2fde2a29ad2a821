"""Every page in Korean, in a real browser on a machine with no CJK font: the served web font draws the Hangul.

Without a Korean font, Chromium draws each Hangul syllable as an empty box (a .notdef glyph) about half an em
wide; the served Noto Sans KR subset draws it a full em wide. So a Hangul string measured in the page's own
font must be much wider than the same number of characters that have no glyph anywhere (a private-use code
point), and the font face must be loaded (``document.fonts``). The charts are checked the same way: plotly's
SVG text measured with ``getComputedTextLength``.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_no_exception, full_page_screenshot, wait_for_charts, wait_until_idle

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

# Each plotly text element holding Hangul: its drawn width per character over its font size.
CHART_TEXT = """() => [...document.querySelectorAll('.js-plotly-plot svg text')]
    .filter(t => /[\\uac00-\\ud7a3]/.test(t.textContent))
    .map(t => {
        const size = parseFloat(getComputedStyle(t).fontSize) || 12;
        const hangul = (t.textContent.match(/[\\uac00-\\ud7a3]/g) || []).length;
        return {text: t.textContent, perEm: t.getComputedTextLength() / t.textContent.length / size, hangul};
    })"""


@pytest.mark.parametrize(("path", "charts"), PAGES, ids=[p or "home" for p, _ in PAGES])
def test_page_in_korean_draws_hangul_with_the_served_font(page, app_url, path: str, charts: int) -> None:
    page.goto(f"{app_url}/{path}?lang=ko")
    page.wait_for_function("() => /[\\uac00-\\ud7a3]/.test(document.querySelector('h1')?.innerText || '')")
    wait_until_idle(page)
    if charts:
        wait_for_charts(page, at_least=charts)
    assert_no_exception(page)

    statuses = page.evaluate(FONT_FACES)
    assert "loaded" in statuses, f"the Korean font face did not load: {statuses}"
    widths = page.evaluate(GLYPH_WIDTHS, SAMPLE)
    assert widths["hangul"] > 1.4 * widths["missing"], widths  # real glyphs, not empty boxes

    if charts:
        chart_texts = page.evaluate(CHART_TEXT)
        assert chart_texts, "the charts hold Korean text (titles, axes)"
        # A Hangul syllable is ~1 em wide; an empty box ~0.5 em. Mixed text with digits and spaces sits between.
        mostly_hangul = [t for t in chart_texts if t["hangul"] >= 0.6 * len(t["text"])]
        assert all(t["perEm"] > 0.8 for t in mostly_hangul), mostly_hangul[:5]
    full_page_screenshot(page, f"korean_{path or 'home'}")


def test_the_font_is_served_as_a_static_file(page, app_url) -> None:
    response = page.request.get(f"{app_url}/app/static/fonts/NotoSansKR-Hangul-Regular.woff2")
    assert response.ok and response.body()[:4] == b"wOF2"
