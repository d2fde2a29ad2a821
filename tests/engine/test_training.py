import numpy as np
import pytest
import torch

from core.engine.models import ModelConfig, SequenceModel
from core.engine.objectives import compute_loss
from core.engine.passes import held_out_scores
from core.engine.probes import probe
from core.engine.records import Snapshot, Stopped
from core.engine.session import TrainingSession
from core.engine.settings import SequenceData, TrainConfig
from core.reading.text import next_character_task
from core.words.errors import InputError
from tests.engine.helpers import fit

HIHELLO = next_character_task("hihello")
HIHELLO_DATA = SequenceData(HIHELLO.inputs, HIHELLO.targets, "classify_each_step")
LAB_MODEL = ModelConfig(input_size=5, output_size=5, hidden_size=5, linear_head=False)


def final_prediction(history):
    return HIHELLO.vocabulary.decode(history.records[-1].predictions[0])


@pytest.mark.seeds
def test_screen_defaults_learn_hihello_within_100_epochs():
    # The HiHello screen's defaults: the lab's model with seed 2.
    history = fit(LAB_MODEL, HIHELLO_DATA, TrainConfig(epochs=100, learning_rate=0.1, seed=2))
    assert final_prediction(history) == "ihello"
    assert history.records[-1].accuracy == 1.0
    assert history.losses[-1] < history.losses[0]


@pytest.mark.seeds
def test_the_labs_own_seed_gets_stuck():
    # Measured with torch 2.13: the lab's exact setting (seed 0) stops at "ilello". The screen says so.
    history = fit(LAB_MODEL, HIHELLO_DATA, TrainConfig(epochs=100, learning_rate=0.1, seed=0))
    assert final_prediction(history) == "ilello"


def test_same_settings_give_the_same_curves():
    config = TrainConfig(epochs=30, learning_rate=0.05, seed=7, snapshot_every=5)
    model = ModelConfig(input_size=5, output_size=5, hidden_size=6, num_layers=2, cell="lstm")
    first, second = fit(model, HIHELLO_DATA, config), fit(model, HIHELLO_DATA, config)
    assert first.losses == second.losses
    assert np.array_equal(
        first.snapshots[-1].probe.hidden_gradient_norms, second.snapshots[-1].probe.hidden_gradient_norms
    )
    third = fit(model, HIHELLO_DATA, TrainConfig(epochs=30, learning_rate=0.05, seed=8, snapshot_every=5))
    assert third.losses != first.losses


def test_snapshots_at_init_every_k_and_at_the_end():
    history = fit(LAB_MODEL, HIHELLO_DATA, TrainConfig(epochs=25, snapshot_every=10))
    assert [s.epoch for s in history.snapshots] == [0, 10, 20, 25]
    assert [r.epoch for r in history.records] == list(range(1, 26))
    assert history.snapshot_at(17).epoch == 10


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_snapshot_shapes(cell):
    model = ModelConfig(input_size=5, output_size=5, hidden_size=3, num_layers=2, cell=cell)
    history = fit(model, HIHELLO_DATA, TrainConfig(epochs=3, snapshot_every=1))
    snapshot = history.snapshots[-1].probe
    assert [h.shape for h in snapshot.hidden] == [(1, 6, 3), (1, 6, 3)]  # (batch, time, hidden) per layer
    assert snapshot.hidden_gradient_norms.shape == (2, 6)  # (layers, time)
    assert set(history.records[-1].parameter_gradient_norms) >= {"weight_ih_l0", "weight_hh_l1", "head.weight"}
    assert (
        set(snapshot.gates[0])
        == {"rnn": set(), "lstm": {"input", "forget", "candidate", "output"}, "gru": {"reset", "update", "new"}}[cell]
    )
    assert (snapshot.cell_states is not None) == (cell == "lstm")


def reference_hidden_gradient(model, inputs, targets, layer_index, t):
    """dL/dh_t of one layer with fused modules only: cut the sequence at t and make h_t a leaf.

    Independent of the probe's unrolled cell formulas, so it checks them and the autograd wiring.
    """
    sequence = inputs
    for index, layer in enumerate(model.layers):
        if index != layer_index:
            sequence, _ = layer(sequence)
            continue
        head_out, state = layer(sequence[:, : t + 1])
        if isinstance(state, tuple):  # LSTM: (h, c); only h becomes the leaf, c is carried as is
            leaf = state[0].detach().requires_grad_(True)
            carried = (leaf, state[1].detach())
        else:
            leaf = state.detach().requires_grad_(True)
            carried = leaf
        tail, _ = layer(sequence[:, t + 1 :], carried) if t + 1 < sequence.shape[1] else (head_out[:, :0], None)
        sequence = torch.cat([head_out[:, :t].detach(), leaf[-1].unsqueeze(1), tail], dim=1)
    loss = compute_loss(model.read_out(sequence), targets, "classify_each_step")
    (gradient,) = torch.autograd.grad(loss, leaf)
    return float(gradient.norm())


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_gradient_per_time_step_equals_an_autograd_reference(cell):
    torch.manual_seed(3)
    model = SequenceModel(ModelConfig(input_size=5, output_size=5, hidden_size=4, num_layers=2, cell=cell))
    result = probe(model, HIHELLO.inputs, HIHELLO.targets, "classify_each_step")
    for layer_index in range(2):
        for t in range(6):
            expected = reference_hidden_gradient(model, HIHELLO.inputs, HIHELLO.targets, layer_index, t)
            assert result.hidden_gradient_norms[layer_index, t] == pytest.approx(expected, rel=1e-4, abs=1e-7)


def test_probe_does_not_touch_parameter_gradients():
    model = SequenceModel(LAB_MODEL)
    probe(model, HIHELLO.inputs, HIHELLO.targets, "classify_each_step")
    assert all(p.grad is None for p in model.parameters())


def test_probe_outputs_equal_the_fused_model():
    torch.manual_seed(0)
    model = SequenceModel(ModelConfig(input_size=5, output_size=5, hidden_size=4, num_layers=3, cell="lstm"))
    outputs, _ = model(HIHELLO.inputs)
    result = probe(model, HIHELLO.inputs, HIHELLO.targets, "classify_each_step")
    assert np.allclose(result.outputs, outputs.detach().numpy(), atol=1e-6)


def test_a_diverging_learning_rate_stops_with_a_message_and_keeps_the_last_snapshot():
    model = ModelConfig(input_size=5, output_size=5, hidden_size=64, num_layers=4, nonlinearity="relu")
    history = fit(model, HIHELLO_DATA, TrainConfig(epochs=300, learning_rate=5.0, seed=0, snapshot_every=1))
    assert isinstance(history.stopped, Stopped)
    assert "learning rate" in history.stopped.reason and "too high" in history.stopped.reason
    assert len(history.records) < 300
    assert all(np.isfinite(r.loss) for r in history.records)
    assert history.stopped.epoch in (len(history.records), len(history.records) + 1)
    assert isinstance(history.snapshots[-1], Snapshot) and np.isfinite(history.snapshots[-1].probe.loss)


class RowRecordingModel(SequenceModel):
    """The model, noting which data rows every training forward pass sees (row i carries i in its last feature)."""

    def __init__(self, config: ModelConfig, seen: list[list[int]]) -> None:
        super().__init__(config)
        self.seen = seen

    def forward(self, inputs):
        if self.training:
            self.seen.append(inputs[:, 0, -1].round().long().tolist())
        return super().forward(inputs)


@pytest.mark.parametrize("batch_size", [3, 4, 7])  # none divides the 10 sequences: the last batch is smaller
def test_mini_batches_cover_every_sequence_once_per_epoch(batch_size):
    torch.manual_seed(0)
    count = 10
    inputs = torch.nn.functional.one_hot(torch.randint(0, 4, (count, 5)), 5).float()
    inputs[:, 0, -1] = torch.arange(count).float()  # the row's number, to tell which sequences a pass saw
    targets = torch.randint(0, 4, (count, 5))
    data = SequenceData(inputs, targets, "classify_each_step")
    config = ModelConfig(input_size=5, output_size=4, hidden_size=8)
    seen: list[list[int]] = []
    session = TrainingSession(
        lambda: RowRecordingModel(config, seen), data, TrainConfig(epochs=3, batch_size=batch_size, learning_rate=0.01)
    )
    batches = -(-count // batch_size)
    for epoch in range(1, 4):
        seen.clear()
        session.advance(epochs=1)
        assert [len(rows) for rows in seen] == [batch_size] * (batches - 1) + [count - batch_size * (batches - 1)]
        assert sorted(row for rows in seen for row in rows) == list(range(count)), epoch  # each once, none skipped
        assert session.steps_done == epoch * batches
    assert session.history.records[-1].predictions.shape == (count, 5)


def test_regression_with_validation():
    torch.manual_seed(0)
    inputs = torch.randn(32, 6, 2)
    targets = inputs[:, :, 0].sum(dim=1, keepdim=True)  # (batch, horizon=1)
    data = SequenceData(
        inputs, targets, "regress_last_step", validation_inputs=inputs[:8], validation_targets=targets[:8]
    )
    history = fit(
        ModelConfig(input_size=2, output_size=1, hidden_size=16, cell="gru"),
        data,
        TrainConfig(epochs=60, learning_rate=0.02, batch_size=8),
    )
    assert history.records[-1].accuracy is None
    assert history.records[-1].validation_loss < history.records[0].validation_loss


@pytest.mark.parametrize(
    ("kwargs", "phrase"),
    [
        ({"epochs": 0}, "Epochs"),
        ({"learning_rate": 0}, "learning rate"),
        ({"learning_rate": float("nan")}, "learning rate"),
        ({"batch_size": 0}, "Batch size"),
        ({"snapshot_every": 0}, "Snapshots"),
    ],
)
def test_invalid_train_configs(kwargs, phrase):
    with pytest.raises(InputError, match=phrase):
        TrainConfig(**kwargs)


def test_fresh_batch_every_epoch_and_sparse_validation():
    calls = []

    def fresh_batch(epoch):
        calls.append(epoch)
        generator = torch.Generator().manual_seed(epoch)
        ids = torch.randint(0, 3, (16, 4), generator=generator)
        return torch.nn.functional.one_hot(ids, 3).float(), ids[:, 0]  # recall the first symbol

    shapes_inputs, shapes_targets = fresh_batch(0)
    calls.clear()
    data = SequenceData(
        shapes_inputs,
        shapes_targets,
        "classify_last_step",
        validation_inputs=shapes_inputs,
        validation_targets=shapes_targets,
        fresh_batch=fresh_batch,
    )
    history = fit(
        ModelConfig(input_size=3, output_size=3, hidden_size=8, cell="gru"),
        data,
        TrainConfig(epochs=10, learning_rate=0.05, validate_every=4),
        keep_predictions=False,
    )
    assert calls == list(range(1, 11))
    assert [r.epoch for r in history.records if r.validation_accuracy is not None] == [4, 8, 10]
    assert all(r.predictions is None for r in history.records)


def test_held_out_scores_are_the_held_out_passes_of_an_epoch_in_one_call():
    """The comparison screen scores a finished run with ``held_out_scores``: the same numbers as the run's own
    held-out passes at the same weights (its last epoch's validation)."""
    data = SequenceData(
        HIHELLO.inputs, HIHELLO.targets, "classify_each_step", validation_inputs=HIHELLO.inputs,
        validation_targets=HIHELLO.targets,
    )  # fmt: skip
    history = fit(LAB_MODEL, data, TrainConfig(epochs=5, learning_rate=0.1, seed=2))
    last = history.records[-1]
    assert held_out_scores(history.model, data.validation_inputs, data.validation_targets, data.objective) == (
        last.validation_loss,
        last.validation_accuracy,
    )
