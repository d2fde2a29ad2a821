"""Basics: one RNN step by hand, the tensor shapes, why tanh, and how the gradient travels in time."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.screens.basics import KEY, why_tanh
from core.screens.basics import step as basics
from core.screens.basics.figures import (
    activation_figure,
    gradient_figure,
    matrix_figure,
    step_products_figure,
    step_sum_figure,
)
from core.screens.registry import screen
from core.words.i18n import _
from core.words.notes import note_link
from ui.common import chart, learner_errors, page_setup, start_page
from ui.controls import whole_number_input
from ui.links import SETUP_PROMISE, linked_settings

start_page()  # before any word: it sets this run's language

BIND = "query-params"

SIZE_MIN, SIZE_MAX = basics.SIZE_RANGE
DISTANCE = 50  # the gradient section's metrics and caption read the curve this many steps back

page_setup(
    _("Basics: the RNN cell, step by step"),
    _(
        "An RNN reads a sequence one element at a time. At every step it mixes the new input $x_t$ with its "
        "memory $h_{t-1}$ using the **same** weights, and squeezes the result through a nonlinearity. "
        "The step and the shapes below are computed live by a real `torch.nn.RNN`."
    ),
)
st.markdown(note_link(*screen(KEY).notes))


def one_step_section() -> None:
    st.header(_("One step of the cell, by hand"))
    st.markdown(
        _(
            'The word is "hello". Each letter becomes a **one-hot** vector: the vocabulary is h, e, l, o and '
            "letter $k$ gets a 1 in dimension $k$, zeros elsewhere. $h_0$ is all zeros."
        )
    )
    left, middle, right = st.columns(3)
    d = left.slider(_("Input size d"), SIZE_MIN, SIZE_MAX, 4, key="basics_input_size", bind=BIND)
    hidden = middle.slider(_("Hidden size D_h"), SIZE_MIN, SIZE_MAX, 4, key="basics_hidden_size", bind=BIND)
    seed = whole_number_input(_("Seed (draws the weights)"), 0, 9999, 0, key="basics_seed", where=right, bind=BIND)
    left, right = st.columns(2)
    nonlinearity = left.radio(
        _("Nonlinearity"), ["tanh", "relu"], horizontal=True, key="basics_nonlinearity", bind=BIND
    )
    t = right.slider(_("Time step t"), 1, len(basics.WORD), 1, key="basics_time_step", bind=BIND)
    if d < len(basics.VOCABULARY):
        st.info(
            _(
                "With d = {d} only {letters} get a dimension. The other letters become the zero vector: at those "
                "steps the cell sees only its bias and its memory."
            ).format(d=d, letters=", ".join(basics.vocabulary_for(d)))
        )
    elif d > len(basics.VOCABULARY):
        st.info(
            _("With d = {d} dimensions {first}–{d} are always 0 for this word.").format(
                d=d, first=len(basics.VOCABULARY) + 1
            )
        )

    step = basics.one_step(d, hidden, seed, nonlinearity, t)
    act = r"\tanh" if nonlinearity == "tanh" else r"\mathrm{relu}"
    st.latex(rf"h_t = {act}\left(W_{{xh}}\,x_t + W_{{hh}}\,h_{{t-1}} + b\right), \qquad b = b_{{ih}} + b_{{hh}}")
    st.markdown(
        _(
            "Step **t = {t}** reads the letter **'{letter}'**. Shapes: $W_{{xh}}$ is {hidden}×{d} "
            "(`weight_ih_l0`), $W_{{hh}}$ is {hidden}×{hidden} (`weight_hh_l0`), $x_t$ has {d} entries, "
            "$h_{{t-1}}$ and $h_t$ have {hidden}."
        ).format(t=t, letter=step.letter, hidden=hidden, d=d)
    )
    chart(
        step_products_figure(step),
        _("A one-hot x_t just picks one column of W_xh (the letter's column); W_hh mixes the whole memory."),
        key="basics_products_chart",
    )
    chart(
        step_sum_figure(step),
        _("Add the two products and the bias, then {function} acts on each unit separately.").format(
            function=nonlinearity
        ),
        key="basics_sum_chart",
    )
    st.markdown(_("**Try it by hand** for the first hidden unit (numbers rounded to 3 decimals):"))
    st.latex(basics.unit_arithmetic(step, 0))
    st.metric(
        _("Largest |hand − nn.RNN| over all 5 steps and units"),
        f"{step.max_abs_diff:.1e}",
        help=_("The hand computation runs the formula step by step from the module's own weights."),
    )
    units = [_("unit {number}").format(number=i + 1) for i in range(hidden)]
    table = pd.DataFrame(step.hand_outputs, columns=units)
    table.insert(0, _("letter"), list(basics.WORD))
    table.insert(0, "t", range(1, len(basics.WORD) + 1))
    st.caption(_("h_t for every step, computed by hand (nn.RNN's output agrees to the difference above):"))
    st.dataframe(table.round(4), hide_index=True)


def shapes_section() -> None:
    st.header(_("Shapes"))
    words = ", ".join(f'"{w}"' for w in basics.BATCH_WORDS)
    st.markdown(
        _("A batch of three words ({words}), one-hot with input size 4, run through `nn.RNN`.").format(words=words)
    )
    left, middle, right = st.columns(3)
    batch_first = left.toggle("batch_first", value=True, key="basics_batch_first", bind=BIND)
    layers = middle.slider("num_layers", 1, basics.LAYERS_RANGE[1], 1, key="basics_num_layers", bind=BIND)
    hidden = right.slider("hidden_size", SIZE_MIN, SIZE_MAX, 2, key="basics_shapes_hidden", bind=BIND)
    shapes = basics.rnn_shapes(batch_first, layers, hidden)
    headers = {"tensor": _("tensor"), "shape": _("shape"), "axes": _("axes"), "holds": _("holds")}
    st.dataframe(pd.DataFrame(shapes.rows).rename(columns=headers), hide_index=True)
    sentences = [
        _(
            "`{slice}` (the top layer at the last step) equals `h_n[-1]`: largest difference **{difference:.1e}**. "
            "`batch_first` swaps the first two axes of input and output only; `h_n` is always (layers, batch, "
            "hidden)."
        ).format(slice=shapes.last_step_slice, difference=shapes.max_abs_diff)
    ]
    if layers > 1:
        sentences.append(_("Lower layers' final states `h_n[0]`…`h_n[-2]` are not in `output`."))
    st.markdown(" ".join(sentences))
    st.graphviz_chart(basics.unrolled_dot(len(basics.WORD), layers, hidden, batch_first))
    st.caption(
        _(
            "The network unrolled through time: the same cell (same weights) at every step of a layer; "
            "orange arrows carry h_t to the next step, each layer's output is the next layer's input."
        )
    )


def nonlinearity_section() -> None:
    st.header(_("Why a nonlinearity"))
    st.markdown(
        _(
            "Stack the linear map $h(x) = c\\,x$ three times: $h(h(h(x))) = c^3 x$, again one linear map. "
            "With matrices it is the same: three linear layers are one matrix $W_3W_2W_1$, so depth buys nothing. "
            "A nonlinearity such as tanh breaks that."
        )
    )
    collapse = why_tanh.linear_collapse()
    left, right = st.columns(2)
    left.metric(_("Linear stack vs the one matrix W₃W₂W₁: largest difference"), f"{collapse.linear_max_diff:.1e}")
    right.metric(
        _("tanh stack vs the best single matrix: largest difference"),
        f"{collapse.tanh_max_diff:.2f}",
        help=_("The tanh stack's outputs reach ±{reach:.2f}.").format(reach=collapse.tanh_output_range),
    )
    st.caption(_("256 random 4-dimensional inputs; the linear difference is float rounding, i.e. the same map."))
    with st.expander(_("The single matrix W₃W₂W₁ that replaces the three linear layers")):
        chart(
            matrix_figure(
                collapse.product, _("W₃W₂W₁: one matrix, same outputs as three layers"), _("row"), _("column")
            ),
            _("Multiply any input by this matrix and you get the linear stack's output exactly."),
            key="basics_product_chart",
        )
    chart(
        activation_figure(why_tanh.activation_curves()),
        _("tanh's slope is 1 only at 0 and nearly 0 once |a| > 3 (saturation); ReLU's slope is exactly 0 or 1."),
        key="basics_activation_chart",
    )


def gradient_section() -> None:
    st.header(_("How the gradient travels back through time"))
    st.markdown(
        _(
            "Training step $t$ needs $\\partial h_T / \\partial h_t$: going back one step multiplies it by "
            "$W_{hh}$ and by the nonlinearity's slope. The **spectral radius** of $W_{hh}$ (its largest "
            "|eigenvalue|) says how much $W_{hh}$ stretches, so over $T - t$ steps the gradient behaves like "
            "radius$^{T-t}$: below 1 it vanishes, above 1 it explodes, unless the slope is below 1. Here: a random "
            "cell with 16 units, positive recurrent weights scaled to the radius, T = 60 small random inputs."
        )
    )
    left, right = st.columns(2)
    radius = left.slider(_("Spectral radius of W_hh"), 0.5, 1.5, 0.9, step=0.05, key="basics_radius", bind=BIND)
    nonlinearity = right.radio(
        _("Nonlinearity"), ["tanh", "relu"], horizontal=True, key="basics_grad_nonlinearity", bind=BIND
    )
    travel = why_tanh.gradient_through_time(radius, nonlinearity)
    chart(
        gradient_figure(travel),
        why_tanh.gradient_reading(travel, DISTANCE),
        key="basics_gradient_chart",
    )
    cols = st.columns(3)
    cols[0].metric(_("‖∂h_T/∂h_t‖ at distance {distance}").format(distance=DISTANCE), f"{travel.norms[DISTANCE]:.2e}")
    cols[1].metric(f"{radius:.2f}^{DISTANCE}", f"{travel.reference[DISTANCE]:.2e}")
    cols[2].metric(_("Average slope of {function}").format(function=nonlinearity), f"{travel.mean_slope:.2f}")
    st.caption(why_tanh.gradient_conclusion(travel, DISTANCE))  # vanishing, exploding or neither: as the chart


# Every control in the link (ui.links), with its default: Basics has no settings class, so no preset either.
LINK = dict(
    input_size=4,
    hidden_size=4,
    seed=0,
    nonlinearity="tanh",
    time_step=1,
    batch_first=True,
    num_layers=1,
    shapes_hidden=2,
    radius=0.9,
    grad_nonlinearity="tanh",
)
with linked_settings(KEY, None, (), also=LINK, caveat=lambda: _(SETUP_PROMISE)):  # Basics trains nothing
    for section in (one_step_section, shapes_section, nonlinearity_section, gradient_section):
        with learner_errors():
            section()
