"""What finished runs of the HiHello screen show, as a lesson asks it (core.lessons): each predicate takes the step's
runs, one per seed (its settings and its sessions, as the registry entry builds them, trained to the end), and
returns the answer (a choice's id, or a number) and a sentence saying why, computed from the runs. ``PREDICATES``
names them, each with the answers it can give (None: a number).

A question asked over several seeds is answered from all of them and says so ("on 3 of 5 seeds"); over one seed the
words are those of that run."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.engine.session import TrainingSession
from core.screens.hihello.seed_readings import last_words, seeds_reading
from core.screens.hihello.seed_readings import seeds_saying_the_target as seeds_saying_the_target_at_end
from core.screens.hihello.settings import HiHelloSettings
from core.words.i18n import N_
from core.words.message import Message, as_said, said

Run = tuple[HiHelloSettings, dict[str, TrainingSession]]


def saying_the_target(runs: Sequence[Run]) -> tuple[list[int], Message]:
    """The seeds whose network says the whole target after its last epoch, and why: that run's last words, or over
    several seeds the screen's own count (core.screens.hihello.seed_readings)."""
    right = seeds_saying_the_target_at_end(runs)
    if len(runs) > 1:
        return right, seeds_reading(runs)
    settings, sessions = runs[0]
    return right, said(
        N_("After epoch {epoch} the network says '{predicted}'; the target is '{target}'."),
        epoch=sessions["model"].history.records[-1].epoch,
        predicted=as_said(last_words(runs[0])),
        target=as_said(settings.task().target_text),
    )


def says_at_end(runs: Sequence[Run]) -> tuple[str, Message]:
    """Whether the network's last prediction is the whole target ("yes") or not ("no"); over several seeds, "yes"
    when it is on most of them."""
    right, why = saying_the_target(runs)
    return ("yes" if 2 * len(right) > len(runs) else "no"), why


def seeds_saying_the_target(runs: Sequence[Run]) -> tuple[float, Message]:
    """On how many of the seeds the network says the whole target after its last epoch."""
    right, why = saying_the_target(runs)
    return float(len(right)), why


def share_words(shares: Sequence[float], one: str, several: str, **values: object) -> tuple[float, Message]:
    """The median of ``shares`` (percent) and its sentence: ``one`` for one run, ``several`` with the range."""
    median = float(np.median(shares))
    if len(shares) == 1:
        return median, said(one, share=f"{median:.0f}%", **values)
    return median, said(
        several,
        share=f"{median:.0f}%",
        low=f"{min(shares):.0f}%",
        high=f"{max(shares):.0f}%",
        total=len(shares),
        **values,
    )


def final_accuracy(runs: Sequence[Run]) -> tuple[float, Message]:
    """The share of the word's characters the network predicts right in its last epoch, in percent (the median over
    the seeds)."""
    records = [sessions["model"].history.records[-1] for _settings, sessions in runs]
    return share_words(
        [100 * float(record.accuracy or 0.0) for record in records],
        N_("In epoch {epoch} the network predicts {share} of the characters right."),
        N_(
            "In epoch {epoch} the network predicts {share} of the characters right (median of {total} seeds; "
            "from {low} to {high})."
        ),
        epoch=records[0].epoch,
    )


def accuracy_at_start(runs: Sequence[Run]) -> tuple[float, Message]:
    """The share of the characters the untrained network (epoch 0: its initial weights) predicts right, in percent:
    the first epoch's forward pass, before its update (the median over the seeds)."""
    settings, sessions = runs[0]
    task = settings.task()
    first = sessions["model"].history.records[0]
    predicted = task.vocabulary.decode(first.predictions[0])
    shares = [100 * float(s["model"].history.records[0].accuracy or 0.0) for _settings, s in runs]
    chance = f"{1 / task.vocabulary.size:.0%}"
    return share_words(
        shares,
        N_(
            "Before training (epoch 0) the network says '{predicted}': {share} of the characters right. Picking one of "
            "its {size} characters at random is right {chance} of the time."
        ),
        N_(
            "Before training (epoch 0) the network gets {share} of the characters right (median of {total} seeds; "
            "from {low} to {high}); seed {seed} says '{predicted}'. Picking one of its {size} characters at random is "
            "right {chance} of the time."
        ),
        predicted=as_said(predicted),
        size=task.vocabulary.size,
        chance=chance,
        seed=settings.seed,
    )


PREDICATES = {
    "says_the_target_at_end": (says_at_end, ("yes", "no")),
    "seeds_saying_the_target": (seeds_saying_the_target, None),
    "final_accuracy": (final_accuracy, None),
    "accuracy_at_start": (accuracy_at_start, None),
}
