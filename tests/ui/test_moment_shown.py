"""One moment on screen (issue 22, point 3): paused at any epoch or step, after Pause, Step or the epoch control, every
view of HiHello, Long sequences and RNN vs LSTM/GRU shows that moment and names it the same way, and every number a
reading quotes comes from that moment's weights.

Each check compares the screen with its own run's numbers (the probe, the forward pass, the held-out accuracy at the
weights of that moment), never with a seed's outcome, so it holds under every CPU capability."""

from __future__ import annotations

import copy
import json
import re

import numpy as np
import pytest

from core.engine.cells import CELL_NAMES
from core.engine.objectives import probabilities
from core.screens.long_sequences.settings import read_back_at
from core.screens.long_sequences.windows import generate
from core.screens.rnn_vs_lstm_gru.comparison import held_out_accuracy
from core.screens.rnn_vs_lstm_gru.readings import format_ratio, relative_to_last
from tests.conftest import finish, live_run, open_screen, visit


def current_weights(session) -> dict:
    return {key: value.detach().clone() for key, value in session.model.state_dict().items()}


def titles(at) -> list[str]:
    return [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]


def metric(at, label: str):
    return next(m for m in at.metric if m.label.startswith(label))


def plain(markdown: str) -> str:
    """What a learner reads: the page escapes punctuation (``markdown_literal``)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def texts(at) -> str:
    return " ".join(plain(e.value) for kind in (at.caption, at.info, at.success, at.warning, at.markdown) for e in kind)


# -- HiHello --------------------------------------------------------------------------------------------------------
HIHELLO = "pages/hihello.py"


@pytest.fixture
def hihello_paused_at_16():
    """The issue's case: a run paused at epoch 16 (snapshots every 5 epochs: the newest is 15)."""
    at = visit(HIHELLO)
    at.button(key="hihello_reset").click().run()
    run = live_run(at, "hihello")
    run.session.advance(epochs=16)
    at.run()
    assert [s.epoch for s in run.history.snapshots] == [0, 5, 10, 15]
    return at


def test_hihello_after_pause_and_two_steps_every_view_names_the_same_epoch(hihello_paused_at_16):
    at = hihello_paused_at_16
    for _ in range(2):
        at.button(key="hihello_step").click().run()
    assert not at.exception, at.exception
    run = live_run(at, "hihello")
    assert run.epoch == 18 and [s.epoch for s in run.history.snapshots] == [0, 5, 10, 15]  # no snapshot at 18
    assert at.select_slider(key="hihello_epoch").value == 18  # the control offers the epoch the run stands at
    shown = titles(at)
    for view in ("Predicted probability of each next character", "Hidden state h_t", "How much gradient reaches"):
        title = next(t for t in shown if t.startswith(view))
        assert "after 18 epochs" in title, title
    prediction = metric(at, "Prediction after epoch")
    assert prediction.label == "Prediction after epoch 18"
    words = texts(at)
    assert "after epoch 18" in words and "Measured after epoch 18" in words  # the reading and the ceiling note
    assert not re.search(r"after (epoch 1[5-7]\b|1[5-7] epochs)", words + " ".join(shown))
    # Every number from the weights after epoch 18: the prediction is the probabilities chart's brightest row.
    probe = run.session.look(current_weights(run.session))
    said = run.screen.task.vocabulary.decode(probabilities(probe.outputs[0]).argmax(axis=-1).tolist())
    assert prediction.value == said and f"'{said}'" in words
    assert metric(at, "Loss").value == f"{probe.loss:.4f}"
    table = next(d.value for d in at.dataframe if "prediction" in d.value.columns)
    assert table["epoch"].tolist()[:3] == [18, 17, 16] and table["prediction"].iloc[0] == said
    # A row after epoch E is epoch E + 1's forward pass: the one sequence, one full step per epoch.
    assert table["loss"].iloc[1] == round(run.history.records[-1].loss, 4)


def test_hihello_the_epoch_control_moves_the_metrics_and_the_reading_too(hihello_paused_at_16):
    at = hihello_paused_at_16
    at.select_slider(key="hihello_epoch").set_value(10).run()
    assert not at.exception, at.exception
    run = live_run(at, "hihello")
    assert run.epoch == 16  # nothing retrained
    assert metric(at, "Prediction after epoch").label == "Prediction after epoch 10"
    assert all("after 10 epochs" in t for t in titles(at) if t.startswith(("Predicted probability", "Hidden state")))
    words = texts(at)
    assert "after epoch 10" in words and "Measured after epoch 10" in words
    assert metric(at, "Loss").value == f"{run.history.snapshot_at(10).probe.loss:.4f}"


def test_hihello_a_run_paused_inside_an_epoch_finishes_it_before_the_page_draws(hihello_paused_at_16):
    """A tick that runs out of time between two steps leaves weights of no epoch; paused there, the page finishes the
    epoch first (as saving the run does), so the status line and every view show the same epoch."""
    at = hihello_paused_at_16
    run = live_run(at, "hihello")
    run.session.advance(steps=1)  # epoch 17's step is taken; its record is not collected yet
    assert run.session.epoch == 16 and run.session.steps_done == 17
    at.run()
    assert not at.exception, at.exception
    assert run.session.epoch == 17 and len(run.history.records) == 17
    assert any(c.value.startswith("**Epoch 17 of 100**") for c in at.caption)
    assert metric(at, "Prediction after epoch").label == "Prediction after epoch 17"
    assert all("after 17 epochs" in t for t in titles(at) if t.startswith(("Predicted probability", "Hidden state")))


# -- Long sequences -------------------------------------------------------------------------------------------------
LONG = "pages/long_sequences.py"
SHORT = 30  # snapshots every epoch or two at 30 epochs: a run of 40 has them every 2


def read_back_box(at) -> str:
    return next(c.value for c in at.code if c.value.startswith("Read back"))


def test_long_sequences_read_back_and_the_views_after_it_use_the_same_weights():
    """At the final epoch the read-back (metric, box, per-character chart, captions), the probabilities, the neuron and
    the generation all use the weights after the last update."""
    at = open_screen(LONG, "long_sequences", long_sequences_epochs=SHORT)
    run = live_run(at, "long_sequences")
    task, model = run.screen.task, run.session.model
    now = read_back_at(model, task, SHORT)
    share = f"{100 * now.accuracy:.1f}%"
    assert metric(at, "Sentence read back right").value == share and metric(at, "Sentence read back right").help == (
        f"after epoch {SHORT}"
    )
    assert read_back_box(at).startswith(f"Read back after epoch {SHORT}: {share} right")
    assert task.vocabulary.decode(now.ids) in read_back_box(at).replace("\n", "") or now.accuracy < 1
    assert any(t.startswith(f"The sentence read back after epoch {SHORT}") and f"({share})" in t for t in titles(at))
    words = texts(at)
    assert f"After epoch {SHORT} the read-back is {share} right" in words
    assert f"with the weights after epoch {SHORT}." in words and f"(as trained after epoch {SHORT})" in words
    assert metric(at, "Loss").value == f"{now.loss:.4f}"
    # The generation is the final model's.
    generated = generate(model, task.vocabulary, task.text[: task.sequence_length], 150, 0.0, 0, task.sequence_length)
    assert any(generated.generated in c.value for c in at.code)


def test_long_sequences_paused_between_snapshots_and_scrubbed_back():
    at = visit(LONG, long_sequences_epochs=40)  # snapshots every 2 epochs
    at.button(key="long_sequences_reset").click().run()
    run = live_run(at, "long_sequences")
    run.session.advance(epochs=7)
    at.run()
    at.button(key="long_sequences_step").click().run()
    at.button(key="long_sequences_step").click().run()
    assert not at.exception, at.exception
    assert run.epoch == 9 and 9 not in [s.epoch for s in run.history.snapshots]
    task = run.screen.task
    now = read_back_at(run.session.model, task, 9)
    assert read_back_box(at).startswith(f"Read back after epoch 9: {100 * now.accuracy:.1f}% right")
    assert metric(at, "Sentence read back right").help == "after epoch 9"
    shown = titles(at)
    assert any(t.startswith("Predicted probability") and "after 9 epochs" in t for t in shown)
    assert any(t.startswith("The sentence read back after epoch 9") for t in shown)
    assert "with the weights after epoch 9." in texts(at)

    at.select_slider(key="long_sequences_epoch").set_value(4).run()
    assert not at.exception, at.exception
    snapshot = run.history.snapshot_at(4)
    model = copy.deepcopy(run.session.model)
    model.load_state_dict(snapshot.weights)
    then = read_back_at(model, task, 4)
    assert read_back_box(at).startswith(f"Read back after epoch 4: {100 * then.accuracy:.1f}% right")
    assert "with the weights after epoch 4." in texts(at) and "(as trained after epoch 4)" in texts(at)
    assert run.epoch == 9  # nothing retrained


def test_the_read_back_after_an_epoch_is_the_next_epochs_training_pass():
    """Full batch: the weights after epoch E are what epoch E + 1's forward pass reads, so the read-back the views show
    (``read_back_at``) and the next point of the log's curve agree exactly."""
    from core.screens.long_sequences.settings import LongSequenceSettings
    from core.screens.long_sequences.windows import read_back_session

    settings = LongSequenceSettings(epochs=12)
    task = settings.task()
    session, log = read_back_session(task, settings.model_config(task), settings.train_config())
    session.advance(epochs=5)
    after_five = read_back_at(session.model, task, 5)
    session.advance(epochs=1)
    assert np.array_equal(after_five.ids, log.ids[-1]) and after_five.accuracy == log.accuracy[-1]
    assert np.array_equal(after_five.position_accuracy, log.position_accuracy[-1])
    assert after_five.loss == pytest.approx(session.history.losses[-1], rel=1e-6)


# -- RNN vs LSTM/GRU ------------------------------------------------------------------------------------------------
COMPARE = "pages/rnn_vs_lstm_gru.py"


def test_the_comparison_paused_mid_run_reads_one_step_so_far():
    """The issue's case: paused at step 45 of 300 (snapshots every 30, held-out accuracy every 10): the summary's
    ratios and accuracies both from step 45, said "so far, at step 45", never "after training"."""
    at = visit(COMPARE)
    at.button(key="rnn_vs_lstm_gru_reset").click().run()
    run = live_run(at, "rnn_vs_lstm_gru")
    for session in run.sessions.values():
        session.advance(epochs=45)
    at.run()
    assert not at.exception, at.exception
    assert [s.epoch for s in run.session.history.snapshots] == [0, 30]
    summary = plain(at.info[0].value)
    assert summary.startswith("So far, at step 45 of 300 training steps:") and "after training" not in summary
    words = texts(at)
    assert "After training" not in words and "after training" not in words
    assert "So far, at step 45, ‖∂L/∂h_1‖ ÷ ‖∂L/∂h_T‖ is" in words
    task = run.screen.task
    for cell, session in run.sessions.items():
        name = CELL_NAMES[cell]
        accuracy = held_out_accuracy(session.history, task.data)
        assert f"the {name} {100 * accuracy:.0f}%" in summary
        ratio = format_ratio(relative_to_last(session.look(current_weights(session)).hidden_gradient_norms[0])[0])
        assert re.search(rf"{name} \S+ at initialisation → {re.escape(ratio)} at step 45", summary), (name, ratio)
        for label in (f"{name} accuracy", f"{name} held-out accuracy"):
            shown = next(m for m in at.metric if m.label == label)
            assert shown.value == f"{100 * accuracy:.0f}%" and shown.help.startswith("At the weights after step 45.")
    shown = titles(at)
    assert "How much gradient reaches each time step (after 45 steps)" in shown
    assert any(t.startswith("LSTM: gradient along") and "(after 45 steps)" in t for t in shown)
    assert "**LSTM** after 45 steps" in words and "**GRU** after 45 steps" in words


def test_the_comparison_finished_reads_after_training():
    at = open_screen(COMPARE, "rnn_vs_lstm_gru", rnn_vs_lstm_gru_gap=5, rnn_vs_lstm_gru_steps=50)
    words = texts(at)
    assert plain(at.info[0].value).startswith("After all 50 training steps") and "so far" not in words
    assert "at initialisation →" in words and "after training" in words
    finish(at, "rnn_vs_lstm_gru")


@pytest.mark.seeds
def test_hihello_steered_mid_run_the_verdict_names_the_rate_in_force():
    """The issue's case on the screen: played at 0.1, the rate set to 3 after epoch 44, run to the end (seed 1 ends
    saturated under AVX512, AVX2 and DEFAULT, tests/screens/hihello/test_steered.py)."""
    at = visit(HIHELLO)
    at.number_input(key="hihello_seed").set_value(1).run()
    at.button(key="hihello_reset").click().run()
    run = live_run(at, "hihello")
    run.session.advance(epochs=44)
    at.run()
    at.select_slider(key="hihello_learning_rate").set_value(3.0).run()
    at.button(key="hihello_finish").click().run()
    finish(at, "hihello")
    verdict = plain(next(i.value for i in at.info if "instead of" in i.value))
    assert "steps of 3 pushed" in verdict and "Try a learning rate of 0.1." in verdict, verdict
    assert "0.01" not in verdict
