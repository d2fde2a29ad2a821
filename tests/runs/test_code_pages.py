"""Every training screen shows the PyTorch code of its run, with a button to download it (ui.run_code_views)."""

from __future__ import annotations

import pytest

from tests.conftest import live_run, open_screen

TITLE = "The PyTorch code of this run"


def code_shown(at) -> tuple[str, list]:
    """The script on screen, and the download buttons of the code expander."""
    expander = next(e for e in at.expander if e.label == TITLE)
    scripts = [element.value for element in expander.get("code")]
    assert len(scripts) == 1
    return scripts[0], expander.get("download_button")


def test_hihello_shows_and_offers_the_code_of_its_run():
    at = open_screen("pages/hihello.py", "hihello")
    script, downloads = code_shown(at)
    assert "torch.manual_seed(2)" in script and "word = 'hihello'" in script
    assert len(downloads) == 1
    assert live_run(at, "hihello").epoch == 100


def test_long_sequences_shows_and_offers_the_code_of_its_run():
    at = open_screen("pages/long_sequences.py", "long_sequences")
    script, downloads = code_shown(at)
    assert "torch.manual_seed(0)" in script and "windows = ids.unfold(0, 10 + 1, 1)" in script
    assert len(downloads) == 1


def test_time_series_shows_and_offers_the_code_of_its_run_and_its_rows():
    from tests.screens.time_series.test_page import KEY, SAMPLE_TAG, SHORT

    at = open_screen("pages/time_series.py", KEY, **{f"{KEY}_epochs_{SAMPLE_TAG}": SHORT})
    script, downloads = code_shown(at)
    assert "torch.manual_seed(0)" in script and 'DATA = "time_series_seed0_rows.csv"' in script
    assert f"for epoch in range(1, {SHORT} + 1):" in script
    assert len(downloads) == 2  # the script and the rows it reads


@pytest.mark.slow  # three cells trained to the end: ~3.5 s
def test_rnn_vs_lstm_gru_shows_and_offers_the_code_of_its_run():
    at = open_screen("pages/rnn_vs_lstm_gru.py", "rnn_vs_lstm_gru", rnn_vs_lstm_gru_steps=50)
    script, downloads = code_shown(at)
    assert "for step in range(1, 50 + 1):" in script and '("LSTM", nn.LSTM, 32)' in script
    assert len(downloads) == 1
