"""The band chart (core.charts.bands): per curve a median line over a translucent min-max band in the curve's colour,
hover with median, min and max, the legend naming the seeds; and a pinned run's ghost under it."""

from __future__ import annotations

import numpy as np

from core.charts.bands import band_figure, translucent
from core.charts.loss import GHOST_COLOUR, Curve, Ghost
from core.charts.style import CELL_COLORS
from core.runs.seeds import curve_band


def bands():
    rnn = curve_band([[2.0, 1.0, 0.5], [2.2, 1.5, 1.2], [1.8, 0.9, 0.1]], [1, 2, 3])
    lstm = curve_band([[2.0, 0.5, 0.05], [2.1, 0.6, 0.04], [1.9, 0.4, 0.02]], [1, 2, 3])
    return {"RNN": (rnn, CELL_COLORS["rnn"]), "LSTM": (lstm, CELL_COLORS["lstm"])}


def test_each_curve_is_a_median_line_over_its_min_max_band_in_its_colour():
    fig = band_figure(bands(), "Loss over seeds", "training step", "cross-entropy (log scale)")
    assert len(fig.data) == 6  # per curve: the band's upper edge, its lower edge filled up to it, the median
    for index, (label, (band, colour)) in enumerate(bands().items()):
        upper, lower, median = fig.data[3 * index : 3 * index + 3]
        assert list(upper.y) == band.high.tolist() and upper.showlegend is False
        assert list(lower.y) == band.low.tolist() and lower.fill == "tonexty"
        assert lower.fillcolor == translucent(colour) and lower.name == f"{label}: min–max over seeds"
        assert list(median.y) == band.median.tolist() and median.line.color == colour
        assert median.name == f"{label}: median of 3 seeds"
        assert np.array_equal(np.asarray(median.customdata), np.stack([band.low, band.high], axis=-1))
        assert "median" in median.hovertemplate and "min" in median.hovertemplate and "max" in median.hovertemplate
    layout = fig.layout
    assert layout.title.text == "Loss over seeds" and layout.xaxis.title.text == "training step"
    assert layout.yaxis.type == "log"
    assert translucent("#0072B2") == "rgba(0,114,178,0.18)"


def test_a_linear_band_starts_from_zero_and_one_seed_says_so():
    one = curve_band([[10.0, 50.0]], [10, 20])
    fig = band_figure({"GRU": (one, CELL_COLORS["gru"])}, "Accuracy", "training step", "correct (%)", log_y=False)
    assert fig.layout.yaxis.type != "log" and fig.layout.yaxis.rangemode == "tozero"
    assert fig.data[2].name == "GRU: median of 1 seed"


def test_a_ghost_is_drawn_grey_and_dashed_under_the_bands():
    ghost = Ghost(
        [Curve("RNN", [1, 2, 3], [2.0, 1.0, 0.8], ""), Curve("LSTM", [1, 2, 3], [2.0, 0.3, 0.1], "")], "pinned"
    )
    fig = band_figure(bands(), "Loss", "step", "loss", ghost=ghost)
    assert [t.name for t in fig.data[:2]] == ["pinned", "pinned"]  # first: the bands draw over them
    assert "pinned: LSTM: %{y:.4g}" in fig.data[1].hovertemplate
    assert all(t.line.color == GHOST_COLOUR and t.line.dash == "dash" for t in fig.data[:2])
    assert len(fig.data) == 8
