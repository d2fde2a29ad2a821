"""Lessons as data: every shipped lesson loads, every broken file is refused with the bad thing named, and every step
of every shipped lesson, run to its end as the screen builds it, has an outcome among its choices that judges each
answer right exactly when it is that outcome."""

from __future__ import annotations

import io

import pytest

from core.lessons.extract import extract_lessons
from core.lessons.lesson import Outcome, Question, is_right
from core.lessons.load import LESSONS, load_lessons, read_lesson
from core.words.errors import InputError
from core.words.i18n import _, speaking
from core.words.message import as_said

SHIPPED = load_lessons()


GOOD = """
title = "A lesson"

[[steps]]
screen = "rnn_vs_lstm_gru"
settings = { gap = 5, steps = 20 }
outcome = "cells_beating_chance"

[steps.question]
text = "Which cells?"
choices = [
    { id = "all", text = "All" },
    { id = "gated", text = "Gated" },
    { id = "none", text = "None" },
    { id = "other", text = "Other" },
]

[[steps]]
screen = "hihello"
outcome = "final_accuracy"

[steps.question]
text = "How many?"
tolerance = 10
"""


def test_the_shipped_lessons_load_in_the_notes_order():
    assert len(SHIPPED) >= 5 and all(lesson.steps for lesson in SHIPPED.values())
    screens = [step.screen for lesson in SHIPPED.values() for step in lesson.steps]
    # The note's labs in order: hihello before the long sentence, the time series, then the gated cells.
    firsts = [screens.index(key) for key in ("hihello", "long_sequences", "time_series", "rnn_vs_lstm_gru")]
    assert firsts == sorted(firsts), screens
    gap_30 = [step for lesson in SHIPPED.values() for step in lesson.steps if step.settings.get("gap") == 30]
    assert gap_30 and gap_30[0].seeds == (0, 1, 2, 3, 4)  # the question is answered from five seeds


def test_seeds_are_read_and_each_is_checked():
    lesson = read_lesson(
        GOOD.replace("settings = { gap = 5, steps = 20 }", "settings = { gap = 5, steps = 20 }\nseeds = [3, 1]"), "good"
    )
    assert lesson.steps[0].seeds == (3, 1) and lesson.steps[1].seeds == ()


def test_a_good_file_loads_with_its_former_key_and_a_guess():
    lesson = read_lesson(GOOD.replace('screen = "rnn_vs_lstm_gru"', 'screen = "compare"'), "good")
    assert [step.screen for step in lesson.steps] == ["rnn_vs_lstm_gru", "hihello"]
    assert lesson.steps[1].question.is_guess and lesson.steps[1].question.tolerance == 10


BROKEN = [
    ("not toml", "title = ", "not valid TOML"),
    ("unknown top key", GOOD.replace('title = "A lesson"', 'title = "A lesson"\nlevel = 3'), "unknown key 'level'"),
    ("no title", GOOD.replace('title = "A lesson"', ""), "'title' is missing"),
    ("no steps", 'title = "A"\nsteps = []', "no steps"),
    ("unknown screen", GOOD.replace('"rnn_vs_lstm_gru"', '"lstm_race"'), "unknown screen 'lstm_race'"),
    ("no settings screen", GOOD.replace('"rnn_vs_lstm_gru"', '"basics"'), "'basics' trains nothing"),
    ("unknown setting", GOOD.replace("gap = 5,", "gapp = 5,"), "no setting 'gapp'"),
    ("refused value", GOOD.replace("gap = 5,", "gap = 0,"), "The gap"),
    ("wrong type", GOOD.replace("gap = 5,", 'gap = "x",'), "setting is refused"),
    ("unknown predicate", GOOD.replace('"final_accuracy"', '"final_acc"'), "unknown outcome 'final_acc'"),
    (
        "another screen's predicate",
        GOOD.replace('outcome = "final_accuracy"', 'outcome = "cells_beating_chance"'),
        "belongs to the screen 'rnn_vs_lstm_gru', not 'hihello'",
    ),
    ("no choices", GOOD.replace("choices = [", "options = [").split("options")[0] + "\n", "no choices"),
    ("duplicate choice", GOOD.replace('id = "none"', 'id = "all"'), "'all' is listed twice"),
    ("missing choice", GOOD.replace('    { id = "other", text = "Other" },\n', ""), "'other', which is no choice"),
    (
        "extra choice",
        GOOD.replace("choices = [", 'choices = [\n    { id = "maybe", text = "M" },'),
        "never answers 'maybe'",
    ),
    ("guess without tolerance", GOOD.replace("tolerance = 10", ""), "needs a tolerance"),
    ("negative tolerance", GOOD.replace("tolerance = 10", "tolerance = -1"), "0 or more"),
    ("choices for a number", GOOD.replace("tolerance = 10", 'choices = [{ id = "a", text = "A" }]'), "gives a number"),
    ("seeds not a list", GOOD.replace("steps = 20 }", "steps = 20 }\nseeds = 3"), "list of whole numbers"),
    ("seeds empty", GOOD.replace("steps = 20 }", "steps = 20 }\nseeds = []"), "list of whole numbers"),
    ("seed not a number", GOOD.replace("steps = 20 }", 'steps = 20 }\nseeds = [0, "1"]'), "list of whole numbers"),
    ("seed twice", GOOD.replace("steps = 20 }", "steps = 20 }\nseeds = [0, 0]"), "lists a seed twice"),
    ("too many seeds", GOOD.replace("steps = 20 }", "steps = 20 }\nseeds = [0, 1, 2, 3, 4, 5]"), "at most 5 seeds"),
    ("seed refused", GOOD.replace("steps = 20 }", "steps = 20 }\nseeds = [0, -1]"), "setting is refused"),
    ("seed and seeds", GOOD.replace("steps = 20 }", "steps = 20, seed = 2 }\nseeds = [0, 1]"), "not both"),
    ("unknown question key", GOOD.replace('text = "How many?"', 'text = "How many?"\nanswer = 3'), "'answer'"),
]


@pytest.mark.parametrize(("text", "named"), [case[1:] for case in BROKEN], ids=[case[0] for case in BROKEN])
def test_a_broken_lesson_is_refused_with_the_bad_thing_named(text, named):
    with pytest.raises(InputError) as refused:
        read_lesson(text, "broken")
    said = str(refused.value)
    assert said.startswith("Lesson broken") and named in said, said
    with speaking("ko"):
        korean = str(refused.value)
    assert korean.startswith("수업 broken"), korean


def test_a_step_names_its_number():
    with pytest.raises(InputError, match="broken, step 2: unknown outcome"):
        read_lesson(GOOD.replace('"final_accuracy"', '"nope"'), "broken")


def test_answers_are_judged_against_the_outcome():
    guess = Question("How many?", tolerance=10.0)
    outcome = Outcome(60.0, as_said(""))
    assert is_right(guess, 55, outcome) and is_right(guess, 70.0, outcome)
    assert not is_right(guess, 71, outcome) and not is_right(guess, "60", outcome)
    assert not is_right(guess, True, outcome)


def test_the_extractor_finds_every_text_of_a_lesson():
    found = list(extract_lessons(io.BytesIO(GOOD.encode()), None, [], {}))
    assert [message for _line, _function, message, _comments in found] == [
        "A lesson",
        "Which cells?",
        "All",
        "Gated",
        "None",
        "Other",
        "How many?",
    ]
    assert found[0][0] == 2 and found[1][0] == 10


def test_every_shipped_lesson_text_is_in_korean():
    with speaking("ko"):
        for lesson in SHIPPED.values():
            texts = [lesson.title] + [
                text for step in lesson.steps for text in (step.question.text, *(c.text for c in step.question.choices))
            ]
            assert all(_(text) != text for text in texts), texts


def test_the_lessons_folder_holds_only_lessons():
    assert sorted(path.stem for path in LESSONS.glob("*")) == sorted(SHIPPED)


def test_a_teacher_checks_a_folder_of_lessons(tmp_path):
    from core.lessons.load import check_folder

    (tmp_path / "good.toml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "broken.toml").write_text('title = "x"\nsteps = []\n', encoding="utf-8")
    lines = check_folder(tmp_path)
    assert lines == ["ok      good: 2 step(s), 'A lesson'", "REFUSED broken: Lesson broken: the lesson has no steps"]
