"""The HiHello screen's registry entry."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.engine.models import SequenceModel
from core.engine.session import TrainingSession
from core.engine.settings import MAX_EPOCHS
from core.reading.text import MAX_WORD_LENGTH
from core.runs.code import RunCode
from core.screens.hihello import KEY
from core.screens.hihello.presets import PRESETS
from core.screens.hihello.run_code import hihello_code
from core.screens.hihello.settings import HiHelloSettings
from core.screens.screen import FileShape, Screen
from core.words.i18n import N_


def build(settings: HiHelloSettings) -> tuple[dict[str, TrainingSession], dict]:
    """The run's one session, as the page builds it."""
    task = settings.task()
    model_config = settings.model_config(task)
    session = TrainingSession(lambda: SequenceModel(model_config), settings.data(task), settings.train_config())
    return {"model": session}, {}


def script(settings: HiHelloSettings, rate_changes: Sequence[tuple[int, float]], shown: Any) -> RunCode:
    return hihello_code(settings, rate_changes)


def file_shape(settings: HiHelloSettings) -> FileShape:
    """A saved run keeps a prediction per character of the word at every epoch."""
    return 1, int(settings.epochs), len(settings.word), 0


SCREEN = Screen(
    KEY,
    N_("HiHello"),
    ":material/waving_hand:",
    N_('Character-level next-character prediction: "hihell" → "ihello".'),
    settings=HiHelloSettings,
    build=build,
    presets=PRESETS,
    script=script,
    notes=("intuition", "labs"),
    file_shape=file_shape,
    largest_file_shape=(1, MAX_EPOCHS, MAX_WORD_LENGTH, 0),
)
