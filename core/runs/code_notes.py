"""Why the script of a run would not print the screen's final loss, as sentences for the learner.

A script (core.runs.code) replays the run's settings from the start, and its steering (a learning rate the learner
changed is changed at the same step: core.runs.code.steering). How the app stopped it (a loss that blew up) and where
it computed it (a GPU, steps in slices that fit in memory) are not in the script: each has its sentence here,
computed from the run's sessions.
"""

from __future__ import annotations

from core.words.i18n import _


def sliced_note(session) -> str | None:
    """Why the script's last digits may differ: the app computes each step in slices that fit in memory."""
    if session.micro_batch >= session.batch_size:
        return None
    return _(
        "This run computes each step of {size:,} sequences in slices of {slice:,} (so it fits in memory) and adds "
        "their gradients; the script takes each step in one pass. The gradient is the same up to float rounding, so "
        "the final loss can differ in its last digits."
    ).format(size=session.batch_size, slice=session.micro_batch)


def stopped_note(history) -> str | None:
    """Why the script prints another loss: the app stopped a run whose loss blew up; the script trains on."""
    if history.stopped is None:
        return None
    return _(
        "This run stopped in epoch {epoch} because its loss blew up. The script does not check: it trains every "
        "epoch and prints the last one's loss (often nan), not the last loss on the screen."
    ).format(epoch=history.stopped.epoch)


def device_note(session) -> str | None:
    """Why the last digits may differ: the app trained on a GPU, the script trains on the CPU."""
    if session.device.type == "cpu":
        return None
    return _(
        "This run trained on {device}; the script trains on the CPU, whose sums round differently, so its final "
        "loss can differ in the last digits."
    ).format(device=session.device.type.upper())


def script_notes(sessions) -> list[str]:
    """Every reason the script of a run (its training sessions) would not print the screen's final loss, once each."""
    notes = []
    for session in sessions:
        history = session.history
        notes += [
            stopped_note(history),
            sliced_note(session),
            device_note(session),
        ]
    return list(dict.fromkeys(note for note in notes if note))
