"""The input-to-output map's figures (core.charts.influence): one fixed log colour range, no colour where no path is,
exact values on hover, one panel per cell in the cell's colour, and the chosen row on a log axis."""

import numpy as np

from core.charts.influence import LOG_RANGE, influence_heatmap, influence_row_figure, log_colour
from core.charts.style import cell_colour
from core.words.i18n import speaking

LABELS = ["1: a", "2: b", "3: c"]
VALUES = np.array([[0.5, 0.0, 0.0], [1e-9, 2.0, 0.0], [0.0, 300.0, 0.02]])  # (output step, input step)


def test_colours_are_log10_clipped_to_the_one_fixed_range():
    logged = log_colour(np.array([1e-9, 1e-3, 1.0, 1e4, np.nan, 0.0]))
    assert logged[:4].tolist() == [LOG_RANGE[0], -3.0, 0.0, LOG_RANGE[1]]
    assert np.isnan(logged[4]) and logged[5] == LOG_RANGE[0]  # an exact zero: the lowest colour


def test_heatmap_leaves_later_inputs_blank_and_hovers_exact_values():
    with speaking("en"):
        fig = influence_heatmap({"": (VALUES, (0, 1, 2))}, LABELS, 7, chosen=1)
    trace = fig.data[0]
    z = np.array(trace.z, dtype=float)
    assert np.isnan(z[0, 1:]).all() and np.isnan(z[1, 2])  # no path from a later input
    assert z[2, 1] == LOG_RANGE[1]  # 300 is beyond the range's top
    assert trace.customdata[2][1][2] == "300" and trace.customdata[1][0][2] == "1e-09"
    assert trace.customdata[0][2][2] == "no path"
    assert (fig.layout.coloraxis.cmin, fig.layout.coloraxis.cmax) == LOG_RANGE  # the same at every epoch
    assert fig.layout.title.text == "Which input step moves each output, after 7 epochs"
    assert fig.layout.xaxis.title.text == "input step s" and fig.layout.yaxis.title.text == "output step t"
    assert len(fig.layout.shapes) == 1  # the chosen output step outlined


def test_one_panel_per_cell_titled_in_its_colour():
    with speaking("en"):
        fig = influence_heatmap(
            {cell: (VALUES[2:], (2,)) for cell in ("rnn", "lstm", "gru")}, LABELS, 300, unit="step", chosen=2
        )
    assert len(fig.data) == 3
    titles = {a.text: a.font.color for a in fig.layout.annotations}
    assert titles == {"RNN": cell_colour("rnn"), "LSTM": cell_colour("lstm"), "GRU": cell_colour("gru")}
    assert fig.layout.title.text.endswith("after 300 steps")


def test_the_chosen_row_is_drawn_over_the_input_steps_on_a_log_axis():
    with speaking("en"):
        fig = influence_row_figure({"rnn": VALUES[2], "lstm": VALUES[1]}, LABELS, 1, 3)
    assert [trace.name for trace in fig.data] == ["RNN", "LSTM"]
    assert fig.data[0].line.color == cell_colour("rnn")
    assert list(fig.data[0].y) == [None, 300.0]  # steps 1…2 only; an exact 0 has no place on a log axis
    assert fig.layout.yaxis.type == "log" and "log scale" in fig.layout.yaxis.title.text
    assert fig.layout.title.text == "How much each input step moves the output at step 2, after 3 epochs"
