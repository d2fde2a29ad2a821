"""The status line above every training screen's charts, as a sentence that follows the run's state: the
estimate before and while it runs, the measured time once it has ended (and how that compared)."""

from __future__ import annotations

from core.budget import CostEstimate, format_duration

STATES = {
    "paused": "paused",
    "playing": "playing",
    "finishing": "running to the end",
    "stepping": "stepping",
    "replaying": "replaying the snapshots",
}
CLOSE = 1.5  # measured within a factor of 1.5 of the estimate counts as "about as estimated"


def measured_duration(seconds: float) -> str:
    """A time to one decimal (54.0 s, 4.6 min): a measured time, or an estimate set beside one."""
    if seconds < 90:
        return f"{seconds:.1f} s"
    return f"{seconds / 60:.1f} min" if seconds < 90 * 60 else format_duration(seconds)


def against_estimate(seconds: float, estimated: float) -> str:
    """How the measured time compared with the estimate, in words."""
    ratio = seconds / max(estimated, 1e-9)
    if 1 / CLOSE <= ratio <= CLOSE:
        return f"about as estimated ({measured_duration(estimated)})"
    if ratio < 1:
        return f"{1 / ratio:.1f}× faster than estimated ({measured_duration(estimated)})"
    return f"{ratio:.1f}× slower than estimated ({measured_duration(estimated)})"


def status_sentence(
    unit_name: str,
    epoch: int,
    total: int,
    mode: str,
    finished: bool,
    seconds: float,
    estimate: CostEstimate,
    stopped_at: int | None = None,
    waiting_ahead: int | None = None,
) -> str:
    """'Epoch 40 of 100 · playing · …': the estimate until the run ends, then the time it took. ``waiting_ahead``:
    the run wants to compute but every slot of the server is taken (core.admission), with this many runs ahead."""
    head = f"**{unit_name.capitalize()} {epoch:,} of {total:,}**"
    if stopped_at is not None:
        return (
            f"{head} · stopped at {unit_name} {stopped_at:,} · ran {measured_duration(seconds)} of computing "
            "before it stopped"
        )
    if finished:
        state = "finished" if mode == "paused" else STATES.get(mode, mode)
        took = f"took {measured_duration(seconds)} of computing, {against_estimate(seconds, estimate.seconds)}"
        return f"{head} · {state} · {took}"
    state = STATES.get(mode, mode)
    if waiting_ahead is not None and mode in ("playing", "finishing", "stepping"):
        place = (
            "next in line" if waiting_ahead == 0 else f"{waiting_ahead} {'run' if waiting_ahead == 1 else 'runs'} ahead"
        )
        state = (
            f"waiting for a free slot on the server: {place} (other learners' runs take turns with yours; Pause "
            "leaves the line)"
        )
    return (
        f"{head} · {state} · {measured_duration(seconds)} of computing so far; estimated for the "
        f"whole run: {estimate.describe()}"
    )
