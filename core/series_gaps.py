"""Missing values: the learner's policy for the gaps (drop the row, fill forward, fill with 0), and what
dropping rows does to the spacing of the dates, which windows silently assume to be regular.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from core.errors import InputError

MISSING_POLICIES = ("drop", "fill_forward", "fill_zero")


def _quote(names: Sequence[str]) -> str:
    return ", ".join(f"'{name}'" for name in names)


def apply_missing_policy(frame: pd.DataFrame, columns: Sequence[str], policy: str) -> tuple[pd.DataFrame, str]:
    """Remove the gaps in the chosen columns, and say how many rows or cells it took.

    ``drop`` removes every row with a gap. ``fill_forward`` repeats the last value seen, the
    assumption "nothing changed" that is safe for prices (it never borrows from the future), then
    drops the leading rows that have no earlier value. ``fill_zero`` writes 0, right where a blank
    means "none", as in rainfall records (a day without rain is left blank). Infinite values count as gaps.
    """
    if policy not in MISSING_POLICIES:
        raise InputError(f"Unknown missing-value policy '{policy}': choose one of {', '.join(MISSING_POLICIES)}.")
    columns = list(columns)
    unknown = [column for column in columns if column not in frame.columns]
    if unknown or not columns:
        raise InputError(f"Choose at least one column of the table (unknown: {_quote(unknown) or 'none chosen'}).")
    result = frame.copy()
    values = result[columns].astype("float64").replace([np.inf, -np.inf], np.nan)  # (rows, columns)
    result[columns] = values
    gaps = values.isna().any(axis=1).to_numpy()
    if not gaps.any():
        return result.reset_index(drop=True), "No missing values in the chosen columns."
    if policy == "drop":
        result = result[~gaps]
        note = f"Dropped {int(gaps.sum()):,} rows with a missing value in the chosen columns."
    elif policy == "fill_zero":
        cells = int(values.isna().to_numpy().sum())
        result[columns] = values.fillna(0.0)
        note = f"Filled {cells:,} missing cells with 0."
    else:
        cells = int(values.isna().to_numpy().sum())
        result[columns] = values.ffill()
        leading = result[columns].isna().any(axis=1).to_numpy()
        filled = cells - int(result[columns].isna().to_numpy().sum())
        result = result[~leading]
        note = f"Filled {filled:,} missing cells with the last value seen before them"
        if leading.any():
            note += f"; dropped the first {int(leading.sum()):,} rows, which had no earlier value"
        note += "."
    if result.empty:
        raise InputError("No rows are left once the missing values are removed. Choose other columns or fix the file.")
    return result.reset_index(drop=True), note


def duration_text(span: pd.Timedelta) -> str:
    """9 days, 6 hours, 15 minutes: the unit the span is a whole number of, else pandas' own text."""
    for unit, seconds in (("day", 86_400), ("hour", 3_600), ("minute", 60), ("second", 1)):
        count, rest = divmod(span.total_seconds(), seconds)
        if count >= 1 and rest == 0:
            return f"{int(count):,} {unit}{'' if count == 1 else 's'}"
    return str(span)


def spacing_warning(dates_before: pd.Series, dates_after: pd.Series) -> str | None:
    """A warning when removing rows broke the spacing of the dates, computed from the dates themselves.

    The usual spacing is the median step between the file's dates (1 day for a daily file). A jump is
    two consecutive rows further apart than that; the warning counts the jumps the policy added, gives
    the largest, and is None when it added none (the file's own gaps are not the policy's doing).
    """
    before = pd.Series(pd.to_datetime(dates_before)).dropna().sort_values()
    after = pd.Series(pd.to_datetime(dates_after)).dropna().sort_values()
    steps = before.diff().dropna()
    steps = steps[steps > pd.Timedelta(0)]
    if steps.empty or len(after) < 2:
        return None
    usual = steps.median()
    jumps_before = int((steps > usual).sum())
    after_steps = after.diff().dropna()
    jumps = after_steps[after_steps > usual]
    added = len(jumps) - jumps_before
    if added <= 0:
        return None
    removed = len(before) - len(after)
    had = f" (the file itself had {jumps_before:,})" if jumps_before else ""
    return (
        f"Dropping {removed:,} {'row' if removed == 1 else 'rows'} broke the spacing of the dates: consecutive rows "
        f"are now more than {duration_text(usual)} apart in {len(jumps):,} {'place' if len(jumps) == 1 else 'places'}"
        f"{had}, the largest jump "
        f"{duration_text(jumps.max())}. A window there reads dates that are not consecutive as if they were. "
        "'Fill forward' or 'fill with 0' keeps every row."
    )
