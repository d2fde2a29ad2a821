"""The live fragment's clock, kept by the browser that draws it: the next tick is asked for only once this one
is drawn.

Streamlit's ``st.fragment(run_every=...)`` is a plain ``setInterval`` in the browser: it asks for the next rerun
whether or not the charts of the last one are drawn. A browser that needs longer than the interval to draw a tick
(a slow laptop; twenty sessions on one machine in `make loadtest`) then receives new charts before it has drawn
the old ones and never finishes drawing any: measured with 20 sessions on this 2-core machine, not one page drew its
first chart in five minutes while the server sat mostly idle. This component waits the tick's seconds, then for the
page to be idle (``requestIdleCallback``: the browser has finished the work it had, drawing included), and only then
asks for the next tick. A fast browser ticks at the page's pace; a slow one ticks as fast as it can draw, and the run
owes it nothing (``ui.live_run.advance_chunk`` keeps the pace per second, so fewer ticks each advance more).

It sits inside the live fragment, so its trigger reruns the fragment only, as ``run_every`` did. A page that
stops playing no longer draws it: the pending timer is cleared, so a paused page asks for nothing.
"""

from __future__ import annotations

import streamlit as st

# Waits ``data.seconds``, then for an idle moment of the page (at most IDLE_WAIT_MS: a page that is never idle, an
# animation say, still ticks), then asks for the next tick. Every draw of the component replaces the last one's wait.
JS = """
const IDLE_WAIT_MS = 10000;
export default function({ data, setTriggerValue }) {
  let idle = null;
  const ask = () => setTriggerValue("tick", data.tick);
  const timer = setTimeout(() => {
    idle = window.requestIdleCallback ? window.requestIdleCallback(ask, { timeout: IDLE_WAIT_MS }) : null;
    if (idle === null) ask();
  }, Math.max(0, data.seconds * 1000));
  return () => {
    clearTimeout(timer);
    if (idle !== null && window.cancelIdleCallback) window.cancelIdleCallback(idle);
  };
}
"""

_ticker = st.components.v2.component("rnnlab.ticker", js=JS)


def next_tick(key: str, seconds: float, tick: int) -> None:
    """Ask the browser for the next tick of the live fragment ``key`` in ``seconds``, once this one is drawn.

    ``tick`` numbers the ticks, so two ticks in a row are two different requests."""
    _ticker(key=f"{key}_ticker", data={"seconds": round(seconds, 3), "tick": tick}, on_tick_change=_ignore)


def _ignore() -> None:
    """The trigger's only job is the rerun it causes; the tick itself happens in the fragment's body."""
