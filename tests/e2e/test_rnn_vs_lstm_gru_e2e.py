"""The comparison screen in a real browser: the three cells race, then curves, gradients and gates are drawn."""

import pytest

from tests.e2e.conftest import (
    assert_no_exception,
    curve_length,
    full_page_screenshot,
    press,
    screenshot_while_playing,
    shown_epoch,
    wait_for_charts,
    wait_for_run_state,
)

pytestmark = pytest.mark.e2e


def test_comparison_races_three_cells(page, app_url):
    page.goto(f"{app_url}/rnn_vs_lstm_gru")
    page.get_by_role("heading", name="RNN vs LSTM/GRU: long-term dependencies").wait_for()
    page.get_by_text("Training loss per step").first.wait_for()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')].some(p => p.layout && p.layout.title &&"
        " (p.layout.title.text || '').includes('Training loss per step') && p.data.length === 3"
        " && p.data.every(t => t.x && t.x.length > 0))",
        timeout=120_000,
    )
    lengths = [curve_length(page, "Training loss per step")]
    screenshot_while_playing(page, "rnn_vs_lstm_gru_playing")
    wait_for_run_state(page, ("finished",), timeout_ms=400_000)
    lengths.append(curve_length(page, "Training loss per step"))
    assert lengths[0] < lengths[1] == 300  # the curves grew while the cells raced
    page.get_by_text("GRU accuracy").wait_for()
    assert page.get_by_text("After all 300 training steps").count() >= 1
    assert wait_for_charts(page, at_least=10) >= 10
    assert_no_exception(page)
    full_page_screenshot(page, "rnn_vs_lstm_gru")


LAST_STEPS = (
    "() => { const p = [...document.querySelectorAll('.js-plotly-plot')].find(p => p.layout && p.layout.title &&"
    " (p.layout.title.text || '').includes('Training loss per step'));"
    " return p ? p.data.map(t => t.x[t.x.length - 1]) : []; }"
)


def test_after_pause_the_status_step_is_the_last_step_of_each_curve(page, app_url):
    """A real race (issue 22). Before, with the status at step 114 the LSTM's curve had reached 185 and the GRU's 114,
    and after Pause one more step appeared; the three cells now advance in lockstep and stop together."""
    page.goto(f"{app_url}/rnn_vs_lstm_gru")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')].some(p => p.layout && p.layout.title &&"
        " (p.layout.title.text || '').includes('Training loss per step') && p.data.length === 3"
        " && p.data.every(t => t.x && t.x.length > 5))",
        timeout=120_000,
    )
    press(page, "Pause")
    wait_for_run_state(page, ("paused",))
    step = shown_epoch(page)
    assert 0 < step < 300
    assert page.evaluate(LAST_STEPS) == [step, step, step]
    page.wait_for_timeout(1500)
    assert shown_epoch(page) == step and page.evaluate(LAST_STEPS) == [step, step, step]  # nothing after "paused"
    assert_no_exception(page)
