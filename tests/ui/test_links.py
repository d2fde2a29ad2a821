"""Every setting in the URL, under AppTest: a link reproduces the run, a forged link gets a note and no crash,
settings survive a visit to another screen, and a teaching preset is a link.

AppTest plays no browser: a value the learner changes reaches the URL through the browser (Streamlit's bound
widgets write it there themselves), so here it is read from the page's "Link to this setup"; a value set by the
app (a preset) and a value restored after a page switch do reach ``at.query_params``.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import APP, APP_TIMEOUT, finish, live_run, setting, visit

PAGE = "pages/hihello.py"
KEY = "hihello"


def link_of(at) -> str:
    return next(c.value for c in at.sidebar.get("code"))


def opened(query: dict[str, str], page: str = PAGE, key: str = KEY):
    """A fresh session opened at ``page`` with the query string ``query``, played to the end at full speed."""
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT)
    at.query_params.update(query)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    at.selectbox(key=f"{key}_speed").set_value("full").run()
    return finish(at, key)


def plain(markdown: str) -> str:
    """What a learner reads: the note escapes the link's text (``markdown_literal``) so it shows as typed."""
    return re.sub(r"\\(.)", r"\1", markdown)


def notes(at) -> list[str]:
    return [plain(i.value) for i in at.info if i.value.startswith("Ignored from the link")]


def test_the_link_of_a_changed_setup_reproduces_the_same_run():
    at = visit(PAGE)
    setting(at, KEY, "seed").set_value(5.0)
    setting(at, KEY, "epochs").set_value(60)
    setting(at, KEY, "cell").set_value("gru")
    at.run()
    at.select_slider(key=f"{KEY}_learning_rate").set_value(0.03).run()
    at.button(key=f"{KEY}_reset").click().run()
    at.button(key=f"{KEY}_finish").click().run()
    finish(at, KEY)
    first = live_run(at, KEY)
    query = dict(parse_qsl(urlsplit(link_of(at)).query))
    assert query == {
        "hihello_seed": "5",
        "hihello_epochs": "60",
        "hihello_cell": "GRU",
        "hihello_learning_rate": "0.03",
    }
    again = opened(query)
    second = live_run(again, KEY)
    assert second.settings == first.settings
    assert [r.loss for r in second.history.records] == [r.loss for r in first.history.records]  # the same curve
    assert setting(again, KEY, "seed").value == 5.0 and setting(again, KEY, "cell").value == "gru"
    assert link_of(again) == link_of(at)
    assert not notes(again)


def test_a_teacher_can_write_a_choice_by_its_option_or_by_its_label():
    at = opened({"hihello_cell": "lstm", "hihello_readout": "linear", "hihello_nonlinearity": "relu"})
    settings = live_run(at, KEY).settings
    assert (settings.cell, settings.readout, settings.nonlinearity) == ("lstm", "linear", "relu")
    assert not notes(at)
    query = dict(parse_qsl(urlsplit(link_of(at)).query))
    assert query["hihello_cell"] == "LSTM" and query["hihello_readout"].startswith("a linear layer")


def test_a_forged_link_is_ignored_with_a_note_and_never_clamped():
    forged = {
        "hihello_seed": "abc",
        "hihello_epochs": "5000",  # outside the control's range: the default, not 1000
        "hihello_hidden_size": "3.5",  # not 3
        "hihello_cell": "<script>",
        "hihello_learning_rate": "0.5",  # not one of the rates offered
        "hihello_num_layers": "nan",
        "hihello_word": "hello",  # valid: taken
    }
    at = opened(forged)
    (note,) = notes(at)
    for name in ("hihello_seed=abc", "hihello_epochs=5000", "hihello_hidden_size=3.5", "hihello_cell=<script>"):
        assert name in note
    assert "hihello_learning_rate=0.5" in note and "hihello_num_layers=nan" in note
    run = live_run(at, KEY)
    assert run.settings.word == "hello"
    assert (run.settings.seed, run.settings.epochs, run.settings.hidden_size, run.settings.cell) == (2, 100, 8, "rnn")
    assert run.settings.num_layers == 1 and run.settings.learning_rate == 0.1
    assert dict(parse_qsl(urlsplit(link_of(at)).query)) == {"hihello_word": "hello"}
    at.run()
    assert notes(at) == [note] and not at.exception  # the note stays; nothing is read twice


def test_settings_survive_a_visit_to_another_screen():
    at = visit(PAGE)
    setting(at, KEY, "seed").set_value(7.0)
    setting(at, KEY, "num_layers").set_value(2)
    at.run()
    at.switch_page("pages/basics.py").run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    assert setting(at, KEY, "seed").value == 7.0 and setting(at, KEY, "num_layers").value == 2
    assert {"hihello_seed", "hihello_num_layers"} <= set(at.query_params)  # written back to the URL


def test_a_preset_writes_its_settings_into_the_url_and_plays_them():
    at = visit(PAGE)
    setting(at, KEY, "epochs").set_value(300).run()  # a preset also puts every other setting back
    at.button(key=f"{KEY}_preset_stuck").click().run()
    assert not at.exception, at.exception
    assert at.query_params.get("hihello_seed") == "0" and "hihello_epochs" not in at.query_params
    run = live_run(at, KEY)
    assert run.settings.seed == 0 and run.settings.epochs == 100 and run.playing
    assert any("Seed 0 gets stuck" in m.value for m in at.sidebar.get("markdown"))


SCREENS = {
    "long_sequences": (
        "pages/long_sequences.py",
        {
            "long_sequences_seed": "3",
            "long_sequences_epochs": "20",
            "long_sequences_cell": "GRU",
            "long_sequences_sequence_length": "6",
        },
        {
            "long_sequences_batch_size": "7",
            "long_sequences_sequence_length": "99",
            "long_sequences_hidden_is_vocabulary": "maybe",
        },
    ),
    "rnn_vs_lstm_gru": (
        "pages/rnn_vs_lstm_gru.py",
        {
            "rnn_vs_lstm_gru_gap": "5",
            "rnn_vs_lstm_gru_steps": "50",
            "rnn_vs_lstm_gru_seed": "1",
            "rnn_vs_lstm_gru_learning_rate": "0.03",
        },
        {
            "rnn_vs_lstm_gru_gap": "-4",
            "rnn_vs_lstm_gru_noise": "inf",
            "rnn_vs_lstm_gru_task": "chess",
            "rnn_vs_lstm_gru_recall_marker": "2",
        },
    ),
}


def settings_of(at, key):
    run = live_run(at, key)
    return run.settings, {cell: [r.loss for r in s.history.records] for cell, s in run.sessions.items()}


@pytest.mark.parametrize(
    "key",
    # the comparison and long-sequence runs take 2-5 s twice over: make test runs them, make check the rest
    [pytest.param(k, marks=pytest.mark.slow) if k in ("rnn_vs_lstm_gru", "long_sequences") else k for k in SCREENS],
)
def test_a_link_to_another_screen_opens_the_same_run_twice(key):
    page, query, _ = SCREENS[key]
    first = opened(query, page, key)
    second = opened(dict(parse_qsl(urlsplit(link_of(first)).query)), page, key)
    assert settings_of(second, key) == settings_of(first, key)
    assert dict(parse_qsl(urlsplit(link_of(first)).query)) == query
    assert not notes(first)


@pytest.mark.parametrize("key", list(SCREENS))
def test_a_forged_link_to_another_screen_gets_the_note(key):
    page, _, forged = SCREENS[key]
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT)
    at.query_params.update(forged)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    (note,) = notes(at)
    assert all(f"{name}={value}" in note for name, value in forged.items()), note
    settings = live_run(at, key).settings
    assert settings == type(settings)()  # every forged value ignored: the defaults train


SEASONAL_TAG = hashlib.sha1(b"sample:seasonal.csv").hexdigest()[:8]  # the time-series widgets' table tag


def test_a_time_series_link_carries_the_sample_and_the_table_settings():
    query = {
        "time_series_source": "seasonal",  # the option, as a teacher writes it; the link then shows its label
        "time_series_window": "14",
        f"time_series_epochs_{SEASONAL_TAG}": "30",
        "time_series_seed": "3",
    }
    first = opened(query, "pages/time_series.py", "time_series")
    run = live_run(first, "time_series")
    assert run.screen.identity == "sample:seasonal.csv"
    assert (run.settings.window, run.settings.epochs, run.settings.seed) == (14, 30, 3)
    assert not notes(first)
    link = dict(parse_qsl(urlsplit(link_of(first)).query))
    assert link["time_series_source"].startswith("Built-in: seasonal")
    second = opened(link, "pages/time_series.py", "time_series")
    assert settings_of(second, "time_series") == settings_of(first, "time_series")


def test_a_forged_time_series_link_gets_the_note_and_an_upload_says_the_file_stays_behind():
    forged = {
        "time_series_window": "999",
        "time_series_source": "evil",
        "time_series_train_percent": "33.5",
        f"time_series_target_{SEASONAL_TAG}": "Nope",
    }
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT)
    at.query_params.update({**forged, "time_series_source": "seasonal"})
    at.run()
    at.switch_page("pages/time_series.py").run()
    assert not at.exception, at.exception
    (note,) = notes(at)
    assert f"time_series_target_{SEASONAL_TAG}=Nope" in note
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT)
    at.query_params.update(forged)
    at.run()
    at.switch_page("pages/time_series.py").run()
    assert not at.exception, at.exception
    (note,) = notes(at)
    assert all(f"{name}={value}" in note for name, value in forged.items() if "target" not in name), note
    assert live_run(at, "time_series").settings.window == 7
    upload = visit("pages/time_series.py", time_series_source="upload")
    assert any("not your file" in c.value for c in upload.sidebar.get("caption"))


def test_hide_hides_the_named_controls_and_the_link_still_sets_them():
    at = opened({"hihello_seed": "0", "hide": "seed,cell,bogus"})
    style = " ".join(h.proto.body for h in at.get("html"))
    assert ".st-key-hihello_seed" in style and ".st-key-hihello_cell" in style and "bogus" not in style
    assert ".st-key-hihello_epochs" not in style
    assert any("This lesson's link fixes: the cell type, the seed" in c.value for c in at.sidebar.get("caption"))
    assert "hide=bogus" in notes(at)[0]
    assert live_run(at, KEY).settings.seed == 0  # drawn, hidden: the link's value still reaches it
    assert "hide=seed%2Ccell&" in link_of(at) + "&"  # the lesson's link keeps hiding them, without the name it refused


def preset_buttons(at, key: str = KEY) -> list[str]:
    """The teaching presets the sidebar offers, by name."""
    prefix = f"{key}_preset_"
    return [b.key.removeprefix(prefix) for b in at.sidebar.button if b.key and b.key.startswith(prefix)]


def captions(at) -> list[str]:
    return [c.value for c in at.sidebar.get("caption")]


def test_a_lesson_link_holds_no_preset_that_would_change_a_hidden_setting_is_offered():
    """Issue 22: with ``hide=seed,cell``, GRU and seed 3, the preset "Seed 0 gets stuck" turned the run into an RNN
    with seed 0. Every HiHello preset trains an RNN (and all but one with seed 2): none is offered, and the sidebar
    says why, naming the fixed settings as the page labels its controls."""
    at = paused({"hihello_cell": "gru", "hihello_seed": "3", "hide": "seed,cell"})
    assert preset_buttons(at) == []
    shown = captions(at)
    assert "This lesson's link leaves out 5 teaching setups: they would change settings the link fixes." in shown
    assert "This lesson's link fixes: the cell type, the seed (those controls are hidden)." in shown
    settings = live_run(at, KEY).settings
    assert (settings.cell, settings.seed) == ("gru", 3)
    at.run()  # a later run of the screen holds it too
    assert preset_buttons(at) == [] and not at.exception
    assert not any(":material/school:" in m.value for m in at.sidebar.get("markdown"))  # no preset's sentence


def test_a_preset_that_keeps_the_hidden_values_is_still_offered_and_works():
    at = paused({"hide": "seed,cell"})  # the default seed 2 and RNN: only "Seed 0 gets stuck" would change them
    assert preset_buttons(at) == ["lab", "saturated", "overshoot", "korean"]
    assert "This lesson's link leaves out 1 teaching setup: it would change a setting the link fixes." in captions(at)
    at.button(key=f"{KEY}_preset_korean").click().run()
    assert not at.exception, at.exception
    run = live_run(at, KEY)
    assert (run.settings.word, run.settings.seed, run.settings.cell) == ("안녕하세요", 2, "rnn") and run.playing
    assert any("A Korean word" in m.value for m in at.sidebar.get("markdown") if ":material/school:" in m.value)
    assert preset_buttons(at) == ["lab", "saturated", "overshoot", "korean"]  # still held after a preset
    query = dict(parse_qsl(urlsplit(link_of(at)).query))
    assert query["hide"] == "seed,cell" and query["hihello_word"] == "안녕하세요"


def test_hide_all_leaves_out_every_preset_that_changes_anything():
    at = paused({"hide": "all"})
    assert preset_buttons(at) == ["lab"]  # the defaults: loading it changes nothing
    assert "This lesson's link leaves out 4 teaching setups: they would change settings the link fixes." in captions(at)
    (fixes,) = [c for c in captions(at) if c.startswith("This lesson's link fixes: ")]
    for label in ("the word", "the cell type", "the seed", "the learning rate"):
        assert label in fixes, fixes
    stuck = paused({"hide": "all", "hihello_seed": "0"})  # exactly the preset's setup: it is offered, and loaded
    assert preset_buttons(stuck) == ["stuck"]
    assert any("Seed 0 gets stuck" in m.value for m in stuck.sidebar.get("markdown") if ":material/school:" in m.value)


def test_hide_on_the_time_series_screen_names_the_data_source_by_its_label_and_holds_the_sample():
    at = paused({"hide": "source"}, "pages/time_series.py", "time_series")
    assert preset_buttons(at, "time_series") == ["prices"]  # the seasonal preset would switch the sample
    assert "This lesson's link fixes: the data (those controls are hidden)." in captions(at)
    assert live_run(at, "time_series").screen.identity == "sample:stock_like.csv"


def test_a_long_sequence_preset_is_a_link_and_keeps_its_promise():
    at = visit("pages/long_sequences.py")
    at.button(key="long_sequences_preset_short_window").click().run()
    assert at.query_params.get("long_sequences_sequence_length") == "2"
    at.selectbox(key="long_sequences_speed").set_value("full").run()
    finish(at, "long_sequences")
    read_back = float(at.metric[0].value.rstrip("%"))
    assert read_back <= 85 and any("Window 2 is too short" in m.value for m in at.sidebar.get("markdown"))


def test_a_time_series_preset_switches_the_sample_and_says_what_to_look_for():
    at = visit("pages/time_series.py")
    assert any("The naive forecast wins on prices" in m.value for m in at.sidebar.get("markdown"))  # the defaults
    at.button(key="time_series_preset_seasonal").click().run()
    assert not at.exception, at.exception
    assert at.query_params.get("time_series_source", "").startswith("Built-in: seasonal")
    assert live_run(at, "time_series").screen.identity == "sample:seasonal.csv"
    assert any("Seasonal data: the model wins" in m.value for m in at.sidebar.get("markdown"))


def test_basics_takes_its_controls_from_the_link_and_notes_the_forged_ones():
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT)
    query = {"basics_seed": "7", "basics_nonlinearity": "relu", "basics_batch_first": "false"}
    at.query_params.update({**query, "basics_radius": "9", "basics_input_size": "3.5"})
    at.run()
    at.switch_page("pages/basics.py").run()
    assert not at.exception, at.exception
    (note,) = notes(at)
    assert "basics_radius=9" in note and "basics_input_size=3.5" in note
    assert at.slider(key="basics_input_size").value == 4 and at.slider(key="basics_radius").value == 0.9
    assert at.number_input(key="basics_seed").value == 7.0
    assert dict(parse_qsl(urlsplit(link_of(at)).query)) == query
    # Basics trains nothing: its link promises the same setup, not the same run
    from ui.links import LINK_PROMISE, SETUP_PROMISE

    captions = [c.value for c in at.sidebar.caption]
    assert SETUP_PROMISE in captions and LINK_PROMISE not in captions


def paused(query: dict[str, object], page: str = PAGE, key: str = KEY):
    """A fresh session opened at ``page`` with ``query``, its first tick played, then paused."""
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT)
    at.query_params.update(query)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    at.button(key=f"{key}_pause").click().run()
    assert not at.exception, at.exception
    return at


def test_hide_naming_ten_thousand_settings_is_read_once_per_run_deduplicated_capped_and_noted(monkeypatch):
    """Issue 24: 10,000 names cost the square of their number (7 s a draw). Now one pass per run over the list
    (``read_names``), at most ``MOST_VALUES`` names looked at, and two short notes: those that name nothing here,
    and the cap."""
    import ui.lessons
    from core.runs.links import MOST_VALUES, read_names

    calls = []

    def counted(values, *args):
        calls.append(len(values))
        return read_names(values, *args)

    monkeypatch.setattr(ui.lessons, "read_names", counted)
    names = ["seed", *(f"setting{i}" for i in range(10_000)), "seed", "cell"]  # cell: beyond the cap
    at = paused({"hide": ",".join(names)})
    assert calls and set(calls) == {1}  # the one hide parameter, read whole
    read = len(calls)
    at.run()
    assert len(calls) == read + 1  # once per run of the screen
    (note,) = notes(at)
    assert "hide=setting0,setting1" in note and "(not settings of this screen)" in note
    assert f"10,002 values, more than the {MOST_VALUES} a link may hold: only the first {MOST_VALUES} are read" in note
    assert len(note) < 400
    style = " ".join(h.proto.body for h in at.get("html"))
    assert ".st-key-hihello_seed" in style and "hihello_cell" not in style and "setting" not in style
    assert dict(parse_qsl(urlsplit(link_of(at)).query))["hide"] == "seed"
    assert live_run(at, KEY).settings.seed == 2 and not at.error  # the run is there, with the defaults


def test_numbers_written_otherwise_than_in_plain_decimal_form_are_ignored_with_the_note():
    at = paused({"hihello_seed": "1_0", "hihello_hidden_size": " 5 ", "hihello_epochs": "2e2", "hihello_word": "hi"})
    (note,) = notes(at)
    for value in ("hihello_seed=1_0", "hihello_hidden_size= 5 ", "hihello_epochs=2e2"):
        assert f"{value} (not a number in plain decimal form, like 12 or 0.001)" in note, note
    settings = live_run(at, KEY).settings
    assert (settings.seed, settings.hidden_size, settings.epochs, settings.word) == (2, 8, 100, "hi")
    assert dict(parse_qsl(urlsplit(link_of(at)).query)) == {"hihello_word": "hi"}


def test_markup_in_an_ignored_value_shows_as_text_and_a_long_one_is_shortened():
    forged = {
        "hihello_cell": "[click](https://example.com)",
        "hihello_seed": ":red[**7**]",
        "hihello_x" + "y" * 300: "$x$",
        "hihello_word": "<b>" + "z" * 100_000,
    }
    at = paused(forged)
    (markdown,) = [i.value for i in at.info if i.value.startswith("Ignored from the link")]
    for raw in ("[click](", ":red[", "**7**", "$x$", "<b>"):
        assert raw not in markdown, raw  # every punctuation mark escaped: shown as typed, never formatted
    (note,) = notes(at)
    assert "hihello_cell=[click](https://example.com) (" in note and "hihello_seed=:red[**7**] (" in note
    assert len(note) < 2000 and "z" * 60 not in note and "y" * 60 not in note


def test_a_device_this_machine_lacks_is_ignored_with_the_note_and_the_run_uses_the_cpu(monkeypatch):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)  # a CPU machine, whatever runs the test
    at = paused({"time_series_device": "cuda", "time_series_seed": "3"}, "pages/time_series.py", "time_series")
    (note,) = notes(at)
    assert (
        note
        == "Ignored from the link: time_series_device=cuda (this machine has no such device; the run uses the CPU)."
    )
    assert not at.error, [e.value for e in at.error]
    run = live_run(at, "time_series")
    assert run.settings.device == "auto" and run.screen.device.type == "cpu" and run.settings.seed == 3
    assert run.sessions["model"].device.type == "cpu" and at.radio(key="time_series_device").value == "auto"
    assert "time_series_device" not in dict(parse_qsl(urlsplit(link_of(at)).query))
