"""Defaults that fit a real file: a KMA-style daily weather download (CP949, a constant station code, rainfall
blank on 118 of 200 days) read, defaulted and prepared the way a learner would meet it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.reading.csv_dates import looks_like_excel_dates
from core.reading.series import read_series
from core.reading.series_gaps import apply_missing_policy, duration_text, spacing_warning
from core.screens.time_series.forecasting import ForecastSettings, default_features, default_target, prepare
from tests.reading.kma_sample import DRY_DAYS, RAIN, ROWS, kma_bytes, kma_frame

TEMPERATURES = ["평균기온(°C)", "최저기온(°C)", "최고기온(°C)"]


@pytest.fixture(scope="module")
def kma():
    return read_series(kma_bytes(), "kma.csv")


def test_the_file_reads_as_korean_text_with_its_dates_and_gaps(kma):
    assert "CP949" in " ".join(kma.notes)
    assert kma.date_column == "일시" and len(kma.frame) == ROWS
    assert kma.numeric_columns == ["지점", *TEMPERATURES, RAIN]
    assert kma.missing_by_column[RAIN] == DRY_DAYS and kma.missing_cells == DRY_DAYS


def test_the_default_target_is_a_column_with_the_fewest_gaps_not_the_last_column(kma):
    target = default_target(kma.numeric_columns, kma.missing_by_column)
    assert target != RAIN and kma.missing_by_column[target] == 0
    assert target == "최고기온(°C)"  # the last of the complete columns
    assert default_target(kma.numeric_columns) == RAIN  # without the gap counts: the old rule, the last column
    assert default_target(["Close", "Volume"], {"Close": 3, "Volume": 0}) == "Volume"  # gaps outrank the name


def test_a_constant_column_is_left_out_of_the_features_and_the_notes_say_so(kma):
    assert kma.constant_columns == ["지점"]
    assert default_features(kma) == [*TEMPERATURES, RAIN]
    assert "'지점' holds the same value in every row (108)" in " ".join(kma.notes)
    varied = read_series(b"a,b\n1,2\n3,4\n5,6\n")
    assert varied.constant_columns == [] and default_features(varied) == ["a", "b"]


def test_fill_with_zero_keeps_every_day(kma):
    frame, note = apply_missing_policy(kma.frame, [RAIN], "fill_zero")
    assert len(frame) == ROWS and note == f"Filled {DRY_DAYS} missing cells with 0."
    assert (frame[RAIN] == 0).sum() == DRY_DAYS
    prepared = prepare(kma, ForecastSettings(target=RAIN, features=(RAIN,), missing_policy="fill_zero", epochs=1))
    assert prepared.rows == ROWS and prepared.warnings == []


def test_dropping_rows_warns_with_the_count_and_the_largest_jump_computed_from_the_dates(kma):
    settings = ForecastSettings(target="최고기온(°C)", features=tuple(default_features(kma)), epochs=1)
    prepared = prepare(kma, settings)
    assert prepared.rows == ROWS - DRY_DAYS
    kept = pd.Series(prepared.times)
    steps = kept.diff().dropna()
    jumps = steps[steps > pd.Timedelta(days=1)]
    assert len(jumps) > 10  # the fixture does break the spacing
    (warning,) = prepared.warnings
    assert f"Dropping {DRY_DAYS} rows broke the spacing of the dates" in warning
    assert f"more than 1 day apart in {len(jumps)} places" in warning
    assert f"the largest jump {jumps.max().days} days" in warning
    without_rain = ForecastSettings(target="최고기온(°C)", features=tuple(TEMPERATURES), epochs=1)
    assert prepare(kma, without_rain).warnings == []  # nothing dropped: nothing to warn about


def test_the_spacing_warning_counts_only_the_jumps_the_policy_added():
    dates = pd.Series(pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-10", "2024-01-11"]))
    assert spacing_warning(dates, dates) is None  # the file's own gap is not the policy's doing
    warning = spacing_warning(dates, dates.drop(index=[1]))
    assert "in 2 places (the file itself had 1), the largest jump 7 days" in warning
    hourly = pd.Series(pd.date_range("2024-01-01", periods=6, freq="h"))
    warning = spacing_warning(hourly, hourly[[0, 3, 4, 5]])
    assert "more than 1 hour apart in 1 place, the largest jump 3 hours" in warning
    assert duration_text(pd.Timedelta(minutes=90)) == "90 minutes"


def test_excel_serial_dates_are_read_in_a_date_column_and_listed_elsewhere():
    serials = np.arange(45292, 45292 + 30)  # 2024-01-01 …
    table = read_series(("date,v\n" + "".join(f"{d},{i % 7}\n" for i, d in enumerate(serials))).encode())
    assert table.date_column == "date" and table.frame["date"].iloc[0] == pd.Timestamp("2024-01-01")
    assert "Excel serial day numbers" in " ".join(table.notes)
    listed = read_series(("day_number,v\n" + "".join(f"{d},{i % 7}\n" for i, d in enumerate(serials))).encode())
    unnamed = read_series(("n,v\n" + "".join(f"{d},{i % 7}\n" for i, d in enumerate(serials))).encode())
    assert unnamed.date_column is None and unnamed.numeric_columns == ["n", "v"]
    assert "Column 'n' could be dates saved as Excel serial day numbers" in " ".join(unnamed.notes)
    assert "from 2024-01-01 to 2024-01-30" in " ".join(unnamed.notes)
    assert listed.date_column == "day_number"  # "day" in the name: read as dates


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (("45292", "45293", "45294"), True),
        (("45294", "45293", "45292"), True),  # newest first
        (("55800", "55400", "56100"), False),  # prices in the same range, not in order
        (("45292.5", "45293.5", "45294.5"), False),  # not whole days
        (("120", "121", "122"), False),  # 1900: not a plausible date of a real file
        (("45292", "45292", "45293"), False),  # repeats
    ],
)
def test_what_counts_as_excel_serial_dates(cells, expected):
    assert looks_like_excel_dates(cells) is expected


def test_the_fixture_is_what_kma_writes():
    raw = kma_bytes()
    assert raw.decode("cp949").splitlines()[0] == "지점,지점명,일시,평균기온(°C),최저기온(°C),최고기온(°C),일강수량(mm)"
    assert kma_frame()[RAIN].isna().sum() == DRY_DAYS and len(raw) < 10_000
