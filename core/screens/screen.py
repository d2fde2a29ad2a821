"""What a screen is, as the registry (core.screens.registry) lists it: one entry from which the app's navigation, its
links, saved runs, scripts, presets and note links, and the tests' page lists, are all derived.

A screen's key is its one name: its folder (``core/screens/<key>/``), its page (``pages/<key>.py``), the prefix of its
widgets' keys and link parameters (``<key>_seed``) and the ``screen`` a saved run names. ``former_keys`` are names it
had before: a link or a saved run that uses one still opens it (a run is saved under the key).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.engine.settings import MAX_EPOCHS
from core.runs.code import RunCode
from core.runs.presets import Preset

# The sessions (name -> core.engine.session.TrainingSession) and read-back logs (name -> ReadBackLog) a screen's run
# trains, built from its settings as its page builds them.
SessionBuilder = Callable[[Any], tuple[dict[str, Any], dict[str, Any]]]
# The script of a run (core.runs.code): its settings, its steering (steps done, the rate from the next step on) and
# the frozen bundle its views draw from (``ui.live.LiveRun.screen``; None before any run). None: no script for it.
ScriptWriter = Callable[[Any, Sequence[tuple[int, float]], Any], RunCode | None]
# What decides the size of a saved run's description (core.saving.description): its sessions, its epochs (or steps),
# and the class ids and accuracy positions it keeps per epoch.
FileShape = tuple[int, int, int, int]


def one_regression(settings: Any) -> FileShape:
    """One session of ``settings.epochs`` epochs keeping no class id and no position: a regression's run."""
    return 1, int(settings.epochs), 0, 0


@dataclass(frozen=True)
class Screen:
    """One screen of the app."""

    key: str  # the screen's one name (see the module's docstring); never translated
    title: str  # the menu's and the home page's name (English source, ``N_``: translated where shown)
    icon: str  # a Material icon, as st.Page takes it
    blurb: str  # one line on the home page (English source, ``N_``)
    settings: type | None = None  # the frozen, validated settings class; None for a screen that trains nothing
    build: SessionBuilder | None = None  # the run's sessions from its settings (what a saved run is restored into)
    presets: tuple[Preset, ...] = ()  # the teaching setups (core.runs.presets)
    script: ScriptWriter | None = None  # the run as a standalone PyTorch script
    notes: tuple[str, ...] = ()  # the study note's sections it follows (core.words.notes.SECTIONS)
    former_keys: tuple[str, ...] = ()  # names it had before, still read from links and saved runs
    file_shape: Callable[[Any], FileShape] = one_regression  # a saved run's size, from its settings
    largest_file_shape: FileShape = (1, MAX_EPOCHS, 0, 0)  # the same at the largest settings the screen accepts
    page: str = field(default="")  # the page file; derived from the key (pages/<key>.py) unless given

    def __post_init__(self) -> None:
        if not self.page:
            object.__setattr__(self, "page", f"pages/{self.key}.py")

    @property
    def names(self) -> tuple[str, ...]:
        """Every name it answers to: its key, then its former keys."""
        return (self.key, *self.former_keys)

    @property
    def trains(self) -> bool:
        """Whether it trains a run (which can then be saved, linked with its steering and written as a script)."""
        return self.settings is not None
