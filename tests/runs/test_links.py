"""Settings from a link (core.runs.links, core.runs.presets): each raw value is parsed and validated by the screen's own
settings class; refused ones carry the learner's reason, never a clamped value."""

from __future__ import annotations

import pytest

from core.runs.links import Refusal, holds, ignored_sentence, link_text, parse_value, read_link
from core.runs.presets import matching_preset, same_value
from core.screens.hihello.settings import HiHelloSettings
from core.screens.registry import presets_for, training_screens
from core.words.errors import InputError
from core.words.message import as_said


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
        "long_sequences_seed": ["abc"],  # another screen's: left to that screen
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
    [  # the screens whose presets are settings only (Time series' also choose the data, a control of its page)
        (entry.key, entry.settings())
        for entry in training_screens()
        if all(name in entry.settings.__dataclass_fields__ for preset in entry.presets for name in preset.settings)
    ],
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
    presets = presets_for("hihello")
    assert matching_preset(presets, values, defaults).name == "stuck"
    assert matching_preset(presets, {**values, "epochs": 200}, defaults) is None
    assert matching_preset(presets, defaults.__dict__, defaults).name == "lab"
    assert all(entry.presets for entry in training_screens())  # every screen that trains has its teaching setups


def test_streamlit_still_seeds_widgets_from_the_private_field_ui_links_clears():
    """ui.links takes a refused value out of ``QueryParams._initial_query_params`` (Streamlit seeds bound widgets
    from it on a page load); this fails loudly the day Streamlit renames it."""
    from streamlit.runtime.state.query_params import QueryParams

    params = QueryParams()
    params.set_initial_query_params("hihello_seed=abc")
    assert params._initial_query_params == {"hihello_seed": ["abc"]}
    assert params.get_initial_value("hihello_seed") is not None


def test_a_table_tagged_parameter_names_its_setting_and_several_values_make_a_tuple():
    from core.screens.time_series.forecasting import ForecastSettings

    defaults = ForecastSettings(target="Close", features=("Close",))
    raw = {"time_series_epochs_3f2a9c1b": ["30"], "time_series_features_3f2a9c1b": ["Open", "Close"], "x": ["1"]}
    taken, refused = read_link(defaults, raw, "time_series")
    assert taken == {"time_series_epochs_3f2a9c1b": 30, "time_series_features_3f2a9c1b": ("Open", "Close")}
    assert not refused
    _, refused = read_link(defaults, {"time_series_features_3f2a9c1b": ["a", "a"]}, "time_series")
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
    from core.words.i18n import _, speaking
    from ui.links import LINK_PROMISE

    assert "opened on this server, it trains the same run" in LINK_PROMISE
    assert "On another machine" in LINK_PROMISE and "agree closely" in LINK_PROMISE
    assert "may end differently" in LINK_PROMISE
    with speaking("ko"):
        korean = _(LINK_PROMISE)
    assert "이 서버에서 열면" in korean and "다른 컴퓨터에서는" in korean and "다르게 끝날 수 있습니다" in korean


# -- issue 24: numbers in plain decimal form, lists read once and capped, a device this machine lacks -------------
@pytest.mark.parametrize("raw", ["1_0", " 5 ", "5 ", "1e-3", "1E3", "+5", ".5", "5.", "٣", "0.1e1"])
@pytest.mark.parametrize("default", [0, 1.0])
def test_a_number_is_read_in_plain_decimal_form_only(raw, default):
    """Python's float() reads "1_0" as 10, " 5 " as 5 and Arabic-Indic digits; a link does not."""
    with pytest.raises(InputError, match="plain decimal form"):
        parse_value(raw, default)


@pytest.mark.parametrize("raw", ["0x10", "1,0", "1.5.2", "", "-", "five"])
def test_text_that_is_no_number_at_all_is_refused_as_such(raw):
    with pytest.raises(InputError, match="not a number"):
        parse_value(raw, 0.5)


def test_a_whole_number_is_read_exactly_and_a_huge_one_is_not_finite():
    assert parse_value("9007199254740993", 0) == 9007199254740993  # above 2**53: no float in between
    assert parse_value("-0", 0) == 0 and parse_value("007", 0) == 7
    with pytest.raises(InputError, match="not a finite number"):
        parse_value("9" * 400, 0)
    with pytest.raises(InputError, match="not a finite number"):
        parse_value("9" * 400 + ".5", 1.0)
    assert parse_value("0" * 5000 + "1", 0) == 1  # more digits than int() reads: read through float


def control_values() -> list[float | int]:
    """Every number a control of the app can hold (and so write into a link), and a few that test the writer's edges."""
    from core.engine.settings import LEARNING_RATE_LADDER

    floats = [*LEARNING_RATE_LADDER]
    for low, high, step in ((0.5, 1.5, 0.05), (0.0, 1.0, 0.1), (0.0, 5.0, 0.5)):  # Basics' radius, noise, gate bias
        count = round((high - low) / step)
        floats += [low + k * step for k in range(count + 1)]  # as a slider steps (0.30000000000000004 included)
        floats += [round(low + k * step, 10) for k in range(count + 1)]
    floats += [1e-05, 3e-07, 5e-324, 1.7976931348623157e308, 1e16, 123456.789, -0.25, 0.1 + 0.2]
    return [*floats, *range(0, 10_000), -3]  # every seed, and a negative whole number


def test_every_value_a_control_holds_survives_write_then_read_exactly():
    from core.runs.links import PLAIN_DECIMAL

    for value in control_values():
        text = link_text(value)
        assert PLAIN_DECIMAL.fullmatch(text), (value, text)  # what the link writes, the link reads
        read = parse_value(text, value)
        assert read == value and type(read) is type(value), (value, text, read)
    assert link_text(1e-05) == "0.00001" and link_text(0.0001) == "0.0001" and link_text(10.0) == "10"


def test_streamlits_own_writer_of_a_bound_control_writes_what_the_link_reads():
    """A bound slider's value reaches the URL through Streamlit's writer (a private helper, checked here so that the
    day it changes, this fails rather than the links): every float a control of the app holds comes out plain."""
    from streamlit.runtime.state.query_params import _format_number_for_query_url

    for value in control_values():
        if isinstance(value, float) and 1e-4 <= abs(value) < 1e16:  # the range of the controls' values
            assert parse_value(_format_number_for_query_url(value), value) == value, value


def test_a_list_in_a_link_is_read_once_each_name_once_and_at_most_the_cap():
    from core.reading.csv_reading import MAX_COLUMNS
    from core.runs.links import MOST_VALUES, read_names

    assert MOST_VALUES >= MAX_COLUMNS  # a link may choose every column of a table
    given = ["seed, cell,seed", "", "cell,all,,x"]
    assert read_names(given) == (["seed", "cell", "all", "x"], [])
    names = [f"setting{i}" for i in range(10_000)]
    taken, beyond = read_names([",".join(names + names[:50])])  # duplicates do not use up the cap
    assert taken == names[:MOST_VALUES] and beyond == names[MOST_VALUES:]


def test_a_repeated_parameter_beyond_the_cap_is_refused_with_a_note_naming_the_cap():
    from core.runs.links import MOST_VALUES
    from core.screens.time_series.forecasting import ForecastSettings

    defaults = ForecastSettings(target="Close", features=("Close",))
    columns = [f"c{i}" for i in range(MOST_VALUES + 1)]
    taken, refused = read_link(defaults, {"time_series_features_3f2a9c1b": columns}, "time_series")
    assert not taken and [r.name for r in refused] == ["time_series_features_3f2a9c1b"]
    assert (
        refused[0].reason == f"{MOST_VALUES + 1} values, more than the {MOST_VALUES} a link may hold: only the "
        f"first {MOST_VALUES} are read"
    )


def test_the_note_names_the_first_twenty_counts_the_rest_and_quotes_the_links_text():
    from core.runs.links import MOST_NOTED

    refusals = [Refusal(f"hihello_x{i}", "1", "not a setting this screen shows") for i in range(MOST_NOTED + 5)]
    sentence = ignored_sentence(refusals)
    assert f"hihello_x{MOST_NOTED - 1}=1" in sentence and f"hihello_x{MOST_NOTED}=" not in sentence
    assert sentence.endswith("; and 5 more values.")
    assert ignored_sentence(refusals[: MOST_NOTED + 1]).endswith("; and 1 more value.")
    long_reason = Refusal("hihello_cell", "x" * 100_000, as_said("unknown cell type '" + "x" * 100_000 + "'"))
    quoted = ignored_sentence([long_reason, Refusal("x" * 500, "[a](b)", "why")], quote=lambda text: f"<{text}>")
    assert len(quoted) < 600 and "<[a](b)>" in quoted and "<hihello_cell>=<xxx" in quoted


def test_a_device_this_machine_lacks_is_refused_with_the_note_and_one_it_has_is_taken(monkeypatch):
    import torch

    from core.engine.runtime import device_here
    from core.screens.time_series.forecasting import ForecastSettings

    defaults = ForecastSettings(target="Close", features=("Close",))
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    taken, refused = read_link(defaults, {"time_series_device": ["cuda"], "time_series_seed": ["3"]}, "time_series")
    assert taken == {"time_series_seed": 3}
    assert [(r.name, r.raw, r.reason) for r in refused] == [
        ("time_series_device", "cuda", "this machine has no such device; the run uses the CPU")
    ]
    assert read_link(defaults, {"time_series_device": ["cpu"]}, "time_series") == ({"time_series_device": "cpu"}, [])
    _, (unknown,) = read_link(defaults, {"time_series_device": ["mps"]}, "time_series")  # not a choice of the screen
    assert unknown.reason.startswith("unknown device 'mps'")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert read_link(defaults, {"time_series_device": ["cuda"]}, "time_series") == ({"time_series_device": "cuda"}, [])
    assert device_here("auto") and device_here("cpu") and not device_here("tpu")
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert not device_here("mps")


@pytest.mark.parametrize(
    ("typed", "source"),
    [
        ("hihello_seed", "hihello_seed"),  # an underscore inside a word is no markup: left as it is
        ("-0.001", "-0.001"),
        ("[click](https://example.com)", r"\[click\]\(https\:\/\/example\.com\)"),
        ("www.example.com", r"www\.example\.com"),  # GFM would make it a link
        ("_x_ **y** :red[z] $w$ <b>", r"\_x\_ \*\*y\*\* \:red\[z\] \$w\$ \<b\>"),
        (" 5\n\t", " 5  "),  # spaces stay (they are why " 5 " is refused); a line break is one
    ],
)
def test_the_note_shows_the_links_text_as_typed(typed, source):
    from ui.links import as_text

    assert as_text(typed) == source
