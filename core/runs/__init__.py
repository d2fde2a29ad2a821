"""A run beyond its screen: links, presets (the Preset type), the status line, the PyTorch script's shared pieces, and
a training session's state as plain data (what a saved run holds of it; the file itself is core.saving), and several
seeds of one setup trained as one job with their curves as bands (seeds). Generic over
screens: what differs per screen comes from the screen's own folder and registry entry.

May import core.words, core.engine, core.reading and core.charts."""
