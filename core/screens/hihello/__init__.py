"""The HiHello screen's pure parts: settings, readings, limits, presets, script. Its registry entry: ``screen.py``."""

KEY = "hihello"  # the screen's one name (core.screens.screen.Screen)
