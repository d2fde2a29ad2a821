"""A cell is one entry (core.engine.cells): every entry agrees with torch and the probes, and a new one needs nothing
else: offered to the learner, it builds, trains, probes and writes its script; the comparison races RACING only."""

import ast
import dataclasses
from pathlib import Path

import plotly.graph_objects as go
import pytest
import torch

from core.charts.colour_ranges import gate_range, hidden_state_range
from core.charts.style import CELL_COLORS, PALETTE, cell_colour
from core.engine import cells
from core.engine.cell_math import CellWeights
from core.engine.models import ModelConfig, SequenceModel
from core.runs.code import network
from core.screens.rnn_vs_lstm_gru import figures as cf
from core.screens.rnn_vs_lstm_gru.comparison import ComparisonSettings, GapSweep, build_task, cell_models, compare
from core.screens.rnn_vs_lstm_gru.run_code import comparison_code
from core.screens.rnn_vs_lstm_gru.tasks import matched_hidden_sizes
from core.words.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
# A new cell as a teacher would add it: a GRU under another name, label and colour.
TOY = dataclasses.replace(cells.GRU, name="toy", label="Toy", colour="purple", try_next=("lstm",))


def probe_of(cell: str, keep_bias: float | None = None, hidden: int = 5):
    torch.manual_seed(0)
    config = ModelConfig(4, 3, hidden, cell=cell, forget_gate_bias=keep_bias, update_gate_bias=keep_bias)
    model = SequenceModel(config)
    inputs = torch.randn(2, 6, 4)  # (batch, time, input)
    return model, model.probe(inputs, torch.randint(0, 3, (2, 6)), "classify_each_step")


@pytest.mark.parametrize("entry", cells.known(), ids=lambda e: e.name)
def test_the_weight_layout_is_torchs(entry):
    module = entry.build(3, 5, "tanh")
    assert isinstance(module, entry.module)
    assert module.weight_ih_l0.shape == (entry.blocks * 5, 3)
    assert module.weight_hh_l0.shape == (entry.blocks * 5, 5)
    assert module.bias_ih_l0.shape == module.bias_hh_l0.shape == (entry.blocks * 5,)
    # the step formula over torch's packing gives torch's output
    inputs = torch.randn(2, 7, 3)
    expected, _ = module(inputs)
    steps = cells.unroll_layer(entry, inputs, CellWeights.of_layer(module))
    assert torch.allclose(torch.stack([s.hidden for s in steps], dim=1), expected, atol=1e-6)


@pytest.mark.parametrize("entry", cells.known(), ids=lambda e: e.name)
def test_the_gates_and_states_are_what_the_probes_read(entry):
    _, probe = probe_of(entry.name)
    assert tuple(probe.gates[0]) == entry.gate_names
    assert (probe.cell_states is not None) == ("c" in entry.states)
    assert (probe.cell_gradient_norms is not None) == ("c" in entry.states)
    for gate in entry.gates:
        low, high = gate_range(gate.name)
        assert low <= float(probe.gates[0][gate.name].min()) and float(probe.gates[0][gate.name].max()) <= high
        assert (low < 0) == gate.signed


@pytest.mark.parametrize("entry", [e for e in cells.known() if e.keep_gate], ids=lambda e: e.name)
def test_the_keep_gate_is_the_block_the_bias_opens(entry):
    """A large keep-gate bias written into the entry's block opens exactly the gate the entry names."""
    _, probe = probe_of(entry.name, keep_bias=40.0)
    assert float(probe.gates[0][entry.keep_gate].min()) > 0.999
    others = [g for g in entry.gate_names if g != entry.keep_gate]
    assert all(float(probe.gates[0][g].min()) < 0.999 for g in others)


def test_every_entry_has_a_colour_a_label_and_a_unique_name():
    entries = cells.known()
    assert len({e.name for e in entries}) == len({e.label for e in entries}) == len(entries)
    assert all(e.colour in PALETTE for e in entries)
    assert len({e.colour for e in entries}) == len(entries)
    assert dict(CELL_COLORS) == {e.name: PALETTE[e.colour] for e in entries}
    assert all(set(e.try_next) <= {c.name for c in entries} - {e.name} for e in entries)
    assert cells.CHOOSABLE is not cells.RACING  # two ideas, even with the same cells


def test_an_unknown_cell_is_refused_with_the_choices():
    with pytest.raises(InputError, match="choose one of rnn, lstm, gru"):
        ModelConfig(4, 3, cell="toy")


def test_a_new_choosable_cell_is_one_entry(monkeypatch, tmp_path):
    monkeypatch.setattr(cells, "CHOOSABLE", (*cells.CHOOSABLE, TOY))
    assert "toy" in cells.choosable_names() and cells.CELL_NAMES["toy"] == "Toy"
    assert cell_colour("toy") == CELL_COLORS["toy"] == PALETTE["purple"]
    assert hidden_state_range("toy", "relu") == (-1.0, 1.0)
    model, probe = probe_of("toy", keep_bias=5.0)
    assert isinstance(model.layers[0], torch.nn.GRU)
    assert tuple(probe.gates[0]) == ("reset", "update", "new") and probe.cell_states is None
    assert model.cost().multiply_adds > 0
    script = "\n".join(network(model.config))
    assert "nn.GRU(4, 5, batch_first=True)" in script and "the update gate starts open" in script
    # the comparison races RACING, untouched: three cells, three curves, three columns of numbers
    settings = ComparisonSettings(task="hihello", steps=2, match_parameters=True)
    task = build_task(settings)
    assert list(cell_models(settings, task)) == list(cells.racing_names()) == ["rnn", "lstm", "gru"]
    _, results = compare(settings)
    assert list(results) == ["rnn", "lstm", "gru"]
    curves = {c: ([1, 2], [1.0, 0.5]) for c in results}
    assert len(cf.per_cell_lines(curves, "t", "x", "y").data) == 3
    assert GapSweep(ComparisonSettings(steps=2), [5]).items == 3
    assert comparison_code(settings).script.count("batch_first=True") == 1  # one Net, built per racing cell


def test_a_new_racing_cell_races(monkeypatch):
    """Added to RACING too, it takes its place in every part of the race: sizes, sessions, curves, script, sweep."""
    monkeypatch.setattr(cells, "RACING", (*cells.RACING, TOY))
    sizes = matched_hidden_sizes(8, 5, 1, 5)
    assert list(sizes) == ["rnn", "lstm", "gru", "toy"] and sizes["toy"] == sizes["gru"]
    settings = ComparisonSettings(task="hihello", steps=2)
    _, results = compare(settings)
    assert list(results) == ["rnn", "lstm", "gru", "toy"]
    assert results["toy"].parameter_count == results["gru"].parameter_count
    fig = cf.per_cell_lines({c: ([1], [1.0]) for c in results}, "t", "x", "y")
    assert isinstance(fig, go.Figure) and [t.line.color for t in fig.data][-1] == PALETTE["purple"]
    script = comparison_code(settings).script
    assert '("Toy", nn.GRU,' in script and "GRU: update, Toy: update" in script
    assert GapSweep(ComparisonSettings(steps=2), [5]).items == 4


def imports_of(path: Path) -> set[str]:
    """The core modules ``path`` imports, at any level (under TYPE_CHECKING and inside functions too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("core"):
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("core"))
    return found


@pytest.mark.parametrize(
    "first, second",
    [
        ("core.engine.models", "core.engine.probes"),
        ("core.screens.hihello.limits", "core.screens.hihello.readings"),
        ("core.engine.cells", "core.engine.cell_math"),
        ("core.engine.cells", "core.engine.models"),
    ],
)
def test_no_import_cycle_between(first, second):
    def path(module: str) -> Path:
        return ROOT / (module.replace(".", "/") + ".py")

    both = [second in imports_of(path(first)), first in imports_of(path(second))]
    assert not all(both), f"{first} and {second} import each other"
