"""Teaching presets: per screen, named setups that each show one idea, with the sentence saying what to look for.
Each screen's own are in its folder (``core/screens/<key>/presets.py``) and its registry entry
(``core.screens.registry.presets_for``); this is what a preset is.

A preset is only settings that differ from the screen's defaults, so it is also a link (``query``): a teacher can
hand out the preset's link, or write their own. ``promise`` is what the preset claims will happen, in a form the
tests check by running it (tests/runs/test_presets.py): a sentence on screen that a run does not bear out is a bug.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.runs.links import link_text


@dataclass(frozen=True)
class Preset:
    name: str  # short, for keys and links: never translated
    title: str  # the button's label (English source, ``N_``: translated where shown)
    look_for: str  # what the learner should watch, shown while the setup is loaded (English source, ``N_``)
    settings: dict[str, object] = field(default_factory=dict)  # field name -> value; the rest are the defaults
    promise: dict[str, object] = field(default_factory=dict)  # what a run of it shows (the screen's test reads it)

    def settings_over(self, defaults: Any, also: Mapping[str, object] | None = None) -> dict[str, object]:
        """Every setting: the preset's, and the defaults for the rest (``also``: controls that are no field of the
        settings class, such as a data source, with their defaults)."""
        return {**(also or {}), **dataclasses.asdict(defaults), **self.settings}

    def query(self, screen: str) -> dict[str, str]:
        """The preset as URL parameters (what a teacher puts after the ``?``)."""
        return {f"{screen}_{name}": link_text(value) for name, value in self.settings.items()}


def matching_preset(
    presets: Sequence[Preset], values: dict[str, object], defaults: Any, also: Mapping[str, object] | None = None
) -> Preset | None:
    """The one of a screen's ``presets`` whose setup is exactly the one on screen, if any (the first, when several
    match)."""
    for preset in presets:
        wanted = preset.settings_over(defaults, also)
        if all(same_value(values.get(name, wanted[name]), wanted[name]) for name in wanted):
            return preset
    return None


def same_value(a: object, b: object) -> bool:
    """Equal settings, with 3 and 3.0 (a whole number from a float control) the same."""
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool) and not isinstance(b, bool):
        return math.isclose(a, b)
    return a == b
