"""What a Long sequences run says, in sentences computed from its numbers: the model it trains, the read-back
against all window positions, the shape of the gradient per time step, and the advice once a run falls short.

Every sentence names the numbers it rests on, and each is tested on settings where its answer flips
(tests/test_long_sequence_readings.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.cell_math import CELL_NAMES
from core.long_sequences import MAX_HIDDEN, MAX_SCREEN_EPOCHS, LongSequenceSettings
from core.models import ModelConfig

GOOD_READ_BACK = 0.95  # read back this well, the run has done what the screen is about
# A loss that climbs to 1.5 times its first value has overshot. Measured on the lab's defaults (30-100 epochs): Adam
# 0.1 peaks at 1.26x at most over seeds 0-9 and learns; Adam 0.3 jumps to 1.8x (RNN) and 1.6x (LSTM) and sticks at
# 19% read back (every character a space); the 4-layer LSTM of 256 at 0.1 jumps to 5x (19%; 99.4% at 0.01).
JUMP_FACTOR = 1.5
SWING = 0.10  # a rise of more than 10% from one epoch to the next counts as a swing...
SWINGS = 3  # ...and this many in the second half of the run as going up and down
STILL_FALLING = 0.05  # the loss fell by more than 5% over the last quarter of the run


def model_phrase(model_config: ModelConfig) -> str:
    """'a 2-layer RNN of 25 units': the stacked network as it trains."""
    depth = "single-layer" if model_config.num_layers == 1 else f"{model_config.num_layers}-layer"
    units = model_config.hidden_size
    return f"a {depth} {CELL_NAMES[model_config.cell]} of {units} unit{'s' if units != 1 else ''}"


def percent(share: float) -> str:
    return f"{100 * share:.1f}%"


def read_back_vs_positions(
    epochs: Sequence[int], read_back: Sequence[float], position_accuracy: Sequence[np.ndarray]
) -> str:
    """Whether the read-back sentence scores above all window positions together, at the newest epoch.

    The read-back takes the first window whole and then only the last position of every later window, so
    it follows the last position's accuracy; all positions together are the mean over positions 1 … L.
    """
    if not epochs:
        return "Both curves start after the first epoch."
    positions = np.stack([np.asarray(p, dtype=float) for p in position_accuracy])  # (epochs, time)
    together = positions.mean(axis=1)
    shown = [round(1000 * a) for a in read_back], [round(1000 * a) for a in together]  # as the hover rounds them
    above = sum(r > t for r, t in zip(*shown, strict=True))
    last_read, last_together, last = shown[0][-1], shown[1][-1], positions[-1]
    length = len(last)
    head = f"After epoch {epochs[-1]} the read-back is {percent(read_back[-1])} right"
    if last_read > last_together:
        sentence = (
            f"{head}, above the {percent(together[-1])} of all window positions together: after the first window "
            f"each of its characters comes from position {length}, the end of a window ({percent(last[-1])} right "
            "there), where the network has read the whole window."
        )
    elif last_read < last_together:
        best = int(np.argmax(last))
        sentence = (
            f"{head}, below the {percent(together[-1])} of all window positions together: after the first window "
            f"each of its characters comes from position {length}, the end of a window, only {percent(last[-1])} "
            f"right at this epoch (position {best + 1} is the best, {percent(last[best])})."
        )
    else:
        sentence = f"{head}, the same as all window positions together."
    return f"{sentence} The read-back was the higher of the two in {above} of {len(epochs)} epochs."


def first_against_last_position(epoch: int, position_accuracy: np.ndarray) -> str:
    """Whether the window's end is predicted better than its start at ``epoch`` (position_accuracy: (time,))."""
    accuracy = np.asarray(position_accuracy, dtype=float)
    length, first, last = len(accuracy), accuracy[0], accuracy[-1]
    head = f"After epoch {epoch} position 1 is {percent(first)} right and position {length} {percent(last)}"
    if round(1000 * last) > round(1000 * first):
        return (
            f"{head}: at position 1 the network has read a single character, so a character followed by different "
            "letters in different places cannot be predicted; with more of the window read, the context decides."
        )
    return (
        f"{head}: the end of the window is no better than its start yet, so the network does not use what it read "
        "earlier in the window at this epoch."
    )


def gradient_shape(norms: np.ndarray, epoch: int) -> str:
    """Where the gradient per time step is largest, per layer, and why (norms: (layers, time))."""
    norms = np.asarray(norms, dtype=float)
    layers, steps = norms.shape
    when = "Before training" if epoch == 0 else f"After {epoch} epochs"
    if not np.any(norms > 0):
        return f"{when} no gradient reaches the time steps (it is below float precision)."
    peaks = [int(np.argmax(row)) for row in norms]
    if len(set(peaks)) == 1:
        peak = peaks[0]
        shape = f"{when} ‖∂L/∂h_t‖ is largest at t = {peak + 1}{' in every layer' if layers > 1 else ''}"
        if peak in (0, steps - 1):
            other = steps - 1 if peak == 0 else 0
            ratios = norms[:, peak] / np.maximum(norms[:, other], 1e-30)
            low, high = f"{ratios.min():.3g}", f"{ratios.max():.3g}"
            shape += f", {low if low == high else low + '× to ' + high}× its value at t = {other + 1}"
    else:
        shape = f"{when} ‖∂L/∂h_t‖ is largest " + " and ".join(
            f"at t = {peak + 1} in layer {layer + 1}" for layer, peak in enumerate(peaks)
        )
    why = {
        "start": (
            f"The loss adds up the outputs of all {steps} steps: h_1 (after the first character) reaches all {steps} "
            f"outputs, through h_2, h_3, … in turn, while h_{steps} reaches only the last one, so more paths add up "
            "at the start. The vanishing gradient is about one path shrinking with its length, which this sum hides."
        ),
        "middle": (
            "Early steps gain paths from more outputs, but their long paths shrink: where the two balance, the "
            "gradient peaks in the middle."
        ),
        "end": (
            "The paths from the later outputs back to the early steps shrink faster than they add up: the vanishing "
            "gradient at work."
        ),
    }
    kinds = {"start" if p == 0 else "end" if p == steps - 1 else "middle" for p in peaks}
    return " ".join([f"{shape}.", *(why[k] for k in ("start", "middle", "end") if k in kinds)])


@dataclass(frozen=True)
class Advice:
    tone: str  # success, info or warning: how the page shows it
    text: str


def learning_rate_trouble(losses: Sequence[float]) -> str | None:
    """The symptom of a learning rate too high for the model, read from the loss curve; None when there is none."""
    if len(losses) < 2:
        return None
    first = float(losses[0])
    peak_index = int(np.argmax(losses[1:])) + 1
    if losses[peak_index] > JUMP_FACTOR * first:
        return f"the loss jumped from {first:.2f} to {losses[peak_index]:.2f} at epoch {peak_index + 1}"
    if losses[-1] > first:
        return f"the loss ended higher than it started ({first:.2f} → {losses[-1]:.2f})"
    second_half = np.asarray(losses[len(losses) // 2 :], dtype=float)
    swings = int(np.sum(second_half[1:] > (1 + SWING) * second_half[:-1]))
    if swings >= SWINGS:
        return (
            f"the loss kept going up and down: it rose by more than {100 * SWING:.0f}% from one epoch to the next "
            f"{swings} times in the last {len(second_half)} epochs"
        )
    return None


def lower_rate(learning_rate: float, rates: Sequence[float]) -> float | None:
    """The screen's rate about ten times lower than ``learning_rate``, or the lowest below it; None at the bottom."""
    below = [r for r in rates if r < learning_rate * 0.99]
    if not below:
        return None
    return min(below, key=lambda r: abs(np.log10(r) - np.log10(learning_rate / 10)))


def advice(
    settings: LongSequenceSettings,
    hidden_size: int,
    losses: Sequence[float],
    read_back: float | None,
    learning_rate: float,
    rates: Sequence[float],
    finished: bool,
    stopped_reason: str | None = None,
) -> Advice | None:
    """What to say under the summary, chosen from the run's settings and its loss curve.

    It never suggests what is already selected (the cell, the largest hidden size, the most epochs), and it
    points at the learning rate when the loss diverged, jumped, rose or swung."""
    if stopped_reason:
        return Advice("warning", stopped_reason)
    if read_back is not None and round(1000 * read_back) >= round(1000 * GOOD_READ_BACK):  # as shown: 95.0%
        return Advice("success", "The network reads the sentence back almost perfectly.")
    if not finished or read_back is None:
        return None
    head = f"Not there yet: {percent(read_back)} of the sentence read back right."
    trouble = learning_rate_trouble(losses)
    if trouble is not None:
        lower = lower_rate(learning_rate, rates)
        fix = (
            f"Set the learning rate to {lower:g} and press Reset."
            if lower is not None
            else "It is already the lowest on this screen: try a smaller hidden size or fewer layers."
        )
        return Advice(
            "warning",
            f"{head} {trouble[0].upper()}{trouble[1:]}: the learning rate ({learning_rate:g}) is too high for "
            f"this model, so its steps overshoot. {fix}",
        )
    quarter = max(1, len(losses) // 4)
    falling = len(losses) > quarter and losses[-1] < (1 - STILL_FALLING) * losses[-1 - quarter]
    tries = []
    if falling and settings.epochs < MAX_SCREEN_EPOCHS:
        tries.append(
            f"more epochs (the loss was still falling: {losses[-1 - quarter]:.2f} → {losses[-1]:.2f} over the "
            f"last {quarter} epochs)"
        )
    tries.append("another seed")
    if hidden_size < MAX_HIDDEN:
        tries.append(
            f"a hidden size larger than the vocabulary's {hidden_size} (untick 'hidden size = vocabulary size')"
            if settings.hidden_is_vocabulary
            else f"a hidden size larger than {hidden_size}"
        )
    tries.append({"rnn": "an LSTM or GRU cell", "lstm": "a GRU cell", "gru": "an LSTM cell"}[settings.cell])
    if not falling and lower_rate(learning_rate, rates) is not None:
        tries.append(f"a learning rate below {learning_rate:g} (the loss had stopped falling)")
    return Advice("info", f"{head} Try {', '.join(tries[:-1])} or {tries[-1]}.")
