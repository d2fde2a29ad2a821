"""What finished runs of the Long sequences screen show, as a lesson asks it (core.lessons): each predicate takes the
step's runs, one per seed (its settings and its sessions, as the registry entry builds them, trained to the end), and
returns the answer (a number) and a sentence saying why, computed from the runs and the text. ``PREDICATES`` names
them, each with the answers it can give (None: a number)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.engine.session import TrainingSession
from core.screens.long_sequences.read_back_ceiling import read_back_ceiling
from core.screens.long_sequences.settings import LongSequenceSettings, read_back_at
from core.words.i18n import N_
from core.words.message import Message, as_said, said, sentences

Run = tuple[LongSequenceSettings, dict[str, TrainingSession]]


def ceiling_of_the_window(runs: Sequence[Run]) -> tuple[float, Message]:
    """The most of the sentence any model can read back with the step's window, in percent: a ceiling the text and
    the window set before any training (core.screens.long_sequences.read_back_ceiling); the why adds what the runs
    read back, which never passes it."""
    settings = runs[0][0]
    task = settings.task()
    ceiling = read_back_ceiling(task)
    read = [100 * read_back_at(s["model"].model, task, s["model"].epoch).accuracy for _settings, s in runs]
    why = said(
        N_(
            "With windows of {window} characters, any model can read back at most {right} of the {total} characters "
            "({share})."
        ),
        window=ceiling.sequence_length,
        right=ceiling.right,
        total=ceiling.total,
        share=f"{ceiling.share:.1%}",
    )
    if ceiling.example is not None:
        context, followers = ceiling.example
        why = sentences(
            why,
            said(
                N_(
                    "The stretch '{context}' is followed by '{followers}' in different places: a window that reads "
                    "only it cannot tell which comes."
                ),
                context=as_said(context),
                followers=as_said("', '".join(followers)),
            ),
        )
    if len(runs) == 1:
        run_words = said(N_("This run read back {read}."), read=f"{read[0]:.1f}%")
    else:
        run_words = said(
            N_("The runs read back {low} to {high} (median {read}, {total} seeds)."),
            low=f"{min(read):.1f}%",
            high=f"{max(read):.1f}%",
            read=f"{float(np.median(read)):.1f}%",
            total=len(runs),
        )
    return 100 * ceiling.share, sentences(why, run_words)


PREDICATES = {"read_back_ceiling": (ceiling_of_the_window, None)}
