"""Telling a learner whose server stopped why the run started again.

Behind `make replicas` (deploy/replicas.py) each app process is a replica named by ``RNNLAB_REPLICA`` (app1,
app2 …). When one dies, HAProxy sends its learners to a live one and the Streamlit frontend reconnects by itself:
the new replica knows nothing of their session, so the page runs again from the top and the run starts over from
epoch 0, with the settings the link (the page's address) carries. HAProxy passes the replica that held the
browser's last live connection as the ``X-RNNLab-Last-Replica`` header (deploy/haproxy.cfg): a new session whose
browser was last connected to another replica was moved here, and the top of every page says so until the learner
closes the note. Both names are only compared, never shown, and anything but a replica name counts as none.
Without the proxy (one server, AppTest, Kubernetes) there is no header and nothing is shown. The cookie is the
browser's, not the tab's: of two tabs on the replica that died, the first to reconnect names the new replica in it,
and the second starts over without the note.
"""

from __future__ import annotations

import os
import re

import streamlit as st

from core.words.i18n import N_, _

HEADER = "X-RNNLab-Last-Replica"
REPLICA_NAME = re.compile(r"app\d{1,4}")
# Decided once per session (True: show the note until closed); ui.i18n's language switch leaves "_" keys alone.
STATE_KEY = "_replica_moved"
CLOSE_KEY = "_replica_moved_close"
MOVED = N_(
    "The server that was running your training stopped, so you are now on another one. Your run started again "
    "from epoch 0, with the settings in this page's link."
)
CLOSE = N_("Close this note")


def moved_here(last_replica: object, this_replica: object) -> bool:
    """Whether the browser's last live connection was held by another replica than this one.

    Both must be replica names (``app`` and digits): a header that is missing, empty or forged, or a server
    that is no replica, counts as not moved."""
    names = (last_replica, this_replica)
    named = all(isinstance(name, str) and REPLICA_NAME.fullmatch(name) for name in names)
    return named and last_replica != this_replica


def last_replica() -> str | None:
    """The header HAProxy set on this session's connection, or None (no proxy, no browser behind the run)."""
    try:
        return st.context.headers.get(HEADER)
    except Exception:  # a bare script run has no request to read
        return None


def _close() -> None:
    st.session_state[STATE_KEY] = False


def replica_notice() -> None:
    """Once per session, decide whether the learner was moved here; while they were and have not closed the
    note, show it at the top of the page (the entry point calls this before the page, so every page shows it)."""
    if STATE_KEY not in st.session_state:
        st.session_state[STATE_KEY] = moved_here(last_replica(), os.environ.get("RNNLAB_REPLICA"))
    if not st.session_state[STATE_KEY]:
        return
    with st.container(key="replica_notice"):
        st.warning(_(MOVED), icon=":material/sync_problem:")
        st.button(_(CLOSE), key=CLOSE_KEY, on_click=_close)
