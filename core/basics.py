"""The Basics screen's numbers: one RNN step by hand, tensor shapes, why tanh, gradients in time.

Everything here runs a real ``torch.nn.RNN`` (or its weights through ``core.cell_math``), so the
numbers the page shows are the numbers torch produces. Shapes follow torch:
a word is (time, input); a batch is (batch, time, input) with batch_first, else (time, batch, input).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor, nn

from core.cell_math import NONLINEARITIES, CellWeights, rnn_step, unroll_layer
from core.errors import InputError
from core.validation import MAX_SEED, whole_number

WORD = "hello"
VOCABULARY = ("h", "e", "l", "o")  # the seed's letters, in order of first appearance
BATCH_WORDS = ("hello", "eolll", "lleel")  # the lab's batch of three words
SIZE_RANGE = (1, 8)  # input size d and hidden size D_h
LAYERS_RANGE = (1, 4)
RADIUS_RANGE = (0.1, 2.0)  # the page's slider is narrower; core accepts a little more
SEQUENCE_RANGE = (2, 200)


def _check_nonlinearity(nonlinearity: str) -> str:
    if nonlinearity not in NONLINEARITIES:
        raise InputError(f"Unknown nonlinearity '{nonlinearity}': choose tanh or relu.")
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
    input_size = whole_number(input_size, "The input size d", *SIZE_RANGE)
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
    hidden_size = whole_number(hidden_size, "The hidden size D_h", *SIZE_RANGE)
    seed = whole_number(seed, "The seed", 0, MAX_SEED)
    nonlinearity = _check_nonlinearity(nonlinearity)
    time_step = whole_number(time_step, "The time step t", 1, len(WORD))

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

    labels = tuple(vocabulary) + tuple(f"unused {k + 1}" for k in range(len(vocabulary), input_size))
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
    unit = whole_number(unit, "The hidden unit", 0, len(step.hidden) - 1)
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
        rf"\begin{{aligned}} a_{{{t},{i}}} &= \underbrace{{{x_part}}}_{{W_{{xh}}x_{{{t}}}}}"
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
    num_layers = whole_number(num_layers, "The number of layers", *LAYERS_RANGE)
    hidden_size = whole_number(hidden_size, "The hidden size", *SIZE_RANGE)
    batch = torch.stack([one_hot_word(word, len(VOCABULARY)) for word in BATCH_WORDS])  # (batch, time, input)
    if not batch_first:
        batch = batch.transpose(0, 1)  # (time, batch, input)
    module = seeded_rnn(len(VOCABULARY), hidden_size, num_layers=num_layers, batch_first=bool(batch_first))
    with torch.no_grad():
        output, h_n = module(batch)
    last = output[:, -1] if batch_first else output[-1]  # (batch, hidden)
    order = ("batch", "time") if batch_first else ("time", "batch")

    def shape(tensor: Tensor) -> str:
        return "(" + ", ".join(str(n) for n in tensor.shape) + ")"

    rows = [
        {"tensor": "input", "shape": shape(batch), "axes": f"({order[0]}, {order[1]}, input)",
         "holds": "one one-hot letter per word and step"},
        {"tensor": "output", "shape": shape(output), "axes": f"({order[0]}, {order[1]}, hidden)",
         "holds": "the top layer's h_t at every step"},
        {"tensor": "h_n", "shape": shape(h_n), "axes": "(layers, batch, hidden)",
         "holds": "every layer's h_t after the last step"},
    ]  # fmt: skip
    slice_name = "output[:, -1]" if batch_first else "output[-1]"
    return Shapes(rows, slice_name, float((last - h_n[-1]).abs().max()))


def unrolled_dot(time_steps: int = 5, num_layers: int = 1, hidden_size: int = 2, batch_first: bool = True) -> str:
    """DOT source of the lab's network unrolled through time: inputs at the bottom, layers above."""
    time_steps = whole_number(time_steps, "The number of time steps", 1, 8)
    num_layers = whole_number(num_layers, "The number of layers", *LAYERS_RANGE)
    hidden_size = whole_number(hidden_size, "The hidden size", *SIZE_RANGE)
    batch, inputs = len(BATCH_WORDS), len(VOCABULARY)
    h_shape = f"({batch}, {hidden_size})"
    out = "output[:, {t}]" if batch_first else "output[{t}]"
    lines = [
        "digraph unrolled {",
        "  rankdir=BT; nodesep=0.25; ranksep=0.35; newrank=true;",
        '  node [fontname="Helvetica", fontsize=10, shape=box, style="rounded,filled", fillcolor="#FFFFFF"];',
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
        lines.append(f'  h0_{layer} [label="h_0[{layer - 1}] = 0\\n{h_shape}", shape=plaintext, style=""];')
        hn_note = f"\\n= {out.format(t=-1)}" if layer == num_layers else ""
        fill = "#FBE9DF" if layer == num_layers else "#FFFFFF"
        lines.append(f'  hn_{layer} [label="h_n[{layer - 1}]{hn_note}\\n{h_shape}", fillcolor="{fill}"];')
        for t in range(time_steps):
            lines.append(f'  c{layer}_{t} [label="RNN layer {layer}\\nt = {t + 1}", fillcolor="#F2D4C2"];')
            if layer > 1:
                lines.append(f"  c{layer - 1}_{t} -> c{layer}_{t};")
        lines.append("  { rank=same; " + "; ".join(row) + "; }")
        lines.append("  " + " -> ".join(row) + ' [color="#D55E00"];')
    for name in ("x", "y"):
        nodes = [f"{name}{t}" for t in range(time_steps)]
        lines.append("  { rank=same; " + "; ".join(nodes) + "; }")
        if len(nodes) > 1:
            lines.append("  " + " -> ".join(nodes) + " [style=invis];")
    lines.append("}")
    return "\n".join(lines)


# --- Why a nonlinearity ------------------------------------------------------------------------


@dataclass(frozen=True)
class Collapse:
    """Three stacked maps vs one matrix, on random inputs (float64)."""

    product: np.ndarray  # W_3 W_2 W_1 (size, size)
    linear_max_diff: float  # |W_3(W_2(W_1 x)) - (W_3 W_2 W_1) x|, ~1e-15: the same map
    tanh_max_diff: float  # |tanh stack - best single matrix|: no matrix can do it
    tanh_output_range: float  # max |tanh stack output|, to judge tanh_max_diff against


def linear_collapse(size: int = 4, layers: int = 3, samples: int = 256, seed: int = 0) -> Collapse:
    """The seed's argument in numbers: linear layers collapse into one matrix, tanh layers do not."""
    size = whole_number(size, "The layer size", *SIZE_RANGE)
    layers = whole_number(layers, "The number of layers", 2, 6)
    generator = torch.Generator().manual_seed(int(seed))
    weights = [
        1.5 * torch.randn(size, size, generator=generator, dtype=torch.float64) / size**0.5 for _ in range(layers)
    ]
    x = 1.5 * torch.randn(samples, size, generator=generator, dtype=torch.float64)  # (samples, size)
    linear, bent = x, x
    for w in weights:
        linear = linear @ w.T
        bent = torch.tanh(bent @ w.T)
    product = torch.linalg.multi_dot(weights[::-1]) if layers > 2 else weights[1] @ weights[0]
    best = torch.linalg.lstsq(x, bent).solution  # (size, size): the best single matrix, least squares
    return Collapse(
        product=product.numpy(),
        linear_max_diff=float((linear - x @ product.T).abs().max()),
        tanh_max_diff=float((bent - x @ best).abs().max()),
        tanh_output_range=float(bent.abs().max()),
    )


def activation_curves(low: float = -4.0, high: float = 4.0, points: int = 161) -> dict[str, np.ndarray]:
    """tanh, its slope 1 - tanh², ReLU and ReLU's slope on a grid of pre-activations."""
    a = torch.linspace(low, high, points, dtype=torch.float64)
    tanh = torch.tanh(a)
    return {
        "a": a.numpy(),
        "tanh": tanh.numpy(),
        "tanh slope": (1 - tanh**2).numpy(),
        "relu": torch.relu(a).numpy(),
        "relu slope": (a > 0).double().numpy(),
    }


# --- How the gradient travels back through time -------------------------------------------------


@dataclass(frozen=True)
class GradientTravel:
    """‖∂h_T/∂h_t‖ (largest singular value) for t = T..0, indexed by the distance T - t."""

    spectral_radius: float
    nonlinearity: str
    distances: np.ndarray  # 0..T
    norms: np.ndarray  # ‖∂h_T/∂h_{T-d}‖, 1 at distance 0
    reference: np.ndarray  # radius ** distance: what the norm would be if the slope were always 1
    mean_slope: float  # average slope of the nonlinearity along the sequence (tanh' or relu')


def random_cell(spectral_radius: float, hidden_size: int = 16, seed: int = 0) -> tuple[CellWeights, torch.Generator]:
    """A float64 cell whose W_hh has random positive entries, rescaled to the given spectral radius.

    Positive weights keep the ReLU units switched on (slope 1) once the state grows, so the radius
    alone decides growth or decay; with signed weights about half the units are off at each step.
    """
    generator = torch.Generator().manual_seed(int(seed))
    w_hh = torch.randn(hidden_size, hidden_size, generator=generator, dtype=torch.float64).abs()
    w_hh = w_hh * (spectral_radius / torch.linalg.eigvals(w_hh).abs().max())
    w_ih = torch.randn(hidden_size, hidden_size, generator=generator, dtype=torch.float64) / hidden_size**0.5
    zeros = torch.zeros(hidden_size, dtype=torch.float64)
    return CellWeights(w_ih, w_hh, zeros, zeros), generator


def gradient_through_time(
    spectral_radius: float = 0.9,
    nonlinearity: str = "tanh",
    steps: int = 60,
    hidden_size: int = 16,
    input_scale: float = 0.1,
    seed: int = 0,
) -> GradientTravel:
    """Unroll a random cell over random inputs and take ∂h_T/∂h_t for every t with autograd."""
    low, high = RADIUS_RANGE
    if (
        isinstance(spectral_radius, bool)
        or not isinstance(spectral_radius, (int, float))
        or not low <= spectral_radius <= high
    ):
        raise InputError(f"The spectral radius must be between {low} and {high} (got {spectral_radius!r}).")
    nonlinearity = _check_nonlinearity(nonlinearity)
    steps = whole_number(steps, "The sequence length T", *SEQUENCE_RANGE)
    hidden_size = whole_number(hidden_size, "The hidden size", 1, 64)
    if not isinstance(input_scale, (int, float)) or not 0 < input_scale <= 10:
        raise InputError(f"The input scale must be in (0, 10] (got {input_scale!r}).")
    weights, generator = random_cell(float(spectral_radius), hidden_size, seed)
    inputs = input_scale * torch.randn(steps, 1, hidden_size, generator=generator, dtype=torch.float64)
    states = [torch.zeros(1, hidden_size, dtype=torch.float64, requires_grad=True)]  # h_0 .. h_T (1, hidden)
    slopes = []
    for x in inputs:
        terms = rnn_step(x, states[-1], weights, nonlinearity)
        pre = (terms.input_term + terms.recurrent_term).detach()
        slopes.append(1 - torch.tanh(pre) ** 2 if nonlinearity == "tanh" else (pre > 0).double())
        states.append(terms.hidden)
    # Row i of every Jacobian ∂h_T/∂h_t comes from one backward pass of h_T[i].
    rows = [
        torch.autograd.grad(states[-1][0, i], states, retain_graph=True, allow_unused=True) for i in range(hidden_size)
    ]
    norms = []
    for t in range(steps, -1, -1):  # distance 0 .. T
        jacobian = torch.stack(
            [row[t][0] if row[t] is not None else torch.zeros(hidden_size, dtype=torch.float64) for row in rows]
        )
        norms.append(float(torch.linalg.matrix_norm(jacobian, ord=2)))
    distances = np.arange(steps + 1)
    return GradientTravel(
        spectral_radius=float(spectral_radius),
        nonlinearity=nonlinearity,
        distances=distances,
        norms=np.array(norms),
        reference=float(spectral_radius) ** distances.astype(float),
        mean_slope=float(torch.cat(slopes).mean()),
    )
