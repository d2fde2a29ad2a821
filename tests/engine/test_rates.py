"""core.engine.rates: the learning rate in force at each epoch of a run the learner steered."""

from core.engine.rates import rate_in_force, rates_in_force
from core.engine.records import LearningRateChange

# The run: HiHello played at 0.1, the rate set to 3 after epoch 44 (44 steps).
STEERED = [LearningRateChange(44, 44, 3.0)]


def test_a_change_after_an_epoch_counts_from_the_next():
    assert rate_in_force(0.1, STEERED, 44) == 0.1
    assert rate_in_force(0.1, STEERED, 45) == 3.0
    assert rate_in_force(0.1, STEERED, 100) == 3.0
    assert rate_in_force(0.1, [], 100) == 0.1


def test_a_change_inside_an_epoch_counts_for_that_epoch_and_the_last_change_wins():
    """Made after 44 epochs and 3 steps of the 45th (mini-batches): the rate of epoch 45's last step."""
    changes = [LearningRateChange(10, 12, 0.3), LearningRateChange(44, 47, 3.0), LearningRateChange(44, 47, 0.01)]
    assert rates_in_force(0.1, changes, 46)[9:12] == (0.1, 0.3, 0.3)
    assert rate_in_force(0.1, changes, 45) == 0.01
    assert rates_in_force(0.1, changes, 3) == (0.1, 0.1, 0.1)


def test_the_rate_in_force_is_what_each_epoch_record_trained_with():
    from core.engine.models import SequenceModel
    from core.engine.session import TrainingSession
    from core.screens.hihello.settings import HiHelloSettings

    settings = HiHelloSettings(epochs=20)
    task = settings.task()
    config = settings.model_config(task)
    session = TrainingSession(lambda: SequenceModel(config), settings.data(task), settings.train_config())
    session.advance(epochs=6)
    session.set_learning_rate(0.01)
    session.advance(epochs=5)
    session.set_learning_rate(1.0)
    session.advance()
    records = session.history.records
    changes = session.history.learning_rate_changes
    assert [r.learning_rate for r in records] == list(rates_in_force(settings.learning_rate, changes, len(records)))
