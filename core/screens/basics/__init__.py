"""The Basics screen's pure parts: the cell's step by hand, the shapes, why tanh. Its registry entry: ``screen.py``."""

KEY = "basics"  # the screen's one name (core.screens.screen.Screen)
