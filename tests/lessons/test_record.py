"""The learner's record: each answer kept with its outcome and whether it matched, written as CSV and JSON in the
language spoken when it is written (the why included), with stable column names."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from core.lessons.lesson import Choice, Lesson, Question, Step
from core.lessons.record import COLUMNS, Entry, answer_text, as_csv, as_json, rows, tally
from core.words.i18n import N_, speaking
from core.words.message import said

CHOICES = Question(
    "Which cells will beat chance at gap 30?",
    (Choice("all", "All three: the RNN, the LSTM and the GRU"), Choice("gated", "Only the LSTM and the GRU")),
)
GUESS = Question("How many?", tolerance=5.0)
LESSON = Lesson(
    "demo",
    "Long-term dependencies: which cells remember across a gap of 30?",
    (
        Step("rnn_vs_lstm_gru", {"gap": 30}, CHOICES, "cells_beating_chance", (0, 1, 2, 3, 4)),
        Step("hihello", {}, GUESS, "final_accuracy"),
    ),
)
WHEN = datetime(2026, 12, 6, 15, 0, tzinfo=UTC)
WHY = said(N_("In epoch {epoch} the network predicts {share} of the characters right."), epoch=100, share="83%")
ENTRIES = [
    Entry("demo", 1, "all", "gated", False, WHY, (0, 1, 2, 3, 4), WHEN),
    Entry("demo", 2, 80.0, 83.0, True, WHY, (0,), WHEN),
]


def test_rows_name_both_answers_in_words_and_whether_they_matched():
    written = rows(ENTRIES, {"demo": LESSON})
    assert [list(row) for row in written] == [list(COLUMNS)] * 2
    first, second = written
    assert first["prediction"] == "All three: the RNN, the LSTM and the GRU"
    assert first["outcome"] == "Only the LSTM and the GRU"
    assert first["matched"] is False and first["seeds"] == "0 1 2 3 4" and first["step"] == 1
    assert second["prediction"] == "80" and second["outcome"] == "83" and second["matched"] is True
    assert second["why"] == "In epoch 100 the network predicts 83% of the characters right."
    assert tally(ENTRIES) == (1, 2)


def test_csv_and_json_hold_the_same_rows():
    parsed = list(csv.DictReader(io.StringIO(as_csv(ENTRIES, {"demo": LESSON}))))
    loaded = json.loads(as_json(ENTRIES, {"demo": LESSON}))
    assert [row["prediction"] for row in parsed] == [row["prediction"] for row in loaded]
    assert parsed[0]["answered_at"] == loaded[0]["answered_at"] == "2026-12-06T15:00:00+00:00"
    assert [row["matched"] for row in parsed] == ["False", "True"]


def test_the_record_is_written_in_the_language_spoken_when_written():
    with speaking("ko"):
        written = rows(ENTRIES, {"demo": LESSON})
        text = as_json(ENTRIES, {"demo": LESSON})
    assert written[0]["question"] != CHOICES.text and written[0]["outcome"] != "Only the LSTM and the GRU"
    assert written[1]["why"] != WHY.text.format(epoch=100, share="83%")
    assert written[0]["question"] in text  # Hangul kept as it is (ensure_ascii=False)


def test_an_answer_of_a_lesson_no_longer_shipped_is_still_written():
    written = rows([Entry("gone", 3, "x", "y", False, WHY, (0,), WHEN)], {})
    assert written[0]["prediction"] == "x" and written[0]["question"] == ""


def test_answer_text():
    assert answer_text(GUESS, 12.5) == "12.5" and answer_text(CHOICES, "nope") == "nope"


def test_a_cell_a_spreadsheet_would_run_is_written_as_text():
    lesson = Lesson("demo", "=HYPERLINK(1)", LESSON.steps)
    parsed = list(csv.DictReader(io.StringIO(as_csv(ENTRIES[:1], {"demo": lesson}))))
    assert parsed[0]["lesson_title"] == "'=HYPERLINK(1)"
