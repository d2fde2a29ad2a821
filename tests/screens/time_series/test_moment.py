"""One moment on screen (issue 22, point 3) on the Time series screen: paused at any epoch, after Pause, Step or the
epoch control, the metrics, the verdict and every chart show that epoch and name it the same way, and every number
comes from that epoch's weights; a reading of a run that has not finished says "so far".

Each check compares the screen with its own run's numbers (a forecast computed here from the weights of that moment),
never with a seed's outcome, so it holds under every CPU capability."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re

import numpy as np
import pytest

from core.screens.time_series.results import ForecastResult, evaluate_forecast, forecast_beyond, format_number
from tests.conftest import finish, live_run, visit

KEY = "time_series"
PAGE = "pages/time_series.py"
TAG = hashlib.sha1(b"sample:stock_like.csv").hexdigest()[:8]  # the stock sample's table-tied widgets end in it
EPOCHS = 100  # snapshots every 5 epochs


def titles(at) -> list[str]:
    return [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]


def spec(at, title_start: str) -> dict:
    return next(
        json.loads(c.proto.spec)
        for c in at.get("plotly_chart")
        if json.loads(c.proto.spec)["layout"]["title"]["text"].startswith(title_start)
    )


def plotted(values) -> list:
    """A trace's values as the chart's spec holds them: a list, or plotly's typed array (base64 bytes)."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def metric(at, label: str):
    return next(m for m in at.metric if m.label.startswith(label))


def plain(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


def verdict(at) -> str:
    return next(plain(e.value) for e in [*at.info, *at.success] if "RMSE" in e.value)


def texts(at) -> str:
    kinds = (at.caption, at.info, at.success, at.warning, at.markdown)
    return " ".join(plain(e.value) for kind in kinds for e in kind)


def model_at(run, epoch: int):
    """The run's network with the weights after ``epoch`` epochs (the session's own when it stands there)."""
    if epoch == run.session.epoch:
        return run.session.model
    model = copy.deepcopy(run.session.model)
    model.load_state_dict(run.history.snapshot_at(epoch).weights)
    return model


def check_the_screen_shows(at, run, epoch: int, so_far_of: int | None) -> ForecastResult:
    """Every view of the results names ``epoch`` and holds the numbers of a forecast computed here from the weights
    after it; the verdict is that forecast's, read "so far" when ``so_far_of`` (the run's epochs) is given."""
    prepared = run.screen.prepared
    model = model_at(run, epoch)
    result = evaluate_forecast(prepared, model, epoch, so_far_of)
    rmse = metric(at, "Test RMSE, model")
    assert rmse.value == format_number(result.model_metrics["RMSE"])
    assert rmse.help == f"At the weights after epoch {epoch}."
    loss = metric(at, "Training loss after epoch")
    assert loss.label == f"Training loss after epoch {epoch}" and loss.value == f"{result.training_loss:.5f}"
    assert f"At the weights after epoch {epoch}." in loss.help
    table = next(d.value for d in at.dataframe if "test metric" in d.value.columns)
    assert table["model"].tolist() == [format_number(v) for v in result.model_metrics.values()]
    assert verdict(at) == result.verdict
    if so_far_of is None:
        assert not verdict(at).startswith("So far")
    else:
        assert verdict(at).startswith(f"So far, after epoch {epoch} of {so_far_of} epochs: ")
        assert "after training" not in texts(at).lower()
    after = f"(after {epoch} epochs)"
    shown = titles(at)
    views = ("Hidden state h_t", "How much gradient reaches", "Prediction (next value)", "Residuals", "Forecast of")
    for view in views:
        title = next(t for t in shown if t.startswith(view))
        assert f"after {epoch} epochs" in title, title
    assert f"Test error after {epoch} epochs:" in " ".join(shown)
    others = {int(n) for n in re.findall(r"after (\d+) epochs", " ".join(shown))} | {
        # (not the validation curve's caption: "measured every 2 epochs (after epoch 2, 4, …)")
        int(n)
        for n in re.findall(r"after epoch (\d+)(?!, \d)", texts(at) + " ".join(m.label for m in at.metric))
    }
    assert others == {epoch}, others
    # The charts' lines are this forecast's.
    prediction = spec(at, "Prediction (next value)")
    test_line = next(t for t in prediction["data"] if t["name"] == "model (test part)")
    test = prepared.split.test_windows
    assert np.allclose(plotted(test_line["y"]), result.predictions[test, 0][:: max(1, -(-prepared.rows // 4000))])
    future = spec(at, "Forecast of")
    line = next(t for t in future["data"] if t["name"] == "model forecast")
    steps = len(plotted(line["y"])) - 1
    assert np.allclose(plotted(line["y"])[1:], forecast_beyond(prepared, model, steps))
    assert after in future["layout"]["title"]["text"]
    return result


@pytest.fixture
def paused_at_18():
    """The issue's case: a playing run paused at epoch 16, then two Steps (snapshots every 5: the newest is 15)."""
    at = visit(PAGE, **{f"{KEY}_epochs_{TAG}": EPOCHS})
    run = live_run(at, KEY)
    assert run.playing and run.settings.epochs == EPOCHS
    run.session.advance(epochs=16 - run.epoch)
    at.button(key=f"{KEY}_pause").click().run()
    assert not at.exception, at.exception
    assert run.epoch == 16 and not run.playing
    for _ in range(2):
        at.button(key=f"{KEY}_step").click().run()
        assert not at.exception, at.exception
    return at


def test_after_pause_and_two_steps_every_view_names_the_same_epoch_and_holds_its_numbers(paused_at_18):
    at = paused_at_18
    run = live_run(at, KEY)
    assert run.epoch == 18 and 18 not in [s.epoch for s in run.history.snapshots]  # no snapshot at 18
    assert at.select_slider(key=f"{KEY}_epoch").value == 18  # the control offers the epoch the run stands at
    assert any(c.value.startswith("**Epoch 18 of 100**") for c in at.caption)
    check_the_screen_shows(at, run, 18, so_far_of=EPOCHS)


def test_the_epoch_control_scrubbed_back_moves_the_metrics_the_reading_and_the_charts(paused_at_18):
    at = paused_at_18
    run = live_run(at, KEY)
    now = check_the_screen_shows(at, run, 18, so_far_of=EPOCHS)
    at.select_slider(key=f"{KEY}_epoch").set_value(10).run()
    assert not at.exception, at.exception
    assert run.epoch == 18  # nothing retrained
    then = check_the_screen_shows(at, run, 10, so_far_of=EPOCHS)
    assert then.model_metrics != now.model_metrics  # the weights of epoch 10 are not those of 18
    assert any("The files hold the forecast after epoch 10" in c.value for c in at.caption)
    at.select_slider(key=f"{KEY}_epoch").set_value(18).run()
    check_the_screen_shows(at, run, 18, so_far_of=EPOCHS)


def test_a_run_paused_inside_an_epoch_finishes_it_before_the_page_draws():
    """Mini-batches: a tick that runs out of time between two steps leaves weights of no epoch; paused there, the page
    finishes the epoch first, so the status line, the control and every view show the same epoch."""
    at = visit(PAGE, **{f"{KEY}_epochs_{TAG}": EPOCHS, f"{KEY}_batch_size_{TAG}": 64})
    at.button(key=f"{KEY}_reset").click().run()
    run = live_run(at, KEY)
    assert run.session.steps_per_epoch > 1
    run.session.advance(epochs=11)
    run.session.advance(steps=1)  # inside epoch 12
    assert run.session.epoch == 11
    at.run()
    assert not at.exception, at.exception
    assert run.session.epoch == 12 and run.session.steps_done == 12 * run.session.steps_per_epoch
    assert any(c.value.startswith("**Epoch 12 of 100**") for c in at.caption)
    check_the_screen_shows(at, run, 12, so_far_of=EPOCHS)


def test_the_finished_run_reads_after_training_and_its_earlier_epochs_so_far():
    at = visit(PAGE, **{f"{KEY}_epochs_{TAG}": 20})
    at.selectbox(key=f"{KEY}_speed").set_value("full").run()
    finish(at, KEY)
    run = live_run(at, KEY)
    assert run.finished and run.epoch == 20
    check_the_screen_shows(at, run, 20, so_far_of=None)
    assert not [c for c in at.caption if "The files hold the forecast" in c.value]
    at.select_slider(key=f"{KEY}_epoch").set_value(5).run()
    assert not at.exception, at.exception
    check_the_screen_shows(at, run, 5, so_far_of=20)


def test_the_advice_on_predictions_that_are_not_numbers_names_the_rate_in_force(paused_at_18, monkeypatch):
    """Steered from 0.01 to 0.1 after epoch 18: looking back at epoch 15, the advice names the rate that trained it."""
    from ui import time_series_views

    at = paused_at_18
    run = live_run(at, KEY)
    at.select_slider(key=f"{KEY}_learning_rate").set_value(0.1).run()
    at.button(key=f"{KEY}_step").click().run()
    assert run.epoch == 19 and run.session.learning_rate == 0.1

    def not_numbers(prepared, model, epoch=None, so_far_of=None) -> ForecastResult:
        result = evaluate_forecast(prepared, model, epoch, so_far_of)
        return ForecastResult(
            np.full_like(result.predictions, np.nan), result.naive, result.model_metrics, result.naive_metrics, []
        )

    monkeypatch.setattr(time_series_views, "evaluate_forecast", not_numbers)
    at.select_slider(key=f"{KEY}_epoch").set_value(15).run()
    assert not at.exception, at.exception
    advice = " ".join(e.value for e in at.error)
    assert "Lower the learning rate (it was 0.01 in epoch 15)" in advice, advice
    at.select_slider(key=f"{KEY}_epoch").set_value(19).run()
    advice = " ".join(e.value for e in at.error)
    assert "Lower the learning rate (now 0.1)" in advice, advice
