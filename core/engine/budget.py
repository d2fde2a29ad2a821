"""How long and how much memory a run will take, estimated from its settings before it starts, and the
per-run budget a shared server holds every run to.

The time model counts what costs on one CPU thread (constants measured on the 2-core reference
machine with torch 2.13 by ``python -m benchmarks.budget_fit``; ``tests/engine/test_budget.py`` holds real runs to
within a factor of 3):
- every optimisation step has a fixed cost (Python, Adam, gradient norms);
- every recurrent kernel call (one per layer and time step of each pass) has a fixed cost;
- every multiply-add costs its share of the machine's arithmetic rate, and every activation float its
  elementwise work (gates, nonlinearities), three times over for forward and backward;
- every snapshot unrolls the probed sequences step by step in Python (when it is looked at; a learner
  watching a run looks at most of them, so all are counted).

The budget comes from the environment, so a teacher can set it for a classroom server:
``RNNLAB_MAX_RUN_SECONDS`` (default 300) and ``RNNLAB_MAX_RUN_MB`` (default 1024).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from core.words.errors import InputError
from core.words.i18n import N_, _
from core.words.message import Message, as_said, said, sentences

# Measured 2026-12-06 with torch 2.13.0 on the 2-core AMD EPYC reference machine (AVX512), quiet (load average
# 0.5-1.0), by `python -m benchmarks.budget_fit`: 19 runs (HiHello to a 4-layer LSTM of 128 on 120-step windows,
# each cell at small and wide sizes, each screen's default run, the comparison's three cells) under each CPU
# capability, AVX512, AVX2 and DEFAULT, twice; the minimax fit over all of them. Estimate / measured (CPU time of
# the training thread, best of 2-4, training plus every snapshot's probe): 0.48-2.02 (AVX512 0.48-1.99, AVX2
# 0.49-2.02, DEFAULT 0.48-2.02); the constants before (6.6e-4, 2.2e-5, 5.5e-6, 2.2e-4, 6.8e10, no element term) gave
# 0.47-2.64 on the same runs, the comparison's default run 0.47-0.54 (now 0.84-0.98). The capability changes little:
# the matrix products run in MKL and oneDNN whatever ATEN_CPU_CAPABILITY says. What is left is the cell, which
# ModelCost does not name: torch runs an LSTM layer as one fused oneDNN kernel and the RNN and GRU step by step, so
# GRU runs are under-estimated (down to 0.48: a GRU of 16 in batches of 1) and LSTM runs over-estimated (up to 2.02,
# with HiHello's tiny RNN). KERNEL_SECONDS_EVAL is loosely bound: 1e-5 to 7e-5 give the same worst ratios.
STEP_SECONDS = 6.1e-4  # per optimisation step
KERNEL_SECONDS_TRAIN = 1.1e-5  # per layer and time step of a forward + backward pass
KERNEL_SECONDS_EVAL = 7.0e-5  # per layer and time step of a forward pass
PROBE_STEP_SECONDS = 1.4e-4  # per layer and time step of a snapshot's unrolled pass and autograd
MULTIPLY_ADDS_PER_SECOND = 8.7e10
ELEMENT_SECONDS = 5.7e-10  # per activation float of a sequence and time step
BYTES_PER_FLOAT = 4
# What autograd keeps per activation float, measured against the raw count, and what a run holds beyond its
# tensors (allocator caches, the backward pass's workspace). Measured: a 4-layer LSTM of 128 on windows of
# 120 steps, batch "all", grew the process by 169 MB for 1,000, 2,000 and 4,000 rows alike; estimated 150 MB.
AUTOGRAD_FACTOR = 4
BASELINE_BYTES = 48 * 2**20

DEFAULT_MAX_SECONDS = 300.0
DEFAULT_MAX_MB = 1024.0


@dataclass(frozen=True)
class ModelCost:
    """What one sequence costs the model per time step: the basis of time and memory estimates."""

    multiply_adds: int  # per sequence and time step, forward pass
    activation_floats: int  # kept per sequence and time step for the backward pass
    recurrent_layers: int  # each layer runs one fused kernel call per time step
    parameter_count: int


@dataclass(frozen=True)
class RunShape:
    """How much work a run is, counted from its data and settings."""

    sequences: int  # per epoch
    time_steps: int
    steps_per_epoch: int  # optimisation steps
    passes_per_step: int  # forward/backward passes per step (more than 1 when a big batch is sliced)
    micro_batch: int
    epochs: int
    validation_sequences: int
    validations: int
    probe_sequences: int
    snapshots: int
    data_bytes: int  # the tensors the run keeps (inputs, targets, validation), views counted once


@dataclass(frozen=True)
class CostEstimate:
    seconds: float
    seconds_per_epoch: float
    peak_bytes: int

    @property
    def megabytes(self) -> float:
        return self.peak_bytes / 2**20

    def describe(self) -> str:
        """'about 5 min and 300 MB', in the current language."""
        duration, megabytes = format_duration(self.seconds), f"{self.megabytes:,.0f}"
        if self.seconds < 1:
            return _("{duration} and {megabytes} MB").format(duration=duration, megabytes=megabytes)
        return _("about {duration} and {megabytes} MB").format(duration=duration, megabytes=megabytes)


@dataclass(frozen=True)
class Budget:
    max_seconds: float = DEFAULT_MAX_SECONDS
    max_megabytes: float = DEFAULT_MAX_MB

    @classmethod
    def from_environment(cls) -> Budget:
        return cls(
            max_seconds=_positive_from_env("RNNLAB_MAX_RUN_SECONDS", DEFAULT_MAX_SECONDS),
            max_megabytes=_positive_from_env("RNNLAB_MAX_RUN_MB", DEFAULT_MAX_MB),
        )


def _positive_from_env(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return value if math.isfinite(value) and value > 0 else default


def format_duration(seconds: float) -> str:
    return duration_said(seconds).worded()


def duration_said(seconds: float) -> Message:
    """``format_duration`` kept as a message, worded where it is shown."""
    if seconds < 1:
        return said(N_("under a second"))
    if seconds < 90:
        return as_said(f"{seconds:.0f} s")
    if seconds < 90 * 60:
        return as_said(f"{seconds / 60:.0f} min")
    if seconds < 48 * 3600:
        return said(N_("{hours} hours"), hours=f"{seconds / 3600:.1f}")
    return said(N_("{days} days"), days=f"{seconds / 86400:.0f}")


@dataclass(frozen=True)
class TimeTerms:
    """What a run's time is counted in: each count is multiplied by one constant (``seconds``)."""

    steps: float  # optimisation steps: STEP_SECONDS each
    train_kernel_calls: float  # layer x time step of every forward + backward pass: KERNEL_SECONDS_TRAIN
    eval_kernel_calls: float  # layer x time step of every validation pass: KERNEL_SECONDS_EVAL
    probe_steps: float  # layer x time step of every snapshot's unrolled probe: PROBE_STEP_SECONDS
    multiply_adds: float  # of training (forward and backward: 3x) and validation: at MULTIPLY_ADDS_PER_SECOND
    probe_multiply_adds: float  # of the snapshots' probes (3x): at MULTIPLY_ADDS_PER_SECOND
    elements: float  # activation floats of training (3x) and validation: ELEMENT_SECONDS each
    probe_elements: float  # activation floats of the snapshots' probes (3x): ELEMENT_SECONDS each

    @property
    def probe_seconds(self) -> float:
        return (
            self.probe_steps * PROBE_STEP_SECONDS
            + self.probe_multiply_adds / MULTIPLY_ADDS_PER_SECOND
            + self.probe_elements * ELEMENT_SECONDS
        )

    @property
    def seconds(self) -> float:
        return (
            self.steps * STEP_SECONDS
            + self.train_kernel_calls * KERNEL_SECONDS_TRAIN
            + self.eval_kernel_calls * KERNEL_SECONDS_EVAL
            + self.multiply_adds / MULTIPLY_ADDS_PER_SECOND
            + self.elements * ELEMENT_SECONDS
            + self.probe_seconds
        )


def time_terms(cost: ModelCost, shape: RunShape) -> TimeTerms:
    """The counts a run of ``shape`` on a model of ``cost`` costs (see the module docstring)."""
    layers, time_steps, epochs = cost.recurrent_layers, shape.time_steps, shape.epochs
    steps = epochs * shape.steps_per_epoch
    eval_passes = -(-shape.validation_sequences // max(1, 4 * shape.micro_batch)) if shape.validation_sequences else 0
    # sequence x time steps: trained (forward and backward, 3x), validated (1x), probed (3x)
    sequence_steps = (3 * epochs * shape.sequences + shape.validations * shape.validation_sequences) * time_steps
    probe_sequence_steps = 3 * shape.snapshots * shape.probe_sequences * time_steps
    return TimeTerms(
        steps=steps,
        train_kernel_calls=steps * shape.passes_per_step * layers * time_steps,
        eval_kernel_calls=shape.validations * eval_passes * layers * time_steps,
        probe_steps=shape.snapshots * layers * time_steps,
        multiply_adds=sequence_steps * cost.multiply_adds,
        probe_multiply_adds=probe_sequence_steps * cost.multiply_adds,
        elements=sequence_steps * cost.activation_floats,
        probe_elements=probe_sequence_steps * cost.activation_floats,
    )


def estimate(cost: ModelCost, shape: RunShape) -> CostEstimate:
    """Time and peak memory of a run of ``shape`` on a model of ``cost`` (see the module docstring)."""
    time_steps = shape.time_steps
    seconds = time_terms(cost, shape).seconds
    activations = shape.micro_batch * time_steps * cost.activation_floats * BYTES_PER_FLOAT * AUTOGRAD_FACTOR
    weights = 4 * cost.parameter_count * BYTES_PER_FLOAT  # weights, gradients, Adam's two moments
    # A snapshot keeps a copy of the weights, and once looked at, the probed sequences' activations and gates.
    snapshots = (
        shape.snapshots
        * (cost.parameter_count + shape.probe_sequences * time_steps * cost.activation_floats)
        * BYTES_PER_FLOAT
    )
    peak = BASELINE_BYTES + shape.data_bytes + weights + activations + snapshots
    return CostEstimate(seconds=seconds, seconds_per_epoch=seconds / max(1, shape.epochs), peak_bytes=int(peak))


def check_budget(
    estimate: CostEstimate,
    budget: Budget,
    epochs: int,
    epochs_setting: str | Message | None = None,
    size_settings: str | Message | None = None,
    faster: str | Message | None = None,
) -> None:
    """Refuse, with a message naming the setting to change, a run that would exceed the budget.

    ``epochs_setting`` is the label of the screen's epochs control and ``size_settings`` names the settings
    that make a run bigger ("the hidden size, the depth or the word"); ``faster`` is a whole sentence a refusal for
    time adds (another way to a shorter run). Each is a ``Message`` or an ``N_()`` source, worded with the refusal
    where it is shown (words already in a language are shown as they are)."""
    epochs_setting = _named(epochs_setting or N_("Epochs"))
    size_settings = _named(size_settings or N_("the hidden size, the depth or the data"))
    if estimate.megabytes > budget.max_megabytes:
        raise InputError(
            N_(
                "This run would need about {needed} MB of memory; the limit on this server is {limit} MB per run. "
                "Make {settings} smaller."
            ),
            needed=f"{estimate.megabytes:,.0f}",
            limit=f"{budget.max_megabytes:,.0f}",
            settings=size_settings,
        )
    if estimate.seconds <= budget.max_seconds:
        return
    limit = duration_said(budget.max_seconds)
    affordable = int(budget.max_seconds // max(estimate.seconds_per_epoch, 1e-9))
    if affordable >= 1:
        message = said(
            N_(
                "This run would take {duration} of computing; the limit on this server is {limit} per run. Set "
                "{epochs_setting} to at most {affordable} (now {now}), or make {settings} smaller."
            ),
            duration=duration_said(estimate.seconds),
            limit=limit,
            epochs_setting=epochs_setting,
            affordable=f"{affordable:,}",
            now=f"{epochs:,}",
            settings=size_settings,
        )
    else:
        message = said(
            N_(
                "One epoch alone would take {duration} of computing; the limit on this server is {limit} per run. "
                "Make {settings} smaller."
            ),
            duration=duration_said(estimate.seconds_per_epoch),
            limit=limit,
            settings=size_settings,
        )
    raise InputError(sentences(message, _named(faster)) if faster else message)


def _named(words: str | Message) -> Message:
    """An ``N_()`` source (or words already worded, which the catalogue leaves as they are) as a message."""
    return words if isinstance(words, Message) else said(words)
