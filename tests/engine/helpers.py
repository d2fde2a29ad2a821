"""Ways into the engine that only tests take: a model at a seed's initial weights, and a run trained to the end in
one call (the app drives a ``core.engine.session.TrainingSession`` in chunks instead)."""

from __future__ import annotations

from core.engine.models import ModelConfig, SequenceModel
from core.engine.records import TrainingHistory
from core.engine.runtime import build_seeded
from core.engine.session import TrainingSession
from core.engine.settings import SequenceData, TrainConfig


def build_model(model_config: ModelConfig, seed: int) -> SequenceModel:
    """The model of ``model_config`` with the initial weights that ``seed`` draws."""
    return build_seeded(lambda: SequenceModel(model_config), seed)


def fit(
    model_config: ModelConfig, data: SequenceData, config: TrainConfig, keep_predictions: bool = True
) -> TrainingHistory:
    """Train ``model_config`` from scratch to the end in one call; ``keep_predictions=False`` drops each epoch's
    predictions (they grow as epochs x sequences x time)."""
    session = TrainingSession(lambda: SequenceModel(model_config), data, config, keep_predictions=keep_predictions)
    session.advance()
    return session.history
