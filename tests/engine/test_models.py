import pytest
import torch

from core.engine.cell_math import CellWeights, rnn_step
from core.engine.models import ModelConfig, SequenceModel, count_parameters
from core.words.errors import InputError


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("num_layers", [1, 2, 3, 4])
def test_shapes_for_every_cell_and_depth(cell, num_layers):
    config = ModelConfig(input_size=5, output_size=7, hidden_size=6, num_layers=num_layers, cell=cell)
    outputs, hidden = SequenceModel(config)(torch.randn(3, 9, 5))
    assert outputs.shape == (3, 9, 7)  # (batch, time, output)
    assert len(hidden) == num_layers
    assert all(h.shape == (3, 9, 6) for h in hidden)


def test_without_head_the_top_layer_is_the_logits():
    config = ModelConfig(input_size=5, output_size=5, hidden_size=2, num_layers=3, linear_head=False)
    model = SequenceModel(config)
    assert config.layer_sizes == [2, 2, 5]
    outputs, hidden = model(torch.randn(1, 6, 5))
    assert torch.equal(outputs, hidden[-1])


def test_stacked_single_layers_equal_torchs_multi_layer_module():
    torch.manual_seed(0)
    config = ModelConfig(input_size=4, output_size=3, hidden_size=5, num_layers=3, cell="gru")
    model = SequenceModel(config)
    fused = torch.nn.GRU(4, 5, num_layers=3, batch_first=True)
    with torch.no_grad():
        for layer_index, layer in enumerate(model.layers):
            for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                getattr(fused, f"{name}_l{layer_index}").copy_(getattr(layer, f"{name}_l0"))
    inputs = torch.randn(2, 7, 4)
    _, hidden = model(inputs)
    expected, _ = fused(inputs)
    assert torch.allclose(hidden[-1], expected, atol=1e-6)


def test_hidden_state_of_one_layer_rnn_equals_the_formula():
    torch.manual_seed(1)
    model = SequenceModel(ModelConfig(input_size=4, output_size=4, hidden_size=3))
    inputs = torch.randn(1, 5, 4)
    _, (hidden,) = model(inputs)
    layer = model.layers[0]
    h = torch.zeros(1, 3)
    for t in range(5):
        # h_t = tanh(W_xh x_t + b_ih + W_hh h_{t-1} + b_hh), written out once more here on purpose
        h = torch.tanh(
            inputs[:, t] @ layer.weight_ih_l0.T + layer.bias_ih_l0 + h @ layer.weight_hh_l0.T + layer.bias_hh_l0
        )
        assert torch.allclose(hidden[:, t], h, atol=1e-6)
        assert torch.allclose(
            rnn_step(inputs[:, t], hidden[:, t - 1] if t else torch.zeros(1, 3), CellWeights.of_layer(layer)).hidden,
            h,
            atol=1e-6,
        )


def test_forget_gate_bias_is_set_in_the_forget_block_only():
    model = SequenceModel(ModelConfig(input_size=3, output_size=2, hidden_size=4, cell="lstm", forget_gate_bias=3.0))
    layer = model.layers[0]
    total = (layer.bias_ih_l0 + layer.bias_hh_l0).detach()
    assert torch.allclose(total[4:8], torch.full((4,), 3.0))
    assert not torch.allclose(total[:4], torch.full((4,), 3.0))


def test_update_gate_bias_is_set_in_the_gru_update_block_only():
    model = SequenceModel(ModelConfig(input_size=3, output_size=2, hidden_size=4, cell="gru", update_gate_bias=2.0))
    layer = model.layers[0]
    total = (layer.bias_ih_l0 + layer.bias_hh_l0).detach()
    assert torch.allclose(total[4:8], torch.full((4,), 2.0))
    assert not torch.allclose(total[8:], torch.full((4,), 2.0))


def test_parameter_names_read_like_torch():
    model = SequenceModel(ModelConfig(input_size=3, output_size=2, hidden_size=4, num_layers=2))
    assert model.parameter_names() == [
        "weight_ih_l0",
        "weight_hh_l0",
        "bias_ih_l0",
        "bias_hh_l0",
        "weight_ih_l1",
        "weight_hh_l1",
        "bias_ih_l1",
        "bias_hh_l1",
        "head.weight",
        "head.bias",
    ]
    assert count_parameters(model) == (12 + 16 + 8) + (16 + 16 + 8) + (8 + 2)


@pytest.mark.parametrize(
    ("kwargs", "phrase"),
    [
        ({"cell": "transformer"}, "Unknown cell"),
        ({"nonlinearity": "sigmoid"}, "Unknown nonlinearity"),
        ({"hidden_size": 0}, "Hidden size"),
        ({"num_layers": 9}, "Depth"),
    ],
)
def test_invalid_configs_raise_input_error(kwargs, phrase):
    with pytest.raises(InputError, match=phrase):
        ModelConfig(input_size=3, output_size=3, **kwargs)
