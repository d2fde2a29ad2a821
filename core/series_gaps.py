"""Missing values: the learner's policy for the gaps (drop the row, fill forward, fill with 0), and what
dropping rows does to the spacing of the dates, which windows silently assume to be regular.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from core.errors import InputError
from core.i18n import _, ngettext

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
        raise InputError(
            _("Unknown missing-value policy '{policy}': choose one of {policies}.").format(
                policy=policy, policies=", ".join(MISSING_POLICIES)
            )
        )
    columns = list(columns)
    unknown = [column for column in columns if column not in frame.columns]
    if unknown:
        raise InputError(_("Choose at least one column of the table (unknown: {names}).").format(names=_quote(unknown)))
    if not columns:
        raise InputError(_("Choose at least one column of the table (unknown: none chosen)."))
    result = frame.copy()
    values = result[columns].astype("float64").replace([np.inf, -np.inf], np.nan)  # (rows, columns)
    result[columns] = values
    gaps = values.isna().any(axis=1).to_numpy()
    if not gaps.any():
        return result.reset_index(drop=True), _("No missing values in the chosen columns.")
    if policy == "drop":
        result = result[~gaps]
        note = _("Dropped {count:,} rows with a missing value in the chosen columns.").format(count=int(gaps.sum()))
    elif policy == "fill_zero":
        cells = int(values.isna().to_numpy().sum())
        result[columns] = values.fillna(0.0)
        note = _("Filled {count:,} missing cells with 0.").format(count=cells)
    else:
        cells = int(values.isna().to_numpy().sum())
        result[columns] = values.ffill()
        leading = result[columns].isna().any(axis=1).to_numpy()
        filled = cells - int(result[columns].isna().to_numpy().sum())
        result = result[~leading]
        if leading.any():
            note = _(
                "Filled {count:,} missing cells with the last value seen before them; dropped the first {rows:,} "
                "rows, which had no earlier value."
            ).format(count=filled, rows=int(leading.sum()))
        else:
            note = _("Filled {count:,} missing cells with the last value seen before them.").format(count=filled)
    if result.empty:
        raise InputError(
            _("No rows are left once the missing values are removed. Choose other columns or fix the file.")
        )
    return result.reset_index(drop=True), note


def duration_text(span: pd.Timedelta) -> str:
    """9 days, 6 hours, 15 minutes: the unit the span is a whole number of, else pandas' own text."""
    for unit, seconds in (("day", 86_400), ("hour", 3_600), ("minute", 60), ("second", 1)):
        count, rest = divmod(span.total_seconds(), seconds)
        if count >= 1 and rest == 0:
            return _counted(unit, int(count))
    return str(span)


def _counted(unit: str, count: int) -> str:
    """``count`` of a unit of time, in words: one whole phrase per unit (each language has its own plural)."""
    if unit == "day":
        text = ngettext("{count:,} day", "{count:,} days", count)
    elif unit == "hour":
        text = ngettext("{count:,} hour", "{count:,} hours", count)
    elif unit == "minute":
        text = ngettext("{count:,} minute", "{count:,} minutes", count)
    else:
        text = ngettext("{count:,} second", "{count:,} seconds", count)
    return text.format(count=count)


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
    places = ngettext("{count:,} place", "{count:,} places", len(jumps)).format(count=len(jumps))
    if jumps_before:
        places = _("{places} (the file itself had {count:,})").format(places=places, count=jumps_before)
    broke = ngettext(
        "Dropping {count:,} row broke the spacing of the dates: consecutive rows are now more than {usual} apart "
        "in {places}, the largest jump {largest}.",
        "Dropping {count:,} rows broke the spacing of the dates: consecutive rows are now more than {usual} apart "
        "in {places}, the largest jump {largest}.",
        removed,
    ).format(count=removed, usual=duration_text(usual), places=places, largest=duration_text(jumps.max()))
    return " ".join(
        [
            broke,
            _("A window there reads dates that are not consecutive as if they were."),
            _("'Fill forward' or 'fill with 0' keeps every row."),
        ]
    )
