"""The HiHello screen's run as a standalone PyTorch script (core.runs.code: the parts every script shares)."""

from __future__ import annotations

from collections.abc import Sequence

from core.reading.text import describe
from core.runs.code import RunCode, header, literal, network, seeding, training
from core.screens.hihello import KEY


def hihello_code(settings, rate_changes: Sequence[tuple[int, float]] = ()) -> RunCode:
    """The HiHello screen's run (core.screens.hihello.settings.HiHelloSettings) as a script."""
    task = settings.task()
    config = settings.model_config(task)
    file_name = f"{KEY}_seed{settings.seed}.py"
    shown = ": " + ", ".join(map(describe, task.vocabulary.characters)) if task.vocabulary.size <= 12 else ""
    summary = f"HiHello from RNN Lab: learn {settings.word!r}, seed {settings.seed}, {settings.epochs} epochs."
    what = "the next character at every step" if not settings.target else "the custom target, one per step"
    lines = [
        *header(summary, file_name),
        "import torch",
        "from torch import nn",
        "",
        *seeding(settings.seed),
        f"word = {literal(settings.word)}",
        f"chars = list(dict.fromkeys(word))  # the vocabulary, in order of first appearance{shown}",
        f"x_ids = [chars.index(c) for c in {literal(task.input_text)}]  # the word without its last character",
        f"y_ids = [chars.index(c) for c in {literal(task.target_text)}]  # {what}",
        "X = nn.functional.one_hot(torch.tensor([x_ids]), len(chars)).float()  # (1, time, characters)",
        "Y = torch.tensor([y_ids])  # (1, time)",
        "",
        "",
        *network(config),
        *training(
            "classify_each_step",
            settings.learning_rate,
            settings.epochs,
            None,
            1,
            settings.seed,
            report=[
                '        prediction = "".join(chars[i] for i in outputs.argmax(-1)[0])',
                '        print(f"epoch {epoch}: loss {epoch_loss:.4f}, prediction {prediction}")',
            ],
            rate_changes=rate_changes,
        ),
    ]
    return RunCode("\n".join(lines) + "\n", file_name)
