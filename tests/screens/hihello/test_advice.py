"""Advice is tested by following it: HiHello's "Try …" applied and rerun moves the final loss the promised way.

Where the issue found advice that did not help (learning rates 10 and 3: "Try 200 epochs", "Try a learning rate of
10"; the loss flat because every tanh was saturated), each suggestion the screen gives is taken here, the run is
repeated with it, and its final loss must be lower by a clear margin. A saturated run is also rerun with twice the
epochs: its sentence says more epochs hardly change anything, and at these settings they change nothing at all.
"""

from __future__ import annotations

import dataclasses

import pytest
import torch

from core.engine.models import SequenceModel
from core.engine.session import TrainingSession
from core.screens.hihello.readings import FLAT, Outcome, Reading, outcome_of, read_outcome
from core.screens.hihello.settings import HiHelloSettings
from tests.conftest import fast_first

torch.set_num_threads(1)

# Lower by at least this much, followed: a clear margin. Measured under AVX512, AVX2 and DEFAULT: the smallest drop
# over the cases below is 0.841 under each (learning rate 3, seed 0: 1.373 -> 0.532 at 0.1).
CLEAR_MARGIN = 0.3
# The issue's settings: 1 layer at learning rates 10 and 3, 4 layers at 10; seeds 0-9 (seeds 0 and 1 of each in
# the fast tier, the rest marked slow: about 0.4 s a case for 1 layer, 1 s for 4).
CASES = [(rate, layers, seed) for rate, layers in ((10.0, 1), (3.0, 1), (10.0, 4)) for seed in range(10)]


def final(settings: HiHelloSettings) -> tuple[Outcome, Reading]:
    task = settings.task()
    config = settings.model_config(task)
    session = TrainingSession(lambda: SequenceModel(config), settings.data(task), settings.train_config())
    session.advance(settings.epochs)
    outcome = outcome_of(task, session.history, finished=True)
    return outcome, read_outcome(settings, outcome)


def follow_every_advice(settings: HiHelloSettings, margin: float, hardly: float = FLAT) -> Reading:
    """Read the run, take each suggestion, rerun: the final loss must fall by ``margin``; a saturated run's loss moves
    less than ``hardly`` in twice the epochs. Returns the reading."""
    before, reading = final(settings)
    assert reading.state == "stuck"
    assert reading.suggestions or "Try" not in reading.sentence
    for suggestion in reading.suggestions:
        followed = dataclasses.replace(settings, **{suggestion.setting: suggestion.value})
        after, _ = final(followed)
        assert after.losses[-1] < before.losses[-1] - margin, (suggestion, before.losses[-1], after.losses[-1])
    if reading.diagnosis == "saturated":
        assert {s.setting for s in reading.suggestions} <= {"learning_rate"}  # never more epochs, never another seed
        assert all(s.value < settings.learning_rate for s in reading.suggestions)
        assert "more epochs hardly change anything" in reading.sentence
        longer, _ = final(dataclasses.replace(settings, epochs=2 * settings.epochs))
        assert abs(longer.losses[-1] - before.losses[-1]) < hardly and longer.predicted == before.predicted
    return reading


@pytest.mark.seeds
@pytest.mark.parametrize(
    ("rate", "layers", "seed"), fast_first(sorted(CASES, key=lambda case: case[2]), keep=6), ids=str
)
def test_every_advice_followed_lowers_the_final_loss(rate, layers, seed):
    reading = follow_every_advice(HiHelloSettings(learning_rate=rate, num_layers=layers, seed=seed), CLEAR_MARGIN)
    assert reading.diagnosis == "saturated"  # every one of these runs: a jump, then tanh saturated


# The same for the LSTM and the GRU (1 layer) at 10 and 3, where "Try 200 epochs" was the advice too: their gates
# saturate. Smallest drop measured: 0.18 (GRU at 3, seed 9: "unsteady", 0.723 -> 0.543 at 0.3) under AVX512, AVX2 and
# DEFAULT; twice the epochs moved a saturated loss by 0.0008 at most
# (LSTM at 3, seed 9, under DEFAULT), so "hardly" is checked as less than 0.01 there.
GATED_CASES = [(cell, rate, seed) for cell in ("lstm", "gru") for rate in (10.0, 3.0) for seed in range(10)]


@pytest.mark.seeds
@pytest.mark.slow
@pytest.mark.parametrize(("cell", "rate", "seed"), GATED_CASES, ids=str)
def test_every_advice_followed_helps_the_lstm_and_the_gru_too(cell, rate, seed):
    follow_every_advice(HiHelloSettings(cell=cell, learning_rate=rate, seed=seed), margin=0.1, hardly=0.01)


@pytest.mark.seeds
def test_the_issues_case_is_saturated_not_slow():
    """Learning rate 10, seed 0: "Steps of learning rate 10 are small … Try 200 epochs" while the loss sat at 1.878
    from epoch 3, every tanh saturated and the largest weight 84."""
    settings = HiHelloSettings(learning_rate=10.0, seed=0)
    _, reading = final(settings)
    assert reading.diagnosis == "saturated" and "are small" not in reading.sentence
    assert "the loss has stayed at 1.878 since epoch 3" in reading.sentence
    assert "100% of the hidden states are beyond ±0.99" in reading.sentence
    assert "the largest weight gradient is 0" in reading.sentence and "the largest is now 84" in reading.sentence
    assert [(s.setting, s.value) for s in reading.suggestions] == [("learning_rate", 0.1)]
    assert reading.sentence.endswith("Try a learning rate of 0.1.")


# An exploding run: a 4-layer ReLU RNN of 64 with a linear output at learning rate 10 (the page test's case). Measured
# on seeds 0-4 under AVX512: at 1 and 0.3 it explodes too, tanh at 10 ends with a loss of 150-270 on seeds 0 and 1; at
# 0.1 every seed trains to a loss below 0.01 without stopping.
EXPLODING = dict(learning_rate=10.0, readout="linear", hidden_size=64, num_layers=4, nonlinearity="relu", epochs=300)


@pytest.mark.seeds
@pytest.mark.parametrize("seed", fast_first(range(5), keep=1))
def test_an_exploded_run_is_advised_a_rate_that_trains_without_exploding(seed):
    settings = HiHelloSettings(seed=seed, **EXPLODING)
    before, reading = final(settings)
    assert reading.state == "stopped" and reading.diagnosis == "exploded", reading
    assert reading.suggestions, reading.sentence
    last_good = before.losses[-1]
    for suggestion in reading.suggestions:
        followed = dataclasses.replace(settings, **{suggestion.setting: suggestion.value})
        task = followed.task()
        config = followed.model_config(task)
        session = TrainingSession(
            lambda config=config: SequenceModel(config), followed.data(task), followed.train_config()
        )
        session.advance(followed.epochs)
        assert session.history.stopped is None, (suggestion, session.history.stopped)
        assert session.history.losses[-1] < last_good - CLEAR_MARGIN, (
            suggestion,
            last_good,
            session.history.losses[-1],
        )
