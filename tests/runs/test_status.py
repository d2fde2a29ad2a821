"""The status line above every training screen: the estimate while a run is to come, the measured time after."""

from core.engine.budget import CostEstimate
from core.runs.status import status_sentence

# The run: estimated at about 4.6 minutes, finished in 54 s.
ESTIMATE = CostEstimate(seconds=276.0, seconds_per_epoch=2.76, peak_bytes=300 * 2**20)


def test_before_and_while_running_the_estimate_shows():
    before = status_sentence("epoch", 0, 100, "paused", False, 0.0, ESTIMATE)
    assert before == (
        "**Epoch 0 of 100** · paused · 0.0 s of computing so far; estimated for the whole run: about 5 min and 300 MB"
    )
    playing = status_sentence("epoch", 40, 100, "playing", False, 21.5, ESTIMATE)
    assert "playing · 21.5 s of computing so far; estimated for the whole run: about 5 min" in playing


def test_once_finished_the_measured_time_replaces_the_estimate():
    done = status_sentence("epoch", 100, 100, "paused", True, 54.0, ESTIMATE)
    assert done == "**Epoch 100 of 100** · finished · took 54.0 s of computing, 5.1× faster than estimated (4.6 min)"
    assert "so far" not in done and "estimated for the whole run" not in done
    slow = status_sentence("step", 300, 300, "replaying", True, 900.0, ESTIMATE)
    assert "replaying the snapshots · took 15.0 min of computing, 3.3× slower than estimated (4.6 min)" in slow
    close = status_sentence("epoch", 100, 100, "paused", True, 250.0, ESTIMATE)
    tiny = status_sentence("epoch", 100, 100, "paused", True, 0.9, CostEstimate(0.23, 0.0023, 2**20))
    assert tiny.endswith("took 0.9 s of computing, 3.9× slower than estimated (0.2 s)")
    assert close.endswith("took 4.2 min of computing, about as estimated (4.6 min)")


def test_a_stopped_run_says_when_and_how_long_it_ran():
    stopped = status_sentence("epoch", 12, 100, "paused", True, 3.14, ESTIMATE, stopped_at=13)
    assert stopped == "**Epoch 12 of 100** · stopped at epoch 13 · ran 3.1 s of computing before it stopped"


def test_a_run_waiting_for_a_slot_says_how_many_runs_are_ahead_and_how_to_leave():
    waiting = status_sentence("epoch", 12, 100, "playing", False, 1.0, ESTIMATE, waiting_ahead=2)
    assert "· waiting for a free slot on the server: 2 runs ahead" in waiting and "Pause leaves the line" in waiting
    assert "1 run ahead" in status_sentence("epoch", 12, 100, "finishing", False, 1.0, ESTIMATE, waiting_ahead=1)
    # a paused run waits nowhere, whatever was last recorded
    assert "waiting" not in status_sentence("epoch", 12, 100, "paused", False, 1.0, ESTIMATE, waiting_ahead=2)
    assert "next in line" in status_sentence("epoch", 12, 100, "stepping", False, 1.0, ESTIMATE, waiting_ahead=0)
    assert "· playing ·" in status_sentence("epoch", 12, 100, "playing", False, 1.0, ESTIMATE, waiting_ahead=None)


def test_the_line_names_the_moment_the_screen_shows_and_how_far_the_run_has_trained():
    """A replayed or chosen snapshot is the moment on screen (issue 22): the head names it, then how far training is."""
    replay = status_sentence("epoch", 100, 100, "replaying", True, 54.0, ESTIMATE, shown=40)
    assert replay.startswith("**Epoch 40 of 100** · a snapshot: the run has trained 100 epochs · replaying the snap")
    one = status_sentence("step", 1, 300, "paused", False, 0.1, ESTIMATE, shown=0)
    assert one.startswith("**Step 0 of 300** · a snapshot: the run has trained 1 step · paused")
    same = status_sentence("epoch", 40, 100, "paused", False, 2.0, ESTIMATE, shown=40)
    assert same == status_sentence("epoch", 40, 100, "paused", False, 2.0, ESTIMATE)  # nothing said twice
