"""The one error type the app shows to a learner."""

from __future__ import annotations

from typing import Any

from core.words.message import Message, said


class InputError(ValueError):
    """A setting or an input that makes no sense.

    The message is written for the learner (what is wrong, what to do); pages show it
    with ``st.error``. Anything else that goes wrong is a bug and is logged instead.

    It holds a ``Message`` (``InputError(N_("{name} is too long"), name=...)``, or a ``Message`` built elsewhere), so
    an error kept in the session (a refused link value, a file that was not loaded) is worded where it is shown, in
    the language of that moment: ``str(error)`` words it now. Words already in a language (``InputError(_("..."))``)
    are taken too: no catalogue source, they show as they were worded, whatever the language is when shown.
    """

    def __init__(self, message: str | Message, /, **values: Any) -> None:
        if isinstance(message, Message) and values:
            raise TypeError("a Message holds its own values")
        self.message = message if isinstance(message, Message) else said(message, **values)
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message.worded()
