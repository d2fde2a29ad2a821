"""Sentences of the Time series screen that depend on a run's settings or state, computed here from them
so that none can contradict what the run did (the page only shows them)."""

from __future__ import annotations


def validation_epochs(epochs: int, validate_every: int) -> list[int]:
    """The epochs after which the test-part loss is measured: every ``validate_every``-th, and the last."""
    every = max(1, int(validate_every))
    measured = list(range(every, int(epochs) + 1, every))
    return measured if measured and measured[-1] == epochs else [*measured, int(epochs)]


def validation_caption(epochs: int, validate_every: int) -> str:
    """What the validation curve is and when it is measured, from the run's own ``validate_every``."""
    every = max(1, int(validate_every))
    if every == 1:
        when = "measured after every epoch"
    else:
        when = f"measured every {every} epochs (after epoch {every}, {2 * every}, …"
        when += ")" if epochs % every == 0 else f" and after the last, epoch {epochs})"
    return f"The validation curve is the loss on the test part, {when}; it never updates the weights."


def not_finite_advice(learning_rate: float, lowest_learning_rate: float) -> str:
    """What to try when the predictions are not numbers: a lower learning rate only if there is one to choose."""
    message = "The model's predictions are not finite numbers, so there is nothing to compare. "
    if learning_rate > lowest_learning_rate:
        return message + f"Lower the learning rate (now {learning_rate:g}) and press Reset."
    return message + (
        f"The learning rate is already the lowest offered ({learning_rate:g}): try another seed or a smaller "
        "hidden size, and check the file for extreme values."
    )


def stopped_message(reason: str, epoch: int, learning_rate: float, lowest_learning_rate: float) -> str:
    """Why training stopped, without advice the screen cannot follow: at the lowest learning rate offered,
    "try a learning rate ten times smaller" would send the learner to a setting that does not exist."""
    if "exploded" not in reason or learning_rate > lowest_learning_rate:
        return reason
    return (
        f"Training stopped at epoch {epoch}: the loss exploded (it became huge, infinite or not a number), even at "
        f"the lowest learning rate offered ({learning_rate:g}). The charts show the last good state. Check the file "
        "for extreme or misplaced values, or try a smaller hidden size or another seed."
    )
