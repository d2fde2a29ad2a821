"""The Basics screen in a real browser: matrices, the unrolled diagram and the gradient chart are drawn."""

import pytest

from tests.e2e.conftest import assert_no_exception, full_page_screenshot, wait_for_charts, wait_until_idle

pytestmark = pytest.mark.e2e


def test_basics_draws_every_section(page, app_url):
    page.goto(f"{app_url}/basics")
    page.get_by_role("heading", name="One step of the cell, by hand").wait_for()
    wait_until_idle(page)
    # A deep link as the server's first request still runs through the app's own navigation.
    assert page.get_by_role("link", name="Home").count() >= 1
    assert wait_for_charts(page, at_least=4) >= 4
    page.locator('[data-testid="stGraphVizChart"] svg').first.wait_for()
    assert page.locator(".katex").count() >= 1
    assert_no_exception(page)
    full_page_screenshot(page, "basics")
