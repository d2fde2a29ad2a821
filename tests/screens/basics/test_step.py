"""core.screens.basics.step: the one-step decomposition, shapes, the linear collapse, gradients through time."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from core.screens.basics import step as basics
from core.screens.basics import why_tanh
from core.words.errors import InputError
from core.words.i18n import speaking
from tests.words.korean_text import has_hangul

torch.set_num_threads(1)


def activate(values: np.ndarray, nonlinearity: str) -> np.ndarray:
    return np.tanh(values) if nonlinearity == "tanh" else np.maximum(values, 0.0)


# --- One step -----------------------------------------------------------------------------------


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
@pytest.mark.parametrize(("d", "hidden"), [(1, 1), (2, 8), (4, 4), (8, 3)])
@pytest.mark.parametrize("t", [1, 3, 5])
def test_one_step_decomposition_equals_nn_rnn(nonlinearity, d, hidden, t):
    step = basics.one_step(d, hidden, seed=5, nonlinearity=nonlinearity, time_step=t)
    assert step.max_abs_diff <= 1e-6
    np.testing.assert_allclose(step.hand_outputs, step.torch_outputs, atol=1e-6)
    assert step.w_xh.shape == (hidden, d) and step.w_hh.shape == (hidden, hidden)
    np.testing.assert_allclose(step.input_product, step.w_xh @ step.x, atol=1e-6)
    np.testing.assert_allclose(step.recurrent_product, step.w_hh @ step.h_prev, atol=1e-6)
    total = step.input_product + step.recurrent_product + step.bias
    np.testing.assert_allclose(step.pre_activation, total, atol=1e-6)
    np.testing.assert_allclose(activate(step.pre_activation, nonlinearity), step.hidden, atol=1e-6)
    np.testing.assert_allclose(step.hidden, step.torch_outputs[t - 1], atol=1e-6)
    expected_prev = np.zeros(hidden) if t == 1 else step.torch_outputs[t - 2]
    np.testing.assert_allclose(step.h_prev, expected_prev, atol=1e-6)


def test_one_step_weights_are_nn_rnn_weights_and_seeded():
    step = basics.one_step(4, 4, seed=3)
    module = basics.seeded_rnn(4, 4, seed=3)
    np.testing.assert_array_equal(step.w_xh, module.weight_ih_l0.detach().double().numpy())
    np.testing.assert_allclose(step.bias, (module.bias_ih_l0 + module.bias_hh_l0).detach().double().numpy())
    assert not np.allclose(step.w_xh, basics.one_step(4, 4, seed=4).w_xh)
    with torch.no_grad():
        direct = module(basics.one_hot_word("hello", 4).unsqueeze(0))[0][0].double().numpy()
    np.testing.assert_allclose(step.torch_outputs, direct)


def test_one_hot_letters_and_small_or_large_inputs():
    np.testing.assert_array_equal(basics.one_hot_word("hello", 4).numpy(), np.eye(4)[[0, 1, 2, 2, 3]])
    small = basics.one_hot_word("hello", 2).numpy()  # vocabulary h, e: l and o become zero vectors
    np.testing.assert_array_equal(small, [[1, 0], [0, 1], [0, 0], [0, 0], [0, 0]])
    large = basics.one_hot_word("hello", 6).numpy()
    assert large.shape == (5, 6) and not large[:, 4:].any()
    step = basics.one_step(1, 2, time_step=5)
    assert step.letter == "o" and not step.x.any() and step.dimension_labels == ("h",)
    assert basics.one_step(6, 2).dimension_labels[4:] == ("unused 5", "unused 6")


def test_unit_arithmetic_reproduces_the_numbers():
    step = basics.one_step(4, 3, seed=1, time_step=2)
    latex = basics.unit_arithmetic(step, 0)
    assert f"{step.pre_activation[0]:.3f}" in latex and f"{step.hidden[0]:.3f}" in latex
    assert r"\tanh" in latex and latex.count(r"\cdot") == 1 + 3  # one column of W_xh, three recurrent terms
    first = basics.unit_arithmetic(basics.one_step(4, 3, time_step=1, nonlinearity="relu"), 2)
    assert "h_{0} = 0" in first and r"\mathrm{relu}" in first


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(input_size=0),
        dict(input_size=9),
        dict(hidden_size=0),
        dict(hidden_size=9),
        dict(input_size=2.5),
        dict(hidden_size=True),
        dict(time_step=0),
        dict(time_step=6),
        dict(seed=-1),
        dict(nonlinearity="sigmoid"),
    ],
)
def test_one_step_rejects_out_of_range_settings(kwargs):
    with pytest.raises(InputError):
        basics.one_step(**kwargs)


# --- Shapes ------------------------------------------------------------------------------------


@pytest.mark.parametrize("batch_first", [True, False])
@pytest.mark.parametrize("layers", [1, 2, 4])
@pytest.mark.parametrize("hidden", [1, 2, 8])
def test_shapes_table(batch_first, layers, hidden):
    shapes = basics.rnn_shapes(batch_first, layers, hidden)
    table = {row["tensor"]: (row["shape"], row["axes"]) for row in shapes.rows}
    if batch_first:
        assert table["input"] == ("(3, 5, 4)", "(batch, time, input)")
        assert table["output"] == (f"(3, 5, {hidden})", "(batch, time, hidden)")
        assert shapes.last_step_slice == "output[:, -1]"
    else:
        assert table["input"] == ("(5, 3, 4)", "(time, batch, input)")
        assert table["output"] == (f"(5, 3, {hidden})", "(time, batch, hidden)")
        assert shapes.last_step_slice == "output[-1]"
    assert table["h_n"] == (f"({layers}, 3, {hidden})", "(layers, batch, hidden)")
    assert shapes.max_abs_diff == 0.0


@pytest.mark.parametrize("kwargs", [dict(num_layers=0), dict(num_layers=5), dict(hidden_size=9)])
def test_shapes_reject_out_of_range(kwargs):
    with pytest.raises(InputError):
        basics.rnn_shapes(**kwargs)


@pytest.mark.parametrize(("steps", "layers", "batch_first"), [(1, 1, True), (5, 2, False), (8, 4, True)])
def test_unrolled_dot(steps, layers, batch_first):
    dot = basics.unrolled_dot(steps, layers, 3, batch_first)
    assert dot.startswith("digraph") and dot.count("{") == dot.count("}")
    assert dot.count('label="RNN layer') == steps * layers
    assert dot.count("(3, 3)") == steps + 2 * layers  # outputs, then h_0 and h_n per layer
    assert ("output[:, -1]" if batch_first else "output[-1]") in dot
    assert dot.count("(3, 4)") == steps
    with pytest.raises(InputError):
        basics.unrolled_dot(9, 1)


# --- Why a nonlinearity ------------------------------------------------------------------------


def test_linear_stack_collapses_and_tanh_stack_does_not():
    collapse = why_tanh.linear_collapse()
    assert collapse.product.shape == (4, 4)
    assert collapse.linear_max_diff < 1e-12
    assert collapse.tanh_max_diff > 0.1 * collapse.tanh_output_range
    assert why_tanh.linear_collapse(size=8, layers=5, seed=2).linear_max_diff < 1e-12


def test_activation_curves():
    curves = why_tanh.activation_curves()
    middle = len(curves["a"]) // 2
    assert curves["a"][middle] == pytest.approx(0.0) and curves["tanh slope"][middle] == pytest.approx(1.0)
    assert curves["tanh slope"].max() == 1.0 and curves["tanh slope"][0] < 0.01
    assert set(np.unique(curves["relu slope"])) == {0.0, 1.0}


@pytest.mark.parametrize(("name", "function"), [("tanh", torch.tanh), ("relu", torch.relu)])
def test_activation_slopes_are_what_autograd_says(name, function):
    """The slopes on screen against autograd's derivative, not against the formula the code uses."""
    curves = why_tanh.activation_curves()
    a = torch.tensor(curves["a"], dtype=torch.float64, requires_grad=True)
    (slope,) = torch.autograd.grad(function(a).sum(), a)
    np.testing.assert_allclose(curves[name], function(a).detach().numpy(), rtol=0, atol=1e-15)
    # At a = 0 ReLU has no derivative; autograd says 0 there, as the screen does.
    np.testing.assert_allclose(curves[f"{name} slope"], slope.numpy(), rtol=1e-12, atol=1e-15)


# --- Gradient through time ---------------------------------------------------------------------


def explicit_jacobian_norms(radius: float, nonlinearity: str, steps: int = 20) -> list[float]:
    """∂h_T/∂h_t as the product of diag(slope) W_hh, written out, for t = T..0."""
    weights, generator = why_tanh.random_cell(radius, 16, seed=0)
    inputs = 0.1 * torch.randn(steps, 1, 16, generator=generator, dtype=torch.float64)
    h, slopes = torch.zeros(16, dtype=torch.float64), []
    for x in inputs:
        a = weights.weight_hh @ h + weights.weight_ih @ x[0]
        h = torch.tanh(a) if nonlinearity == "tanh" else torch.relu(a)
        slopes.append(1 - h**2 if nonlinearity == "tanh" else (a > 0).double())
    product, norms = torch.eye(16, dtype=torch.float64), [1.0]
    for slope in reversed(slopes):
        product = product @ (slope[:, None] * weights.weight_hh)
        norms.append(float(torch.linalg.matrix_norm(product, ord=2)))
    return norms


@pytest.mark.parametrize(("radius", "nonlinearity"), [(0.8, "tanh"), (1.2, "tanh"), (1.2, "relu")])
def test_autograd_matches_the_jacobian_product(radius, nonlinearity):
    travel = why_tanh.gradient_through_time(radius, nonlinearity, steps=20)
    np.testing.assert_allclose(travel.norms, explicit_jacobian_norms(radius, nonlinearity), rtol=1e-9)


def test_spectral_radius_of_the_random_cell():
    weights, _ = why_tanh.random_cell(1.3)
    assert torch.linalg.eigvals(weights.weight_hh).abs().max().item() == pytest.approx(1.3)


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
@pytest.mark.parametrize("radius", [0.5, 0.8])
def test_gradient_vanishes_below_radius_one(nonlinearity, radius):
    norms = why_tanh.gradient_through_time(radius, nonlinearity).norms
    assert norms[0] == pytest.approx(1.0)
    assert norms[50] < norms[30] < norms[10] < norms[1] and norms[50] < 1e-4


@pytest.mark.parametrize("radius", [1.1, 1.2, 1.5])
def test_relu_gradient_explodes_above_radius_one(radius):
    travel = why_tanh.gradient_through_time(radius, "relu")
    assert travel.norms[10] < travel.norms[30] < travel.norms[50]
    assert travel.norms[50] > 0.5 * travel.reference[50] and travel.norms[50] > 100  # ~ radius ** 50


def test_tanh_saturation_stops_the_explosion():
    """Above 1 the tanh state saturates, its slope drops and the gradient fades instead of exploding."""
    at_one = why_tanh.gradient_through_time(1.0, "tanh")
    for radius in (1.2, 1.5):
        travel = why_tanh.gradient_through_time(radius, "tanh")
        assert travel.norms.max() < 2 and travel.norms[50] < at_one.norms[50]
        assert travel.mean_slope < at_one.mean_slope < 1


@pytest.mark.parametrize(
    ("nonlinearity", "radius", "follows"),
    [
        ("relu", 0.9, False),
        ("relu", 1.0, False),
        ("relu", 1.05, True),
        ("relu", 1.5, True),
        ("tanh", 0.5, True),
        ("tanh", 1.05, True),
        ("tanh", 1.1, False),
        ("tanh", 1.5, False),
    ],
)
def test_the_gradient_caption_says_what_the_curve_does(nonlinearity, radius, follows):
    """ReLU follows radius^distance only once radius > 1 (below, units that are off cut the paths); tanh
    follows it up to about 1.05 and falls away once it saturates. The sentence flips where the numbers do."""
    travel = why_tanh.gradient_through_time(radius, nonlinearity)
    norm, reference = float(travel.norms[50]), float(travel.reference[50])
    sentence = why_tanh.gradient_reading(travel, 50)
    assert (1 / why_tanh.FOLLOWS_WITHIN <= norm / reference <= why_tanh.FOLLOWS_WITHIN) is follows
    assert ("follows it" in sentence) is follows and ("falls far below it" in sentence) is not follows
    assert f"{norm:.2e}" in sentence and (f"{reference:.2e}" in sentence) is (radius != 1.0)
    assert ("falls (" in sentence) is (radius < 1) and ("climbs (" in sentence) is (radius > 1)
    if not follows:
        assert f"{reference / norm:.1e} times smaller" in sentence
        reason = f"{1 - travel.mean_slope:.0%} of the units are off" if nonlinearity == "relu" else "saturates"
        assert reason in sentence
    else:
        assert f"within a factor of {max(norm / reference, reference / norm):.2f}" in sentence


def test_the_gradient_caption_at_radius_one_and_far_below():
    assert "at radius 1 it stays at 1" in why_tanh.gradient_reading(why_tanh.gradient_through_time(1.0, "tanh"))
    with pytest.raises(InputError):
        why_tanh.gradient_reading(why_tanh.gradient_through_time(0.9, "tanh", steps=20), 50)


@pytest.mark.parametrize(
    ("nonlinearity", "radius", "trend"),
    [
        ("relu", 1.2, "explodes"),  # the case: 9.44e+03 at distance 50, once read as "vanishing"
        ("relu", 1.05, "explodes"),  # 11.9: just past ten times
        ("relu", 1.0, "vanishes"),  # 7.8e-3: off units cut the paths
        ("relu", 0.5, "vanishes"),
        ("tanh", 0.9, "vanishes"),  # the default: 2.45e-3
        ("tanh", 0.95, "vanishes"),  # 0.029
        ("tanh", 1.0, "neither"),  # 0.28
        ("tanh", 1.05, "neither"),  # 1.91
        ("tanh", 1.2, "vanishes"),  # saturation: 3e-6 though the radius is above 1
    ],
)
def test_the_closing_line_follows_the_chart(nonlinearity, radius, trend):
    """Vanishing below a tenth of where the gradient starts, exploding above ten times it, neither in between: read
    off the very norm the chart draws and the metric shows at distance 50."""
    travel = why_tanh.gradient_through_time(radius, nonlinearity)
    norm = float(travel.norms[50])
    assert why_tanh.gradient_trend(travel, 50) == trend
    assert (norm < 0.1, norm > 10) == (trend == "vanishes", trend == "explodes")
    line = why_tanh.gradient_conclusion(travel, 50)
    assert f"{norm:.2e} at distance 50" in line
    starts = {
        "vanishes": "Here the gradient vanishes: ‖∂h_T/∂h_t‖ falls to",
        "explodes": "Here the gradient explodes: ‖∂h_T/∂h_t‖ climbs to",
        "neither": "Here the gradient neither vanishes nor explodes: ‖∂h_T/∂h_t‖ is",
    }
    assert line.startswith(starts[trend])
    assert ("barely changes h_T" in line) is (trend == "vanishes") and ("jumpy" in line) is (trend == "explodes")


def test_the_closing_line_says_exactly_0_and_speaks_korean():
    travel = why_tanh.gradient_through_time(0.9, "relu", steps=60)
    zero = dataclasses.replace(travel, norms=np.where(travel.distances >= 40, 0.0, travel.norms))
    assert "falls to exactly 0 at distance 50" in why_tanh.gradient_conclusion(zero, 50)
    with speaking("ko"):
        lines = [
            why_tanh.gradient_conclusion(why_tanh.gradient_through_time(radius, name), 50)
            for radius, name in ((1.2, "relu"), (0.9, "tanh"), (1.0, "tanh"))
        ]
        assert "정확히 0" in why_tanh.gradient_conclusion(zero, 50)
    explodes, vanishes, neither = lines
    assert len(set(lines)) == 3 and all(has_hangul(line) and "gradient" not in line for line in lines)
    assert "기울기 폭주가 일어납니다" in explodes and "9.44e+03" in explodes
    assert "기울기 소실이 일어납니다" in vanishes and "기울기 소실도 기울기 폭주도 일어나지 않습니다" in neither


def test_gradient_is_deterministic():
    first, second = (why_tanh.gradient_through_time(0.9, "relu", seed=4) for _ in range(2))
    np.testing.assert_array_equal(first.norms, second.norms)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(spectral_radius=0.0),
        dict(spectral_radius=2.5),
        dict(spectral_radius="1"),
        dict(nonlinearity="gelu"),
        dict(steps=1),
        dict(hidden_size=0),
        dict(input_scale=0.0),
    ],
)
def test_gradient_rejects_out_of_range(kwargs):
    with pytest.raises(InputError):
        why_tanh.gradient_through_time(**kwargs)


def test_the_gradient_caption_in_korean_flips_with_the_numbers():
    """The same reading in Korean: two complete sentences, the verdict's changing where the English one does."""
    with speaking("ko"):
        follows = why_tanh.gradient_reading(why_tanh.gradient_through_time(1.05, "tanh"), 50)
        below = why_tanh.gradient_reading(why_tanh.gradient_through_time(1.1, "tanh"), 50)
        off = why_tanh.gradient_reading(why_tanh.gradient_through_time(0.9, "relu"), 50)
        flat = why_tanh.gradient_reading(why_tanh.gradient_through_time(1.0, "tanh"), 50)
        with pytest.raises(InputError, match="스펙트럼 반경"):
            why_tanh.gradient_through_time(3.0, "tanh")
    assert len({follows, below, off, flat}) == 4
    assert all(has_hangul(sentence) and "gradient" not in sentence for sentence in (follows, below, off))
    assert "따라갑니다" in follows and "올라갑니다" in follows
    assert "훨씬 아래로" in below and "포화" in below and "꺼져 있기" in off
    assert "반경이 1이면" in flat


def test_the_basics_labels_in_korean():
    with speaking("ko"):
        shapes = basics.rnn_shapes(batch_first=False, num_layers=2)
        step = basics.one_step(6, 2)
    assert [row["axes"] for row in shapes.rows] == ["(시간, 배치, 입력)", "(시간, 배치, 은닉)", "(층, 배치, 은닉)"]
    assert step.dimension_labels[4:] == ("미사용 5", "미사용 6")
    assert basics.one_step(6, 2).dimension_labels[4:] == ("unused 5", "unused 6")  # English again outside
