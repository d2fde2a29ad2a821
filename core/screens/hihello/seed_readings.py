"""What several seeds of one HiHello setup say at the end, counted over the seeds (the screen's "Several seeds"
section, ``core.runs.seeds.SeedRuns``): "says 'ihello' at the end on 3 of 5 seeds", from the runs themselves."""

from __future__ import annotations

from collections.abc import Sequence

from core.engine.session import TrainingSession
from core.screens.hihello.readings import outcome_of
from core.screens.hihello.settings import HiHelloSettings
from core.words.i18n import N_
from core.words.message import Message, as_said, joined, said, said_plural, sentences

Run = tuple[HiHelloSettings, dict[str, TrainingSession]]


def last_words(run: Run) -> str:
    """What the network says after its last epoch: the most likely character at each step, at the weights after that
    epoch (its newest snapshot), as the screen's "Prediction after epoch N" reads them."""
    settings, sessions = run
    history = sessions["model"].history
    return outcome_of(settings.task(), history, True, history.snapshots[-1]).predicted or ""


def seeds_saying_the_target(runs: Sequence[Run]) -> list[int]:
    """The seeds whose network says the whole target after its last epoch."""
    return [
        settings.seed for settings, sessions in runs if last_words((settings, sessions)) == settings.task().target_text
    ]


def seeds_reading(runs: Sequence[Run]) -> Message:
    """'The network says 'ihello' at the end on 3 of 5 seeds. The others end saying: 'ihelll' (seed 2); …'."""
    target = runs[0][0].task().target_text
    said_by = [(settings.seed, last_words((settings, sessions))) for settings, sessions in runs]
    right = [seed for seed, words in said_by if words == target]
    counted = said_plural(
        "The network says '{target}' at the end on {count} of {total} seed.",
        "The network says '{target}' at the end on {count} of {total} seeds.",
        len(runs),
        target=as_said(target),
        count=len(right),
        total=len(runs),
    )
    others = [
        said(N_("'{words}' (seed {seed})"), words=as_said(words), seed=seed)
        for seed, words in said_by
        if words != target
    ]
    if not others:
        return counted
    return sentences(counted, said(N_("The others end saying: {others}."), others=joined(others, "; ")))
