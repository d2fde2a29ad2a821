"""RNN vs LSTM vs GRU: the same task, data, seed and budget for all three cells.

``compare`` trains the three cells one after the other and keeps, per cell, the training history
(loss and accuracy curves, snapshots with the gradient per time step at initialisation and after
training, gates and cell states), the held-out accuracy and the parameter count. ``gap_sweep``
repeats the memory task over several gaps. ``reading`` turns the measured numbers into sentences,
so the screen says what *this* run shows, whatever it is.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from core.engine.budget import Budget, duration_said
from core.engine.cells import CELL_NAMES, cell_entry, racing_names
from core.engine.models import ModelConfig, SequenceModel, count_parameters
from core.engine.passes import held_out_scores
from core.engine.records import EpochRecord, Snapshot, TrainingHistory
from core.engine.runtime import resolve_device
from core.engine.session import TrainingSession
from core.engine.settings import SequenceData, TrainConfig
from core.reading.text import describe, next_character_task
from core.reading.validation import MAX_SEED, whole_numbers
from core.screens.hihello import KEY as HIHELLO  # the task of the HiHello screen's lab is named after it
from core.screens.hihello.settings import HiHelloSettings
from core.screens.long_sequences.windows import SEED_SENTENCE, sliding_windows
from core.screens.rnn_vs_lstm_gru.tasks import (
    MAX_GAP,
    MIN_GAP,
    held_out_seed,
    matched_hidden_sizes,
    memory_task,
    training_batch_seed,
)
from core.words.errors import InputError
from core.words.i18n import N_, _

TASKS = {  # each task's label, translated where it is shown: _(TASKS[task])
    "memory": N_("Recall the first symbol after a gap"),
    HIHELLO: N_('HiHello ("hihell" → "ihello")'),
    "sentence": N_("The long sentence, windows of 10 characters"),
}
PROBE_SEQUENCES = 32  # held-out sequences the snapshots look inside
MAX_STEPS = 3000
MAX_SWEEP_GAPS = 8
SWEEP_GAPS = (1, 2, 5, 10, 15, 20, 30, 40, 50, 60, 80, 100)  # the gaps the screen offers to sweep
DEFAULT_SWEEP_GAPS = (5, 10, 20, 30, 40)  # chosen on screen at first; the README's sweep (make figures) too


@dataclass(frozen=True)
class ComparisonSettings:
    """One comparison run; defaults chosen by measurement (README, "RNN vs LSTM/GRU")."""

    task: str = "memory"
    gap: int = 30
    num_symbols: int = 8
    num_distractors: int = 8
    noise: float = 0.2
    # A last "?" step that says "recall now": every sequence ends the same way, so the readout
    # does not depend on the last distractor (measured: a wider, steadier margin at long gaps).
    recall_marker: bool = True
    hidden_size: int = 32
    match_parameters: bool = True
    steps: int = 300  # optimisation steps; on the memory task each sees a fresh batch
    batch_size: int = 128
    learning_rate: float = 0.01
    # Both gated cells start with their "keep the old state" gate open: the LSTM's forget gate and the
    # GRU's update gate. With torch's default (0) they start half-open and forget too. Measured at gap 40 over
    # seeds 0-9 (torch 2.13, these defaults otherwise): with 5 the LSTM recalls 0.97-0.99 on every seed; with 3
    # it is below 0.9 on 7 of them (0.11 on seed 0).
    keep_gate_bias: float = 5.0
    clip_grad_norm: float = 1.0
    seed: int = 0
    test_sequences: int = 512

    def __post_init__(self) -> None:
        if self.task not in TASKS:
            raise InputError(
                N_("Unknown task '{task}': choose one of {tasks}."), task=self.task, tasks=", ".join(TASKS)
            )
        whole_numbers(
            self,
            (
                ("gap", N_("The gap"), MIN_GAP, MAX_GAP),
                ("steps", N_("Training steps"), 1, MAX_STEPS),
                ("hidden_size", N_("The hidden size"), 2, 256),
                ("batch_size", N_("The batch size"), 1, 1024),
                ("seed", N_("The seed"), 0, MAX_SEED),
            ),
        )


@dataclass(frozen=True)
class TaskData:
    data: SequenceData
    step_labels: list[str]  # one label per time step of a probed sequence, counted from 1 as on screen
    class_labels: list[str]
    chance_accuracy: float
    probe_texts: list[str]  # the probed sequences written out


@dataclass
class CellResult:
    cell: str
    hidden_size: int
    parameter_count: int
    history: TrainingHistory
    test_accuracy: float | None

    @property
    def at_initialisation(self) -> Snapshot:
        return self.history.snapshots[0]

    @property
    def after_training(self) -> Snapshot:
        return self.history.snapshots[-1]


def build_task(settings: ComparisonSettings, gap: int | None = None) -> TaskData:
    """The data all three cells share. The memory task trains on fresh batches and tests on held-out ones."""
    if settings.task == HIHELLO:
        task = next_character_task(HiHelloSettings.word)  # the HiHello lab's word
        labels = [f"{t}: {describe(c)}" for t, c in enumerate(task.input_text, start=1)]
        data = SequenceData(task.inputs, task.targets, "classify_each_step")
        return TaskData(data, labels, list(task.vocabulary.characters), 1 / task.vocabulary.size, [task.input_text])
    if settings.task == "sentence":
        task = sliding_windows(SEED_SENTENCE, 10)
        data = task.data(np.arange(min(PROBE_SEQUENCES, task.windows)))
        labels = [f"{t}: {describe(c)}" for t, c in enumerate(task.text[:10], start=1)]
        return TaskData(data, labels, list(task.vocabulary.characters), 1 / task.vocabulary.size, [task.text[:10]])
    gap = int(settings.gap if gap is None else gap)

    def draw(count: int, seed: int):
        return memory_task(
            count, gap, settings.num_symbols, settings.num_distractors, settings.noise, seed, settings.recall_marker
        )

    test = draw(settings.test_sequences, held_out_seed(settings.seed))

    def fresh_batch(epoch: int):
        batch = draw(settings.batch_size, training_batch_seed(settings.seed, epoch - 1))
        return batch.inputs, batch.targets

    shapes = draw(settings.batch_size, training_batch_seed(settings.seed, 0))
    probe = slice(0, PROBE_SEQUENCES)
    data = SequenceData(
        shapes.inputs,
        shapes.targets,
        "classify_last_step",
        probe_inputs=test.inputs[probe],
        probe_targets=test.targets[probe],
        validation_inputs=test.inputs,
        validation_targets=test.targets,
        fresh_batch=fresh_batch,
    )
    labels = [f"{t}: {test.vocabulary[s]}" for t, s in enumerate(test.symbols[0].tolist(), start=1)]
    return TaskData(data, labels, list(test.labels), test.chance_accuracy, [test.as_text(0)])


def cell_sizes(settings: ComparisonSettings, input_size: int, output_size: int) -> dict[str, int]:
    if settings.match_parameters:
        return matched_hidden_sizes(int(settings.hidden_size), input_size, 1, output_size)
    return dict.fromkeys(racing_names(), int(settings.hidden_size))


def train_config(settings: ComparisonSettings) -> TrainConfig:
    steps = int(settings.steps)
    return TrainConfig(
        epochs=steps,
        learning_rate=float(settings.learning_rate),
        seed=int(settings.seed),
        batch_size=None if settings.task != "sentence" else int(settings.batch_size),
        snapshot_every=max(1, steps // 10),
        clip_grad_norm=float(settings.clip_grad_norm) if settings.clip_grad_norm else None,
        validate_every=max(1, steps // 30),
    )


def cell_models(settings: ComparisonSettings, task: TaskData) -> dict[str, ModelConfig]:
    """One model per racing cell, sized by ``cell_sizes``, with the keep-gate bias on the cells that have that gate."""
    input_size, output_size = task.data.inputs.shape[-1], len(task.class_labels)
    sizes = cell_sizes(settings, input_size, output_size)
    return {
        cell: ModelConfig(
            input_size=input_size,
            output_size=output_size,
            hidden_size=sizes[cell],
            cell=cell,
            **keep_gate_bias(cell, float(settings.keep_gate_bias)),
        )
        for cell in racing_names()
    }


def keep_gate_bias(cell: str, bias: float) -> dict[str, float]:
    """ModelConfig's field for the starting bias of ``cell``'s keep gate (LSTM forget, GRU update); none for the RNN."""
    keep_gate = cell_entry(cell).keep_gate
    return {} if keep_gate is None else {f"{keep_gate}_gate_bias": bias}


def cell_sessions(
    settings: ComparisonSettings, task: TaskData, cells: Sequence[str] = ()
) -> dict[str, TrainingSession]:
    """A training session per cell (the racing cells unless told), on the same data with the same seed, ready to
    advance together."""
    cells = tuple(cells) or racing_names()
    models = cell_models(settings, task)
    batch, time_steps = task.data.inputs.shape[0], task.data.inputs.shape[1]
    # Measured: an LSTM of 64 on 256 sequences of 100 steps is 37x faster on a GPU; small runs gain nothing.
    largest = max(models[cell].hidden_size for cell in cells)
    device = resolve_device("auto", workload=batch * time_steps * largest)
    config = train_config(settings)
    return {
        cell: TrainingSession(
            lambda model=models[cell]: SequenceModel(model), task.data, config, device=device, keep_predictions=False
        )
        for cell in cells
    }


def cell_result(cell: str, session: TrainingSession, task: TaskData) -> CellResult:
    """What one cell's session has reached: sizes, history and held-out accuracy at its current weights."""
    return CellResult(
        cell,
        session.model.config.hidden_size,
        count_parameters(session.model),
        session.history,
        held_out_accuracy(session.history, task.data),
    )


def compare(
    settings: ComparisonSettings,
    on_item: Callable[[str, EpochRecord], None] | None = None,
    gap: int | None = None,
    cells: Sequence[str] = (),
) -> tuple[TaskData, dict[str, CellResult]]:
    """Train each cell to the end on the same data with the same seed; ``on_item(cell, record)`` sees every
    epoch record (for progress)."""
    task = build_task(settings, gap)
    sessions = cell_sessions(settings, task, cells)
    for cell, session in sessions.items():
        if on_item is not None:
            session.on_record = lambda item, cell=cell: on_item(cell, item)
        session.advance()
    return task, {cell: cell_result(cell, session, task) for cell, session in sessions.items()}


def held_out_accuracy(history: TrainingHistory, data: SequenceData) -> float | None:
    """Accuracy on the held-out sequences (memory task), or on the training data (familiar texts)."""
    if history.stopped is not None and not history.records:
        return None
    inputs, targets = (data.validation_inputs, data.validation_targets)
    if inputs is None:
        inputs, targets = data.inputs, data.targets
    return held_out_scores(history.model, inputs, targets, data.objective)[1]


def check_sweep(settings: ComparisonSettings, gaps: Sequence[int], budget: Budget | None = None) -> list[int]:
    """The sweep's gaps, sorted; refused when they make no sense or would exceed the per-run budget."""
    gaps = sorted({int(g) for g in gaps})
    if settings.task != "memory":
        raise InputError(N_("The gap sweep needs the memory task: the other tasks have no gap."))
    if not gaps or len(gaps) > MAX_SWEEP_GAPS or gaps[0] < MIN_GAP or gaps[-1] > MAX_GAP:
        raise InputError(
            N_("Choose 1 to {most} gaps between {low} and {high}."), most=MAX_SWEEP_GAPS, low=MIN_GAP, high=MAX_GAP
        )
    budget = budget or Budget.from_environment()
    seconds = sum(
        session.estimate().seconds
        for gap in gaps
        for session in cell_sessions(replace(settings, gap=gap), build_task(settings, gap)).values()
    )
    if seconds > budget.max_seconds:
        raise InputError(
            N_(
                "This sweep would take {duration} of computing; the limit on this server is {limit} per run. "
                "Choose fewer or shorter gaps, or fewer training steps."
            ),
            duration=duration_said(seconds),
            limit=duration_said(budget.max_seconds),
        )
    return gaps


class GapSweep:
    """The gap sweep as a job that advances in chunks: each cell at each gap trained to the end, one after the other.

    A learner starts it from the screen, so it computes like a run does: a chunk at a time, each chunk in its own
    turn of the server's queue (``ui.live_run.tick``), and Pause stops it between two chunks. Chunks do not change
    the numbers: a session advanced in pieces is bit-identical to one run to the end (core.engine.session)."""

    def __init__(self, settings: ComparisonSettings, gaps: Sequence[int], budget: Budget | None = None) -> None:
        self.settings = settings
        self.gaps = check_sweep(settings, gaps, budget)
        self.cells = racing_names()
        self.accuracy: dict[str, list[float]] = {cell: [] for cell in self.cells}
        self.done = 0  # (gap, cell) pairs trained to the end, in the order gaps × cells
        self._session: TrainingSession | None = None
        self._task: TaskData | None = None

    @property
    def items(self) -> int:
        return len(self.gaps) * len(self.cells)

    @property
    def finished(self) -> bool:
        return self.done >= self.items

    @property
    def gap_index(self) -> int:
        """The gap being trained now (counted from 0), or the last one once the sweep is finished."""
        return min(self.done, self.items - 1) // len(self.cells)

    @property
    def cell(self) -> str:
        return self.cells[min(self.done, self.items - 1) % len(self.cells)]

    @property
    def fraction(self) -> float:
        """How much of the sweep is done, 0 to 1 (the session being trained counts by its epochs)."""
        partial = 0.0
        if self._session is not None and not self.finished:
            partial = self._session.epoch / max(1, self._session.total_epochs)
        return min(1.0, (self.done + partial) / self.items)

    def progress_words(self) -> str:
        """What the sweep is doing, for the status line: 'running the gap sweep: gap 20 (3 of 5), …'."""
        return _("running the gap sweep: {where}").format(where=self.where_words())

    def where_words(self) -> str:
        """Where the sweep stands: 'gap 20 (3 of 5), training the LSTM; 46% done'."""
        return _("gap {gap} ({number} of {total}), training the {cell}; {share} done").format(
            gap=self.gaps[self.gap_index],
            number=self.gap_index + 1,
            total=len(self.gaps),
            cell=CELL_NAMES[self.cell],
            share=f"{int(100 * self.fraction)}%",  # the sign outside the message: "% d" reads as a format
        )

    def advance(self, seconds: float | None = None, on_record: Callable[[EpochRecord], None] | None = None) -> None:
        """Train on for about ``seconds`` (to the end without a limit): the current cell, then the next ones."""
        started = time.perf_counter()
        while not self.finished:
            if self._session is None:
                gap = self.gaps[self.gap_index]
                self._task = build_task(self.settings, gap)
                self._session = cell_sessions(replace(self.settings, gap=gap), self._task, [self.cell])[self.cell]
            self._session.on_record = on_record
            left = None if seconds is None else max(0.0, seconds - (time.perf_counter() - started))
            self._session.advance(seconds=left)
            if not self._session.finished:
                return
            self._session.advance()  # what the generator yields after the last epoch (nothing is trained)
            self.accuracy[self.cell].append(held_out_accuracy(self._session.history, self._task.data) or 0.0)
            self._session, self._task = None, None
            self.done += 1
            if seconds is not None and time.perf_counter() - started >= seconds:
                return


def gap_sweep(
    settings: ComparisonSettings,
    gaps: Sequence[int],
    on_progress: Callable[[int, int, str], None] | None = None,
) -> dict[str, list[float]]:
    """Held-out accuracy per cell for each gap (memory task): where does each cell fall off?

    ``on_progress(gap index, gaps, cell)`` is called at the start of each cell and after every epoch record,
    so a caller can show progress often."""
    sweep = GapSweep(settings, gaps)
    while not sweep.finished:
        index, cell = sweep.gap_index, sweep.cell
        report = None
        if on_progress is not None:
            on_progress(index, len(sweep.gaps), cell)
            report = lambda _item, i=index, c=cell: on_progress(i, len(sweep.gaps), c)  # noqa: E731
        while not sweep.finished and (sweep.gap_index, sweep.cell) == (index, cell):
            sweep.advance(on_record=report)
    return sweep.accuracy
