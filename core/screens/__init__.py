"""The screens: one folder each with its pure parts (settings, readings, figures, script), and the registry that
names them.

May import every other package of core."""
