"""The screens: one folder each with its pure parts (settings, readings, figures, script), and the registry that
names them.

May import every other package of core. Within it, a screen's folder may import another screen's folder when it
builds on that screen's task (RNN vs LSTM/GRU runs HiHello's lab and the Long sequences sentence): one screen's
teaching is another's material, and copying it would let the two drift apart. It never imports another screen's entry
(``<key>/screen.py``) or the registry (``core.screens.registry``): those list the screens for the app (ui, pages,
streamlit_app), so a screen knows nothing of the list it is on. The import-cycle test keeps such imports one-way
(tests/test_architecture.py holds both rules)."""
