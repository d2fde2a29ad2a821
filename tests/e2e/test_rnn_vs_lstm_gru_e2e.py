"""The comparison screen in a real browser: three cells train, curves and gates are drawn."""

import pytest

from tests.e2e.conftest import assert_no_exception, full_page_screenshot, wait_for_charts, wait_until_idle

pytestmark = pytest.mark.e2e


def test_comparison_trains_three_cells(page, app_url):
    page.goto(f"{app_url}/rnn_vs_lstm_gru")
    page.get_by_role("heading", name="RNN vs LSTM/GRU: long-term dependencies").wait_for()
    wait_until_idle(page, timeout_ms=300_000)
    page.get_by_text("GRU accuracy").wait_for()
    assert page.get_by_text("Accuracy at gap 30").count() >= 1
    assert wait_for_charts(page, at_least=8) >= 8
    assert_no_exception(page)
    full_page_screenshot(page, "rnn_vs_lstm_gru")
