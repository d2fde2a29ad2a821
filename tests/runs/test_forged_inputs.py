"""Forged widget values never break a session. A browser message can carry anything: NaN or infinity in a number
field, a slider far outside its range, an option a select box never offered, a megabyte of text. Every input of
every page gets such values, one after another in one session, exactly as a forged WebSocket message would
deliver them (the widget state, not the widget API, which refuses them); after each one the page, and the rerun
after it, run without an exception (a setting that makes no sense shows its message instead)."""

from __future__ import annotations

import math

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState

from core.screens.registry import screens
from tests.conftest import visit

NUMBERS = [math.nan, math.inf, -math.inf, 1e308, -1e308]
FORGED = {
    "number_input": [("double_value", value) for value in NUMBERS],
    "slider": [("double_array_value", [value]) for value in (math.nan, 1e12, -1e12)],
    "select_slider": [("string_array_value", ["not an option"]), ("string_array_value", [])],
    "selectbox": [("string_value", "not an option")],
    "radio": [("string_value", "not an option")],
    "text_input": [("string_value", "x" * 200_000)],
    "text_area": [("string_value", "x" * 1_000_000)],
    "multiselect": [("string_array_value", ["not an option"])],
}
SHORT = {  # screen -> the settings (session state) that keep its first run short
    "hihello": {"hihello_epochs": 20},
    "long_sequences": {"long_sequences_epochs": 10},
    "rnn_vs_lstm_gru": {"rnn_vs_lstm_gru_gap": 5, "rnn_vs_lstm_gru_steps": 50},
}
PAGES = {entry.page: SHORT.get(entry.key, {}) for entry in screens()}  # every screen's page (core.screens.registry)


def forge(widget, field: str, value) -> None:
    """Make ``widget`` send ``value`` in ``field`` of its state on the next run, as a forged message would."""
    state = WidgetState(id=widget.id)
    if field.endswith("_array_value"):
        getattr(state, field).data[:] = value
    else:
        setattr(state, field, value)
    widget.__class__ = type("Forged", (type(widget),), {"_widget_state": property(lambda self: state)})


@pytest.mark.slow
@pytest.mark.parametrize("page", list(PAGES))
def test_every_input_survives_forged_values(page):
    at = visit(page, **PAGES[page])
    inputs = [(kind, widget.key) for kind in FORGED for widget in at.get(kind) if widget.key]
    assert inputs, "the page has no inputs to forge"
    tried = 0
    for kind, key in inputs:
        for field, value in FORGED[kind]:
            widget = next((w for w in at.get(kind) if w.key == key), None)
            if widget is None or getattr(widget, "disabled", False):  # a disabled control sends nothing
                continue
            forge(widget, field, value)
            at.run()
            assert not at.exception, f"{key} = {str(value)[:20]}: {at.exception[0].value}"
            at.run()  # and every later rerun keeps working
            assert not at.exception, f"after {key} = {str(value)[:20]}: {at.exception[0].value}"
            tried += 1
    assert tried >= len(inputs)
