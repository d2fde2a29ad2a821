"""The RNN vs LSTM/GRU screen under AppTest: trains all three cells, every control matters, extremes hold."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import APP, APP_TIMEOUT, widget_by_key

KEY = "compare"


@pytest.fixture(scope="module")
def compare_page():
    """One page for the module: the first visit trains the defaults (three cells), which takes a while."""
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT * 3).run()
    at.switch_page("pages/rnn_vs_lstm_gru.py").run()
    assert not at.exception
    return at


def accuracies(at):
    return {m.label: m.value for m in at.metric if m.label.endswith("accuracy")}


def train(at, **settings):
    for name, value in settings.items():
        widget_by_key(at, f"{KEY}_{name}").set_value(value)
    at.button(key=f"{KEY}_train").click().run()
    assert not at.exception
    return at


def test_first_visit_trains_three_cells_and_explains(compare_page):
    at = compare_page
    assert set(accuracies(at)) == {"RNN accuracy", "LSTM accuracy", "GRU accuracy"}
    reading = at.info[0].value
    assert "at gap 30" in reading and "chance is 12%" in reading
    assert len(at.get("plotly_chart")) >= 3 + 7  # curves, gradients, LSTM and GRU gates


@pytest.mark.parametrize(
    "settings",
    [
        {"gap": 1, "steps": 50},
        {"gap": 100, "steps": 50, "hidden_size": 4},
        {"match": False, "steps": 50, "gap": 5},
        {"keep_bias": 0.0, "steps": 50, "gap": 5, "noise": 1.0, "symbols": 2, "distractors": 1, "marker": False},
    ],
)
def test_extreme_settings_train_without_error(compare_page, settings):
    at = train(compare_page, **settings)
    assert not at.error
    assert len(accuracies(at)) == 3


def test_controls_change_the_outcome(compare_page):
    at = train(
        compare_page,
        gap=5,
        steps=50,
        seed=0,
        match=True,
        keep_bias=5.0,
        noise=0.2,
        symbols=8,
        distractors=8,
        hidden_size=32,
    )
    first = accuracies(at), at.info[0].value
    train(at, seed=1)
    assert (accuracies(at), at.info[0].value) != first
    train(at, task="hihello", steps=50)
    assert "training targets" in at.info[0].value
    assert any("needs the memory task" in c.value for c in at.caption)


def test_the_sweep_runs_per_gap(compare_page):
    at = train(compare_page, task="memory", gap=5, steps=50)
    at.multiselect(key=f"{KEY}_gaps").set_value([2, 4])
    at.button(key=f"{KEY}_run_sweep").click().run()
    assert not at.exception
    assert any(c.value.startswith("In this sweep") for c in at.caption)
