"""RNN vs LSTM/GRU: the screen's default run (three cells) against a plain PyTorch loop on the same batches."""

from __future__ import annotations

import torch
from torch import nn

from benchmarks.common import compare as time_both
from core.screens.rnn_vs_lstm_gru import KEY
from core.screens.rnn_vs_lstm_gru.comparison import ComparisonSettings, cell_sizes, compare
from core.screens.rnn_vs_lstm_gru.tasks import held_out_seed, memory_task, training_batch_seed

DEFAULTS = ComparisonSettings()
TARGET_RATIO = 1.3
MODULES = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


def draw(count: int, seed: int):
    s = DEFAULTS
    return memory_task(count, s.gap, s.num_symbols, s.num_distractors, s.noise, seed, s.recall_marker)


def plain_loop() -> dict[str, float]:  # held-out accuracy per cell
    """Each cell: nn.RNN/LSTM/GRU + Linear on the last step, Adam, clipping, the same fresh batches."""
    s = DEFAULTS
    test = draw(s.test_sequences, held_out_seed(s.seed))
    sizes = cell_sizes(s, test.vocabulary_size, s.num_symbols)
    accuracy = {}
    for cell, hidden in sizes.items():
        torch.manual_seed(s.seed)
        recurrent = MODULES[cell](test.vocabulary_size, hidden, batch_first=True)
        head = nn.Linear(hidden, s.num_symbols)
        with torch.no_grad():
            if cell != "rnn":  # the same "keep" gate bias as the screen
                for bias in (recurrent.bias_ih_l0, recurrent.bias_hh_l0):
                    bias[hidden : 2 * hidden] = s.keep_gate_bias / 2
        parameters = [*recurrent.parameters(), *head.parameters()]
        optimizer = torch.optim.Adam(parameters, lr=s.learning_rate)
        for step in range(s.steps):
            batch = draw(s.batch_size, training_batch_seed(s.seed, step))
            outputs, _ = recurrent(batch.inputs)
            loss = nn.functional.cross_entropy(head(outputs[:, -1]), batch.targets)
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(parameters, s.clip_grad_norm)
            optimizer.step()
        with torch.no_grad():
            outputs, _ = recurrent(test.inputs)
            accuracy[cell] = float((head(outputs[:, -1]).argmax(1) == test.targets).float().mean())
    return accuracy


def rnn_lab_run() -> dict[str, float]:
    _, results = compare(DEFAULTS)
    return {cell: r.test_accuracy for cell, r in results.items()}


def run() -> dict:
    result = time_both(plain_loop, rnn_lab_run, repeats=1, rounds=2)
    return {
        "name": f"{KEY}_default_run_three_cells",
        **result,
        "target_ratio": TARGET_RATIO,
        "meets_target": result["ratio"] <= TARGET_RATIO,
    }
