"""The screens of the app, in the home page's order: one entry each (``core.screens.screen.Screen``, defined in the
screen's own folder as ``core/screens/<key>/screen.py``), from which the navigation, the links, saved runs, scripts,
presets, note links and the tests' page lists are derived. Pure: ``streamlit_app`` builds the pages from it.

Adding a screen is a folder (its pure parts and its entry), a page ``pages/<key>.py`` and one line here. The
glossary is a page of the app but no screen: it teaches words, trains nothing and has no settings.
"""

from __future__ import annotations

from typing import Any

from core.runs.presets import Preset
from core.screens.basics.screen import SCREEN as BASICS
from core.screens.hihello.screen import SCREEN as HIHELLO
from core.screens.long_sequences.screen import SCREEN as LONG_SEQUENCES
from core.screens.rnn_vs_lstm_gru.screen import SCREEN as RNN_VS_LSTM_GRU
from core.screens.screen import Screen
from core.screens.time_series.screen import SCREEN as TIME_SERIES

SCREENS: list[Screen] = []


def register(entry: Screen) -> Screen:
    """``entry`` added after the screens already listed; each name (key or former key) names one screen only."""
    taken = {name for known in SCREENS for name in known.names}
    clash = taken.intersection(entry.names)
    if clash or len(set(entry.names)) != len(entry.names):
        raise ValueError(f"screen names already taken: {sorted(clash) or entry.names}")
    if any(known.settings is not None and known.settings is entry.settings for known in SCREENS):
        raise ValueError(f"{entry.key}: another screen has the settings class {entry.settings!r}")
    SCREENS.append(entry)
    return entry


for _entry in (BASICS, HIHELLO, LONG_SEQUENCES, TIME_SERIES, RNN_VS_LSTM_GRU):
    register(_entry)


def screens() -> tuple[Screen, ...]:
    """Every screen, in the home page's order."""
    return tuple(SCREENS)


def training_screens() -> tuple[Screen, ...]:
    """The screens that train a run (a settings class, a run to save, link and write as a script)."""
    return tuple(entry for entry in SCREENS if entry.trains)


def find(name: object) -> Screen | None:
    """The screen a name names, its key or a former key (an old link's prefix, an old saved run's screen)."""
    return next((entry for entry in SCREENS if name in entry.names), None)


def screen(name: str) -> Screen:
    """``find``, for a name that must name a screen (KeyError otherwise)."""
    found = find(name)
    if found is None:
        raise KeyError(name)
    return found


def screen_of(settings: Any) -> Screen | None:
    """The screen whose settings class ``settings`` is an instance of (exactly: no subclass), if any."""
    return next((entry for entry in SCREENS if entry.settings is not None and type(settings) is entry.settings), None)


def presets_for(name: str) -> tuple[Preset, ...]:
    """A screen's teaching presets (none for a name that names no screen)."""
    found = find(name)
    return found.presets if found is not None else ()
