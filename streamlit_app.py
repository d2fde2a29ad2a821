"""RNN Lab: the entry point. Navigation over the screens, and the home page."""

from __future__ import annotations

import streamlit as st

from core.engine.runtime import use_one_thread
from core.screens.registry import screens
from core.words.i18n import N_, _
from core.words.notes import note_link
from ui.common import start_page
from ui.i18n import choose_language
from ui.replica_notice import replica_notice

# The lessons and the glossary are pages of the app but no screens (core.screens.registry): the lessons walk through
# the screens in the note's order, asking before each run, so they come first; the glossary comes after the screens.
LESSONS = (
    "pages/lessons.py",
    N_("Lessons"),
    ":material/school:",
    N_("Predict, then check: the note's sections step by step, a question before each run, answered by the runs."),
)
GLOSSARY = (
    "pages/glossary.py",
    N_("Glossary"),
    ":material/translate:",
    N_("The terms of the study note, in Korean and in English."),
)


def menu() -> list[tuple[str, str, str, str]]:
    """The pages after Home, in order: (page file, title, icon, blurb), the titles and blurbs English sources. The
    screens come from the registry, read when the app runs (a screen registered is in the menu and on the home page)."""
    return [LESSONS] + [(entry.page, entry.title, entry.icon, entry.blurb) for entry in screens()] + [GLOSSARY]


def home() -> None:
    start_page()
    st.title("RNN Lab")
    st.markdown(
        _(
            "Watch a recurrent neural network learn. Every screen trains a small PyTorch model while you "
            "watch, and shows the loss, the hidden activations and how much gradient reaches each time step."
        )
    )
    st.subheader(_("What is a recurrent network?"))
    st.markdown(
        _(
            "A recurrent neural network (RNN) reads a sequence one element at a time and keeps a **hidden "
            "state** $h_t$, a vector that summarises what it has read so far. At every step the same weights "
            "combine the new input $x_t$ with the previous state $h_{t-1}$:"
        )
    )
    st.latex(r"h_t = \tanh\left(W_{hh}\, h_{t-1} + W_{xh}\, x_t + b\right)")
    st.markdown(
        _(
            "- $h_{t-1}$ starts at zero; the output at step $t$ is read from $h_t$ (directly, or through a "
            "linear layer).\n"
            "- The order of the data matters: the same letters in another order give other states.\n"
            "- **Why tanh?** Stacking linear maps $h(x) = c\\,x$ gives $c^3 x$, still one linear map; a "
            "nonlinearity is what makes depth and recurrence worth having. tanh keeps the state in $(-1, 1)$.\n"
            "- **The catch:** the gradient that trains step $t$ is multiplied by $W_{hh}$ and tanh's slope once "
            "per step it travels back, so over long distances it shrinks (vanishes) or grows (explodes). "
            "LSTM and GRU add gates to control that flow."
        )
    )
    st.markdown(note_link("what_is_an_rnn"))
    st.subheader(_("The screens"))
    st.markdown(
        _(
            "New to RNNs? Start with the **Lessons**: they follow the study note's order and ask you to predict "
            "before each run. Or explore the screens yourself, from **Basics** on, each building on the one before."
        )
    )
    for path, title, icon, blurb in menu():
        st.page_link(path, label=f"**{_(title)}**: {_(blurb)}", icon=icon)
    st.caption(_("Use the menu on the left to move between screens; each one trains its own model."))


def main() -> None:
    use_one_thread()
    st.set_page_config(page_title="RNN Lab", page_icon=":material/cycle:", layout="wide")
    choose_language()  # the menu's titles are words too; each page then draws the selector itself
    replica_notice()  # a learner moved here from a replica that stopped is told so, above every page
    pages = [st.Page(home, title=_("Home"), icon=":material/home:", default=True)]
    pages += [st.Page(path, title=_(title), icon=icon) for path, title, icon, _blurb in menu()]
    st.navigation(pages).run()


main()
