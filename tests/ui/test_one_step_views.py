"""HiHello's "One optimisation step, taken apart" under AppTest: the phases come one at a time, and "Take this step"
leaves the run one epoch on with exactly the weights shown as "after"."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest

from core.engine.one_step import take_apart
from tests.conftest import live_run, visit

KEY = "hihello"
PAGE = "pages/hihello.py"
TITLES = ("1. Forward pass", "2. The loss", "3. Backward pass", "4. The update", "5. The next prediction")


def phases_shown(at) -> list[str]:
    texts = [m.value for m in at.markdown]
    return [title for title in TITLES if any(title in text for text in texts)]


def plotted(values) -> np.ndarray:
    """A figure's array as its JSON holds it: plain lists, or base64 with its dtype and shape."""
    if isinstance(values, dict):
        array = np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
        shape = values.get("shape")  # "5, 5" as plotly writes it
        return array if shape is None else array.reshape([int(n) for n in str(shape).split(",")])
    return np.array(values, dtype=float)


def paused_at(epoch: int):
    at = visit(PAGE)
    at.button(key=f"{KEY}_reset").click().run()  # a new run waits paused at epoch 0
    for _ in range(epoch):
        at.button(key=f"{KEY}_step").click().run()
    assert not at.exception and live_run(at, KEY).epoch == epoch and not live_run(at, KEY).playing
    return at


@pytest.mark.parametrize("epoch", [0, 3])
def test_the_phases_come_in_order_and_taking_the_step_lands_on_the_weights_shown(epoch):
    at = paused_at(epoch)
    assert phases_shown(at) == list(TITLES[:1])
    assert any(f"The run stands at epoch {epoch}." in m.value for m in at.markdown)
    at.button(key=f"{KEY}_one_step_next").click().run()
    assert phases_shown(at) == list(TITLES[:2])
    assert at.get("plotly_chart")  # the loss per character is drawn
    at.button(key=f"{KEY}_one_step_all").click().run()
    assert not at.exception and phases_shown(at) == list(TITLES)
    assert any("Learning rate of this step: **0.1**" in m.value for m in at.markdown)
    run = live_run(at, KEY)
    shown = take_apart(run.session)  # what the view computed: the same function on the same moment
    at.radio(key=f"{KEY}_one_step_update_view").set_value("after").run()
    drawn = json.loads(next(c.proto.spec for c in at.get("plotly_chart") if "weight_ih_l0 after" in c.proto.spec))
    assert np.array_equal(plotted(drawn["data"][0]["z"]).astype(np.float32), shown.tensors[0].after)
    at.button(key=f"{KEY}_one_step_take").click().run()
    assert not at.exception
    run = live_run(at, KEY)
    assert run.epoch == epoch + 1 and not run.playing
    assert any(f"Epoch {epoch + 1} of 100" in c.value for c in at.caption)  # the status line names E + 1
    weights = run.session.model.state_dict()
    for tensor in shown.tensors:
        assert np.array_equal(weights[tensor.key].numpy(), tensor.after)
    assert any(f"the run stands at epoch {epoch + 1}" in s.value and "bit for bit" in s.value for s in at.success)
    assert phases_shown(at) == list(TITLES[:1])  # the next moment starts again at its first phase


def test_it_follows_the_steering_and_waits_while_the_epoch_control_shows_another_epoch():
    at = paused_at(5)
    at.select_slider(key=f"{KEY}_learning_rate").set_value(0.01).run()
    at.button(key=f"{KEY}_one_step_all").click().run()
    assert any("Learning rate of this step: **0.01**" in m.value for m in at.markdown)
    at.select_slider(key=f"{KEY}_epoch").set_value(0).run()
    assert phases_shown(at) == []
    assert any("starts from the run's current epoch, 5" in i.value for i in at.info)
    at.select_slider(key=f"{KEY}_epoch").set_value(5).run()
    assert phases_shown(at) == list(TITLES)  # the same moment: what was revealed stays revealed
    run = live_run(at, KEY)
    shown = take_apart(run.session)
    at.button(key=f"{KEY}_one_step_take").click().run()
    run = live_run(at, KEY)
    assert run.epoch == 6 and run.history.records[-1].learning_rate == 0.01
    assert run.history.records[-1].loss == shown.loss
    assert any("bit for bit" in s.value for s in at.success)


def test_while_playing_it_asks_for_a_pause():
    at = visit(PAGE)
    assert live_run(at, KEY).playing
    assert phases_shown(at) == []
    assert any("Pause the run" in c.value for c in at.caption)
