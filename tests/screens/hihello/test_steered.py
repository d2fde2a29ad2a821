"""A run the learner steered: HiHello played at 0.1, the learning rate set to 3 after epoch 44 (issue 22, point 4).

Its verdict said "Steps of learning rate 0.1 overshoot. Try a learning rate of 0.01" although 3 was in force: the
reading took the rate the run started with. Now it names the rate in force when the outcome happened
(core.engine.rates),
the advice starts from it, and, followed from scratch, the advice ends lower than the steered run.

Measured under AVX512, AVX2 and DEFAULT: seeds 1 and 3 end saturated at 3 (final loss 0.825 and 1.165-1.365); the
advised 0.1 ends at 0.527 and 0.461."""

from __future__ import annotations

import dataclasses

import pytest
import torch

from core.engine.models import SequenceModel
from core.engine.rates import rate_in_force
from core.engine.session import TrainingSession
from core.screens.hihello.readings import outcome_epoch, outcome_of, read_outcome
from core.screens.hihello.settings import HiHelloSettings

torch.set_num_threads(1)
pytestmark = pytest.mark.seeds

MARGIN = 0.2  # lower by at least this much, followed (smallest drop measured: 0.298, seed 1)


def trained(settings: HiHelloSettings, steer: tuple[int, float] | None = None) -> TrainingSession:
    task = settings.task()
    config = settings.model_config(task)
    session = TrainingSession(lambda: SequenceModel(config), settings.data(task), settings.train_config())
    if steer is not None:
        session.advance(epochs=steer[0])
        session.set_learning_rate(steer[1])
    session.advance()
    return session


@pytest.mark.parametrize("seed", [1, 3])
def test_the_verdict_of_a_steered_run_names_the_rate_in_force_and_its_advice_helps(seed):
    settings = HiHelloSettings(seed=seed)
    session = trained(settings, steer=(44, 3.0))
    outcome = outcome_of(settings.task(), session.history, finished=True)
    reading = read_outcome(settings, outcome)
    assert reading.state == "stuck", reading.sentence
    in_force = rate_in_force(
        settings.learning_rate, session.history.learning_rate_changes, outcome_epoch(outcome, reading.diagnosis)
    )
    assert in_force == 3.0
    assert "of 3 " in reading.sentence or "rate 3 " in reading.sentence, reading.sentence
    assert "0.1 overshoot" not in reading.sentence and "steps of 0.1" not in reading.sentence
    assert reading.suggestions and all(s.setting == "learning_rate" and s.value < 3.0 for s in reading.suggestions)
    for suggestion in reading.suggestions:
        followed = trained(dataclasses.replace(settings, **{suggestion.setting: suggestion.value}))
        assert followed.history.losses[-1] < outcome.losses[-1] - MARGIN, (suggestion, followed.history.losses[-1])
