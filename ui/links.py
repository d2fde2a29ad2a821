"""Every setting in the URL: what a link brings in is checked first, a refused value gets one note, and the
sidebar shows the link of the setup on screen, with the screen's teaching presets above the controls.

The widgets themselves are bound to the URL (``ui.controls.BIND``, Streamlit's ``bind="query-params"``): their
keys are the parameters' names, Streamlit seeds them from the link on a page load and keeps the link up to date.
Two things it does not do are done here. It resets an out-of-range value to the default without a word, and it
turns 3.5 into 3 for a whole-number slider; so before any widget is drawn each value is checked by the screen's
settings class (``core.runs.links``) and a refused one is taken out of the URL and named on screen. And the learning
rate is steered from the transport row, whose widget starts from the run's own rate: it is carried by hand.

A choice control shows labels, and Streamlit writes its label into the URL in the page's language. A link is read
in every language (``core.runs.links.options_by_label``) and its control is seeded with the label in this page's
language, so a link made on a Korean page opens the same setup in English and back. The link to this setup
carries the page's language (``lang``) too; a ``lang`` the app does not speak (``ui.i18n``) and a device this
machine lacks (``core.runs.links.HERE``) are named in the same note as every other ignored value. The note quotes the
link's text as text (``as_text``): a forged value never becomes a link, a colour or a formula.
"""

from __future__ import annotations

import contextlib
import math
import re
import string
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlencode

import streamlit as st
from streamlit.errors import StreamlitAPIException
from streamlit.runtime.state.session_state_proxy import get_session_state

from core.engine.cells import CELL_NAMES
from core.engine.what_if import parse_target
from core.runs.links import (
    RATE_CHANGES,
    TABLE_TAG,
    Refusal,
    field_of,
    holds,
    ignored_sentence,
    link_text,
    options_by_label,
    parse_value,
    rate_changes_text,
    read_link,
    read_rate_changes,
    renamed,
)
from core.runs.presets import same_value as _same
from core.screens.registry import find
from core.words.errors import InputError
from core.words.i18n import N_, SOURCE_LANGUAGE, _, current_language
from core.words.message import Message, said
from ui.i18n import LINK_NOTES_KEY
from ui.lessons import (
    controls_before_key,
    fixed_settings,
    hide_controls,
    note,
    notes_key,
    preset_picker,
    preset_place,
    show_loaded,
)
from ui.live import current_run, pending_rate_changes_key

LANGUAGE_PARAM = "lang"
SHARED_PARAMS = (LANGUAGE_PARAM, "hide")  # parameters every screen reads
# What a link promises: exact on one server; elsewhere PyTorch's kernels, picked per CPU, may round differently.
LINK_PROMISE = N_(
    "Copy it: opened on this server, it trains the same run, with the same seed and the same curves. On another "
    "machine the settings are the same and the curves agree closely, but a seed near a tipping point may end "
    "differently (PyTorch rounds differently on other CPUs)."
)
# What the link of a screen that trains nothing (Basics) promises: the controls' values, and so the same weights.
SETUP_PROMISE = N_("Copy it: opening it shows the same setup, with the same seed and so the same weights.")
WHOLE_FLOAT = re.compile(r"-?[0-9]+\.0+")  # a whole number as Streamlit writes a float control's value (0.0)
# Parameters a view keeps in the link beside the settings (``{key}_what_if``: the what-if edit shown,
# ui.what_if_views), by suffix, with the check of their form (an InputError refuses one). The view holds the value in
# ``view_param_key``; ``keep_view_param`` sets or clears it, and the link and the address bar follow.
VIEW_PARAMS: dict[str, Callable[[str], object]] = {"what_if": parse_target}


@contextmanager
def linked_settings(
    key: str,
    defaults: Any | None,
    learning_rates: Sequence[float],
    labels: Mapping[str, Mapping[object, str]] | None = None,
    also: Mapping[str, object] | None = None,
    caveat: Callable[[], str | None] | None = None,
    setting_labels: Mapping[str, str] | None = None,
) -> Iterator[None]:
    """Around a page's setting controls: the link is checked before they are drawn, the note, the presets and
    the link to this setup after. A link is read once per visit of a session (later, the controls hold it).

    ``labels`` gives, per setting whose control shows labels (field -> option -> label, the English source that
    the control translates with ``_()``), what the URL carries: Streamlit writes and reads a bound choice by its
    label (the cell type's are known here). ``also`` names the
    bound controls that are not a field of the settings class (suffix of the key -> default), and ``caveat``
    says what the link cannot carry (an uploaded file). A screen without a settings class (Basics) passes None
    and names all its controls in ``also``. ``setting_labels`` names the settings as the page does (field -> label,
    the page's table for the "Changed: …" note): the sidebar says by these names which ones a lesson's link fixes.

    The presets are drawn last, at the top of the sidebar kept for them: a lesson's link (``?hide=``) leaves out
    those that would change a setting it fixes, which needs the values the controls took from the link."""
    labels = {"cell": CELL_NAMES, **(labels or {})}
    also = dict(also or {})
    st.session_state.update(st.session_state.pop(_give_back_key(key), {}))
    first = _read_key(key) not in st.session_state
    if first:
        _take_former_names(key)
    raw, refused = take_link(key, defaults, learning_rates, labels, also) if first else ({}, set())
    presets = preset_place(key)
    top = st.container()  # the note about refused values goes above the controls, once they have been checked
    try:
        yield
    except StreamlitAPIException:
        # A loaded run's settings put into the controls (ui.lessons.put_into_controls) that a control cannot hold
        # (a saved run of 30 steps; the slider starts at 50): Streamlit refuses it while drawing. The controls take
        # back what they held, and the "Changed: …" note names what differs from the run on screen.
        held = st.session_state.pop(controls_before_key(key), None)
        if held is None:
            raise
        st.session_state[_give_back_key(key)] = held  # a drawn control cannot change: before the next draw
        st.rerun()
    st.session_state.pop(controls_before_key(key), None)  # drawn: the controls hold the run's settings
    if first:
        after_widgets(key, raw, refused, labels)
    hidden = hide_controls(key, defaults, also, first, setting_labels)  # the one read of ``hide`` in this run
    loaded = preset_picker(key, defaults, also, presets, fixed_settings(hidden, defaults, also))
    show_link(key, defaults, loaded, labels, also, caveat() if caveat else None, top, hidden)


def take_link(
    key: str,
    defaults: Any,
    learning_rates: Sequence[float],
    labels: Mapping[str, Mapping[object, str]],
    also: Mapping[str, object],
) -> tuple[dict[str, list[str]], set[str]]:
    """The link's parameters, and those refused (noted, and out of the URL) by the screen's settings class.
    A choice given by its option (``?hihello_cell=gru``, as a teacher writes it) is handed to its control by label."""
    raw = {name: st.query_params.get_all(name) for name in st.query_params}
    taken, refused = read_link(defaults, raw, key, labels) if defaults is not None else ({}, [])
    for name, values in raw.items():  # a control without a field: its value must be of the kind of its default
        field = field_of(name, key)
        if field in also and field in labels and len(values) == 1:
            by_label = options_by_label(labels[field])
            if values[0] in by_label:  # the option, or its label in any language: its control reads this page's label
                _seed_with(name, link_text(by_label[values[0]], labels[field]))
            else:
                refused.append(Refusal(name, values[0], _choose_one_of(labels[field])))
        elif field in also and len(values) == 1:
            with contextlib.suppress(InputError):
                parse_value(values[0], also[field])
                continue
            refused.append(Refusal(name, values[0], KINDS[_kind(also[field])]))
    for name, value in taken.items():
        field = field_of(name, key)
        if field in labels:
            _seed_with(name, link_text(value, labels[field]))
    rate_name = f"{key}_learning_rate"
    if rate_name in taken:
        offered = [rate for rate in learning_rates if math.isclose(rate, float(taken[rate_name]))]
        if not offered:
            refused.append(Refusal(rate_name, link_text(taken[rate_name]), _offered(learning_rates)))
        elif current_run(key) is None:  # a run on screen keeps the rate it is steered with
            st.session_state[rate_name] = offered[0]
    refused += _take_rate_changes(key, raw, learning_rates)
    refused += _take_view_params(key, raw)
    for refusal in refused:
        _drop(refusal.name)
    # A refused ``lang`` (ui.i18n took it out of the URL when the session opened): noted once, by this screen.
    note(key, [*st.session_state.pop(LINK_NOTES_KEY, []), *refused])
    return raw, {r.name for r in refused}


def after_widgets(
    key: str, raw: dict[str, list[str]], refused: set[str], labels: Mapping[str, Mapping[object, str]]
) -> None:
    """A value the controls did not take either (outside a control's range or options, or no control shows it)
    is noted too: Streamlit puts such a value back to the default without a word."""
    st.session_state[_read_key(key)] = True
    later = []
    for name, values in raw.items():
        field = field_of(name, key)
        if field is None or name in refused or field in ("learning_rate", RATE_CHANGES, *VIEW_PARAMS):
            continue
        if name not in st.session_state:
            if TABLE_TAG.search(name.removeprefix(key)):
                continue  # a control of another data table: it takes the value when that table is loaded
            later.append(Refusal(name, ",".join(values), N_("not a setting this screen shows")))
            _drop(name)
        elif not holds(st.session_state[name], values, labels.get(field)):
            later.append(Refusal(name, ",".join(values), N_("outside what this screen's control offers")))
    note(key, later)


def show_link(
    key: str,
    defaults: Any,
    loaded: Any,
    labels: Mapping[str, Mapping[object, str]],
    also: Mapping[str, object],
    caveat: str | None,
    top: Any,
    hidden: Sequence[str] = (),
) -> None:
    """The note about a link's refused values, the loaded preset's sentence, and the link to this setup."""
    notes = st.session_state.get(notes_key(key))
    if notes:
        top.info(ignored_sentence(notes, quote=as_text))
    show_loaded(key, defaults, also, loaded)
    if defaults is not None:
        _carry_learning_rate(key, defaults)
    _carry_view_params(key)
    _whole_numbers_in_url(key, _whole_number_fields(defaults, also))
    with st.sidebar:
        st.markdown(_("**Link to this setup**"))
        st.code(setup_link(key, defaults, labels, also, hidden), language=None, wrap_lines=True)
        st.caption(caveat or _(LINK_PROMISE))


def setup_link(
    key: str,
    defaults: Any,
    labels: Mapping[str, Mapping[object, str]] | None = None,
    also: Mapping[str, object] | None = None,
    hidden: Sequence[str] = (),
) -> str:
    """The address of this page with every setting that differs from its default, as the controls hold it, and
    the page's language when it is not English or was chosen (``lang``: the link opens in the language it was
    made in, whatever the browser of the one who opens it says), and the settings a lesson's link hides (``hidden``,
    as ``hide_controls`` took them: the names the link gave that this screen has)."""
    labels, also = labels or {}, also or {}
    params: list[tuple[str, str]] = []
    for name in sorted(n for n in st.session_state if isinstance(n, str)):
        field = field_of(name, key)
        if field in also:
            default = also[field]
        elif defaults is not None and field in defaults.__dataclass_fields__:
            default = getattr(defaults, field)
        else:
            continue
        value = st.session_state[name]
        if field == "learning_rate" and defaults is not None:  # the run's own rate, its steering below
            value = link_learning_rate(key, defaults)[0]
        if isinstance(value, list | tuple):  # several values: the parameter repeated
            if tuple(value) != default:
                params.extend((name, link_text(v, labels.get(field))) for v in value)
        elif not _same(value, default):
            params.append((name, link_text(value, labels.get(field))))
    if defaults is not None and hasattr(defaults, "learning_rate"):
        changes = link_learning_rate(key, defaults)[1]
        if changes:
            params.append((f"{key}_{RATE_CHANGES}", changes))
    params.extend((f"{key}_{suffix}", text) for suffix, text in view_params(key).items())
    language = current_language()
    if language != SOURCE_LANGUAGE or LANGUAGE_PARAM in st.query_params:
        params.append((LANGUAGE_PARAM, language))
    if hidden:
        params.append(("hide", ",".join(hidden)))
    base = st.context.url or ""
    query = urlencode(params)
    return f"{base}?{query}" if query else base or _("(this page's address: every setting is at its default)")


def as_text(text: str) -> str:
    """The link's text for the note's markdown, shown as typed: every ASCII punctuation mark escaped, as
    ``ui.common.markdown_literal`` does (never a link, a colour, a formula or HTML), each line break or tab a space
    (one line: nothing is at the start of a line, where ``-`` or ``#`` would mean something). Unlike
    ``markdown_literal`` it keeps the spaces where they are (" 5 " is refused for them), and it leaves the marks
    that cannot be markup where they stand plain, so the note's source reads as it shows: ``_`` between letters or
    digits (CommonMark: it can neither open nor close emphasis there), ``.`` between digits (not ``www.``, which
    GFM would make a link) and ``-`` before a digit."""
    shown = []
    for i, mark in enumerate(text):
        before, after = text[i - 1 : i], text[i + 1 : i + 2]
        if mark.isspace():
            shown.append(" ")
        elif mark not in string.punctuation or _plain_here(mark, before, after):
            shown.append(mark)
        else:
            shown.append("\\" + mark)
    return "".join(shown)


def _plain_here(mark: str, before: str, after: str) -> bool:
    """Whether ``mark``, between ``before`` and ``after`` (one character each, or none), is no markup."""
    if mark == "_":
        return before.isalnum() and after.isalnum()
    if mark == ".":
        return before in DIGITS and after in DIGITS
    return mark == "-" and after in DIGITS


DIGITS = frozenset(string.digits)  # a set: "" (no character there) is not in it


def _take_rate_changes(key: str, raw: Mapping[str, list[str]], learning_rates: Sequence[float]) -> list[Refusal]:
    """``{key}_rate_changes``: the steering of the run the link was made from, replayed by the first run it builds
    (a run on screen keeps its own)."""
    name = f"{key}_{RATE_CHANGES}"
    if name not in raw:
        return []
    text = ",".join(raw[name])
    try:
        changes = read_rate_changes(text, learning_rates)
    except InputError as error:
        return [Refusal(name, text, error.message)]
    if current_run(key) is None:
        st.session_state[pending_rate_changes_key(key)] = changes
    return []


def view_param_key(key: str, suffix: str) -> str:
    """Where a view's link parameter (``VIEW_PARAMS``) is held while it is shown."""
    return f"{key}_{suffix}_in_link"


def view_params(key: str) -> dict[str, str]:
    """The view parameters the link carries now, by suffix."""
    held = {suffix: st.session_state.get(view_param_key(key, suffix)) for suffix in VIEW_PARAMS}
    return {suffix: text for suffix, text in held.items() if text}


def keep_view_param(key: str, suffix: str, text: str | None) -> None:
    """A view's parameter in the link from now on (``None``: out of it), and in the address bar."""
    st.session_state[view_param_key(key, suffix)] = text
    _carry_view_params(key)


def _take_view_params(key: str, raw: Mapping[str, list[str]]) -> list[Refusal]:
    """A view's parameters (``VIEW_PARAMS``) as the link brings them: their form checked here, cheaply (whether they
    fit the run is the view's own check, with its own note), then held for the view; a refused one is noted."""
    refused = []
    for suffix, check in VIEW_PARAMS.items():
        name = f"{key}_{suffix}"
        if name not in raw:
            continue
        text = ",".join(raw[name])
        try:
            check(text)
        except InputError as error:
            refused.append(Refusal.of_error(name, text, error))
            continue
        st.session_state[view_param_key(key, suffix)] = text
    return refused


def _carry_view_params(key: str) -> None:
    """The address bar carries the view parameters held now, and drops those cleared."""
    held = view_params(key)
    for suffix in VIEW_PARAMS:
        name, text = f"{key}_{suffix}", held.get(suffix)
        if st.query_params.get(name) != text:
            if text is None:
                _drop(name)
            else:
                st.query_params[name] = text


def link_learning_rate(key: str, defaults: Any) -> tuple[float, str | None]:
    """The learning rate and the changes a link to this setup carries: those of the run on screen (the rate it
    started with, and its steering, so the link trains the same run), or before any run the transport's rate."""
    run = current_run(key)
    if run is None or not hasattr(run.settings, "learning_rate"):
        return st.session_state.get(f"{key}_learning_rate", defaults.learning_rate), None
    session = run.session
    changes = session.history.learning_rate_changes
    return run.settings.learning_rate, rate_changes_text(changes, session.steps_per_epoch) if changes else None


def _carry_learning_rate(key: str, defaults: Any) -> None:
    """The address keeps the run's rate and steering too (a reload, a copied address): carried by hand, since the
    transport's rate control is not bound to the URL."""
    rate, changes = link_learning_rate(key, defaults)
    wanted = {
        f"{key}_learning_rate": None if math.isclose(rate, defaults.learning_rate) else link_text(rate),
        f"{key}_{RATE_CHANGES}": changes,
    }
    for name, text in wanted.items():
        if st.query_params.get(name) != text:
            if text is None:
                _drop(name)
            else:
                st.query_params[name] = text


def _whole_number_fields(defaults: Any, also: Mapping[str, object]) -> set[str]:
    """The settings that hold a whole number (their default is an int)."""
    known = {**{f: getattr(defaults, f) for f in getattr(defaults, "__dataclass_fields__", ())}, **also}
    return {field for field, value in known.items() if isinstance(value, int) and not isinstance(value, bool)}


def _whole_numbers_in_url(key: str, whole: set[str]) -> None:
    """A whole number as a link writes it (``seed=0``, not ``seed=0.0``). A whole-number control is a float
    ``st.number_input`` (``ui.controls.whole_number_input``), and when the app sets its value (a preset) Streamlit
    writes ``str(0.0)`` into the URL itself; a bound parameter cannot be set through ``st.query_params``, so its
    text is put right in the address Streamlit keeps (``_query_params``), which it then sends to the browser. Only
    the parameters of whole-number settings (``whole``) are rewritten: a word or a number with decimals that reads
    "3.0" stays as it is."""
    with get_session_state().query_params() as params:
        found = {
            name: text.split(".")[0]
            for name, text in params._query_params.items()
            if field_of(name, key) in whole and isinstance(text, str) and WHOLE_FLOAT.fullmatch(text)
        }
        if found:
            params._query_params.update(found)
            params._send_query_param_msg()


def _take_former_names(key: str) -> None:
    """A link made when the screen had a former name (``?longseq_seed=3``, core.screens.screen.Screen.former_keys)
    reads as one made now: each of its parameters takes the screen's name, in the address Streamlit seeds the
    controls from and in the address bar, before any control is drawn."""
    entry = find(key)
    if entry is None or not entry.former_keys:
        return
    with get_session_state().query_params() as params:
        names = renamed([*params._query_params, *params._initial_query_params], entry.key, entry.former_keys)
        if not names:
            return
        for table in (params._query_params, params._initial_query_params):
            for old, new in names.items():
                if old in table:
                    table[new] = table.pop(old)
        params._send_query_param_msg()


def _seed_with(name: str, text: str) -> None:
    """The address a bound control is seeded from, with ``text`` for ``name`` (see ``_drop``)."""
    with get_session_state().query_params() as params:
        if name in params._initial_query_params:
            params._initial_query_params[name] = [text]


KINDS = {"int": N_("not a whole number"), "float": N_("not a number"), "other": N_("not valid")}


def _kind(default: object) -> str:
    return "int" if isinstance(default, int) else "float" if isinstance(default, float) else "other"


def _choose_one_of(labels: Mapping[object, str]) -> Message:
    return said(N_("choose one of {options}"), options=", ".join(map(str, labels)))


def _offered(learning_rates: Sequence[float]) -> Message:
    shown = ", ".join(link_text(rate) for rate in learning_rates)  # as a link writes them
    return said(N_("offered: {rates}"), rates=shown)


def _give_back_key(key: str) -> str:
    return f"{key}_controls_given_back"


def _read_key(key: str) -> str:
    return f"{key}_link_read"


def _drop(name: str) -> None:
    """Out of the URL, and out of the address Streamlit seeds widgets from on a page load (its
    ``_initial_query_params``: no public way to say "this value is refused"; tests/runs/test_links.py fails loudly the
    day Streamlit renames it)."""
    with contextlib.suppress(StreamlitAPIException):  # bound to a widget drawn in an earlier run: nothing to seed
        st.query_params.pop(name, None)
    with get_session_state().query_params() as params:
        params._initial_query_params.pop(name, None)
