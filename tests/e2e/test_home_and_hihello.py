"""Home and HiHello in a real browser: the run plays, grows its curves, pauses, steps and runs to the end."""

import itertools

import pytest

from tests.e2e.conftest import (
    EPOCH_SCRIPT,
    assert_no_exception,
    curve_length,
    full_page_screenshot,
    press,
    screenshot_while_playing,
    shown_epoch,
    wait_for_charts,
    wait_for_epoch,
    wait_for_run_state,
    wait_until_idle,
)

pytestmark = pytest.mark.e2e


def test_home_page_introduces_the_lab(page, app_url):
    page.goto(app_url)
    page.get_by_role("heading", name="RNN Lab").wait_for()
    wait_until_idle(page)
    assert page.locator(".katex").count() >= 1  # the RNN formula is rendered
    for screen in ["Basics", "HiHello", "Long sequences", "Time series", "RNN vs LSTM/GRU"]:
        assert page.get_by_role("link", name=screen).count() >= 1
    assert_no_exception(page)
    full_page_screenshot(page, "home")


def test_hihello_plays_pauses_steps_and_runs_to_the_end(page, app_url):
    page.goto(f"{app_url}/hihello")
    page.get_by_role("heading", name="HiHello: predict the next character").wait_for()
    # A fresh visit plays the defaults; Reset starts over at epoch 0, paused.
    wait_for_run_state(page, ("finished",))
    assert shown_epoch(page) == 100
    press(page, "Reset")
    wait_for_epoch(page, 0)
    page.get_by_role("combobox", name="Speed").click()
    page.get_by_role("option", name="slow", exact=True).click()
    wait_until_idle(page)
    press(page, "Play")
    lengths = set()  # the loss curve grows in place while it plays
    for _ in range(40):
        lengths.add(curve_length(page, "Loss per epoch"))
        if len(lengths - {-1}) >= 4:
            break
        page.wait_for_timeout(250)
    assert len(lengths - {-1}) >= 3, lengths
    screenshot_while_playing(page, "hihello_playing")

    press(page, "Pause")
    wait_for_run_state(page, ("paused",))
    held, length = shown_epoch(page), curve_length(page, "Loss per epoch")
    page.wait_for_timeout(1200)
    assert (shown_epoch(page), curve_length(page, "Loss per epoch")) == (held, length)
    assert 0 < held < 100

    press(page, "Step")
    wait_for_epoch(page, held + 1)
    wait_for_run_state(page, ("paused",))
    assert shown_epoch(page) == held + 1 and curve_length(page, "Loss per epoch") == length + 1

    press(page, "Run to end")
    wait_for_run_state(page, ("finished",))
    assert shown_epoch(page) == 100
    page.get_by_text("it learned the sequence").wait_for()
    assert wait_for_charts(page, at_least=6) >= 6
    assert_no_exception(page)
    full_page_screenshot(page, "hihello")


def test_a_fresh_visit_shows_the_start_and_never_skips_ahead(page, app_url):
    """Paced by what was drawn (issue 22). Before, the status read "Epoch 3" while the page drew (0.4-4 s), then
    jumped to 60-81. Sampled in the page every 0.1 s, the status now starts at epoch 3 or less and never moves by
    more than the speed's share of a frame: normal is 15 epochs a second, at most half a second's worth per frame
    (ui.live_run.MAX_FRAME_SECONDS), so 7, plus the fraction of an epoch the pace carries over."""
    page.add_init_script(
        f"window.__epochs = []; setInterval(() => {{ try {{ window.__epochs.push(({EPOCH_SCRIPT})()); }}"
        " catch (e) {} }, 100);"
    )
    page.goto(f"{app_url}/hihello")
    wait_for_run_state(page, ("finished",))
    epochs = [epoch for epoch in page.evaluate("window.__epochs") if epoch >= 0]
    jumps = [later - earlier for earlier, later in itertools.pairwise(epochs)]
    assert epochs[0] <= 3 and epochs[-1] == 100, epochs
    assert min(jumps) >= 0 and max(jumps) <= 8, epochs
    assert_no_exception(page)
