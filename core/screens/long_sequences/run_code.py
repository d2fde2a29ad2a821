"""The Long sequences screen's run as a standalone PyTorch script (core.runs.code: the parts every script shares)."""

from __future__ import annotations

from collections.abc import Sequence

from core.engine.cells import CELL_NAMES
from core.runs.code import RunCode, header, literal, network, seeding, training
from core.screens.long_sequences import KEY


def long_sequence_code(settings, rate_changes: Sequence[tuple[int, float]] = ()) -> RunCode:
    """The Long sequences screen's run (core.screens.long_sequences.settings.LongSequenceSettings) as a script."""
    task = settings.task()
    config = settings.model_config(task)
    file_name = f"{KEY}_seed{settings.seed}.py"
    length = settings.sequence_length
    summary = (
        f"Long sequences from RNN Lab: a {config.num_layers}-layer {CELL_NAMES[config.cell]} reads a text through "
        f"windows of {length} characters, seed {settings.seed}, {settings.epochs} epochs."
    )
    lines = [
        *header(summary, file_name),
        "import torch",
        "from torch import nn",
        "",
        *seeding(settings.seed),
        f"text = {literal(settings.text)}",
        "chars = list(dict.fromkeys(text))  # the vocabulary, in order of first appearance",
        "ids = torch.tensor([chars.index(c) for c in text])",
        f"windows = ids.unfold(0, {length} + 1, 1)  # every window of {length} characters, and the one after it",
        "X = nn.functional.one_hot(windows[:, :-1], len(chars)).float()  # (windows, time, characters)",
        "Y = windows[:, 1:]  # (windows, time): each window shifted by one character",
        "",
        "",
        *network(config),
        *training(
            "classify_each_step",
            settings.learning_rate,
            settings.epochs,
            settings.batch_size or None,
            task.windows,
            settings.seed,
            rate_changes=rate_changes,
        ),
    ]
    return RunCode("\n".join(lines) + "\n", file_name)
