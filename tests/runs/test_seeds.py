"""Several seeds as one job (core.runs.seeds): in chunks it trains exactly what each seed trains alone, in the order of
the seeds, and its bands are numpy's median, min and max over them."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from core.engine.budget import Budget
from core.runs.seeds import SEEDS_AT_ONCE, SeedRuns, accuracy_bands, check_seeds_budget, curve_band, loss_bands
from core.screens.hihello.settings import HiHelloSettings
from core.screens.registry import screen
from core.screens.rnn_vs_lstm_gru.comparison import ComparisonSettings
from core.words.errors import InputError

HIHELLO = HiHelloSettings(epochs=30, seed=7)
COMPARISON = ComparisonSettings(gap=4, steps=20, hidden_size=8, test_sequences=64, batch_size=32, seed=7)


def alone(key: str, settings, seed: int) -> dict:
    sessions, _logs = screen(key).build(dataclasses.replace(settings, seed=seed))
    for session in sessions.values():
        session.advance()
    return sessions


def same_training(one: dict, other: dict) -> None:
    assert list(one) == list(other)
    for name in one:
        a, b = one[name].history, other[name].history
        assert [r.loss for r in a.records] == [r.loss for r in b.records]
        assert [r.validation_accuracy for r in a.records] == [r.validation_accuracy for r in b.records]
        for key, value in one[name].model.state_dict().items():
            assert torch.equal(value, other[name].model.state_dict()[key]), (name, key)


@pytest.mark.parametrize(("key", "settings"), [("hihello", HIHELLO), ("rnn_vs_lstm_gru", COMPARISON)])
def test_seeds_in_short_chunks_train_bit_for_bit_what_each_seed_trains_alone(key, settings):
    seeds = [3, 0, 5]
    job, fractions = SeedRuns(screen(key).build, settings, seeds), []
    assert job.seeds == (3, 0, 5) and [s.seed for s in job.settings] == seeds
    assert all(dataclasses.replace(s, seed=settings.seed) == settings for s in job.settings)  # only the seed differs
    assert job.sessions == [] and job.runs() == [] and job.fraction == 0.0  # built lazily
    while not job.finished:
        job.advance(seconds=0.002)
        fractions.append(job.fraction)
    assert len(fractions) > len(seeds)  # it did stop midway
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    runs = job.runs()
    assert [run_settings.seed for run_settings, _sessions in runs] == seeds  # in the order of the seeds
    for (run_settings, sessions), seed in zip(runs, seeds, strict=True):
        assert run_settings == dataclasses.replace(settings, seed=seed)
        same_training(sessions, alone(key, settings, seed))


def test_runs_lists_the_finished_seeds_only_and_the_words_follow():
    job = SeedRuns(screen("hihello").build, HIHELLO, range(SEEDS_AT_ONCE))
    assert job.progress_words() == "training seed 0 (1 of 5); 0% done"
    while job.done < 2:
        job.advance(seconds=0.01)
    assert [s.seed for s, _sessions in job.runs()] == list(range(job.done))
    assert job.progress_words().startswith(f"training seed {job.done} ({job.done + 1} of 5); ")
    job.advance()
    assert job.finished and len(job.runs()) == 5 and job.progress_words() == "training seed 4 (5 of 5); 100% done"
    with pytest.raises(ValueError):
        SeedRuns(screen("hihello").build, HIHELLO, [])


def test_a_band_is_numpys_median_min_and_max_over_the_seeds():
    rng = np.random.default_rng(0)
    curves = rng.random((5, 7))
    band = curve_band(curves.tolist(), range(7))
    assert band.count == 5 and band.x.tolist() == list(range(7))
    assert np.array_equal(band.median, np.median(curves, axis=0))
    assert np.array_equal(band.low, curves.min(axis=0)) and np.array_equal(band.high, curves.max(axis=0))
    curves[1, 3], curves[2, 4] = np.nan, np.inf  # a diverged seed is left out where it has no value
    band = curve_band([[None if not np.isfinite(v) else v for v in c] for c in curves], range(7))
    kept = np.delete(curves[:, 3], 1)
    assert band.median[3] == np.median(kept) and band.low[3] == kept.min() and band.high[3] == kept.max()
    assert band.high[4] == np.delete(curves[:, 4], 2).max()
    with pytest.raises(ValueError):
        curve_band([[1.0, 2.0]], [0, 1, 2])


def test_loss_and_accuracy_bands_read_the_seeds_histories():
    job = SeedRuns(screen("rnn_vs_lstm_gru").build, COMPARISON, [0, 1, 2])
    job.advance()
    runs = job.runs()
    for cell in ("rnn", "lstm", "gru"):
        losses = np.array([sessions[cell].history.losses for _s, sessions in runs])
        band = loss_bands(runs, cell)
        assert band.x.tolist() == list(range(1, COMPARISON.steps + 1))
        assert np.array_equal(band.median, np.median(losses, axis=0))
        assert np.array_equal(band.low, losses.min(axis=0)) and np.array_equal(band.high, losses.max(axis=0))
        accuracy = accuracy_bands(runs, cell)
        measured = [
            [r for r in sessions[cell].history.records if r.validation_accuracy is not None] for _s, sessions in runs
        ]
        assert accuracy.x.tolist() == [r.epoch for r in measured[0]]
        values = np.array([[100 * r.validation_accuracy for r in m] for m in measured])
        assert np.array_equal(accuracy.median, np.median(values, axis=0))
    hihello = SeedRuns(screen("hihello").build, HIHELLO, [0, 1])
    hihello.advance()
    assert accuracy_bands(hihello.runs(), "model").x.size == 0  # HiHello measures no held-out accuracy


def test_seeds_over_the_budget_are_refused_with_what_to_change():
    check_seeds_budget(screen("hihello").build, HIHELLO, range(5))
    with pytest.raises(InputError, match=r"Training 5 seeds would take .* Choose fewer epochs or steps"):
        check_seeds_budget(screen("hihello").build, HIHELLO, range(5), Budget(max_seconds=1e-6))
