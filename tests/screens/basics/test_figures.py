"""core.screens.basics.figures: numbers written in the cells, and room between the subplots."""

from __future__ import annotations

import numpy as np
import pytest

from core.screens.basics import step as basics
from core.screens.basics.figures import matrix_figure, number_text, step_products_figure, step_sum_figure


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (-0.004, "0.00"),
        (-0.0, "0.00"),
        (0.004, "0.00"),
        (-0.005001, "-0.01"),
        (-0.27, "-0.27"),
        (1.0, "1.00"),
        (0.125, "0.12"),
    ],
)
def test_numbers_round_without_a_negative_zero(value, text):
    assert number_text(value) == text


def cell_texts(fig) -> list[str]:
    return [str(text) for trace in fig.data for row in trace.text for text in np.atleast_1d(row)]


def test_no_cell_prints_negative_zero():
    """Across sizes and steps some cells hold tiny negative values (checked here); none prints as -0.00."""
    tiny_negative, texts = 0, []
    for d, hidden, t in [(4, 4, 1), (4, 4, 3), (1, 8, 3), (8, 3, 5), (2, 8, 4)]:
        step = basics.one_step(d, hidden, seed=0, time_step=t)
        for fig in (step_products_figure(step), step_sum_figure(step)):
            texts += cell_texts(fig)
            tiny_negative += sum(int(np.sum((z > -0.005) & (z < 0))) for z in (np.asarray(tr.z) for tr in fig.data))
    matrix = matrix_figure(np.array([[-0.001, 0.5], [-0.3, -0.0049]]), "m", "row", "column")
    texts += cell_texts(matrix)
    assert tiny_negative > 0  # the check below would pass trivially otherwise
    assert texts and "-0.00" not in texts and "0.00" in texts


def row_gap_pixels(fig) -> float:
    """Pixels between the bottom of the top row's plots and the top of the bottom row's."""
    layout = fig.layout
    plot_height = layout.height - layout.margin.t - layout.margin.b
    top_row_bottom = min(layout.yaxis.domain)  # subplot (1, 1)
    bottom_row_top = max(layout.yaxis4.domain)  # subplot (2, 1)
    return (top_row_bottom - bottom_row_top) * plot_height


@pytest.mark.parametrize(("d", "hidden"), [(4, 4), (1, 8), (8, 1), (8, 8)])
def test_the_axis_title_and_the_next_subplot_title_do_not_meet(d, hidden):
    """The top row's tick labels, its axis title ("input dimension (letter)") and the bottom row's subplot title
    ("W_hh (4×4)") each need about 25 px (tilted ticks about 50); the old layout left 68 px at 4×4."""
    fig = step_products_figure(basics.one_step(d, hidden, seed=0))
    needed = 80 + (28 if d == 8 else 0)
    assert row_gap_pixels(fig) >= needed - 1e-6
    titles = [a.text for a in fig.layout.annotations]
    assert titles[3].startswith("W<sub>hh</sub>") and fig.layout.xaxis.title.text == "input dimension (letter)"


def test_vectors_name_their_rows_in_the_hover_box():
    fig = step_products_figure(basics.one_step(4, 4, seed=0, time_step=2))
    hovers = [trace.hovertemplate for trace in fig.data]
    assert "input dimension: %{customdata[1]}" in hovers[1] and "hidden unit: %{customdata[1]}" in hovers[2]
