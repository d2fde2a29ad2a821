"""A run beyond the screen: links, presets, the status line, the PyTorch script, and the run file (saving and
loading). Generic over screens: what differs per screen comes from the screen's registry entry.

May import core.words, core.engine, core.reading and core.charts."""
