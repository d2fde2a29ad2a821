import numpy as np
import pytest
import torch

from core.engine.budget import Budget
from core.engine.models import ModelConfig, SequenceModel
from core.engine.probes import probe_indices
from core.engine.session import TrainingSession
from core.engine.settings import TrainConfig, snapshot_every
from core.reading.text import Vocabulary
from core.screens.long_sequences.settings import LongSequenceSettings
from core.screens.long_sequences.windows import (
    SEED_SENTENCE,
    accuracy_per_position,
    assemble,
    character_accuracy,
    generate,
    marked_lines,
    read_back,
    read_back_session,
    sliding_windows,
    unit_activations,
)
from core.words.errors import InputError
from core.words.i18n import speaking

KOREAN = "나는 한국에서 자랐고 나는 한국어를 유창하게 한다"


def untrained_model(task, hidden=6, layers=2, cell="rnn", seed=0):
    torch.manual_seed(seed)
    size = task.vocabulary.size
    return SequenceModel(ModelConfig(size, size, hidden_size=hidden, num_layers=layers, cell=cell))


def test_windows_of_the_seed_lab():
    task = sliding_windows(SEED_SENTENCE, 10)
    assert (len(SEED_SENTENCE), task.vocabulary.size, task.windows) == (180, 25, 170)
    assert task.window(0) == ("if you wan", "f you want")
    assert task.window(169) == (SEED_SENTENCE[169:179], SEED_SENTENCE[170:180])
    assert task.inputs.shape == (170, 10, 25)  # (windows, time, vocabulary)
    assert task.targets.shape == (170, 10)
    assert np.array_equal(task.input_ids[1:, :-1], task.input_ids[:-1, 1:])  # each window slides by one
    assert np.array_equal(task.target_ids[:, :-1], task.input_ids[:, 1:])  # target = input shifted by one


@pytest.mark.parametrize(("text", "length"), [(SEED_SENTENCE, 10), ("hello world", 3), (KOREAN, 5), ("abc", 2)])
def test_reading_back_the_targets_gives_the_text(text, length):
    task = sliding_windows(text, length)
    assert read_back(task, task.target_ids) == text[1:] == task.target_text
    assert task.vocabulary.decode(assemble(task.input_ids)) == text[:-1]


def test_assemble_takes_the_first_window_then_each_last_step():
    per_window = np.arange(12).reshape(4, 3)  # (windows, time)
    assert assemble(per_window).tolist() == [0, 1, 2, 5, 8, 11]
    assert assemble(np.zeros((4, 3, 7))).shape == (6, 7)  # extra axes (hidden units) ride along


def test_accuracies():
    targets = np.array([[1, 2, 3], [2, 3, 4]])
    predictions = np.array([[0, 2, 3], [2, 0, 4]])
    assert accuracy_per_position(predictions, targets).tolist() == [0.5, 0.5, 1.0]
    assert character_accuracy([1, 2, 3, 4], [1, 2, 0, 4]) == 0.75


@pytest.mark.parametrize(
    ("text", "length", "phrase"),
    [
        ("short", 10, "needs at least 11"),
        ("짧은 글", 5, "needs at least 6"),
        ("", 10, "empty"),
        ("x" * 1001, 10, "limit is 1000"),
        (SEED_SENTENCE, 1, "between 2 and 50"),
        (SEED_SENTENCE, 51, "between 2 and 50"),
    ],
)
def test_errors_speak_to_the_learner(text, length, phrase):
    with pytest.raises(InputError, match=phrase):
        sliding_windows(text, length)


def test_errors_speak_korean_too():
    with speaking("ko"):
        with pytest.raises(InputError) as short:
            sliding_windows("짧은 글", 5)
        with pytest.raises(InputError) as length:
            sliding_windows(SEED_SENTENCE, 51)
        with pytest.raises(InputError) as prompt:
            generate(untrained_model(sliding_windows(SEED_SENTENCE, 10)), Vocabulary.from_text("ab"), "", 5)
        # an error is worded where it is shown (core.words.message), here on the Korean page it was raised on
        assert "최소 6자" in str(short.value) and "시퀀스 길이" in str(short.value)
        assert "2~50자" in str(length.value) and "51" in str(length.value)
        assert "프롬프트" in str(prompt.value)


def test_probe_windows_all_when_small_evenly_spaced_when_large():
    task = sliding_windows(SEED_SENTENCE, 10)
    config = ModelConfig(25, 25, hidden_size=25, num_layers=2)
    assert probe_indices(task.windows, task.sequence_length, config).tolist() == list(range(170))
    big = sliding_windows((SEED_SENTENCE * 6)[:1000], 50)
    chosen = probe_indices(
        big.windows, big.sequence_length, ModelConfig(25, 25, hidden_size=64, num_layers=2, cell="lstm")
    )
    assert 1 < len(chosen) < big.windows
    assert chosen[0] == 0 and chosen[-1] == big.windows - 1 and np.all(np.diff(chosen) > 0)
    # The largest model keeps at least one window, whatever the budget.
    assert probe_indices(
        big.windows, big.sequence_length, ModelConfig(25, 25, hidden_size=512, num_layers=4, cell="lstm")
    ).tolist() == [0]


def test_runs_too_big_for_the_shared_server_are_refused_before_training():
    seed_lab = LongSequenceSettings()
    task = seed_lab.task()
    session = TrainingSession(lambda: SequenceModel(seed_lab.model_config(task)), task.data(), seed_lab.train_config())
    assert session.check_budget(Budget()).seconds < 5
    huge = LongSequenceSettings(
        text=(SEED_SENTENCE * 6)[:1000],
        sequence_length=50,
        hidden_is_vocabulary=False,
        hidden_size=256,
        num_layers=4,
        cell="lstm",
        epochs=1000,
    )
    task, model = huge.task(), huge.model_config(huge.task())
    session = TrainingSession(
        lambda: SequenceModel(model),
        task.data(probe_indices(task.windows, task.sequence_length, model)),
        huge.train_config(),
    )
    with pytest.raises(InputError, match="Set Epochs to at most"):
        session.check_budget(Budget())


def test_train_windows_logs_the_read_back_and_drops_full_predictions():
    task = sliding_windows("hello world, hello there", 4)
    model = ModelConfig(task.vocabulary.size, task.vocabulary.size, hidden_size=8, num_layers=2)
    session, log = read_back_session(
        task, model, TrainConfig(epochs=12, snapshot_every=snapshot_every(12), batch_size=5)
    )
    session.advance()
    history = session.history
    assert log.epochs == list(range(1, 13)) == [r.epoch for r in history.records]
    assert all(r.predictions is None for r in history.records)
    assert log.ids[-1].shape == (len(task.text) - 1,)
    assert np.stack(log.position_accuracy).shape == (12, 4)
    assert len(log.text_at(task, 12)) == len(task.target_text)
    assert history.snapshots[-1].probe.hidden[0].shape == (task.windows, 4, 8)  # every window probed


def test_unit_activations_follow_the_read_back_positions():
    task = sliding_windows("abcabdabe", 3)
    model = untrained_model(task)
    activations = unit_activations(model, task, layer=1)
    assert activations.shape == (len(task.text) - 1, 6)
    _, hidden = model(task.inputs)
    assert np.allclose(activations[:3], hidden[1][0].detach().numpy())  # first window whole
    assert np.allclose(activations[-1], hidden[1][-1, -1].detach().numpy())  # then each window's last step


def test_greedy_generation_is_deterministic_and_takes_the_argmax():
    task = sliding_windows(SEED_SENTENCE, 10)
    model = untrained_model(task, hidden=25)
    first = generate(model, task.vocabulary, "if you", 40, temperature=0, seed=1, context=10)
    second = generate(model, task.vocabulary, "if you", 40, temperature=0, seed=2, context=10)
    assert first.generated == second.generated and len(first.generated) == 40
    outputs, _ = model(task.vocabulary.one_hot([task.vocabulary.encode("if you")]))
    assert first.generated[0] == task.vocabulary.characters[int(outputs[0, -1].argmax())]
    assert np.all((first.confidence > 0) & (first.confidence <= 1))


def test_sampling_is_seeded():
    task = sliding_windows(SEED_SENTENCE, 10)
    model = untrained_model(task, hidden=25)
    sample = [
        generate(model, task.vocabulary, "the", 60, temperature=1.5, seed=s, context=10).generated for s in (3, 3, 4)
    ]
    assert sample[0] == sample[1] != sample[2]


@pytest.mark.parametrize(
    ("prompt", "length", "temperature", "phrase"),
    [
        ("xyz", 10, 0.0, "prompt can only use"),
        ("", 10, 0.0, "empty"),
        ("the", 0, 0.0, "between 1"),
        ("the", 5, -1, "temperature"),
    ],
)
def test_generation_errors(prompt, length, temperature, phrase):
    task = sliding_windows(SEED_SENTENCE, 10)
    with pytest.raises(InputError, match=phrase):
        generate(untrained_model(task), task.vocabulary, prompt, length, temperature)


def test_marked_lines_put_a_caret_under_wrong_characters():
    assert marked_lines("abcd", "abxd") == "abcd\n  ^"
    assert marked_lines("abcd", "abcd") == "abcd"
    assert marked_lines("가나다", "가나라") == "가나다\n    ^^"  # Korean takes two monospace columns
    assert marked_lines("ab\ncd", "ab\ncx", width=3) == "ab⏎\ncd\n ^"


@pytest.mark.seeds
@pytest.mark.slow
def test_the_seed_lab_reads_the_sentence_back_with_95_percent_accuracy():
    # The screen's defaults: 2-layer RNN, hidden = vocabulary size (25), Adam 0.1, 100 epochs, full batch, seed 0.
    # Measured with torch 2.13 (read back right after 100 epochs, seeds 0-4): 99.4%, 99.4%, 95.0% (170 of 179),
    # 62.0% and 99.4%; seed 0 gets 178 of 179 characters right. Only seed 3 stays below 75%.
    task = sliding_windows(SEED_SENTENCE, 10)
    model = ModelConfig(25, 25, hidden_size=25, num_layers=2)
    session, log = read_back_session(task, model, TrainConfig(epochs=100, learning_rate=0.1, seed=0, snapshot_every=5))
    session.advance()
    history = session.history
    assert log.accuracy[-1] >= 0.95
    assert log.accuracy[-1] > log.accuracy[0]
    assert history.stopped is None
    greedy = generate(history.model, task.vocabulary, "if you wan", 20, temperature=0, context=10)
    assert greedy.generated.startswith("t to build")
