"""The Long sequences screen's settings: the text, its windows, the stacked model, validated in one place; and the
read-back at a given set of weights (the moment the screen shows)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from core.engine.cells import choosable_names
from core.engine.models import ModelConfig, SequenceModel
from core.engine.objectives import compute_loss
from core.engine.settings import MAX_EPOCHS, TrainConfig, check_learning_rate, snapshot_every
from core.reading.validation import MAX_SEED, one_of, whole_numbers
from core.screens.long_sequences.windows import (
    MAX_SEQUENCE_LENGTH,
    MIN_SEQUENCE_LENGTH,
    SEED_SENTENCE,
    WindowTask,
    accuracy_per_position,
    assemble,
    character_accuracy,
    sliding_windows,
)
from core.words.errors import InputError
from core.words.i18n import N_

BATCH_SIZES = (0, 8, 16, 32, 64, 128, 256)  # 0: every window in one step (full batch)
MAX_HIDDEN = 256
MAX_SCREEN_EPOCHS = 1000  # the epochs slider's end (core allows more, for scripts)


@dataclass(frozen=True)
class LongSequenceSettings:
    """What the learner chooses on the Long sequences screen. The defaults are the lab's: a 2-layer RNN whose
    hidden size is the vocabulary size, Adam 0.1, full batch; seed 0 reads the sentence back almost perfectly."""

    text: str = SEED_SENTENCE
    sequence_length: int = 10
    cell: str = "rnn"
    hidden_is_vocabulary: bool = True
    hidden_size: int = 32  # used when not tied to the vocabulary
    num_layers: int = 2
    learning_rate: float = 0.1
    epochs: int = 100
    batch_size: int = 0
    seed: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.text, str):
            raise InputError(N_("The text must be text."))
        one_of(self.cell, choosable_names(), N_("cell type"))
        if not isinstance(self.hidden_is_vocabulary, bool):
            raise InputError(N_("'Hidden size = vocabulary size' is either on or off."))
        one_of(self.batch_size, BATCH_SIZES, N_("batch size"))
        whole_numbers(
            self,
            (
                ("sequence_length", N_("The sequence length"), MIN_SEQUENCE_LENGTH, MAX_SEQUENCE_LENGTH),
                ("hidden_size", N_("The hidden size"), 2, MAX_HIDDEN),
                ("num_layers", N_("The depth"), 1, 4),
                ("epochs", N_("Epochs"), 1, MAX_EPOCHS),
                ("seed", N_("The seed"), 0, MAX_SEED),
            ),
        )
        object.__setattr__(self, "learning_rate", check_learning_rate(self.learning_rate))
        self.task()  # a text too short for its window is refused with the settings, before any run

    def task(self) -> WindowTask:
        return sliding_windows(self.text, self.sequence_length)

    def model_config(self, task: WindowTask) -> ModelConfig:
        size = task.vocabulary.size
        return ModelConfig(
            input_size=size,
            output_size=size,
            hidden_size=size if self.hidden_is_vocabulary else self.hidden_size,
            num_layers=self.num_layers,
            cell=self.cell,
        )

    def train_config(self) -> TrainConfig:
        return TrainConfig(
            epochs=self.epochs,
            learning_rate=self.learning_rate,
            seed=self.seed,
            batch_size=self.batch_size or None,
            snapshot_every=snapshot_every(self.epochs),
        )


@dataclass(frozen=True)
class ReadBack:
    """The sentence read back by the network at one set of weights (after ``epoch`` epochs), with the numbers the
    screen shows beside it. The run's ``ReadBackLog`` keeps every epoch's read-back from that epoch's training pass,
    before its update; this one is measured at the weights the probabilities, the neuron and the generation use."""

    epoch: int
    ids: np.ndarray  # (len(text) - 1,) the read-back sentence as class ids
    accuracy: float  # read-back characters right
    position_accuracy: np.ndarray  # (time,) share right at each position inside the window, over all windows
    loss: float  # the training loss over all windows


@torch.no_grad()
def read_back_at(model: SequenceModel, task: WindowTask, epoch: int) -> ReadBack:
    """Every window through ``model`` as it is now (one forward pass, no update), read back as the log reads it."""
    was_training = model.training
    model.eval()
    try:
        device = next(model.parameters()).device
        outputs, _hidden = model(task.inputs.to(device))  # (windows, time, vocabulary)
        loss = float(compute_loss(outputs, task.targets.to(device), "classify_each_step"))
        predictions = outputs.argmax(dim=-1).cpu().numpy()  # (windows, time)
    finally:
        model.train(was_training)
    ids = assemble(predictions).astype(np.int32)
    return ReadBack(
        epoch=int(epoch),
        ids=ids,
        accuracy=character_accuracy(ids, assemble(task.target_ids)),
        position_accuracy=accuracy_per_position(predictions, task.target_ids),
        loss=loss,
    )
