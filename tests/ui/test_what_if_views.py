"""What-if weights on screen (ui.what_if_views): shown on a paused run, an edit applied to a copy shows the after
column with the sentence core computes, Reset removes it, and the run on screen is never changed."""

import math

import pytest

from core.engine.what_if import parse_target
from core.screens.rnn_vs_lstm_gru.what_if import cell_what_if
from tests.conftest import live_run, open_screen, visit, widget_by_key

KEY = "rnn_vs_lstm_gru"
PAGE = "pages/rnn_vs_lstm_gru.py"


@pytest.fixture(scope="module")
def paused_comparison():
    """The comparison after a short run (gap 5, 50 steps), finished and so paused."""
    return open_screen(PAGE, KEY, rnn_vs_lstm_gru_gap=5, rnn_vs_lstm_gru_steps=50)


def after_metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric if m.label.endswith((", before", ", after"))}


def state_bytes(run) -> dict[str, bytes]:
    return {
        f"{cell}/{name}": tensor.numpy().tobytes()
        for cell, session in run.sessions.items()
        for name, tensor in session.state_dict()["tensors"].items()
    }


def choose(at, key: str, **values) -> None:
    for name, value in values.items():
        widget = widget_by_key(at, f"{key}_what_if_{name}")
        widget.check() if value is True else widget.set_value(value)
        at.run()


def test_applying_an_edit_shows_the_after_column_and_reset_removes_it(paused_comparison):
    at = paused_comparison
    assert "What if a weight were different?" in [s.value for s in at.subheader]
    assert not after_metrics(at)
    run = live_run(at, KEY)
    before = state_bytes(run)
    choose(at, KEY, network="lstm", tensor="b_hh", gate="forget", every=True, value=-10.0)
    at.button(key=f"{KEY}_what_if_apply").click().run()
    assert not at.exception
    metrics = after_metrics(at)
    assert set(metrics) == {"held-out accuracy of the LSTM, before", "held-out accuracy of the LSTM, after"}
    text = at.query_params.get(f"{KEY}_what_if")
    assert text == "lstm:bias_hh_l0:forget:all:-:-10"
    # the sentence is core's, computed from the same run at the moment shown
    lstm = run.sessions["lstm"]
    summary = {m.label: m.value for m in at.metric}["LSTM accuracy"]
    expected = cell_what_if(
        lstm, run.screen.task, lstm.history.snapshots[-1].weights, parse_target(text)[1], int(summary[:-1]) / 100
    )
    shown = [i.value.replace("\\", "") for i in at.info]
    assert expected.sentence.worded() in shown
    assert metrics["held-out accuracy of the LSTM, after"] == f"{100 * expected.after:.0f}%"
    assert metrics["held-out accuracy of the LSTM, before"] == summary
    assert any("Edited copy" in (c.proto.spec or "") for c in at.get("plotly_chart"))
    assert text in at.sidebar.code[0].value.replace("%3A", ":")  # the link to this setup carries it
    assert state_bytes(run) == before  # the run is untouched
    at.button(key=f"{KEY}_what_if_reset").click().run()
    assert not at.exception
    assert not after_metrics(at)
    assert f"{KEY}_what_if" not in at.query_params
    assert "what_if" not in at.sidebar.code[0].value


def test_silencing_a_unit_of_another_cell(paused_comparison):
    at = paused_comparison
    choose(at, KEY, network="gru", tensor="silence", unit=2.0)
    at.button(key=f"{KEY}_what_if_apply").click().run()
    assert not at.exception
    assert set(after_metrics(at)) == {"held-out accuracy of the GRU, before", "held-out accuracy of the GRU, after"}
    assert any(i.value.startswith("With unit 2 of layer 1 of the GRU silenced") for i in at.info)
    at.button(key=f"{KEY}_what_if_reset").click().run()


@pytest.mark.parametrize("value", [math.nan, math.inf, -1e308, 1e308])
def test_a_forged_value_gives_no_exception(paused_comparison, value):
    at = paused_comparison
    choose(at, KEY, network="rnn", tensor="W_hh")
    widget_by_key(at, f"{KEY}_what_if_value").set_value(value).run()
    widget_by_key(at, f"{KEY}_what_if_unit").set_value(value).run()
    assert not at.exception


@pytest.mark.slow
def test_while_it_plays_the_section_only_says_to_pause():
    at = visit("pages/hihello.py")
    assert live_run(at, "hihello").playing
    assert any(c.value.startswith("Pause the run (or let it finish)") for c in at.caption)
    assert "hihello_what_if_apply" not in [b.key for b in at.button]


@pytest.mark.slow
def test_hihello_applies_an_edit_at_the_epoch_shown():
    at = open_screen("pages/hihello.py", "hihello")
    choose(at, "hihello", tensor="b_ih", every=True, value=-50.0)
    at.button(key="hihello_what_if_apply").click().run()
    assert not at.exception
    assert set(after_metrics(at)) == {"training accuracy, before", "training accuracy, after"}
    assert at.query_params.get("hihello_what_if") == "bias_ih_l0:-:all:-:-50"
    assert any(i.value.replace("\\", "").startswith("With the RNN's bias b_ih of every unit at -50") for i in at.info)
    at.button(key="hihello_what_if_reset").click().run()
    assert not after_metrics(at)
