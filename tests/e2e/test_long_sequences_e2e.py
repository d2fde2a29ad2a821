"""Long sequences in a real browser: the lab's defaults play to the end, the read-back grows, screenshot."""

import pytest

from tests.e2e.conftest import (
    assert_no_exception,
    full_page_screenshot,
    screenshot_while_playing,
    wait_for_charts,
    wait_for_run_state,
)

pytestmark = pytest.mark.e2e


def test_long_sequences_plays_and_draws_its_charts(page, app_url):
    page.goto(f"{app_url}/long_sequences")
    page.get_by_role("heading", name="Long sequences: learning a sentence through sliding windows").wait_for()
    page.get_by_text("Read back after epoch").first.wait_for()  # the live read-back while it plays
    screenshot_while_playing(page, "long_sequences_playing")
    wait_for_run_state(page, ("finished",))
    page.get_by_text("Sentence read back right").wait_for()
    page.get_by_text("reads the sentence back almost perfectly").wait_for()
    charts = wait_for_charts(page, at_least=11)
    assert charts >= 11
    assert page.get_by_role("heading", name="Generate text").count() == 1
    assert_no_exception(page)
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    full_page_screenshot(page, "long_sequences")
