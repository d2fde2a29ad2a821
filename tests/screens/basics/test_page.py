"""The Basics page under AppTest: it runs, every control changes the screen, extremes are safe."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.words.notes import section_url
from tests.conftest import APP, APP_TIMEOUT, fast_first, visit
from tests.words.korean_text import hangul_share, has_hangul, page_words

PAGE = "pages/basics.py"


def screen(at: AppTest) -> dict[str, str]:
    """What each section shows, as text to compare before and after a control moves."""
    return {
        "step": at.latex[1].value + at.dataframe[0].value.to_csv() + at.get("plotly_chart")[0].proto.spec,
        "shapes": at.dataframe[1].value.to_csv() + at.get("graphviz_chart")[0].proto.spec,
        "gradient": "".join(str(m.value) for m in at.metric[-3:]) + at.get("plotly_chart")[-1].proto.spec,
    }


def assert_healthy(at: AppTest) -> None:
    assert not at.exception
    assert not at.error, [e.value for e in at.error]


def test_page_renders_every_section():
    at = visit(PAGE)
    assert_healthy(at)
    assert [h.value for h in at.header] == [
        "One step of the cell, by hand",
        "Shapes",
        "Why a nonlinearity",
        "How the gradient travels back through time",
    ]
    assert len(at.get("plotly_chart")) == 5 and len(at.get("graphviz_chart")) == 1
    assert float(at.metric[0].value) <= 1e-6  # hand computation vs nn.RNN
    assert float(at.metric[1].value) < 1e-12  # linear stack vs one matrix
    assert at.dataframe[1].value["shape"].tolist() == ["(3, 5, 4)", "(3, 5, 2)", "(1, 3, 2)"]


CONTROLS = [
    ("slider", "basics_input_size", 3, "step"),
    ("slider", "basics_hidden_size", 6, "step"),
    ("number_input", "basics_seed", 7, "step"),
    ("radio", "basics_nonlinearity", "relu", "step"),
    ("slider", "basics_time_step", 4, "step"),
    ("toggle", "basics_batch_first", False, "shapes"),
    ("slider", "basics_num_layers", 3, "shapes"),
    ("slider", "basics_shapes_hidden", 5, "shapes"),
    ("slider", "basics_radius", 1.2, "gradient"),
    ("radio", "basics_grad_nonlinearity", "relu", "gradient"),
]


def test_every_control_changes_what_is_shown():
    at = visit(PAGE)
    for kind, key, value, section in CONTROLS:
        before = screen(at)
        getattr(at, kind)(key=key).set_value(value).run()
        assert_healthy(at)
        after = screen(at)
        assert after[section] != before[section], f"{key} changed nothing in {section}"
        others = [name for name in before if name != section]
        assert all(after[name] == before[name] for name in others), f"{key} changed another section"


def test_shapes_follow_the_controls():
    at = visit(PAGE)
    at.toggle(key="basics_batch_first").set_value(False).run()
    at.slider(key="basics_num_layers").set_value(4).run()
    at.slider(key="basics_shapes_hidden").set_value(8).run()
    assert_healthy(at)
    assert at.dataframe[1].value["shape"].tolist() == ["(5, 3, 4)", "(5, 3, 8)", "(4, 3, 8)"]
    assert "output[-1]" in "".join(m.value for m in at.markdown)


EXTREMES = [
    {
        "basics_input_size": 1,
        "basics_hidden_size": 8,
        "basics_time_step": 5,
        "basics_radius": 0.5,
        "basics_num_layers": 4,
        "basics_shapes_hidden": 8,
    },
    {
        "basics_input_size": 8,
        "basics_hidden_size": 1,
        "basics_time_step": 1,
        "basics_radius": 1.5,
        "basics_num_layers": 1,
        "basics_shapes_hidden": 1,
    },
]


@pytest.mark.parametrize("settings", fast_first(EXTREMES, keep=1))
@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_extreme_values_raise_nothing(settings, nonlinearity):
    at = visit(PAGE)
    for key, value in settings.items():  # set them all, then one rerun
        at.slider(key=key).set_value(value)
    at.radio(key="basics_nonlinearity").set_value(nonlinearity)
    at.radio(key="basics_grad_nonlinearity").set_value(nonlinearity)
    at.toggle(key="basics_batch_first").set_value(settings["basics_num_layers"] > 1)
    at.run()
    assert_healthy(at)
    assert at.slider(key="basics_radius").value == settings["basics_radius"]
    assert float(at.metric[0].value) <= 1e-6


def test_the_gradient_caption_follows_the_plotted_numbers():
    """At the default radius 0.9 tanh follows radius^50 and ReLU falls far below it (3.13e-09 against 5.15e-03);
    at 1.2 it is the other way round. The caption says so with the metrics' numbers."""
    at = visit(PAGE)

    def caption_and_norm() -> tuple[str, str]:
        caption = next(c.value for c in at.caption if c.value.startswith("On a log axis"))
        norm = next(m.value for m in at.metric if m.label.startswith("‖∂h_T/∂h_t‖ at distance 50"))
        return caption, norm

    expected = {
        (0.9, "tanh"): "follows it",
        (0.9, "relu"): "falls far below it",
        (1.2, "relu"): "follows it",
        (1.2, "tanh"): "falls far below it",
    }
    for (radius, nonlinearity), verdict in expected.items():
        at.slider(key="basics_radius").set_value(radius)
        at.radio(key="basics_grad_nonlinearity").set_value(nonlinearity).run()
        assert_healthy(at)
        caption, norm = caption_and_norm()
        assert f"The {nonlinearity} gradient {verdict}" in caption and norm in caption, caption


def test_the_closing_line_follows_the_chart():
    """The issue's case: radius 1.20 with ReLU climbs to 9.44e+03 at distance 50, and the line under the metrics
    once said "Vanishing gradients". It reads the same number the metric shows."""
    at = visit(PAGE)
    expected = {(1.2, "relu"): "explodes", (0.9, "tanh"): "vanishes", (1.0, "tanh"): "neither vanishes nor explodes"}
    for (radius, nonlinearity), verdict in expected.items():
        at.slider(key="basics_radius").set_value(radius)
        at.radio(key="basics_grad_nonlinearity").set_value(nonlinearity).run()
        assert_healthy(at)
        line = next(c.value for c in at.caption if c.value.startswith("Here the gradient"))
        norm = next(m.value for m in at.metric if m.label.startswith("‖∂h_T/∂h_t‖ at distance 50"))
        assert line.startswith(f"Here the gradient {verdict}") and f"{norm} at distance 50" in line, line
        assert "Vanishing gradients" not in " ".join(c.value for c in at.caption)


def open_in(language: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT)
    at.query_params["lang"] = language
    at.run()
    at.switch_page(PAGE).run()
    assert_healthy(at)
    return at


def test_the_page_speaks_korean():
    at = open_in("ko")
    assert at.title[0].value == "기초: RNN 셀을 한 단계씩"
    assert all(has_hangul(h.value) for h in at.header)
    assert hangul_share(*page_words(at)) > 0.6
    link = next(m.value for m in at.markdown if m.value.startswith("스터디 노트"))  # under the introduction
    assert all(section_url(section) in link for section in ("simple_rnn", "tanh", "intuition"))
    assert at.dataframe[1].value.columns.tolist() == ["텐서", "모양", "축", "담긴 값"]
    caption = next(c.value for c in at.caption if c.value.startswith("로그 축에서"))
    assert "tanh의 기울기는 이 직선을" in caption and at.metric[3].value in caption


def test_switching_the_language_keeps_the_settings():
    """Only the words change: the controls keep their values and every number stays the same."""
    at = visit(PAGE)
    at.slider(key="basics_input_size").set_value(3)
    at.radio(key="basics_grad_nonlinearity").set_value("relu").run()
    numbers = [m.value for m in at.metric], at.dataframe[0].value.iloc[:, 2:].to_numpy().tolist()
    at.sidebar.button_group(key="language_selector").set_value("ko").run()
    assert_healthy(at)
    assert at.title[0].value.startswith("기초") and at.query_params["lang"] == "ko"
    assert at.slider(key="basics_input_size").value == 3 and at.radio(key="basics_grad_nonlinearity").value == "relu"
    assert ([m.value for m in at.metric], at.dataframe[0].value.iloc[:, 2:].to_numpy().tolist()) == numbers
