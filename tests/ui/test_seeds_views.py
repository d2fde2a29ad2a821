"""The "Several seeds" section (ui.seeds_views) on HiHello and RNN vs LSTM/GRU: the button trains seeds 0-4 as the
run's job (the live ticks, the server's queue, Pause and Continue), then draws the band chart and the readings
counted over the seeds, from the very runs a job trained alone would give; and says when the run on screen has other
settings than the seeds."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core.runs.seeds import SeedRuns, loss_bands
from core.screens.hihello.seed_readings import seeds_saying_the_target
from core.screens.registry import screen
from core.screens.rnn_vs_lstm_gru.seed_readings import accuracies, seeds_beating_chance
from tests.conftest import finish, live_run, open_screen, reset_and_finish

HIHELLO, COMPARISON = "hihello", "rnn_vs_lstm_gru"


def charts(at) -> dict[str, dict]:
    return {
        spec["layout"]["title"]["text"]: spec for spec in (json.loads(c.proto.spec) for c in at.get("plotly_chart"))
    }


def status(at) -> str:
    return " ".join(c.value for c in at.caption if "of computing" in c.value)


def test_hihello_trains_five_seeds_and_draws_their_band_and_count():
    at = open_screen("pages/hihello.py", HIHELLO, hihello_epochs=30)
    assert "Loss per epoch over seeds" not in charts(at)
    at.button(key=f"{HIHELLO}_train_seeds").click().run()
    finish(at, HIHELLO)
    job = at.session_state[f"{HIHELLO}_seed_runs"]
    assert isinstance(job, SeedRuns) and job.finished and job.seeds == (0, 1, 2, 3, 4)
    assert live_run(at, HIHELLO).job is None and live_run(at, HIHELLO).epoch == 30  # the run itself stood still
    assert [s.epochs for s in job.settings] == [30] * 5
    band = charts(at)["Loss per epoch over seeds"]
    names = [trace.get("name") for trace in band["data"]]
    assert "training loss: median of 5 seeds" in names and "training loss: min–max over seeds" in names
    median = next(t for t in band["data"] if t.get("name") == "training loss: median of 5 seeds")
    assert np.allclose(median["y"], loss_bands(job.runs(), "model").median)
    count = len(seeds_saying_the_target(job.runs()))
    assert any(f"The network says \\'ihello\\' at the end on {count} of 5 seeds" in i.value for i in at.info)
    assert not any("other settings than the run above" in w.value for w in at.warning)

    reset_and_finish(at, HIHELLO, epochs=40)  # a new run with other settings: the seeds stay, and say so
    assert "Loss per epoch over seeds" in charts(at)
    assert any(
        w.value.startswith("These seeds were trained with other settings than the run above (the epochs: 30).")
        for w in at.warning
    )


@pytest.mark.slow  # five seeds of three cells, twice (the job and the same seeds alone): ~6 s
def test_the_comparisons_seeds_pause_continue_and_equal_the_seeds_trained_alone(monkeypatch):
    import ui.live_run

    at = open_screen("pages/rnn_vs_lstm_gru.py", COMPARISON, rnn_vs_lstm_gru_gap=4, rnn_vs_lstm_gru_steps=50)
    monkeypatch.setattr(ui.live_run, "WORK_SECONDS", 0.05)  # short chunks, as in a browser: Pause finds it midway
    at.button(key=f"{COMPARISON}_train_seeds").click().run()
    assert "training seed 0 (1 of 5)" in status(at)
    at.button(key=f"{COMPARISON}_pause").click().run()
    job = live_run(at, COMPARISON).job
    assert live_run(at, COMPARISON).mode == "paused" and not job.finished
    done, fraction = job.done, job.fraction
    at.run()
    assert (job.done, job.fraction) == (done, fraction)  # nothing computes while paused
    assert any(c.value.startswith("The seeds are paused (training seed") for c in at.caption)
    at.button(key=f"{COMPARISON}_continue_seeds").click().run()
    finish(at, COMPARISON)
    job = at.session_state[f"{COMPARISON}_seed_runs"]
    assert job.finished
    alone = SeedRuns(screen(COMPARISON).build, live_run(at, COMPARISON).settings, range(5))
    alone.advance()
    for (_s, chunked), (_t, whole) in zip(job.runs(), alone.runs(), strict=True):
        for cell in chunked:
            assert chunked[cell].history.losses == whole[cell].history.losses
    drawn = charts(at)
    assert {"Training loss per step over seeds", "Held-out accuracy over seeds"} <= set(drawn)
    names = [t.get("name") for t in drawn["Training loss per step over seeds"]["data"]]
    assert {"RNN: median of 5 seeds", "LSTM: median of 5 seeds", "GRU: median of 5 seeds"} <= set(names)
    per_cell, chance = accuracies(alone.runs())
    reading = next(i.value for i in at.info if "beats chance on" in i.value)
    for cell, label in (("rnn", "RNN"), ("lstm", "LSTM"), ("gru", "GRU")):
        assert f"{label} beats chance on {seeds_beating_chance(per_cell[cell], chance)} of 5 seeds" in reading
