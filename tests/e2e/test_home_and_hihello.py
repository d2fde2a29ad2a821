"""Home and HiHello in a real browser: load, train with the defaults, charts drawn, screenshot."""

import pytest

from tests.e2e.conftest import assert_no_exception, full_page_screenshot, wait_for_charts, wait_until_idle

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


def test_hihello_trains_and_draws_its_charts(page, app_url):
    page.goto(f"{app_url}/hihello")
    page.get_by_role("heading", name="HiHello: predict the next character").wait_for()
    wait_until_idle(page)
    page.get_by_role("button", name="Train", exact=True).click()
    wait_until_idle(page)
    page.get_by_text("Prediction after training").wait_for()
    assert page.get_by_text("it learned the sequence").count() == 1
    charts = wait_for_charts(page, at_least=6)
    assert charts >= 6
    assert_no_exception(page)
    full_page_screenshot(page, "hihello")
