"""The RNN vs LSTM/GRU screen under AppTest: trains all three cells, every control matters, extremes hold."""

import dataclasses

import pytest
from streamlit.testing.v1 import AppTest

from core.screens.rnn_vs_lstm_gru.comparison import gap_sweep
from tests.conftest import APP, APP_TIMEOUT, finish, live_run, open_screen, reset_and_finish
from tests.words.korean_text import hangul_share, page_words

KEY = "rnn_vs_lstm_gru"
PAGE = "pages/rnn_vs_lstm_gru.py"


@pytest.fixture(scope="module")
def rnn_vs_lstm_gru_page():
    """One page for the module, opened on a short run (the defaults train three cells for a while): every test
    trains its own settings."""
    return open_screen(PAGE, KEY, rnn_vs_lstm_gru_gap=5, rnn_vs_lstm_gru_steps=50)


def accuracies(at):
    """The summary's accuracy per cell (the curves' metrics above it say held-out or training accuracy)."""
    return {
        m.label: m.value
        for m in at.metric
        if m.label.endswith("accuracy") and not m.label.endswith(("held-out accuracy", "training accuracy"))
    }


@pytest.mark.seeds
@pytest.mark.slow
def test_first_visit_trains_three_cells_and_explains():
    at = open_screen(PAGE, KEY)
    assert set(accuracies(at)) == {"RNN accuracy", "LSTM accuracy", "GRU accuracy"}
    reading = at.info[0].value
    assert reading.startswith("After all 300 training steps")
    assert "at gap 30" in reading and "chance is 12.5%" in reading
    assert len(at.get("plotly_chart")) >= 3 + 7  # curves, gradients, LSTM and GRU gates


def test_a_short_first_visit_trains_three_cells_and_draws_them(rnn_vs_lstm_gru_page):
    at = rnn_vs_lstm_gru_page
    assert set(accuracies(at)) == {"RNN accuracy", "LSTM accuracy", "GRU accuracy"}
    assert at.info[0].value.startswith("After all 50 training steps") and "at gap 5" in at.info[0].value
    assert "(chance is 12.5%)" in at.info[0].value
    assert len(at.get("plotly_chart")) >= 3 + 1 + 7  # curves, gradients and the LSTM's cell state, gates
    captions = [c.value for c in at.caption]
    assert any("After training, ‖∂L/∂h_1‖ ÷ ‖∂L/∂h_T‖ is RNN" in c for c in captions)
    assert any(
        c.startswith("The LSTM has a second path back in time") and "‖∂L/∂c_1‖ ÷ ‖∂L/∂c_T‖ is" in c for c in captions
    )
    assert not any(
        "cannot be learned." in c.replace("not that the first symbol cannot be learned.", "") for c in captions
    )


@pytest.mark.parametrize(
    "settings",
    [
        {"gap": 1, "steps": 50},
        pytest.param({"gap": 100, "steps": 50, "hidden_size": 4}, marks=pytest.mark.slow),  # the longest gap: 3 s
        {"match_parameters": False, "steps": 50, "gap": 5},
        {
            "keep_gate_bias": 0.0,
            "steps": 50,
            "gap": 5,
            "noise": 1.0,
            "num_symbols": 2,
            "num_distractors": 1,
            "recall_marker": False,
        },
    ],
)
def test_extreme_settings_train_without_error(rnn_vs_lstm_gru_page, settings):
    at = reset_and_finish(rnn_vs_lstm_gru_page, KEY, **settings)
    assert not at.error
    assert len(accuracies(at)) == 3


@pytest.mark.slow  # three cells retrained: ~4 s
def test_controls_change_the_outcome(rnn_vs_lstm_gru_page):
    at = reset_and_finish(
        rnn_vs_lstm_gru_page,
        KEY,
        gap=5,
        steps=50,
        seed=0,
        match_parameters=True,
        keep_gate_bias=5.0,
        noise=0.2,
        num_symbols=8,
        num_distractors=8,
        hidden_size=32,
    )
    first = accuracies(at), at.info[0].value
    reset_and_finish(at, KEY, seed=1)
    assert (accuracies(at), at.info[0].value) != first
    reset_and_finish(at, KEY, task="hihello", steps=50)
    assert "training targets" in at.info[0].value
    assert any("needs the memory task" in c.value for c in at.caption)


def test_the_sweep_runs_per_gap(rnn_vs_lstm_gru_page):
    at = reset_and_finish(rnn_vs_lstm_gru_page, KEY, task="memory", gap=5, steps=50)
    at.multiselect(key=f"{KEY}_gaps").set_value([2, 4])
    at.button(key=f"{KEY}_run_sweep").click().run()
    finish(at, KEY)  # it trains in the live ticks, a chunk per turn of the server's queue
    assert not at.exception
    assert any(c.value.startswith("In this sweep") for c in at.caption)


@pytest.mark.slow  # three cells retrained: ~4 s
def test_a_sweep_run_mid_training_stays_on_screen_after_the_next_step(rnn_vs_lstm_gru_page):
    """The sweep trains its own cells from the settings: the run's later steps neither drop nor change it."""
    at = reset_and_finish(rnn_vs_lstm_gru_page, KEY, task="memory", gap=5, steps=50)
    at.button(key=f"{KEY}_reset").click().run()
    at.button(key=f"{KEY}_step").click().run()
    at.multiselect(key=f"{KEY}_gaps").set_value([2, 4])
    at.button(key=f"{KEY}_run_sweep").click().run()
    finish(at, KEY)
    swept = live_run(at, KEY).requested["sweep"]
    assert live_run(at, KEY).epoch == 10  # the race stood still while the sweep trained
    at.button(key=f"{KEY}_step").click().run()
    assert not at.exception and live_run(at, KEY).epoch == 20
    assert live_run(at, KEY).requested["sweep"] is swept
    assert any(c.value.startswith("In this sweep") for c in at.caption)
    with pytest.raises(dataclasses.FrozenInstanceError):
        live_run(at, KEY).screen.task = None


def sweep_status(at) -> str:
    return " ".join(c.value for c in at.caption if "gap sweep" in c.value or "free slot" in c.value)


@pytest.mark.slow  # the sweep trains twice: ~5 s
def test_pause_stops_the_sweep_and_continue_ends_with_the_numbers_of_an_uninterrupted_sweep(
    rnn_vs_lstm_gru_page, monkeypatch
):
    import ui.live_run

    monkeypatch.setattr(ui.live_run, "WORK_SECONDS", 0.05)  # short chunks, as in a browser: Pause finds it midway
    at = reset_and_finish(rnn_vs_lstm_gru_page, KEY, task="memory", gap=5, steps=100)
    at.multiselect(key=f"{KEY}_gaps").set_value([2, 5])
    at.button(key=f"{KEY}_run_sweep").click().run()  # its run plays the first tick
    assert "running the gap sweep: gap 2 (1 of 2), training the " in sweep_status(at)
    at.button(key=f"{KEY}_pause").click().run()
    job = live_run(at, KEY).job
    assert live_run(at, KEY).mode == "paused" and not job.finished
    done, fraction = job.done, job.fraction
    at.run().run()
    assert (job.done, job.fraction) == (done, fraction)  # nothing computes while paused
    assert any(c.value.startswith("The sweep is paused (gap ") for c in at.caption)
    at.button(key=f"{KEY}_continue_sweep").click().run()
    finish(at, KEY)
    swept, accuracy = live_run(at, KEY).requested["sweep"]
    assert swept == [2, 5] and accuracy == gap_sweep(live_run(at, KEY).settings, [2, 5])
    assert live_run(at, KEY).job is None


@pytest.mark.slow  # three cells retrained: ~4 s
def test_the_three_cells_race_together_and_step_is_ten_optimiser_steps(rnn_vs_lstm_gru_page):
    at = reset_and_finish(rnn_vs_lstm_gru_page, KEY, gap=5, steps=50)
    at.button(key=f"{KEY}_reset").click().run()
    at.button(key=f"{KEY}_step").click().run()
    run = live_run(at, KEY)
    assert {cell: s.epoch for cell, s in run.sessions.items()} == {"rnn": 10, "lstm": 10, "gru": 10}
    at.button(key=f"{KEY}_play").click().run()
    while live_run(at, KEY).playing:
        epochs = [s.epoch for s in live_run(at, KEY).sessions.values()]
        assert max(epochs) - min(epochs) <= 50  # no cell runs away from the others
        at.run()
    finish(at, KEY)
    assert all(s.epoch == 50 for s in live_run(at, KEY).sessions.values())


def test_the_screen_speaks_korean_and_a_language_switch_keeps_the_run():
    """?lang=ko: the page's words are Korean; switching to English redraws the same finished run (same steps, same
    losses, the same session objects), it does not train again."""
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT)
    at.query_params["lang"] = "ko"
    at.run()
    at.session_state["rnn_vs_lstm_gru_gap"], at.session_state["rnn_vs_lstm_gru_steps"] = 5, 50
    at.switch_page(PAGE).run()
    at.selectbox(key=f"{KEY}_speed").set_value("full").run()
    finish(at, KEY)
    assert at.title[0].value == "RNN vs LSTM/GRU: 장기 의존성"
    # The page itself (the sidebar's shared parts, the link and the presets, belong to other screens' work).
    shown = page_words(at.main, "title", "markdown", "caption")
    assert hangul_share(*shown) > 0.6, shown
    assert hangul_share(at.info[0].value) > 0.9 and at.info[0].value.startswith("학습 스텝 50회를 모두 마친 뒤")
    assert set(accuracies_ko(at)) == {"RNN 정확도", "LSTM 정확도", "GRU 정확도"}
    run = live_run(at, KEY)
    losses = {cell: list(session.history.losses) for cell, session in run.sessions.items()}

    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "RNN vs LSTM/GRU: long-term dependencies"
    assert at.info[0].value.startswith("After all 50 training steps")
    assert live_run(at, KEY) is run and run.epoch == 50 and not run.playing
    assert {cell: list(session.history.losses) for cell, session in run.sessions.items()} == losses


def accuracies_ko(at):
    return {m.label: m.value for m in at.metric if m.label.endswith(" 정확도") and "의 " not in m.label}


def test_the_sidebar_language_selector_switches_this_screen_without_an_error():
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT)
    at.query_params["lang"] = "ko"
    at.run()
    at.session_state["rnn_vs_lstm_gru_gap"], at.session_state["rnn_vs_lstm_gru_steps"] = 5, 50
    at.switch_page(PAGE).run()
    run = live_run(at, KEY)
    at.sidebar.button_group(key="language_selector").set_value("en").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "RNN vs LSTM/GRU: long-term dependencies" and live_run(at, KEY) is run
