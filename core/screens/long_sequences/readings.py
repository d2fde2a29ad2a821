"""What a Long sequences run says, in sentences computed from its numbers: the model it trains, the read-back
against all window positions and against the best any model can reach with its window
(``core.screens.long_sequences.read_back_ceiling``),
the shape of the gradient per time step, and the advice once a run falls short.

Every sentence names the numbers it rests on, and each is tested on settings where its answer flips
(tests/screens/long_sequences/test_readings.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.engine.cells import CELL_NAMES, cell_entry, choosable_names
from core.engine.models import ModelConfig
from core.engine.rates import rate_in_force
from core.engine.records import LearningRateChange
from core.reading.text import describe
from core.screens.long_sequences.read_back_ceiling import Ceiling, WindowLimits
from core.screens.long_sequences.settings import MAX_HIDDEN, MAX_SCREEN_EPOCHS, LongSequenceSettings
from core.words.i18n import _, ngettext, pgettext

GOOD_READ_BACK = 0.95  # read back this well, the run has done what the screen is about
# A loss that climbs to 1.5 times its first value has overshot. Measured on the lab's defaults (30-100 epochs): Adam
# 0.1 peaks at 1.26x at most over seeds 0-9 and learns; Adam 0.3 jumps to 1.8x (RNN) and 1.6x (LSTM) and sticks at
# 19% read back (every character a space); the 4-layer LSTM of 256 at 0.1 jumps to 5x (19%; 99.4% at 0.01).
JUMP_FACTOR = 1.5
SWING = 0.10  # a rise of more than 10% from one epoch to the next counts as a swing...
SWINGS = 3  # ...and this many in the second half of the run as going up and down
STILL_FALLING = 0.05  # the loss fell by more than 5% over the last quarter of the run
# A run this many characters (or fewer) short of the ceiling its window sets is held by the window, not by training:
# at window 2 on the lab's sentence seeds 0-9 end at 135 or 136 of 179 under AVX512, AVX2 and DEFAULT kernels, at or
# one short of the ceiling of 136 (tests/screens/long_sequences/test_read_back_ceiling_runs.py).
NEAR_CEILING = 2
# Advice followed (tests/screens/long_sequences/test_advice.py, measured under AVX512, AVX2 and DEFAULT on the lab's
# defaults,
# seeds 0-9): from 90% read back up a run has the capacity for the sentence, and a larger network, which redraws every
# starting weight, landed lower as often as higher (93.9% -> 91.1%, 91.1% -> 48.6%); below it, it rose every time.
NEAR_MARK = 0.90
# After a jump a rate ten times lower can still be too high (a 4-layer RNN: 1 -> 0.1 read back 19.0% -> 14.5%);
# about thirty times lower learned on every case measured (1 -> 0.03, 0.3 -> 0.01; the 4-layer LSTM of 256:
# 0.1 -> 0.003, 19.0% -> 83.2%).
AFTER_A_JUMP = 30


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
    epochs: Sequence[int],
    read_back: Sequence[float],
    position_accuracy: Sequence[np.ndarray],
    now: tuple[int, float, np.ndarray] | None = None,
) -> str:
    """Whether the read-back sentence scores above all window positions together: at the epoch shown (``now``: its
    epoch, read-back and accuracy per position, all at one set of weights; default the newest epoch of the curves),
    then how often over the curves.

    The read-back takes the first window whole and then only the last position of every later window, so
    it follows the last position's accuracy; all positions together are the mean over positions 1 … L.
    """
    if not epochs:
        return _("Both curves start after the first epoch.")
    positions = np.stack([np.asarray(p, dtype=float) for p in position_accuracy])  # (epochs, time)
    together = positions.mean(axis=1)
    shown = [round(1000 * a) for a in read_back], [round(1000 * a) for a in together]  # as the hover rounds them
    above = sum(r > t for r, t in zip(*shown, strict=True))
    tally = _("The read-back was the higher of the two in {above} of {epochs} epochs.").format(
        above=above, epochs=len(epochs)
    )
    epoch, read, last = (epochs[-1], read_back[-1], positions[-1]) if now is None else now
    if epoch == 0:  # before training: nothing to compare yet but the curves
        return tally
    last = np.asarray(last, dtype=float)
    last_read, last_together = round(1000 * read), round(1000 * last.mean())
    numbers = dict(
        epoch=epoch,
        read_back=percent(read),
        together=percent(last.mean()),
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
    if "start" in kinds and steps == 2:  # only h_1 and h_2 exist: name no step beyond them
        why.append(
            _(
                "The loss adds up the outputs of both steps: h_1 (after the first character) reaches both outputs, "
                "the second through h_2, while h_2 reaches only the second, so more paths add up at the start. The "
                "vanishing gradient is about one path shrinking with its length, which this sum hides."
            )
        )
    elif "start" in kinds:
        why.append(
            _(
                "The loss adds up the outputs of all {steps} steps: h_1 (after the first character) reaches all "
                "{steps} outputs, through the states after it (h_2 to h_{steps}) in turn, while h_{steps} reaches "
                "only the last one, so more paths add up at the start. The vanishing gradient is about one path "
                "shrinking with its length, which this sum hides."
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


def quoted(text: str) -> str:
    """A stretch of the text in quotes, its spaces and newlines made visible (“␣t”)."""
    return "“" + "".join(describe(char) for char in text) + "”"


def ceiling_sentence(ceiling: Ceiling) -> str:
    """What the window allows on this text: every character, or at most a share, with a stretch that shows why."""
    numbers = dict(
        length=ceiling.sequence_length, right=ceiling.right, total=ceiling.total, share=percent(ceiling.share)
    )
    if ceiling.complete:
        return _(
            "With windows of {length} characters a model can read back every character of this text ({total} of "
            "{total}): no {length} characters in a row are followed by different characters in different places."
        ).format(**numbers)
    context, followers = ceiling.example
    return _(
        "With windows of {length} characters no model can read back more than {share} of this text ({right} of "
        "{total} characters): the same {length} characters are followed by different characters in different places "
        "(for example {context} by {followers}), and a window shows nothing before them."
    ).format(context=quoted(context), followers=", ".join(quoted(c) for c in followers), **numbers)


def ceiling_help(ceiling: Ceiling) -> str:
    """The ceiling metric's help: what the number counts."""
    return _(
        "With windows of {length} characters: {right} of {total} characters, counting for every stretch a window "
        "reads the character that most often follows it. No model can read back more."
    ).format(length=ceiling.sequence_length, right=ceiling.right, total=ceiling.total)


def longer_windows(limits: WindowLimits) -> str:
    """What a longer window does to the ceiling: the windows that raise it, or that none in reach does."""
    if limits.steps:
        steps = ", ".join(
            _("{share} at {length} characters").format(share=percent(c.share), length=c.sequence_length)
            for c in limits.steps
        )
        return _("A longer window raises that limit: {steps}.").format(steps=steps)
    return _(
        "No window this screen allows raises it: even {longest} characters in a row are followed by different "
        "characters in different places, so only another text can be read back better."
    ).format(longest=limits.longest)


def held_by_the_window(limits: WindowLimits, right: int) -> str:
    """The advice when a run reads back (nearly) all its window allows: the window is the setting to change."""
    gap = max(limits.current.right - right, 0)
    if gap == 0:
        short = _("This run reaches it: more epochs, another seed, a larger network or another cell cannot do better.")
    else:
        short = ngettext(
            "This run is {gap} character short of it: more epochs, another seed, a larger network or another cell "
            "can gain at most that.",
            "This run is {gap} characters short of it: more epochs, another seed, a larger network or another cell "
            "can gain at most that.",
            gap,
        ).format(gap=gap)
    parts = [ceiling_sentence(limits.current), short, longer_windows(limits)]
    if limits.next_higher is not None:  # the ceiling never falls with a longer window: "or more" holds
        parts.append(
            _("Set the sequence length to {length} or more and press Reset.").format(
                length=limits.next_higher.sequence_length
            )
        )
    return " ".join(parts)


@dataclass(frozen=True)
class Suggestion:
    """One thing the advice says to try, as the settings it changes (what a test applies to follow it)."""

    kind: str  # epochs, seed, hidden_size, cell or learning_rate
    changes: tuple[tuple[str, object], ...]  # LongSequenceSettings fields and their new values
    words: str  # how the advice says it


@dataclass(frozen=True)
class Advice:
    tone: str  # success, info or warning: how the page shows it
    text: str
    suggestions: tuple[Suggestion, ...] = ()


def trouble_epoch(losses: Sequence[float]) -> int:
    """The epoch (1-based) where ``learning_rate_trouble`` sees the trouble: the jump's peak, else the last epoch (a
    loss that ended higher than it started, or kept swinging to the end)."""
    if len(losses) >= 2:
        peak_index = int(np.argmax(losses[1:])) + 1
        if losses[peak_index] > JUMP_FACTOR * float(losses[0]):
            return peak_index + 1
    return max(len(losses), 1)


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


def lower_rate(learning_rate: float, rates: Sequence[float], factor: float = 10) -> float | None:
    """The screen's rate about ``factor`` times lower than ``learning_rate``, or the lowest below it; None at the
    bottom."""
    below = [r for r in rates if r < learning_rate * 0.99]
    if not below:
        return None
    return min(below, key=lambda r: abs(np.log10(r) - np.log10(learning_rate / factor)))


def advice(
    settings: LongSequenceSettings,
    hidden_size: int,
    losses: Sequence[float],
    read_back: float | None,
    learning_rate: float,
    rates: Sequence[float],
    finished: bool,
    stopped_reason: str | None = None,
    limits: WindowLimits | None = None,
    rate_changes: Sequence[LearningRateChange] | None = None,
) -> Advice | None:
    """What to say under the summary, chosen from the run's settings, its loss curve and the ceiling its window sets.

    When the read-back is within ``NEAR_CEILING`` characters of a ceiling below 100%, the window holds it: the advice
    names the window and a longer one, and nothing else (nothing else can gain more than those characters). Otherwise
    it never suggests what is already selected (the cell, the largest hidden size, the most epochs), it points at the
    learning rate when the loss diverged, jumped, rose or swung, and it names a ceiling below the success mark.

    ``rate_changes``: the learner's learning-rate changes during the run; then each sentence names the rate in force
    when what it describes happened (from ``settings.learning_rate``, core.engine.rates), and ``learning_rate`` is
    unused."""
    if stopped_reason:
        return Advice("warning", stopped_reason)
    if read_back is not None and round(1000 * read_back) >= round(1000 * GOOD_READ_BACK):  # as shown: 95.0%
        return Advice("success", _("The network reads the sentence back almost perfectly."))
    if not finished or read_back is None:
        return None
    head = _("Not there yet: {share} of the sentence read back right.").format(share=percent(read_back))
    if limits is not None and not limits.current.complete:
        right = round(read_back * limits.current.total)
        if limits.current.right - right <= NEAR_CEILING:
            return Advice("info", f"{head} {held_by_the_window(limits, right)}")
        if round(1000 * limits.current.share) < round(1000 * GOOD_READ_BACK):  # even a perfect model falls short
            head = " ".join([head, ceiling_sentence(limits.current), longer_windows(limits)])

    def rate_at(epoch: int) -> float:
        return learning_rate if rate_changes is None else rate_in_force(settings.learning_rate, rate_changes, epoch)

    trouble = learning_rate_trouble(losses)
    if trouble is not None:
        learning_rate = rate_at(trouble_epoch(losses))
        lower = lower_rate(learning_rate, rates, AFTER_A_JUMP)
        fix = (
            _("Set the learning rate to {rate} and press Reset.").format(rate=f"{lower:g}")
            if lower is not None
            else _("It is already the lowest on this screen: try a smaller hidden size or fewer layers.")
        )
        cause = _("{trouble}: the learning rate ({rate}) is too high for this model, so its steps overshoot.").format(
            trouble=trouble[:1].upper() + trouble[1:], rate=f"{learning_rate:g}"
        )
        fixes = () if lower is None else (Suggestion("learning_rate", (("learning_rate", lower),), fix),)
        return Advice("warning", f"{head} {cause} {fix}", fixes)
    quarter = max(1, len(losses) // 4)
    falling = len(losses) > quarter and losses[-1] < (1 - STILL_FALLING) * losses[-1 - quarter]
    # More epochs only for a steady fall, lower in each half of the last quarter: where the loss rose and fell again
    # in it, ten more epochs lost a character (DEFAULT, seed 3: 1.36 -> 1.49 -> 1.29, 105 -> 104 of 179).
    steady = falling and losses[-1] < losses[-1 - quarter // 2] < losses[-1 - quarter]
    tries: list[Suggestion] = []
    if steady and settings.epochs < MAX_SCREEN_EPOCHS:
        words = _("more epochs (the loss was still falling: {before} → {after} over the last {epochs} epochs)")
        words = words.format(before=f"{losses[-1 - quarter]:.2f}", after=f"{losses[-1]:.2f}", epochs=quarter)
        # Half as many again, on the slider's steps of 10: ten more was too few to count on, once the read-back was
        # measured at the weights after the last update, as the page shows it (AVX512, seed 3: 111 -> 110 of 179 with
        # ten more epochs, 123 with fifty more).
        more = min(10 * round(1.5 * settings.epochs / 10), MAX_SCREEN_EPOCHS)
        tries.append(Suggestion("epochs", (("epochs", more),), words))
    tries.append(Suggestion("seed", (("seed", settings.seed + 1),), _("another seed")))
    if hidden_size < MAX_HIDDEN and (read_back < NEAR_MARK):
        if settings.hidden_is_vocabulary:  # unticked, the slider shows its own value (32 by default)
            larger = settings.hidden_size if settings.hidden_size > hidden_size else hidden_size + 1
            words = _("a hidden size larger than the vocabulary's {size} (untick 'hidden size = vocabulary size')")
        else:
            larger, words = hidden_size + 1, _("a hidden size larger than {size}")
        changes = (("hidden_is_vocabulary", False), ("hidden_size", larger))
        tries.append(Suggestion("hidden_size", changes, words.format(size=hidden_size)))
    entry = cell_entry(settings.cell)  # the cells to try next are the entry's, among those a learner may choose
    other = [cell for cell in entry.try_next if cell in choosable_names()]
    if other:
        tries.append(Suggestion("cell", tuple(("cell", cell) for cell in other), _(entry.try_next_words)))
    learning_rate = rate_at(max(len(losses), 1))
    lower = lower_rate(learning_rate, rates)
    if not falling and lower is not None:
        words = _("a learning rate below {rate} (the loss had stopped falling)").format(rate=f"{learning_rate:g}")
        tries.append(Suggestion("learning_rate", (("learning_rate", lower),), words))
    choices = _("Try {choices} or {last}.").format(choices=", ".join(t.words for t in tries[:-1]), last=tries[-1].words)
    return Advice("info", head + " " + choices, tuple(tries))
