"""Lessons: a screen's teaching presets (one button each, at the top of the sidebar), the sentence of the one
loaded, and ``?hide=`` for the controls a teacher does not want used. A preset is applied by putting its settings
into the controls, which are bound to the URL: a preset is a link, and a teacher can write their own. A preset's
title and sentence are English sources (``core.presets``), translated here where they are shown; its name (in keys
and links) never is, and applying it leaves ``?lang=`` alone."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import streamlit as st

from core.i18n import N_, _
from core.links import Refusal, field_of, read_names, too_many
from core.presets import Preset, matching_preset, presets_for
from ui.live import current_run, leave_queue, run_key

SAFE_KEY = re.compile(r"[a-z0-9_]+")


def preset_picker(key: str, defaults: Any, also: Mapping[str, object]) -> Any:
    """The screen's teaching presets, one button each, at the top of the sidebar; under them, the place where the
    loaded one says what to look for (filled once the controls are drawn)."""
    presets = presets_for(key)
    if not presets:
        return None
    with st.sidebar:
        st.markdown(_("**Teaching setups**: one click loads a setup that shows one idea"))
        for preset in presets:
            st.button(
                _(preset.title),
                key=f"{key}_preset_{preset.name}",
                on_click=apply_preset,
                args=(key, preset, defaults, also),
                help=_(preset.look_for),
                width="stretch",
            )
        return st.empty()


def apply_preset(key: str, preset: Preset, defaults: Any, also: Mapping[str, object]) -> None:
    """The preset's settings into the controls (so into the URL), every other setting back to its default, and
    a fresh run that plays them."""
    for field, value in preset.settings_over(defaults, also).items():
        name = f"{key}_{field}"
        if field != "learning_rate" and name not in st.session_state:
            continue
        current = st.session_state.get(name)
        st.session_state[name] = float(value) if isinstance(current, float) else value
    st.session_state.pop(notes_key(key), None)
    run = current_run(key)
    if run is not None:
        run.mode = "paused"
        leave_queue(run)
        del st.session_state[run_key(key)]


def show_loaded(key: str, defaults: Any, also: Mapping[str, object], place: Any) -> None:
    """Under the preset buttons: what to look for, while the setup on screen is exactly a preset's."""
    if not presets_for(key):
        return
    chosen = matching_preset(key, current_values(key, defaults, also), defaults, also)
    if chosen is not None and place is not None:
        place.markdown(f":material/school: :blue-background[**{_(chosen.title)}.** {_(chosen.look_for)}]")


def current_values(key: str, defaults: Any, also: Mapping[str, object]) -> dict[str, object]:
    """The settings as the controls hold them now (field name -> value), defaults where no control shows one."""
    known = {**{field: getattr(defaults, field) for field in defaults.__dataclass_fields__}, **also}
    return {name: st.session_state.get(f"{key}_{name}", default) for name, default in known.items()}


def hide_controls(key: str, defaults: Any, also: Mapping[str, object], first: bool) -> list[str]:
    """``?hide=seed,cell`` (setting names) or ``?hide=all``: a lesson's link hides the controls a teacher does not
    want used. They are still drawn (so the link's values still reach them) and only hidden from view; the
    sidebar says which settings the link fixes. The names are read in one pass (``core.links.read_names``: each
    once, at most ``MOST_VALUES``); those that name nothing here, and those beyond the cap, get one note each.
    Returns the names taken (in the link's order), which the link to this setup carries."""
    asked, beyond = read_names(st.query_params.get_all("hide"))
    if not asked:
        return []
    names = {*getattr(defaults, "__dataclass_fields__", ()), *also, "all"}
    taken = [name for name in asked if name in names]
    if first:
        unknown = [name for name in asked if name not in names]
        refused = [Refusal("hide", ",".join(unknown), NOT_SETTINGS[len(unknown) > 1])] if unknown else []
        if beyond:
            refused.append(Refusal("hide", ",".join(beyond[:10]), too_many(len(asked) + len(beyond))))
        note(key, refused)
    wanted = names if "all" in taken else set(taken)
    keys = sorted(
        n for n in st.session_state if isinstance(n, str) and field_of(n, key) in wanted and SAFE_KEY.fullmatch(n)
    )
    if not keys:
        return taken
    # Only keys of this screen's own controls reach the style sheet, never the link's text.
    st.html("<style>" + ", ".join(f".st-key-{name}" for name in keys) + " { display: none; }</style>")
    shown = sorted({field_of(n, key).replace("_", " ") for n in keys})
    st.sidebar.caption(
        _("This lesson's link fixes: {settings} (those controls are hidden).").format(settings=", ".join(shown))
    )
    return taken


NOT_SETTINGS = (N_("not a setting of this screen"), N_("not settings of this screen"))  # one name, several


def notes_key(key: str) -> str:
    return f"{key}_link_notes"


def note(key: str, refused: list[Refusal]) -> None:
    """Refused values into the screen's note (kept in the session), each value once."""
    if refused:
        notes = st.session_state.setdefault(notes_key(key), [])
        seen = {(n.name, n.raw) for n in notes}  # once per call: the check per value costs nothing more
        for refusal in refused:
            if (refusal.name, refusal.raw) not in seen:
                seen.add((refusal.name, refusal.raw))
                notes.append(refusal)
