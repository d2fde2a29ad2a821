"""The long-range memory tasks and the parameter matching of the comparison screen."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from core.screens.rnn_vs_lstm_gru.comparison import ComparisonSettings, build_task
from core.screens.rnn_vs_lstm_gru.tasks import (
    held_out_seed,
    matched_hidden_sizes,
    memory_task,
    parameter_count,
    training_batch_seed,
)
from core.words.errors import InputError

MODULES = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
MATCH_TOLERANCE = 0.10  # how close matched_hidden_sizes promises each count is to the budget


@pytest.mark.parametrize("recall_marker", [False, True])
def test_memory_task_target_is_the_first_symbol(recall_marker):
    task = memory_task(200, gap=7, num_symbols=4, num_distractors=8, seed=3, recall_marker=recall_marker)
    length = 7 + 1 + int(recall_marker)
    assert task.inputs.shape == (200, length, 4 + 8 + int(recall_marker))
    assert task.inputs.dtype == torch.float32
    assert task.targets.shape == (200,)
    assert task.targets.dtype == torch.int64
    assert task.sequence_length == length
    assert task.vocabulary_size == task.inputs.shape[2]
    # The target is the index of the first symbol, and that symbol is a signal symbol.
    assert torch.equal(task.targets, task.inputs[:, 0].argmax(dim=1))
    assert torch.equal(task.targets, task.symbols[:, 0])
    assert int(task.targets.min()) >= 0
    assert int(task.targets.max()) < 4
    assert set(task.targets.tolist()) == {0, 1, 2, 3}
    # The inputs are exactly the one-hot vectors of the symbols.
    assert torch.equal(task.inputs, nn.functional.one_hot(task.symbols, task.vocabulary_size).float())
    # The gap holds distractors only, never a signal symbol (nor the marker).
    gap_symbols = task.symbols[:, 1 : 1 + 7]
    assert int(gap_symbols.min()) >= 4
    assert int(gap_symbols.max()) < 4 + 8
    assert len(set(gap_symbols.flatten().tolist())) == 8
    if recall_marker:
        assert task.vocabulary[-1] == "?"
        assert torch.all(task.symbols[:, -1] == task.vocabulary_size - 1)


def test_memory_task_names_its_symbols_for_a_learner():
    task = memory_task(3, gap=4, num_symbols=3, num_distractors=2, seed=0, recall_marker=True)
    assert task.vocabulary == ("A", "B", "C", "a", "b", "?")
    assert task.labels == ("A", "B", "C")
    assert task.chance_accuracy == pytest.approx(1 / 3)
    text = task.as_text(0).split()
    assert len(text) == 6
    assert text[0] == task.labels[int(task.targets[0])]
    assert set(text[1:5]) <= {"a", "b"}
    assert text[-1] == "?"


def test_memory_task_is_deterministic_per_seed_and_differs_between_seeds():
    a = memory_task(64, gap=20, noise=0.3, seed=5)
    b = memory_task(64, gap=20, noise=0.3, seed=5)
    c = memory_task(64, gap=20, noise=0.3, seed=6)
    assert torch.equal(a.inputs, b.inputs)
    assert torch.equal(a.targets, b.targets)
    assert not torch.equal(a.symbols, c.symbols)
    assert not torch.equal(a.inputs, c.inputs)


def test_memory_task_ignores_global_random_state():
    torch.manual_seed(0)
    a = memory_task(16, gap=5, noise=0.5, seed=1)
    torch.manual_seed(123)
    torch.rand(10)
    b = memory_task(16, gap=5, noise=0.5, seed=1)
    assert torch.equal(a.inputs, b.inputs)


def test_memory_task_noise_is_gaussian_around_the_one_hot_inputs():
    task = memory_task(500, gap=10, noise=0.5, seed=0)
    clean = nn.functional.one_hot(task.symbols, task.vocabulary_size).float()
    residual = task.inputs - clean
    assert residual.std().item() == pytest.approx(0.5, rel=0.05)
    assert abs(residual.mean().item()) < 0.02
    assert torch.equal(task.targets, task.symbols[:, 0])


@pytest.mark.parametrize("gap", [1, 100])
def test_memory_task_accepts_the_extreme_gaps(gap):
    task = memory_task(4, gap=gap)
    assert task.inputs.shape[1] == gap + 1
    assert task.gap == gap


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"gap": 0}, "gap"),
        ({"gap": 101}, "gap"),
        ({"gap": 2.5}, "whole number"),
        ({"gap": "ten"}, "whole number"),
        ({"gap": float("nan")}, "whole number"),
        ({"gap": 10, "num_symbols": 1}, "symbols"),
        ({"gap": 10, "num_distractors": 0}, "distractor"),
        ({"gap": 10, "noise": -0.1}, "noise"),
        ({"gap": 10, "seed": -1}, "seed"),
    ],
)
def test_memory_task_rejects_settings_that_make_no_sense(kwargs, words):
    with pytest.raises(InputError, match=words):
        memory_task(8, **kwargs)


def test_memory_task_rejects_an_empty_set():
    with pytest.raises(InputError, match="sequences"):
        memory_task(0, gap=5)


def test_training_batches_are_fresh_reproducible_and_apart_from_the_test_set():
    data = build_task(ComparisonSettings(gap=5, seed=2)).data
    first = [data.fresh_batch(epoch) for epoch in (1, 2, 3)]
    again = [data.fresh_batch(epoch) for epoch in (1, 2, 3)]
    for (inputs, targets), (inputs_again, targets_again) in zip(first, again, strict=True):
        assert torch.equal(inputs, inputs_again) and torch.equal(targets, targets_again)
    assert not torch.equal(first[0][0], first[1][0])
    training_seeds = {training_batch_seed(s, k) for s in range(5) for k in range(2000)}
    assert len(training_seeds) == 5 * 2000
    assert not training_seeds & {held_out_seed(s) for s in range(5)}


def _torch_count(cell: str, input_size: int, hidden: int, layers: int, output: int) -> int:
    recurrent = MODULES[cell](input_size, hidden, num_layers=layers, batch_first=True)
    head = nn.Linear(hidden, output)
    return sum(p.numel() for p in [*recurrent.parameters(), *head.parameters()])


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize(("input_size", "hidden", "layers", "output"), [(13, 32, 1, 4), (1, 7, 3, 1), (2, 64, 2, 1)])
def test_parameter_count_equals_torch(cell, input_size, hidden, layers, output):
    expected = _torch_count(cell, input_size, hidden, layers, output)
    assert parameter_count(cell, input_size, hidden, layers, output) == expected


def test_parameter_count_of_stacked_single_layer_modules_is_the_same():
    stacked = nn.ModuleList([nn.LSTM(13, 16, batch_first=True), nn.LSTM(16, 16, batch_first=True), nn.Linear(16, 4)])
    assert parameter_count("lstm", 13, 16, 2, 4) == sum(p.numel() for p in stacked.parameters())


def test_parameter_count_rejects_an_unknown_cell():
    with pytest.raises(InputError, match="cell"):
        parameter_count("transformer", 4, 8, 1, 1)


@pytest.mark.parametrize("base_hidden", [4, 8, 16, 32, 48, 64, 128])
@pytest.mark.parametrize(("input_size", "layers", "output"), [(12, 1, 4), (13, 2, 4), (2, 1, 1), (30, 3, 30)])
def test_matched_hidden_sizes_land_within_ten_percent_of_the_lstm(base_hidden, input_size, layers, output):
    sizes = matched_hidden_sizes(base_hidden, input_size, layers, output)
    assert set(sizes) == {"rnn", "lstm", "gru"}
    assert sizes["lstm"] == base_hidden
    assert sizes["rnn"] > sizes["gru"] > sizes["lstm"]
    budget = _torch_count("lstm", input_size, base_hidden, layers, output)
    for cell, hidden in sizes.items():
        count = _torch_count(cell, input_size, hidden, layers, output)
        assert abs(count - budget) <= MATCH_TOLERANCE * budget, (cell, hidden, count, budget)


def test_matched_hidden_sizes_are_the_closest_ones():
    sizes = matched_hidden_sizes(32, 12, 1, 4)
    budget = parameter_count("lstm", 12, 32, 1, 4)
    for cell in ("rnn", "gru"):
        gaps = {h: abs(parameter_count(cell, 12, h, 1, 4) - budget) for h in range(1, 200)}
        assert gaps[sizes[cell]] == min(gaps.values())
