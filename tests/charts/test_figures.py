"""Axes and colours that do not mislead: readable log ticks, fixed colour ranges, distinct lines, bounded heatmaps."""

import re

import numpy as np
import plotly.graph_objects as go
import pytest

from core.charts import figures
from core.charts.axes import MAX_PLOT_PX, MAX_ROWS, log_axis, readable_number
from core.charts.colour_ranges import gate_range, hidden_state_range, probed, rounded_up, run_hidden_range
from core.charts.loss import loss_chart, split_curves
from core.engine.models import ModelConfig
from core.engine.settings import SequenceData, TrainConfig
from core.screens.basics import figures as basics_figures
from core.screens.basics.why_tanh import gradient_through_time
from core.screens.hihello.settings import HiHelloSettings
from core.screens.long_sequences import figures as sequence_figures
from core.screens.long_sequences.windows import sliding_windows
from core.screens.rnn_vs_lstm_gru import figures as comparison_figures
from core.screens.rnn_vs_lstm_gru.comparison import ComparisonSettings, compare
from tests.engine.helpers import fit

SUPERSCRIPT_DIGITS = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")


def parsed(text: str) -> float:
    """'0.3' → 0.3, '10⁻⁴' → 1e-4, '2×10⁻⁵' → 2e-5: the labels read as the numbers they stand for."""
    mantissa, _, power = text.rpartition("×") if "×" in text else ("1", "", text)
    if power.startswith("10") and len(power) > 2:
        return float(mantissa) * 10 ** int(power[2:].translate(SUPERSCRIPT_DIGITS))
    return float(text)


def log_axes(fig) -> list:
    layout = fig.layout.to_plotly_json()
    return [axis for name, axis in layout.items() if re.fullmatch(r"[xy]axis\d*", name) and axis.get("type") == "log"]


def assert_readable_log_axes(fig, at_least: int = 1) -> None:
    axes = log_axes(fig)
    assert len(axes) >= at_least
    for axis in axes:
        assert axis["exponentformat"] == "power"  # never plotly's default SI-like prefixes (µ, n, k)
        assert axis["tickmode"] == "array" and len(axis["tickvals"]) >= 2
        for value, text in zip(axis["tickvals"], axis["ticktext"], strict=True):
            assert parsed(text) == pytest.approx(value, rel=1e-6), text
            assert not re.search(r"[µnpkMG]", text), text
        low, high = axis["range"]
        assert all(low - 1e-9 <= np.log10(v) <= high + 1e-9 for v in axis["tickvals"])


@pytest.fixture(scope="module")
def hihello_runs():
    runs = {}
    for nonlinearity in ("tanh", "relu"):
        settings = HiHelloSettings(nonlinearity=nonlinearity, seed=2)
        task = settings.task()
        runs[nonlinearity] = (task, fit(settings.model_config(task), settings.data(task), settings.train_config()))
    return runs


def trained(cell: str, layers: int = 2, epochs: int = 3):
    task = sliding_windows("hello world, hello rnn", 5)
    config = ModelConfig(
        input_size=task.vocabulary.size, output_size=task.vocabulary.size, hidden_size=6, num_layers=layers, cell=cell
    )
    data = SequenceData(task.inputs, task.targets, "classify_each_step")
    return fit(config, data, TrainConfig(epochs=epochs, learning_rate=0.05, snapshot_every=1))


def test_readable_numbers_have_no_si_prefixes():
    assert [readable_number(v) for v in (0.3, 0.24, 1, 20, 0.001, 1e-4, 2e-5, 1e5, 5e-11)] == [
        "0.3",
        "0.24",
        "1",
        "20",
        "0.001",
        "10⁻⁴",
        "2×10⁻⁵",
        "10⁵",
        "5×10⁻¹¹",
    ]


def test_a_loss_of_a_quarter_reads_as_a_fraction_not_as_3():
    fig = loss_chart(split_curves(list(range(1, 101)), np.geomspace(2.0, 0.24, 100)))
    assert_readable_log_axes(fig)
    ticks = dict(zip(fig.layout.yaxis.ticktext, fig.layout.yaxis.tickvals, strict=True))
    assert ticks["0.3"] == pytest.approx(0.3) and "3" not in ticks


def test_log_axes_use_decades_on_long_ranges_and_1_2_5_on_short_ones():
    long = log_axis(np.geomspace(1e-11, 10, 50))
    decades = {f"10{e}" for e in ["⁻¹²", "⁻¹¹", "⁻¹⁰", "⁻⁸", "⁻⁶", "⁻⁴"]} | {"0.01", "1", "10", "100"}
    assert set(long["ticktext"]) <= decades
    assert len(long["tickvals"]) <= 8
    # the data's ends get a labelled tick at or beyond them: 0.15 → 0.1, 2.4 → 3
    assert log_axis([0.15, 2.4])["ticktext"] == ["0.1", "0.2", "0.3", "0.5", "1", "2", "3"]
    assert log_axis([0.012, 1.5])["ticktext"] == ["0.01", "0.02", "0.05", "0.1", "0.2", "0.5", "1", "2"]


@pytest.mark.parametrize(
    "values",
    [
        [4.1e-4, 0.076],  # Long sequences, 2 layers: layer 2 ran above the top tick (0.05), unlabelled
        [0.15, 2.4],
        [1e-11, 10],
        [3e-9, 0.7],
        [0.066, 0.077],
        [5.0, 5.0],
        [1e-3, 1e-3 * 1.0001],
    ],
)
def test_no_line_runs_past_the_last_labelled_tick(values):
    axis = log_axis(values)
    low, high = np.log10(min(values)), np.log10(max(values))
    ticks = np.log10(axis["tickvals"])
    assert ticks[0] <= low + 1e-9 and high - 1e-9 <= ticks[-1]  # the data lie between two labelled ticks
    assert axis["range"][0] <= ticks[0] and ticks[-1] <= axis["range"][1]
    assert (np.diff(ticks) > 0.06 * (axis["range"][1] - axis["range"][0])).all()  # no label prints over another
    # little blank beyond the data: half of the decade a wiggle is widened to, or the way to a round end value
    assert axis["range"][1] - high <= 0.55 and low - axis["range"][0] <= 0.55


def test_every_log_axis_of_the_app_is_readable(hihello_runs):
    task, history = hihello_runs["tanh"]
    labels = [f"{t}: {c}" for t, c in enumerate(task.input_text)]
    epochs = [r.epoch for r in history.records]
    snapshot = history.snapshots[-1]
    per_cell = {"rnn": ([1, 2, 3], [1e-9, 1e-3, 1.0]), "lstm": ([1, 2, 3], [0.5, 0.8, 1.0])}
    built = [
        loss_chart(split_curves(epochs, history.losses)),
        figures.gradient_per_step_figure(snapshot.probe.hidden_gradient_norms, labels, snapshot.epoch),
        figures.parameter_gradients_figure(epochs, [r.parameter_gradient_norms for r in history.records]),
        figures.line_chart([1, 2], {"a": [1e-5, 3e-5]}, "t", "x", "y (log scale)", log_y=True),
        comparison_figures.per_cell_lines(per_cell, "t", "step", "ratio (log scale)", log_y=True, dashed=per_cell),
        basics_figures.gradient_figure(gradient_through_time(0.9, "tanh")),
    ]
    for fig in built:
        assert_readable_log_axes(fig)


def test_the_gradient_per_step_spans_a_decade_so_a_seven_percent_wiggle_stays_small():
    norms = np.array([[0.066, 0.0662, 0.0657, 0.0770, 0.0748, 0.0685]])
    fig = figures.gradient_per_step_figure(norms, list("hihell"), epoch=100)
    low, high = fig.layout.yaxis.range
    assert high - low >= 1.0
    assert low <= np.log10(0.066) and np.log10(0.077) <= high
    assert fig.data[0].customdata[0][0] == 1  # hover counts steps from 1


def test_a_linear_loss_axis_starts_at_zero():
    fig = loss_chart(split_curves([1, 2, 3], [0.076, 0.070, 0.066]), log_y=False)
    assert fig.layout.yaxis.rangemode == "tozero"


def test_hidden_state_colours_keep_tanh_range_at_every_epoch(hihello_runs):
    task, history = hihello_runs["tanh"]
    value_range = run_hidden_range(history)
    assert value_range == (-1.0, 1.0)
    first, last = history.snapshots[0], history.snapshots[-1]
    assert np.abs(first.probe.hidden[0]).max() < 0.9  # the case that used to be stretched to full colour
    specs = [
        figures.hidden_state_figure(
            s.probe.hidden[0][0], list(task.input_text), 0, s.epoch, value_range=value_range
        ).data[0]
        for s in (first, last)
    ]
    assert [(spec.zmin, spec.zmax, spec.zmid) for spec in specs] == [(-1.0, 1.0, 0.0)] * 2
    assert figures.hidden_state_figure(last.probe.hidden[0][0], list("hihell"), 0, 1).data[0].zmin == -1.0  # default
    assert "−1 to 1" in figures.hidden_state_caption(value_range)


def test_a_relu_state_gets_one_range_for_the_whole_run(hihello_runs):
    task, history = hihello_runs["relu"]
    value_range = run_hidden_range(history)
    largest = max(float(np.max(s.probe.hidden[0])) for s in history.snapshots)
    assert value_range[0] == 0.0 and largest <= value_range[1] <= 1.01 * largest
    specs = [
        figures.hidden_state_figure(
            s.probe.hidden[0][0], list(task.input_text), 0, s.epoch, value_range=value_range
        ).data[0]
        for s in (history.snapshots[0], history.snapshots[-1])
    ]
    assert specs[0].zmin == specs[1].zmin == 0.0 and specs[0].zmax == specs[1].zmax == value_range[1]
    caption = figures.hidden_state_caption(value_range)
    assert "ReLU" in caption and "±1" not in caption
    assert hidden_state_range("lstm", "relu") == hidden_state_range("gru", "tanh") == (-1.0, 1.0)


def test_probabilities_and_gates_keep_their_natural_range(hihello_runs):
    task, history = hihello_runs["tanh"]
    outputs = history.snapshots[0].probe.outputs[0]
    probabilities = np.exp(outputs) / np.exp(outputs).sum(axis=1, keepdims=True)
    spec = figures.probabilities_figure(probabilities, list(task.input_text), list("ehilo"), 0).data[0]
    assert (spec.zmin, spec.zmax) == (0.0, 1.0)
    forget = np.linspace(0.8, 1.0, 40).reshape(8, 5)  # an open forget gate must not look closed
    spec = comparison_figures.gate_figure(forget, list("abcdefgh"), "forget", "lstm", signed=False).data[0]
    assert (spec.zmin, spec.zmax) == (0.0, 1.0)
    spec = comparison_figures.gate_figure(forget - 0.9, list("abcdefgh"), "candidate", "lstm", signed=True).data[0]
    assert (spec.zmin, spec.zmax, spec.zmid) == (-1.0, 1.0, 0.0)
    assert gate_range("cell state c_t", np.array([0.2, -0.5])) == (-1.0, 1.0)
    assert gate_range("cell state c_t", np.array([2.345])) == (-2.4, 2.4)


def test_gate_colours_of_a_trained_lstm_are_the_same_range_before_and_after():
    _, results = compare(ComparisonSettings(gap=5, steps=5, hidden_size=8, test_sequences=16), cells=["lstm"])
    result = results["lstm"]
    ranges = {
        (spec.zmin, spec.zmax)
        for snapshot in (result.at_initialisation, result.after_training)
        for spec in [
            comparison_figures.gate_figure(
                snapshot.probe.gates[0]["forget"][0], list("x" * 7), "forget", "lstm", False
            ).data[0]
        ]
    }
    assert ranges == {(0.0, 1.0)}


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_equal_bias_gradients_share_one_labelled_line(cell):
    history = trained(cell)
    for record in history.records:
        norms = record.parameter_gradient_norms
        assert norms["bias_ih_l0"] == pytest.approx(norms["bias_hh_l0"], rel=1e-5)
    fig = figures.parameter_gradients_figure(
        [r.epoch for r in history.records], [r.parameter_gradient_norms for r in history.records]
    )
    names = [trace.name for trace in fig.data]
    assert "bias_ih_l0 = bias_hh_l0" in names and "bias_ih_l1 = bias_hh_l1" in names
    assert not {"bias_ih_l0", "bias_hh_l0"} & set(names)
    assert "share one line" in figures.parameter_gradients_caption(names)


def test_a_gru_keeps_both_biases_and_ten_tensors_get_ten_distinct_lines():
    history = trained("gru")
    fig = figures.parameter_gradients_figure(
        [r.epoch for r in history.records], [r.parameter_gradient_norms for r in history.records]
    )
    names = [trace.name for trace in fig.data]
    assert len(names) == 10 and "bias_hh_l1" in names  # a GRU's b_hn sits inside the reset gate: it differs
    assert len({(trace.line.color, trace.line.dash) for trace in fig.data}) == 10
    assert "share one line" not in figures.parameter_gradients_caption(names)
    assert "dash = which layer" in figures.parameter_gradients_caption(names)


def test_many_lines_without_a_layer_pattern_stay_distinct():
    series = {f"series {i}": [1.0, 2.0] for i in range(12)}
    fig = figures.line_chart([1, 2], series, "t", "x", "y")
    assert len({(trace.line.color, trace.line.dash) for trace in fig.data}) == 12


def test_every_row_of_a_30_row_heatmap_is_labelled():
    fig = figures.hidden_state_figure(np.zeros((7, 30)), list("abcdefg"), 0, 0)
    assert list(fig.layout.yaxis.tickvals) == list(range(30))
    assert fig.layout.yaxis.ticktext[0] == "unit 1" and fig.layout.yaxis.ticktext[-1] == "unit 30"
    assert fig.layout.height <= MAX_PLOT_PX + 110


def test_a_256_unit_heatmap_is_capped_in_height_and_says_what_it_shows():
    fig = figures.hidden_state_figure(np.zeros((10, 256)), [str(t) for t in range(10)], 0, 5)
    assert fig.layout.height <= MAX_PLOT_PX + 110
    assert len(fig.data[0].z) == MAX_ROWS and len(fig.layout.yaxis.tickvals) == MAX_ROWS
    assert f"first {MAX_ROWS} of 256 units shown" in fig.layout.title.text
    gates = comparison_figures.gate_figure(np.full((7, 38), 0.5), list("abcdefg"), "update", "gru", False)
    assert len(gates.layout.yaxis.tickvals) == 38 and gates.layout.height < 620  # a GRU of 38 units, compact


def test_text_grids_count_characters_from_one():
    fig = sequence_figures.readback_figure("hellp", "hello", epoch=3)
    assert fig.layout.yaxis.ticktext[0] == "1–5"
    assert fig.data[0].customdata[0][0].startswith("character 1:")
    neuron = sequence_figures.neuron_figure("hello", np.array([0.1, -0.2, 0.3, 0.4]), layer=0, unit=0)
    assert neuron.layout.title.text.startswith("Hidden unit 1 of layer 1")


def test_while_a_relu_run_trains_its_range_probes_no_extra_snapshot():
    settings = HiHelloSettings(nonlinearity="relu", seed=2, epochs=40)
    task = settings.task()
    history = fit(settings.model_config(task), settings.data(task), settings.train_config())
    shown = float(np.max(history.snapshots[-1].probe.hidden[0]))  # the view looks at the newest snapshot first
    training = run_hidden_range(history, settled=False)
    assert training == (0.0, rounded_up(shown))
    assert [probed(s) for s in history.snapshots].count(True) == 1
    assert run_hidden_range(history, settled=True)[1] >= training[1]
    assert all(probed(s) for s in history.snapshots)


def test_linear_axes_print_plain_numbers_not_si_prefixes():
    figs = [
        figures.accuracy_figure(list(range(0, 5001, 1000)), [0.1] * 6),
        loss_chart(split_curves([1, 2, 3], [2e-4, 1e-4, 5e-5]), log_y=False),
        sequence_figures.position_accuracy_figure([0, 10], np.full((2, 5), 0.5)),
    ]
    for fig in figs:
        assert fig.layout.xaxis.exponentformat == "none" and fig.layout.yaxis.exponentformat == "none"
        assert fig.layout.xaxis.separatethousands
    colorbar = figures.hidden_state_figure(np.zeros((3, 2)), list("abc"), 0, 0).data[0].colorbar
    assert colorbar.exponentformat == "power"


def test_a_large_vocabulary_keeps_the_likely_characters_not_the_first_ones():
    classes = 120
    probabilities = np.full((4, classes), 0.1 / classes)
    probabilities[:, 100] = 0.9  # the predicted character sits far down the vocabulary
    labels = [f"c{i}" for i in range(classes)]
    fig = figures.probabilities_figure(probabilities, list("abcd"), labels, epoch=7)
    assert "c100" in fig.layout.yaxis.ticktext and len(fig.layout.yaxis.tickvals) == MAX_ROWS
    assert f"the {MAX_ROWS} of {classes} characters most likely" in fig.layout.title.text
    assert fig.layout.height <= MAX_PLOT_PX + 110


def test_marks_are_drawn_in_one_update_and_at_most_max_marks():
    """A forged saved run held 20,000 learning-rate changes: one add_vline each cost the square of their number."""
    from core.charts.figures import MAX_MARKS, mark_changes

    fig = go.Figure(go.Scatter(x=[0, 1000], y=[1, 2]))
    marks = [(i + 0.5, f"lr → {i}") for i in range(5 * MAX_MARKS)]
    mark_changes(fig, marks, 1000)
    assert [shape.x0 for shape in fig.layout.shapes] == [x for x, _ in marks[-MAX_MARKS:]]
    assert [a.text for a in fig.layout.annotations] == [label for _, label in marks[-MAX_MARKS:]]
    assert all(shape.x0 == shape.x1 and shape.yref == "paper" for shape in fig.layout.shapes)
    few = mark_changes(go.Figure(), [(10.5, "lr → 0.03")])
    assert [(s.x0, a.text) for s, a in zip(few.layout.shapes, few.layout.annotations, strict=True)] == [
        (10.5, "lr → 0.03")
    ]
