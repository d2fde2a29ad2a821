"""One loss chart (issue 25, part 4): every screen's loss over training comes from ``core.charts.loss.loss_chart``, so
the screens differ in data only: the same hover, line look, marks and fixed x range everywhere."""

from __future__ import annotations

import json

import pytest

import core.charts.loss
from core.charts.loss import cell_curves, loss_chart, split_curves
from core.charts.style import CELL_COLORS, PALETTE
from core.screens.registry import training_screens
from tests.conftest import visit

LOSS_CHARTS = {  # screen: its loss chart's title, and the curves it draws
    "hihello": ("Loss per epoch", {"training"}),
    "long_sequences": ("Loss per epoch", {"training"}),
    "time_series": ("Loss per epoch", {"training"}),
    "rnn_vs_lstm_gru": ("Training loss per step", {"RNN", "LSTM", "GRU"}),
}
SCREENS = [(entry.page, *LOSS_CHARTS[entry.key]) for entry in training_screens()]  # page, title, curves


def signature(layout: dict, traces: list[dict]) -> tuple:
    """What tells one chart from another: the words, the axes, and each line's name, colour, width and hover."""
    return (
        layout["title"]["text"],
        layout["xaxis"]["title"]["text"],
        layout["yaxis"]["title"]["text"],
        json.dumps(layout["xaxis"].get("range")),
        tuple((t["name"], t["line"]["color"], t["line"]["width"], t["hovertemplate"]) for t in traces),
    )


@pytest.mark.parametrize(("page", "title", "names"), SCREENS)
def test_every_screens_loss_chart_comes_from_the_one_builder(monkeypatch, page, title, names):
    built = []

    def spy(*args, **kwargs):
        fig = loss_chart(*args, **kwargs)
        spec = fig.to_plotly_json()
        built.append(signature(spec["layout"], spec["data"]))
        return fig

    monkeypatch.setattr(core.charts.loss, "loss_chart", spy)
    at = visit(page)
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    drawn = [spec for spec in specs if spec["layout"]["title"]["text"] == title]
    assert len(drawn) == 1, [spec["layout"]["title"]["text"] for spec in specs]
    assert signature(drawn[0]["layout"], drawn[0]["data"]) in built
    assert names <= {trace["name"] for trace in drawn[0]["data"]}


def test_the_builder_gives_cells_their_fixed_colours_and_runs_their_split_colours():
    cells = loss_chart(cell_curves({"rnn": ([1, 2], [0.7, 0.5]), "gru": ([1, 2], [0.7, 0.0])}), x_max=50)
    assert [(t.name, t.line.color) for t in cells.data] == [
        ("RNN", CELL_COLORS["rnn"]),
        ("GRU", CELL_COLORS["gru"]),
    ]
    assert cells.data[1].y == (0.7, None)  # a loss of 0 has no place on a log axis
    assert list(cells.layout.xaxis.range) == [0, 50]
    split = loss_chart(split_curves([1, 2, 3], [0.3, 0.2, 0.1], [None, 0.25, None]))
    assert [(t.name, t.line.color) for t in split.data] == [
        ("training", PALETTE["blue"]),
        ("validation", PALETTE["orange"]),
    ]
    assert split.data[1].connectgaps and split.layout.yaxis.type == "log"
    assert split.data[0].hovertemplate == cells.data[0].hovertemplate.replace("RNN", "training")


def test_a_pinned_run_is_a_grey_dashed_ghost_under_the_runs_curves():
    from core.charts.loss import GHOST_COLOUR, Ghost

    ghost = Ghost(split_curves([1, 2, 3], [1.0, 0.5, -1.0]), "pinned run (seed 3; the hidden size: 4)")
    fig = loss_chart(split_curves([1, 2], [0.9, 0.4]), ghost=ghost, x_max=3)
    first, run = fig.data
    assert first.name == "pinned run (seed 3; the hidden size: 4)" and run.name == "training"
    assert first.line.color == GHOST_COLOUR and first.line.dash == "dash" and run.line.dash is None
    assert list(first.y) == [1.0, 0.5, None]  # nothing to draw at or below 0 on a log axis
    assert "pinned run (seed 3; the hidden size: 4): %{y:.4g}" in first.hovertemplate
    two = Ghost(cell_curves({"rnn": ([1], [0.6]), "gru": ([1], [0.5])}), "pinned")  # one line per cell, named
    cells = loss_chart(cell_curves({"rnn": ([1], [0.7])}), ghost=two)
    assert [(t.name, t.showlegend) for t in cells.data] == [("pinned", True), ("pinned", False), ("RNN", None)]
    assert [t.hovertemplate.split("<br>")[1][:11] for t in cells.data[:2]] == ["pinned: RNN", "pinned: GRU"]
