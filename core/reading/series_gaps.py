"""Missing values: the learner's policy for the gaps (drop the row, fill forward, fill with 0), and what
dropping rows does to the spacing of the dates, which windows silently assume to be regular.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.words.errors import InputError
from core.words.i18n import N_
from core.words.message import Message, as_said, said, said_plural

MISSING_POLICIES = ("drop", "fill_forward", "fill_zero")


def _quote(names: Sequence[str]) -> str:
    return ", ".join(f"'{name}'" for name in names)


@dataclass(frozen=True)
class GapFill:
    """What a missing-value policy did, in numbers: a run keeps this, never the sentence, so the sentence
    comes in the language of the moment it is shown (``sentence()``)."""

    policy: str
    rows_dropped: int = 0  # rows removed: with a gap (drop), or leading rows with no earlier value (fill forward)
    cells_filled: int = 0

    def message(self) -> Message:
        """What the policy did, kept as a message (worded where it is shown)."""
        if self.policy == "drop" and self.rows_dropped:
            return said(
                N_("Dropped {count:,} rows with a missing value in the chosen columns."), count=self.rows_dropped
            )
        if self.policy == "fill_zero" and self.cells_filled:
            return said(N_("Filled {count:,} missing cells with 0."), count=self.cells_filled)
        if self.policy == "fill_forward" and self.rows_dropped:
            return said(
                N_(
                    "Filled {count:,} missing cells with the last value seen before them; dropped the first {rows:,} "
                    "rows, which had no earlier value."
                ),
                count=self.cells_filled,
                rows=self.rows_dropped,
            )
        if self.policy == "fill_forward" and self.cells_filled:
            return said(
                N_("Filled {count:,} missing cells with the last value seen before them."), count=self.cells_filled
            )
        return said(N_("No missing values in the chosen columns."))

    def sentence(self) -> str:
        return self.message().worded()


def apply_missing_policy(frame: pd.DataFrame, columns: Sequence[str], policy: str) -> tuple[pd.DataFrame, str]:
    """``fill_gaps``, with what it did as a sentence in the current language."""
    result, done = fill_gaps(frame, columns, policy)
    return result, done.sentence()


def fill_gaps(frame: pd.DataFrame, columns: Sequence[str], policy: str) -> tuple[pd.DataFrame, GapFill]:
    """Remove the gaps in the chosen columns, and count how many rows or cells it took.

    ``drop`` removes every row with a gap. ``fill_forward`` repeats the last value seen, the
    assumption "nothing changed" that is safe for prices (it never borrows from the future), then
    drops the leading rows that have no earlier value. ``fill_zero`` writes 0, right where a blank
    means "none", as in rainfall records (a day without rain is left blank). Infinite values count as gaps.
    """
    if policy not in MISSING_POLICIES:
        raise InputError(
            N_("Unknown missing-value policy '{policy}': choose one of {policies}."),
            policy=policy,
            policies=", ".join(MISSING_POLICIES),
        )
    columns = list(columns)
    unknown = [column for column in columns if column not in frame.columns]
    if unknown:
        raise InputError(N_("Choose at least one column of the table (unknown: {names})."), names=_quote(unknown))
    if not columns:
        raise InputError(N_("Choose at least one column of the table (unknown: none chosen)."))
    result = frame.copy()
    values = result[columns].astype("float64").replace([np.inf, -np.inf], np.nan)  # (rows, columns)
    result[columns] = values
    gaps = values.isna().any(axis=1).to_numpy()
    if not gaps.any():
        return result.reset_index(drop=True), GapFill(policy)
    if policy == "drop":
        result = result[~gaps]
        done = GapFill(policy, rows_dropped=int(gaps.sum()))
    elif policy == "fill_zero":
        cells = int(values.isna().to_numpy().sum())
        result[columns] = values.fillna(0.0)
        done = GapFill(policy, cells_filled=cells)
    else:
        cells = int(values.isna().to_numpy().sum())
        result[columns] = values.ffill()
        leading = result[columns].isna().any(axis=1).to_numpy()
        filled = cells - int(result[columns].isna().to_numpy().sum())
        result = result[~leading]
        done = GapFill(policy, rows_dropped=int(leading.sum()), cells_filled=filled)
    if result.empty:
        raise InputError(
            N_("No rows are left once the missing values are removed. Choose other columns or fix the file.")
        )
    return result.reset_index(drop=True), done


def duration_text(span: pd.Timedelta) -> str:
    """9 days, 6 hours, 15 minutes: the unit the span is a whole number of, else pandas' own text."""
    return duration_said(span).worded()


def duration_said(span: pd.Timedelta) -> Message:
    """``duration_text`` kept as a message, worded where it is shown."""
    for unit, seconds in (("day", 86_400), ("hour", 3_600), ("minute", 60), ("second", 1)):
        count, rest = divmod(span.total_seconds(), seconds)
        if count >= 1 and rest == 0:
            return _counted(unit, int(count))
    return as_said(str(span))


def _counted(unit: str, count: int) -> Message:
    """``count`` of a unit of time, in words: one whole phrase per unit (each language has its own plural)."""
    if unit == "day":
        return said_plural("{count:,} day", "{count:,} days", count)
    if unit == "hour":
        return said_plural("{count:,} hour", "{count:,} hours", count)
    if unit == "minute":
        return said_plural("{count:,} minute", "{count:,} minutes", count)
    return said_plural("{count:,} second", "{count:,} seconds", count)


@dataclass(frozen=True)
class SpacingJumps:
    """Dates a policy pulled apart, in numbers (a run keeps this; ``sentence()`` words it when shown)."""

    rows_removed: int
    jumps: int  # consecutive rows further apart than the usual spacing, after the policy
    jumps_before: int  # the same count in the file itself
    usual: pd.Timedelta
    largest: pd.Timedelta

    def message(self) -> Message:
        """The warning kept as a message (worded where it is shown)."""
        places = said_plural("{count:,} place", "{count:,} places", self.jumps)
        if self.jumps_before:
            places = said(N_("{places} (the file itself had {count:,})"), places=places, count=self.jumps_before)
        broke = said_plural(
            "Dropping {count:,} row broke the spacing of the dates: consecutive rows are now more than {usual} "
            "apart in {places}, the largest jump {largest}.",
            "Dropping {count:,} rows broke the spacing of the dates: consecutive rows are now more than {usual} "
            "apart in {places}, the largest jump {largest}.",
            self.rows_removed,
            usual=duration_said(self.usual),
            places=places,
            largest=duration_said(self.largest),
        )
        return Message(
            "{broke} {there} {keep}",
            {
                "broke": broke,
                "there": said(N_("A window there reads dates that are not consecutive as if they were.")),
                "keep": said(N_("'Fill forward' or 'fill with 0' keeps every row.")),
            },
            verbatim=True,
        )

    def sentence(self) -> str:
        return self.message().worded()


def spacing_warning(dates_before: pd.Series, dates_after: pd.Series) -> str | None:
    """``spacing_jumps`` as a warning in the current language, or None when the policy added no jump."""
    jumps = spacing_jumps(dates_before, dates_after)
    return jumps.sentence() if jumps else None


def spacing_jumps(dates_before: pd.Series, dates_after: pd.Series) -> SpacingJumps | None:
    """When removing rows broke the spacing of the dates, by how much, computed from the dates themselves.

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
    if len(jumps) - jumps_before <= 0:
        return None
    return SpacingJumps(len(before) - len(after), len(jumps), jumps_before, usual, jumps.max())
