"""The figures of one optimisation step taken apart (core.charts.one_step): titles, axes, hover, labels, ranges."""

from __future__ import annotations

import numpy as np
import pytest

from core.charts import one_step as charts

STEPS = ["1: h", "2: i", "3: h"]
CHARACTERS = ["e", "h", "i"]


def test_the_inputs_are_one_hot_rows_of_characters():
    inputs = np.eye(3)[[1, 2, 1]]  # (time, characters): h, i, h
    fig = charts.inputs_figure(inputs, STEPS, CHARACTERS, epoch=4)
    assert fig.layout.title.text == "Inputs of step 5: one-hot characters"
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text == "input character"
    z = np.array(fig.data[0].z)
    assert z.shape == (3, 3) and np.array_equal(z.argmax(axis=0), [1, 2, 1])
    assert (fig.data[0].zmin, fig.data[0].zmax) == (0.0, 1.0)
    assert "input value" in fig.data[0].hovertemplate


def test_the_loss_bars_are_the_losses_and_the_line_their_mean():
    losses = np.array([0.5, 2.0, 1.1])
    fig = charts.loss_per_character_figure(losses, STEPS, ["i", "h", "e"], float(losses.mean()), epoch=0)
    assert np.array_equal(fig.data[0].y, losses)
    assert list(fig.layout.xaxis.ticktext) == ["1: h → i", "2: i → h", "3: h → e"]
    assert fig.layout.yaxis.title.text == "cross-entropy (nats)"
    assert "before step 1" in fig.layout.title.text and "after epoch 0" in fig.layout.title.text
    line = fig.layout.shapes[0]
    assert line.y0 == pytest.approx(losses.mean()) == line.y1
    assert "what the optimiser minimises" in fig.layout.annotations[0].text
    assert fig.layout.yaxis.range[1] >= 2.0 * 1.15 - 1e-9  # the tallest bar and its label fit
    assert "%{y:.4f}" in fig.data[0].hovertemplate and "target" in fig.data[0].hovertemplate


def test_tensor_labels_name_gates_units_and_characters():
    rows, columns = charts.tensor_labels("weight_ih_l0", (4 * 2, 3), "lstm", CHARACTERS)
    assert rows[::2] == ["input gate 1", "forget gate 1", "candidate 1", "output gate 1"] and rows[3] == "forget gate 2"
    assert columns == ["input e", "input h", "input i"]
    rows, columns = charts.tensor_labels("weight_hh_l1", (3 * 2, 2), "gru", CHARACTERS)
    assert rows[:3] == ["reset gate 1", "reset gate 2", "update gate 1"] and columns == ["unit 1", "unit 2"]
    rows, columns = charts.tensor_labels("bias_hh_l0", (3,), "rnn", CHARACTERS)
    assert rows == ["unit 1", "unit 2", "unit 3"] and columns == ["bias"]
    rows, columns = charts.tensor_labels("head.weight", (3, 5), "rnn", CHARACTERS)
    assert rows == CHARACTERS and columns[-1] == "unit 5"


def test_a_tensor_heatmap_is_signed_and_a_bias_is_one_column():
    change = np.array([0.01, -0.01, 0.002])
    rows, columns = charts.tensor_labels("bias_ih_l0", change.shape, "rnn")
    fig = charts.tensor_figure(change, "Adam's change", "change", rows, columns)
    z = np.array(fig.data[0].z)
    assert z.shape == (3, 1) and fig.data[0].zmid == 0.0 and fig.data[0].zmax == pytest.approx(0.01)
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text
    assert "change: %{z:.4f}" in fig.data[0].hovertemplate


def test_before_and_after_share_one_readable_range():
    before, after = np.array([[0.3, -0.41]]), np.array([[0.31, -0.42]])
    assert charts.shared_range(before, after) == (-0.42, 0.42)
    fig = charts.tensor_figure(
        before, "t", "weight", ["unit 1"], ["unit 1", "unit 2"], charts.shared_range(before, after)
    )
    assert (fig.data[0].zmin, fig.data[0].zmax) == (-0.42, 0.42)


def test_titles_count_epochs_and_steps():
    before, after, change = charts.update_titles("weight_hh_l0", 0)
    assert before == "weight_hh_l0 before: after 0 epochs" and after == "weight_hh_l0 after: after 1 epoch"
    assert change == "Adam's change to weight_hh_l0 (after − before)"
    assert charts.gradient_title("head.bias", 9) == "Gradient ∂L/∂head.bias of step 10"
