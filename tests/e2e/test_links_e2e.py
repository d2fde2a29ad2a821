"""A setup's link in a real browser: a changed setting reaches the address bar, the "Link to this setup" box holds
it, and the link opened in a fresh browser context (another learner) trains the same run to the same loss."""

from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.e2e.conftest import assert_no_exception, press, wait_for_run_state, wait_until_idle

pytestmark = pytest.mark.e2e


def metric(page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return box.locator('[data-testid="stMetricValue"]').inner_text()


def the_link(page) -> str:
    return page.locator('[data-testid="stSidebar"] [data-testid="stCode"]').first.inner_text().strip()


def test_the_link_of_a_changed_setup_opens_the_same_run_in_a_new_browser(page, browser, app_url):
    page.goto(f"{app_url}/hihello")
    wait_for_run_state(page, ("finished",))
    seed = page.locator('[data-testid="stSidebar"]').get_by_label("Seed", exact=True)
    seed.fill("0")
    seed.press("Enter")
    wait_until_idle(page)
    page.wait_for_function("() => location.search.includes('hihello_seed=0')", timeout=30_000)
    link = the_link(page)
    assert dict(parse_qsl(urlsplit(link).query)) == {"hihello_seed": "0"}, link
    press(page, "Reset")
    wait_until_idle(page)
    press(page, "Run to end")
    wait_for_run_state(page, ("finished",))
    first = (metric(page, "Prediction"), metric(page, "Loss"))
    assert first[0] == "ilello"  # the lab's seed gets stuck

    other = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        fresh = other.new_page()
        fresh.set_default_timeout(120_000)
        fresh.goto(link)
        wait_for_run_state(fresh, ("finished",))
        assert (metric(fresh, "Prediction"), metric(fresh, "Loss")) == first
        assert fresh.locator('[data-testid="stSidebar"]').get_by_label("Seed", exact=True).input_value() == "0"
        assert_no_exception(fresh)
    finally:
        other.close()


def test_a_forged_link_shows_the_note_in_the_browser(page, app_url):
    page.goto(f"{app_url}/hihello?hihello_seed=abc&hihello_epochs=5000")
    wait_for_run_state(page, ("finished",))
    page.get_by_text("Ignored from the link: hihello_seed=abc").wait_for()
    assert "hihello_seed" not in urlsplit(page.url).query  # out of the address bar too
    assert_no_exception(page)


def test_settings_survive_a_visit_to_another_screen_in_the_browser(page, app_url):
    page.goto(f"{app_url}/hihello?hihello_seed=0")
    wait_for_run_state(page, ("finished",))
    page.get_by_role("link", name="Long sequences").first.click()
    page.get_by_role("heading", name="Long sequences: learning a sentence through sliding windows").wait_for()
    wait_until_idle(page)
    page.get_by_role("link", name="HiHello").first.click()
    page.get_by_role("heading", name="HiHello: predict the next character").wait_for()
    wait_until_idle(page)
    assert page.locator('[data-testid="stSidebar"]').get_by_label("Seed", exact=True).input_value() == "0"
    page.wait_for_function("() => location.search.includes('hihello_seed=0')", timeout=30_000)
    assert_no_exception(page)
