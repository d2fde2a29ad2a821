"""A loaded run is the run on screen (issue 22, point 4): the sidebar, the link to this setup and the teaching
preset's sentence describe its settings, not the settings the sidebar held before."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from tests.conftest import finish, live_run, setting, visit
from tests.ui.test_links import link_of
from tests.ui.test_run_file import upload
from ui.run_file_views import run_file_bytes

KEY, PAGE = "hihello", "pages/hihello.py"


def saved_lstm_seed_3_run() -> bytes:
    at = visit(PAGE)
    setting(at, KEY, "cell").set_value("lstm")
    setting(at, KEY, "seed").set_value(3.0)
    setting(at, KEY, "epochs").set_value(30)
    at.run()
    at.button(key=f"{KEY}_reset").click().run()
    at.button(key=f"{KEY}_finish").click().run()
    return run_file_bytes(live_run(finish(at, KEY), KEY))


def test_loading_a_run_sets_the_sidebar_the_link_and_the_preset_sentence_to_its_settings():
    data = saved_lstm_seed_3_run()
    at = visit(PAGE)  # the lab's setting: RNN, seed 2, whose preset sentence shows
    assert any("The lab's setting" in m.value for m in at.sidebar.markdown)
    at.button(key=f"{KEY}_pause").click().run()
    upload(at, KEY, "lstm-seed-3.rnnlab", data)
    run = live_run(at, KEY)
    assert (run.settings.cell, run.settings.seed, run.epoch) == ("lstm", 3, 30)
    assert setting(at, KEY, "cell").value == "lstm" and setting(at, KEY, "seed").value == 3.0
    assert setting(at, KEY, "epochs").value == 30
    assert not [i.value for i in at.info if i.value.startswith("Changed:")]
    assert not any("The lab's setting" in m.value for m in at.sidebar.markdown)
    query = dict(parse_qsl(urlsplit(link_of(at)).query))
    assert query == {"hihello_cell": "LSTM", "hihello_seed": "3", "hihello_epochs": "30"}
    at.run()  # a later rerun keeps all of it, and the run stays the loaded one
    assert live_run(at, KEY) is run and setting(at, KEY, "cell").value == "lstm"
