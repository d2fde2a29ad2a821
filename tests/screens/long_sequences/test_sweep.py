"""Every sentence the Long sequences screen computes, on real default runs over seeds 0-9, checked against the
numbers it describes (independently recounted here). Ten default runs took 16 s on this 2-core machine under
load (8 s of CPU), so the file is in the slow tier."""

import re

import numpy as np
import pytest

from core.engine.settings import learning_rates
from core.runs.status import status_sentence
from core.screens.long_sequences.read_back_ceiling import window_limits
from core.screens.long_sequences.readings import (
    advice,
    first_against_last_position,
    gradient_shape,
    model_phrase,
    read_back_vs_positions,
)
from core.screens.long_sequences.settings import LongSequenceSettings
from core.screens.long_sequences.windows import read_back_session

pytestmark = [pytest.mark.slow, pytest.mark.seeds]

SEEDS = range(10)
RATES = learning_rates(0.001, 1.0)


def default_run(seed: int):
    settings = LongSequenceSettings(seed=seed)
    task = settings.task()
    model_config = settings.model_config(task)
    session, log = read_back_session(task, model_config, settings.train_config())
    session.advance()
    return settings, model_config, session, log


@pytest.fixture(scope="module")
def runs():
    return {seed: default_run(seed) for seed in SEEDS}


def shown(share: float) -> str:
    return f"{100 * share:.1f}%"


@pytest.mark.parametrize("seed", SEEDS)
def test_the_read_back_sentence_matches_its_numbers(runs, seed):
    _, _, _, log = runs[seed]
    sentence = read_back_vs_positions(log.epochs, log.accuracy, log.position_accuracy)
    read_back, together = log.accuracy[-1], float(np.mean(log.position_accuracy[-1]))
    assert f"read-back is {shown(read_back)} right" in sentence
    if round(1000 * read_back) != round(1000 * together):
        word = "above" if read_back > together else "below"
        assert f"{word} the {shown(together)} of all window positions together" in sentence
    pairs = zip(log.accuracy, log.position_accuracy, strict=True)
    higher = sum(round(1000 * r) > round(1000 * np.mean(p)) for r, p in pairs)
    assert sentence.endswith(f"the higher of the two in {higher} of {len(log.epochs)} epochs.")
    for epoch, accuracy in zip(log.epochs, log.position_accuracy, strict=True):
        said = first_against_last_position(epoch, accuracy)
        assert f"position 1 is {shown(accuracy[0])} right and position 10 {shown(accuracy[-1])}" in said
        assert ("context decides" in said) == (round(1000 * accuracy[-1]) > round(1000 * accuracy[0]))


@pytest.mark.parametrize("seed", SEEDS)
def test_the_gradient_sentence_names_the_measured_peak(runs, seed):
    _, _, session, _ = runs[seed]
    snapshot = session.history.snapshots[-1]
    norms = snapshot.probe.hidden_gradient_norms  # (layers, time)
    sentence = gradient_shape(norms, snapshot.epoch)
    peaks = [int(np.argmax(row)) + 1 for row in norms]
    named = [int(t) for t in re.findall(r"largest at t = (\d+)", sentence)] + [
        int(t) for t in re.findall(r" and at t = (\d+)", sentence)
    ]
    assert named == ([peaks[0]] if len(set(peaks)) == 1 else peaks)
    assert ("adds up the outputs" in sentence) == (1 in peaks)
    assert ("vanishing gradient at work" in sentence) == (norms.shape[1] in peaks)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_advice_and_status_follow_the_run(runs, seed):
    settings, model_config, session, log = runs[seed]
    losses = session.history.losses
    limits = window_limits(settings.task())  # window 10 allows every character: the ceiling never binds here
    assert limits.current.complete
    said = advice(
        settings, model_config.hidden_size, losses, log.accuracy[-1], session.learning_rate, RATES, True, limits=limits
    )
    if round(1000 * log.accuracy[-1]) >= 950:
        assert said.tone == "success"
    else:
        assert said.tone == "info", said.text  # the lab's Adam 0.1 never jumps, rises or swings on these seeds
        assert f"{shown(log.accuracy[-1])} of the sentence read back right" in said.text
        assert "an LSTM or GRU cell" in said.text
        # a larger network only below 90%, more epochs only for a steady fall
        # (tests/screens/long_sequences/test_advice.py)
        assert ("larger than the vocabulary's 25" in said.text) == (log.accuracy[-1] < 0.90)
        quarter = len(losses) // 4
        steady = (
            losses[-1] < 0.95 * losses[-1 - quarter] and losses[-1] < losses[-1 - quarter // 2] < losses[-1 - quarter]
        )
        assert ("more epochs" in said.text) == steady
    assert model_phrase(model_config) == "a 2-layer RNN of 25 units"
    status = status_sentence("epoch", session.epoch, 100, "paused", session.finished, 1.0, session.estimate())
    assert "finished · took 1.0 s of computing" in status and "so far" not in status


def test_most_seeds_read_back_almost_all_and_few_stay_below_75_percent(runs):
    """What holds on every CPU capability, with a margin: which seeds get stuck moves with the machine's kernels
    (seeds 2 and 3 sit near a tipping point), how many do not. Read-back per seed 0-9 with torch 2.13.0:

    - AMD EPYC, AVX512: 99.4, 99.4, 95.0, 62.0, 99.4, 99.4, 99.4, 98.9, 99.4, 92.7%
    - AMD EPYC, AVX2: 99.4, 99.4, 69.8, 57.5, 98.3, 99.4, 99.4, 99.4, 99.4, 93.9%
    - AMD EPYC, DEFAULT: 99.4, 99.4, 67.6, 58.7, 99.4, 99.4, 91.1, 99.4, 99.4, 88.3%
    - an Intel AVX512 machine (issue "Green on every CPU"): seed 2 69.8 / 71.5 / 93.9%, seed 3 67.0 / 86.6 / 55.9%
      under AVX512 / AVX2 / DEFAULT; below 75%: [2, 3], [2], [3].

    So below 75%: at most 2 seeds anywhere measured (the test allows 3); at or above 95%: at least 6 (allows 5);
    seed 0, the screen's default, 99.4% everywhere measured (the lab preset promises 95%)."""
    read_back = [runs[seed][3].accuracy[-1] for seed in SEEDS]
    assert sum(share < 0.75 for share in read_back) <= 3, read_back
    assert sum(share >= 0.95 for share in read_back) >= 5, read_back
    assert read_back[0] >= 0.95, read_back
