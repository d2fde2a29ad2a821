"""Write the built-in sample series of the Time series screen. The data is SYNTHETIC: no real market.

    python data/make_samples.py

Deterministic (fixed numpy seeds, no network), so running it again rewrites the same bytes.
- stock_like.csv: ~2 years of trading days of made-up OHLCV prices, newest row first like the seed
  lab's file (Date, Open, High, Low, Volume, Close), so the app's "sort oldest-first" is exercised.
- seasonal.csv: 730 days of a noisy weekly + yearly season on a trend (Date, Value), oldest first:
  a series where a model can beat "tomorrow = today", unlike prices.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parent
STOCK_ROWS = 730
SEASONAL_ROWS = 730


def stock_like(rows: int = STOCK_ROWS, seed: int = 5) -> pd.DataFrame:
    """A geometric random walk with a gentle pull back to 100, so prices stay roughly within 50–150.

    Each day opens near the previous close; High and Low reach beyond the open and the close by a
    random intraday range (High ≥ max(Open, Close), Low ≤ min(Open, Close), even after rounding);
    volume is larger on days that move more, as on real markets.
    """
    rng = np.random.default_rng(seed)
    log_close = np.empty(rows)
    level = np.log(100.0)
    for day in range(rows):
        level += 0.0002 + 0.015 * rng.standard_normal() - 0.004 * (level - np.log(100.0))
        log_close[day] = level
    close = np.exp(log_close)  # (rows,)
    previous = np.concatenate([[close[0] / np.exp(0.01 * rng.standard_normal())], close[:-1]])
    open_ = previous * np.exp(0.004 * rng.standard_normal(rows))  # overnight gap
    top, bottom = np.maximum(open_, close), np.minimum(open_, close)
    high = np.ceil(top * (1 + np.abs(rng.normal(0, 0.007, rows))) * 100) / 100
    low = np.floor(bottom * (1 - np.abs(rng.normal(0, 0.007, rows))) * 100) / 100
    move = np.abs(np.log(close / previous))
    volume = np.round(rng.lognormal(np.log(1_200_000), 0.3, rows) * (1 + 25 * move)).astype(np.int64)
    dates = pd.bdate_range("2023-01-02", periods=rows)
    frame = pd.DataFrame(
        {
            "Date": dates.strftime("%Y-%m-%d"),
            "Open": np.round(open_, 2),
            "High": high,
            "Low": low,
            "Volume": volume,
            "Close": np.round(close, 2),
        }
    )
    assert (frame.High >= frame[["Open", "Close"]].max(axis=1)).all()
    assert (frame.Low <= frame[["Open", "Close"]].min(axis=1)).all()
    assert (frame.Volume > 0).all() and frame.Low.min() > 40 and frame.High.max() < 170
    return frame.iloc[::-1].reset_index(drop=True)  # newest first, like the lab's file


def seasonal(rows: int = SEASONAL_ROWS, seed: int = 11) -> pd.DataFrame:
    """Trend + weekly season + yearly season + noise: patterns a window of a few weeks can learn."""
    rng = np.random.default_rng(seed)
    day = np.arange(rows)
    value = (
        20.0
        + 0.01 * day  # trend: +7.3 over two years
        + 2.0 * np.sin(2 * np.pi * day / 7)  # weekly
        + 5.0 * np.sin(2 * np.pi * day / 365.25)  # yearly
        + rng.normal(0, 0.8, rows)
    )
    dates = pd.date_range("2023-01-01", periods=rows, freq="D")
    return pd.DataFrame({"Date": dates.strftime("%Y-%m-%d"), "Value": np.round(value, 3)})


def main() -> None:
    for name, frame in (("stock_like.csv", stock_like()), ("seasonal.csv", seasonal())):
        path = DATA / name
        frame.to_csv(path, index=False, lineterminator="\n")
        print(f"wrote {path.relative_to(DATA.parent)}: {len(frame)} rows, {path.stat().st_size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
