"""A saved run names the machine it trained on (PyTorch's CPU capability and version): an older file without them
loads, a forged value is unknown, and a run from another machine is said to be one."""

from __future__ import annotations

import json

import pytest
import torch

from core.saving.file import Machine, machine_of, save_run, this_machine
from core.words.i18n import speaking
from tests.saving.helpers import load_run
from tests.saving.test_file import HIHELLO, edited, members, trained
from ui.run_file_views import machine_words


@pytest.fixture(scope="module")
def saved():
    sessions, logs = trained(HIHELLO, 3)
    return save_run(HIHELLO, sessions, logs)


def test_a_saved_run_holds_the_capability_and_the_torch_version_it_trained_on(saved):
    run = json.loads(members(saved)["run.json"])
    assert run["cpu_capability"] == torch.backends.cpu.get_cpu_capability()
    assert run["torch_version"] == str(torch.__version__)
    assert load_run(saved).machine == this_machine() == Machine(run["cpu_capability"], run["torch_version"])


def test_an_older_file_without_them_loads_and_its_machine_is_unknown(saved):
    older = edited(saved, lambda run: [run.pop("cpu_capability"), run.pop("torch_version")])
    loaded = load_run(older)
    assert loaded.machine == Machine("", "") and loaded.sessions["model"].epoch == 3
    assert machine_words(loaded.machine, this_machine()) is None  # nothing is claimed about an unknown machine


FORGED = [
    None,
    3,
    2.5,
    True,
    ["AVX2"],
    {"a": 1},
    "",
    "A" * 41,
    "x" * 50_000,  # three of them fit in a description's own fields (a larger one is refused: test_run_file_limits)
    "AVX2\n",
    "AV X2",
    "-AVX2",
    "<b>AVX2</b>",
    "AVX2`**",
    "AVX2\u00e9",
    "\x00",
]


@pytest.mark.parametrize("value", FORGED, ids=range(len(FORGED)))
def test_a_forged_capability_or_version_is_unknown_and_the_run_still_loads(saved, value):
    forged = edited(saved, lambda run: run.update(cpu_capability=value, torch_version=value, app_version=value))
    loaded = load_run(forged)
    assert loaded.machine == Machine("", "") and loaded.app_version == ""
    assert loaded.sessions["model"].epoch == 3


def test_what_a_label_may_be():
    assert machine_of({"cpu_capability": "AVX512", "torch_version": "2.5.1+cu121"}) == Machine("AVX512", "2.5.1+cu121")
    assert machine_of({"cpu_capability": "A" * 40}).capability == "A" * 40
    assert machine_of({}) == Machine() and machine_of({"torch_version": 2.5}) == Machine()


def test_a_run_from_another_capability_or_torch_version_is_said_to_be_one_in_both_languages():
    here = Machine("AVX512", "2.5.1+cpu")
    assert machine_words(here, here) is None
    assert machine_words(Machine("", "2.5.1+cpu"), here) is None  # unknown capability, same version
    words = machine_words(Machine("AVX2", "2.5.1+cpu"), here)
    assert words.startswith("This run was trained on a machine whose PyTorch used `AVX2` kernels; this server uses")
    assert "`AVX512`" in words and "drift slightly" in words
    version = machine_words(Machine("AVX512", "2.4.0"), here)
    assert "PyTorch `2.4.0`; this server runs PyTorch `2.5.1+cpu`" in version and "kernels" not in version
    both = machine_words(Machine("DEFAULT", "2.4.0"), here)
    assert "`2.4.0` used `DEFAULT` kernels" in both and "`2.5.1+cpu` with `AVX512` kernels" in both
    with speaking("ko"):
        korean = machine_words(Machine("AVX2", "2.5.1+cpu"), here)
    assert "`AVX2` 커널" in korean and "`AVX512`" in korean and "반올림" in korean and "곡선" in korean


def test_a_newer_format_names_its_app_version_only_when_it_is_a_label(saved):
    from core.saving.file import FORMAT_VERSION
    from core.words.errors import InputError

    forged = edited(saved, lambda run: run.update(format_version=FORMAT_VERSION + 1, app_version="<script>" * 10_000))
    with pytest.raises(InputError, match=r"comes from version \?\)") as refused:
        load_run(forged)
    assert len(str(refused.value)) < 400
