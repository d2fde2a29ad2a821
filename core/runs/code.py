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

from core.engine.cells import cell_entry
from core.engine.models import ModelConfig

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
    entry = cell_entry(config.cell)
    layers, layer_input = [], config.input_size
    for size in config.layer_sizes:
        layers.append(entry.script(layer_input, size, config.nonlinearity))
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
        f"        # one single-layer {entry.script_module} per layer, stacked, as the app builds them",
        *layer_lines,
    ]
    if config.linear_head:
        lines.append(f"        self.head = nn.Linear({layer_input}, {config.output_size})")
    keep = config.keep_gate_bias
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
    """The lines that open the keep gate of ``cell`` (its entry's ``keep_gate``) as SequenceModel does."""
    entry = cell_entry(cell)
    block = entry.block(entry.keep_gate)
    rows = "n : 2 * n" if block == 1 else f"{block} * n : {block + 1} * n"
    half = repr(float(bias) / 2)
    return [
        f"{indent}# the {entry.keep_gate} gate starts open: its bias b_ih + b_hh is {float(bias):g} "
        f"(torch's block {block})",
        f"{indent}with torch.no_grad():",
        f"{indent}    for layer in self.layers:",
        f"{indent}        n = layer.hidden_size",
        f"{indent}        layer.bias_ih_l0[{rows}].fill_({half})",
        f"{indent}        layer.bias_hh_l0[{rows}].fill_({half})",
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
