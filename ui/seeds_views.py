"""The "Several seeds" section of HiHello and RNN vs LSTM/GRU: the run on screen's settings trained with seeds 0-4 as
the run's job (``core.runs.seeds.SeedRuns``, started with ``ui.live.start_job``: a chunk per turn of the server's
queue, Pause stops it, the status line follows it), drawn as a median and a min-max band per curve, with readings
counted over the seeds ("on 3 of 5 seeds").

The finished seeds stay in the session per screen: a later run on the screen keeps them, and the section names the
settings in which they differ from it. While the seeds train, what is done so far is drawn, redrawn every few
seconds."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import plotly.graph_objects as go
import streamlit as st

from core.charts.bands import band_figure
from core.charts.loss import Ghost
from core.charts.style import CELL_COLORS, PALETTE
from core.engine.cells import CELL_NAMES
from core.runs.seeds import SEEDS_AT_ONCE, SeedRuns, accuracy_bands, check_seeds_budget, loss_bands
from core.screens.hihello import KEY as HIHELLO
from core.screens.hihello import seed_readings as hihello_readings
from core.screens.registry import screen
from core.screens.rnn_vs_lstm_gru import KEY as COMPARISON
from core.screens.rnn_vs_lstm_gru import seed_readings as comparison_readings
from core.words.i18n import _
from core.words.message import Message
from ui.common import chart, learner_errors, markdown_literal
from ui.ghost import differences, ghost
from ui.live import LiveRun, start_job
from ui.training_views import computed

SEEDS = tuple(range(SEEDS_AT_ONCE))
REDRAW_SECONDS = 3.0  # while the seeds train, the section redraws what is done this often
Views = Callable[[SeedRuns, Ghost | None], list[tuple[go.Figure, str]]]


def results_key(key: str) -> str:
    return f"{key}_seed_runs"


def readings_key(key: str) -> str:
    return f"{key}_seed_readings"


# -- what each screen draws of its seeds ----------------------------------------------------------------------
def hihello_views(job: SeedRuns, ghosted: Ghost | None) -> list[tuple[go.Figure, str]]:
    fig = band_figure(
        {_("training loss"): (loss_bands(job.runs(), "model"), PALETTE["blue"])},
        _("Loss per epoch over seeds"),
        _("epoch"),
        _("cross-entropy loss (log scale)"),
        ghost=ghosted,
    )
    caption = _(
        "Each seed draws other initial weights: a wide band means the outcome depends on the draw, not only on the "
        "settings."
    )
    return [(fig, caption)]


def hihello_reading(job: SeedRuns) -> Message:
    return hihello_readings.seeds_reading(job.runs())


def comparison_views(job: SeedRuns, ghosted: Ghost | None) -> list[tuple[go.Figure, str]]:
    runs = job.runs()
    cells = list(runs[0][1])
    fig = band_figure(
        {CELL_NAMES[c]: (loss_bands(runs, c), CELL_COLORS[c]) for c in cells},
        _("Training loss per step over seeds"),
        _("training step"),
        _("cross-entropy (log scale)"),
        ghost=ghosted,
    )
    views = [
        (
            fig,
            _(
                "Where a cell's band is wide, whether it learns depends on the seed; where the bands part, the cells "
                "differ whatever the seed."
            ),
        )
    ]
    accuracy = {c: accuracy_bands(runs, c) for c in cells}
    if all(band.x.size for band in accuracy.values()):  # the memory task measures held-out accuracy every few steps
        fig = band_figure(
            {CELL_NAMES[c]: (band, CELL_COLORS[c]) for c, band in accuracy.items()},
            _("Held-out accuracy over seeds"),
            _("training step"),
            _("correct (%)"),
            log_y=False,
        )
        fig.update_yaxes(range=[0, 105])
        views.append(
            (fig, _("Measured on held-out sequences every few steps; the band spans the lowest to the highest seed."))
        )
    return views


def comparison_reading(job: SeedRuns) -> Message:
    per_cell, chance = comparison_readings.accuracies(job.runs())
    return comparison_readings.seeds_reading(per_cell, chance, held_out=job.settings[0].task == "memory")


def loss_views(job: SeedRuns, ghosted: Ghost | None) -> list[tuple[go.Figure, str]]:
    """Any screen's seeds: the training loss of each of its sessions, median and band (a lesson's step on a screen
    without a section of its own: Long sequences, Time series)."""
    runs = job.runs()
    names = list(runs[0][1])
    cells = set(names) <= set(CELL_NAMES)  # the race: one curve per cell, per optimisation step
    bands = {
        (CELL_NAMES[name] if cells else _("training loss")): (
            loss_bands(runs, name),
            CELL_COLORS[name] if cells else PALETTE["blue"],
        )
        for name in names
    }
    fig = band_figure(
        bands,
        _("Training loss over seeds"),
        _("training step") if cells else _("epoch"),
        _("training loss (log scale)"),
        ghost=ghosted,
    )
    caption = _(
        "The line is the median over the seeds, the shaded band runs from the lowest to the highest seed: how much "
        "the outcome depends on the draw of the initial weights."
    )
    return [(fig, caption)]


def seed_views(screen_key: str) -> Views:
    """What a screen draws of its seeds: its own views, or the training loss of each session."""
    return VIEWS[screen_key][0] if screen_key in VIEWS else loss_views


VIEWS: dict[str, tuple[Views, Callable[[SeedRuns], Message]]] = {
    HIHELLO: (hihello_views, hihello_reading),
    COMPARISON: (comparison_views, comparison_reading),
}


# -- the section ------------------------------------------------------------------------------------------------
def several_seeds(key: str, run: LiveRun, labels: Mapping[str, str]) -> None:
    """The section: the button that trains seeds 0-4 with the run on screen's settings, its progress, and the bands
    and readings of the seeds done. ``labels``: the settings as the page's "Changed: …" note names them."""
    st.subheader(_("Several seeds"))
    st.caption(
        _(
            "One seed is one draw of the initial weights (and of the task's sequences): the same settings can end "
            "differently on another seed. Train seeds {first}–{last} with this run's settings and see the spread."
        ).format(first=SEEDS[0], last=SEEDS[-1])
    )
    job = run.job if isinstance(run.job, SeedRuns) else None
    if job is not None and job.finished:  # kept for the session, beyond this run (the section says what differs)
        st.session_state[results_key(key)], run.job, job = job, None, None
    with learner_errors():
        if st.button(
            _("Train seeds {first}–{last} with these settings").format(first=SEEDS[0], last=SEEDS[-1]),
            key=f"{key}_train_seeds",
            disabled=run.mode == "job",
        ):
            check_seeds_budget(screen(key).build, run.settings, SEEDS)  # an InputError starts nothing
            start_job(key, SeedRuns(screen(key).build, run.settings, SEEDS))
            st.rerun()  # the live part starts ticking
    if run.mode == "job" and job is not None:
        st.caption(
            _(
                "The seeds are training, one after the other: the status line above follows them. Pause stops "
                "them; they keep what they have done."
            )
        )
    elif job is not None:
        st.caption(_("The seeds are paused ({progress}).").format(progress=job.progress_words()))
        if st.button(_("Continue the seeds"), key=f"{key}_continue_seeds"):
            start_job(key, job)
            st.rerun()
    if run.history.learning_rate_changes:
        st.caption(_("The seeds train with the starting learning rate: this run's changes to it are not replayed."))
    if job is not None and run.mode == "job":  # redrawn on its own while the ticks train the seeds
        st.fragment(lambda: seeds_drawn(key, run, job, labels), run_every=REDRAW_SECONDS)()
    elif job is not None:
        seeds_drawn(key, run, job, labels)
    elif results_key(key) in st.session_state:
        seeds_drawn(key, run, st.session_state[results_key(key)], labels)


def seeds_drawn(key: str, run: LiveRun, job: SeedRuns, labels: Mapping[str, str]) -> None:
    """The bands and readings of the seeds ``job`` has finished (all of them once it is done; nothing before the
    first)."""
    if not job.done:
        return
    views = seed_views(key)
    if not job.finished:
        st.caption(
            _("So far {done} of {total} seeds: {progress}.").format(
                done=job.done, total=len(job.seeds), progress=job.progress_words()
            )
        )
    differ = differences(job.settings[0], run.settings, labels)
    if differ:
        st.warning(
            _(
                "These seeds were trained with other settings than the run above ({settings}). Press the button "
                "to train the seeds with this run's settings."
            ).format(settings=", ".join(differ))
        )
    for number, (fig, caption) in enumerate(views(job, ghost(key, run, labels))):
        chart(fig, caption, key=f"{key}_seeds_chart_{number}")
    with learner_errors():
        st.info(markdown_literal(seeds_reading(key, run, job).worded()))


def seeds_reading(key: str, run: LiveRun, job: SeedRuns) -> Message:
    """The reading of the seeds done, computed once per seed finished (measuring the runs is computing: it waits its
    turn in the server's queue, ``ui.training_views.computed``)."""
    held = st.session_state.get(readings_key(key))
    moment = (id(job), job.done)
    if held is None or held[0] != moment:
        held = (moment, computed(run, lambda: VIEWS[key][1](job)))
        st.session_state[readings_key(key)] = held
    return held[1]
