"""A run file loaded in one call, as only tests load one: the app reads a file's settings, builds the page's run from
them and restores it into that run (``ui.run_file_views``), in steps a page needs apart."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.engine.session import TrainingSession
from core.saving.file import MACHINE_LABEL, Machine, machine_of, read_settings, restore
from core.screens import registry
from core.screens.long_sequences.windows import ReadBackLog


def build_sessions(settings: Any) -> tuple[dict[str, TrainingSession], dict[str, ReadBackLog]]:
    """The sessions (and read-back logs) a screen builds from its settings, as its page does (its registry entry's
    ``build``): what a loaded run is restored into."""
    return registry.screen_of(settings).build(settings)


@dataclass
class LoadedRun:
    """A run read back from a file: its screen, its settings and its sessions, ready to draw and train on."""

    screen: str
    settings: Any
    sessions: dict[str, TrainingSession]
    read_back: dict[str, ReadBackLog] = field(default_factory=dict)
    app_version: str = ""
    machine: Machine = field(default_factory=Machine)


def load_run(
    data: bytes,
    screen: str | None = None,
    build: Callable[[Any], tuple[dict[str, TrainingSession], dict[str, ReadBackLog]]] = build_sessions,
    data_identity: str | None = None,
) -> LoadedRun:
    """The run of a file, rebuilt and restored; every problem is an InputError for the learner."""
    run, settings, saved = read_settings(data, screen, data_identity)
    sessions, logs = build(settings)
    restore(run, saved, sessions, logs)
    version = run.get("app_version")
    app_version = version if isinstance(version, str) and MACHINE_LABEL.fullmatch(version) else ""  # as a label
    return LoadedRun(run["screen"], settings, sessions, logs, app_version, machine_of(run))
