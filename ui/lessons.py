"""Lessons: a screen's teaching presets (one button each, at the top of the sidebar), the sentence of the one
loaded, and ``?hide=`` for the controls a teacher does not want used. A preset is applied by putting its settings
into the controls, which are bound to the URL: a preset is a link, and a teacher can write their own. A preset's
title and sentence are English sources (``core/screens/<key>/presets.py``), translated here where they are shown;
its name (in keys and links) never is, and applying it leaves ``?lang=`` alone. A lesson's link holds: with
``?hide=``, a preset that would change a setting the link fixes is not offered, and the sidebar names the fixed
settings as the page does."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

import streamlit as st

from core.runs.links import Refusal, field_of, read_names, too_many
from core.runs.presets import Preset, matching_preset, same_value
from core.screens.registry import presets_for
from core.words.i18n import N_, _, ngettext
from ui.live import current_run, leave_queue, run_key

SAFE_KEY = re.compile(r"[a-z0-9_]+")


def preset_place(key: str) -> Any:
    """The top of the sidebar, kept for the screen's teaching presets (None on a screen without any). They are drawn
    there by ``preset_picker`` once the controls hold the link's values: which presets a lesson's link lets the
    learner load depends on them."""
    return st.sidebar.container() if presets_for(key) else None


def preset_picker(key: str, defaults: Any, also: Mapping[str, object], place: Any, fixed: Collection[str]) -> Any:
    """The screen's teaching presets, one button each, at the top of the sidebar (``place``); under them, the place
    where the loaded one says what to look for (returned: filled by ``show_loaded``).

    A lesson's link holds: a preset whose setup differs from what the controls hold on a setting the link fixes
    (``fixed``: the settings ``?hide=`` hides) is left out, and a caption says how many and why. Keeping the link's
    value instead would load a setup the preset's sentence does not describe (its promise is checked on its own
    values, ``tests/runs/test_presets.py``), and the sentence would then be false. A preset's setup is all of its
    values,
    the defaults included (``Preset.settings_over``): loading it also puts every setting it does not name back to its
    default, so with ``hide=seed`` and the link's seed 3 even the presets that name no seed would change it."""
    if place is None:
        return None
    presets = presets_for(key)
    values = current_values(key, defaults, also)
    offered = [preset for preset in presets if keeps(preset, values, fixed, defaults, also)]
    with place:
        st.markdown(_("**Teaching setups**: one click loads a setup that shows one idea"))
        for preset in offered:
            st.button(
                _(preset.title),
                key=f"{key}_preset_{preset.name}",
                on_click=apply_preset,
                args=(key, preset, defaults, also),
                help=_(preset.look_for),
                width="stretch",
            )
        left_out = len(presets) - len(offered)
        if left_out:
            st.caption(
                ngettext(
                    "This lesson's link leaves out {count} teaching setup: it would change a setting the link fixes.",
                    "This lesson's link leaves out {count} teaching setups: they would change settings the link fixes.",
                    left_out,
                ).format(count=left_out)
            )
        return st.empty()


def keeps(
    preset: Preset, values: Mapping[str, object], fixed: Collection[str], defaults: Any, also: Mapping[str, object]
) -> bool:
    """Whether loading ``preset`` leaves every fixed setting as the controls hold it (``values``)."""
    wanted = preset.settings_over(defaults, also)
    return all(same_value(values[field], wanted[field]) for field in fixed if field in wanted and field in values)


def controls_before_key(key: str) -> str:
    """Where ``put_into_controls`` keeps what the controls held, until they are drawn with the new values."""
    return f"{key}_controls_before"


def put_into_controls(key: str, values: Mapping[str, object]) -> None:
    """Settings (field -> value) into the screen's controls, and so into the URL and the link to this setup: a preset,
    or the settings of a loaded run. Only the controls the screen has drawn (and the transport's learning rate); a
    whole number goes into a float control as a float (``ui.controls.whole_number_input``). Called from a widget's
    callback, before the controls are drawn again; what they held is kept until they are (a value a control cannot
    hold is given back: ``ui.links.linked_settings``)."""
    held = {}
    for field, value in values.items():
        name = f"{key}_{field}"
        if field != "learning_rate" and name not in st.session_state:
            continue
        current = st.session_state.get(name)
        if isinstance(value, tuple) and isinstance(current, list):
            value = list(value)
        if name in st.session_state:
            held[name] = current
        st.session_state[name] = float(value) if isinstance(current, float) and not isinstance(value, bool) else value
    st.session_state[controls_before_key(key)] = held


def apply_preset(key: str, preset: Preset, defaults: Any, also: Mapping[str, object]) -> None:
    """The preset's settings into the controls (so into the URL), every other setting back to its default, and
    a fresh run that plays them."""
    put_into_controls(key, preset.settings_over(defaults, also))
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
    chosen = matching_preset(presets_for(key), current_values(key, defaults, also), defaults, also)
    if chosen is not None and place is not None:
        place.markdown(f":material/school: :blue-background[**{_(chosen.title)}.** {_(chosen.look_for)}]")


def current_values(key: str, defaults: Any, also: Mapping[str, object]) -> dict[str, object]:
    """The settings as the controls hold them now (field name -> value), defaults where no control shows one."""
    known = {**{field: getattr(defaults, field) for field in defaults.__dataclass_fields__}, **also}
    return {name: st.session_state.get(f"{key}_{name}", default) for name, default in known.items()}


def hide_controls(
    key: str, defaults: Any, also: Mapping[str, object], first: bool, labels: Mapping[str, str] | None = None
) -> list[str]:
    """``?hide=seed,cell`` (setting names) or ``?hide=all``: a lesson's link hides the controls a teacher does not
    want used. They are still drawn (so the link's values still reach them) and only hidden from view; the
    sidebar says which settings the link fixes, by the names the page gives them (``labels``: field -> label, as
    the "Changed: …" note names them; ``SHARED_LABELS`` for the controls every screen has). The names are read in
    one pass (``core.runs.links.read_names``: each once, at most ``MOST_VALUES``); those that name nothing here, and
    those beyond the cap, get one note each. Returns the names taken (in the link's order), which the link to this
    setup carries (``fixed_settings`` says which settings they fix)."""
    asked, beyond = read_names(st.query_params.get_all("hide"))
    if not asked:
        return []
    names = settings_of(defaults, also)
    taken = [name for name in asked if name in names or name == "all"]
    if first:
        unknown = [name for name in asked if name not in names and name != "all"]
        refused = [Refusal("hide", ",".join(unknown), NOT_SETTINGS[len(unknown) > 1])] if unknown else []
        if beyond:
            refused.append(Refusal("hide", ",".join(beyond[:10]), too_many(len(asked) + len(beyond))))
        note(key, refused)
    wanted = fixed_settings(taken, defaults, also)
    keys = sorted(
        n for n in st.session_state if isinstance(n, str) and field_of(n, key) in wanted and SAFE_KEY.fullmatch(n)
    )
    if not keys:
        return taken
    # Only keys of this screen's own controls reach the style sheet, never the link's text.
    st.html("<style>" + ", ".join(f".st-key-{name}" for name in keys) + " { display: none; }</style>")
    labels = labels or {}
    fields = {field_of(n, key) for n in keys}
    # In the order of the page's table (as its controls come), then by name: the same order in every language.
    ordered = [field for field in labels if field in fields] + sorted(fields - labels.keys())
    shown = [label_of(field, labels) for field in ordered]
    st.sidebar.caption(
        _("This lesson's link fixes: {settings} (those controls are hidden).").format(settings=", ".join(shown))
    )
    return taken


def settings_of(defaults: Any, also: Mapping[str, object]) -> set[str]:
    """The settings of a screen: its settings class's fields and its other bound controls."""
    return {*getattr(defaults, "__dataclass_fields__", ()), *also}


def fixed_settings(taken: Collection[str], defaults: Any, also: Mapping[str, object]) -> set[str]:
    """The settings a lesson's link fixes, from the names ``hide_controls`` took (``all``: every one)."""
    return settings_of(defaults, also) if "all" in taken else set(taken)


def label_of(field: str, labels: Mapping[str, str]) -> str:
    """A setting as the page names it (its labels worded in the page's language at its top, as
    ``ui.live.changed_settings`` reads them); a shared control by its ``N_()`` label, worded here; a setting without
    a label by its name, spaces for underscores."""
    if labels.get(field):
        return labels[field]
    return _(SHARED_LABELS[field]) if field in SHARED_LABELS else field.replace("_", " ")


# The controls every training screen has outside its own sidebar (the transport row's), as the page names them.
SHARED_LABELS = {"learning_rate": N_("the learning rate")}
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
