"""Forged run files, each made from a real saved run: every one is refused with a learner's message (an InputError),
never an exception from deep inside, and never accepted only to break the page when it is drawn."""

from __future__ import annotations

import io
import json
import struct

import pytest
import torch

from core.saving.file import save_run
from core.words.errors import InputError
from core.words.i18n import speaking
from tests.saving.helpers import load_run
from tests.saving.test_file import HIHELLO, LONGSEQ, edited, members, packed, trained


@pytest.fixture(scope="module")
def hihello_file():
    sessions, logs = trained(HIHELLO, 5)
    return save_run(HIHELLO, sessions, logs)


def with_tensors(data: bytes, change) -> bytes:
    """The file with its weights.pt rewritten by ``change(tensors)``."""
    parts = members(data)
    tensors = torch.load(io.BytesIO(parts["weights.pt"]), weights_only=True)
    change(tensors)
    weights = io.BytesIO()
    torch.save(tensors, weights)
    parts["weights.pt"] = weights.getvalue()
    return packed(parts)


def a_weight(tensors: dict) -> str:
    return next(name for name in tensors if name.startswith("model/current/"))


def encrypted(data: bytes) -> bytes:
    """The zip with the "encrypted" flag set on every member, in the local headers and the central directory."""
    raw = bytearray(data)
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = raw.find(signature)
        while start != -1:
            (flags,) = struct.unpack_from("<H", raw, start + flag_offset)
            struct.pack_into("<H", raw, start + flag_offset, flags | 0x1)
            start = raw.find(signature, start + 4)
    return bytes(raw)


def with_json(data: bytes, text: str) -> bytes:
    parts = members(data)
    parts["run.json"] = text.encode()
    return packed(parts)


def set_record(field: str, value):
    def change(run):
        run["sessions"]["model"]["records"][2][field] = value

    return change


def set_prediction(value: int):
    def change(run):
        run["sessions"]["model"]["records"][2]["predictions"][0][0] = value

    return change


def set_screen(value):
    def change(run):
        run["screen"] = value

    return change


def set_generator(make):
    def change(tensors):
        name = "model/shuffle_generator"
        tensors[name] = make(tensors[name])

    return change


def random_bytes(state):
    return torch.randint(0, 256, state.shape, dtype=torch.uint8, generator=torch.Generator().manual_seed(3))


def sparse_weight(tensors):
    name = a_weight(tensors)
    tensors[name] = tensors[name].to_sparse()


def meta_weight(tensors):
    name = a_weight(tensors)
    tensors[name] = torch.empty(tensors[name].shape, dtype=tensors[name].dtype, device="meta")


def huge_integer(data: bytes) -> bytes:
    run = json.loads(members(data)["run.json"])
    text = json.dumps(run).replace('"seconds": ', '"seconds": ' + "9" * 5000 + ', "was": ', 1)
    return with_json(data, text)


# (forge the file, the message it gets): each message is the learner's, never a Python exception's.
FORGED = {
    "screen is a list": (
        lambda d: edited(d, set_screen(["hihello"])),
        r"screen this app does not know \(\['hihello'\]\)",
    ),
    "screen is a table": (lambda d: edited(d, set_screen({"a": 1})), r"screen this app does not know \(\{'a': 1\}\)"),
    "generator state of zeros": (
        lambda d: with_tensors(d, set_generator(torch.zeros_like)),
        "generator that shuffles the examples is not valid",
    ),
    "generator state of random bytes": (
        lambda d: with_tensors(d, set_generator(random_bytes)),
        "generator that shuffles the examples is not valid",
    ),
    "sparse weight": (lambda d: with_tensors(d, sparse_weight), "is not a plain tensor of numbers"),
    "weight on the meta device": (lambda d: with_tensors(d, meta_weight), "is not a plain tensor of numbers"),
    "encrypted zip": (encrypted, "not a readable zip file"),
    "5,000-digit integer": (huge_integer, r"run\.json\) holds a number of 5,000 digits"),
    "prediction id 99": (lambda d: edited(d, set_prediction(99)), "predictions of epoch 3 name classes outside"),
    "prediction id -3": (lambda d: edited(d, set_prediction(-3)), "predictions of epoch 3 name classes outside"),
    "accuracy of 1e300": (lambda d: edited(d, set_record("accuracy", 1e300)), r"an accuracy is out of its range"),
    "negative accuracy": (lambda d: edited(d, set_record("accuracy", -0.5)), r"an accuracy is out of its range"),
    "loss of 1e308": (lambda d: edited(d, set_record("loss", 1e308)), "the loss of epoch 3 is out of its range"),
    "negative loss": (lambda d: edited(d, set_record("loss", -1.0)), "the loss of epoch 3 is out of its range"),
    "validation accuracy of 2": (
        lambda d: edited(d, set_record("validation_accuracy", 2.0)),
        "a validation accuracy is out of its range",
    ),
}


@pytest.mark.parametrize(("forge", "message"), FORGED.values(), ids=FORGED.keys())
def test_a_forged_file_is_refused_with_a_message(hihello_file, forge, message):
    forged = forge(hihello_file)
    with pytest.raises(InputError, match=message) as refused:
        load_run(forged)
    assert "Traceback" not in str(refused.value) and "mt19937" not in str(refused.value)


def test_the_message_is_in_the_learners_language(hihello_file):
    """The refusal keeps its message (source and values): it is worded where it is shown, in that moment's language,
    whatever the language it was raised in."""
    with speaking("ko"), pytest.raises(InputError) as refused:
        load_run(edited(hihello_file, set_record("loss", 1e308)))
    with speaking("ko"):
        korean = str(refused.value)
    assert "1e+308" in korean and not korean.isascii()
    english = str(refused.value)
    assert english.startswith("This run's file is damaged or was edited: the loss of epoch 3 is out of its range")


def test_the_real_file_still_loads(hihello_file):
    assert load_run(hihello_file).sessions["model"].epoch == 5


@pytest.fixture(scope="module")
def long_sequences_file():
    sessions, logs = trained(LONGSEQ, 2)
    return save_run(LONGSEQ, sessions, logs)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("ids", -3, "read back at each epoch is unreadable"),
        ("ids", 10**6, "read back at each epoch is unreadable"),
        ("ids", 2.0, "read back at each epoch is unreadable"),
        ("position_accuracy", 7.0, "read back at each epoch is unreadable"),
        ("accuracy", 1e300, r"a read-back accuracy is out of its range \(1e\+300\)"),
    ],
    ids=["id -3", "id 10**6", "id 2.0", "position accuracy 7", "accuracy 1e300"],
)
def test_a_forged_read_back_is_refused(long_sequences_file, field, value, message):
    def change(run):
        entry = run["read_back"]["model"][field]
        if field == "accuracy":
            entry[0] = value
        else:
            entry[0][0] = value

    with pytest.raises(InputError, match=message):
        load_run(edited(long_sequences_file, change))
    assert load_run(long_sequences_file).read_back["model"].epochs == [1, 2]
