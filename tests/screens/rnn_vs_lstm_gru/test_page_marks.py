"""The RNN vs LSTM/GRU screen under AppTest: a learning-rate change mid-run is marked on the loss chart."""

import json

from tests.conftest import live_run, visit

KEY = "rnn_vs_lstm_gru"
PAGE = "pages/rnn_vs_lstm_gru.py"


def loss_chart(at) -> dict:
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    return next(spec for spec in specs if "Training loss per step" in json.dumps(spec["layout"]["title"]))


def test_a_learning_rate_change_mid_run_is_marked_on_the_loss_chart():
    at = visit(PAGE, rnn_vs_lstm_gru_gap=5, rnn_vs_lstm_gru_steps=50)
    at.button(key=f"{KEY}_reset").click().run()  # a new run waits for Play
    at.button(key=f"{KEY}_step").click().run()  # 10 steps of each cell
    assert live_run(at, KEY).epoch == 10
    unmarked = loss_chart(at)["layout"]
    assert not unmarked.get("shapes") and not unmarked.get("annotations")
    at.select_slider(key=f"{KEY}_learning_rate").set_value(0.03).run()
    at.button(key=f"{KEY}_step").click().run()
    assert not at.exception, at.exception
    run = live_run(at, KEY)
    assert run.epoch == 20
    for session in run.sessions.values():  # every cell trains on at the new rate
        assert [r.learning_rate for r in session.history.records] == [0.01] * 10 + [0.03] * 10
    layout = loss_chart(at)["layout"]
    lines = [s for s in layout.get("shapes", []) if s.get("type") == "line" and s["x0"] == s["x1"]]
    assert [line["x0"] for line in lines] == [10.5]  # between the last step at 0.01 and the first at 0.03
    assert [a["text"] for a in layout.get("annotations", [])] == ["lr → 0.03"]
    assert layout["xaxis"]["range"] == [0, 50]  # the whole run's steps, so the curves do not rescale as they grow
