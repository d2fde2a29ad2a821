"""What the lab's set-up cannot do, said with its numbers: the ceiling tanh puts on the scores when the RNN's output is
used directly as the scores, and the controls that have no effect at the current settings (disabled, with why).
"""

from __future__ import annotations

import math

from core.engine.cells import CELL_NAMES, cell_entry
from core.screens.hihello.outcome import Outcome
from core.screens.hihello.settings import HiHelloSettings
from core.words.i18n import _


def score_ceiling(settings: HiHelloSettings, vocabulary_size: int) -> float | None:
    """The highest probability softmax can give when every score is in [-1, 1]: e / (e + (V-1)/e).

    That is the lab's set-up: the top layer's hidden state is the scores, and tanh (or an LSTM's or GRU's
    tanh-bounded state) keeps it in [-1, 1]. A ReLU RNN's state or a linear layer's scores have no such bound.
    """
    bounded = settings.readout == "logits" and cell_entry(settings.cell).bounded(settings.nonlinearity)
    if not bounded or vocabulary_size < 2:
        return None
    return math.e / (math.e + (vocabulary_size - 1) / math.e)


def ceiling_note(settings: HiHelloSettings, outcome: Outcome) -> str | None:
    """Why the probabilities stop at about 0.65 (for 5 characters) and the loss at about 0.43, with the numbers."""
    ceiling = score_ceiling(settings, outcome.vocabulary_size)
    if ceiling is None:
        return None
    v = outcome.vocabulary_size
    if not cell_entry(settings.cell).gates:  # the plain RNN: its state is tanh's value
        why = _(
            "Why the probabilities stop short of 1: the scores are the top layer's outputs, and each is a tanh "
            "value, between −1 and 1."
        )
    else:
        why = _(
            "Why the probabilities stop short of 1: the scores are the top layer's outputs, and each is the "
            "{cell}'s hidden state, between −1 and 1."
        ).format(cell=CELL_NAMES[settings.cell])
    sentences = [
        why,
        _(
            "With {characters} characters the best a score can do is 1 against −1 for the {others} others, so no "
            "probability can pass e / (e + {others}/e) = {ceiling:.3f}, and the loss cannot fall below "
            "−ln {ceiling:.3f} = {floor:.3f}, even at 100% accuracy."
        ).format(characters=v, others=v - 1, ceiling=ceiling, floor=-math.log(ceiling)),
    ]
    if outcome.max_probability is not None and outcome.probe_epoch is not None:
        if outcome.probe_epoch == 0:
            measured = _(
                "Measured before training: the most likely character gets {probability:.3f} at most, and the loss "
                "is {loss:.3f}."
            )
        else:
            measured = _(
                "Measured after epoch {epoch}: the most likely character gets {probability:.3f} at most, and the "
                "loss is {loss:.3f}."
            )
        sentences.append(
            measured.format(epoch=outcome.probe_epoch, probability=outcome.max_probability, loss=outcome.probe_loss)
        )
    sentences.append(_("A linear output layer has no such ceiling."))
    return " ".join(sentences)


def hidden_size_unused(readout: str, num_layers: int, vocabulary_size: int | None) -> str | None:
    """Why the hidden-size control does nothing with the lab's output and one layer (None when it applies)."""
    if readout != "logits" or num_layers > 1:
        return None
    if vocabulary_size:
        return _(
            "With the RNN output used as the scores, the only layer has one unit per character ({count}), so the "
            "hidden size does not apply. Choose a linear output layer or 2 layers or more to use it."
        ).format(count=vocabulary_size)
    return _(
        "With the RNN output used as the scores, the only layer has one unit per character, so the hidden size "
        "does not apply. Choose a linear output layer or 2 layers or more to use it."
    )


def nonlinearity_unused(cell: str) -> str | None:
    """Why the tanh/ReLU choice does nothing for a cell that does not take it (None for the RNN, which does)."""
    if cell_entry(cell).takes_nonlinearity:
        return None
    return _("The {cell} has its own fixed tanh and sigmoid gates: this choice is the RNN's.").format(
        cell=CELL_NAMES.get(cell, cell)
    )
