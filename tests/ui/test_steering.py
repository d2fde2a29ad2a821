"""Steering is part of the run (issue 22, point 4): a learning rate changed mid-run goes into the link to this setup,
the address and the PyTorch script, so each of them gives the screen's run again, to the last bit (the script to
1e-5, as every script does)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.conftest import fast_first, finish, live_run, visit
from tests.runs.test_code import TOLERANCE, script_losses
from tests.ui.test_links import link_of, notes, opened
from ui.run_code_views import run_code

KEY = "hihello"


def steered_to_the_end(at, key: str, plan: list[tuple[int, float]]):
    """Pause, Step to each epoch of ``plan`` and change the rate there, then Run to end."""
    at.button(key=f"{key}_pause").click().run()
    run = live_run(at, key)
    for epoch, rate in plan:
        while run.epoch < epoch:
            at.button(key=f"{key}_step").click().run()
        at.select_slider(key=f"{key}_learning_rate").set_value(rate).run()
    at.button(key=f"{key}_finish").click().run()
    return finish(at, key)


@pytest.mark.slow  # two runs and a script in its own process: ~8 s
def test_a_steered_run_is_given_again_by_its_link_and_by_its_script(tmp_path):
    """The issue's cases: 0.1 -> 0.03 at epoch 22 ended at 0.4782 on screen, 0.4584 in the script (lr=0.1 hard-coded)
    and 0.5063 through the link (0.03 from the start); then 3 at epoch 44."""
    at = steered_to_the_end(visit("pages/hihello.py"), KEY, [(22, 0.03), (44, 3.0)])
    run = live_run(at, KEY)
    assert [(c.epoch, c.learning_rate) for c in run.history.learning_rate_changes] == [(22, 0.03), (44, 3.0)]
    query = dict(parse_qsl(urlsplit(link_of(at)).query))
    assert query == {"hihello_rate_changes": "22:0.03,44:3"}  # the rate it started with is the default, 0.1
    assert at.query_params["hihello_rate_changes"] == "22:0.03,44:3"  # the address too: a reload replays it

    again = live_run(opened(query), KEY)
    assert [r.loss for r in again.history.records] == [r.loss for r in run.history.records]
    assert again.history.learning_rate_changes == run.history.learning_rate_changes  # the marks on the curve too
    assert again.settings == run.settings and again.session.learning_rate == 3.0

    final = run.history.records[-1].loss
    assert script_losses(run_code(run), tmp_path) == pytest.approx([final], abs=TOLERANCE)


def test_a_reset_run_starts_at_the_steered_rate_with_no_changes_to_replay():
    at = steered_to_the_end(visit("pages/hihello.py"), KEY, [(3, 0.03)])
    at.button(key=f"{KEY}_reset").click().run()
    run = live_run(at, KEY)
    assert run.settings.learning_rate == 0.03 and not run.history.learning_rate_changes
    assert dict(parse_qsl(urlsplit(link_of(at)).query)) == {"hihello_learning_rate": "0.03"}


@pytest.mark.parametrize(
    ("written", "why"),
    fast_first(
        [
            ("22:0.5", "0.5 is not a learning rate this screen offers"),
            ("22=0.03", "each change is written epoch:rate or epoch+steps:rate"),
            ("44:3,22:0.03", "the changes are not in the order they happened"),
            (",".join(f"{epoch}:0.03" for epoch in range(101)), "more than 100 changes"),
        ]
    ),
)
def test_a_forged_steering_in_a_link_is_named_in_the_note_and_the_run_trains_unsteered(written, why):
    at = opened({"hihello_rate_changes": written})
    [note] = notes(at)
    assert "hihello_rate_changes=" in note and why in note
    assert not live_run(at, KEY).history.learning_rate_changes


def test_a_link_steers_the_three_cells_of_the_race_alike():
    query = {"rnn_vs_lstm_gru_gap": "5", "rnn_vs_lstm_gru_steps": "50", "rnn_vs_lstm_gru_rate_changes": "20:0.001"}
    run = live_run(opened(query, "pages/rnn_vs_lstm_gru.py", "rnn_vs_lstm_gru"), "rnn_vs_lstm_gru")
    for session in run.sessions.values():
        assert [(c.epoch, c.learning_rate) for c in session.history.learning_rate_changes] == [(20, 0.001)]
        assert session.history.records[20].learning_rate == 0.001 and session.history.records[19].learning_rate == 0.01
