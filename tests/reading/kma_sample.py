"""A small daily file in the style of the Korea Meteorological Administration's ASOS downloads, made in the
test (no committed binary): CP949 text, station code 108 (Seoul) in every row, rainfall blank on dry days."""

from __future__ import annotations

import numpy as np
import pandas as pd

NAMES = ("지점", "지점명", "일시", "평균기온(°C)", "최저기온(°C)", "최고기온(°C)", "일강수량(mm)")
RAIN = "일강수량(mm)"
ROWS, DRY_DAYS = 200, 118


def kma_frame(rows: int = ROWS, dry_days: int = DRY_DAYS, seed: int = 0) -> pd.DataFrame:
    """The table as KMA writes it: rainfall is NaN (a blank cell) on ``dry_days`` days chosen at random."""
    rng = np.random.default_rng(seed)
    days = np.arange(rows)
    mean = 12 + 14 * np.sin(2 * np.pi * (days - 100) / 365) + rng.normal(0, 2, rows)
    rain = rng.gamma(0.8, 8, rows).round(1) + 0.1
    rain[rng.choice(rows, dry_days, replace=False)] = np.nan
    return pd.DataFrame(
        {
            "지점": 108,
            "지점명": "서울",
            "일시": pd.date_range("2023-01-01", periods=rows, freq="D").strftime("%Y-%m-%d"),
            "평균기온(°C)": mean.round(1),
            "최저기온(°C)": (mean - 4 - rng.random(rows) * 3).round(1),
            "최고기온(°C)": (mean + 4 + rng.random(rows) * 3).round(1),
            RAIN: rain,
        }
    )


def kma_bytes(rows: int = ROWS, dry_days: int = DRY_DAYS, seed: int = 0) -> bytes:
    return kma_frame(rows, dry_days, seed).to_csv(index=False, lineterminator="\r\n").encode("cp949")
