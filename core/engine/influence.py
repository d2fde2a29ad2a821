"""Which input drove each output: the input-to-output map M[t, s] = ‖∂y_t/∂x_s‖ of one sequence.

For output step t and input step s, ∂y_t/∂x_s is the Jacobian of the output vector at step t (the scores or values
the read-out gives, before any softmax) with respect to the input vector at step s; M[t, s] is its Frobenius norm:
how much a small change of what the network read at step s moves what it says at step t, through every path the
recurrence offers. A recurrent network reads left to right, so an output never depends on a later input: M[t, s] is
exactly 0 for s > t (kept 0 here).

It is computed exactly by autograd on the unrolled cell (``core.engine.probes.unroll``: the formulas of
``core.engine.cell_math`` at the model's weights), never by finite differences. The trick that makes it cheap: the
sequence is copied once per output unit, so one backward pass from output step t gives the whole Jacobian row block
∂y_t[k]/∂x_s for every unit k and every input step s at once (copy k carries unit k's gradient). A map costs one
forward pass and one backward pass per output step read (per chunk of output units when there are very many).

A sentence about a map (which input step drives the chosen output most, and how far back its influence stays above
1% of that) is ``influence_message``; the comparison's reading is core.screens.rnn_vs_lstm_gru.influence_readings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

from core.engine.probes import ProbedModel, unroll
from core.words.i18n import N_
from core.words.message import Message, said

MANY_TO_ONE = ("classify_last_step", "regress_last_step")  # objectives read at the last step only
# Activation floats one forward pass over the copies may hold (copies x time x per-step floats): ~16 MB.
COPY_FLOATS = 4_000_000
# Multiply-adds (forward, counted as core.engine.models' cost counts them) a whole map may take before only the chosen
# output step's row is computed: measured ~7e9 per second forward and backward together on one thread (an LSTM of 256
# x 4 layers, 60 outputs, 50 steps: 1.5e11 in 21 s), so about 0.7 s.
FULL_MAP_MULTIPLY_ADDS = 5e9
# Below this share of the chosen output's largest influence, an input step's influence counts as faded.
FADED = 0.01


def read_steps(objective: str, time: int) -> tuple[int, ...]:
    """The output steps (0-based) a task reads: the last one for a many-to-one task, else every step."""
    return (time - 1,) if objective in MANY_TO_ONE else tuple(range(time))


def map_cost(model: ProbedModel, output_steps: Sequence[int]) -> float:
    """Multiply-adds (forward) of ``influence_map`` for these output steps: one copy per output unit, each backward
    pass from step t goes through t + 1 steps."""
    cost = getattr(model, "cost", None)
    per_step = cost().multiply_adds if callable(cost) else sum(model.config.layer_sizes) ** 2
    return float(model.config.output_size) * sum(int(t) + 1 for t in output_steps) * float(per_step)


def steps_to_compute(
    model: ProbedModel, objective: str, time: int, chosen: int, budget: float = FULL_MAP_MULTIPLY_ADDS
) -> tuple[int, ...]:
    """Every output step the task reads when that map fits ``budget``, else the ``chosen`` one's row only."""
    steps = read_steps(objective, time)
    return steps if map_cost(model, steps) <= budget else (int(chosen),)


@dataclass(frozen=True)
class InfluenceMap:
    """M[t, s] = ‖∂y_t/∂x_s‖ for the output steps read. Steps are 0-based here; 1-based on screen."""

    values: np.ndarray  # (rows, time): row r is output step output_steps[r]; 0 where the input step is later
    output_steps: tuple[int, ...]  # the 0-based output step of each row, increasing

    @property
    def time(self) -> int:
        return int(self.values.shape[1])

    def row(self, step: int) -> np.ndarray:
        """(time,) the influence of every input step on output step ``step`` (0-based)."""
        return self.values[self.output_steps.index(step)]

    def square(self) -> np.ndarray:
        """(time, time) over (output step, input step), NaN where the input step is later than the output step or
        the output step is not read: what the heatmap draws (no colour where there is no path)."""
        full = np.full((self.time, self.time), np.nan)
        for row, step in enumerate(self.output_steps):
            full[step, : step + 1] = self.values[row, : step + 1]
        return full


def influence_map(
    model: ProbedModel, sequence: Tensor, output_steps: Sequence[int] | None = None, objective: str | None = None
) -> InfluenceMap:
    """The map of one input ``sequence`` (time, features) or (1, time, features) at the model's weights, for the
    ``output_steps`` (0-based; default: those ``objective`` reads, else every step). Exact (autograd); leaves the
    parameters' ``.grad`` untouched."""
    parameter = next(iter(model.parameters()), None) if hasattr(model, "parameters") else None
    sequence = sequence.detach()
    if sequence.ndim == 3:
        sequence = sequence[0]
    if parameter is not None:
        sequence = sequence.to(device=parameter.device, dtype=parameter.dtype)
    time = int(sequence.shape[0])  # sequence (time, features)
    if output_steps is None:
        output_steps = read_steps(objective, time) if objective is not None else tuple(range(time))
    steps = tuple(sorted({int(t) for t in output_steps}))
    if not steps or steps[0] < 0 or steps[-1] >= time:
        raise ValueError(f"output steps {output_steps} outside 0…{time - 1}")
    reach = steps[-1] + 1  # later inputs reach no output asked for
    outputs_count = int(model.config.output_size)
    squares = np.zeros((len(steps), time), dtype=np.float64)  # Σ over output units and features of (∂y_t[k]/∂x_s)²
    per_copy = reach * max(1, _floats_per_step(model))
    chunk = max(1, min(outputs_count, COPY_FLOATS // per_copy))
    with torch.enable_grad():
        for first in range(0, outputs_count, chunk):
            units = torch.arange(first, min(first + chunk, outputs_count), device=sequence.device)  # (copies,)
            copies = sequence[:reach].unsqueeze(0).repeat(len(units), 1, 1).requires_grad_(True)  # (copies, reach, f)
            outputs, _ = unroll(model, copies)  # (copies, reach, output)
            picks = torch.nn.functional.one_hot(units, outputs_count).to(outputs.dtype)  # (copies, output)
            for row, t in enumerate(steps):
                chosen = (outputs[:, t] * picks).sum()  # copy c's output unit units[c] at step t
                (gradient,) = torch.autograd.grad(chosen, copies, retain_graph=row < len(steps) - 1)
                # gradient (copies, reach, features): [c, s] = ∂y_t[units[c]]/∂x_s
                squares[row, :reach] += gradient.detach().double().pow(2).sum(dim=(0, 2)).cpu().numpy()
    values = np.sqrt(squares)  # (rows, time)
    for row, t in enumerate(steps):
        values[row, t + 1 :] = 0.0  # causality: no path from a later input (autograd gives exact zeros too)
    return InfluenceMap(values, steps)


def _floats_per_step(model: ProbedModel) -> int:
    """Floats one copy holds per time step for the backward pass (core.engine.models' cost), or a guess."""
    cost = getattr(model, "cost", None)
    return int(cost().activation_floats) if callable(cost) else 64 * sum(model.config.layer_sizes)


# -- what a map says ---------------------------------------------------------------------------------------------
def strongest_input(row: np.ndarray) -> int:
    """The 0-based input step that moves the output most (the earliest of equals)."""
    return int(np.argmax(np.asarray(row, dtype=np.float64)))


def earliest_above(row: np.ndarray, output_step: int, share: float = FADED) -> int:
    """The earliest input step (0-based, at most ``output_step``) whose influence on the output is at least ``share``
    of the row's largest: before it, every input step's influence has faded below that."""
    row = np.asarray(row, dtype=np.float64)[: output_step + 1]
    top = float(row.max()) if row.size else 0.0
    if not top > 0:
        return output_step
    return int(np.flatnonzero(row >= share * top)[0])


def format_weight(value: float) -> str:
    """An influence as a learner reads it: 0.83, 12, 3.4e-5."""
    value = float(value)
    if value == 0:
        return "0"
    if 0.001 <= value < 1000:
        return f"{value:.2g}" if value < 100 else f"{value:.0f}"
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def influence_message(row: np.ndarray, output_step: int, share: float = FADED) -> Message:
    """One sentence about the chosen output's row (steps 1-based in the words): which input step drives it most, and
    how far back its influence stays at ``share`` (1%) of that largest value or more."""
    row = np.asarray(row, dtype=np.float64)
    step = output_step + 1
    if not float(row[:step].max(initial=0.0)) > 0:
        return said(N_("No input step moves the output at step {step} at these weights."), step=step)
    strongest = strongest_input(row[:step])
    weight = format_weight(row[strongest])
    if output_step == 0:
        return said(N_("The output at step 1 can depend on input step 1 only (‖∂y/∂x‖ = {norm})."), norm=weight)
    earliest = earliest_above(row, output_step, share)
    values = dict(step=step, input=strongest + 1, norm=weight, percent=f"{100 * share:g}")
    if earliest == output_step:
        return said(
            N_(
                "The output at step {step} is moved most by its own input step (‖∂y/∂x‖ = {norm}); every earlier "
                "input step moves it by less than {percent}% of that."
            ),
            **values,
        )
    if strongest == 0:
        return said(
            N_(
                "The output at step {step} is moved most by input step 1, the first of the sequence (‖∂y/∂x‖ = {norm})."
            ),
            **values,
        )
    if earliest == 0:
        return said(
            N_(
                "The output at step {step} is moved most by input step {input} (‖∂y/∂x‖ = {norm}); even input "
                "step 1 still moves it by at least {percent}% of that."
            ),
            **values,
        )
    return said(
        N_(
            "The output at step {step} is moved most by input step {input} (‖∂y/∂x‖ = {norm}); the earliest input "
            "step that moves it by at least {percent}% of that is step {earliest}: before it, the influence has faded."
        ),
        earliest=earliest + 1,
        **values,
    )
