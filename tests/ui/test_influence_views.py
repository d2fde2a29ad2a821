"""The section "Which input drove each output" under AppTest on every training screen: it renders, its reading is the
map's numbers, and the output-step selector (or, on a many-to-one screen, the window looked at) changes it."""

from __future__ import annotations

import hashlib

from tests.conftest import live_run, open_screen, reset_and_finish, visit, widget_by_key

SECTION = "Which input drove each output"


def section_shown(at) -> bool:
    return any(h.value == SECTION for h in at.subheader)


def reading(at, start: str) -> str:
    return next(c.value for c in at.caption if c.value.startswith(start))


def test_hihello_map_follows_the_output_step():
    key = "hihello"
    at = open_screen("pages/hihello.py", key)
    assert not at.exception and section_shown(at)
    step = at.select_slider(key=f"{key}_influence_step")
    assert step.value == 5  # the last of the six steps (0-based)
    last = reading(at, "The output at step")
    assert last.startswith("The output at step 6 ")
    step.set_value(2).run()
    assert not at.exception
    assert reading(at, "The output at step").startswith("The output at step 3 ")


def test_long_sequences_map_follows_the_output_step():
    key = "long_sequences"
    at = open_screen("pages/long_sequences.py", key, long_sequences_epochs=20)
    assert not at.exception and section_shown(at)
    step = at.select_slider(key=f"{key}_influence_step")
    first = reading(at, "The output at step")
    step.set_value(1).run()
    assert not at.exception
    second = reading(at, "The output at step")
    assert second.startswith("The output at step 2 ") and second != first


def test_time_series_reads_the_one_output_and_follows_the_window():
    key = "time_series"
    tag = hashlib.sha1(b"sample:stock_like.csv").hexdigest()[:8]
    at = open_screen("pages/time_series.py", key, **{f"{key}_epochs_{tag}": 5})
    assert not at.exception and section_shown(at)
    assert not [s for s in at.select_slider if s.key == f"{key}_influence_step"]  # many-to-one: one output step
    first = reading(at, "The output at step 7 ")  # the window of 7 rows: the prediction is read at its last
    run = live_run(at, key)
    widget_by_key(at, f"{key}_r{run.number}_window_pick").set_value(0).run()
    assert not at.exception
    assert reading(at, "The output at step 7 ") != first


def test_comparison_reads_the_recall_step_per_cell_and_follows_the_output_step():
    key = "rnn_vs_lstm_gru"
    at = open_screen("pages/rnn_vs_lstm_gru.py", key, rnn_vs_lstm_gru_gap=5, rnn_vs_lstm_gru_steps=50)
    assert not at.exception and section_shown(at)
    sentence = next(c.value for c in at.caption if "depend" in c.value and "input step 1" in c.value)
    assert "recall output" in sentence and "at step 7" in sentence  # symbol, 5 distractors, the recall marker
    reset_and_finish(at, key, task="hihello", steps=50)
    assert not at.exception and section_shown(at)
    step = at.select_slider(key=f"{key}_influence_step")
    first = next(c.value for c in at.caption if "input step 1" in c.value)
    assert "at step 6" in first and "recall" not in first
    step.set_value(3).run()
    assert not at.exception
    assert "at step 4" in next(c.value for c in at.caption if "input step 1" in c.value)


def test_a_playing_run_says_to_pause_and_computes_no_map():
    at = visit("pages/hihello.py")  # the first visit plays
    assert live_run(at, "hihello").playing and section_shown(at)
    assert any(c.value.startswith("Pause (or let the run finish) to see") for c in at.caption)
    assert not [s for s in at.select_slider if s.key == "hihello_influence_step"]
