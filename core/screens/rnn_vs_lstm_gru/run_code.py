"""The PyTorch code of an RNN vs LSTM/GRU run: one script that trains the three cells one after the other.

Each cell starts from the same seed, as the screen's three sessions do, with the hidden size that matches the
parameter counts (core.screens.rnn_vs_lstm_gru.tasks.matched_hidden_sizes, computed here and written in as numbers).
The memory task's
fresh batch of every step is drawn in the script by the same numpy generator calls as
core.screens.rnn_vs_lstm_gru.tasks.memory_task, from
the same per-step seeds, so the script sees the screen's sequences without carrying them.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.engine import cells
from core.runs.code import RunCode, header, keep_gate_lines, literal, steering
from core.screens.hihello import KEY as HIHELLO
from core.screens.long_sequences.windows import SEED_SENTENCE
from core.screens.rnn_vs_lstm_gru import KEY
from core.screens.rnn_vs_lstm_gru.comparison import build_task, cell_models, train_config


def _memory_data(settings) -> list[str]:
    marker = bool(settings.recall_marker)
    columns = "first[:, None], distractors" + (", np.full((BATCH, 1), VOCABULARY - 1)" if marker else "")
    lines = [
        f"GAP, SYMBOLS, DISTRACTORS, BATCH = {int(settings.gap)}, {int(settings.num_symbols)}, "
        f"{int(settings.num_distractors)}, {int(settings.batch_size)}",
        "VOCABULARY = SYMBOLS + DISTRACTORS" + (' + 1  # and the recall marker "?", the last input' if marker else ""),
        "",
        "",
        "def batch(seed):",
        '    """BATCH sequences: a symbol to recall, GAP distractors' + (", the marker" if marker else "") + '."""',
        "    rng = np.random.default_rng(seed)",
        "    first = rng.integers(0, SYMBOLS, size=BATCH)  # the target: the first symbol",
        "    distractors = SYMBOLS + rng.integers(0, DISTRACTORS, size=(BATCH, GAP))",
        f"    symbols = np.concatenate([{columns}], axis=1)",
        "    x = np.eye(VOCABULARY, dtype=np.float32)[symbols]  # one-hot (BATCH, time, VOCABULARY)",
    ]
    if float(settings.noise) > 0:
        lines.append(
            f"    x += rng.normal(0.0, {float(settings.noise)!r}, size=x.shape).astype(np.float32)  # input noise"
        )
    return [*lines, "    return torch.from_numpy(x), torch.from_numpy(first)", "", ""]


def _text_data(settings) -> list[str]:
    if settings.task == HIHELLO:
        return [
            "chars = list(dict.fromkeys('hihello'))  # h, i, e, l, o",
            "X = nn.functional.one_hot(torch.tensor([[chars.index(c) for c in 'hihell']]), len(chars)).float()",
            "Y = torch.tensor([[chars.index(c) for c in 'ihello']])  # the next character at every step",
            "",
            "",
        ]
    return [
        f"text = {literal(SEED_SENTENCE)}",
        "chars = list(dict.fromkeys(text))",
        "windows = torch.tensor([chars.index(c) for c in text]).unfold(0, 10 + 1, 1)  # windows of 10, and the next",
        "X = nn.functional.one_hot(windows[:, :-1], len(chars)).float()  # (windows, time, characters)",
        "Y = windows[:, 1:]  # each window shifted by one character",
        "",
        "",
    ]


def _keep_gate(settings) -> list[str]:
    """The ``Net`` lines that open the racing cells' keep gates, as core.screens.rnn_vs_lstm_gru.comparison.cell_models
    does: a test on the module for the cells that have such a gate (all in the same block of torch's packing)."""
    gated = [c for c in cells.RACING if c.keep_gate is not None]
    if not gated:
        return []
    if len({c.block(c.keep_gate) for c in gated}) > 1:
        raise ValueError("the racing cells' keep gates must share one block of torch's packed weights")
    plain = [c.script_module for c in cells.RACING if c.keep_gate is None]
    test = f"cell is not {plain[0]}" if len(plain) == 1 else f"cell not in ({', '.join(plain)})"
    which = ", ".join(f"{c.label}: {c.keep_gate}" for c in gated)
    return [
        f"        if {test if plain else 'True'}:  # the keep gate ({which}) starts open: b_ih + b_hh = "
        f"{float(settings.keep_gate_bias):g}",
        *keep_gate_lines(gated[0].name, settings.keep_gate_bias, "            ")[1:],
    ]


def comparison_code(settings, rate_changes: Sequence[tuple[int, float]] = ()) -> RunCode:
    """The RNN vs LSTM/GRU screen's run (core.screens.rnn_vs_lstm_gru.comparison.ComparisonSettings) as a script;
    ``rate_changes``: the run's
    steering (core.runs.code.steering), the same for the three cells."""
    task = build_task(settings)
    models = cell_models(settings, task)
    config = train_config(settings)
    seed, steps = int(settings.seed), int(settings.steps)
    memory = settings.task == "memory"
    file_name = f"{KEY}_seed{seed}.py"
    summary = (
        f"RNN vs LSTM/GRU from RNN Lab: the three cells learn the same task ({settings.task}"
        + (f", gap {int(settings.gap)}" if memory else "")
        + f") from seed {seed}, {steps} steps each."
    )
    setup, before, after = steering(rate_changes)
    sample = next(iter(models.values()))
    racing = ", ".join(f'("{c.label}", {c.script_module}, {models[c.name].hidden_size})' for c in cells.RACING)
    count = int(task.data.inputs.shape[0])
    size = min(int(config.batch_size or count), count)
    loss = (
        "criterion(outputs[:, -1], Y)" if memory else "criterion(outputs.reshape(-1, outputs.shape[-1]), Y.reshape(-1))"
    )
    lines = [
        *header(summary, file_name, needs="torch" + (" and numpy" if memory else "")),
        *(["import numpy as np"] if memory else []),
        "import torch",
        "from torch import nn",
        "",
        "torch.set_num_threads(1)  # as the app trains: the same sums in the same order, so the same digits",
        "",
        *(_memory_data(settings) if memory else _text_data(settings)),
        "class Net(nn.Module):",
        "    def __init__(self, cell, hidden):",
        "        super().__init__()",
        f"        self.layers = nn.ModuleList([cell({sample.input_size}, hidden, batch_first=True)])",
        f"        self.head = nn.Linear(hidden, {sample.output_size})",
        *_keep_gate(settings),
        "",
        "    def forward(self, x):",
        "        for layer in self.layers:",
        "            x, _ = layer(x)",
        "        return self.head(x)",
        "",
        "",
        "# hidden sizes that give the three cells about as many parameters as the LSTM"
        if settings.match_parameters
        else "# the same hidden size for the three cells",
        f"for name, cell, hidden in [{racing}]:",
        f"    torch.manual_seed({seed})  # the same seed for every cell: it draws the initial weights",
        "    net = Net(cell, hidden)",
        "    criterion = nn.CrossEntropyLoss()",
        f"    optimizer = torch.optim.Adam(net.parameters(), lr={float(settings.learning_rate)!r})",
        *(f"    {line}" for line in setup),
    ]
    step = [
        *before,
        "optimizer.zero_grad()",
        "outputs = net(X)" if size == count else "outputs = net(X[batch])",
        f"loss = {loss if size == count else loss.replace('Y', 'Y[batch]')}",
        "loss.backward()",
        *(
            [f"nn.utils.clip_grad_norm_(net.parameters(), {float(config.clip_grad_norm)!r})"]
            if config.clip_grad_norm
            else []
        ),
        "optimizer.step()",
        *after,
    ]
    if size == count:
        lines.append(f"    for step in range(1, {steps} + 1):")
        if memory:
            lines.append(
                f"        X, Y = batch(2 * ({seed} * 1_000_003 + step - 1) + 2)  # a fresh batch, never a test one"
            )
        lines += [f"        {line}" for line in step] + ["        epoch_loss = loss.item()"]
    else:
        lines += [
            f"    shuffle = torch.Generator().manual_seed({seed})  # the mini-batches' own generator, as in the app",
            f"    for step in range(1, {steps} + 1):",
            "        epoch_loss = 0.0",
            f"        for batch in torch.randperm(len(X), generator=shuffle).split({size}):",
            *(f"            {line}" for line in step),
            "            epoch_loss += loss.item() * len(batch)",
            "        epoch_loss /= len(X)",
        ]
    lines += [
        f"        if step % {max(1, steps // 10)} == 0:",
        '            print(f"{name} step {step}: loss {epoch_loss:.4f}")',
        '    print(name, "final loss:", epoch_loss)',
    ]
    return RunCode("\n".join(lines) + "\n", file_name)
