"""The words every training screen shares, in Korean: the status line, budget refusals, why a run stopped, the
shared charts. Each is written when it is shown, so the same run reads in the language of the moment."""

from __future__ import annotations

import numpy as np
import pytest

from core.charts import figures
from core.charts.loss import loss_chart, split_curves
from core.charts.plots import heatmap
from core.engine.budget import Budget, CostEstimate, check_budget
from core.engine.records import DIVERGED, FAILED, Stopped
from core.runs.status import status_sentence
from core.screens.time_series.metrics import mape_note
from core.words.errors import InputError
from core.words.i18n import _, speaking
from tests.words.korean_text import has_hangul, mostly_hangul

ESTIMATE = CostEstimate(seconds=276.0, seconds_per_epoch=2.76, peak_bytes=300 * 2**20)


def test_the_status_line_follows_the_run_in_korean():
    with speaking("ko"):
        playing = status_sentence("epoch", 40, 100, "playing", False, 21.5, ESTIMATE)
        waiting = status_sentence("epoch", 40, 100, "playing", False, 21.5, ESTIMATE, waiting_ahead=2)
        finished = status_sentence("step", 300, 300, "paused", True, 54.0, ESTIMATE)
        stopped = status_sentence("epoch", 12, 100, "paused", True, 3.14, ESTIMATE, stopped_at=13)
    assert len({playing, waiting, finished, stopped}) == 4
    lines = (playing, waiting, finished, stopped)
    assert all(mostly_hangul(line, share=0.9) for line in lines), lines
    assert "**에포크 40 / 100**" in playing and "약 5 min, 300 MB" in playing
    assert "앞에 실행 2개" in waiting and "스텝 300 / 300" in finished and "5.1배 빠름" in finished


def test_a_budget_refusal_names_the_setting_to_change_in_korean():
    with speaking("ko"):
        too_long = CostEstimate(seconds=500, seconds_per_epoch=0.5, peak_bytes=2**20)
        too_big = CostEstimate(seconds=1, seconds_per_epoch=1, peak_bytes=3 * 2**30)
        refusals = []
        for estimate in (too_long, too_big):
            with pytest.raises(InputError) as error:
                check_budget(estimate, Budget(60, 100), 1000, size_settings=_("the hidden size, the depth or the data"))
            refusals.append(str(error.value))
    assert refusals[0] != refusals[1] and all(mostly_hangul(r, share=0.9) for r in refusals), refusals
    assert "에포크 수 값을 120 이하로" in refusals[0] and "은닉 크기, 깊이 또는 데이터을(를) 줄여" in refusals[1]


def test_why_a_run_stopped_is_written_in_the_language_it_is_read_in():
    diverged, failed = Stopped(7, DIVERGED, 0.3), Stopped(8, FAILED)
    assert diverged.diverged and not failed.diverged
    assert "epoch 7" in diverged.reason and "(0.3) is too high" in diverged.reason
    with speaking("ko"):
        sentences = diverged.reason, failed.reason
    assert sentences[0] != sentences[1] and all(has_hangul(s) for s in sentences)
    assert "에포크 7" in sentences[0] and "학습률(0.3)" in sentences[0]
    assert Stopped(3, "A sentence saved by an older version.").reason == "A sentence saved by an older version."


def test_the_mape_note_in_korean_says_whether_some_or_all_targets_were_left_out():
    with speaking("ko"):
        some, every = mape_note(np.array([0.0, 1.0, 2.0])), mape_note(np.zeros(3))
    assert some != every and mostly_hangul(some, share=0.9) and mostly_hangul(every, share=0.9), (some, every)


def test_the_shared_charts_speak_korean_in_the_app_font():
    with speaking("ko"):
        loss = loss_chart(
            split_curves([1, 2], [1.0, 0.5], [1.1, None]), marks=[(1.5, _("lr → {rate}").format(rate=0.1))]
        )
        hidden = figures.hidden_state_figure(np.zeros((3, 2)), ["a", "b", "c"], 0, 5)
        steps = figures.gradient_per_step_figure(np.ones((2, 3)), ["a", "b", "c"], 5)
        tall = heatmap(
            np.zeros((80, 2)), ["a", "b"], [str(i) for i in range(80)], "제목", "x", "y", "값", row_noun="units"
        )
    assert loss.layout.title.text == "에포크별 손실" and loss.layout.xaxis.title.text == "에포크"
    assert loss.layout.yaxis.title.text == "교차 엔트로피 손실 (로그 눈금)"
    assert [trace.name for trace in loss.data] == ["학습", "검증"] and "에포크: %{x}" in loss.data[0].hovertemplate
    assert loss.layout.annotations[0].text == "학습률 → 0.1"
    assert hidden.layout.title.text == "5 에포크 후 1층의 은닉 상태 h_t"
    assert list(hidden.layout.yaxis.ticktext) == ["유닛 1", "유닛 2"]
    assert [trace.name for trace in steps.data] == ["1층", "2층"] and "스텝 %{customdata[0]}" in steps.data[
        0
    ].hovertemplate
    assert tall.layout.title.text.startswith("제목 · 유닛 80개 중 처음")
    # Streamlit's own face for Latin letters, then the Hangul face the app serves (.streamlit/config.toml).
    for fig in (loss, hidden, steps, tall):
        assert fig.layout.font.family == '"Source Sans", "Noto Sans KR", sans-serif'
