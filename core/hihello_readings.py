"""What the HiHello screen says about a run: the verdict and the advice (the ceiling that tanh puts on the scores and
the controls without effect are ``core.hihello_limits``).

Every sentence is built here from the run's numbers (``Outcome``) and the settings it ran with, so the
screen never claims what the numbers do not show, and the advice never suggests what is already chosen:
each ``Suggestion`` names a setting and a value different from the current one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from core.hihello import EPOCHS_RANGE, EPOCHS_STEP, LEARNING_RATE_RANGE, MAX_DEPTH, SEEDS_OFFERED, HiHelloSettings
from core.hihello_limits import score_ceiling
from core.i18n import _, ngettext
from core.objectives import probabilities
from core.text import CharacterTask, in_running_text
from core.training import LEARNING_RATE_LADDER, TrainingHistory

# A rise of the loss by more than this factor from one epoch to the next, or an end this far above the lowest
# loss of the run, is the mark of steps that overshoot (measured: 1.26-21.9 at learning rates 1-10, at most
# 1.01 for the stuck seeds 0, 1 and 7 at 0.1).
UNSTEADY = 1.2
# "Slow": the loss covered less than this share of the way from its first value down to its floor.
SLOW_SHARE = 0.5
# "Still falling": over the last tenth of the run the loss closed more than this share of its gap to the floor
# (measured: 10-11% for 20-30 epochs at the defaults, 1.6% for the stuck seed 0 after 100).
STILL_FALLING_SHARE = 0.05


@dataclass(frozen=True)
class Outcome:
    """Where a run stands, in the numbers the screen's sentences describe."""

    target: str
    vocabulary_size: int
    finished: bool
    predicted: str | None = None  # the last epoch's prediction; None before the first epoch
    epoch: int = 0  # epochs trained
    losses: tuple[float, ...] = ()  # one per epoch
    stopped_epoch: int | None = None  # the loss exploded at this epoch
    probe_epoch: int | None = None  # the snapshot the next two numbers were measured at
    max_probability: float | None = None  # the highest probability of any character at any step
    probe_loss: float | None = None  # the loss at that snapshot's weights


def outcome_of(task: CharacterTask, history: TrainingHistory, finished: bool) -> Outcome:
    last = history.records[-1] if history.records else None
    snapshot = history.snapshots[-1] if history.snapshots else None
    max_probability = probe_loss = None
    if snapshot is not None:
        chances = probabilities(snapshot.probe.outputs)
        if np.isfinite(chances).all() and math.isfinite(snapshot.probe.loss):
            max_probability, probe_loss = float(chances.max()), float(snapshot.probe.loss)
    return Outcome(
        target=task.target_text,
        vocabulary_size=task.vocabulary.size,
        finished=finished,
        predicted=task.vocabulary.decode(last.predictions[0]) if last is not None else None,
        epoch=last.epoch if last is not None else 0,
        losses=tuple(history.losses),
        stopped_epoch=history.stopped.epoch if history.stopped else None,
        probe_epoch=snapshot.epoch if snapshot is not None else None,
        max_probability=max_probability,
        probe_loss=probe_loss,
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
    diagnosis: str  # for stopped and stuck: exploded, unsteady, slow, still falling or settled; else ""
    sentence: str
    suggestions: tuple[Suggestion, ...] = ()


def _quoted(text: str) -> str:
    return "'" + "".join(in_running_text(c) for c in text) + "'"


def _rate_below(rate: float) -> float | None:
    """A learning rate ten times smaller (the screen's ladder has it), or the smallest one on offer."""
    offered = [r for r in LEARNING_RATE_LADDER if LEARNING_RATE_RANGE[0] <= r < rate]
    return min(offered, key=lambda r: abs(math.log(r / (rate / 10)))) if offered else None


def _rate_above(rate: float) -> float | None:
    offered = [r for r in LEARNING_RATE_LADDER if rate < r <= LEARNING_RATE_RANGE[1]]
    return min(offered, key=lambda r: abs(math.log(r / (rate * 10)))) if offered else None


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
    if diagnosis in ("exploded", "unsteady"):
        lower = _rate_below(rate)
        offer("learning_rate", lower, _learning_rate_words(lower))
        if settings.cell == "rnn" and settings.nonlinearity == "relu":
            offer("nonlinearity", "tanh", _("tanh instead of ReLU (its state cannot grow without bound)"))
    elif diagnosis == "slow":
        higher = _rate_above(rate)
        offer("learning_rate", higher, _learning_rate_words(higher))
        more = _more_epochs(settings.epochs)
        offer("epochs", more, _epochs_words(more))
    elif diagnosis == "still falling":
        more = _more_epochs(settings.epochs)
        offer("epochs", more, _epochs_words(more))
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
    if last > UNSTEADY * best:
        return "unsteady", _("the loss ended at {last:.3f}, above its lowest {best:.3f} (epoch {epoch})").format(
            last=last, best=best, epoch=best_epoch
        )
    if jump > UNSTEADY:
        return "unsteady", _(
            "the loss jumped from {before:.3f} to {after:.3f} between epochs {epoch} and {next_epoch}"
        ).format(before=losses[jump_epoch - 1], after=losses[jump_epoch], epoch=jump_epoch, next_epoch=jump_epoch + 1)
    if last > first:  # ended above where it began without ever jumping: "fell only" would be untrue
        return "slow", ngettext(
            "the loss rose from {first:.3f} to {last:.3f} in {count} epoch instead of falling",
            "the loss rose from {first:.3f} to {last:.3f} in {count} epochs instead of falling",
            len(losses),
        ).format(first=first, last=last, count=len(losses))
    if first - last < SLOW_SHARE * (first - floor):
        return "slow", ngettext(
            "the loss fell only from {first:.3f} to {last:.3f} in {count} epoch",
            "the loss fell only from {first:.3f} to {last:.3f} in {count} epochs",
            len(losses),
        ).format(first=first, last=last, count=len(losses))
    span = max(2, len(losses) // 10)
    if len(losses) > span:
        before = losses[-span - 1]
        if before - last > STILL_FALLING_SHARE * (before - floor):
            return "still falling", _(
                "the loss was still falling: {before:.3f} → {last:.3f} over the last {span} epochs"
            ).format(before=before, last=last, span=span)
        return "settled", _("the loss has settled at {last:.3f} ({before:.3f} {span} epochs earlier)").format(
            last=last, before=before, span=span
        )
    return "still falling", _("the loss fell from {first:.3f} to {last:.3f}").format(first=first, last=last)


def read_outcome(settings: HiHelloSettings, outcome: Outcome) -> Reading:
    """The sentence under the metrics: where the run stands and, if it missed, why and what to try."""
    target = _quoted(outcome.target)
    if outcome.stopped_epoch is not None:
        suggestions = advice(settings, "exploded")
        sentence = _(
            "Training stopped at epoch {epoch}: the loss exploded (it became huge, infinite or not a number). The "
            "learning rate ({rate:g}) is too high for this model, so the weights overshot. The charts show the last "
            "good state."
        ).format(epoch=outcome.stopped_epoch, rate=settings.learning_rate)
        return Reading("stopped", "exploded", _with_advice(sentence, suggestions), suggestions)
    if outcome.predicted is None:
        return Reading("waiting", "", _("Before training: the charts show the initial weights (epoch 0)."))
    said = _quoted(outcome.predicted)
    if outcome.predicted == outcome.target:
        return Reading("learned", "", _("The network says {said}: it learned the sequence.").format(said=said))
    if not outcome.finished:
        return Reading(
            "learning", "", _("Still learning: {said} so far, against {target}.").format(said=said, target=target)
        )
    diagnosis, evidence = diagnose(settings, outcome)
    right = sum(p == t for p, t in zip(outcome.predicted, outcome.target, strict=True))
    sentence = ngettext(
        "After {epochs} epoch the network says {said} instead of {target} ({right} of {total} characters right): "
        "{evidence}.",
        "After {epochs} epochs the network says {said} instead of {target} ({right} of {total} characters right): "
        "{evidence}.",
        outcome.epoch,
    ).format(epochs=outcome.epoch, said=said, target=target, right=right, total=len(outcome.target), evidence=evidence)
    meaning = {
        "unsteady": _("Steps of learning rate {rate:g} overshoot."),
        "slow": _("Steps of learning rate {rate:g} are small for this many epochs."),
        "still falling": _("It had not finished learning."),
        "settled": _("These starting weights got stuck."),
    }[diagnosis].format(rate=settings.learning_rate)
    suggestions = advice(settings, diagnosis)
    return Reading("stuck", diagnosis, _with_advice(f"{sentence} {meaning}", suggestions), suggestions)


def _with_advice(sentence: str, suggestions: tuple[Suggestion, ...]) -> str:
    if not suggestions:
        return sentence
    return sentence + " " + _("Try {suggestions}.").format(suggestions=_listed(suggestions))
