"""Which CPU capabilities the tests and the figures run under besides the machine's own."""

import os
import subprocess
import sys

import pytest

from core.engine.cpu_kernels import VARIABLE, capabilities_below, capabilities_here, capability_here
from tests.conftest import ROOT


@pytest.mark.parametrize(
    ("own", "below"),
    [("AVX512", ["avx2", "default"]), ("avx2", ["default"]), ("DEFAULT", []), ("SVE256", ["default"])],
)
def test_every_lower_capability_and_only_those(own, below):
    assert capabilities_below(own) == below


def test_this_process_lists_its_own_capability_first():
    assert capabilities_here()[0] == capability_here()


def test_a_forced_capability_is_the_one_torch_uses():
    """The reruns of `make test` are only worth something if torch really switches its kernels."""
    lowest = capabilities_here()[-1]
    env = {**os.environ, VARIABLE: lowest}
    said = subprocess.run(
        [sys.executable, "-c", "from core.engine.cpu_kernels import capability_here; print(capability_here())"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert said.stdout.strip() == lowest
