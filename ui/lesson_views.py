"""The lesson page's parts: the lesson and step a link opens, one step's question asked before its run, the run
trained live (one per seed, through the server's queue, as the screens' jobs are), the reveal that names the learner's
prediction beside the outcome the runs computed, and the learner's record (kept in the session, downloadable).

A step's state lives in ``st.session_state`` per (lesson, step): the prediction once locked, the runs, the outcome.
A prediction is locked before anything trains, and the outcome is computed only once every seed has finished: the
page never shows an outcome the learner could have read before predicting.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from datetime import datetime

import streamlit as st

from core.lessons.lesson import Lesson, Outcome, Step, is_right
from core.lessons.load import LESSONS, read_folder
from core.lessons.predicates import lesson_build
from core.lessons.record import Entry, answer_text, as_csv, as_json, tally
from core.lessons.run import seed_settings, step_outcome
from core.runs.links import link_text
from core.runs.seeds import SeedRuns, check_seeds_budget
from core.screens.registry import screen
from core.words.errors import InputError
from core.words.i18n import SOURCE_LANGUAGE, _, current_language, ngettext
from ui.common import chart, learner_errors, markdown_literal
from ui.i18n import URL_PARAM, apply_language
from ui.live_run import LiveRun, admitted, leave_queue, tick, tick_seconds
from ui.seeds_views import seed_views
from ui.ticker import next_tick

KEY = "lesson"  # the prefix of this page's widgets and session state
PROGRESS, RECORD, CHOSEN, STEP, LINK_READ = (f"{KEY}_{name}" for name in ("progress", "record", "name", "step", "read"))
HIDEABLE = ("lesson", "steps")  # what ?hide= can hide here: the lesson picker, the Previous button (all: both)


@dataclass
class StepState:
    """One step of one lesson, in this session: nothing, then a locked prediction and its runs, then the outcome."""

    prediction: str | float | None = None
    run: LiveRun | None = None  # the job of training every seed, driven through the server's queue
    outcome: Outcome | None = None


# -- the lessons and the link ------------------------------------------------------------------------------------
def read_lessons() -> tuple[dict[str, Lesson], list[InputError]]:
    """Every lesson file of data/lessons that reads whole, and the refusal of each one that does not."""
    lessons, refused = read_folder(LESSONS)
    return lessons, list(refused.values())


def hidden() -> set[str]:
    """What ``?hide=`` hides on this page (``all``: everything it can)."""
    names = {name.strip() for value in st.query_params.get_all("hide") for name in value.split(",")}
    return set(HIDEABLE) if "all" in names else names & set(HIDEABLE)


def take_link(lessons: dict[str, Lesson]) -> list[str]:
    """The lesson and step a link names (``?lesson=…&step=…``), taken once per visit; notes on what was refused."""
    if st.session_state.get(LINK_READ):
        return []
    st.session_state[LINK_READ] = True
    notes = []
    name = st.query_params.get("lesson")
    if name is not None:
        if name in lessons:
            st.session_state[CHOSEN] = name
        else:
            notes.append(_("The link names no lesson '{name}': pick one below.").format(name=name[:60]))
    step = st.query_params.get("step")
    if step is not None:
        lesson = lessons.get(st.session_state.get(CHOSEN, ""))
        count = len(lesson.steps) if lesson is not None else 0
        if step.isdigit() and 1 <= int(step) <= count:
            st.session_state[STEP] = int(step)
        else:
            notes.append(
                _("The link's step '{step}' is not a step of this lesson: it opens at step 1.").format(step=step[:20])
            )
    return notes


def keep_link(name: str, step: int) -> None:
    """The address says where the learner is, so it can be shared or reloaded (the language and ?hide= stay)."""
    if st.query_params.get("lesson") != name:
        st.query_params["lesson"] = name
    if st.query_params.get("step") != str(step):
        st.query_params["step"] = str(step)


def lesson_picker(lessons: dict[str, Lesson], hide: set[str]) -> Lesson:
    """The lesson shown: the sidebar's choice (in the lessons' order), or the link's when ``hide`` holds it."""
    names = list(lessons)
    if st.session_state.get(CHOSEN) not in lessons:
        st.session_state[CHOSEN] = names[0]
    if "lesson" not in hide:
        st.sidebar.selectbox(
            _("Lesson"), names, format_func=lambda name: _(lessons[name].title), key=CHOSEN, on_change=_first_step
        )
    return lessons[st.session_state[CHOSEN]]


def _first_step() -> None:
    st.session_state[STEP] = 1


def current_step(lesson: Lesson) -> int:
    step = st.session_state.get(STEP, 1)
    if not isinstance(step, int) or not 1 <= step <= len(lesson.steps):
        step = st.session_state[STEP] = 1
    return step


def state_of(lesson: Lesson, number: int) -> StepState:
    progress = st.session_state.setdefault(PROGRESS, {})
    return progress.setdefault((lesson.name, number), StepState())


def record() -> list[Entry]:
    return st.session_state.setdefault(RECORD, [])


# -- one step ------------------------------------------------------------------------------------------------------
def step_heading(lesson: Lesson, number: int, step: Step) -> None:
    entry = screen(step.screen)
    st.subheader(
        _("Step {number} of {count}: {screen}").format(number=number, count=len(lesson.steps), screen=_(entry.title))
    )
    st.caption(setup_words(step))


def setup_words(step: Step) -> str:
    """What the step sets up, in the learner's words: the settings it names (the rest are the screen's defaults) and
    the seeds it is answered over."""
    named = ", ".join(f"{name.replace('_', ' ')} = {link_text(value)}" for name, value in step.settings.items())
    seeds = seed_words(step)
    if named:
        return _("Set up: {settings}; every other setting at the screen's default. {runs}").format(
            settings=named, runs=seeds
        )
    return _("Set up: every setting at the screen's default. {runs}").format(runs=seeds)


def seed_words(step: Step) -> str:
    seeds = [getattr(settings, "seed", None) for settings in seed_settings(step)]
    if len(seeds) == 1:
        return _("One run, seed {seed}.").format(seed=seeds[0])
    return ngettext(
        "{count} runs, seeds {seeds}: the answer is read from all of them.",
        "{count} runs, seeds {seeds}: the answer is read from all of them.",
        len(seeds),
    ).format(count=len(seeds), seeds=", ".join(str(seed) for seed in seeds))


def screen_link(step: Step) -> None:
    """Open the step's setup on its screen, as a link (the first seed's run), in this language."""
    entry = screen(step.screen)
    # A field without a default is chosen from the data (the Time series' target and features: the page offers the
    # table's columns under keys of their own, and its defaults on the built-in sample are the lesson's).
    linked = {field.name for field in dataclasses.fields(entry.settings) if field.default is not dataclasses.MISSING}
    params = {f"{entry.key}_{name}": link_text(value) for name, value in step.settings.items() if name in linked}
    if step.seeds:
        params[f"{entry.key}_seed"] = str(step.seeds[0])
    if current_language() != SOURCE_LANGUAGE or URL_PARAM in st.query_params:
        params[URL_PARAM] = current_language()
    st.page_link(
        entry.page,
        label=_("Open this setup on the {screen} screen, to look inside the run").format(screen=_(entry.title)),
        icon=":material/open_in_new:",
        query_params=params,
    )


def ask(lesson: Lesson, number: int, step: Step, state: StepState) -> None:
    """The question, before any run; the prediction is locked with the button that starts the runs."""
    question = step.question
    st.markdown(f"**{markdown_literal(_(question.text))}**")
    prefix = f"{KEY}_{lesson.name}_{number}"
    if question.is_guess:
        answer = st.number_input(
            _("Your guess"), value=None, step=1.0, key=f"{prefix}_guess", placeholder=_("type a number")
        )
        st.caption(_("Within {tolerance:g} of the outcome counts as right.").format(tolerance=question.tolerance))
    else:
        ids = [choice.id for choice in question.choices]
        answer = st.radio(
            _("Your prediction"),
            ids,
            index=None,
            format_func=lambda choice: answer_text(question, choice),
            key=f"{prefix}_choice",
        )
    st.caption(_("Predict first: the runs start once your prediction is locked, and it cannot change after."))
    if st.button(_("Lock in my prediction and run"), type="primary", disabled=answer is None, key=f"{prefix}_lock"):
        with learner_errors():
            state.run = start_runs(step)
            state.prediction = answer
            st.rerun()


def start_runs(step: Step) -> LiveRun:
    """The step's runs as one job (one run per seed, trained one after the other), ready for the page's ticks. Steps
    whose seeds together would take longer than a run may on this server are refused before they start, with the
    refusal's words (``check_seeds_budget``: a teacher's lesson on a small server)."""
    build, settings = lesson_build(step.screen), seed_settings(step)
    seeds = [getattr(each, "seed", 0) for each in settings]
    sessions = check_seeds_budget(build, settings[0], seeds)  # the first seed's, untrained: the status's estimate
    job = SeedRuns(build, settings[0], seeds)
    run = LiveRun(settings[0], sessions, next(iter(sessions.values())).estimate(), screen=None, mode="job", job=job)
    run.last_tick = time.monotonic()
    return run


def train(lesson: Lesson, number: int, step: Step, state: StepState) -> None:
    """The runs, live: each tick advances the job by one chunk in its turn of the server's queue, then redraws the
    curves of the seeds trained so far. When the last seed ends, the outcome is computed from all of them."""

    def body() -> None:
        apply_language()  # a fragment's rerun skips the page's top, where the language was chosen
        run = state.run
        with learner_errors():
            tick(run, "normal")
        job = run.job
        st.progress(job.fraction, text=job.progress_words())
        if run.waiting_ahead is not None:
            st.caption(_("Waiting for a free computing slot on the server (other learners' runs take turns)."))
        curves(job, step)
        if job.finished:
            with learner_errors():
                reveal_outcome(lesson, number, step, state)
            st.rerun()  # the whole page: the reveal replaces the live part
        else:
            next_tick(KEY, tick_seconds(), time.monotonic_ns())

    st.fragment(body)()


def reveal_outcome(lesson: Lesson, number: int, step: Step, state: StepState) -> None:
    """The outcome of the finished runs (computed in a slot of the server's queue), kept with the record."""
    run = state.run
    outcome = admitted(run, lambda: step_outcome(step, run.job.runs()))
    matched = is_right(step.question, state.prediction, outcome)
    state.outcome = outcome
    entry = Entry(
        lesson.name,
        number,
        state.prediction,
        outcome.answer,
        matched,
        outcome.why,
        tuple(run.job.seeds),
        datetime.now().astimezone(),
    )
    record().append(entry)
    leave_queue(run)


def curves(job: SeedRuns, step: Step) -> None:
    """The seeds finished so far, as the step's screen draws several seeds (ui.seeds_views): per curve the median and
    the min-max band."""
    if not job.runs():
        st.caption(_("The first seed is training: its curve appears when it ends."))
        return
    for number, (fig, caption) in enumerate(seed_views(step.screen)(job, None)):
        chart(fig, caption, key=f"{KEY}_bands_{number}_{len(job.runs())}")


def reveal(step: Step, state: StepState) -> None:
    """Both answers side by side, whether they matched, and why: every word computed from the runs."""
    question, outcome = step.question, state.outcome
    matched = is_right(question, state.prediction, outcome)
    left, right = st.columns(2)
    left.metric(_("You predicted"), answer_text(question, state.prediction))
    right.metric(_("The runs showed"), answer_text(question, outcome.answer))
    show = st.success if matched else st.warning
    show(
        (_("Your prediction matched the outcome.") if matched else _("Your prediction did not match the outcome."))
        + " "
        + markdown_literal(outcome.why.worded())
    )
    curves(state.run.job, step)


def again(lesson: Lesson, number: int) -> None:
    """Ask the step again, from the question (the record keeps the earlier answer)."""
    st.session_state.setdefault(PROGRESS, {})[(lesson.name, number)] = StepState()
    for suffix in ("guess", "choice"):
        st.session_state.pop(f"{KEY}_{lesson.name}_{number}_{suffix}", None)


def show_step(lesson: Lesson, number: int) -> None:
    step = lesson.steps[number - 1]
    state = state_of(lesson, number)
    step_heading(lesson, number, step)
    if state.prediction is None:
        ask(lesson, number, step, state)
    elif state.outcome is None:
        question = step.question
        st.markdown(f"**{markdown_literal(_(question.text))}**")
        st.info(
            _("Your prediction: {answer}. The runs are training.").format(
                answer=answer_text(question, state.prediction)
            )
        )
        train(lesson, number, step, state)
    else:
        st.markdown(f"**{markdown_literal(_(step.question.text))}**")
        reveal(step, state)
        st.button(
            _("Ask this step again"), key=f"{KEY}_{lesson.name}_{number}_again", on_click=again, args=(lesson, number)
        )
    screen_link(step)


def step_buttons(lesson: Lesson, number: int, hide: set[str]) -> None:
    """Previous and next; the next step opens once this one is answered (predict, run, see, then go on). A link
    that hides the steps (``hide=steps``) lets the learner go forward only, as a teacher's sequence runs."""
    left, right = st.columns(2)
    if number > 1 and "steps" not in hide:
        left.button(_("← Previous step"), key=f"{KEY}_previous", on_click=_go, args=(number - 1,))
    answered = state_of(lesson, number).outcome is not None
    if number < len(lesson.steps):
        right.button(
            _("Next step →"),
            key=f"{KEY}_next",
            on_click=_go,
            args=(number + 1,),
            disabled=not answered,
            help=None if answered else _("Answer this step's question and see its outcome first."),
        )


def _go(number: int) -> None:
    st.session_state[STEP] = number


# -- the record ----------------------------------------------------------------------------------------------------
def lesson_end(lesson: Lesson, lessons: dict[str, Lesson]) -> None:
    """At the lesson's end: the learner's predictions against the outcomes, step by step."""
    entries = [entry for entry in record() if entry.lesson == lesson.name]
    answered = {entry.step for entry in entries}
    if len(answered) < len(lesson.steps):
        return
    st.subheader(_("Your predictions against the outcomes"))
    matched, total = tally(entries)
    st.markdown(
        ngettext(
            "{matched} of {total} prediction matched its outcome.",
            "{matched} of {total} predictions matched their outcomes.",
            total,
        ).format(matched=matched, total=total)
    )
    rows = []
    for entry in entries:
        question = lesson.steps[entry.step - 1].question
        rows.append(
            {
                _("step"): entry.step,
                _("question"): _(question.text),
                _("your prediction"): answer_text(question, entry.prediction),
                _("outcome"): answer_text(question, entry.outcome),
                _("matched?"): "✓" if entry.matched else "✗",
            }
        )
    st.dataframe(rows, hide_index=True, key=f"{KEY}_summary")


def record_downloads(lessons: dict[str, Lesson]) -> None:
    """The learner's record of this session, in the sidebar: downloadable as CSV and JSON, never kept on the server."""
    entries = record()
    with st.sidebar:
        st.markdown(_("**Your record**"))
        if not entries:
            st.caption(_("Your answers will be listed here once you answer a question."))
            return
        matched, total = tally(entries)
        st.caption(
            ngettext(
                "{total} question answered, {matched} predicted right. Kept in this browser session only.",
                "{total} questions answered, {matched} predicted right. Kept in this browser session only.",
                total,
            ).format(total=total, matched=matched)
        )
        st.download_button(
            _("Download as CSV"),
            as_csv(entries, lessons),
            file_name="rnnlab-record.csv",
            mime="text/csv",
            key=f"{KEY}_csv",
            on_click="ignore",
        )
        st.download_button(
            _("Download as JSON"),
            as_json(entries, lessons),
            file_name="rnnlab-record.json",
            mime="application/json",
            key=f"{KEY}_json",
            on_click="ignore",
        )


def lesson_page() -> None:
    """The lesson page below its title: the lesson a link or the sidebar names, its current step, its end."""
    lessons, refused = read_lessons()
    for error in refused:
        st.error(markdown_literal(str(error)))
    if not lessons:
        st.info(_("No lesson to show: every lesson file was refused (see above)."))
        return
    for note in take_link(lessons):
        st.info(note)
    hide = hidden()
    lesson = lesson_picker(lessons, hide)
    number = current_step(lesson)
    keep_link(lesson.name, number)
    st.header(_(lesson.title))
    show_step(lesson, number)
    step_buttons(lesson, number, hide)
    lesson_end(lesson, lessons)
    record_downloads(lessons)
