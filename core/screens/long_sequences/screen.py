"""The Long sequences screen's registry entry."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.engine.probes import probe_indices
from core.engine.session import TrainingSession
from core.engine.settings import MAX_EPOCHS
from core.runs.code import RunCode
from core.screens.long_sequences import FORMER_KEYS, KEY
from core.screens.long_sequences.presets import PRESETS
from core.screens.long_sequences.run_code import long_sequence_code
from core.screens.long_sequences.settings import LongSequenceSettings
from core.screens.long_sequences.windows import MAX_SEQUENCE_LENGTH, MAX_TEXT_LENGTH, ReadBackLog, read_back_session
from core.screens.screen import FileShape, Screen
from core.words.i18n import N_


def build(settings: LongSequenceSettings) -> tuple[dict[str, TrainingSession], dict[str, ReadBackLog]]:
    """The run's session and the log of the sentence it reads back at each epoch, as the page builds them."""
    task = settings.task()
    model_config = settings.model_config(task)
    windows = probe_indices(task.windows, task.sequence_length, model_config)
    session, log = read_back_session(task, model_config, settings.train_config(), windows)
    return {"model": session}, {"model": log}


def script(settings: LongSequenceSettings, rate_changes: Sequence[tuple[int, float]], shown: Any) -> RunCode:
    return long_sequence_code(settings, rate_changes)


def file_shape(settings: LongSequenceSettings) -> FileShape:
    """A saved run keeps the sentence read back (a class id per character) and an accuracy per window position."""
    return 1, int(settings.epochs), len(settings.text), int(settings.sequence_length)


SCREEN = Screen(
    KEY,
    N_("Long sequences"),
    ":material/notes:",
    N_("A sentence cut into sliding windows, a stacked RNN with a linear head, text generation."),
    settings=LongSequenceSettings,
    build=build,
    presets=PRESETS,
    script=script,
    notes=("labs",),
    file_shape=file_shape,
    largest_file_shape=(1, MAX_EPOCHS, MAX_TEXT_LENGTH, MAX_SEQUENCE_LENGTH),
    former_keys=FORMER_KEYS,
)
