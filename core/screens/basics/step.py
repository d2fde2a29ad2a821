"""The Basics screen's numbers: one RNN step by hand, one-hot inputs, tensor shapes (``core.screens.basics.why_tanh``
has why tanh and gradients in time).

Everything here runs a real ``torch.nn.RNN`` (or its weights through ``core.engine.cell_math``), so the
numbers the page shows are the numbers torch produces. Shapes follow torch:
a word is (time, input); a batch is (batch, time, input) with batch_first, else (time, batch, input).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor, nn

from core.engine.cell_math import NONLINEARITIES, CellWeights, rnn_step
from core.engine.cells import unroll_layer
from core.reading.validation import MAX_SEED, whole_number
from core.words.errors import InputError
from core.words.i18n import N_, _, pgettext

WORD = "hello"
VOCABULARY = ("h", "e", "l", "o")  # the seed's letters, in order of first appearance
BATCH_WORDS = ("hello", "eolll", "lleel")  # the lab's batch of three words
SIZE_RANGE = (1, 8)  # input size d and hidden size D_h
LAYERS_RANGE = (1, 4)
RADIUS_RANGE = (0.1, 2.0)  # the page's slider is narrower; core accepts a little more
SEQUENCE_RANGE = (2, 200)


def check_nonlinearity(nonlinearity: str) -> str:
    if nonlinearity not in NONLINEARITIES:
        raise InputError(N_("Unknown nonlinearity '{nonlinearity}': choose tanh or relu."), nonlinearity=nonlinearity)
    return nonlinearity


def seeded_rnn(
    input_size: int,
    hidden_size: int,
    nonlinearity: str = "tanh",
    num_layers: int = 1,
    batch_first: bool = True,
    seed: int = 0,
) -> nn.RNN:
    """A ``torch.nn.RNN`` whose weights come from ``seed`` alone (torch's own uniform init).

    A private generator draws them, so the global random state (shared by every session of the
    server) neither matters nor changes.
    """
    module = nn.RNN(input_size, hidden_size, num_layers, nonlinearity=nonlinearity, batch_first=batch_first)
    generator = torch.Generator().manual_seed(int(seed))
    bound = 1.0 / math.sqrt(hidden_size)  # what nn.RNN.reset_parameters uses
    with torch.no_grad():
        for parameter in module.parameters():
            parameter.uniform_(-bound, bound, generator=generator)
    return module


# --- One step of the cell, by hand -------------------------------------------------------------


def vocabulary_for(input_size: int) -> tuple[str, ...]:
    """The letters that get a one-hot dimension: the first ``input_size`` of h, e, l, o."""
    input_size = whole_number(input_size, N_("The input size d"), *SIZE_RANGE)
    return VOCABULARY[:input_size]


def one_hot_word(word: str, input_size: int) -> Tensor:
    """(time, input) one-hot rows. Dimension k is the k-th vocabulary letter.

    With d < 4 letters outside the vocabulary become the zero vector; with d > 4 the extra
    dimensions are always 0. Both keep the word 5 steps long.
    """
    vocabulary = vocabulary_for(input_size)
    rows = torch.zeros(len(word), input_size)  # (time, input)
    for t, letter in enumerate(word):
        if letter in vocabulary:
            rows[t, vocabulary.index(letter)] = 1.0
    return rows


@dataclass(frozen=True)
class OneStep:
    """Every quantity of h_t = act(W_xh x_t + W_hh h_{t-1} + b) at one step, as numpy arrays."""

    nonlinearity: str
    time_step: int  # 1-based: h_0 is the zero state before the first letter
    letter: str
    vocabulary: tuple[str, ...]
    dimension_labels: tuple[str, ...]  # one per input dimension: a letter or "unused k"
    x: np.ndarray  # x_t (input,)
    h_prev: np.ndarray  # h_{t-1} (hidden,)
    w_xh: np.ndarray  # (hidden, input), torch's weight_ih_l0
    w_hh: np.ndarray  # (hidden, hidden), torch's weight_hh_l0
    bias: np.ndarray  # b = b_ih + b_hh (hidden,)
    input_product: np.ndarray  # W_xh x_t (hidden,)
    recurrent_product: np.ndarray  # W_hh h_{t-1} (hidden,)
    pre_activation: np.ndarray  # a_t = the sum of the three (hidden,)
    hidden: np.ndarray  # h_t (hidden,)
    hand_outputs: np.ndarray  # h_1..h_T by hand (time, hidden)
    torch_outputs: np.ndarray  # nn.RNN's output (time, hidden)
    max_abs_diff: float  # over every step and unit


def one_step(
    input_size: int = 4, hidden_size: int = 4, seed: int = 0, nonlinearity: str = "tanh", time_step: int = 1
) -> OneStep:
    """One step of an ``nn.RNN`` on "hello" written out term by term, checked against torch."""
    vocabulary = vocabulary_for(input_size)
    hidden_size = whole_number(hidden_size, N_("The hidden size D_h"), *SIZE_RANGE)
    seed = whole_number(seed, N_("The seed"), 0, MAX_SEED)
    nonlinearity = check_nonlinearity(nonlinearity)
    time_step = whole_number(time_step, N_("The time step t"), 1, len(WORD))

    inputs = one_hot_word(WORD, input_size).unsqueeze(0)  # (1, time, input)
    module = seeded_rnn(input_size, hidden_size, nonlinearity, seed=seed)
    weights = CellWeights.of_layer(module, 0)
    with torch.no_grad():
        torch_outputs = module(inputs)[0][0]  # (time, hidden)
        hand_outputs = torch.stack([s.hidden[0] for s in unroll_layer("rnn", inputs, weights, nonlinearity)])
        t = time_step - 1
        x = inputs[:, t]  # (1, input)
        h_prev = hand_outputs[t - 1 : t] if t > 0 else torch.zeros(1, hidden_size)  # (1, hidden)
        # The same step without biases gives the two bare products W_xh x_t and W_hh h_{t-1}.
        no_bias = torch.zeros(hidden_size)
        bare = rnn_step(x, h_prev, CellWeights(weights.weight_ih, weights.weight_hh, no_bias, no_bias), nonlinearity)
        bias = weights.bias_ih + weights.bias_hh
        pre_activation = bare.input_term + bare.recurrent_term + bias

    def arr(tensor: Tensor) -> np.ndarray:
        return tensor.detach().double().numpy().reshape(-1)  # (1, n) or (n,) -> (n,)

    labels = tuple(vocabulary) + tuple(_("unused {k}").format(k=k + 1) for k in range(len(vocabulary), input_size))
    return OneStep(
        nonlinearity=nonlinearity,
        time_step=time_step,
        letter=WORD[t],
        vocabulary=vocabulary,
        dimension_labels=labels,
        x=arr(x),
        h_prev=arr(h_prev),
        w_xh=weights.weight_ih.detach().double().numpy().copy(),
        w_hh=weights.weight_hh.detach().double().numpy().copy(),
        bias=arr(bias),
        input_product=arr(bare.input_term),
        recurrent_product=arr(bare.recurrent_term),
        pre_activation=arr(pre_activation),
        hidden=arr(hand_outputs[t]),
        hand_outputs=hand_outputs.double().numpy(),
        torch_outputs=torch_outputs.double().numpy(),
        max_abs_diff=float((hand_outputs - torch_outputs).abs().max()),
    )


def unit_arithmetic(step: OneStep, unit: int = 0) -> str:
    """LaTeX of hidden unit ``unit`` (0-based) computed by hand, numbers rounded to 3 decimals."""
    unit = whole_number(unit, N_("The hidden unit"), 0, len(step.hidden) - 1)
    i, t = unit + 1, step.time_step

    def num(value: float) -> str:
        return f"({value:.3f})" if value < 0 else f"{value:.3f}"

    active = np.flatnonzero(step.x)
    # One-hot: the product picks one column of W_xh.
    x_part = rf"{num(step.w_xh[unit, int(active[0])])}\cdot 1" if active.size else r"0\ (x_t = 0)"
    if np.any(step.h_prev):
        h_part = " + ".join(rf"{num(w)}\cdot{num(h)}" for w, h in zip(step.w_hh[unit], step.h_prev, strict=True))
    else:
        h_part = rf"0\ (h_{{{t - 1}}} = 0)"
    act = r"\tanh" if step.nonlinearity == "tanh" else r"\mathrm{relu}"
    a, h = step.pre_activation[unit], step.hidden[unit]
    return (
        r"\begin{aligned}" + rf" a_{{{t},{i}}} &= \underbrace{{{x_part}}}_{{W_{{xh}}x_{{{t}}}}}"
        rf" + \underbrace{{{h_part}}}_{{W_{{hh}}h_{{{t - 1}}}}} + \underbrace{{{num(step.bias[unit])}}}_{{b}}"
        rf" \approx {a:.3f} \\ h_{{{t},{i}}} &= {act}({a:.3f}) \approx {h:.3f} \end{{aligned}}"
    )


# --- Shapes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shapes:
    """Shapes of nn.RNN's input, output and h_n, and which slice of output equals h_n."""

    rows: list[dict[str, str]]
    last_step_slice: str  # e.g. "output[:, -1]"
    max_abs_diff: float  # |that slice - h_n[-1]|, 0 when they are the same numbers


def rnn_shapes(batch_first: bool = True, num_layers: int = 1, hidden_size: int = 2) -> Shapes:
    """Run nn.RNN(4, hidden_size, num_layers) on the lab's batch and read off the shapes."""
    num_layers = whole_number(num_layers, N_("The number of layers"), *LAYERS_RANGE)
    hidden_size = whole_number(hidden_size, N_("The hidden size"), *SIZE_RANGE)
    batch = torch.stack([one_hot_word(word, len(VOCABULARY)) for word in BATCH_WORDS])  # (batch, time, input)
    if not batch_first:
        batch = batch.transpose(0, 1)  # (time, batch, input)
    module = seeded_rnn(len(VOCABULARY), hidden_size, num_layers=num_layers, batch_first=bool(batch_first))
    with torch.no_grad():
        output, h_n = module(batch)
    last = output[:, -1] if batch_first else output[-1]  # (batch, hidden)
    axis = {  # the axes' names, as torch's documentation names them
        "batch": pgettext("tensor axis", "batch"),
        "time": pgettext("tensor axis", "time"),
        "input": pgettext("tensor axis", "input"),
        "hidden": pgettext("tensor axis", "hidden"),
        "layers": pgettext("tensor axis", "layers"),
    }
    order = ("batch", "time") if batch_first else ("time", "batch")

    def axes(*names: str) -> str:
        return "(" + ", ".join(axis[name] for name in names) + ")"

    def shape(tensor: Tensor) -> str:
        return "(" + ", ".join(str(n) for n in tensor.shape) + ")"

    rows = [
        {
            "tensor": "input",
            "shape": shape(batch),
            "axes": axes(*order, "input"),
            "holds": _("one one-hot letter per word and step"),
        },
        {
            "tensor": "output",
            "shape": shape(output),
            "axes": axes(*order, "hidden"),
            "holds": _("the top layer's h_t at every step"),
        },
        {
            "tensor": "h_n",
            "shape": shape(h_n),
            "axes": axes("layers", "batch", "hidden"),
            "holds": _("every layer's h_t after the last step"),
        },
    ]
    slice_name = "output[:, -1]" if batch_first else "output[-1]"
    return Shapes(rows, slice_name, float((last - h_n[-1]).abs().max()))


def unrolled_dot(time_steps: int = 5, num_layers: int = 1, hidden_size: int = 2, batch_first: bool = True) -> str:
    """DOT source of the lab's network unrolled through time: inputs at the bottom, layers above."""
    time_steps = whole_number(time_steps, N_("The number of time steps"), 1, 8)
    num_layers = whole_number(num_layers, N_("The number of layers"), *LAYERS_RANGE)
    hidden_size = whole_number(hidden_size, N_("The hidden size"), *SIZE_RANGE)
    batch, inputs = len(BATCH_WORDS), len(VOCABULARY)
    h_shape = f"({batch}, {hidden_size})"
    out = "output[:, {t}]" if batch_first else "output[{t}]"
    lines = [
        "digraph {",
        "  " + "; ".join(("rankdir=BT", "nodesep=0.25", "ranksep=0.35", "newrank=true")) + ";",
        '  node [fontname="Helvetica", fontsize=10, shape="box", style="rounded,filled", fillcolor="#FFFFFF"];',
        '  edge [color="#7F7F7F", arrowsize=0.6];',
    ]
    for t in range(time_steps):
        letters = " ".join(word[t] if t < len(word) else "·" for word in BATCH_WORDS)
        lines.append(f'  x{t} [label="x_{t + 1}  {letters}\\n({batch}, {inputs})", fillcolor="#E6F1F8"];')
        top = num_layers
        lines.append(f'  y{t} [label="{out.format(t=t)}\\n{h_shape}", fillcolor="#FBE9DF"];')
        lines.append(f"  x{t} -> c1_{t};")
        lines.append(f"  c{top}_{t} -> y{t};")
    for layer in range(1, num_layers + 1):
        row = [f"h0_{layer}"] + [f"c{layer}_{t}" for t in range(time_steps)] + [f"hn_{layer}"]
        lines.append(f'  h0_{layer} [label="h_0[{layer - 1}] = 0\\n{h_shape}", shape="plaintext", style=""];')
        hn_note = f"\\n= {out.format(t=-1)}" if layer == num_layers else ""
        fill = "#FBE9DF" if layer == num_layers else "#FFFFFF"
        lines.append(f'  hn_{layer} [label="h_n[{layer - 1}]{hn_note}\\n{h_shape}", fillcolor="{fill}"];')
        for t in range(time_steps):
            cell = _("RNN layer {layer}").format(layer=layer)
            lines.append(f'  c{layer}_{t} [label="{cell}\\nt = {t + 1}", fillcolor="#F2D4C2"];')
            if layer > 1:
                lines.append(f"  c{layer - 1}_{t} -> c{layer}_{t};")
        lines.append('  { rank="same"; ' + "; ".join(row) + "; }")
        lines.append("  " + " -> ".join(row) + ' [color="#D55E00"];')
    for name in ("x", "y"):
        nodes = [f"{name}{t}" for t in range(time_steps)]
        lines.append('  { rank="same"; ' + "; ".join(nodes) + "; }")
        if len(nodes) > 1:
            lines.append("  " + " -> ".join(nodes) + " [style=invis];")
    lines.append("}")
    return "\n".join(lines)
