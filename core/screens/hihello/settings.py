"""The HiHello screen's settings: the seed lab's task and model, validated in one place."""

from __future__ import annotations

from dataclasses import dataclass

from core.engine.cell_math import NONLINEARITIES
from core.engine.cells import cell_entry, choosable_names
from core.engine.models import ModelConfig
from core.engine.settings import MAX_EPOCHS, SequenceData, TrainConfig, check_learning_rate, snapshot_every
from core.reading.text import CharacterTask, in_running_text, next_character_task
from core.reading.validation import MAX_SEED, one_of, whole_numbers
from core.words.errors import InputError
from core.words.i18n import N_, _, ngettext

READOUTS = ("logits", "linear")
MAX_HIDDEN = 64
MAX_DEPTH = 4
# What the screen's controls offer (core's checks accept more); advice stays within them.
LEARNING_RATE_RANGE = (0.001, 10.0)
EPOCHS_RANGE, EPOCHS_STEP = (10, 1000), 10
SEEDS_OFFERED = 10_000


@dataclass(frozen=True)
class HiHelloSettings:
    """What the learner chooses on the HiHello screen. The defaults are the lab's, with seed 2
    (with torch 2.13 the lab's own seed 0 stops at "ilello")."""

    word: str = "hihello"
    target: str = ""  # empty: the next character
    readout: str = "logits"  # the lab: the RNN's output is used as the scores
    hidden_size: int = 8
    num_layers: int = 1
    cell: str = "rnn"
    nonlinearity: str = "tanh"
    learning_rate: float = 0.1
    epochs: int = 100
    seed: int = 2

    def __post_init__(self) -> None:
        if not isinstance(self.word, str) or not isinstance(self.target, str):
            raise InputError(N_("The word and the target must be text."))
        one_of(self.readout, READOUTS, N_("output"))
        one_of(self.cell, choosable_names(), N_("cell type"))
        one_of(self.nonlinearity, NONLINEARITIES, N_("nonlinearity"))
        whole_numbers(
            self,
            (
                ("hidden_size", N_("The hidden size"), 1, MAX_HIDDEN),
                ("num_layers", N_("The depth"), 1, MAX_DEPTH),
                ("epochs", N_("Epochs"), 1, MAX_EPOCHS),
                ("seed", N_("The seed"), 0, MAX_SEED),
            ),
        )
        object.__setattr__(self, "learning_rate", check_learning_rate(self.learning_rate))
        self.task()  # a word or target that cannot be learned is refused with the settings, before any run

    def task(self) -> CharacterTask:
        return next_character_task(self.word, self.target or None)

    def model_config(self, task: CharacterTask) -> ModelConfig:
        size = task.vocabulary.size
        return ModelConfig(
            input_size=size,
            output_size=size,
            hidden_size=self.hidden_size,
            num_layers=self.num_layers,
            cell=self.cell,
            nonlinearity=self.nonlinearity,
            linear_head=self.readout == "linear",
        )

    def train_config(self) -> TrainConfig:
        return TrainConfig(
            epochs=self.epochs,
            learning_rate=self.learning_rate,
            seed=self.seed,
            snapshot_every=snapshot_every(self.epochs),
        )

    @staticmethod
    def data(task: CharacterTask) -> SequenceData:
        return SequenceData(task.inputs, task.targets, "classify_each_step")


@dataclass(frozen=True)
class HiHelloRun:
    """What the HiHello screen draws a run with, beside its training session (``LiveRun.screen``).

    Here, not in the page: a page's script runs afresh at every rerun, and so would a class defined in it."""

    task: CharacterTask
    model_config: ModelConfig


def describe_model(settings: HiHelloSettings, vocabulary_size: int) -> str:
    """The network in words, from the settings: "a 1-layer RNN (tanh) whose 5 units are the scores, ..."."""
    entry = cell_entry(settings.cell)
    cell = entry.label + (f" ({settings.nonlinearity})" if entry.takes_nonlinearity else "")
    layers, hidden = settings.num_layers, settings.hidden_size
    if settings.readout == "linear":
        if layers == 1:
            message = ngettext(
                "a 1-layer {cell} of {hidden} hidden unit, with a linear output layer on top",
                "a 1-layer {cell} of {hidden} hidden units, with a linear output layer on top",
                hidden,
            )
        else:
            message = ngettext(
                "a {layers}-layer {cell} of {hidden} hidden unit per layer, with a linear output layer on top",
                "a {layers}-layer {cell} of {hidden} hidden units per layer, with a linear output layer on top",
                hidden,
            )
        return message.format(layers=layers, cell=cell, hidden=hidden)
    if layers == 1:
        message = ngettext(
            "a 1-layer {cell} of {size} unit that is the score, one per character",
            "a 1-layer {cell} of {size} units that are the scores, one per character",
            vocabulary_size,
        )
    elif layers == 2:
        message = ngettext(
            "a 2-layer {cell}: {hidden} hidden units in the layer below, and a top layer of {size} unit that is "
            "the score, one per character",
            "a 2-layer {cell}: {hidden} hidden units in the layer below, and a top layer of {size} units that are "
            "the scores, one per character",
            vocabulary_size,
        )
    else:
        message = ngettext(
            "a {layers}-layer {cell}: {hidden} hidden units in the {below} layers below, and a top layer of {size} "
            "unit that is the score, one per character",
            "a {layers}-layer {cell}: {hidden} hidden units in the {below} layers below, and a top layer of {size} "
            "units that are the scores, one per character",
            vocabulary_size,
        )
    return message.format(layers=layers, cell=cell, hidden=hidden, below=layers - 1, size=vocabulary_size)


def intro(settings: HiHelloSettings) -> str:
    """The screen's opening sentences about what is learned, from the settings (plain text: the page escapes it)."""
    task = settings.task()

    def quoted(text: str) -> str:
        return '"' + "".join(in_running_text(c) for c in text) + '"'

    words = dict(
        input=quoted(task.input_text),
        word=quoted(settings.word),
        size=task.vocabulary.size,
        target=quoted(task.target_text),
    )
    if settings.target:
        reads = _(
            "The network reads {input} (the word {word} without its last character) one character at a time, each a "
            "one-hot vector over the word's {size} characters, and at every step must output that step's character "
            "of the custom target {target}."
        )
    else:
        reads = _(
            "The network reads {input} (the word {word} without its last character) one character at a time, each a "
            "one-hot vector over the word's {size} characters, and at every step must say which character comes "
            "next, so the target is {target}."
        )
    model = _("The network is {model}.").format(model=describe_model(settings, task.vocabulary.size))
    return f"{reads.format(**words)} {model}"
