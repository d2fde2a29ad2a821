"""One optimisation step taken apart, on a screen whose epoch is one step (HiHello): the next step's phases in order
(forward pass, loss per character, gradients, Adam's update, the next prediction), one at a time, then "Take this
step", which steps the run with the transport's own Step.

The phases describe the moment the run stands at (core.engine.one_step computes them on copies of the run's model and
optimiser, through the server's admission, once per moment). When the epoch control shows an earlier epoch, the view
says so and waits until it is back: one moment on screen."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import streamlit as st

from core.charts import figures
from core.charts import one_step as charts
from core.charts.colour_ranges import run_hidden_range
from core.engine.one_step import (
    PHASES,
    OneStep,
    matches_session,
    prediction_reading,
    steppable,
    take_apart,
    update_reading,
)
from core.reading.text import describe
from core.words.i18n import N_, _
from ui.common import chart, markdown_literal
from ui.i18n import option_labels
from ui.live import LiveRun

# ui.live's callback of the transport's buttons: "Take this step" is the Step button's own press, never a copy of it.
from ui.live import _set_mode as press_transport
from ui.training_views import cached_at, computed

PHASE_TITLES = {
    "forward": N_("1. Forward pass: the inputs and the hidden states"),
    "loss": N_("2. The loss of each character, and their mean"),
    "gradient": N_("3. Backward pass: the gradient of each weight tensor"),
    "update": N_("4. The update: Adam moves every weight"),
    "prediction": N_("5. The next prediction, at the updated weights"),
}
UPDATE_VIEWS = {"before": N_("before"), "after": N_("after"), "change": N_("change (after − before)")}
ADAM_LINE = N_(
    "Adam's step is not learning rate × gradient: it divides a running average of the gradient by the root of a "
    "running average of its square, so a weight moves by up to about the learning rate (by exactly that at the "
    "first step), however small its gradient."
)


def one_step_section(key: str, run: LiveRun) -> None:
    """The expander "One optimisation step, taken apart", for a run whose task is a character task (``run.screen.task``:
    its vocabulary, input and target text)."""
    with st.expander(_("One optimisation step, taken apart"), expanded=False):
        taken_note(key, run)
        session = run.session
        if run.playing:
            st.caption(_("Pause the run to take its next optimisation step apart."))
            return
        if run.finished:
            st.caption(_("The run has ended: there is no next step to take apart. Press Reset for a new run."))
            return
        if not steppable(session):
            st.caption(_("Here an epoch is more than one optimisation step: Step trains a whole epoch."))
            return
        if run.shown_epoch != run.epoch:
            st.info(
                _(
                    "The next step starts from the run's current epoch, {epoch}; the views show epoch {shown}. Move "
                    "the epoch control back to {epoch} to take that step apart."
                ).format(epoch=run.epoch, shown=run.shown_epoch)
            )
            return
        step = the_step(run)
        shown = shown_phases(key, run, step)
        st.markdown(
            _(
                "The run stands at epoch {epoch}. Its next optimisation step (epoch {next}) is computed here on a copy "
                "of the network and of Adam's state; the run itself is not touched until you take the step."
            ).format(epoch=step.epoch, next=step.epoch + 1)
        )
        if step.stopped:
            st.warning(_("At this step the loss or the gradient is no longer finite: the run would stop, unchanged."))
        task = run.screen.task
        draw = {
            "forward": lambda: forward_phase(key, run, step),
            "loss": lambda: loss_phase(key, step, task),
            "gradient": lambda: gradient_phase(key, run, step, task),
            "update": lambda: update_phase(key, run, step, task),
            "prediction": lambda: prediction_phase(key, step, task),
        }
        for phase in PHASES[:shown]:
            st.markdown(f"**{_(PHASE_TITLES[phase])}**")
            draw[phase]()
        columns = st.columns(3)
        columns[0].button(
            _("Next phase"),
            key=f"{key}_one_step_next",
            on_click=reveal,
            args=(key, moment(run), shown + 1),
            disabled=shown >= len(PHASES),
        )
        columns[1].button(
            _("Show all"),
            key=f"{key}_one_step_all",
            on_click=reveal,
            args=(key, moment(run), len(PHASES)),
            disabled=shown >= len(PHASES),
        )
        columns[2].button(
            _("Take this step"),
            key=f"{key}_one_step_take",
            type="primary",
            on_click=take,
            args=(key, run.number, step),
            disabled=step.stopped,
            help=_("Step the run one epoch, as the Step button does: its weights become the “after” shown here."),
        )


def moment(run: LiveRun) -> tuple:
    """The moment the phases are about: the run, its epoch and the learning rate of its next step."""
    return run.number, run.epoch, run.session.learning_rate


def the_step(run: LiveRun) -> OneStep:
    """The next step of the run's session, once per moment, computed in the server's turn."""
    session = run.session
    return cached_at(
        run, "one_step", (session.epoch, session.learning_rate), lambda: computed(run, lambda: take_apart(session))
    )


def shown_phases(key: str, run: LiveRun, step: OneStep) -> int:
    """How many phases the learner has revealed at this moment: one at a new moment."""
    held = st.session_state.get(f"{key}_one_step_phase")
    return held[1] if held is not None and held[0] == moment(run) else 1


def reveal(key: str, at: tuple, count: int) -> None:
    st.session_state[f"{key}_one_step_phase"] = (at, min(count, len(PHASES)))


def take(key: str, number: int, step: OneStep) -> None:
    """Keep what was shown, then press the transport's Step (one epoch: one optimisation step here)."""
    st.session_state[f"{key}_one_step_taken"] = (number, step)
    press_transport(key, "stepping")


def taken_note(key: str, run: LiveRun) -> None:
    """After "Take this step": the run stands at the next epoch, and whether its weights are the "after" shown."""
    taken = st.session_state.get(f"{key}_one_step_taken")
    if taken is None or taken[0] != run.number or run.epoch != taken[1].epoch + 1:
        return
    step = taken[1]
    if matches_session(step, run.session):
        st.success(
            _(
                "Step taken: the run stands at epoch {epoch}, and its weights equal the “after” shown for that step, "
                "bit for bit."
            ).format(epoch=run.epoch)
        )
    else:
        st.warning(
            _("The run stands at epoch {epoch}, but its weights differ from the “after” shown.").format(epoch=run.epoch)
        )


# -- the phases -----------------------------------------------------------------------------------------------------
def step_labels(task) -> list[str]:
    return [f"{t}: {describe(c)}" for t, c in enumerate(task.input_text, start=1)]


def forward_phase(key: str, run: LiveRun, step: OneStep) -> None:
    task = run.screen.task
    labels, characters = step_labels(task), [describe(c) for c in task.vocabulary.characters]
    chart(
        charts.inputs_figure(step.inputs[0], labels, characters, step.epoch),
        _("Each column is one character read, as a one-hot vector: a single 1 in its own row."),
        key=f"{key}_one_step_inputs",
    )
    value_range = run_hidden_range(run.history, settled=True)
    for layer, hidden in enumerate(step.hidden):
        chart(
            figures.hidden_state_figure(hidden[0], labels, layer, step.epoch, value_range=value_range),
            _("h_t mixes the character read at t with h_(t−1): these are the states the loss below is computed from."),
            key=f"{key}_one_step_hidden_{layer}",
        )


def loss_phase(key: str, step: OneStep, task) -> None:
    chart(
        charts.loss_per_character_figure(
            step.losses[0], step_labels(task), [describe(c) for c in task.target_text], step.loss, step.epoch
        ),
        _(
            "Each bar is −log of the probability the network gave the right next character; the optimiser lowers "
            "their mean, the dashed line. The tallest bars pull hardest on the weights."
        ),
        key=f"{key}_one_step_loss",
    )


def choose_tensor(key: str, step: OneStep) -> str:
    names = [tensor.name for tensor in step.tensors]
    return st.selectbox(_("Weight tensor"), names, key=f"{key}_one_step_tensor")


def tensor_labels(run: LiveRun, name: str, shape: Sequence[int], task) -> tuple[list[str], list[str]]:
    characters = [describe(c) for c in task.vocabulary.characters]
    return charts.tensor_labels(name, shape, run.session.model.config.cell, characters)


def gradient_phase(key: str, run: LiveRun, step: OneStep, task) -> None:
    table = pd.DataFrame(
        {
            _("tensor"): [tensor.name for tensor in step.tensors],
            _("shape"): [" × ".join(map(str, tensor.shape)) for tensor in step.tensors],
            _("gradient norm ‖∂L/∂W‖"): [tensor.gradient_norm for tensor in step.tensors],
        }
    )
    st.dataframe(table, hide_index=True, key=f"{key}_one_step_gradients")
    if step.clipped_from is not None:
        st.caption(
            _("The gradient's whole norm, {norm}, was clipped before the update.").format(
                norm=f"{step.clipped_from:.3g}"
            )
        )
    name = choose_tensor(key, step)
    tensor = step.tensor(name)
    rows, columns = tensor_labels(run, name, tensor.shape, task)
    chart(
        charts.tensor_figure(tensor.gradient, charts.gradient_title(name, step.epoch), _("∂L/∂W"), rows, columns),
        _(
            "Red entries would raise the loss if the weight grew, blue ones lower it; white ones barely matter at "
            "this step. The update below moves each weight roughly against its gradient's sign (Adam also "
            "remembers the gradients of earlier steps)."
        ),
        key=f"{key}_one_step_gradient",
    )


def update_phase(key: str, run: LiveRun, step: OneStep, task) -> None:
    name = st.session_state.get(f"{key}_one_step_tensor", step.tensors[0].name)
    tensor = step.tensor(name) if name in {t.name for t in step.tensors} else step.tensors[0]
    st.markdown(
        _("Learning rate of this step: **{rate}** · the tensor chosen above: **{name}**").format(
            rate=f"{step.learning_rate:g}", name=tensor.name
        )
    )
    st.caption(_(ADAM_LINE))
    st.markdown(markdown_literal(update_reading(tensor, step.learning_rate).worded()))
    rows, columns = tensor_labels(run, tensor.name, tensor.shape, task)
    titles = dict(zip(UPDATE_VIEWS, charts.update_titles(tensor.name, step.epoch), strict=True))
    weights_range = charts.shared_range(tensor.before, tensor.after)
    view = st.radio(
        _("The heatmap shows"),
        list(UPDATE_VIEWS),
        index=list(UPDATE_VIEWS).index("change"),
        format_func=option_labels(UPDATE_VIEWS),
        horizontal=True,
        key=f"{key}_one_step_update_view",
    )
    values, value_name, value_range = {
        "before": (tensor.before, _("weight"), weights_range),
        "after": (tensor.after, _("weight"), weights_range),
        "change": (tensor.change, _("change"), None),
    }[view]
    chart(
        charts.tensor_figure(values, titles[view], value_name, rows, columns, value_range),
        _(
            "Before and after share one colour range: switch between them and barely a colour moves in one step. "
            "The change has its own range: no entry moves much more than the learning rate, and one whose gradient has "
            "always been 0 does not move at all."
        ),
        key=f"{key}_one_step_update",
    )


def prediction_phase(key: str, step: OneStep, task) -> None:
    decode: Callable[[np.ndarray], str] = task.vocabulary.decode
    before, after = decode(step.predicted_before[0]), decode(step.predicted_after[0])
    target = task.target_text
    table = pd.DataFrame(
        {
            _("step"): range(1, len(target) + 1),
            _("input"): [describe(c) for c in task.input_text],
            _("target"): [describe(c) for c in target],
            _("before the step"): [describe(c) for c in before],
            _("after the step"): [describe(c) for c in after],
            _("changed?"): ["●" if b != a else "" for b, a in zip(before, after, strict=True)],
        }
    )
    st.dataframe(table, hide_index=True, key=f"{key}_one_step_prediction")
    st.markdown(markdown_literal(prediction_reading(before, after, target).worded()))
