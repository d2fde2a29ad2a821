"""Which vectorised kernels PyTorch uses on this CPU, and which others this CPU can be told to use.

PyTorch picks its kernels per machine (``torch.backends.cpu.get_cpu_capability()``: AVX512, AVX2, DEFAULT on
x86-64), and its BLAS picks its own: float sums are ordered differently, so a seed near a tipping point can end on
the other side on another machine. ``ATEN_CPU_CAPABILITY`` forces a lower capability than the CPU's own, which is
how the tests (``make test``) and the README's figures (``make figures``) check a claim on more than one kind of
machine without another machine.

    python -m core.engine.cpu_kernels   # prints the capabilities below this CPU's own, for the Makefile
"""

from __future__ import annotations

import torch

# ATEN_CPU_CAPABILITY's values on x86-64, best first; other CPUs (arm64's SVE, POWER's VSX) fall back to "default".
X86_ORDER = ("avx512", "avx2", "default")
VARIABLE = "ATEN_CPU_CAPABILITY"


def capability_here() -> str:
    """What this process's PyTorch uses, as ATEN_CPU_CAPABILITY spells it ("avx512", "avx2", "default", …)."""
    return torch.backends.cpu.get_cpu_capability().lower().replace(" ", "_")


def capabilities_below(own: str) -> list[str]:
    """The capabilities this CPU can also be told to use: every one below its own (its own runs the ordinary way)."""
    own = own.lower()
    if own in X86_ORDER:
        return list(X86_ORDER[X86_ORDER.index(own) + 1 :])
    return [] if own == "default" else ["default"]


def capabilities_here() -> list[str]:
    """This CPU's own capability first, then every lower one it can be told to use."""
    own = capability_here()
    return [own, *capabilities_below(own)]


if __name__ == "__main__":
    print(" ".join(capabilities_below(capability_here())))
