"""What the HiHello screen says about a run: the verdict and the advice (the ceiling that tanh puts on the scores and
the controls without effect are ``core.screens.hihello.limits``).

Every sentence is built here from the run's numbers (``Outcome``) and the settings it ran with, so the
screen never claims what the numbers do not show, and the advice never suggests what is already chosen:
each ``Suggestion`` names a setting and a value different from the current one. Every piece of advice comes from a
diagnosis of what happened (a jump, saturation, a slow fall, a plateau), and tests/screens/hihello/test_advice.py
follows it:
applied and rerun, the final loss is lower by a clear margin.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from core.engine.cells import CELL_NAMES, cell_entry, signed_gate
from core.engine.objectives import probabilities
from core.engine.probes import Probe
from core.engine.rates import rate_in_force
from core.engine.records import Snapshot, TrainingHistory, divergence_message
from core.engine.settings import LEARNING_RATE_LADDER
from core.reading.text import CharacterTask, in_running_text
from core.screens.hihello.limits import score_ceiling
from core.screens.hihello.outcome import Outcome
from core.screens.hihello.settings import (
    EPOCHS_RANGE,
    EPOCHS_STEP,
    LEARNING_RATE_RANGE,
    MAX_DEPTH,
    SEEDS_OFFERED,
    HiHelloSettings,
)
from core.words.errors import InputError
from core.words.i18n import _, ngettext

# A rise of the loss by more than this factor from one epoch to the next, or an end this far above the lowest
# loss of the run, is the mark of steps that overshoot (measured: 1.26-21.9 at learning rates 1-10, at most
# 1.01 for the stuck seeds 0, 1 and 7 at 0.1).
UNSTEADY = 1.2
# "Slow": the loss covered less than this share of the way from its first value down to its floor, and is still
# moving: over the last tenth of the run it changed by more than MOVING_SHARE of its gap to the floor. A loss at rest
# is not slow, and more epochs or larger steps do not move it (measured over seeds 0-9, 100 epochs, every cell and
# output, 1 and 4 layers: 0.005-0.13 for the slow runs at learning rates 0.001 and 0.003, below 0.001 for all but one
# at rates 1 and 3, where "Try 200 epochs" and "Try a learning rate of 10" had left the loss where it was).
SLOW_SHARE = 0.5
MOVING_SHARE = 0.002
# "Still falling": over the last tenth of the run the loss closed more than this share of its gap to the floor
# (measured: 10-11% for 20-30 epochs at the defaults, 1.6% for the stuck seed 0 after 100).
STILL_FALLING_SHARE = 0.05

# Saturation, the study note's lesson on tanh: a squashing function is flat at its ends, so a unit pushed there passes
# no gradient back and its weights stop moving. A tanh value beyond ±0.99 (slope 1 - h² below 0.02) or a sigmoid gate
# within 0.01 of 0 or 1 (slope below 0.01) is at a flat end.
SATURATION_EDGE = 0.99
# "Saturated": at the last snapshot at least this share of the network's squashed values is at a flat end, the
# largest weight-gradient norm of the last epoch is below VANISHED_GRADIENT, and the loss has not moved by FLAT or more
# over at least the last tenth of the run. Measured at the lab's output, 100 epochs, seeds 0-9, under AVX512, AVX2 and
# DEFAULT: at learning rates 10 and 3 the RNN (1 layer; 4 layers at 10) ends with shares of 0.95-1.00, gradients of 0
# to 1.6e-6 and the loss flat from epoch 41 at the latest (83 under DEFAULT, where one run moved once more), its
# largest weight 26-150; the RNN's stuck runs at the lab's rate 0.1 keep gradients of 3e-4 or more with shares up to
# 0.90 (so the share alone does not decide). LSTM and GRU at 10 and 3: shares of 0.79-0.87 (LSTM) and 0.91-1.00
# (GRU), gradients below 1e-5 in 77 of 80 runs. With a linear output layer no run at rates 1-10 is both flat with a
# vanished gradient and saturated: nothing holds its scores near ±1.
SATURATED_SHARE = 0.75
VANISHED_GRADIENT = 1e-5
FLAT = 5e-4  # half the last digit the sentences show: a loss within it of another reads the same
# The learning rate a saturated run is advised: at most a tenth of its own, and at most the lab's 0.1. Adam moves every
# weight by about the learning rate at each step (by exactly that much at the first), and tanh is flat beyond about
# ±2.6 (atanh 0.99): at 0.1 a weight needs some 26 steps the same way to get there. A tenth alone is not enough:
# from 10 to 1, seed 9 ended at 2.091 instead of 1.730 and 4 layers at seed 0 at 1.989 instead of 1.929; at 0.1 every
# seed 0-9 ends at 0.43-0.53 (1 and 4 layers).
UNSATURATING_RATE = 0.1
# A run that came to rest (settled) at a learning rate of this or more is advised that smaller rate too, not another
# seed: at 1 and 3 a settled run's other seeds and a second layer were as stuck or worse (seed 0 at 1: 0.871, seed 1
# 1.122, 2 layers 1.766), and 0.1 ended lower by 0.16 or more in every case (RNN, LSTM, GRU). At 0.3, 0.03 or 0.1 gain
# less than 0.07, so below this rate the advice stays the seed's.
LARGE_RATE = 1.0


def saturated_share(probe: Probe) -> float:
    """The share of the values a squashing function made inside the network that sit at one of its flat ends: an
    RNN's hidden states (its tanh), an LSTM's or GRU's gates (sigmoid: within 0.01 of 0 or 1) and their tanh values
    (the candidate, the new state, the LSTM's tanh of the cell state: beyond ±0.99), every layer and step.

    A ReLU RNN's states are counted like tanh's but mean nothing: ReLU has no flat end above 0 (``diagnose`` asks)."""
    flat: list[np.ndarray] = []
    for layer, gates in enumerate(probe.gates):
        for name, values in gates.items():
            if signed_gate(name):  # tanh
                flat.append((np.abs(values) > SATURATION_EDGE).ravel())
            else:  # a sigmoid gate
                flat.append((np.minimum(values, 1 - values) < 1 - SATURATION_EDGE).ravel())
        if probe.cell_states is not None:
            flat.append((np.abs(np.tanh(probe.cell_states[layer])) > SATURATION_EDGE).ravel())
    if not flat:  # the plain RNN: its hidden states are its tanh values
        flat = [(np.abs(hidden) > SATURATION_EDGE).ravel() for hidden in probe.hidden]
    return float(np.mean(np.concatenate(flat)))


def outcome_of(
    task: CharacterTask, history: TrainingHistory, finished: bool, moment: Snapshot | None = None
) -> Outcome:
    """Where the run stands at ``moment`` (a snapshot: the weights after its epoch, as the screen shows them), every
    number from that one moment: the prediction and the probe's numbers at its weights, the losses up to its epoch.
    The prediction is the probe's (the most likely character at each step, as the probabilities chart shows it), not
    the epoch record's: a record's predictions come from that epoch's forward pass, before its update.

    Without ``moment``: the run as a whole, as a script reads it after training: the last record's prediction and
    epoch, the newest snapshot's probe."""
    snapshot = moment if moment is not None else (history.snapshots[-1] if history.snapshots else None)
    newest = history.records[-1].epoch if history.records else 0
    epoch = snapshot.epoch if moment is not None else newest
    at_end = epoch >= newest
    records = [record for record in history.records if record.epoch <= epoch]
    last = records[-1] if records else None
    predicted = max_probability = probe_loss = share = largest = None
    if snapshot is not None:
        chances = probabilities(snapshot.probe.outputs)
        if np.isfinite(chances).all() and math.isfinite(snapshot.probe.loss):
            max_probability, probe_loss = float(chances.max()), float(snapshot.probe.loss)
            share = saturated_share(snapshot.probe)
            largest = max((float(w.abs().max()) for w in snapshot.weights.values() if w.numel()), default=None)
            if moment is not None:
                predicted = task.vocabulary.decode(chances[0].argmax(axis=-1).tolist())
    if moment is None and last is not None and last.predictions is not None:
        predicted = task.vocabulary.decode(last.predictions[0])
    gradients = last.parameter_gradient_norms.values() if last is not None else ()
    return Outcome(
        target=task.target_text,
        vocabulary_size=task.vocabulary.size,
        finished=finished and at_end,
        predicted=predicted,
        epoch=epoch,
        losses=tuple(record.loss for record in records),
        stopped_epoch=history.stopped.epoch if history.stopped and at_end else None,
        probe_epoch=snapshot.epoch if snapshot is not None else None,
        max_probability=max_probability,
        probe_loss=probe_loss,
        saturated_share=share,
        largest_weight=largest,
        gradient_norm=max(gradients, default=None),
        rate_changes=tuple(history.learning_rate_changes),
    )


# --- The ceiling ------------------------------------------------------------------------------------------------


# --- The verdict and the advice ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    setting: str  # a HiHelloSettings field
    value: object  # never the field's current value
    words: str  # how the advice says it, in the language of the moment: "a learning rate of 0.01"


@dataclass(frozen=True)
class Reading:
    state: str  # waiting, learning, learned, stopped or stuck
    diagnosis: str  # for stopped and stuck: exploded, saturated, unsteady, slow, still falling or settled; else ""
    sentence: str
    suggestions: tuple[Suggestion, ...] = ()


def _quoted(text: str) -> str:
    return "'" + "".join(in_running_text(c) for c in text) + "'"


def _rate_below(rate: float) -> float | None:
    """A learning rate ten times smaller (the screen's ladder has it), or the smallest one on offer."""
    offered = [r for r in LEARNING_RATE_LADDER if LEARNING_RATE_RANGE[0] <= r < rate]
    return min(offered, key=lambda r: abs(math.log(r / (rate / 10)))) if offered else None


def _rate_above(rate: float) -> float | None:
    """A learning rate ten times larger, but never above UNSATURATING_RATE: larger steps saturate tanh (every larger
    rate advised from 0.3 or 1, to 3 or 10, ended with a higher loss: LSTM, GRU, 1 and 4 layers, seeds 0-9)."""
    offered = [r for r in LEARNING_RATE_LADDER if rate < r <= min(UNSATURATING_RATE, LEARNING_RATE_RANGE[1])]
    return min(offered, key=lambda r: abs(math.log(r / (rate * 10)))) if offered else None


def _unsaturating_rate(rate: float) -> float | None:
    """The learning rate that brings a saturated run back: the largest on offer at most a tenth of ``rate`` and at
    most UNSATURATING_RATE (10 and 3 -> 0.1, 0.3 -> 0.03)."""
    limit = min(UNSATURATING_RATE, rate / 10) * (1 + 1e-9)
    offered = [r for r in LEARNING_RATE_LADDER if LEARNING_RATE_RANGE[0] <= r <= limit]
    return max(offered) if offered else None


def _more_epochs(epochs: int) -> int | None:
    more = min(EPOCHS_RANGE[1], max(2 * epochs, EPOCHS_RANGE[0]) // EPOCHS_STEP * EPOCHS_STEP)
    return more if more > epochs else None


def _learning_rate_words(rate: float | None) -> str:
    return _("a learning rate of {rate:g}").format(rate=rate) if rate else ""


def _epochs_words(epochs: int | None) -> str:
    return ngettext("{count} epoch", "{count} epochs", epochs).format(count=epochs) if epochs else ""


def advice(settings: HiHelloSettings, diagnosis: str) -> tuple[Suggestion, ...]:
    """What to change for a run that ``diagnosis`` describes, from what is not already chosen."""
    found: list[Suggestion] = []

    def offer(setting: str, value: object, words: str) -> None:
        if value is not None and value != getattr(settings, setting):
            found.append(Suggestion(setting, value, words))

    rate = settings.learning_rate
    if diagnosis == "saturated":  # never more epochs (the weights no longer move) nor a larger rate
        lower = _unsaturating_rate(rate)
        offer("learning_rate", lower, _learning_rate_words(lower))
    elif diagnosis == "exploded":
        # Followed, the next rate down is not enough: a 4-layer ReLU RNN of 64 at 10 explodes at 1 and 0.3 as well,
        # and tanh at 10 ends with a loss near 150; at 0.1 it trains (tests/screens/hihello/test_advice.py).
        lower = _unsaturating_rate(rate) or _rate_below(rate)
        offer("learning_rate", lower, _learning_rate_words(lower))
    elif diagnosis == "unsteady":
        lower = _rate_below(rate)
        offer("learning_rate", lower, _learning_rate_words(lower))
        if not cell_entry(settings.cell).bounded(settings.nonlinearity):  # a ReLU RNN
            offer("nonlinearity", "tanh", _("tanh instead of ReLU (its state cannot grow without bound)"))
    elif diagnosis == "slow":
        higher = _rate_above(rate)
        offer("learning_rate", higher, _learning_rate_words(higher))
        more = _more_epochs(settings.epochs)
        offer("epochs", more, _epochs_words(more))
    elif diagnosis == "still falling":
        more = _more_epochs(settings.epochs)
        offer("epochs", more, _epochs_words(more))
    elif diagnosis == "settled" and rate >= LARGE_RATE:
        lower = _unsaturating_rate(rate)
        offer("learning_rate", lower, _learning_rate_words(lower))
        return tuple(found)
    if diagnosis == "settled" or (diagnosis == "still falling" and not found):
        seed = settings.seed + 1 if settings.seed < SEEDS_OFFERED else settings.seed - 1
        offer("seed", seed, _("another seed"))
        offer("readout", "linear", _("a linear output layer"))
        if settings.num_layers < MAX_DEPTH:
            layers = settings.num_layers + 1
            offer("num_layers", layers, ngettext("{count} layer", "{count} layers", layers).format(count=layers))
    return tuple(found)


def _listed(suggestions: tuple[Suggestion, ...]) -> str:
    """The suggestions as one list ("a, b or c"), each a phrase translated whole."""
    words = [s.words for s in suggestions]
    if len(words) == 1:
        return words[0]
    return _("{items} or {last}").format(items=", ".join(words[:-1]), last=words[-1])


def flat_since(losses: tuple[float, ...] | list[float]) -> int:
    """The epoch (1-based) from which every loss is within FLAT of the last one."""
    epoch = len(losses)
    while epoch > 1 and abs(losses[epoch - 2] - losses[-1]) < FLAT:
        epoch -= 1
    return epoch


def saturates(settings: HiHelloSettings) -> bool:
    """Whether the network squashes its values with tanh or sigmoids at all (a ReLU RNN has no flat end above 0)."""
    return cell_entry(settings.cell).bounded(settings.nonlinearity)


def is_saturated(settings: HiHelloSettings, outcome: Outcome) -> bool:
    """Saturated at the end of the run: most squashed values at a flat end, the gradient vanished, the loss flat."""
    losses = outcome.losses
    span = max(2, len(losses) // 10)
    return (
        saturates(settings)
        and outcome.probe_epoch == outcome.epoch
        and outcome.saturated_share is not None
        and outcome.saturated_share >= SATURATED_SHARE
        and outcome.gradient_norm is not None
        and outcome.gradient_norm < VANISHED_GRADIENT
        and len(losses) > span
        and flat_since(losses) <= len(losses) - span
    )


def _gradient_text(norm: float) -> str:
    return "0" if norm == 0 else f"{norm:.1e}"


def diagnose(settings: HiHelloSettings, outcome: Outcome) -> tuple[str, str]:
    """Why a finished run missed its target, as (diagnosis, the numbers that show it)."""
    losses = outcome.losses
    ceiling = score_ceiling(settings, outcome.vocabulary_size)
    floor = -math.log(ceiling) if ceiling else 0.0
    first, last = losses[0], losses[-1]
    best = min(losses)
    best_epoch = losses.index(best) + 1
    rises = [(losses[i + 1] / losses[i], i + 1) for i in range(len(losses) - 1) if losses[i] > 0]
    jump, jump_epoch = max(rises, default=(1.0, 0))
    if is_saturated(settings, outcome):  # first: whatever happened before, this is why nothing moves any more
        numbers = dict(
            loss=last,
            epoch=flat_since(losses),
            share=outcome.saturated_share,
            gradient=_gradient_text(outcome.gradient_norm),
            cell=CELL_NAMES[settings.cell],
        )
        if not cell_entry(settings.cell).gates:  # the plain RNN: its hidden states are its tanh values
            return "saturated", _(
                "the loss has stayed at {loss:.3f} since epoch {epoch}, {share:.0%} of the hidden states are beyond "
                "±0.99 and the largest weight gradient is {gradient}"
            ).format(**numbers)
        return "saturated", _(
            "the loss has stayed at {loss:.3f} since epoch {epoch}, {share:.0%} of the {cell}'s gate and tanh values "
            "are within 0.01 of their limits and the largest weight gradient is {gradient}"
        ).format(**numbers)
    if last > UNSTEADY * best:
        return "unsteady", _("the loss ended at {last:.3f}, above its lowest {best:.3f} (epoch {epoch})").format(
            last=last, best=best, epoch=best_epoch
        )
    if jump > UNSTEADY:
        return "unsteady", _(
            "the loss jumped from {before:.3f} to {after:.3f} between epochs {epoch} and {next_epoch}"
        ).format(before=losses[jump_epoch - 1], after=losses[jump_epoch], epoch=jump_epoch, next_epoch=jump_epoch + 1)
    span = max(2, len(losses) // 10)
    before = losses[-span - 1] if len(losses) > span else first
    moving = len(losses) <= span or abs(before - last) > MOVING_SHARE * abs(before - floor)
    if moving and last > first:  # ended above where it began without ever jumping: "fell only" would be untrue
        return "slow", ngettext(
            "the loss rose from {first:.3f} to {last:.3f} in {count} epoch instead of falling",
            "the loss rose from {first:.3f} to {last:.3f} in {count} epochs instead of falling",
            len(losses),
        ).format(first=first, last=last, count=len(losses))
    if moving and first - last < SLOW_SHARE * (first - floor):
        return "slow", ngettext(
            "the loss fell only from {first:.3f} to {last:.3f} in {count} epoch",
            "the loss fell only from {first:.3f} to {last:.3f} in {count} epochs",
            len(losses),
        ).format(first=first, last=last, count=len(losses))
    if len(losses) > span:
        if before - last > STILL_FALLING_SHARE * (before - floor):
            return "still falling", _(
                "the loss was still falling: {before:.3f} → {last:.3f} over the last {span} epochs"
            ).format(before=before, last=last, span=span)
        return "settled", _("the loss has settled at {last:.3f} ({before:.3f} {span} epochs earlier)").format(
            last=last, before=before, span=span
        )
    return "still falling", _("the loss fell from {first:.3f} to {last:.3f}").format(first=first, last=last)


def outcome_epoch(outcome: Outcome, diagnosis: str) -> int:
    """The epoch at which what ``diagnosis`` describes happened: the explosion, the jump, the start of the flat
    stretch of a saturated run; else the moment's last epoch (a settled, slow or still falling loss)."""
    losses = outcome.losses
    if diagnosis == "exploded" and outcome.stopped_epoch is not None:
        return outcome.stopped_epoch
    if diagnosis == "saturated" and losses:
        return flat_since(losses)
    if diagnosis == "unsteady" and losses and not losses[-1] > UNSTEADY * min(losses):
        rises = [(losses[i + 1] / losses[i], i + 2) for i in range(len(losses) - 1) if losses[i] > 0]
        return max(rises, default=(1.0, outcome.epoch))[1]  # the later epoch of the jump
    return max(outcome.epoch, 1)


def in_force(settings: HiHelloSettings, outcome: Outcome, diagnosis: str) -> HiHelloSettings:
    """The settings with the learning rate that was in force when ``diagnosis`` happened (the learner may have
    steered it during the run): the verdict names that rate, and the advice starts from it."""
    rate = rate_in_force(settings.learning_rate, outcome.rate_changes, outcome_epoch(outcome, diagnosis))
    if rate == settings.learning_rate:
        return settings
    try:
        return replace(settings, learning_rate=rate)
    except InputError:  # a rate this screen does not offer (a forged saved run): the run's own
        return settings


def read_outcome(settings: HiHelloSettings, outcome: Outcome) -> Reading:
    """The sentence under the metrics: where the run stands at the outcome's moment and, if it missed, why and what to
    try, about the learning rate in force when it happened."""
    target = _quoted(outcome.target)
    if outcome.stopped_epoch is not None:
        settings = in_force(settings, outcome, "exploded")
        suggestions = advice(settings, "exploded")
        sentence = divergence_message(outcome.stopped_epoch, settings.learning_rate, advice="")
        return Reading("stopped", "exploded", _with_advice(sentence, suggestions), suggestions)
    if outcome.predicted is None or outcome.epoch == 0:
        return Reading("waiting", "", _("Before training: the charts show the initial weights (epoch 0)."))
    said = _quoted(outcome.predicted)
    if outcome.predicted == outcome.target:
        return Reading(
            "learned",
            "",
            _("After epoch {epoch} the network says {said}: it learned the sequence.").format(
                epoch=outcome.epoch, said=said
            ),
        )
    if not outcome.finished:
        return Reading(
            "learning",
            "",
            _("Still learning: after epoch {epoch} it says {said} so far, against {target}.").format(
                epoch=outcome.epoch, said=said, target=target
            ),
        )
    diagnosis, evidence = diagnose(settings, outcome)
    settings = in_force(settings, outcome, diagnosis)
    sentence = ngettext(
        "After {epochs} epoch the network says {said} instead of {target} ({right} of {total} characters right): "
        "{evidence}.",
        "After {epochs} epochs the network says {said} instead of {target} ({right} of {total} characters right): "
        "{evidence}.",
        outcome.epoch,
    ).format(
        epochs=outcome.epoch,
        said=said,
        target=target,
        right=outcome.right,
        total=len(outcome.target),
        evidence=evidence,
    )
    suggestions = advice(settings, diagnosis)
    meaning = _meaning(settings, outcome, diagnosis)
    if diagnosis == "saturated" and not suggestions:  # nothing in reach: say so rather than guess
        meaning += " " + _("This screen offers no smaller learning rate.")
    return Reading("stuck", diagnosis, _with_advice(f"{sentence} {meaning}", suggestions), suggestions)


def _meaning(settings: HiHelloSettings, outcome: Outcome, diagnosis: str) -> str:
    """What the diagnosis means for this run, the sentence between its numbers and the advice."""
    rate = settings.learning_rate
    if diagnosis == "saturated":
        return _saturation_meaning(settings, outcome)
    if diagnosis == "settled" and rate >= LARGE_RATE:
        return _("Steps of learning rate {rate:g} are too large for this network to settle low.").format(rate=rate)
    return {
        "unsteady": _("Steps of learning rate {rate:g} overshoot."),
        "slow": _("Steps of learning rate {rate:g} are small for this many epochs."),
        "still falling": _("It had not finished learning."),
        "settled": _("These starting weights got stuck."),
    }[diagnosis].format(rate=rate)


def _saturation_meaning(settings: HiHelloSettings, outcome: Outcome) -> str:
    """Why a saturated run cannot move (the note's lesson on tanh), with the run's largest weight."""
    numbers = dict(rate=settings.learning_rate, weight=outcome.largest_weight or 0.0)
    if not cell_entry(settings.cell).gates:
        return _(
            "Adam moves every weight by about the learning rate at each step: steps of {rate:g} pushed the weights "
            "so far (the largest is now {weight:.0f}) that tanh is saturated, flat at −1 or 1, where its slope is "
            "close to 0. No gradient flows back through it, so more epochs hardly change anything."
        ).format(**numbers)
    return _(
        "Adam moves every weight by about the learning rate at each step: steps of {rate:g} pushed the weights so "
        "far (the largest is now {weight:.0f}) that the gates and tanh are saturated, flat at their limits, where "
        "their slope is close to 0. No gradient flows back through them, so more epochs hardly change anything."
    ).format(**numbers)


def _with_advice(sentence: str, suggestions: tuple[Suggestion, ...]) -> str:
    if not suggestions:
        return sentence
    return sentence + " " + _("Try {suggestions}.").format(suggestions=_listed(suggestions))
