"""The RNN vs LSTM/GRU screen's pure parts: tasks, the comparison, readings, presets, script. Its registry entry:
``screen.py``."""

KEY = "rnn_vs_lstm_gru"  # the screen's one name (core.screens.screen.Screen)
FORMER_KEYS = ("compare",)  # its name before: old links and saved runs still open it
