"""The window ceiling on real runs, and its advice followed: the lab's sentence at window 2 over seeds 0-9 is held by
the window (within two characters of the 136 of 179 any model can reach), the advice names the window and nothing
else, and rerunning at the window it names raises the read-back on every seed.

Measured with torch 2.13.0 under AVX512 (characters of 179 read back right, seeds 0-9):
  window 2: 135, 136, 135, 135, 136, 135, 136, 135, 135, 136   (ceiling 136)
  window 3: 162, 163, 162, 162, 162, 162, 162, 163, 162, 163   (ceiling 163)
  window 8: 179, 178, 168, 111, 179, 178, 165, 178, 178, 175   (ceiling 179; seed 3 gets stuck, as at window 10)
The assertions are properties with margins (Long sequences training rounds differently per CPU capability); the
ceilings themselves are counting. About 20 s of training on this machine: slow tier."""

import pytest

from core.engine.settings import learning_rates
from core.screens.long_sequences.read_back_ceiling import window_limits
from core.screens.long_sequences.readings import advice
from core.screens.long_sequences.settings import LongSequenceSettings
from core.screens.long_sequences.windows import read_back_session

pytestmark = [pytest.mark.slow, pytest.mark.seeds]

SEEDS = range(10)
RATES = learning_rates(0.001, 1.0)
RISE = 15  # characters gained at window 3 at least (measured: 26-28)


def run(sequence_length: int, seed: int):
    settings = LongSequenceSettings(sequence_length=sequence_length, seed=seed)
    task = settings.task()
    model_config = settings.model_config(task)
    session, log = read_back_session(task, model_config, settings.train_config())
    session.advance()
    limits = window_limits(task)
    right = round(log.accuracy[-1] * limits.current.total)
    said = advice(settings, model_config.hidden_size, session.history.losses, log.accuracy[-1], 0.1, RATES, True,
                  limits=limits)  # fmt: skip
    return right, limits, said


@pytest.fixture(scope="module")
def runs():
    return {length: {seed: run(length, seed) for seed in SEEDS} for length in (2, 3, 8)}


@pytest.mark.parametrize("seed", SEEDS)
def test_at_window_2_the_window_holds_the_read_back_and_the_advice_names_it(runs, seed):
    right, limits, said = runs[2][seed]
    assert limits.current.right == 136 and limits.current.total == 179
    assert 134 <= right <= 136, right  # never above the ceiling; within two characters of it
    assert said.tone == "info"
    assert "With windows of 2 characters no model can read back more than 76.0% of this text" in said.text
    assert "91.1% at 3 characters" in said.text and said.text.endswith(
        "Set the sequence length to 3 or more and press Reset."
    )
    assert "Try" not in said.text  # another seed, a larger network, another cell: none can gain more than 2


@pytest.mark.parametrize("seed", SEEDS)
def test_following_the_advice_raises_the_read_back(runs, seed):
    """The advice's window (3), same seed: the read-back rises well above anything window 2 allows, to within two
    characters of the new ceiling, where the advice names the next window again."""
    before, _, _ = runs[2][seed]
    after, limits, said = runs[3][seed]
    assert after >= before + RISE and after > 136, (before, after)
    assert limits.current.right - 2 <= after <= limits.current.right == 163
    assert said.text.endswith("Set the sequence length to 4 or more and press Reset.") or said.tone == "success"


def test_the_window_that_allows_every_character_reads_back_more_on_most_seeds(runs):
    """'Or more': at 8, where every character can be read back, most seeds pass what window 2 allows (measured: 9 of
    10; a stuck seed gets the usual advice, not the window's)."""
    rights = [runs[8][seed][0] for seed in SEEDS]
    assert sum(right > 136 for right in rights) >= 7, rights
    for seed in SEEDS:
        _right, limits, said = runs[8][seed]
        assert limits.current.complete and "Set the sequence length" not in said.text, said.text
