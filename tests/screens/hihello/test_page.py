"""The HiHello screen under AppTest: it plays, steps, steers, resets, refuses bad input and over-budget runs."""

import json
import re
import time

import pytest

from core.engine.objectives import probabilities
from tests.conftest import fast_first, finish, live_run, open_screen, reset_and_finish, setting, visit
from tests.words.korean_text import mostly_hangul

KEY = "hihello"
PAGE = "pages/hihello.py"


@pytest.fixture
def hihello():
    return open_screen(PAGE, KEY)


def plain(markdown: str) -> str:
    """What a learner reads: the page escapes punctuation (``markdown_literal``) so a typed word shows as typed."""
    return re.sub(r"\\(.)", r"\1", markdown)


def metric(at, label):
    return next(m.value for m in at.metric if m.label.startswith(label))


@pytest.mark.seeds
def test_first_visit_plays_the_defaults_and_learns_the_word(hihello):
    assert metric(hihello, "Prediction after epoch 100") == "ihello"
    assert metric(hihello, "Accuracy") == "100%"
    assert len(hihello.get("plotly_chart")) >= 6  # loss, accuracy, probabilities, hidden, 2 gradient charts
    assert any("learned the sequence" in s.value for s in hihello.success)
    assert any("Epoch 100 of 100" in c.value and "finished" in c.value for c in hihello.caption)


def test_the_first_visit_plays_and_a_new_run_waits_for_play():
    at = visit(PAGE)
    run = live_run(at, KEY)
    assert run.mode == "playing" and run.epoch <= 3  # the first frame shows the start (issue 22)
    time.sleep(0.3)
    at.run()  # the next tick: at normal speed (15 a second) at most half a second's worth however late it comes
    assert 0 < run.epoch <= 3 + 7
    at.selectbox(key=f"{KEY}_speed").set_value("full").run()  # the rest at full speed: no waiting for the pace
    finish(at, KEY)
    assert run.mode == "paused" and run.epoch == 100
    at.button(key=f"{KEY}_reset").click().run()
    run = live_run(at, KEY)
    assert run.epoch == 0 and run.mode == "paused" and not run.history.records
    assert [s.epoch for s in run.history.snapshots] == [0]
    assert metric(at, "Prediction") == "—"  # epoch 0 is drawn: the initial weights


def test_play_advances_at_the_chosen_speed_and_pause_holds_it(hihello):
    at = hihello
    at.button(key=f"{KEY}_reset").click().run()
    at.selectbox(key=f"{KEY}_speed").set_value("slow").run()
    at.button(key=f"{KEY}_play").click().run()
    epochs = [live_run(at, KEY).epoch]
    for _ in range(3):
        time.sleep(0.4)  # the pace is per second of watching: slow is about 3 epochs a second
        at.run()
        epochs.append(live_run(at, KEY).epoch)
    assert epochs == sorted(epochs) and len(set(epochs)) == 4 and epochs[-1] < 20
    at.button(key=f"{KEY}_pause").click().run()
    held = live_run(at, KEY).epoch
    at.run()
    at.run()
    assert live_run(at, KEY).epoch == held and live_run(at, KEY).mode == "paused"


def test_step_advances_exactly_one_epoch(hihello):
    at = hihello
    at.button(key=f"{KEY}_reset").click().run()
    for expected in (1, 2, 3):
        at.button(key=f"{KEY}_step").click().run()
        run = live_run(at, KEY)
        assert run.epoch == expected and len(run.history.records) == expected and run.mode == "paused"
    assert metric(at, "Prediction after epoch 3")


def test_run_to_end_then_reset_clears_the_run(hihello):
    at = hihello
    first = live_run(at, KEY)
    at.button(key=f"{KEY}_reset").click().run()
    run = live_run(at, KEY)
    assert run is not first and run.epoch == 0 and run.number == first.number + 1
    at.button(key=f"{KEY}_finish").click().run()
    finish(at, KEY)
    assert live_run(at, KEY).epoch == 100
    assert [r.loss for r in live_run(at, KEY).history.records] == [r.loss for r in first.history.records]


def test_a_learning_rate_change_while_paused_keeps_the_history_and_marks_the_curve(hihello):
    at = hihello
    at.button(key=f"{KEY}_reset").click().run()
    for _ in range(5):
        at.button(key=f"{KEY}_step").click().run()
    before = [r.loss for r in live_run(at, KEY).history.records]
    at.select_slider(key=f"{KEY}_learning_rate").set_value(0.01).run()
    run = live_run(at, KEY)
    assert [r.loss for r in run.history.records] == before and run.session.learning_rate == 0.01
    assert not any("Changed:" in i.value for i in at.info)  # the learning rate needs no reset
    at.button(key=f"{KEY}_step").click().run()
    assert live_run(at, KEY).history.records[-1].learning_rate == 0.01
    loss_chart = next(c.proto.spec for c in at.get("plotly_chart") if "Loss per epoch" in c.proto.spec)
    assert "lr → 0.01" in json.loads(loss_chart)["layout"]["annotations"][0]["text"]


def test_changed_settings_ask_for_a_reset_and_never_mix_into_the_run(hihello):
    at = hihello
    run = live_run(at, KEY)
    at.slider(key=f"{KEY}_num_layers").set_value(2).run()  # with one layer the hidden size does not apply
    at.slider(key=f"{KEY}_hidden_size").set_value(16).run()
    at.selectbox(key=f"{KEY}_cell").set_value("lstm").run()
    note = next(i.value for i in at.info if "Changed:" in i.value)
    assert all(name in note for name in ("the depth", "the hidden size", "the cell type", "Reset"))
    assert live_run(at, KEY) is run  # the run goes on with its own settings


@pytest.mark.seeds
def test_the_labs_own_seed_is_stuck(hihello):
    reset_and_finish(hihello, KEY, seed=0)
    assert metric(hihello, "Prediction after epoch 100") == "ilello"
    assert any("instead of" in i.value for i in hihello.info)


def test_hidden_size_2_with_depth_3_still_trains(hihello):
    hihello.radio(key=f"{KEY}_readout").set_value("linear").run()  # the hidden size applies from here on
    reset_and_finish(hihello, KEY, hidden_size=2, num_layers=3)
    assert not hihello.error
    assert len(metric(hihello, "Prediction after epoch")) == 6
    assert hihello.radio(key=f"{KEY}_layer").options == ["layer 1", "layer 2", "layer 3"]


@pytest.mark.parametrize("word", ["", "h", "x" * 500])
def test_bad_words_show_an_error_and_keep_the_run(hihello, word):
    run = live_run(hihello, KEY)
    hihello.text_input(key=f"{KEY}_word").set_value(word).run()
    assert hihello.error, word
    assert hihello.button(key=f"{KEY}_reset").disabled  # nothing to reset to
    assert live_run(hihello, KEY) is run
    assert metric(hihello, "Prediction after epoch 100") == "ihello"  # the previous run stays on screen


def test_custom_target_outside_the_vocabulary_is_refused(hihello):
    hihello.text_input(key=f"{KEY}_target").set_value("ihellz").run()
    assert "not in the vocabulary" in hihello.error[0].value


def test_a_run_over_the_budget_is_refused_and_the_previous_run_stays(hihello, monkeypatch):
    monkeypatch.setenv("RNNLAB_MAX_RUN_SECONDS", "0.001")
    run = live_run(hihello, KEY)
    reset_and_finish(hihello, KEY, epochs=1000)
    message = " ".join(e.value for e in hihello.error)
    assert "limit on this server" in message and "Epochs" in message
    assert live_run(hihello, KEY) is run


@pytest.mark.parametrize(
    ("settings", "changed"),
    fast_first(
        [
            ({"cell": "lstm", "readout": "linear"}, "Loss"),
            ({"word": "hello world"}, "Target"),
            ({"epochs": 20}, "Loss"),
            ({"nonlinearity": "relu"}, "Loss"),
        ]
    ),
)
def test_controls_change_the_outcome(hihello, settings, changed):
    before = metric(hihello, changed)
    reset_and_finish(hihello, KEY, **settings)
    assert metric(hihello, changed) != before


def test_the_learning_rate_of_a_new_run_changes_the_outcome(hihello):
    before = metric(hihello, "Loss")
    hihello.select_slider(key=f"{KEY}_learning_rate").set_value(0.01).run()
    reset_and_finish(hihello, KEY)
    assert live_run(hihello, KEY).session.learning_rate == 0.01
    assert metric(hihello, "Loss") != before


def test_epoch_control_scrubs_without_retraining(hihello):
    """Scrubbing retrains nothing; the metrics follow the epoch shown (one moment on screen): before training there
    is no prediction yet."""
    run = live_run(hihello, KEY)
    losses = [r.loss for r in run.history.records]
    charts_before = [c.proto.spec for c in hihello.get("plotly_chart")]
    hihello.select_slider(key=f"{KEY}_epoch").set_value(0).run()
    assert not hihello.exception
    charts_after = [c.proto.spec for c in hihello.get("plotly_chart")]
    assert [r.loss for r in live_run(hihello, KEY).history.records] == losses and run.epoch == 100
    assert metric(hihello, "Loss") == metric(hihello, "Prediction") == "—"
    hihello.select_slider(key=f"{KEY}_epoch").set_value(50).run()
    assert metric(hihello, "Prediction after epoch 50") and metric(hihello, "Loss") == (
        f"{run.history.snapshot_at(50).probe.loss:.4f}"
    )
    assert charts_after != charts_before
    assert any("after 0 epochs" in spec for spec in charts_after)


def test_after_a_new_run_the_epoch_control_shows_the_charts_epoch(hihello):
    hihello.select_slider(key=f"{KEY}_epoch").set_value(0).run()
    reset_and_finish(hihello, KEY, epochs=40)
    assert hihello.select_slider(key=f"{KEY}_epoch").value == 40
    assert any("after 40 epochs" in c.proto.spec for c in hihello.get("plotly_chart"))


def test_replay_walks_the_snapshots_from_epoch_0(hihello):
    at = hihello
    at.button(key=f"{KEY}_replay").click().run()
    seen = [at.select_slider(key=f"{KEY}_epoch").value]
    while live_run(at, KEY).mode == "replaying":
        at.run()
        seen.append(at.select_slider(key=f"{KEY}_epoch").value)
    snapshots = [s.epoch for s in live_run(at, KEY).history.snapshots]
    assert seen[0] == 0 and seen[-1] == snapshots[-1] and seen == sorted(seen)


def test_a_diverging_learning_rate_is_explained(hihello):
    hihello.select_slider(key=f"{KEY}_learning_rate").set_value(10.0).run()
    hihello.radio(key=f"{KEY}_readout").set_value("linear").run()  # the hidden size applies from here on
    reset_and_finish(hihello, KEY, hidden_size=64, num_layers=4, nonlinearity="relu", epochs=300)
    warnings = [plain(w.value) for w in hihello.warning]
    assert any("learning rate (10) is too high" in w for w in warnings)
    advice = " ".join(w.split("Try", 1)[-1] for w in warnings)
    assert "a learning rate of 0.1" in advice  # at 1 it explodes too (tests/screens/hihello/test_advice.py)
    assert "linear output layer" not in " ".join(warnings + [i.value for i in hihello.info])  # it is selected
    assert len(hihello.get("plotly_chart")) >= 5  # the last good state is still drawn


def test_at_the_defaults_the_hidden_size_is_disabled_and_the_ceiling_explained(hihello):
    """With the lab's output and one layer the hidden size changes nothing: disabled, with the reason. The scores
    are tanh values, so every probability stops below e / (e + 4/e) = 0.649 (loss 0.458 at 100% accuracy)."""
    slider = hihello.slider(key=f"{KEY}_hidden_size")
    assert slider.disabled and "does not apply" in slider.help
    assert any("does not apply" in c.value for c in hihello.sidebar.caption)
    note = plain(next(i.value for i in hihello.info if "probabilities stop short of 1" in i.value))
    outputs = live_run(hihello, KEY).history.snapshots[-1].probe.outputs
    measured = float(probabilities(outputs).max())
    assert "e / (e + 4/e) = 0.649" in note and "−ln 0.649 = 0.433" in note
    assert f"gets {measured:.3f} at most" in note and measured <= 0.6488 and outputs.max() <= 1.0
    assert metric(hihello, "Accuracy") == "100%" and float(metric(hihello, "Loss")) >= 0.433
    assert not hihello.radio(key=f"{KEY}_nonlinearity").disabled  # the RNN's choice applies


@pytest.mark.parametrize("changes", [{"readout": "linear"}, {"num_layers": 2}])
def test_the_hidden_size_is_enabled_where_it_applies(hihello, changes):
    for name, value in changes.items():
        setting(hihello, KEY, name).set_value(value)
    hihello.run()
    slider = hihello.slider(key=f"{KEY}_hidden_size")
    assert not slider.disabled and not slider.help
    assert not any("does not apply" in c.value for c in hihello.sidebar.caption)


def test_the_nonlinearity_is_disabled_for_gated_cells(hihello):
    hihello.selectbox(key=f"{KEY}_cell").set_value("gru").run()
    radio = hihello.radio(key=f"{KEY}_nonlinearity")
    assert radio.disabled and "GRU" in radio.help


def test_the_intro_and_the_labels_follow_the_word(hihello):
    intro = plain(hihello.markdown[0].value)
    assert '"hihell"' in intro and '"ihello"' in intro and "1-layer RNN (tanh)" in intro
    hihello.radio(key=f"{KEY}_readout").set_value("linear").run()
    reset_and_finish(hihello, KEY, word="안녕하세요안녕", cell="gru", num_layers=2)
    intro = plain(hihello.markdown[0].value)
    assert '"안녕하세요안"' in intro and '"녕하세요안녕"' in intro and "hihell" not in intro
    assert "2-layer GRU of 8 hidden units per layer, with a linear output layer" in intro
    pairs = next(d.value for d in hihello.dataframe if "target" in d.value.columns)
    assert pairs["step"].tolist() == [1, 2, 3, 4, 5, 6]
    chart = next(c.proto.spec for c in hihello.get("plotly_chart") if "Predicted probability" in c.proto.spec)
    assert json.loads(chart)["layout"]["xaxis"]["ticktext"][0] == "1: 안"


def test_steps_and_units_count_from_1_in_labels_and_hover(hihello):
    specs = {
        json.loads(c.proto.spec)["layout"]["title"]["text"]: json.loads(c.proto.spec)
        for c in hihello.get("plotly_chart")
    }
    hidden = next(spec for title, spec in specs.items() if title.startswith("Hidden state"))
    assert hidden["layout"]["yaxis"]["ticktext"][0] == "unit 1"
    assert hidden["layout"]["xaxis"]["ticktext"][:2] == ["1: h", "2: i"]
    gradient = next(spec for title, spec in specs.items() if title.startswith("How much gradient"))
    trace = gradient["data"][0]
    assert trace["customdata"][0] == [1, "1: h"] and trace["hovertemplate"].startswith("step %{customdata[0]}")


# --- In Korean ----------------------------------------------------------------------------------------------------


def korean_visit():
    """A fresh session opened with ``?lang=ko``, switched to HiHello and played to the end at full speed."""
    from streamlit.testing.v1 import AppTest

    from tests.conftest import APP, APP_TIMEOUT

    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT)
    at.query_params["lang"] = "ko"
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    at.selectbox(key=f"{KEY}_speed").set_value("full").run()
    return finish(at, KEY)


def test_the_page_speaks_korean():
    """What this page and core.screens.hihello.settings/_readings write is in Korean (the shared views' captions are
    their files')."""
    at = korean_visit()
    assert not at.exception
    assert live_run(at, KEY).epoch == 100
    own = [at.title[0].value, at.markdown[0].value, *(s.value for s in at.subheader)]
    own += [m.label for m in at.metric] + [e.value for e in at.success] + [e.value for e in at.info]
    own += [at.text_input(key=f"{KEY}_{name}").label for name in ("word", "target")]
    own += [at.slider(key=f"{KEY}_{name}").label for name in ("hidden_size", "epochs")]
    readout = at.radio(key=f"{KEY}_readout")
    own += [readout.label, *readout.options, at.radio(key=f"{KEY}_nonlinearity").label]
    predictions = next(d.value for d in at.dataframe if len(d.value.columns) == 5)
    own += list(predictions.columns)
    assert [text for text in own if not mostly_hangul(text)] == []
    assert sum(mostly_hangul(c.value) for c in at.caption) >= 2  # the probability chart's, the hidden size's
    assert metric(at, "에포크 100 후 예측") == "ihello" and metric(at, "정확도") == "100%"
    learned = plain(at.success[0].value)
    assert "'ihello'" in learned and "학습했습니다" in learned
    note = plain(at.info[0].value)
    assert "e / (e + 4/e) = 0.649" in note and "−ln 0.649 = 0.433" in note  # the numbers survive translation


def test_switching_the_language_keeps_the_run_and_the_choices():
    """Train some epochs, change a choice whose control shows labels, switch to 한국어 with the sidebar selector:
    the same run (same object, epoch, losses, no epoch trained), the same choices, the words in Korean; and back."""
    at = visit(PAGE)
    at.button(key=f"{KEY}_pause").click().run()
    for _ in range(2):
        at.button(key=f"{KEY}_step").click().run()
    at.radio(key=f"{KEY}_readout").set_value("linear").run()  # a new setting waits for Reset: the run stays
    run = live_run(at, KEY)
    epoch, losses, loss_shown = run.epoch, [r.loss for r in run.history.records], metric(at, "Loss")
    assert run.mode == "paused" and epoch >= 2 and len(losses) == epoch
    assert at.title[0].value == "HiHello: predict the next character"

    at.sidebar.button_group(key="language_selector").set_value("ko").run()
    assert not at.exception, at.exception
    assert live_run(at, KEY) is run and run.mode == "paused" and run.epoch == epoch
    assert [r.loss for r in run.history.records] == losses  # not one epoch more, none retrained
    assert metric(at, "손실") == loss_shown and metric(at, f"에포크 {epoch} 후 예측")
    assert at.title[0].value == "HiHello: 다음 문자 예측하기" and mostly_hangul(at.markdown[0].value)
    assert at.radio(key=f"{KEY}_readout").value == "linear"  # the choice outlives its label's language
    assert at.query_params["lang"] == "ko"  # a link or a reload keeps the choice
    at.run()  # a later rerun (a tick) stays in Korean and still trains nothing
    assert at.title[0].value == "HiHello: 다음 문자 예측하기" and run.epoch == epoch

    at.sidebar.button_group(key="language_selector").set_value("en").run()
    assert not at.exception, at.exception
    assert live_run(at, KEY) is run and [r.loss for r in run.history.records] == losses
    assert at.title[0].value == "HiHello: predict the next character" and metric(at, "Loss") == loss_shown
    assert at.radio(key=f"{KEY}_readout").value == "linear"
    at.button(key=f"{KEY}_step").click().run()  # the run goes on where it was
    assert live_run(at, KEY) is run and run.epoch == epoch + 1 and [r.loss for r in run.history.records][:-1] == losses
