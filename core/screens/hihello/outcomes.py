"""What a finished run of the HiHello screen shows, as a lesson asks it (core.lessons): each predicate takes the run's
settings and its sessions (as the registry entry builds them, trained to the end) and returns the answer (a choice's
id, or a number) and a sentence saying why, computed from the run. ``PREDICATES`` names them, each with the answers it
can give (None: a number)."""

from __future__ import annotations

from collections.abc import Mapping

from core.engine.session import TrainingSession
from core.screens.hihello.settings import HiHelloSettings
from core.words.i18n import N_
from core.words.message import Message, said


def says_at_end(settings: HiHelloSettings, sessions: Mapping[str, TrainingSession]) -> tuple[str, Message]:
    """Whether the network's last prediction is the whole target ("yes") or not ("no")."""
    task = settings.task()
    last = sessions["model"].history.records[-1]
    predicted = task.vocabulary.decode(last.predictions[0])
    why = said(
        N_("After epoch {epoch} the network says '{predicted}'; the target is '{target}'."),
        epoch=last.epoch,
        predicted=predicted,
        target=task.target_text,
    )
    return ("yes" if predicted == task.target_text else "no"), why


def final_accuracy(settings: HiHelloSettings, sessions: Mapping[str, TrainingSession]) -> tuple[float, Message]:
    """The share of the word's characters the network predicts right in its last epoch, in percent."""
    last = sessions["model"].history.records[-1]
    share = 100 * float(last.accuracy or 0.0)
    why = said(
        N_("In epoch {epoch} the network predicts {share} of the characters right."),
        epoch=last.epoch,
        share=f"{share:.0f}%",
    )
    return share, why


PREDICATES = {"says_the_target_at_end": (says_at_end, ("yes", "no")), "final_accuracy": (final_accuracy, None)}
