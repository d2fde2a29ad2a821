"""Pin and ghost (ui.ghost): a pinned run's loss stays on the loss chart, grey and dashed, under the next run's, named
by its seed and what differed; Unpin drops it."""

from __future__ import annotations

import json

from core.charts.loss import GHOST_COLOUR
from tests.conftest import open_screen, reset_and_finish

HIHELLO, COMPARISON = "hihello", "rnn_vs_lstm_gru"


def loss_traces(at, title: str) -> list[dict]:
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    return next(spec["data"] for spec in specs if spec["layout"]["title"]["text"] == title)


def test_pin_then_change_the_seed_draws_the_ghost_under_the_new_run_and_unpin_drops_it():
    at = open_screen("pages/hihello.py", HIHELLO, hihello_epochs=30)
    first = [t["y"] for t in loss_traces(at, "Loss per epoch")]
    assert len(first) == 1 and not any(f"{HIHELLO}_unpin" == b.key for b in at.button)
    at.button(key=f"{HIHELLO}_pin").click().run()
    reset_and_finish(at, HIHELLO, seed=3)
    ghost, run = loss_traces(at, "Loss per epoch")
    assert ghost["name"] == "pinned run (seed 2)" and run["name"] == "training"
    assert ghost["line"]["color"] == GHOST_COLOUR and ghost["line"]["dash"] == "dash"
    assert ghost["y"] == first[0] and run["y"] != first[0]  # the pinned run's numbers, under the new run's

    reset_and_finish(at, HIHELLO, epochs=40)
    ghost = loss_traces(at, "Loss per epoch")[0]
    assert ghost["name"] == "pinned run (seed 2; the epochs: 30)"  # what the pinned run had that this one has not

    at.button(key=f"{HIHELLO}_unpin").click().run()
    assert [t["name"] for t in loss_traces(at, "Loss per epoch")] == ["training"]


def test_a_pinned_comparison_is_one_ghost_per_cell():
    at = open_screen("pages/rnn_vs_lstm_gru.py", COMPARISON, rnn_vs_lstm_gru_gap=4, rnn_vs_lstm_gru_steps=50)
    at.button(key=f"{COMPARISON}_pin").click().run()
    reset_and_finish(at, COMPARISON, gap=5)
    traces = loss_traces(at, "Training loss per step")
    assert [t["name"] for t in traces] == ["pinned run (seed 0; the gap: 4)"] * 3 + ["RNN", "LSTM", "GRU"]
    assert [t.get("showlegend", True) for t in traces[:3]] == [True, False, False]  # one legend entry for the ghost
    for trace, cell in zip(traces[:3], ["RNN", "LSTM", "GRU"], strict=True):  # the hover names the cell
        assert f"pinned run (seed 0; the gap: 4): {cell}: %{{y:.4g}}" in trace["hovertemplate"]


def test_long_sequences_and_time_series_pin_their_runs_too():
    at = open_screen("pages/long_sequences.py", "long_sequences", long_sequences_epochs=20)
    at.button(key="long_sequences_pin").click().run()
    reset_and_finish(at, "long_sequences", seed=1)
    names = [t["name"] for t in loss_traces(at, "Loss per epoch")]
    assert names[0] == "pinned run (seed 0)" and "training" in names[1:]

    at = open_screen("pages/time_series.py", "time_series")
    at.button(key="time_series_pin").click().run()
    reset_and_finish(at, "time_series", seed=1)
    traces = loss_traces(at, "Loss per epoch")
    assert traces[0]["name"] == "pinned run (seed 0)" and traces[0]["line"]["dash"] == "dash"
