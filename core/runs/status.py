"""The status line above every training screen's charts, as a sentence that follows the run's state: the
estimate before and while it runs, the measured time once it has ended (and how that compared).

Everything here is computed when the line is drawn, in the language of that moment: a run keeps only its
numbers and its ``unit_name`` ("epoch" or "step", a name, never shown as such)."""

from __future__ import annotations

from core.engine.budget import CostEstimate, format_duration
from core.words.i18n import N_, _, ngettext

STATES = {
    "paused": N_("paused"),
    "playing": N_("playing"),
    "finishing": N_("running to the end"),
    "stepping": N_("stepping"),
    "replaying": N_("replaying the snapshots"),
    "job": N_("computing"),
}
CLOSE = 1.5  # measured within a factor of 1.5 of the estimate counts as "about as estimated"
# The head of the line, per unit a run counts in (LiveRun.unit_name).
HEADS = {"epoch": N_("**Epoch {number} of {total}**"), "step": N_("**Step {number} of {total}**")}
STOPPED_AT = {
    "epoch": N_("stopped at epoch {number} · ran {seconds} of computing before it stopped"),
    "step": N_("stopped at step {number} · ran {seconds} of computing before it stopped"),
}


def unit_count(unit_name: str, count: int) -> str:
    """'1 epoch', '30 epochs', '10 steps': a number of the run's units, in the current language."""
    if unit_name == "step":
        return ngettext("{count} step", "{count} steps", count).format(count=f"{count:,}")
    return ngettext("{count} epoch", "{count} epochs", count).format(count=f"{count:,}")


def measured_duration(seconds: float) -> str:
    """A time to one decimal (54.0 s, 4.6 min): a measured time, or an estimate set beside one."""
    if seconds < 90:
        return f"{seconds:.1f} s"
    return f"{seconds / 60:.1f} min" if seconds < 90 * 60 else format_duration(seconds)


def against_estimate(seconds: float, estimated: float) -> str:
    """How the measured time compared with the estimate, in words."""
    ratio = seconds / max(estimated, 1e-9)
    if 1 / CLOSE <= ratio <= CLOSE:
        return _("about as estimated ({estimate})").format(estimate=measured_duration(estimated))
    if ratio < 1:
        return _("{factor}× faster than estimated ({estimate})").format(
            factor=f"{1 / ratio:.1f}", estimate=measured_duration(estimated)
        )
    return _("{factor}× slower than estimated ({estimate})").format(
        factor=f"{ratio:.1f}", estimate=measured_duration(estimated)
    )


def trained_so_far(unit_name: str, epoch: int) -> str:
    """'a snapshot: the run has trained 100 epochs', said when the screen shows an earlier moment than the run's."""
    if unit_name == "step":
        return ngettext(
            "a snapshot: the run has trained {count} step", "a snapshot: the run has trained {count} steps", epoch
        ).format(count=f"{epoch:,}")
    return ngettext(
        "a snapshot: the run has trained {count} epoch", "a snapshot: the run has trained {count} epochs", epoch
    ).format(count=f"{epoch:,}")


def state_words(mode: str, finished: bool, waiting_ahead: int | None = None, job: str | None = None) -> str:
    """The middle of the line: what the run is doing, or that it waits for the server (and how far back).

    ``job``: what the computing the learner started beside training is doing (mode "job"; the comparison's gap
    sweep), said instead of the run's state: the run itself does not move meanwhile, finished or not."""
    if finished and mode != "job":
        return _("finished") if mode == "paused" else _(STATES.get(mode, mode))
    if waiting_ahead is not None and mode in ("playing", "finishing", "stepping", "job"):
        if waiting_ahead == 0:
            return _(
                "waiting for a free slot on the server: next in line (other learners' runs take turns with yours; "
                "Pause leaves the line)"
            )
        return ngettext(
            "waiting for a free slot on the server: {count} run ahead (other learners' runs take turns with yours; "
            "Pause leaves the line)",
            "waiting for a free slot on the server: {count} runs ahead (other learners' runs take turns with yours; "
            "Pause leaves the line)",
            waiting_ahead,
        ).format(count=f"{waiting_ahead:,}")
    if mode == "job" and job:
        return job
    return _(STATES.get(mode, mode))


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
    job: str | None = None,
    shown: int | None = None,
) -> str:
    """'Epoch 40 of 100 · playing · …': the estimate until the run ends, then the time it took. ``waiting_ahead``:
    the run wants to compute but every slot of the server is taken (core.engine.admission), with this many runs
    ahead."""
    unit = unit_name if unit_name in HEADS else "epoch"
    # The head names the moment the screen shows (``shown``: a replayed or chosen snapshot), so every view below
    # describes the epoch the line names; how far the run has trained then follows it.
    looking_back = shown is not None and shown != epoch
    head = _(HEADS[unit]).format(number=f"{shown if looking_back else epoch:,}", total=f"{total:,}")
    if looking_back:
        head += " · " + trained_so_far(unit, epoch)
    if stopped_at is not None:
        return f"{head} · " + _(STOPPED_AT[unit]).format(number=f"{stopped_at:,}", seconds=measured_duration(seconds))
    state = state_words(mode, finished, waiting_ahead, job)
    if finished:
        took = _("took {seconds} of computing, {comparison}").format(
            seconds=measured_duration(seconds), comparison=against_estimate(seconds, estimate.seconds)
        )
        return f"{head} · {state} · {took}"
    so_far = _("{seconds} of computing so far; estimated for the whole run: {estimate}").format(
        seconds=measured_duration(seconds), estimate=estimate.describe()
    )
    return f"{head} · {state} · {so_far}"
