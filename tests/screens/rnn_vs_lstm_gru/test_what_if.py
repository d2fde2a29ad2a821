"""What-if weights on the comparison (core.screens.rnn_vs_lstm_gru.what_if): measured as the screen measures its
cells, and the issue's "Must show": an edit of the LSTM's forget-gate bias on a trained run changes its held-out
accuracy while every tensor of the run stays bit-identical."""

import pytest

from core.engine.what_if import Edit, Silence
from core.screens.rnn_vs_lstm_gru.comparison import (
    ComparisonSettings,
    build_task,
    cell_sessions,
    held_out_accuracy,
)
from core.screens.rnn_vs_lstm_gru.what_if import accuracy_at, cell_what_if, measure


def every_tensor(sessions) -> dict[str, bytes]:
    """Every tensor of the run's sessions (weights now, every snapshot, Adam's state, the generator) as bytes."""
    found = {}
    for cell, session in sessions.items():
        for name, tensor in session.state_dict()["tensors"].items():
            found[f"{cell}/{name}"] = tensor.detach().cpu().numpy().tobytes()
        for snapshot in session.history.snapshots:
            for name, tensor in snapshot.weights.items():
                found[f"{cell}/snapshot object {snapshot.epoch}/{name}"] = tensor.numpy().tobytes()
    return found


def test_the_measure_is_the_screens_own():
    settings = ComparisonSettings(gap=5, steps=3, hidden_size=8)
    task = build_task(settings)
    assert measure(task).worded() == "held-out accuracy"
    assert measure(build_task(ComparisonSettings(task="hihello", steps=3))).worded() == "training accuracy"
    sessions = cell_sessions(settings, task)
    for session in sessions.values():
        session.advance()
        weights = session.history.snapshots[-1].weights
        assert accuracy_at(session, weights, task) == held_out_accuracy(session.history, task.data)


def test_an_edit_on_a_short_run_is_measured_on_a_copy():
    settings = ComparisonSettings(gap=5, steps=20, hidden_size=8)
    task = build_task(settings)
    sessions = cell_sessions(settings, task)
    for session in sessions.values():
        session.advance()
    before = every_tensor(sessions)
    gru = sessions["gru"]
    result = cell_what_if(gru, task, gru.history.snapshots[-1].weights, Silence(0, 0), 0.5)
    assert result.sentence.worded().startswith("With unit 1 of layer 1 of the GRU silenced, held-out accuracy ")
    assert result.probe.hidden[0][:, :, 0] == pytest.approx(0.0, abs=0)
    assert every_tensor(sessions) == before


@pytest.mark.seeds
@pytest.mark.slow
def test_must_show_an_lstm_forget_bias_edit_changes_accuracy_and_never_the_run():
    """A default comparison (gap 30) trained to the end; every unit's forget-gate bias b_hh of the LSTM set to -10 on
    a copy: the forget gate closes (sigmoid(-10 + b_ih + …) ≈ 0), the first symbol is forgotten across the gap, and
    held-out accuracy falls from near 100% to about chance. The margins hold under every CPU capability (measured:
    100% → 12% here)."""
    settings = ComparisonSettings()
    assert settings.gap == 30
    task = build_task(settings)
    sessions = cell_sessions(settings, task)
    for session in sessions.values():
        session.advance()
    lstm = sessions["lstm"]
    before_tensors = every_tensor(sessions)
    before = held_out_accuracy(lstm.history, task.data)
    weights = lstm.history.snapshots[-1].weights  # the moment the screen shows once the run has finished
    result = cell_what_if(lstm, task, weights, Edit("bias_hh_l0", "forget", None, None, -10.0), before)
    assert before > 0.9
    assert result.after < 0.5
    assert result.before == before != result.after
    assert result.probe.gates[0]["forget"].max() < 0.5
    sentence = result.sentence.worded()
    assert sentence.startswith("With the LSTM's forget gate bias b_hh of every unit at -10 instead of ")
    assert sentence.endswith(f"held-out accuracy goes from {100 * before:.0f}% to {100 * result.after:.0f}%.")
    assert every_tensor(sessions) == before_tensors  # the run, bit for bit
    assert held_out_accuracy(lstm.history, task.data) == before
