"""What-if weights (core.engine.what_if): the copy differs in exactly the edited entries, the original is untouched
bit for bit, gate blocks land in torch's rows, a silenced unit is exactly gone, and bad edits are refused."""

import math

import pytest
import torch

from core.engine.cells import cell_entry
from core.engine.models import ModelConfig, SequenceModel
from core.engine.session import TrainingSession
from core.engine.settings import SequenceData, TrainConfig
from core.engine.what_if import (
    HELD_OUT,
    Edit,
    Silence,
    apply,
    before_after,
    describe,
    edit_text,
    editable_tensors,
    old_values,
    parse_edit,
    parse_target,
    recompute,
    scores_at,
    target_text,
    what_if,
)
from core.words.errors import InputError
from core.words.message import said
from tests.engine.helpers import build_model


def model(cell: str = "lstm", layers: int = 1, hidden: int = 5, head: bool = True) -> SequenceModel:
    config = ModelConfig(
        input_size=3, output_size=4, hidden_size=hidden, num_layers=layers, cell=cell, linear_head=head
    )
    return build_model(config, seed=0)


def as_bytes(weights: dict) -> dict[str, bytes]:
    return {key: tensor.detach().cpu().numpy().tobytes() for key, tensor in weights.items()}


def changed_entries(before: dict, after: dict) -> set[tuple[str, tuple[int, ...]]]:
    return {
        (key, tuple(int(i) for i in index))
        for key in before
        for index in torch.nonzero(before[key] != after[key], as_tuple=False)
    }


def test_blocks_cover_every_tensor_in_torch_order():
    weights = model("lstm", layers=2).state_dict()
    blocks = editable_tensors(weights, "lstm")
    for key in weights:
        mine = [b for b in blocks if b.key == key]
        assert sum(b.rows for b in mine) == weights[key].shape[0]
        assert [b.start for b in mine] == [sum(b.rows for b in mine[:i]) for i in range(len(mine))]
    gates = [b.gate for b in blocks if b.key == "layers.1.bias_hh_l0"]
    assert gates == ["input", "forget", "candidate", "output"]  # torch's i, f, g, o
    assert [b.gate for b in blocks if b.key == "layers.0.weight_hh_l0"] == ["input", "forget", "candidate", "output"]
    assert {b.symbol for b in blocks} == {"W_ih", "W_hh", "b_ih", "b_hh", "W_out", "b_out"}
    assert [b.gate for b in editable_tensors(model("gru").state_dict(), "gru") if b.name == "bias_ih_l0"] == [
        "reset",
        "update",
        "new",
    ]
    assert [b.gate for b in editable_tensors(model("rnn").state_dict(), "rnn") if b.name == "bias_ih_l0"] == [None]
    assert not any(b.key.startswith("head") for b in editable_tensors(model(head=False).state_dict(), "lstm"))


@pytest.mark.parametrize(
    "change, expected",
    [
        (Edit("bias_hh_l0", "forget", 2, None, 5.0), {("layers.0.bias_hh_l0", (5 + 2,))}),
        (Edit("weight_hh_l1", "candidate", 0, 3, 0.5), {("layers.1.weight_hh_l0", (10, 3))}),
        (Edit("weight_ih_l0", "output", None, 1, 0.25), {("layers.0.weight_ih_l0", (r, 1)) for r in range(15, 20)}),
        (Edit("head.bias", None, 3, None, 9.0), {("head.bias", (3,))}),
        (Edit("head.weight", None, 1, None, -2.0), {("head.weight", (1, c)) for c in range(5)}),
    ],
)
def test_the_copy_differs_in_exactly_the_edited_entries_and_the_original_is_untouched(change, expected):
    weights = model("lstm", layers=2).state_dict()
    before = as_bytes(weights)
    edited = apply(weights, "lstm", change)
    assert as_bytes(weights) == before  # bit for bit
    assert all(edited[k].data_ptr() != weights[k].data_ptr() for k in weights)  # a copy of every tensor
    assert changed_entries(weights, edited) == expected
    for key, index in expected:
        assert edited[key][index].item() == change.value


def test_the_forget_gate_bias_reaches_the_forget_gate_and_only_it():
    """Rows hidden…2·hidden of b_hh are the forget gate (torch's i, f, g, o): a large bias there opens that gate
    fully and leaves the input gate as it was."""
    net = model("lstm")
    weights = net.state_dict()
    session_model = model("lstm")
    inputs = torch.randn(2, 6, 3, generator=torch.Generator().manual_seed(1))
    targets = torch.randint(0, 4, (2,), generator=torch.Generator().manual_seed(2))
    before = session_model.probe(inputs, targets, "classify_last_step")
    for value, gate_value in ((100.0, 1.0), (-100.0, 0.0)):
        session_model.load_state_dict(apply(weights, "lstm", Edit("bias_hh_l0", "forget", None, None, value)))
        after = session_model.probe(inputs, targets, "classify_last_step")
        assert after.gates[0]["forget"] == pytest.approx(gate_value, abs=1e-6)
        assert after.gates[0]["input"][:, 0] == pytest.approx(before.gates[0]["input"][:, 0], abs=1e-6)
    one = apply(weights, "lstm", Edit("bias_ih_l0", "forget", 2, None, 100.0))
    session_model.load_state_dict(one)
    gates = session_model.probe(inputs, targets, "classify_last_step").gates[0]["forget"]
    assert gates[:, :, 2] == pytest.approx(1.0, abs=1e-6)
    assert not (gates[:, :, [0, 1, 3, 4]] > 1 - 1e-6).all()


@pytest.mark.parametrize("cell, layers, head", [("lstm", 1, True), ("rnn", 2, True), ("gru", 2, False)])
def test_a_silenced_unit_is_zero_at_every_step_and_the_network_computes_without_it(cell, layers, head):
    """Silencing unit 2 of layer 1 computes what a network one unit smaller computes (its rows and columns removed),
    and that unit's state is exactly 0 at every step."""
    net = model(cell, layers=layers, hidden=5, head=head)
    weights, unit = net.state_dict(), 2
    edited = apply(weights, cell, Silence(0, unit))
    inputs = torch.randn(3, 7, 3, generator=torch.Generator().manual_seed(3))
    net.load_state_dict(edited)
    outputs, hidden = net(inputs)
    assert torch.equal(hidden[0][:, :, unit], torch.zeros_like(hidden[0][:, :, unit]))
    # the same network without the unit: its rows in every gate block of layer 1, its column wherever it is read
    sizes = ModelConfig(3, 4, hidden_size=5, num_layers=layers, cell=cell, linear_head=head).layer_sizes
    smaller_sizes = [sizes[0] - 1, *sizes[1:]]
    smaller = SequenceModel(ModelConfig(3, 4, hidden_size=5, num_layers=layers, cell=cell, linear_head=head))
    smaller.layers[0] = cell_entry(cell).build(3, smaller_sizes[0])
    if layers > 1:
        smaller.layers[1] = cell_entry(cell).build(smaller_sizes[0], sizes[1])
    elif head:
        smaller.head = torch.nn.Linear(smaller_sizes[0], 4)
    keep_rows = [b * 5 + u for b in range(cell_entry(cell).blocks) for u in range(5) if u != unit]
    keep = [u for u in range(5) if u != unit]
    state = {}
    for key, tensor in weights.items():
        if key.startswith("layers.0."):
            tensor = tensor[keep_rows]
            if "weight_hh" in key:
                tensor = tensor[:, keep]
        elif key == "layers.1.weight_ih_l0" or (key == "head.weight" and layers == 1):
            tensor = tensor[:, keep]
        state[key] = tensor
    smaller.load_state_dict(state)
    expected, _ = smaller(inputs)
    torch.testing.assert_close(outputs, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    "change",
    [
        Edit("bias_hh_l0", "forget", 2, None, 5.0),
        Edit("weight_hh_l0", "candidate", None, 4, -0.5),
        Edit("head.weight", None, 0, None, 1e-5),
        Silence(1, 0),
    ],
)
def test_a_change_reads_back_from_its_text(change):
    assert parse_edit(edit_text(change)) == change
    assert parse_target(target_text("lstm", change)) == ("lstm", change)
    assert parse_target(target_text(None, change)) == (None, change)


def test_the_text_counts_from_one():
    assert edit_text(Edit("bias_hh_l0", "forget", 2, None, 5.0)) == "bias_hh_l0:forget:3:-:5"
    assert edit_text(Silence(0, 2)) == "silence:1:3"
    assert parse_edit("weight_hh_l0:-:all:2:0.5") == Edit("weight_hh_l0", None, None, 1, 0.5)


@pytest.mark.parametrize(
    "text",
    ["", "garbage", "silence:0:1", "silence:1", "bias_hh_l0:forget:0:-:1", "bias_hh_l0:forget:x:-:1",
     "bias_hh_l0:forget:1:-:nan", "bias_hh_l0:forget:1:-:inf", "bias_hh_l0:forget:1:-:1e9", "a:" * 500],
)  # fmt: skip
def test_a_text_of_another_form_is_refused_with_a_message(text):
    with pytest.raises(InputError) as refused:
        parse_target(text)
    assert str(refused.value)


@pytest.mark.parametrize(
    "change, words",
    [
        (Edit("bias_hh_l0", "forget", 5, None, 1.0), "Unit 6 does not exist here: choose 1 to 5."),
        (
            Edit("bias_hh_l0", "forgot", 0, None, 1.0),
            "has no block 'forgot': choose one of input, forget, candidate, output.",
        ),
        (Edit("bias_hh_l3", "forget", 0, None, 1.0), "no weight tensor 'bias_hh_l3'"),
        (Edit("bias_hh_l0", "forget", 0, 1, 1.0), "A bias has one value per unit"),
        (Edit("weight_ih_l0", "input", 0, 3, 1.0), "Column 4 does not exist here: choose 1 to 3."),
        (Edit("head.bias", None, 4, None, 1.0), "Output 5 does not exist here: choose 1 to 4."),
        (Edit("bias_hh_l0", "forget", 0, None, math.nan), "between -1000 and 1000"),
        (Edit("bias_hh_l0", "forget", 0, None, -math.inf), "between -1000 and 1000"),
        (Edit("bias_hh_l0", "forget", -1, None, 1.0), "Unit 0 does not exist here"),
        (Silence(1, 0), "Layer 2 does not exist here: choose 1 to 1."),
        (Silence(0, 5), "Unit 6 does not exist here: choose 1 to 5."),
    ],
)
def test_an_edit_that_does_not_fit_is_refused_and_nothing_changes(change, words):
    weights = model("lstm").state_dict()
    before = as_bytes(weights)
    with pytest.raises(InputError) as refused:
        apply(weights, "lstm", change)
    assert words in str(refused.value)
    assert as_bytes(weights) == before


def test_the_sentence_says_what_changed_and_flips_between_goes_and_stays():
    weights = model("lstm").state_dict()
    edit = Edit("bias_hh_l0", "forget", 2, None, 5.0)
    old = float(weights["layers.0.bias_hh_l0"][7])
    assert describe(weights, "lstm", edit).worded() == "forget gate bias b_hh of unit 3"
    goes = before_after(weights, "lstm", edit, 0.97, 0.41, said(HELD_OUT)).worded()
    assert goes == (
        f"With the LSTM's forget gate bias b_hh of unit 3 at 5 instead of {old:.3g}, "
        "held-out accuracy goes from 97% to 41%."
    )
    stays = before_after(weights, "lstm", edit, 0.97, 0.9701, said(HELD_OUT)).worded()
    assert stays.endswith("held-out accuracy stays at 97%.")
    silenced = before_after(weights, "lstm", Silence(0, 2), 0.5, 0.25, said(HELD_OUT)).worded()
    assert silenced == "With unit 3 of layer 1 of the LSTM silenced, held-out accuracy goes from 50% to 25%."
    every = before_after(weights, "lstm", Edit("bias_ih_l0", "forget", None, None, -3.0), 1.0, 0.1, said(HELD_OUT))
    low, high = (float(v) for v in weights["layers.0.bias_ih_l0"][5:10].aminmax())
    assert f"b_ih of every unit at -3 instead of {low:.3g}…{high:.3g}," in every.worded()
    two_layers = model("gru", layers=2).state_dict()
    assert (
        describe(two_layers, "gru", Edit("weight_hh_l1", "update", None, 1, 0.0)).worded()
        == "update gate weight W_hh[:, 2] in layer 2"
    )
    assert old_values(weights, "lstm", edit).item() == old


def session(cell: str = "lstm") -> TrainingSession:
    generator = torch.Generator().manual_seed(4)
    inputs = torch.randn(16, 6, 3, generator=generator)
    targets = torch.randint(0, 4, (16,), generator=generator)
    data = SequenceData(inputs, targets, "classify_last_step")
    config = ModelConfig(input_size=3, output_size=4, hidden_size=5, cell=cell)
    run = TrainingSession(lambda: SequenceModel(config), data, TrainConfig(epochs=5, learning_rate=0.05, seed=0))
    run.advance()
    return run


def test_recomputing_an_edited_copy_changes_what_it_computes_and_never_the_run():
    run = session()
    snapshot = run.history.snapshots[-1]
    run_state = run.state_dict()["tensors"]
    before = as_bytes(run_state)
    probe_before = snapshot.probe
    edit = Edit("bias_hh_l0", "forget", None, None, -20.0)
    result = what_if(
        run,
        snapshot.weights,
        edit,
        0.5,
        lambda weights: scores_at(run, weights, run.data.inputs, run.data.targets)[1],
        said(HELD_OUT),
    )
    assert as_bytes(run.state_dict()["tensors"]) == before
    assert result.probe.gates[0]["forget"] == pytest.approx(0.0, abs=1e-6)
    assert not (probe_before.gates[0]["forget"] < 1e-6).all()
    assert result.probe.hidden_gradient_norms.shape == probe_before.hidden_gradient_norms.shape
    # the copy's probe is what the same model loaded with the edited weights computes
    copy = model("lstm")
    copy.load_state_dict(result.weights)
    expected = copy.probe(*run.data.probe_batch, run.data.objective)
    assert result.probe.outputs == pytest.approx(expected.outputs, abs=1e-6)
    assert result.probe.hidden_gradient_norms == pytest.approx(expected.hidden_gradient_norms, rel=1e-5)
    assert recompute(run, snapshot.weights).outputs == pytest.approx(probe_before.outputs, abs=1e-6)
    logits, _ = copy(run.data.inputs)
    accuracy = (logits[:, -1].argmax(-1) == run.data.targets).float().mean().item()
    assert result.after == pytest.approx(accuracy)
