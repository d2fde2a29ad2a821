"""Settings from a link (core.links, core.presets): each raw value is parsed and validated by the screen's own
settings class; refused ones carry the learner's reason, never a clamped value."""

from __future__ import annotations

import pytest

from core.comparison import ComparisonSettings
from core.errors import InputError
from core.hihello import HiHelloSettings
from core.links import Refusal, holds, ignored_sentence, link_text, parse_value, read_link
from core.long_sequences import LongSequenceSettings
from core.presets import PRESETS, matching_preset, presets_for, same_value


@pytest.mark.parametrize(
    ("raw", "default", "expected"),
    [("3", 0, 3), ("3.0", 0, 3), ("0.1", 1.0, 0.1), ("TRUE", False, True), ("false", True, False), ("abc", "", "abc")],
)
def test_a_link_value_is_read_as_the_kind_of_its_setting(raw, default, expected):
    value = parse_value(raw, default)
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize(
    ("raw", "default", "reason"),
    [
        ("abc", 0, "not a number"),
        ("3.5", 0, "not a whole number"),
        ("nan", 0, "not a finite number"),
        ("inf", 1.0, "not a finite number"),
        ("yes", True, "not true or false"),
    ],
)
def test_a_value_of_the_wrong_kind_is_refused_with_a_reason(raw, default, reason):
    with pytest.raises(InputError, match=reason):
        parse_value(raw, default)


def test_read_link_takes_valid_values_and_refuses_forged_ones_without_clamping():
    raw = {
        "hihello_seed": ["0"],
        "hihello_epochs": ["5000000"],  # above what the settings allow: refused, not clamped to the most
        "hihello_hidden_size": ["3.5"],
        "hihello_cell": ["xyz"],
        "hihello_word": ["hello"],
        "hihello_num_layers": ["1", "2"],
        "longseq_seed": ["abc"],  # another screen's: left to that screen
        "hihello_unknown": ["1"],  # not a setting: left alone
    }
    taken, refused = read_link(HiHelloSettings(), raw, "hihello")
    assert taken == {"hihello_seed": 0, "hihello_word": "hello"}
    reasons = {r.name: r.reason for r in refused}
    assert set(reasons) == {"hihello_epochs", "hihello_hidden_size", "hihello_cell", "hihello_num_layers"}
    assert "whole number from 1 to" in reasons["hihello_epochs"]
    assert reasons["hihello_hidden_size"] == "not a whole number"
    assert "unknown cell type 'xyz'" in reasons["hihello_cell"]
    assert reasons["hihello_num_layers"] == "given more than once"


def test_the_note_names_each_refused_value_and_shortens_long_ones():
    sentence = ignored_sentence([Refusal("hihello_seed", "abc", "not a number"), Refusal("x", "y" * 100, "why")])
    assert sentence.startswith("Ignored from the link: hihello_seed=abc (not a number); x=yyy")
    assert "…" in sentence and len(sentence) < 120


@pytest.mark.parametrize("value", [0, 3, 0.1, 10.0, True, False, "안녕하세요"])
def test_link_text_reads_back_to_the_same_value(value):
    assert same_value(parse_value(link_text(value), value), value)


@pytest.mark.parametrize(
    ("screen", "defaults"),
    [("hihello", HiHelloSettings()), ("compare", ComparisonSettings()), ("longseq", LongSequenceSettings())],
)
def test_every_preset_is_a_valid_link_of_its_screen(screen, defaults):
    for preset in presets_for(screen):
        taken, refused = read_link(defaults, {k: [v] for k, v in preset.query(screen).items()}, screen)
        assert not refused and taken == {f"{screen}_{name}": value for name, value in preset.settings.items()}
        type(defaults)(**preset.settings_over(defaults))  # valid together too
        assert preset.look_for and preset.promise


def test_the_preset_on_screen_is_the_one_whose_settings_all_match():
    defaults = HiHelloSettings()
    values = {**defaults.__dict__, "seed": 0.0}  # the seed control holds a float
    assert matching_preset("hihello", values, defaults).name == "stuck"
    assert matching_preset("hihello", {**values, "epochs": 200}, defaults) is None
    assert matching_preset("hihello", defaults.__dict__, defaults).name == "lab"
    assert set(PRESETS) <= {"hihello", "longseq", "timeseries", "compare"}


def test_streamlit_still_seeds_widgets_from_the_private_field_ui_links_clears():
    """ui.links takes a refused value out of ``QueryParams._initial_query_params`` (Streamlit seeds bound widgets
    from it on a page load); this fails loudly the day Streamlit renames it."""
    from streamlit.runtime.state.query_params import QueryParams

    params = QueryParams()
    params.set_initial_query_params("hihello_seed=abc")
    assert params._initial_query_params == {"hihello_seed": ["abc"]}
    assert params.get_initial_value("hihello_seed") is not None


def test_a_table_tagged_parameter_names_its_setting_and_several_values_make_a_tuple():
    from core.forecasting import ForecastSettings

    defaults = ForecastSettings(target="Close", features=("Close",))
    raw = {"timeseries_epochs_3f2a9c1b": ["30"], "timeseries_features_3f2a9c1b": ["Open", "Close"], "x": ["1"]}
    taken, refused = read_link(defaults, raw, "timeseries")
    assert taken == {"timeseries_epochs_3f2a9c1b": 30, "timeseries_features_3f2a9c1b": ("Open", "Close")}
    assert not refused
    _, refused = read_link(defaults, {"timeseries_features_3f2a9c1b": ["a", "a"]}, "timeseries")
    assert refused[0].reason == "each feature column can be chosen once only"


@pytest.mark.parametrize(
    ("value", "raw", "labels", "taken"),
    [
        (3, "3.0", None, True),
        (3, "3.5", None, False),
        (8, "7", None, False),
        ("gru", "GRU", {"gru": "GRU"}, True),
        (["a", "b"], ["a", "b"], None, True),
        (["a"], ["a", "zzz"], None, False),
    ],
)
def test_holds_tells_whether_a_control_took_the_links_text(value, raw, labels, taken):
    assert holds(value, raw, labels) is taken


def test_the_link_promises_the_same_curves_on_this_server_and_close_ones_elsewhere_in_both_languages():
    from core.i18n import _, speaking
    from ui.links import LINK_PROMISE

    assert "opened on this server, it trains the same run" in LINK_PROMISE
    assert "On another machine" in LINK_PROMISE and "agree closely" in LINK_PROMISE
    assert "may end differently" in LINK_PROMISE
    with speaking("ko"):
        korean = _(LINK_PROMISE)
    assert "이 서버에서 열면" in korean and "다른 컴퓨터에서는" in korean and "다르게 끝날 수 있습니다" in korean
