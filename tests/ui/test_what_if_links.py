"""The what-if edit in the link (ui.links.VIEW_PARAMS, ``{key}_what_if``): a link that carries one opens with it
applied once its run is paused; a badly written one is noted and taken out of the URL; one that does not fit the run
gets a note on the what-if section; none of them raises."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import APP, APP_TIMEOUT, finish, widget_by_key

KEY = "rnn_vs_lstm_gru"
SHORT = {f"{KEY}_gap": "5", f"{KEY}_steps": "50"}


def opened(page: str, key: str, query: dict[str, str]):
    """A fresh session opened from a link, played to the end at full speed."""
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT).run()
    at.switch_page(page)
    at.query_params.update(query)
    at.run()
    assert not at.exception, at.exception
    at.selectbox(key=f"{key}_speed").set_value("full").run()
    return finish(at, key)


def shown(at) -> list[str]:
    return [i.value.replace("\\", "") for i in at.info]


def after_metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric if m.label.endswith((", before", ", after"))}


def test_a_link_with_an_edit_opens_with_it_applied():
    edit = "lstm:bias_hh_l0:forget:all:-:-10"
    at = opened("pages/rnn_vs_lstm_gru.py", KEY, {**SHORT, f"{KEY}_what_if": edit})
    assert set(after_metrics(at)) == {"held-out accuracy of the LSTM, before", "held-out accuracy of the LSTM, after"}
    assert any(s.startswith("With the LSTM's forget gate bias b_hh of every unit at -10 instead of") for s in shown(at))
    assert at.query_params.get(f"{KEY}_what_if") == edit  # kept in the address while it is shown
    assert "rnn_vs_lstm_gru_what_if=lstm%3Abias_hh_l0%3Aforget%3Aall%3A-%3A-10" in at.sidebar.code[0].value
    assert not any(s.startswith("Ignored from the link") for s in shown(at))
    controls = {name: widget_by_key(at, f"{KEY}_what_if_{name}").value for name in ("network", "tensor", "gate")}
    assert controls == {"network": "lstm", "tensor": "b_hh", "gate": "forget"}  # the controls show the link's edit
    assert widget_by_key(at, f"{KEY}_what_if_every").value is True
    assert widget_by_key(at, f"{KEY}_what_if_value").value == -10.0


@pytest.mark.slow
@pytest.mark.parametrize(
    "edit, note",
    [
        ("garbage", "Ignored from the link: rnn_vs_lstm_gru_what_if=garbage (an edit is written tensor:gate:unit"),
        ("lstm:bias_hh_l0:forget:1:-:nan", "(a new weight must be a number between -1000 and 1000)"),
        ("x" * 5000, "Ignored from the link: rnn_vs_lstm_gru_what_if="),
    ],
)
def test_a_badly_written_edit_is_noted_and_dropped(edit, note):
    at = opened("pages/rnn_vs_lstm_gru.py", KEY, {**SHORT, f"{KEY}_what_if": edit})
    assert any(note in s for s in shown(at))
    assert f"{KEY}_what_if" not in at.query_params
    assert not after_metrics(at)


@pytest.mark.slow
@pytest.mark.parametrize(
    "edit, why",
    [
        ("lstm:bias_hh_l0:forget:99:-:1", "Unit 99 does not exist here: choose 1 to 32."),
        ("rnn:bias_hh_l0:forget:1:-:1", "The tensor 'bias_hh_l0' is not split into gates: write - for the gate."),
        ("silence:1:2", "it names no network of this screen (RNN, LSTM, GRU)."),
        ("lstm:silence:2:1", "Layer 2 does not exist here: choose 1 to 1."),
    ],
)
def test_an_edit_that_does_not_fit_the_run_gets_a_note(edit, why):
    at = opened("pages/rnn_vs_lstm_gru.py", KEY, {**SHORT, f"{KEY}_what_if": edit})
    assert any(s == f"The edit {edit} does not fit this run: {why}" for s in shown(at)), shown(at)
    assert not after_metrics(at)
    at.button(key=f"{KEY}_what_if_reset").click().run()  # Reset takes it out of the link
    assert not at.exception
    assert f"{KEY}_what_if" not in at.query_params


@pytest.mark.slow
def test_a_hihello_link_with_an_edit_opens_with_it_applied():
    at = opened("pages/hihello.py", "hihello", {"hihello_what_if": "silence:1:1"})
    assert set(after_metrics(at)) == {"training accuracy, before", "training accuracy, after"}
    assert any(s.startswith("With unit 1 of layer 1 of the RNN silenced, training accuracy") for s in shown(at))
    assert at.query_params.get("hihello_what_if") == "silence:1:1"


@pytest.mark.slow
def test_a_hihello_link_naming_a_cell_gets_a_note():
    at = opened("pages/hihello.py", "hihello", {"hihello_what_if": "lstm:silence:1:1"})
    assert (
        "The edit lstm:silence:1:1 does not fit this run: this screen has one network: leave out the name before "
        "the first colon." in shown(at)
    )
    assert not after_metrics(at)
