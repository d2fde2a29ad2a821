"""A long text as sliding windows: windowing, reading the sentence back, generation.

The seed's second lab: the text is cut into every window of ``sequence_length`` characters; each
window's target is the same window shifted by one character. The model's predictions for all windows
are read back as one sentence: the first window's prediction, then the last character of every later
window (each adds the one new character it predicts).
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import Tensor

from core import PROJECT_ROOT
from core.engine.models import ModelConfig, SequenceModel
from core.engine.objectives import probabilities
from core.engine.probes import probe_indices
from core.engine.records import EpochRecord
from core.engine.session import TrainingSession
from core.engine.settings import SequenceData, TrainConfig
from core.reading.text import Vocabulary, in_running_text, validate_text
from core.reading.validation import MAX_SEED, whole_number
from core.words.errors import InputError
from core.words.i18n import N_
from core.words.message import said_plural

# The lab's sentence (the study note's RNN_longseq notebook), in English whatever the page's language: it is the
# data the network learns, not a message, so it lives with the other sample data. Same text, same runs and links.
SEED_SENTENCE = (PROJECT_ROOT / "data" / "seed_sentence.txt").read_text("utf-8").rstrip("\n")
MAX_TEXT_LENGTH = 1000
MIN_SEQUENCE_LENGTH, MAX_SEQUENCE_LENGTH = 2, 50
MAX_GENERATED = 1000


@dataclass(frozen=True)
class WindowTask:
    """Every window of a text and its one-step-shifted target, as class ids."""

    text: str
    vocabulary: Vocabulary
    sequence_length: int
    input_ids: np.ndarray  # (windows, time)
    target_ids: np.ndarray  # (windows, time)

    @property
    def windows(self) -> int:
        return int(self.input_ids.shape[0])

    @property
    def target_text(self) -> str:
        """What the read-back sentence should say: the text without its first character."""
        return self.text[1:]

    @property
    def inputs(self) -> Tensor:
        return self.vocabulary.one_hot(torch.from_numpy(self.input_ids))  # (windows, time, vocabulary)

    @property
    def targets(self) -> Tensor:
        return torch.from_numpy(self.target_ids).long()  # (windows, time)

    def window(self, index: int) -> tuple[str, str]:
        """Input and target text of one window."""
        start = int(index)
        return self.text[start : start + self.sequence_length], self.text[start + 1 : start + 1 + self.sequence_length]

    def data(self, probe_indices: np.ndarray | None = None) -> SequenceData:
        """The training data; snapshots look inside the windows ``probe_indices`` (default: all)."""
        inputs, targets = self.inputs, self.targets
        probe_inputs, probe_targets = inputs, targets
        if probe_indices is not None:
            index = torch.as_tensor(np.asarray(probe_indices), dtype=torch.long)
            probe_inputs, probe_targets = inputs[index], targets[index]
        return SequenceData(inputs, targets, "classify_each_step", probe_inputs, probe_targets)


def check_sequence_length(sequence_length: int) -> int:
    if not MIN_SEQUENCE_LENGTH <= int(sequence_length) <= MAX_SEQUENCE_LENGTH:
        raise InputError(
            N_("The sequence length must be between {low} and {high} characters (got {value})."),
            low=MIN_SEQUENCE_LENGTH,
            high=MAX_SEQUENCE_LENGTH,
            value=sequence_length,
        )
    return int(sequence_length)


def sliding_windows(text: str, sequence_length: int = 10, max_length: int = MAX_TEXT_LENGTH) -> WindowTask:
    """Cut ``text`` into len(text) - sequence_length windows; window i reads text[i : i + L]."""
    length = check_sequence_length(sequence_length)
    if text is not None and 0 < len(text) < length + 1:
        raise InputError(
            said_plural(
                "The text has {count} character, but a window of {length} characters needs at least {needed}: "
                "one window plus the character it predicts. Type a longer text or choose a shorter sequence length.",
                "The text has {count} characters, but a window of {length} characters needs at least {needed}: "
                "one window plus the character it predicts. Type a longer text or choose a shorter sequence length.",
                len(text),
                length=length,
                needed=length + 1,
            )
        )
    validate_text(text, "text", length + 1, max_length)
    vocabulary = Vocabulary.from_text(text)
    ids = np.asarray(vocabulary.encode(text), dtype=np.int64)
    starts = np.arange(len(text) - length)[:, None]  # (windows, 1)
    offsets = np.arange(length)[None, :]  # (1, time)
    return WindowTask(text, vocabulary, length, ids[starts + offsets], ids[starts + offsets + 1])


def assemble(per_window: np.ndarray) -> np.ndarray:
    """(windows, time, …) → (windows + time - 1, …): the first window whole, then each later window's last step.

    Window i's step t reads text[i + t]; the assembled row p therefore belongs to input character p.
    """
    per_window = np.asarray(per_window)
    return np.concatenate([per_window[0], per_window[1:, -1]], axis=0)


def read_back(task: WindowTask, predictions: np.ndarray) -> str:
    """The sentence as the model reads it back from per-window predictions (windows, time)."""
    return task.vocabulary.decode(assemble(predictions))


def character_accuracy(predicted_ids: np.ndarray, target_ids: np.ndarray) -> float:
    predicted_ids, target_ids = np.asarray(predicted_ids), np.asarray(target_ids)
    return float(np.mean(predicted_ids == target_ids)) if target_ids.size else 0.0


def accuracy_per_position(predictions: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """(windows, time) predictions and targets → (time,) share right at each position inside the window."""
    return np.mean(np.asarray(predictions) == np.asarray(targets), axis=0)


@dataclass
class ReadBackLog:
    """Per epoch: the read-back sentence (as ids) and the accuracy at each window position.

    Kept instead of every epoch's full predictions, which grow as epochs × windows × time.
    """

    epochs: list[int] = field(default_factory=list)
    ids: list[np.ndarray] = field(default_factory=list)  # each (len(text) - 1,)
    position_accuracy: list[np.ndarray] = field(default_factory=list)  # each (time,)
    accuracy: list[float] = field(default_factory=list)  # read-back characters right

    def add(self, task: WindowTask, record: EpochRecord) -> None:
        ids = assemble(record.predictions).astype(np.int32)
        self.epochs.append(record.epoch)
        self.ids.append(ids)
        self.position_accuracy.append(accuracy_per_position(record.predictions, task.target_ids))
        self.accuracy.append(character_accuracy(ids, assemble(task.target_ids)))

    def text_at(self, task: WindowTask, epoch: int) -> str:
        return task.vocabulary.decode(self.ids[self.epochs.index(epoch)])

    def state_dict(self) -> dict:
        """The log as plain data (what a saved run holds, core.runs.state); ``load_state_dict`` puts it back."""
        return {
            "epochs": list(self.epochs),
            "ids": [ids.tolist() for ids in self.ids],
            "position_accuracy": [values.tolist() for values in self.position_accuracy],
            "accuracy": list(self.accuracy),
        }

    def load_state_dict(self, state: dict) -> None:
        """Put back what ``state_dict`` wrote (from a file, checked first by core.runs.state)."""
        self.epochs, self.accuracy = list(state["epochs"]), list(state["accuracy"])
        self.ids = [np.asarray(ids, dtype=np.int32) for ids in state["ids"]]
        self.position_accuracy = [np.asarray(values, dtype=np.float64) for values in state["position_accuracy"]]


@torch.no_grad()
def unit_activations(model: SequenceModel, task: WindowTask, layer: int) -> np.ndarray:
    """Hidden state of ``layer`` after reading each input character, as the read-back uses it.

    (len(text) - 1, hidden): row p is the state that predicts character p + 1.
    """
    model.eval()
    _outputs, hidden = model(task.inputs)  # per layer (windows, time, hidden)
    return assemble(hidden[layer].cpu().numpy())


@dataclass(frozen=True)
class Generation:
    prompt: str
    generated: str  # the new characters only
    confidence: np.ndarray  # (len(generated),) the probability the model gave each chosen character


def check_generation(length: int, temperature: float) -> None:
    if not 1 <= int(length) <= MAX_GENERATED:
        raise InputError(
            N_("Generate between 1 and {most} characters (got {value})."), most=MAX_GENERATED, value=length
        )
    if not (math.isfinite(temperature) and 0 <= temperature <= 10):
        raise InputError(N_("The temperature must be between 0 and 10 (got {value})."), value=temperature)


@torch.no_grad()
def generate(
    model: SequenceModel,
    vocabulary: Vocabulary,
    prompt: str,
    length: int,
    temperature: float = 0.0,
    seed: int = 0,
    context: int = 10,
) -> Generation:
    """Continue ``prompt`` by feeding each predicted character back in.

    The model was trained on windows of ``context`` characters starting from a zero state, so each step
    reads the last ``context`` characters afresh, like one training window. Temperature 0 takes the most
    likely character (greedy, deterministic); above 0 it samples from softmax(logits / temperature),
    seeded by ``seed``: low temperatures play safe, high ones take risks.
    """
    check_generation(length, temperature)
    if not prompt:
        raise InputError(N_("The prompt is empty: type at least one character to start from."))
    try:
        ids = vocabulary.encode(prompt)
    except InputError as error:
        raise InputError(
            N_("The prompt can only use characters of the training text. {reason}"), reason=error.message
        ) from None
    generator = torch.Generator().manual_seed(whole_number(seed, N_("The sampling seed"), 0, MAX_SEED))
    model.eval()
    chosen, confidence = [], []
    for _step in range(int(length)):
        window = vocabulary.one_hot([ids[-int(context) :]])  # (1, time, vocabulary)
        outputs, _state = model(window)
        logits = outputs[0, -1].double()  # (vocabulary,)
        if temperature == 0:
            next_id = int(logits.argmax())
        else:
            weights = torch.softmax(logits / temperature, dim=-1)
            next_id = int(torch.multinomial(weights, 1, generator=generator))
        confidence.append(float(probabilities(logits.numpy())[next_id]))
        ids.append(next_id)
        chosen.append(next_id)
    return Generation(prompt, vocabulary.decode(chosen), np.asarray(confidence))


def display_width(char: str) -> int:
    """Columns a character takes in a monospace font: Korean and other wide characters take two."""
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def marked_lines(predicted: str, target: str, width: int = 60) -> str:
    """Monospace text with a line of ^ under every wrong character, wrapped every ``width`` characters."""
    lines = []
    for start in range(0, len(predicted), width):
        chunk = predicted[start : start + width]
        shown, marks = [], []
        for offset, char in enumerate(chunk):
            char = in_running_text(char)
            columns = display_width(char)
            wrong = start + offset >= len(target) or predicted[start + offset] != target[start + offset]
            shown.append(char)
            marks.append(("^" if wrong else " ") * columns)
        lines.append("".join(shown))
        if any(m.strip() for m in marks):
            lines.append("".join(marks).rstrip())
    return "\n".join(lines)


def read_back_session(
    task: WindowTask,
    model_config: ModelConfig,
    train_config: TrainConfig,
    probe_windows: np.ndarray | None = None,
    device: torch.device | None = None,
) -> tuple[TrainingSession, ReadBackLog]:
    """A training session on the windows that logs each epoch's read-back sentence instead of keeping every
    prediction (those grow as epochs x windows x time). Snapshots probe ``probe_windows`` (default: as many
    as the probe budget allows)."""
    if probe_windows is None:
        probe_windows = probe_indices(task.windows, task.sequence_length, model_config)
    log = ReadBackLog()
    session = TrainingSession(
        lambda: SequenceModel(model_config),
        task.data(probe_windows),
        train_config,
        device=device,
        keep_predictions=False,
        on_record=lambda record: log.add(task, record),
    )
    return session, log
