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
from core.i18n import N_, _, ngettext, pgettext
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
OTHER_CELLS = {"rnn": N_("an LSTM or GRU cell"), "lstm": N_("a GRU cell"), "gru": N_("an LSTM cell")}  # to try next


def model_phrase(model_config: ModelConfig) -> str:
    """'a 2-layer RNN of 25 units': the stacked network as it trains."""
    cell, units, layers = CELL_NAMES[model_config.cell], model_config.hidden_size, model_config.num_layers
    if layers == 1:
        phrase = ngettext("a single-layer {cell} of {units} unit", "a single-layer {cell} of {units} units", units)
    else:
        phrase = ngettext("a {layers}-layer {cell} of {units} unit", "a {layers}-layer {cell} of {units} units", units)
    return phrase.format(cell=cell, units=units, layers=layers)


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
        return _("Both curves start after the first epoch.")
    positions = np.stack([np.asarray(p, dtype=float) for p in position_accuracy])  # (epochs, time)
    together = positions.mean(axis=1)
    shown = [round(1000 * a) for a in read_back], [round(1000 * a) for a in together]  # as the hover rounds them
    above = sum(r > t for r, t in zip(*shown, strict=True))
    last_read, last_together, last = shown[0][-1], shown[1][-1], positions[-1]
    numbers = dict(
        epoch=epochs[-1],
        read_back=percent(read_back[-1]),
        together=percent(together[-1]),
        length=len(last),
        last=percent(last[-1]),
    )
    if last_read > last_together:
        sentence = _(
            "After epoch {epoch} the read-back is {read_back} right, above the {together} of all window positions "
            "together: after the first window each of its characters comes from position {length}, the end of a "
            "window ({last} right there), where the network has read the whole window."
        ).format(**numbers)
    elif last_read < last_together:
        best = int(np.argmax(last))
        sentence = _(
            "After epoch {epoch} the read-back is {read_back} right, below the {together} of all window positions "
            "together: after the first window each of its characters comes from position {length}, the end of a "
            "window, only {last} right at this epoch (position {best} is the best, {best_share})."
        ).format(best=best + 1, best_share=percent(last[best]), **numbers)
    else:
        sentence = _(
            "After epoch {epoch} the read-back is {read_back} right, the same as all window positions together."
        ).format(**numbers)
    tally = _("The read-back was the higher of the two in {above} of {epochs} epochs.").format(
        above=above, epochs=len(epochs)
    )
    return f"{sentence} {tally}"


def first_against_last_position(epoch: int, position_accuracy: np.ndarray) -> str:
    """Whether the window's end is predicted better than its start at ``epoch`` (position_accuracy: (time,))."""
    accuracy = np.asarray(position_accuracy, dtype=float)
    length, first, last = len(accuracy), accuracy[0], accuracy[-1]
    numbers = dict(epoch=epoch, first=percent(first), length=length, last=percent(last))
    if round(1000 * last) > round(1000 * first):
        return _(
            "After epoch {epoch} position 1 is {first} right and position {length} {last}: at position 1 the network "
            "has read a single character, so a character followed by different letters in different places cannot "
            "be predicted; with more of the window read, the context decides."
        ).format(**numbers)
    return _(
        "After epoch {epoch} position 1 is {first} right and position {length} {last}: the end of the window is no "
        "better than its start yet, so the network does not use what it read earlier in the window at this epoch."
    ).format(**numbers)


def _ratio_text(ratios: np.ndarray) -> tuple[str, str]:
    return f"{ratios.min():.3g}", f"{ratios.max():.3g}"


def gradient_shape(norms: np.ndarray, epoch: int) -> str:
    """Where the gradient per time step is largest, per layer, and why (norms: (layers, time))."""
    norms = np.asarray(norms, dtype=float)
    layers, steps = norms.shape
    when = _("Before training") if epoch == 0 else ngettext("After {epochs} epoch", "After {epochs} epochs", epoch)
    when = when.format(epochs=epoch)
    if not np.any(norms > 0):
        return _("{when} no gradient reaches the time steps (it is below float precision).").format(when=when)
    peaks = [int(np.argmax(row)) for row in norms]
    if len(set(peaks)) == 1:
        peak = peaks[0]
        at = dict(when=when, step=peak + 1)
        if peak in (0, steps - 1):
            other = steps - 1 if peak == 0 else 0
            low, high = _ratio_text(norms[:, peak] / np.maximum(norms[:, other], 1e-30))
            at.update(other=other + 1, ratio=low, low=low, high=high)
            if layers == 1:
                shape = _("{when} ‖∂L/∂h_t‖ is largest at t = {step}, {ratio}× its value at t = {other}.")
            elif low == high:
                shape = _(
                    "{when} ‖∂L/∂h_t‖ is largest at t = {step} in every layer, {ratio}× its value at t = {other}."
                )
            else:
                shape = _(
                    "{when} ‖∂L/∂h_t‖ is largest at t = {step} in every layer, {low}× to {high}× its value at "
                    "t = {other}."
                )
        elif layers == 1:
            shape = _("{when} ‖∂L/∂h_t‖ is largest at t = {step}.")
        else:
            shape = _("{when} ‖∂L/∂h_t‖ is largest at t = {step} in every layer.")
        shape = shape.format(**at)
    else:
        places = pgettext("between the places of a list", " and ").join(
            _("at t = {step} in layer {layer}").format(step=peak + 1, layer=layer + 1)
            for layer, peak in enumerate(peaks)
        )
        shape = _("{when} ‖∂L/∂h_t‖ is largest {places}.").format(when=when, places=places)
    kinds = {"start" if p == 0 else "end" if p == steps - 1 else "middle" for p in peaks}
    why = []
    if "start" in kinds:
        why.append(
            _(
                "The loss adds up the outputs of all {steps} steps: h_1 (after the first character) reaches all "
                "{steps} outputs, through h_2, h_3, … in turn, while h_{steps} reaches only the last one, so more "
                "paths add up at the start. The vanishing gradient is about one path shrinking with its length, "
                "which this sum hides."
            ).format(steps=steps)
        )
    if "middle" in kinds:
        why.append(
            _(
                "Early steps gain paths from more outputs, but their long paths shrink: where the two balance, the "
                "gradient peaks in the middle."
            )
        )
    if "end" in kinds:
        why.append(
            _(
                "The paths from the later outputs back to the early steps shrink faster than they add up: the "
                "vanishing gradient at work."
            )
        )
    return " ".join([shape, *why])


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
        return _("the loss jumped from {first} to {peak} at epoch {epoch}").format(
            first=f"{first:.2f}", peak=f"{losses[peak_index]:.2f}", epoch=peak_index + 1
        )
    if losses[-1] > first:
        return _("the loss ended higher than it started ({first} → {last})").format(
            first=f"{first:.2f}", last=f"{losses[-1]:.2f}"
        )
    second_half = np.asarray(losses[len(losses) // 2 :], dtype=float)
    swings = int(np.sum(second_half[1:] > (1 + SWING) * second_half[:-1]))
    if swings >= SWINGS:
        return _(
            "the loss kept going up and down: it rose by more than {swing} from one epoch to the next {swings} "
            "times in the last {epochs} epochs"
        ).format(swing=f"{100 * SWING:.0f}%", swings=swings, epochs=len(second_half))
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
        return Advice("success", _("The network reads the sentence back almost perfectly."))
    if not finished or read_back is None:
        return None
    head = _("Not there yet: {share} of the sentence read back right.").format(share=percent(read_back))
    trouble = learning_rate_trouble(losses)
    if trouble is not None:
        lower = lower_rate(learning_rate, rates)
        fix = (
            _("Set the learning rate to {rate} and press Reset.").format(rate=f"{lower:g}")
            if lower is not None
            else _("It is already the lowest on this screen: try a smaller hidden size or fewer layers.")
        )
        cause = _("{trouble}: the learning rate ({rate}) is too high for this model, so its steps overshoot.").format(
            trouble=trouble[:1].upper() + trouble[1:], rate=f"{learning_rate:g}"
        )
        return Advice("warning", f"{head} {cause} {fix}")
    quarter = max(1, len(losses) // 4)
    falling = len(losses) > quarter and losses[-1] < (1 - STILL_FALLING) * losses[-1 - quarter]
    tries = []
    if falling and settings.epochs < MAX_SCREEN_EPOCHS:
        tries.append(
            _("more epochs (the loss was still falling: {before} → {after} over the last {epochs} epochs)").format(
                before=f"{losses[-1 - quarter]:.2f}", after=f"{losses[-1]:.2f}", epochs=quarter
            )
        )
    tries.append(_("another seed"))
    if hidden_size < MAX_HIDDEN:
        tries.append(
            _("a hidden size larger than the vocabulary's {size} (untick 'hidden size = vocabulary size')").format(
                size=hidden_size
            )
            if settings.hidden_is_vocabulary
            else _("a hidden size larger than {size}").format(size=hidden_size)
        )
    tries.append(_(OTHER_CELLS[settings.cell]))
    if not falling and lower_rate(learning_rate, rates) is not None:
        tries.append(_("a learning rate below {rate} (the loss had stopped falling)").format(rate=f"{learning_rate:g}"))
    return Advice(
        "info",
        head + " " + _("Try {choices} or {last}.").format(choices=", ".join(tries[:-1]), last=tries[-1]),
    )
