"""Sentences of the Time series screen that depend on a run's settings or state, computed here from them
so that none can contradict what the run did (the page only shows them). Each is computed when it is shown,
in the learner's language of that moment."""

from __future__ import annotations

from core.engine.records import Stopped, divergence_message
from core.words.i18n import _, ngettext


def after_epochs(epoch: int) -> str:
    """How a chart's title names the epoch whose weights it shows, in the words of the shared snapshot views'
    titles (core.charts.figures: "… (after 12 epochs)")."""
    return ngettext("(after {epoch} epoch)", "(after {epoch} epochs)", epoch).format(epoch=epoch)


def moment_heading(epoch: int, total_epochs: int) -> str:
    """How a reading of a run that has not finished (or of an earlier epoch of it) begins: its numbers are those of
    the weights after ``epoch`` epochs, so far, never "after training"."""
    if epoch == 0:
        return _("Before training, at the initial weights:")
    return ngettext(
        "So far, after epoch {epoch} of {total} epoch:", "So far, after epoch {epoch} of {total} epochs:", total_epochs
    ).format(epoch=epoch, total=total_epochs)


def validation_caption(epochs: int, validate_every: int) -> str:
    """What the validation curve is and when it is measured, from the run's own ``validate_every``."""
    every = max(1, int(validate_every))
    if every == 1:
        return _(
            "The validation curve is the loss on the test part, measured after every epoch; it never updates the "
            "weights."
        )
    if epochs % every == 0:
        message = _(
            "The validation curve is the loss on the test part, measured every {every} epochs (after epoch {every}, "
            "{twice}, …); it never updates the weights."
        )
    else:
        message = _(
            "The validation curve is the loss on the test part, measured every {every} epochs (after epoch {every}, "
            "{twice}, … and after the last, epoch {epochs}); it never updates the weights."
        )
    return message.format(every=every, twice=2 * every, epochs=epochs)


def not_finite_advice(learning_rate: float, lowest_learning_rate: float, epoch: int | None = None) -> str:
    """What to try when the predictions are not numbers: a lower learning rate only if there is one to choose.
    ``learning_rate`` is the rate in force at the epoch shown (core.engine.rates); ``epoch`` names that epoch when the
    rate
    the run trains with now is another (the learner changed it since)."""
    if learning_rate > lowest_learning_rate and epoch is not None:
        message = _(
            "The model's predictions are not finite numbers, so there is nothing to compare. Lower the learning "
            "rate (it was {learning_rate} in epoch {epoch}) and press Reset."
        )
    elif learning_rate > lowest_learning_rate:
        message = _(
            "The model's predictions are not finite numbers, so there is nothing to compare. Lower the learning "
            "rate (now {learning_rate}) and press Reset."
        )
    else:
        message = _(
            "The model's predictions are not finite numbers, so there is nothing to compare. The learning rate is "
            "already the lowest offered ({learning_rate}): try another seed or a smaller hidden size, and check the "
            "file for extreme values."
        )
    return message.format(learning_rate=f"{learning_rate:g}", epoch=epoch)


def stopped_message(stopped: Stopped, lowest_learning_rate: float) -> str:
    """Why training stopped, without advice the screen cannot follow: at the lowest learning rate offered,
    "try a learning rate ten times smaller" would send the learner to a setting that does not exist."""
    if not stopped.diverged or stopped.learning_rate is None or stopped.learning_rate > lowest_learning_rate:
        return stopped.reason
    advice = _(
        "It exploded even at the lowest learning rate offered ({learning_rate}): check the file for extreme or "
        "misplaced values, or try a smaller hidden size or another seed."
    ).format(learning_rate=f"{stopped.learning_rate:g}")
    return divergence_message(stopped.epoch, stopped.learning_rate, advice)
