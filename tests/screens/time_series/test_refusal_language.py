"""Issue 25, part 5: a refused upload keeps its refusal as a message, so after a language switch it is shown in the
new language without the file being read again."""

from __future__ import annotations

import hashlib

import ui.series_data
from tests.conftest import setting, visit
from tests.words.korean_text import hangul_share

KEY = "time_series"
PAGE = "pages/time_series.py"
TAG = hashlib.sha1(b"sample:stock_like.csv").hexdigest()[:8]
NO_NUMBERS = b"name,city\nfoo,bar\nbaz,qux\n"


def refusals(at) -> list[str]:
    return [e.value for e in at.error if "no.csv" in e.value or "숫자" in e.value or "No column" in e.value]


def test_a_refused_upload_rewords_after_a_language_switch_without_a_new_read(monkeypatch):
    reads = []
    read = ui.series_data.read_series
    monkeypatch.setattr(ui.series_data, "read_series", lambda raw, name: reads.append(name) or read(raw, name))
    at = visit(PAGE, **{f"{KEY}_epochs_{TAG}": 5})
    setting(at, KEY, "source").set_value("upload").run()
    at.file_uploader(key=f"{KEY}_upload").set_value(("no.csv", NO_NUMBERS, "text/csv")).run()
    assert not at.exception, at.exception
    (english,) = refusals(at)
    assert english.startswith("No column holds numbers") and hangul_share(english) == 0
    assert reads.count("no.csv") == 1
    at.sidebar.button_group(key="language_selector").set_value("ko").run()
    assert not at.exception, at.exception
    (korean,) = refusals(at)
    assert "숫자가 든 열이 없어" in korean and hangul_share(korean) > 0.5, korean
    assert reads.count("no.csv") == 1  # worded again from the kept message: the file was not read again
    at.sidebar.button_group(key="language_selector").set_value("en").run()
    assert refusals(at) == [english] and reads.count("no.csv") == 1
