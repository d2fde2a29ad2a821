"""The Time series screen's pure parts: forecasting, results, metrics, presets, script. Its registry entry:
``screen.py``."""

KEY = "time_series"  # the screen's one name (core.screens.screen.Screen)
FORMER_KEYS = ("timeseries",)  # its name before: old links and saved runs still open it
