"""What a trained text model does: one neuron across the text, and text it generates; drawn outside the live part."""

from __future__ import annotations

import streamlit as st

from core.engine.models import SequenceModel
from core.screens.long_sequences import figures as sequence_figures
from core.screens.long_sequences.windows import MAX_GENERATED, generate, unit_activations
from core.words.i18n import _
from ui.common import chart, learner_errors
from ui.controls import whole_number_input
from ui.live import LiveRun
from ui.long_sequence_views import LongSequenceRun
from ui.training_views import cached_at, computed


def neuron_section(run: LiveRun[LongSequenceRun], key: str, model: SequenceModel, epoch: int) -> None:
    """One hidden unit across the text, with ``model``: the network after ``epoch`` epochs, the epoch shown."""
    task, model_config = run.screen.task, run.screen.model_config
    st.subheader(_("One neuron across the text"))
    st.markdown(
        _(
            "In the style of Karpathy's *Visualizing and understanding recurrent networks*: pick one hidden unit "
            "and colour every character by that unit's activation right after the network reads it, with the "
            "weights after epoch {epoch}."
        ).format(epoch=epoch)
    )
    # Labels worded now, in this run's language: a format function that called _() later would speak the
    # language of whoever calls it (Streamlit's test harness, a callback), not this page's.
    layer_names = {i: _("layer {number}").format(number=i + 1) for i in range(model_config.num_layers)}
    left, right = st.columns(2)
    with left:
        layer = st.radio(
            _("Layer"),
            list(layer_names),
            format_func=layer_names.get,
            horizontal=True,
            key=f"{key}_neuron_layer",
        )
    size = model_config.layer_sizes[layer]
    with right:
        unit = st.slider(_("Hidden unit"), 1, size, 1, key=f"{key}_neuron_unit") - 1 if size > 1 else 0
    activations = cached_at(
        run, f"activations {layer}", epoch, lambda: computed(run, lambda: unit_activations(model, task, layer))
    )[:, unit]
    chart(
        sequence_figures.neuron_figure(task.text, activations, layer, unit),
        _(
            "Look for a pattern: a unit that lights up at spaces, after certain letters or inside certain words. "
            "Most units mix several jobs; try a few."
        ),
        key=f"{key}_neuron",
    )


def generation_section(run: LiveRun[LongSequenceRun], key: str, model: SequenceModel, epoch: int) -> None:
    """Text the network generates from a prompt, with ``model``: the network after ``epoch`` epochs, the epoch
    shown."""
    task = run.screen.task
    st.subheader(_("Generate text"))
    st.markdown(
        _(
            "Give the network (as trained after epoch {epoch}) a start; it predicts the next character, appends it, "
            "and reads the last {length} characters again (one window, as in training), for as many characters as "
            "you ask."
        ).format(epoch=epoch, length=task.sequence_length)
    )
    st.session_state.setdefault(f"{key}_prompt", task.text[: task.sequence_length])
    columns = st.columns([3, 2, 2, 1])
    prompt = columns[0].text_input(_("Prompt (characters of the training text)"), key=f"{key}_prompt", max_chars=200)
    length = columns[1].slider(_("Characters to generate"), 1, min(500, MAX_GENERATED), 150, key=f"{key}_length")
    temperature = columns[2].slider(
        _("Temperature"),
        0.0,
        2.0,
        0.0,
        step=0.1,
        key=f"{key}_temperature",
        help=_(
            "0 always takes the most likely character (the same text every time); higher values sample, taking "
            "more risks."
        ),
    )
    seed = whole_number_input(_("Sampling seed"), 0, 10_000, 0, key=f"{key}_sample_seed", where=columns[3])
    with learner_errors():
        result = cached_at(
            run,
            "generation",
            (epoch, prompt, length, temperature, seed),
            lambda: computed(
                run, lambda: generate(model, task.vocabulary, prompt, length, temperature, seed, task.sequence_length)
            ),
        )
        chart(
            sequence_figures.generation_figure(result.prompt, result.generated, result.confidence),
            _(
                "At temperature 0 the network recites what it learned, and may loop; raise the temperature and it "
                "sometimes picks less likely characters (orange), drifting into new, often broken, text."
            ),
            key=f"{key}_generation",
        )
        st.code(result.prompt + result.generated, language=None, wrap_lines=True)
