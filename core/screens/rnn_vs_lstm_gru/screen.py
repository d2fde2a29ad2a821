"""The RNN vs LSTM/GRU screen's registry entry."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.engine.cells import racing_names
from core.engine.session import TrainingSession
from core.runs.code import RunCode
from core.screens.rnn_vs_lstm_gru import FORMER_KEYS, KEY
from core.screens.rnn_vs_lstm_gru.comparison import MAX_STEPS, ComparisonSettings, build_task, cell_sessions
from core.screens.rnn_vs_lstm_gru.presets import PRESETS
from core.screens.rnn_vs_lstm_gru.run_code import comparison_code
from core.screens.screen import FileShape, Screen
from core.words.i18n import N_


def build(settings: ComparisonSettings) -> tuple[dict[str, TrainingSession], dict]:
    """One session per cell, on the task they share."""
    return cell_sessions(settings, build_task(settings)), {}


def script(settings: ComparisonSettings, rate_changes: Sequence[tuple[int, float]], shown: Any) -> RunCode:
    return comparison_code(settings, rate_changes)


def file_shape(settings: ComparisonSettings) -> FileShape:
    """A session per racing cell, a summary per step: no predictions kept."""
    return len(racing_names()), int(settings.steps), 0, 0


SCREEN = Screen(
    KEY,
    N_("RNN vs LSTM/GRU"),
    ":material/compare_arrows:",
    N_("The same memory task on all three cells: long-term dependencies and vanishing gradients."),
    settings=ComparisonSettings,
    build=build,
    presets=PRESETS,
    script=script,
    notes=("problems",),
    file_shape=file_shape,
    largest_file_shape=(len(racing_names()), MAX_STEPS, 0, 0),
    former_keys=FORMER_KEYS,
)
