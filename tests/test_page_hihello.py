"""The HiHello screen under AppTest: it trains, draws, reacts to its controls, and refuses bad input."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import APP, APP_TIMEOUT, widget_by_key

KEY = "hihello"


@pytest.fixture
def hihello():
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT).run()
    at.switch_page("pages/hihello.py").run()
    assert not at.exception
    return at


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def train(at, **settings):
    for name, value in settings.items():
        widget_by_key(at, f"{KEY}_{name}").set_value(value)
    at.button(key=f"{KEY}_train").click().run()
    assert not at.exception
    return at


def test_first_visit_trains_the_defaults_and_learns_the_word(hihello):
    assert metric(hihello, "Prediction after training") == "ihello"
    assert metric(hihello, "Accuracy") == "100%"
    assert len(hihello.get("plotly_chart")) >= 6  # loss, accuracy, probabilities, hidden, 2 gradient charts
    assert any("learned the sequence" in s.value for s in hihello.success)


def test_the_labs_own_seed_is_stuck(hihello):
    train(hihello, seed=0)
    assert metric(hihello, "Prediction after training") == "ilello"
    assert any("instead of" in i.value for i in hihello.info)


def test_hidden_size_2_with_depth_3_still_trains(hihello):
    train(hihello, hidden_size=2, num_layers=3, readout="linear")
    assert not hihello.error
    assert len(metric(hihello, "Prediction after training")) == 6
    assert hihello.radio(key=f"{KEY}_layer").options == ["layer 1", "layer 2", "layer 3"]


@pytest.mark.parametrize("word", ["", "h", "x" * 500])
def test_bad_words_show_an_error_not_an_exception(hihello, word):
    train(hihello, word=word)
    assert hihello.error, word
    # the previous run stays on screen
    assert metric(hihello, "Prediction after training") == "ihello"


def test_custom_target_outside_the_vocabulary_is_refused(hihello):
    train(hihello, target="ihellz")
    assert "not in the vocabulary" in hihello.error[0].value


@pytest.mark.parametrize(
    ("settings", "changed"),
    [
        ({"cell": "lstm", "readout": "linear"}, "Final loss"),
        ({"epochs": 20}, "Final loss"),
        ({"learning_rate": 0.01}, "Final loss"),
        ({"nonlinearity": "relu"}, "Final loss"),
        ({"word": "hello world"}, "Target"),
    ],
)
def test_controls_change_the_outcome(hihello, settings, changed):
    before = metric(hihello, changed)
    train(hihello, **settings)
    assert metric(hihello, changed) != before


def test_epoch_control_scrubs_without_retraining(hihello):
    charts_before = [c.proto.spec for c in hihello.get("plotly_chart")]
    loss_before = metric(hihello, "Final loss")
    hihello.select_slider(key=f"{KEY}_epoch").set_value(0).run()
    assert not hihello.exception
    charts_after = [c.proto.spec for c in hihello.get("plotly_chart")]
    assert metric(hihello, "Final loss") == loss_before
    assert charts_after != charts_before
    assert any("after 0 epochs" in spec for spec in charts_after)


def test_a_diverging_learning_rate_is_explained(hihello):
    train(hihello, readout="linear", hidden_size=64, num_layers=4, nonlinearity="relu", learning_rate=10.0, epochs=300)
    warnings = [w.value for w in hihello.warning]
    assert any("learning rate (10) is too high" in w for w in warnings)
    assert len(hihello.get("plotly_chart")) >= 5  # the last good state is still drawn
