"""Refusals a learner meets on a Korean page are wholly Korean: a run over the server's budget names the screen's
own settings in Korean, and a forged link value is refused by the settings' rule with a Korean name
(core.engine.budget, core.reading.validation and their callers on each page)."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from core.screens.registry import training_screens
from tests.conftest import APP, APP_TIMEOUT
from tests.words.korean_text import hangul_share

REFUSALS = {  # screen: (what its refusal names, in Korean)
    "hihello": ("에포크 수", "은닉 크기, 깊이 또는 단어"),
    "long_sequences": ("에포크 수", "은닉 크기, 깊이, 시퀀스 길이 또는 텍스트"),
    "time_series": ("에포크 수", "윈도우, 예측 구간, 은닉 크기, 깊이 또는 파일(행 수)"),
    "rnn_vs_lstm_gru": ("학습 스텝 수", "은닉 크기나 간격"),
}
SCREENS = {entry.page: REFUSALS[entry.key] for entry in training_screens()}  # every screen that trains


def opened(page: str, query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT)
    at.query_params.update(query)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def errors(at: AppTest) -> list[str]:
    """The error boxes' text as read (the page escapes markdown punctuation)."""
    return [re.sub(r"\\(.)", r"\1", str(e.value)) for e in at.error]


@pytest.mark.parametrize("page", list(SCREENS))
def test_a_run_over_the_budget_is_refused_in_korean(page, monkeypatch):
    monkeypatch.setenv("RNNLAB_MAX_RUN_SECONDS", "0.05")  # the first visit's run is refused: nothing trains
    at = opened(page, {"lang": "ko"})
    (refusal,) = [e for e in errors(at) if "한도" in e]
    epochs_setting, size_settings = SCREENS[page]
    assert f"{epochs_setting} 값을" in refusal and f"{size_settings}을(를) 줄여" in refusal, refusal
    assert hangul_share(refusal) > 0.9, refusal
    at.sidebar.button_group(key="language_selector").set_value("en").run()
    assert not at.exception, at.exception
    (english,) = [e for e in errors(at) if "limit on this server" in e]
    assert hangul_share(english) == 0, english


def test_a_forged_link_value_is_noted_in_korean():
    at = opened("pages/hihello.py", {"lang": "ko", "hihello_seed": "2.5"})
    (note,) = [str(i.value) for i in at.info if "hihello_seed" in i.value]
    assert note == "링크에서 받지 않은 값: hihello_seed=2.5 (정수가 아님)."


def test_a_noted_link_value_and_a_refused_language_are_worded_again_after_a_switch():
    """The note is kept in the session (the link is read once): its refusals keep their messages, not their words,
    so the note reads in the language chosen since, a refused ``lang`` and a value the settings refuse alike."""
    at = opened("pages/hihello.py", {"lang": "xx", "hihello_seed": "2.5", "hihello_hidden_size": "100000"})
    (note,) = [re.sub(r"\\(.)", r"\1", str(i.value)) for i in at.info if "hihello_seed" in i.value]
    assert "hihello_seed=2.5 (not a whole number)" in note and "lang=xx (not a language of this app" in note
    assert "hihello_hidden_size=100000 (the hidden size must be a whole number from 1 to" in note
    at.sidebar.button_group(key="language_selector").set_value("ko").run()
    assert not at.exception, at.exception
    (korean,) = [re.sub(r"\\(.)", r"\1", str(i.value)) for i in at.info if "hihello_seed" in i.value]
    assert korean.startswith("링크에서 받지 않은 값: ") and "hihello_seed=2.5 (정수가 아님)" in korean
    assert "lang=xx" in korean and "hihello_hidden_size=100000 (은닉 크기은(는) 1부터" in korean, korean


def _settings(kind: str, **values):
    from core.screens.hihello.settings import HiHelloSettings
    from core.screens.long_sequences.settings import LongSequenceSettings
    from core.screens.rnn_vs_lstm_gru.comparison import ComparisonSettings
    from core.screens.time_series.forecasting import ForecastSettings

    made = {"hihello": HiHelloSettings, "long_sequences": LongSequenceSettings, "rnn_vs_lstm_gru": ComparisonSettings}
    if kind == "forecast":
        return ForecastSettings(target="v", features=("v",), **values)
    return made[kind](**values)


@pytest.mark.parametrize(
    ("kind", "values", "korean"),
    [
        ("hihello", {"seed": 2.5}, "시드은(는) 0부터"),
        ("hihello", {"cell": "gru2"}, "알 수 없는 셀 종류 'gru2'입니다."),
        ("long_sequences", {"epochs": 0}, "에포크 수은(는) 1부터"),
        ("long_sequences", {"batch_size": 3}, "알 수 없는 배치 크기 3입니다."),
        ("rnn_vs_lstm_gru", {"steps": 75.5}, "학습 스텝 수은(는) 1부터"),
        ("forecast", {"horizon": 0}, "예측 구간은(는) 1부터"),
        ("forecast", {"batch_size": -1}, "배치 크기(0 = 모든 윈도우)은(는) 0부터"),
    ],
)
def test_a_setting_out_of_its_rule_is_refused_in_korean_with_its_korean_name(kind, values, korean):
    """What a forged widget value (NaN, 2.5, an option never offered) meets: the settings' own rule."""
    from core.words.errors import InputError
    from core.words.i18n import speaking

    with speaking("ko"), pytest.raises(InputError) as refused:
        _settings(kind, **values)
    with speaking("ko"):  # a refusal is worded where it is shown, in the language of that moment
        message = str(refused.value)
    assert korean in message and hangul_share(message) > 0.5, message
    assert hangul_share(str(refused.value)) == 0  # the same refusal, shown on an English page
    with pytest.raises(InputError) as english:
        _settings(kind, **values)
    assert hangul_share(str(english.value)) == 0
