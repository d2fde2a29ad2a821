"""Seeding, threads and device choice: the few global switches of a training run."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

import torch

from core.words.errors import InputError
from core.words.i18n import N_

DEVICES = ("auto", "cpu", "cuda")


def use_one_thread() -> None:
    """One torch thread per training.

    Measured on a 2-core machine: a second thread gains nothing at these sizes, and when
    another session is busy it made a time-series run 4x slower.
    """
    if torch.get_num_threads() != 1:
        torch.set_num_threads(1)


T = TypeVar("T")
# torch's global generator seeds a model's initial weights (so the seed lab's seed gives the lab's
# weights); two models built at once in two threads of one server must not interleave there.
_BUILD_LOCK = threading.Lock()


def build_seeded(make: Callable[[], T], seed: int) -> T:
    """Seed first, then build: the same seed gives the same initial weights as the seed lab's code. Only torch's
    generator is seeded: initial weights come from it alone (data and shuffling have generators of their own)."""
    with _BUILD_LOCK:
        torch.manual_seed(int(seed))
        return make()


def device_here(device: str) -> bool:
    """Whether this machine has ``device``: ``auto`` and ``cpu`` always; ``cuda`` and ``mps`` only where torch finds
    one (a link made on a GPU machine names a device that another machine may lack)."""
    if device in ("auto", "cpu"):
        return True
    if device == "cuda":
        return torch.cuda.is_available()
    if device == "mps":
        return torch.backends.mps.is_available()
    return False


def resolve_device(device: str = "auto", workload: int = 0, gpu_worth_it_from: int = 200_000) -> torch.device:
    """Pick where to train.

    ``workload`` is a rough count of scalar steps per epoch (windows x time x hidden).
    ``auto`` takes CUDA only when there is one *and* the run is large enough to gain:
    small runs are dominated by kernel-launch latency and are as fast on one CPU thread.
    """
    if device not in DEVICES:
        raise InputError(
            N_("Unknown device '{device}': choose one of {choices}."), device=device, choices=", ".join(DEVICES)
        )
    if device == "cuda":
        if not torch.cuda.is_available():
            raise InputError(N_("This machine has no CUDA GPU: choose 'auto' or 'cpu'."))
        return torch.device("cuda")
    if device == "auto" and torch.cuda.is_available() and workload >= gpu_worth_it_from:
        return torch.device("cuda")
    return torch.device("cpu")
