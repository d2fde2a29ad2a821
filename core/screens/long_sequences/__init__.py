"""The Long sequences screen's pure parts: windows, settings, readings, presets, script. Its registry entry:
``screen.py``."""

KEY = "long_sequences"  # the screen's one name (core.screens.screen.Screen)
FORMER_KEYS = ("longseq",)  # its name before: old links and saved runs still open it
