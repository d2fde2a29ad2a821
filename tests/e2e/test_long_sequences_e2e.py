"""Long sequences in a real browser: load, train with the lab's defaults, charts drawn, screenshot."""

import pytest

from tests.e2e.conftest import assert_no_exception, full_page_screenshot, wait_for_charts, wait_until_idle

pytestmark = pytest.mark.e2e


def test_long_sequences_trains_and_draws_its_charts(page, app_url):
    page.goto(f"{app_url}/long_sequences")
    page.get_by_role("heading", name="Long sequences: learning a sentence through sliding windows").wait_for()
    wait_until_idle(page)
    page.get_by_role("button", name="Train", exact=True).click()
    wait_until_idle(page)
    page.get_by_text("Sentence read back right").wait_for()
    assert page.get_by_text("reads the sentence back almost perfectly").count() == 1
    charts = wait_for_charts(page, at_least=11)
    assert charts >= 11
    assert page.get_by_role("heading", name="Generate text").count() == 1
    assert_no_exception(page)
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    full_page_screenshot(page, "long_sequences")
