"""Time series in a real browser: upload a CSV through the real file input, train, charts drawn, screenshot."""

from __future__ import annotations

import math
import time

import pytest

from tests.e2e.browser import CSV_INPUT
from tests.e2e.conftest import (
    assert_no_exception,
    cpu_seconds,
    full_page_screenshot,
    press,
    shown_epoch,
    wait_for_charts,
    wait_for_epoch,
    wait_for_run_state,
    wait_until_idle,
)

pytestmark = pytest.mark.e2e

TITLE = "Time series: forecast the next value"


def write_csv(path, names=("Temperature", "Sales"), rows=240, constant=False):
    lines = [f"Date,{names[0]},{names[1]}"]
    for day in range(rows):
        date = f"2024-{1 + day // 28:02d}-{1 + day % 28:02d}"
        sales = 5 if constant else 100 + 30 * math.sin(day / 3) + 0.2 * day
        lines.append(f"{date},{20 + 8 * math.sin(day / 5):.2f},{sales:.2f}")
    path.write_text("\n".join(lines) + "\n")
    return path


def open_upload(page, app_url):
    page.goto(f"{app_url}/time_series")
    page.get_by_role("heading", name=TITLE).wait_for()
    wait_for_run_state(page, ("finished",))  # the first visit plays the built-in stock-like sample
    page.get_by_text("Upload your own CSV file").click()
    wait_until_idle(page)


def test_upload_a_csv_train_and_draw(page, app_url, tmp_path):
    path = write_csv(tmp_path / "my_sales.csv")
    open_upload(page, app_url)
    page.set_input_files(CSV_INPUT, str(path))
    wait_until_idle(page)
    page.get_by_text("What was read: 240 rows").wait_for()
    page.get_by_text("Changed: the data").wait_for()  # the sample's run stays until Reset
    press(page, "Reset")
    wait_for_epoch(page, 0)
    press(page, "Run to end")
    wait_for_run_state(page, ("finished",))
    page.get_by_text("Training on the uploaded file my_sales.csv").wait_for()
    assert page.get_by_text("Changed: the data").count() == 0
    assert wait_for_charts(page, at_least=8) >= 8
    assert_no_exception(page)
    full_page_screenshot(page, "time_series")


def test_markup_in_column_names_shows_as_typed(page, app_url, tmp_path):
    path = write_csv(tmp_path / "markup.csv", names=("<b>temp</b>", "**sales**"), constant=True)
    open_upload(page, app_url)
    page.set_input_files(CSV_INPUT, str(path))
    wait_until_idle(page)
    press(page, "Reset")
    wait_until_idle(page)
    error = page.locator('[data-testid="stAlertContentError"]').first
    error.wait_for()
    assert "'**sales**' has the same value in every row" in error.inner_text()
    assert error.locator("strong, b").count() == 0
    assert_no_exception(page)


def test_switching_samples_trains_on_the_new_table(page, app_url):
    page.goto(f"{app_url}/time_series")
    page.get_by_role("heading", name=TITLE).wait_for()
    wait_for_run_state(page, ("finished",))
    picker = page.get_by_role("combobox", name="Window to look inside")
    assert picker.input_value().startswith("window 723: reads 2025-10-08")  # the stock-like sample's last window
    page.get_by_text("Built-in: seasonal series (synthetic)").click()
    wait_until_idle(page)
    assert page.get_by_role("combobox", name="Target column").input_value() == "Value"
    press(page, "Reset")
    page.get_by_text("Training on the built-in sample seasonal.csv").wait_for()
    wait_until_idle(page)
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    # the pickers belong to the new run: no option of the previous table is left selected
    assert picker.input_value().startswith("window 723: reads 2024-12-23")
    assert_no_exception(page)


def set_slider_to_max(page, label: str) -> None:
    page.get_by_role("slider", name=label).focus()
    page.keyboard.press("End")
    wait_until_idle(page)


def test_a_long_run_stops_computing_when_the_tab_closes(browser, app_server):
    """About a minute of computing is within the budget; closing the tab must stop it within a tick."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(f"{app_server['url']}/time_series")
    page.get_by_role("heading", name=TITLE).wait_for()
    wait_for_run_state(page, ("finished",))
    for label in ("Hidden size", "Depth (stacked layers)", "Epochs"):
        set_slider_to_max(page, label)
    press(page, "Reset")
    wait_for_epoch(page, 0)
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    press(page, "Run to end")
    page.wait_for_function("() => true")
    pid = app_server["pid"]
    started = cpu_seconds(pid)
    page.wait_for_timeout(3000)
    busy = cpu_seconds(pid) - started
    assert 0 < shown_epoch(page) < 1000
    assert busy > 1.0, busy  # it was computing
    context.close()
    page_closed = cpu_seconds(pid)
    time.sleep(1.0)  # one tick may still finish
    settled = cpu_seconds(pid)
    time.sleep(2.0)
    idle = cpu_seconds(pid) - settled
    assert idle < 0.3, (busy, settled - page_closed, idle)


def test_the_issues_heavy_settings_are_refused_before_computing(page, app_server, tmp_path):
    """Window 120, horizon 30, hidden 128, depth 4, LSTM, 1000 epochs, batch 16 on a long file: days of work."""
    path = write_csv(tmp_path / "long.csv", rows=4000)
    open_upload(page, app_server["url"])
    page.set_input_files(CSV_INPUT, str(path))
    wait_until_idle(page)
    for label in ("Window (time steps read)", "Horizon (steps predicted)", "Hidden size", "Depth (stacked layers)"):
        set_slider_to_max(page, label)
    set_slider_to_max(page, "Epochs")
    slider = page.get_by_role("slider", name="Batch size (windows per step)")
    slider.focus()
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")  # 16
    wait_until_idle(page)
    pid = app_server["pid"]
    before = cpu_seconds(pid)
    press(page, "Reset")
    error = page.locator('[data-testid="stAlertContentError"]').first
    error.wait_for()
    assert "limit on this server" in error.inner_text()
    wait_until_idle(page)
    assert cpu_seconds(pid) - before < 5  # estimated and refused, not started
    assert_no_exception(page)
