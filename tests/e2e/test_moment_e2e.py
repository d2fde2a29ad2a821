"""One moment on screen in a real browser (issue 22, point 3): after Pause and Step every section names the epoch or
step the status line names, the sections outside the live fragment too (a fragment's own rerun redraws only itself,
so the page reruns once when the moment it shows has changed)."""

import pytest

from tests.e2e.conftest import assert_no_exception, press, shown_epoch, wait_for_epoch, wait_for_run_state

pytestmark = pytest.mark.e2e

TITLES = (
    "() => [...document.querySelectorAll('.js-plotly-plot')]"
    ".map(p => (p.layout && p.layout.title && p.layout.title.text) || '')"
)


def pause_then_step_twice(page, unit: int = 1) -> int:
    press(page, "Pause")
    wait_for_run_state(page, ("paused",))
    paused = shown_epoch(page)
    for step in (1, 2):
        press(page, "Step")
        wait_for_epoch(page, paused + step * unit)
        wait_for_run_state(page, ("paused",))
    return paused + 2 * unit


def wait_for_text(page, text: str) -> None:
    page.get_by_text(text).first.wait_for(timeout=60_000)


def test_hihello_after_pause_and_two_steps_every_view_names_the_status_epoch(page, app_url):
    page.goto(f"{app_url}/hihello")
    page.get_by_text("Prediction after epoch").first.wait_for()
    epoch = pause_then_step_twice(page)
    wait_for_text(page, f"Prediction after epoch {epoch}")
    page.wait_for_function(
        f"() => ({TITLES})().some(t => t.includes('Predicted probability') && t.includes('after {epoch} epochs'))"
    )
    titles = page.evaluate(TITLES)
    for view in ("Predicted probability", "Hidden state", "How much gradient reaches each time step"):
        assert any(view in t and f"after {epoch} epochs" in t for t in titles), (view, titles)
    assert_no_exception(page)


def test_long_sequences_sections_outside_the_live_part_follow_a_step(page, app_url):
    page.goto(f"{app_url}/long_sequences")
    page.get_by_text("Read back after epoch").first.wait_for()
    epoch = pause_then_step_twice(page)
    wait_for_text(page, f"Read back after epoch {epoch}:")
    wait_for_text(page, f"with the weights after epoch {epoch}.")  # the neuron section, outside the fragment
    wait_for_text(page, f"(as trained after epoch {epoch})")  # the generation section
    assert_no_exception(page)


def test_the_comparison_paused_mid_run_reads_so_far_at_the_status_step(page, app_url):
    page.goto(f"{app_url}/rnn_vs_lstm_gru")
    page.get_by_text("Training loss per step").first.wait_for()
    step = pause_then_step_twice(page, unit=10)
    assert 0 < step < 300
    wait_for_text(page, f"So far, at step {step} of 300 training steps:")
    wait_for_text(page, f"after {step} steps: share of values")  # the gates, outside the fragment
    assert page.get_by_text("after training").count() == 0
    assert_no_exception(page)
