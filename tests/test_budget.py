"""Run estimates (core.budget) against real runs, and the per-run budget's refusals."""

from __future__ import annotations

import time

import numpy as np
import pytest
import torch

from core.budget import Budget, CostEstimate, check_budget, format_duration
from core.errors import InputError
from core.models import ModelConfig, SequenceModel
from core.session import TrainingSession
from core.text import next_character_task
from core.training import SequenceData, TrainConfig
from core.windows import SEED_SENTENCE, sliding_windows


def regression_data(sequences, time_steps, features, horizon, probes=2, validation=0):
    generator = torch.Generator().manual_seed(0)
    inputs = torch.randn(sequences, time_steps, features, generator=generator)
    targets = torch.randn(sequences, horizon, generator=generator)
    extra = {}
    if validation:
        extra = dict(validation_inputs=inputs[:validation], validation_targets=targets[:validation])
    return SequenceData(
        inputs, targets, "regress_last_step", probe_inputs=inputs[:probes], probe_targets=targets[:probes], **extra
    )


def cases():
    hihello = next_character_task("hihello")
    windows = sliding_windows(SEED_SENTENCE, 10)
    vocabulary = windows.vocabulary.size
    long_windows = sliding_windows(SEED_SENTENCE * 3, 50)
    generator = torch.Generator().manual_seed(0)
    memory_inputs = torch.randn(128, 32, 17, generator=generator)
    memory_targets = torch.randint(0, 8, (128,), generator=generator)
    memory = SequenceData(
        memory_inputs,
        memory_targets,
        "classify_last_step",
        probe_inputs=memory_inputs[:32],
        probe_targets=memory_targets[:32],
        validation_inputs=memory_inputs.repeat(4, 1, 1),
        validation_targets=memory_targets.repeat(4),
    )
    return {
        "hihello": (
            ModelConfig(5, 5, 5, linear_head=False),
            SequenceData(hihello.inputs, hihello.targets, "classify_each_step"),
            TrainConfig(epochs=100, snapshot_every=5),
        ),
        "long sequences": (
            ModelConfig(vocabulary, vocabulary, vocabulary, 2),
            windows.data(),
            TrainConfig(epochs=30, snapshot_every=5),
        ),
        "long windows, GRU 64, batch 16": (
            ModelConfig(long_windows.vocabulary.size, long_windows.vocabulary.size, 64, cell="gru"),
            long_windows.data(np.arange(4)),
            TrainConfig(epochs=2, batch_size=16),
        ),
        "time series": (
            ModelConfig(5, 1, 10, cell="lstm"),
            regression_data(500, 7, 5, 1, probes=8, validation=200),
            TrainConfig(epochs=50, snapshot_every=10, validate_every=4),
        ),
        "window 120, LSTM 128 x 4, batch all (sliced)": (
            ModelConfig(5, 30, 128, 4, cell="lstm"),
            regression_data(400, 120, 5, 30),
            TrainConfig(epochs=1),
        ),
        "memory task, RNN 70": (
            ModelConfig(17, 8, 70, cell="rnn"),
            memory,
            TrainConfig(epochs=60, snapshot_every=6, validate_every=2, clip_grad_norm=1.0),
        ),
    }


@pytest.mark.slow  # real training runs timed against the estimate: seconds each
@pytest.mark.timing  # a measured time: machine-dependent, so not a gate of make test (run with -m timing)
@pytest.mark.parametrize("name", list(cases()))
def test_the_estimate_is_within_a_factor_of_three_of_a_real_run(name):
    model, data, config = cases()[name]
    measured = []
    for _ in range(2):  # the better of two runs: the first pays for lazy initialisation
        session = TrainingSession(lambda: SequenceModel(model), data, config)
        estimate = session.estimate()
        started = time.thread_time()  # this thread only: other threads (a lingering AppTest) and processes drop out
        session.advance()
        measured.append(time.thread_time() - started)
        assert session.finished and not session.history.stopped
    measured = min(measured)
    assert measured / 3 <= estimate.seconds <= 3 * measured, (estimate.seconds, measured)


def test_a_run_within_budget_passes():
    check_budget(CostEstimate(seconds=10, seconds_per_epoch=0.1, peak_bytes=10 * 2**20), Budget(60, 100), 100)


def test_too_many_epochs_names_the_epochs_and_how_many_fit():
    estimate = CostEstimate(seconds=500, seconds_per_epoch=0.5, peak_bytes=2**20)
    with pytest.raises(InputError, match=r"Set Epochs to at most 120 \(now 1,000\)"):
        check_budget(estimate, Budget(60, 100), 1000)


def test_one_epoch_over_the_budget_names_the_sizes():
    estimate = CostEstimate(seconds=400 * 86400, seconds_per_epoch=460, peak_bytes=2**20)
    with pytest.raises(InputError, match=r"One epoch alone would take 8 min.*the window") as error:
        check_budget(estimate, Budget(300, 1024), 1000, size_settings="the window, the hidden size or the file")
    assert "Epochs" not in str(error.value)


def test_memory_over_the_budget_is_refused_first():
    estimate = CostEstimate(seconds=1, seconds_per_epoch=1, peak_bytes=3 * 2**30)
    with pytest.raises(InputError, match="3,072 MB of memory"):
        check_budget(estimate, Budget(300, 1024), 1)


def test_the_budget_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("RNNLAB_MAX_RUN_SECONDS", "45")
    monkeypatch.setenv("RNNLAB_MAX_RUN_MB", "not a number")
    budget = Budget.from_environment()
    assert budget.max_seconds == 45 and budget.max_megabytes == Budget().max_megabytes


def test_the_issues_five_day_time_series_run_is_refused_before_it_starts():
    # 200,000 rows, window 120, horizon 30, LSTM 128 x 4, 1000 epochs, batch 16 (the sliders allow it).
    inputs = torch.zeros(1, 120, 5).expand(139_970, 120, 5)  # a view: the size counts, not the memory
    data = SequenceData(inputs, torch.zeros(1, 30).expand(139_970, 30), "regress_last_step")
    model = ModelConfig(5, 30, 128, 4, cell="lstm")
    session = TrainingSession(lambda: SequenceModel(model), data, TrainConfig(epochs=1000, batch_size=16))
    assert session.estimate().seconds > 86400
    with pytest.raises(InputError, match="One epoch alone"):
        session.check_budget(Budget(300, 1024))


@pytest.mark.parametrize(
    ("seconds", "text"), [(0.2, "under a second"), (42, "42 s"), (600, "10 min"), (7200, "2.0 hours"), (5e5, "6 days")]
)
def test_durations_read_naturally(seconds, text):
    assert format_duration(seconds) == text
