"""The PyTorch code of a run: a short standalone script, in the style of the seed note's labs, that trains the
same setup as a screen and prints the same final loss.

Same means bit for bit, as far as the arithmetic goes: the script seeds torch and then builds the network as
``core.engine.models.SequenceModel`` does (one single-layer ``nn.RNN/LSTM/GRU`` per layer, in the same order, then the
linear head), so the initial weights are the app's; it uses Adam, the loss of ``core.engine.objectives``, the same
batches (full batch, or mini-batches shuffled by a generator of their own, as ``core.engine.session``), and it sums the
epoch's loss as the session does. The scripts import only torch (and numpy where the data needs it), never the app.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from core.engine.cell_math import CELL_NAMES
from core.engine.models import ModelConfig
from core.reading.text import describe

MODULES = {"rnn": "nn.RNN", "lstm": "nn.LSTM", "gru": "nn.GRU"}
KEEP_GATE = {"lstm": "forget", "gru": "update"}
TEXT_CHUNK = 70  # characters of a long text per line of the script


@dataclass(frozen=True)
class RunCode:
    """A screen's script, the name to save it under, and the data file it reads (time series only)."""

    script: str
    file_name: str
    data_file_name: str | None = None
    data: str | None = None


def literal(text: str) -> str:
    """A Python string literal of ``text``, cut into lines that fit the script when it is long."""
    if len(text) <= TEXT_CHUNK:
        return repr(text)
    parts = [repr(text[start : start + TEXT_CHUNK]) for start in range(0, len(text), TEXT_CHUNK)]
    return "(\n    " + "\n    ".join(parts) + "\n)"


def comment(text: str, indent: str = "") -> list[str]:
    """``text`` as comment lines that fit the script's width."""
    return [f"{indent}# {line}" for line in textwrap.wrap(text, 116 - len(indent))]


def header(summary: str, file_name: str, needs: str = "torch") -> list[str]:
    return [
        *comment(summary),
        "#",
        *comment(
            f"Written by RNN Lab from the screen's settings. Run it with `python {file_name}` (it needs only {needs}): "
            "it prints the same final loss as the screen."
        ),
        "",
    ]


def seeding(seed: int) -> list[str]:
    return [
        "torch.set_num_threads(1)  # as the app trains: the same sums in the same order, so the same digits",
        f"torch.manual_seed({int(seed)})  # the seed draws the initial weights: set it before the network is built",
        "",
    ]


def network(config: ModelConfig) -> list[str]:
    """The ``Net`` class: SequenceModel's layers and head, created in the same order (so from the same draws)."""
    kwargs = f', nonlinearity="{config.nonlinearity}"' if config.cell == "rnn" else ""
    layers, layer_input = [], config.input_size
    for size in config.layer_sizes:
        layers.append(f"{MODULES[config.cell]}({layer_input}, {size}, batch_first=True{kwargs})")
        layer_input = size
    if len(layers) == 1:
        layer_lines = [f"        self.layers = nn.ModuleList([{layers[0]}])"]
    else:
        layer_lines = [
            "        self.layers = nn.ModuleList([",
            *(f"            {layer}," for layer in layers),
            "        ])",
        ]
    lines = [
        "class Net(nn.Module):",
        "    def __init__(self):",
        "        super().__init__()",
        f"        # one single-layer {MODULES[config.cell]} per layer, stacked, as the app builds them",
        *layer_lines,
    ]
    if config.linear_head:
        lines.append(f"        self.head = nn.Linear({layer_input}, {config.output_size})")
    keep = {"lstm": config.forget_gate_bias, "gru": config.update_gate_bias}.get(config.cell)
    if keep is not None:
        lines += keep_gate_lines(config.cell, keep, "        ")
    lines += [
        "",
        "    def forward(self, x):",
        "        for layer in self.layers:",
        "            x, _ = layer(x)  # (batch, time, hidden of this layer)",
    ]
    if config.linear_head:
        lines.append("        return self.head(x)  # at every time step")
    else:
        lines.append("        return x  # the last layer's output is used directly as the scores (the lab's set-up)")
    return [*lines, "", ""]


def keep_gate_lines(cell: str, bias: float, indent: str) -> list[str]:
    half = repr(float(bias) / 2)
    return [
        f"{indent}# the {KEEP_GATE[cell]} gate starts open: its bias b_ih + b_hh is {float(bias):g} (torch's block 1)",
        f"{indent}with torch.no_grad():",
        f"{indent}    for layer in self.layers:",
        f"{indent}        n = layer.hidden_size",
        f"{indent}        layer.bias_ih_l0[n : 2 * n].fill_({half})",
        f"{indent}        layer.bias_hh_l0[n : 2 * n].fill_({half})",
    ]


LOSSES = {
    "classify_each_step": (
        "nn.CrossEntropyLoss()",
        "criterion(outputs.reshape(-1, outputs.shape[-1]), {y}.reshape(-1))",
    ),
    "classify_last_step": ("nn.CrossEntropyLoss()", "criterion(outputs[:, -1], {y})"),
    "regress_last_step": ("nn.MSELoss()", "criterion(outputs[:, -1], {y})"),
}


def steering(rate_changes: Sequence[tuple[int, float]]) -> tuple[list[str], list[str], list[str]]:
    """The run's learning-rate changes in a script (steering is part of the run): the table, set up once; the lines
    before each step that change the rate where the learner did; the count after each step. Empty for an unsteered
    run. ``rate_changes``: (optimisation steps done, the rate from the next step on), as the history keeps them."""
    if not rate_changes:
        return [], [], []
    table = ", ".join(f"{int(step)}: {float(rate)!r}" for step, rate in rate_changes)
    setup = [
        f"rate_changes = {{{table}}}  # steps done -> the learning rate from the next step on, as the run was steered",
        "steps_done = 0",
    ]
    before = [
        "if steps_done in rate_changes:",
        "    for group in optimizer.param_groups:",
        '        group["lr"] = rate_changes[steps_done]',
    ]
    return setup, before, ["steps_done += 1"]


def training(
    objective: str,
    learning_rate: float,
    epochs: int,
    batch_size: int | None,
    count: int,
    seed: int,
    report: list[str] | None = None,
    clip: float | None = None,
    rate_changes: Sequence[tuple[int, float]] = (),
) -> list[str]:
    """Loss, Adam and the loop of ``TrainingSession._run``: full batch, or shuffled mini-batches; the learning rate
    changed where the run was steered (``steering``)."""
    criterion, loss_of = LOSSES[objective]
    every = max(1, int(epochs) // 10)
    setup, before, after = steering(rate_changes)
    lines = [
        "net = Net()",
        f"criterion = {criterion}",
        f"optimizer = torch.optim.Adam(net.parameters(), lr={float(learning_rate)!r})",
        *setup,
    ]
    clipping = [f"    nn.utils.clip_grad_norm_(net.parameters(), {float(clip)!r})"] if clip else []
    size = min(int(batch_size or count), count)
    if size == count:
        lines += [
            "",
            f"for epoch in range(1, {int(epochs)} + 1):",
            *("    " + line for line in before),
            "    optimizer.zero_grad()",
            "    outputs = net(X)",
            f"    loss = {loss_of.format(y='Y')}",
            "    loss.backward()",
            *clipping,
            "    optimizer.step()",
            *("    " + line for line in after),
            "    epoch_loss = loss.item()",
        ]
    else:
        lines += [
            f"shuffle = torch.Generator().manual_seed({int(seed)})  # the mini-batches' own generator, as in the app",
            "",
            f"for epoch in range(1, {int(epochs)} + 1):",
            "    epoch_loss = 0.0",
            f"    for batch in torch.randperm(len(X), generator=shuffle).split({size}):",
            *("        " + line for line in before),
            "        optimizer.zero_grad()",
            "        outputs = net(X[batch])",
            f"        loss = {loss_of.format(y='Y[batch]')}",
            "        loss.backward()",
            *("    " + line for line in clipping),
            "        optimizer.step()",
            *("        " + line for line in after),
            "        epoch_loss += loss.item() * len(batch)",
            "    epoch_loss /= len(X)  # the mean over every sequence of the epoch, as the screen's curve",
        ]
    lines += [
        f"    if epoch % {every} == 0:",
        *(report or ['        print(f"epoch {epoch}: loss {epoch_loss:.4f}")']),
        'print("final loss:", epoch_loss)',
    ]
    return lines


def hihello_code(settings, rate_changes: Sequence[tuple[int, float]] = ()) -> RunCode:
    """The HiHello screen's run (core.screens.hihello.settings.HiHelloSettings) as a script."""
    task = settings.task()
    config = settings.model_config(task)
    file_name = f"hihello_seed{settings.seed}.py"
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


def long_sequence_code(settings, rate_changes: Sequence[tuple[int, float]] = ()) -> RunCode:
    """The Long sequences screen's run (core.screens.long_sequences.settings.LongSequenceSettings) as a script."""
    task = settings.task()
    config = settings.model_config(task)
    file_name = f"longseq_seed{settings.seed}.py"
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
