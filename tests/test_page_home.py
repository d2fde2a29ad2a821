"""The home page: the frame (navigation) and the introduction."""

from streamlit.testing.v1 import AppTest

from tests.conftest import APP, APP_TIMEOUT


def test_home_runs_and_introduces_the_rnn():
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT).run()
    assert not at.exception
    assert at.title[0].value == "RNN Lab"
    assert any("W_{hh}" in latex.value for latex in at.latex)
    text = " ".join(m.value for m in at.markdown)
    assert "hidden state" in text and "vanishes" in text


def test_every_screen_opens_without_exception():
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT).run()
    for page in ["pages/basics.py", "pages/long_sequences.py", "pages/time_series.py", "pages/rnn_vs_lstm_gru.py"]:
        at.switch_page(page).run()
        assert not at.exception, page
        assert at.title, page
