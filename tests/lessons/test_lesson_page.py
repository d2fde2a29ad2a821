"""The lesson page under AppTest: a question before any run, the prediction locked before training, the runs trained
through the server's queue, and a reveal that names the learner's prediction beside the outcome the predicate computes
from the page's own runs; the link (?lesson=&step=&hide=), the record, Korean, a broken lesson file."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

import ui.lesson_views
from core.lessons.lesson import is_right
from core.lessons.load import load_lessons
from core.lessons.predicates import PREDICATES
from core.lessons.record import answer_text
from core.lessons.run import step_outcome
from core.words.i18n import speaking
from tests.conftest import APP, APP_TIMEOUT
from tests.words.korean_text import mostly_hangul

PAGE = "pages/lessons.py"
TOY = """
title = "HiHello: does every seed learn the word?"

[[steps]]
screen = "hihello"
settings = { epochs = 20 }
seeds = [0, 1]
outcome = "says_the_target_at_end"

[steps.question]
text = "Will seed 0 learn to say 'ihello' in 100 epochs?"
choices = [
    { id = "yes", text = "Yes: it says 'ihello' at the end" },
    { id = "no", text = "No: it ends saying something else" },
]

[[steps]]
screen = "hihello"
settings = { epochs = 10 }
outcome = "final_accuracy"

[steps.question]
text = "How many?"
tolerance = 10
"""


@pytest.fixture
def toy_lessons(tmp_path, monkeypatch):
    (tmp_path / "toy.toml").write_text(TOY, encoding="utf-8")
    monkeypatch.setattr(ui.lesson_views, "LESSONS", tmp_path)
    return tmp_path


def opened(query: dict[str, str]):
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT)
    at.query_params.update(query)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def state(at, lesson: str, step: int):
    return at.session_state[ui.lesson_views.PROGRESS][(lesson, step)]


def answered(at, lesson: str, step: int, limit: int = 400):
    """Tick the step's runs until the outcome is revealed (AppTest has no timer: each run() is one tick)."""
    for _ in range(limit):
        if state(at, lesson, step).outcome is not None:
            break
        at.run()
        assert not at.exception, at.exception
    else:
        raise AssertionError("the step's runs never finished")
    at.run()
    return state(at, lesson, step)


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_the_question_comes_before_any_run_and_the_reveal_names_both_answers(toy_lessons):
    at = opened({"lesson": "toy"})
    assert any("Will seed 0 learn" in m.value for m in at.markdown)
    lock = at.button(key="lesson_toy_1_lock")
    assert lock.disabled  # nothing trains before a prediction
    assert not at.get("plotly_chart") and state(at, "toy", 1).run is None
    at.radio(key="lesson_toy_1_choice").set_value("no").run()
    at.button(key="lesson_toy_1_lock").click().run()
    assert state(at, "toy", 1).prediction == "no" and state(at, "toy", 1).run is not None
    done = answered(at, "toy", 1)
    lesson = load_lessons(toy_lessons)["toy"]
    step = lesson.steps[0]
    runs = done.run.job.runs()
    assert [settings.seed for settings, _sessions in runs] == [0, 1] and all(
        session.finished for _settings, sessions in runs for session in sessions.values()
    )
    outcome = step_outcome(step, runs)  # the predicate, on the page's own runs
    assert done.outcome == outcome
    assert metric(at, "You predicted") == "No: it ends saying something else"
    assert metric(at, "The runs showed") == answer_text(step.question, outcome.answer)
    matched = is_right(step.question, "no", outcome)
    shown = (at.success if matched else at.warning)[0].value
    assert ("did not match" not in shown) == matched and outcome.why.worded()[:20] in shown.replace("\\", "")
    assert at.get("plotly_chart")  # the band over the seeds
    record = at.session_state[ui.lesson_views.RECORD]
    assert [(e.lesson, e.step, e.prediction, e.outcome, e.matched) for e in record] == [
        ("toy", 1, "no", outcome.answer, matched)
    ]
    assert at.query_params["lesson"] == "toy" and at.query_params["step"] == "1"


def test_next_step_opens_once_answered_and_the_lesson_ends_with_the_predictions(toy_lessons):
    at = opened({"lesson": "toy", "step": "2"})
    assert any("How many" in m.value for m in at.markdown)
    assert not any(b.key == "lesson_next" for b in at.button)  # the last step
    at.number_input(key="lesson_toy_2_guess").set_value(50.0).run()
    at.button(key="lesson_toy_2_lock").click().run()
    done = answered(at, "toy", 2)
    assert metric(at, "You predicted") == "50"
    assert metric(at, "The runs showed") == f"{float(done.outcome.answer):g}"
    assert len(at.session_state[ui.lesson_views.RECORD]) == 1
    assert any(d.label == "Download as CSV" for d in at.get("download_button"))
    at.button(key="lesson_previous").click().run()
    assert any("Will seed 0 learn" in m.value for m in at.markdown)
    assert at.button(key="lesson_next").disabled  # step 1 not answered yet
    assert not any("Your predictions against the outcomes" in s.value for s in at.subheader)


def test_asking_again_keeps_the_record_and_clears_the_answer(toy_lessons):
    at = opened({"lesson": "toy", "step": "2"})
    at.number_input(key="lesson_toy_2_guess").set_value(10.0).run()
    at.button(key="lesson_toy_2_lock").click().run()
    answered(at, "toy", 2)
    at.button(key="lesson_toy_2_again").click().run()
    assert state(at, "toy", 2).prediction is None and at.button(key="lesson_toy_2_lock").disabled
    assert len(at.session_state[ui.lesson_views.RECORD]) == 1


def test_a_link_to_an_unknown_lesson_or_step_says_so(toy_lessons):
    at = opened({"lesson": "nope"})
    assert any("no lesson 'nope'" in i.value for i in at.info)
    at = opened({"lesson": "toy", "step": "9"})
    assert any("step '9'" in i.value for i in at.info)
    assert state(at, "toy", 1) is not None and at.query_params["step"] == "1"


def test_hide_lesson_hides_the_picker(toy_lessons):
    assert any(s.key == "lesson_name" for s in opened({"lesson": "toy"}).selectbox)
    assert not any(s.key == "lesson_name" for s in opened({"lesson": "toy", "hide": "lesson"}).selectbox)


def test_a_broken_lesson_file_is_named_and_the_others_still_open(toy_lessons):
    (toy_lessons / "broken.toml").write_text('title = "x"\nsteps = []\n', encoding="utf-8")
    at = opened({"lesson": "toy"})
    assert any("Lesson broken" in e.value and "no steps" in e.value for e in at.error)
    assert any("Will seed 0 learn" in m.value for m in at.markdown)


def test_the_page_in_korean(toy_lessons):
    at = opened({"lesson": "toy", "lang": "ko"})
    assert mostly_hangul(at.title[0].value)
    assert all(mostly_hangul(option, kept=["ihello"]) for option in at.radio(key="lesson_toy_1_choice").options)
    with speaking("ko"):  # AppTest finds the option through the page's format_func, which speaks the page's language
        at.radio(key="lesson_toy_1_choice").set_value("yes").run()
        at.button(key="lesson_toy_1_lock").click().run()
    answered(at, "toy", 1)
    assert mostly_hangul(at.metric[0].label)


SHIPPED_STEPS = [
    pytest.param(name, number, id=f"{name}-{number}")
    for name, lesson in load_lessons().items()
    for number in range(1, len(lesson.steps) + 1)
]


@pytest.mark.slow
@pytest.mark.seeds  # the outcome is what seeded training reaches: only its agreement with the predicate is asserted
@pytest.mark.parametrize(("name", "number"), SHIPPED_STEPS)
def test_every_shipped_step_reveals_what_its_predicate_computes_from_the_pages_runs(name, number):
    """Each shipped step, through the page: answered, run to its end (every seed), and revealed; the revealed outcome
    and why are the predicate's on the very runs the page trained, and every other answer is judged against it."""
    at = opened({"lesson": name, "step": str(number)})
    step = load_lessons()[name].steps[number - 1]
    question, prefix = step.question, f"lesson_{name}_{number}"
    answer = 0.0 if question.is_guess else question.choices[0].id
    if question.is_guess:
        at.number_input(key=f"{prefix}_guess").set_value(answer).run()
    else:
        at.radio(key=f"{prefix}_choice").set_value(answer).run()
    at.button(key=f"{prefix}_lock").click().run()
    done = answered(at, name, number, limit=2000)
    runs = done.run.job.runs()
    assert [settings.seed for settings, _sessions in runs] == list(step.seeds or [runs[0][0].seed])
    outcome = step_outcome(step, runs)
    assert done.outcome == outcome
    assert metric(at, "You predicted") == answer_text(question, answer)
    assert metric(at, "The runs showed") == answer_text(question, outcome.answer)
    shown = (at.success if is_right(question, answer, outcome) else at.warning)[0].value.replace("\\", "")
    assert outcome.why.worded()[:30].replace("\\", "") in shown
    if question.is_guess:  # every way: right within the tolerance, wrong beyond it
        assert isinstance(outcome.answer, float) and is_right(question, outcome.answer, outcome)
        assert is_right(question, outcome.answer + question.tolerance, outcome)
        assert not is_right(question, outcome.answer + question.tolerance + 0.5, outcome)
    else:
        ids = [choice.id for choice in question.choices]
        assert outcome.answer in ids and outcome.answer in PREDICATES[step.outcome].answers
        assert [is_right(question, choice, outcome) for choice in ids] == [choice == outcome.answer for choice in ids]
    with speaking("ko"):
        assert outcome.why.worded() != outcome.why.text  # the why is in Korean too


def test_a_step_over_the_servers_budget_is_refused_before_it_trains(toy_lessons, monkeypatch):
    monkeypatch.setenv("RNNLAB_MAX_RUN_SECONDS", "0.0001")
    at = opened({"lesson": "toy"})
    at.radio(key="lesson_toy_1_choice").set_value("yes").run()
    at.button(key="lesson_toy_1_lock").click().run()
    assert not at.exception
    assert any("Training 2 seeds would take" in e.value for e in at.error)
    assert state(at, "toy", 1).prediction is None and state(at, "toy", 1).run is None  # nothing locked, nothing ran
