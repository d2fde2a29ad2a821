"""Time series in a real browser: upload a CSV through the real file input, train, charts drawn, screenshot."""

from __future__ import annotations

import math

import pytest

from tests.e2e.conftest import assert_no_exception, full_page_screenshot, wait_for_charts, wait_until_idle

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
    wait_until_idle(page)  # the first visit trains on the built-in stock-like sample
    page.get_by_text("Upload your own CSV file").click()
    wait_until_idle(page)


def test_upload_a_csv_train_and_draw(page, app_url, tmp_path):
    path = write_csv(tmp_path / "my_sales.csv")
    open_upload(page, app_url)
    page.set_input_files("input[type=file]", str(path))
    wait_until_idle(page)
    page.get_by_text("What was read: 240 rows").wait_for()
    page.get_by_role("button", name="Train", exact=True).click()
    wait_until_idle(page)
    page.get_by_text("Trained on the uploaded file my_sales.csv").wait_for()
    assert page.get_by_text("Showing the last run").count() == 0
    assert wait_for_charts(page, at_least=8) >= 8
    assert_no_exception(page)
    full_page_screenshot(page, "time_series")


def test_markup_in_column_names_shows_as_typed(page, app_url, tmp_path):
    path = write_csv(tmp_path / "markup.csv", names=("<b>temp</b>", "**sales**"), constant=True)
    open_upload(page, app_url)
    page.set_input_files("input[type=file]", str(path))
    wait_until_idle(page)
    page.get_by_role("button", name="Train", exact=True).click()
    wait_until_idle(page)
    error = page.locator('[data-testid="stAlertContentError"]').first
    error.wait_for()
    assert "'**sales**' has the same value in every row" in error.inner_text()
    assert error.locator("strong, b").count() == 0
    assert_no_exception(page)


def test_switching_samples_trains_on_the_new_table(page, app_url):
    page.goto(f"{app_url}/time_series")
    page.get_by_role("heading", name=TITLE).wait_for()
    wait_until_idle(page)
    picker = page.get_by_role("combobox", name="Window to look inside")
    assert picker.input_value().startswith("window 722: reads 2025-10-08")  # the stock-like sample's last window
    page.get_by_text("Built-in: seasonal series (synthetic)").click()
    wait_until_idle(page)
    assert page.get_by_role("combobox", name="Target column").input_value() == "Value"
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text("Trained on the built-in sample seasonal.csv").wait_for()
    wait_until_idle(page)
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    # the pickers belong to the new run: no option of the previous table is left selected
    assert picker.input_value().startswith("window 722: reads 2024-12-23")
    assert_no_exception(page)
