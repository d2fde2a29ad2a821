"""The comparison core: same data for every cell, fair sizes, honest readings."""

import numpy as np
import pytest
import torch

from core.engine.models import ModelConfig, SequenceModel
from core.engine.probes import probe
from core.screens.rnn_vs_lstm_gru.comparison import (
    ComparisonSettings,
    GapSweep,
    build_task,
    cell_sizes,
    compare,
    gap_sweep,
)
from core.screens.rnn_vs_lstm_gru.readings import cell_state_reach, gate_saturation, gradient_reach, reading
from core.screens.rnn_vs_lstm_gru.sweep_readings import sweep_reading
from core.words.errors import InputError

QUICK = ComparisonSettings(gap=5, steps=20, hidden_size=8, test_sequences=64, batch_size=16)


def test_every_cell_sees_the_same_batches():
    task = build_task(QUICK)
    first, again = task.data.fresh_batch(3), task.data.fresh_batch(3)
    assert torch.equal(first[0], again[0]) and torch.equal(first[1], again[1])
    assert not torch.equal(task.data.fresh_batch(4)[0], first[0])
    # held-out sequences are never training batches
    assert not any(torch.equal(task.data.validation_inputs[:16], task.data.fresh_batch(k)[0]) for k in range(1, 50))


def test_matched_sizes_are_within_ten_percent():
    sizes = cell_sizes(ComparisonSettings(hidden_size=32), input_size=12, output_size=4)
    counts = {}
    for cell, hidden in sizes.items():
        counts[cell] = sum(
            p.numel()
            for p in SequenceModel(
                ModelConfig(input_size=12, output_size=4, hidden_size=hidden, cell=cell)
            ).parameters()
        )
    assert max(counts.values()) <= 1.1 * min(counts.values())
    assert cell_sizes(ComparisonSettings(hidden_size=32, match_parameters=False), 12, 4) == dict.fromkeys(counts, 32)


def test_compare_runs_all_three_cells_with_snapshots_and_readings():
    seen = []
    task, results = compare(QUICK, on_item=lambda cell, item: seen.append(cell))
    assert list(results) == ["rnn", "lstm", "gru"]
    assert set(seen) == {"rnn", "lstm", "gru"}
    for result in results.values():
        assert 0.0 <= result.test_accuracy <= 1.0
        assert result.at_initialisation.epoch == 0 and result.after_training.epoch == QUICK.steps
        reach = gradient_reach(result.after_training)
        assert reach.shape == (QUICK.gap + 2,) and reach[-1] == pytest.approx(1.0)  # symbol, gap, recall marker
    assert set(gate_saturation(results["lstm"].after_training)) == {"input", "forget", "output"}
    assert set(gate_saturation(results["gru"].after_training)) == {"reset", "update"}
    text = " ".join(reading(task, results, QUICK))
    assert "at gap 5" in text and "chance is 12.5%" in text


def test_same_settings_same_numbers():
    _, first = compare(QUICK, cells=["gru"])
    _, second = compare(QUICK, cells=["gru"])
    assert first["gru"].history.losses == second["gru"].history.losses


@pytest.mark.parametrize("task_name", ["hihello", "sentence"])
def test_familiar_tasks(task_name):
    settings = ComparisonSettings(task=task_name, steps=5, hidden_size=8)
    task, results = compare(settings, cells=["lstm"])
    assert results["lstm"].test_accuracy is not None
    assert len(task.step_labels) == (6 if task_name == "hihello" else 10)


def test_gates_by_hand_reproduce_torch_states():
    torch.manual_seed(0)
    model = SequenceModel(ModelConfig(input_size=5, output_size=3, hidden_size=4, cell="lstm"))
    inputs = torch.randn(2, 7, 5)
    result = probe(model, inputs, torch.tensor([0, 1]), "classify_last_step")
    hidden, (_, c_n) = model.layers[0](inputs)
    assert np.allclose(result.hidden[0], hidden.detach().numpy(), atol=1e-6)
    assert np.allclose(result.cell_states[0][:, -1], c_n[0].detach().numpy(), atol=1e-6)
    forget = result.gates[0]["forget"]
    assert forget.shape == (2, 7, 4) and ((forget > 0) & (forget < 1)).all()


def test_sweep_and_its_sentence():
    accuracy = gap_sweep(QUICK, [2, 4])
    assert set(accuracy) == {"rnn", "lstm", "gru"} and all(len(v) == 2 for v in accuracy.values())
    sentence = sweep_reading([2, 4], {"rnn": [1.0, 0.25], "lstm": [1.0, 1.0], "gru": [1.0, 0.9]}, 0.25)
    assert "the RNN falls from 100% at gap 2 to 25% at gap 4, near chance from gap 4 on" in sentence
    assert "the LSTM stays at 100% at every gap" in sentence


def test_a_sweep_advanced_in_short_chunks_ends_with_the_numbers_of_one_uninterrupted_sweep():
    """The screen trains the sweep a chunk per turn of the server's queue (ui.live_run.advance_job)."""
    sweep, fractions = GapSweep(QUICK, [4, 2]), []
    assert (
        sweep.gaps == [2, 4] and sweep.items == 6 and sweep.where_words().startswith("gap 2 (1 of 2), training the RNN")
    )
    while not sweep.finished:
        sweep.advance(seconds=0.01)
        fractions.append(sweep.fraction)
    assert len(fractions) > 6 and fractions == sorted(fractions) and fractions[-1] == 1.0
    assert sweep.accuracy == gap_sweep(QUICK, [2, 4])


@pytest.mark.parametrize(
    ("kwargs", "phrase"),
    [
        ({"gap": 0}, "gap"),
        ({"gap": 101}, "gap"),
        ({"task": "chess"}, "Unknown task"),
        ({"steps": 0}, "steps"),
        ({"hidden_size": 1}, "hidden size"),
        ({"gap": 2.5}, "whole number"),
        ({"seed": True}, "whole number"),
    ],
)
def test_invalid_settings(kwargs, phrase):
    with pytest.raises(InputError, match=phrase):
        ComparisonSettings(**kwargs)


def test_sweep_needs_the_memory_task():
    with pytest.raises(InputError, match="memory task"):
        gap_sweep(ComparisonSettings(task="hihello"), [5])


@pytest.mark.seeds
@pytest.mark.slow
def test_default_settings_show_the_textbook_effect_over_three_seeds():
    """The screen's claim, asserted on the numbers it shows. The measured values are in the README's "RNN vs
    LSTM/GRU: the measured effect", written by `make figures` (scripts/readme_figures.py) from these same runs; the
    thresholds below are looser than every one of them, so a change of torch or of the defaults that moves a number
    a little keeps the claim, and one that breaks the textbook effect fails here.

    Which seed the RNN recalls best moves with the CPU's kernels; the gap between it and the gated cells does not.
    Measured with torch 2.13.0 (README, `make figures`), RNN / worst gated cell on seeds 0, 1, 2: AMD EPYC AVX512
    0.36 / 0.99, 0.14 / 0.98, 0.14 / 0.98; AVX2 0.17 / 0.98, 0.42 / 0.98, 0.24 / 0.99; DEFAULT 0.43 / 0.99,
    0.55 / 0.99, 0.14 / 0.98 (the RNN's seed 0 on an Intel AVX512 machine: 0.42, 0.30, 0.12). The closest call is
    0.55 against 0.99, 0.44 apart (the test asks 0.25); the RNN's ratio is at most 2.0e-5 (asks < 1e-3), the gated
    cells' at least 0.24."""
    for seed in (0, 1, 2):
        _, results = compare(ComparisonSettings(seed=seed))
        accuracy = {cell: r.test_accuracy for cell, r in results.items()}
        assert min(accuracy["lstm"], accuracy["gru"]) >= 0.9, (seed, accuracy)
        assert accuracy["rnn"] <= min(accuracy["lstm"], accuracy["gru"]) - 0.25, (seed, accuracy)
        reach = {cell: gradient_reach(r.after_training)[0] for cell, r in results.items()}
        assert reach["rnn"] < 1e-3 < min(reach["lstm"], reach["gru"]), (seed, reach)
        # The LSTM's cell state carries more of the gradient back to step 1 than its hidden state does.
        assert cell_state_reach(results["lstm"].after_training)[0] > reach["lstm"], (seed, reach)
