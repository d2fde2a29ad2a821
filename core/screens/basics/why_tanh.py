"""The Basics screen's second half in numbers: why a nonlinearity, and how a gradient travels back in time.

Three stacked linear maps are one matrix; three tanh layers are not (``linear_collapse``). A gradient
sent back through T steps of a random cell shrinks or grows with the cell's spectral radius and its
nonlinearity's slope (``gradient_through_time``), computed by autograd through a real unrolled cell.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from core.engine.cell_math import CellWeights, rnn_step
from core.reading.validation import whole_number
from core.screens.basics.step import RADIUS_RANGE, SEQUENCE_RANGE, SIZE_RANGE, check_nonlinearity
from core.words.errors import InputError
from core.words.i18n import N_, _


@dataclass(frozen=True)
class Collapse:
    """Three stacked maps vs one matrix, on random inputs (float64)."""

    product: np.ndarray  # W_3 W_2 W_1 (size, size)
    linear_max_diff: float  # |W_3(W_2(W_1 x)) - (W_3 W_2 W_1) x|, ~1e-15: the same map
    tanh_max_diff: float  # |tanh stack - best single matrix|: no matrix can do it
    tanh_output_range: float  # max |tanh stack output|, to judge tanh_max_diff against


def linear_collapse(size: int = 4, layers: int = 3, samples: int = 256, seed: int = 0) -> Collapse:
    """The seed's argument in numbers: linear layers collapse into one matrix, tanh layers do not."""
    size = whole_number(size, N_("The layer size"), *SIZE_RANGE)
    layers = whole_number(layers, N_("The number of layers"), 2, 6)
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
    slopes = {"tanh": 1 - tanh**2, "relu": (a > 0).double()}
    return {
        "a": a.numpy(),
        "tanh": tanh.numpy(),
        "relu": torch.relu(a).numpy(),
        **{f"{name} slope": slope.numpy() for name, slope in slopes.items()},
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
        raise InputError(
            N_("The spectral radius must be between {low} and {high} (got {value})."),
            low=low,
            high=high,
            value=repr(spectral_radius),
        )
    nonlinearity = check_nonlinearity(nonlinearity)
    steps = whole_number(steps, N_("The sequence length T"), *SEQUENCE_RANGE)
    hidden_size = whole_number(hidden_size, N_("The hidden size"), 1, 64)
    if not isinstance(input_scale, (int, float)) or not 0 < input_scale <= 10:
        raise InputError(N_("The input scale must be in (0, 10] (got {value})."), value=repr(input_scale))
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


# Within this factor of radius^distance (either way) the gradient "follows" the reference line; on the
# log axis that is one decade, the width a learner's eye reads as "on the line".
FOLLOWS_WITHIN = 10.0


def gradient_reading(travel: GradientTravel, distance: int = 50) -> str:
    """The chart's caption, read off the plotted numbers: does the gradient follow radius^distance?

    Two sentences, each one message: where radius^distance goes, then what the measured gradient does."""
    distance = whole_number(distance, N_("The distance"), 1, int(travel.distances[-1]))
    radius, name = travel.spectral_radius, travel.nonlinearity
    norm, reference = float(travel.norms[distance]), float(travel.reference[distance])
    if radius == 1:
        opening = _("On a log axis radius^distance is a straight line; at radius 1 it stays at 1.")
    elif radius < 1:
        opening = _(
            "On a log axis radius^distance is a straight line; here it falls ({radius:.2f} < 1) to "
            "{reference:.2e} at distance {distance}."
        ).format(radius=radius, reference=reference, distance=distance)
    else:
        opening = _(
            "On a log axis radius^distance is a straight line; here it climbs ({radius:.2f} > 1) to "
            "{reference:.2e} at distance {distance}."
        ).format(radius=radius, reference=reference, distance=distance)
    ratio = norm / reference if reference > 0 else float("inf")
    numbers = dict(name=name, norm=norm, distance=distance, ratio=ratio, smaller=1 / ratio if norm > 0 else 0.0)
    if 1 / FOLLOWS_WITHIN <= ratio <= FOLLOWS_WITHIN:
        verdict = _(
            "The {name} gradient follows it, within a factor of {factor:.2f} ({norm:.2e} at distance {distance})."
        ).format(factor=max(ratio, 1 / ratio), **numbers)
    elif ratio > FOLLOWS_WITHIN:
        verdict = _("The {name} gradient ends above it: {norm:.2e}, {ratio:.1e} times larger.").format(**numbers)
    elif name == "relu" and norm > 0:
        verdict = _(
            "The relu gradient falls far below it: {norm:.2e}, {smaller:.1e} times smaller, because a ReLU unit "
            "that is off passes no gradient, and {off:.0%} of the units are off at an average step."
        ).format(off=1 - travel.mean_slope, **numbers)
    elif name == "relu":
        verdict = _(
            "The relu gradient falls far below it: {norm:.2e}, exactly 0, because a ReLU unit that is off passes "
            "no gradient, and {off:.0%} of the units are off at an average step."
        ).format(off=1 - travel.mean_slope, **numbers)
    elif norm > 0:
        verdict = _(
            "The tanh gradient falls far below it: {norm:.2e}, {smaller:.1e} times smaller, because tanh saturates: "
            "its slope is below 1 wherever a unit is away from 0 (average slope {slope:.2f}), and every step back "
            "multiplies that in."
        ).format(slope=travel.mean_slope, **numbers)
    else:
        verdict = _(
            "The tanh gradient falls far below it: {norm:.2e}, exactly 0, because tanh saturates: its slope is "
            "below 1 wherever a unit is away from 0 (average slope {slope:.2f}), and every step back multiplies "
            "that in."
        ).format(slope=travel.mean_slope, **numbers)
    return f"{opening} {verdict}"


# Below a tenth of where it started (1 at distance 0) the gradient has vanished for the closing line, above ten
# times it has exploded; in between it neither vanishes nor explodes. One decade either way, as FOLLOWS_WITHIN.
VANISHED_BELOW, EXPLODED_ABOVE = 0.1, 10.0


def gradient_trend(travel: GradientTravel, distance: int = 50) -> str:
    """ "vanishes", "explodes" or "neither": what ‖∂h_T/∂h_t‖ does over ``distance`` steps, on the chart's numbers."""
    distance = whole_number(distance, N_("The distance"), 1, int(travel.distances[-1]))
    norm = float(travel.norms[distance])
    if norm < VANISHED_BELOW:
        return "vanishes"
    if norm > EXPLODED_ABOVE:
        return "explodes"
    return "neither"


def gradient_conclusion(travel: GradientTravel, distance: int = 50) -> str:
    """The section's closing line: vanishing, exploding or neither at this radius and nonlinearity, read off the
    same ‖∂h_T/∂h_t‖ the chart draws and the metric shows at ``distance``."""
    trend = gradient_trend(travel, distance)
    norm = float(travel.norms[distance])
    shown = _("exactly 0") if norm == 0 else f"{norm:.2e}"
    numbers = dict(distance=distance, norm=shown)
    if trend == "vanishes":
        return _(
            "Here the gradient vanishes: ‖∂h_T/∂h_t‖ falls to {norm} at distance {distance}, so a step {distance} "
            "steps back barely changes h_T and the RNN can hardly learn from it. LSTM and GRU add gates that keep "
            "this product near 1."
        ).format(**numbers)
    if trend == "explodes":
        return _(
            "Here the gradient explodes: ‖∂h_T/∂h_t‖ climbs to {norm} at distance {distance}, so a tiny change "
            "{distance} steps back moves h_T a lot and training takes huge, jumpy steps. Clipping the gradient's "
            "norm is the usual remedy."
        ).format(**numbers)
    return _(
        "Here the gradient neither vanishes nor explodes: ‖∂h_T/∂h_t‖ is {norm} at distance {distance}, within a "
        "factor of 10 of 1, so a step {distance} steps back still changes h_T. A plain RNN keeps this balance only "
        "in a narrow band of radii; LSTM and GRU add gates that keep this product near 1."
    ).format(**numbers)
