"""A saved run is data, checked whole before anything uses it (issue 24): the description (run.json) is measured
before it is parsed (its size, its depth, its counts against what its settings write, its numbers while parsed), the
weights (weights.pt) before they are loaded, every field against the schema, and only then does a session change.
Each refusal is a learner's message; none asserts a time: each asserts what was never done (parsed, loaded, changed)."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
import torch

import core.saving.file
from core.runs.state import MAX_LEARNING_RATE_CHANGES, check_saveable
from core.saving.description import MAX_JSON_DEPTH, MAX_RUN_JSON_BYTES, json_ceiling
from core.saving.file import (
    read_settings,
    restore,
    save_run,
)
from core.screens.hihello.settings import HiHelloSettings
from core.screens.rnn_vs_lstm_gru.comparison import ComparisonSettings
from core.words.errors import InputError
from tests.saving.helpers import build_sessions, load_run
from tests.saving.test_file import HIHELLO, LONGSEQ, edited, members, packed, trained


@pytest.fixture(scope="module")
def hihello_file():
    sessions, logs = trained(HIHELLO, 5)
    return save_run(HIHELLO, sessions, logs)


@pytest.fixture(scope="module")
def long_sequences_file():
    sessions, logs = trained(LONGSEQ, 2)
    return save_run(LONGSEQ, sessions, logs)


@pytest.fixture
def parsed(monkeypatch):
    """The lengths of the texts json.loads is given while the test runs (what the test parses to forge a file is
    cleared by ``refused``)."""
    lengths: list[int] = []
    real = json.loads

    def loads(text, *args, **kwargs):
        lengths.append(len(text))
        return real(text, *args, **kwargs)

    monkeypatch.setattr(core.saving.file.json, "loads", loads)
    return lengths


def with_text(data: bytes, text: str) -> bytes:
    parts = members(data)
    parts["run.json"] = text.encode()
    return packed(parts)


def in_session(data: bytes, field: str, text: str) -> bytes:
    """The file with one field of its session written as ``text`` (JSON that may be far from the format)."""
    run = json.loads(members(data)["run.json"])
    run["sessions"]["model"][field] = "@@HERE@@"
    return with_text(data, json.dumps(run).replace('"@@HERE@@"', text))


def refused(data: bytes, message: str, measured: list | None = None, **load) -> InputError:
    """The learner's message a file is refused with; ``measured`` (a list a fixture fills) is emptied first, so that it
    records only what loading the file did."""
    if measured is not None:
        measured.clear()
    with pytest.raises(InputError, match=message) as error:
        load_run(data, **load)
    assert "Traceback" not in str(error.value)
    return error.value


# -- the description measured before it is parsed ------------------------------------------------------------------
def test_a_description_unpacking_past_the_largest_any_run_writes_is_refused_unread(hihello_file, parsed):
    """The issue's file: a few hundred kB of zip whose run.json unpacks to more than the largest description any
    settings write ([{},{},...]). It is refused from the zip's directory: never unpacked, never parsed."""
    parts = members(hihello_file)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("run.json", "w") as member:  # written in pieces: the test never holds it whole either
            member.write(b"[")
            chunk = b"{}," * (2**20 // 3)
            for _ in range(MAX_RUN_JSON_BYTES // len(chunk) + 1):
                member.write(chunk)
            member.write(b"{}]")
        archive.writestr("weights.pt", parts["weights.pt"])
    assert len(out.getvalue()) < 2**20
    refused(
        out.getvalue(), f"unpacks to more than {round(MAX_RUN_JSON_BYTES / 2**20)} MB, far more than any run", parsed
    )
    assert parsed == []


def test_a_description_past_what_its_settings_write_is_refused_before_it_is_parsed(hihello_file, parsed):
    """A HiHello run of 40 epochs with 20,000 {} in its history (each a 64-byte dict once parsed): its outline (a few
    hundred characters) is parsed to learn the settings; the description itself never is."""
    forged = in_session(hihello_file, "records", "[" + "{}," * 20_000 + "{}]")
    refused(forged, "holds more than a run of its settings ever writes", parsed)
    assert parsed and max(parsed) < 5000


def test_a_forged_top_level_part_is_refused_before_it_is_parsed(hihello_file, parsed):
    """Outside the sessions, a description holds its own fields and the settings: a large extra part is refused."""
    run = json.loads(members(hihello_file)["run.json"])
    run["padding"] = [[]] * 5000
    refused(with_text(hihello_file, json.dumps(run)), "holds more than any run's description", parsed)
    assert parsed == []


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 10_000])
def test_a_description_nested_deeper_than_the_format_is_refused_before_it_is_parsed(hihello_file, parsed, depth):
    forged = in_session(hihello_file, "records", "[" * (depth - 3) + "]" * (depth - 3))  # run, sessions, model: 3
    refused(forged, "nested deeper than a run's description ever is", parsed)
    assert parsed and max(parsed) < 5000  # the outline only


def test_a_hundred_thousand_brackets_are_refused_without_a_recursion(hihello_file, parsed):
    forged = in_session(hihello_file, "records", "[" * 100_000 + "]" * 100_000)
    refused(forged, "more than any run's description", parsed)
    assert parsed == []


def test_an_unterminated_string_is_refused_as_unreadable_json(hihello_file):
    """A string left open is one token to the end (never tried again at each of its 50,000 escaped quotes)."""
    text = members(hihello_file)["run.json"].decode()
    refused(with_text(hihello_file, text[:-2] + '"' + 'a\\"' * 50_000), "not an RNN Lab run")
    refused(with_text(hihello_file, text[:-2] + '"' + 'a\\"' * 50), r"run\.json\) is not readable JSON")


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_a_number_that_is_not_finite_is_refused_while_parsing(hihello_file, literal):
    run = json.loads(members(hihello_file)["run.json"])
    run["sessions"]["model"]["seconds"] = 12345.5
    forged = with_text(hihello_file, json.dumps(run).replace("12345.5", literal))
    refused(forged, rf"holds a number that is not finite \({literal}\)")


def test_an_integer_setting_past_float_range_is_a_message_not_an_overflow(hihello_file):
    """The settings' checks convert to float (math.isfinite): a 400-digit epochs overflowed there, uncaught."""
    forged = edited(hihello_file, lambda run: run["settings"].update(epochs=10**400))
    refused(forged, "holds a number of 401 digits, far past any a run writes")


def test_more_floats_than_its_settings_write_stop_the_parse(hihello_file, parsed):
    """Floats are new objects, and the text's counts cannot tell them from small ints: the parser counts them and
    stops at the settings' ceiling. Here the counts pass and the parse itself refuses."""
    ceiling = json_ceiling(1, HIHELLO.epochs, len(HIHELLO.word))
    forged = edited(hihello_file, lambda run: run["sessions"]["model"].update(extra=[0.5] * (ceiling.floats + 1)))
    refused(forged, "holds more than a run of its settings ever writes", parsed)
    assert max(parsed) > 10_000  # the whole description went to the parser, which stopped


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("snapshot_epochs", json.dumps(list(range(200_000))), "holds more than a run of its settings ever writes"),
        ("snapshot_epochs", "[0, 1, 2, 3, 4, 5]", "the snapshot epochs do not follow the run's schedule"),
        ("snapshot_epochs", "[0.0, 1.0, 2.0, 3.0, 4.0, 5.0]", "the snapshot epochs do not follow the run's schedule"),
        ("learning_rate_changes", json.dumps([[0, 0, 0.1]] * 20_000), "holds more than a run of its settings ever"),
        ("learning_rate_changes", json.dumps([[0, 0, 0.1]] * 1001), "it has 1,001 learning-rate changes; a run keeps"),
        ("learning_rate_changes", "[[2, 4, 0.1]]", "a learning-rate change lies outside the run"),
        ("learning_rate_changes", "[[3, 3, 0.1], [2, 2, 0.1]]", "a learning-rate change lies outside the run"),
        ("learning_rate_changes", "[[2, 2, 1e308]]", r"a learning rate is out of its range \(1e\+308\)"),
        ("learning_rate_changes", "[[2, 2, 0]]", r"a learning rate is out of its range \(0\)"),
        ("stopped", '[3, "diverged", 10.0]', "the epoch the run stopped in does not follow its history"),
        ("stopped", '[7, "failed", null]', "the epoch the run stopped in does not follow its history"),
        ("stopped", '[6, "' + "(1)" * 1000 + '"]', "the reason the run stopped is unreadable"),
        ("first_loss", "null", "it has taken steps but has no first loss"),
        ("seconds", "1e300", r"the training time is out of its range \(1e\+300\)"),
        ("learning_rate", "1e308", r"a learning rate is out of its range \(1e\+308\)"),
        ("epoch", "5.0", r"The epoch must be a whole number from 0 to 40 \(got 5\.0\)"),
        ("epoch", "true", r"The epoch must be a whole number from 0 to 40 \(got True\)"),
    ],
)
def test_a_forged_session_field_is_refused_with_its_message(hihello_file, field, text, message):
    refused(in_session(hihello_file, field, text), message)


def record_field(name, value):
    def change(run):
        run["sessions"]["model"]["records"][2][name] = value

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (record_field("epoch", 3.0), "epoch 3 of the history is missing"),
        (record_field("learning_rate", 1e300), r"a learning rate is out of its range \(1e\+300\)"),
        (record_field("gradient_norms", {"weight_xx_l9": 0.1}), "epoch 3 name a parameter the model does not have"),
        (record_field("gradient_norms", {"weight_hh_l0": float("nan")}), "not finite"),
        (record_field("predictions", [[1.5, 2, 3, 4, 1, 2]]), "the predictions of epoch 3 are not whole numbers"),
        (record_field("predictions", [[True] * 6]), "the predictions of epoch 3 are not whole numbers"),
        (record_field("predictions", [[1, 2, 3]]), "the predictions of epoch 3 do not fit the task"),
        (
            record_field("predictions", [[1, 2, 3], [1, 2, 3, 4, 1, 2]]),
            "the predictions of epoch 3 do not fit the task",
        ),
    ],
    ids=["epoch 3.0", "rate 1e300", "unknown norm", "NaN norm", "float id", "bool ids", "short row", "ragged"],
)
def test_a_forged_record_is_refused_with_its_message(hihello_file, change, message):
    refused(edited(hihello_file, change), message)


def test_predictions_in_a_session_that_keeps_a_read_back_instead_are_refused(long_sequences_file):
    def change(run):
        run["sessions"]["model"]["records"][0]["predictions"] = [[0]]

    refused(edited(long_sequences_file, change), "the predictions of epoch 1 do not fit the task")


def test_a_read_back_of_the_wrong_length_or_for_a_screen_without_one_is_refused(hihello_file, long_sequences_file):
    def shorter(run):
        run["read_back"]["model"]["ids"][1] = run["read_back"]["model"]["ids"][1][:-1]

    refused(edited(long_sequences_file, shorter), "read back at each epoch is unreadable")
    refused(edited(hihello_file, lambda run: run.update(read_back={"model": {}})), "read back at each epoch")


def test_an_over_long_data_name_is_refused(hihello_file):
    refused(edited(hihello_file, lambda run: run.update(data="x" * 5000)), "not an RNN Lab run")


@pytest.mark.parametrize(
    ("settings", "values", "screen"),
    [
        (None, {"features": None}, "Time series"),
        (None, {"row_order": []}, "Time series"),
        (ComparisonSettings(), {"task": []}, "RNN vs LSTM/GRU"),
    ],
)
def test_a_setting_of_a_type_no_widget_gives_is_refused_with_a_message(hihello_file, settings, values, screen):
    def change(run):
        if settings is None:
            run["screen"] = "time_series"
            run["settings"] = {"target": "Value", "features": ["Value"], **values}
        else:
            run["screen"] = "rnn_vs_lstm_gru"
            run["settings"] = {**json.loads(json.dumps(vars(settings))), **values}

    refused(edited(hihello_file, change), f"settings are not the {screen} screen's settings")


# -- wrong types in every field -------------------------------------------------------------------------------------
WRONG = [None, "x", [], {}, 1.5, True, -1, 1e308, [[1]]]
SESSION_FIELDS = [
    "epoch",
    "steps_done",
    "learning_rate",
    "first_loss",
    "seconds",
    "records",
    "learning_rate_changes",
    "snapshot_epochs",
    "stopped",
]
RECORD_FIELDS = ["loss", "accuracy", "gradient_norms", "predictions", "validation_loss", "learning_rate"]
TOP_FIELDS = ["format_version", "screen", "settings", "sessions", "read_back", "data"]


def test_a_wrong_type_in_any_field_is_a_learners_message_or_harmless(hihello_file):
    """Every field, every wrong type: an InputError, or (where the format allows that value) a run that loads."""
    places = [("session", f) for f in SESSION_FIELDS] + [("record", f) for f in RECORD_FIELDS]
    for place, field in places + [("top", f) for f in TOP_FIELDS]:
        for value in WRONG:

            def change(run, place=place, field=field, value=value):
                if place == "session":
                    run["sessions"]["model"][field] = value
                elif place == "record":
                    run["sessions"]["model"]["records"][1][field] = value
                else:
                    run[field] = value

            try:
                load_run(edited(hihello_file, change))
            except InputError:
                continue
            harmless = (field, value) in [
                ("learning_rate", 1.5),  # a rate the screen may not offer: its page says so (ui.run_file_views)
                ("learning_rate", None),  # a record's rate: optional
                ("first_loss", 1.5),
                ("seconds", 1.5),
                ("learning_rate_changes", None),  # an older file, saved before the changes were kept
                ("learning_rate_changes", []),
                ("stopped", None),
                ("loss", 1.5),
                ("gradient_norms", {}),  # a parameter without a gradient has no norm
                ("validation_loss", None),  # measured every few epochs only
                ("validation_loss", 1.5),
                ("read_back", {}),  # HiHello keeps none
                ("data", "x"),  # HiHello trains on no table
            ]
            assert harmless, (field, value)


# -- the weights measured before they are loaded ---------------------------------------------------------------------
def with_weights(data: bytes, weights: bytes) -> bytes:
    parts = members(data)
    parts["weights.pt"] = weights
    return packed(parts)


@pytest.fixture
def forbid_loading(monkeypatch):
    """Call it once the forged file is made: from then on, torch.load fails the test."""

    def forbid() -> None:
        def load(*args, **kwargs):
            raise AssertionError("torch.load was called")

        monkeypatch.setattr(core.saving.file.torch, "load", load)

    return forbid


def test_weights_larger_than_the_settings_tensors_are_refused_before_loading(hihello_file, forbid_loading):
    tensors = torch.load(io.BytesIO(members(hihello_file)["weights.pt"]), weights_only=True)
    tensors["model/padding"] = torch.zeros(2**20)
    buffer = io.BytesIO()
    torch.save(tensors, buffer)
    forbid_loading()
    refused(with_weights(hihello_file, buffer.getvalue()), r"weights \(weights.pt\) are larger than the weights")


def test_a_large_pickle_is_refused_before_the_unpickler_runs(hihello_file, forbid_loading):
    buffer = io.BytesIO()
    torch.save({"model/current/x": [[]] * 20_000}, buffer)  # a small file, a long pickle
    forbid_loading()
    refused(with_weights(hihello_file, buffer.getvalue()), r"weights \(weights.pt\) are not readable")


def test_weights_in_the_legacy_format_or_compressed_are_refused_before_loading(hihello_file, forbid_loading):
    legacy = io.BytesIO()
    torch.save({"x": torch.zeros(3)}, legacy, _use_new_zipfile_serialization=False)
    compressed = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(members(hihello_file)["weights.pt"])) as inner,
        zipfile.ZipFile(compressed, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for name in inner.namelist():
            out.writestr(name, inner.read(name))
    forbid_loading()
    refused(with_weights(hihello_file, legacy.getvalue()), r"weights \(weights.pt\) are not readable")
    refused(with_weights(hihello_file, compressed.getvalue()), r"weights \(weights.pt\) are not readable")


def test_adams_step_count_must_be_the_runs(hihello_file):
    parts = members(hihello_file)
    tensors = torch.load(io.BytesIO(parts["weights.pt"]), weights_only=True)
    tensors["model/optimiser/0/step"] = torch.tensor(999.0)
    buffer = io.BytesIO()
    torch.save(tensors, buffer)
    refused(with_weights(hihello_file, buffer.getvalue()), "Adam's step count does not match the run's 5 steps")


def test_a_zip_with_a_member_twice_is_refused(hihello_file):
    parts = members(hihello_file)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive, pytest.warns(UserWarning):
        archive.writestr("run.json", parts["run.json"])
        archive.writestr("weights.pt", parts["weights.pt"])
        archive.writestr("run.json", parts["run.json"])
    refused(out.getvalue(), "not an RNN Lab run")


# -- nothing changes until everything is checked -----------------------------------------------------------------------
def state_of(sessions) -> dict:
    return {
        name: (
            session.epoch,
            session.steps_done,
            list(session.history.losses),
            len(session.history.snapshots),
            {k: v.clone() for k, v in session.model.state_dict().items()},
            session.shuffle_generator.get_state().clone(),
        )
        for name, session in sessions.items()
    }


def same(before: dict, after: dict) -> bool:
    for name, (epoch, steps, losses, snapshots, weights, generator) in before.items():
        other = after[name]
        if (epoch, steps, losses, snapshots) != other[:4] or not torch.equal(generator, other[5]):
            return False
        if not all(torch.equal(value, other[4][k]) for k, value in weights.items()):
            return False
    return True


def test_a_refusal_in_the_last_cell_of_a_comparison_leaves_every_session_as_it_was():
    """The three cells are read and checked before any changes: a forged GRU leaves the RNN and the LSTM untouched."""
    settings = ComparisonSettings(steps=12, gap=5, test_sequences=64)
    sessions, _logs = build_sessions(settings)
    for session in sessions.values():
        session.advance(epochs=6)
    data = save_run(settings, sessions)
    forged = edited(data, lambda run: run["sessions"]["gru"]["records"][3].update(loss=-1.0))
    run, _settings, weights = read_settings(forged, screen="rnn_vs_lstm_gru")
    target, _logs = build_sessions(settings)
    for session in target.values():
        session.advance(epochs=2)  # a run of its own, not the file's
    before = state_of(target)
    with pytest.raises(InputError, match="the loss of epoch 4 is out of its range"):
        restore(run, weights, target, {})
    assert same(before, state_of(target))


def test_a_refusal_of_the_tensors_leaves_the_session_as_it_was(hihello_file):
    parts = members(hihello_file)
    tensors = torch.load(io.BytesIO(parts["weights.pt"]), weights_only=True)
    tensors["model/shuffle_generator"] = torch.zeros_like(tensors["model/shuffle_generator"])
    buffer = io.BytesIO()
    torch.save(tensors, buffer)
    run, _settings, weights = read_settings(with_weights(hihello_file, buffer.getvalue()))
    target, logs = build_sessions(HIHELLO)
    target["model"].advance(epochs=2)
    before = state_of(target)
    with pytest.raises(InputError, match="generator that shuffles the examples is not valid"):
        restore(run, weights, target, logs)
    assert same(before, state_of(target))


def test_a_run_with_more_learning_rate_changes_than_a_file_keeps_is_refused_when_saved():
    sessions, _logs = build_sessions(HiHelloSettings(epochs=3))
    for index in range(MAX_LEARNING_RATE_CHANGES + 1):
        sessions["model"].set_learning_rate(0.1 if index % 2 else 0.03)
    with pytest.raises(InputError, match="changed its learning rate 1,001 times; a saved run keeps at most 1,000"):
        check_saveable(sessions)


def test_a_thousand_changes_while_paused_still_load_back():
    sessions, logs = build_sessions(HiHelloSettings(epochs=3))
    for index in range(MAX_LEARNING_RATE_CHANGES):
        sessions["model"].set_learning_rate(0.1 if index % 2 else 0.03)
    sessions["model"].advance(epochs=2)
    loaded = load_run(save_run(HiHelloSettings(epochs=3), sessions, logs))
    assert len(loaded.sessions["model"].history.learning_rate_changes) == MAX_LEARNING_RATE_CHANGES


def test_a_run_refused_when_it_is_built_never_has_its_sessions_parsed(hihello_file, parsed):
    """The budget (or anything else) refusing the run built from the settings: only the head was parsed."""

    def over_budget(settings):
        raise InputError("This run would take too long.")

    with pytest.raises(InputError, match="would take too long"):
        parsed.clear()
        load_run(hihello_file, build=over_budget)
    assert parsed and max(parsed) < len(members(hihello_file)["run.json"]) // 2


def test_a_refusal_holds_nothing_of_the_parse(hihello_file):
    """The page keeps a refusal while it words it in each language: its traceback ends in restore, whose frame no
    longer holds the parsed description (the sessions' checkers, deeper, are gone with theirs)."""
    import traceback

    run, _settings, saved = read_settings(edited(hihello_file, record_field("loss", -1.0)))
    sessions, logs = build_sessions(HIHELLO)
    with pytest.raises(InputError, match="the loss of epoch 3 is out of its range") as refusal:
        restore(run, saved, sessions, logs)
    frames = traceback.extract_tb(refusal.value.__traceback__)
    assert frames[-1].name == "restore" and refusal.value.__context__ is None
    last = refusal.value.__traceback__
    while last.tb_next is not None:
        last = last.tb_next
    held = last.tb_frame.f_locals.values()
    assert not any(isinstance(value, dict) and isinstance(value.get("sessions"), dict) for value in held)
