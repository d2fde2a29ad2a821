"""HiHello: the seed lab's plain PyTorch loop against our instrumented training, same task."""

from __future__ import annotations

import numpy as np
import torch

from benchmarks.common import compare
from core.engine.models import ModelConfig, SequenceModel
from core.engine.session import TrainingSession
from core.engine.settings import SequenceData, TrainConfig
from core.reading.text import next_character_task
from core.screens.hihello import KEY
from core.screens.hihello.settings import HiHelloSettings

EPOCHS = 100
TARGET_RATIO = 1.3


def plain_lab_loop(seed: int = 2) -> str:
    """The seed lab's code, as written there (RNN output as logits, Adam 0.1, decode every epoch)."""
    char_set = ["h", "i", "e", "l", "o"]
    x_one_hot = [[[1, 0, 0, 0, 0], [0, 1, 0, 0, 0], [1, 0, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 1, 0], [0, 0, 0, 1, 0]]]
    y_data = [[1, 0, 2, 3, 3, 4]]
    inputs, targets = torch.FloatTensor(x_one_hot), torch.LongTensor(y_data)
    torch.manual_seed(seed)
    rnn = torch.nn.RNN(5, 5, batch_first=True)
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(rnn.parameters(), 0.1)
    result_str = ""
    for _ in range(EPOCHS):
        optimizer.zero_grad()
        outputs, _status = rnn(inputs)
        loss = criterion(outputs.view(-1, 5), targets.view(-1))
        loss.backward()
        optimizer.step()
        result = outputs.data.numpy().argmax(axis=2)
        result_str = "".join(char_set[c] for c in np.squeeze(result))
        _ = loss.item()
    return result_str


def rnn_lab_training(seed: int = 2) -> str:
    task = next_character_task(HiHelloSettings.word)
    model = ModelConfig(input_size=5, output_size=5, hidden_size=5, linear_head=False)
    session = TrainingSession(
        lambda: SequenceModel(model),
        SequenceData(task.inputs, task.targets, "classify_each_step"),
        TrainConfig(epochs=EPOCHS, learning_rate=0.1, seed=seed, snapshot_every=10),
    )
    records = session.advance().records
    return task.vocabulary.decode(records[-1].predictions[0])


def run() -> dict:
    assert plain_lab_loop() == rnn_lab_training() == "ihello"
    result = compare(plain_lab_loop, rnn_lab_training, repeats=5, rounds=3)
    return {
        "name": f"{KEY}_100_epochs_snapshots_every_10",
        **result,
        "target_ratio": TARGET_RATIO,
        "meets_target": result["ratio"] <= TARGET_RATIO,
    }
