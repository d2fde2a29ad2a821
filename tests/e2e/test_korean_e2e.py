"""Every page in Korean, in a real browser on a machine with no CJK font: the served web font draws the Hangul.

Without a Korean font, Chromium draws each Hangul syllable as an empty box (a .notdef glyph) about half an em
wide; the served Noto Sans KR subset draws it a full em wide. So a Hangul string measured in the page's own
font must be much wider than the same number of characters that have no glyph anywhere (a private-use code
point), and the font face must be loaded (``document.fonts``). The charts are checked the same way: plotly's
SVG text measured with ``getComputedTextLength``. Code and monospace text (inline code, the read-back block, the
PyTorch script) have a font of their own (Source Code Pro): the Hangul in them is measured where it is drawn.
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
    ("lessons", 0),
    ("glossary", 0),
]
MAIN_SHOWS_HANGUL = "() => /[\\uac00-\\ud7a3]/.test(document.querySelector('[data-testid=stMain]')?.innerText || '')"
EVERY_CHART_DRAWN = "() => [...document.querySelectorAll('.js-plotly-plot')].every(p => p.querySelector('.main-svg'))"
SAMPLE = "은닉 상태와 기울기 소실"

FONT_FACES = """() => document.fonts.ready.then(() =>
    [...document.fonts].filter(f => f.family.replace(/["']/g, '') === 'Noto Sans KR').map(f => f.status))"""

# The width of a text at 20 px in a font family, measured in a span added to the page and removed again.
TEXT_WIDTH = """(text, family) => {
        const span = document.createElement('span');
        span.style.fontFamily = family;
        span.style.fontSize = '20px';
        span.style.whiteSpace = 'pre';
        span.textContent = text;
        document.body.appendChild(span);
        const width = span.getBoundingClientRect().width;
        span.remove();
        return width;
    }"""

# Width per character of the sample in the body's font, against characters that have no glyph in any font.
GLYPH_WIDTHS = (
    """(sample) => {
    const probe = (text) => ("""
    + TEXT_WIDTH
    + """)(text, getComputedStyle(document.body).fontFamily);
    const syllables = sample.replace(/ /g, '');
    const missing = '\\uE000'.repeat(syllables.length);
    return {hangul: probe(syllables) / syllables.length, missing: probe(missing) / syllables.length};
}"""
)

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


# Each Hangul run inside the code elements on screen, measured where it is drawn (a text range's boxes, summed over
# wrapped lines), per em of its element's font size, next to as many missing glyphs in the same font and size.
CODE_HANGUL = """(selector) => {
    const found = [];
    for (const element of document.querySelectorAll(selector)) {
        if (!element.getClientRects().length) continue;  // not drawn (a closed expander's code)
        const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (const match of node.textContent.matchAll(/[\\uac00-\\ud7a3]{2,}/g)) {
                const range = document.createRange();
                range.setStart(node, match.index);
                range.setEnd(node, match.index + match[0].length);
                const width = [...range.getClientRects()].reduce((sum, box) => sum + box.width, 0);
                const style = getComputedStyle(node.parentElement);
                const size = parseFloat(style.fontSize);
                const probe = document.createElement('span');
                probe.style.fontFamily = style.fontFamily;
                probe.style.fontSize = style.fontSize;
                probe.style.whiteSpace = 'pre';
                probe.textContent = '\\uE000'.repeat(match[0].length);
                document.body.appendChild(probe);
                const missing = probe.getBoundingClientRect().width;
                probe.remove();
                found.push({text: match[0], family: style.fontFamily, perEm: width / match[0].length / size,
                            missingPerEm: missing / match[0].length / size});
            }
        }
    }
    return found;
}"""
CODE = "[data-testid=stMain] code"
CODE_BLOCKS = "[...document.querySelectorAll('[data-testid=stCode] code')].map(c => c.textContent).join('')"
READ_BACK = f"() => /[\\uac00-\\ud7a3]/.test({CODE_BLOCKS})"


# In the read-back block's own font: five syllables against ten Latin columns (a Korean character counts as two
# columns, core.screens.long_sequences.windows.display_width, so the ^ under a wrong syllable stands under it only if
# this holds).
COLUMNS = (
    """() => {
    const blocks = [...document.querySelectorAll('[data-testid=stCode] code')];
    const block = blocks.find(c => c.textContent.includes('되읽은'));
    const width = (text) => ("""
    + TEXT_WIDTH
    + """)(text, getComputedStyle(block).fontFamily);
    return {hangul: width('한국어문장'), latin: width('AAAAAAAAAA'), carets: width('^^^^^^^^^^')};
}"""
)
# The code font's Hangul face has loaded (a face loads when text first needs it: measured before, Hangul falls back).
CODE_FACE_LOADED = """() => [...document.fonts].some(f =>
    f.family.replace(/["']/g, '') === 'Noto Sans KR Mono' && f.status === 'loaded')"""


def wait_for_code_face(page) -> None:
    """Until the code font's Hangul face has loaded and the page has been laid out again with it."""
    page.wait_for_function(CODE_FACE_LOADED, timeout=30_000)
    page.evaluate("() => document.fonts.ready.then(() => new Promise(r => requestAnimationFrame(() => setTimeout(r))))")


def assert_hangul_drawn(runs: list[dict], where: str) -> None:
    assert runs, f"no Hangul found in {where}"
    for run in runs:
        assert "Noto Sans KR" in run["family"], run  # the code font's stack names the served face
        # A syllable is ~0.92 em wide in the served font; a missing glyph's box ~0.6 em.
        assert run["perEm"] > 0.85 and run["perEm"] > 1.25 * run["missingPerEm"], (where, run)


def test_hangul_in_code_and_the_read_back_renders_with_the_served_font(page, app_url) -> None:
    """Long sequences in Korean: the intro's inline code (`시퀀스 길이`), the read-back block's header, and with
    the Korean-sentence preset the read-back sentence itself, all in the code font."""
    page.goto(f"{app_url}/long_sequences?lang=ko")
    page.wait_for_function(READ_BACK)
    wait_until_idle(page)
    assert_no_exception(page)
    wait_for_code_face(page)
    drawn = page.evaluate(CODE_HANGUL, CODE)
    assert {"시퀀스", "길이"} <= {r["text"] for r in drawn}, drawn  # the intro's inline code
    assert "되읽은" in {r["text"] for r in drawn}, drawn  # the read-back block's header
    assert_hangul_drawn(drawn, "Long sequences' code")
    columns = page.evaluate(COLUMNS)
    assert columns["hangul"] == pytest.approx(columns["latin"], abs=0.5), columns
    assert columns["carets"] == pytest.approx(columns["latin"], abs=0.5), columns

    page.get_by_role("button", name="한국어 문장", exact=True).click()
    read_back = (
        "[...document.querySelectorAll('[data-testid=stCode] code')].find(c => c.textContent.includes('되읽은'))"
    )
    page.wait_for_function(f"() => ({read_back})?.textContent.includes('한국')")
    wait_until_idle(page)
    assert_no_exception(page)
    drawn = page.evaluate(CODE_HANGUL, "[data-testid=stCode] code")
    sentence = {r["text"] for r in drawn} - {"에포크", "되읽은", "문장", "정답", "틀린", "문자"}
    assert len(sentence) >= 3, drawn  # the sentence's own words, read back
    assert_hangul_drawn(drawn, "the Korean sentence's read-back")
    full_page_screenshot(page, "korean_code_read_back")


def test_hangul_in_the_pytorch_script_renders_with_the_served_font(page, app_url) -> None:
    """HiHello's Korean-word preset: `word = '안녕하세요'` in the PyTorch code of the run."""
    page.goto(f"{app_url}/hihello?lang=ko")
    page.wait_for_function(MAIN_SHOWS_HANGUL)
    page.get_by_role("button", name="한국어 단어", exact=True).click()
    wait_until_idle(page)
    page.get_by_text("이 실행의 PyTorch 코드").first.click()
    page.wait_for_function(f"() => {CODE_BLOCKS}.includes(\"word = '안녕하세요'\")")
    assert_no_exception(page)
    wait_for_code_face(page)
    drawn = page.evaluate(CODE_HANGUL, "[data-testid=stCode] code")
    assert "안녕하세요" in {r["text"] for r in drawn}, drawn
    assert_hangul_drawn(drawn, "the PyTorch script")
    full_page_screenshot(page, "korean_code_script")


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


def test_an_english_page_downloads_no_code_hangul(page, app_url) -> None:
    """The code font's Hangul face is fetched only for Hangul in code (its unicodeRange): an English Long
    sequences page, code blocks and all, never asks for it."""
    fonts: list[str] = []
    page.on("request", lambda request: fonts.append(request.url) if request.url.endswith(".woff2") else None)
    page.goto(f"{app_url}/long_sequences?lang=en")
    page.wait_for_function(READ_BACK.replace("\\uac00-\\ud7a3", "a-z"))  # the read-back block is drawn
    wait_until_idle(page)
    page.evaluate("() => document.fonts.ready")
    assert fonts, "the page's own fonts were seen"
    assert not [url for url in fonts if "Mono" in url], fonts


def test_the_font_is_served_as_a_static_file(page, app_url) -> None:
    response = page.request.get(f"{app_url}/app/static/fonts/NotoSansKR-Hangul-Regular.woff2")
    assert response.ok and response.body()[:4] == b"wOF2"
