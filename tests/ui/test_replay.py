"""Replay is a moment too (issue 22, point 5): it can be paused on a snapshot and resumed from there, and the status
line names the replayed epoch, as the epoch control and the snapshot views show it."""

from __future__ import annotations

from tests.conftest import live_run, open_screen

KEY = "hihello"


def status(at) -> str:
    return next(c.value for c in at.caption if "of computing" in c.value)


def test_a_replay_pauses_on_its_snapshot_names_it_and_resumes_from_there():
    at = open_screen("pages/hihello.py", KEY)  # trained to the end: epoch 100
    run = live_run(at, KEY)
    snapshots = [s.epoch for s in run.history.snapshots]
    at.button(key=f"{KEY}_replay").click().run()  # its run plays the first frame: epoch 0
    at.run().run()
    replayed = run.replay_epoch
    assert run.mode == "replaying" and 0 < replayed < 100
    assert at.select_slider(key=f"{KEY}_epoch").value == replayed
    assert status(at).startswith(f"**Epoch {replayed} of 100** · a snapshot: the run has trained 100 epochs")
    assert at.button(key=f"{KEY}_pause")  # a replay can be paused

    at.button(key=f"{KEY}_pause").click().run()
    assert run.mode == "paused" and run.shown_epoch == replayed
    at.run()
    assert at.select_slider(key=f"{KEY}_epoch").value == replayed  # it stays on its snapshot
    assert status(at).startswith(f"**Epoch {replayed} of 100** · a snapshot: the run has trained 100 epochs")

    at.button(key=f"{KEY}_replay").click().run()  # resumes after the snapshot it stopped on, not from epoch 0
    assert run.replay_epoch == snapshots[snapshots.index(replayed) + 1]
    while run.mode == "replaying":
        at.run()
    assert run.shown_epoch == 100 and status(at).startswith("**Epoch 100 of 100** · finished")
