"""The one error type the app shows to a learner."""


class InputError(ValueError):
    """A setting or an input that makes no sense.

    The message is written for the learner (what is wrong, what to do); pages show it
    with ``st.error``. Anything else that goes wrong is a bug and is logged instead.
    """
