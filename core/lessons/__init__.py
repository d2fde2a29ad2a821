"""Lessons: short sequences of steps on the screens, written as data (one TOML file per lesson in data/lessons/).

A step sets a screen up (settings of its settings class, the rest defaults, as a preset does), asks one question
before the run (choices, or a number to guess within a tolerance) and names the outcome predicate that answers it
from the finished runs (``core/screens/<key>/outcomes.py``), so the answer is computed, never written in the file. A
step may name seeds: its run is trained once per seed and answered from all of them (run). The learner's answers
are kept for the session only and written as CSV or JSON (record).

Sits between the screens and saving: may import core.words, engine, reading, charts, runs and screens (the registry
too, as the app does); nothing in core below it imports it.
"""
