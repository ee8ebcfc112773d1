"""What the preset line and the window title say about the run on screen.

A preset's description states what its run shows (checked by tests against the engine). Once the
run is no longer the preset's (own data loaded, another seed, other lanes, a session of other
settings), the description would describe a run that is not on screen: the line then names what
changed and says the preset's note need not hold.
"""

from __future__ import annotations

from typing import Any

from simulation import presets
from simulation.config import ConfigError, RunConfig

TITLE = "Dying ReLU Lab"

# the run-config fields a person can change, as the note names them
FIELD_NAMES = {"data": "data", "seed": "seed", "lr": "learning rate", "init": "start weights",
               "batch_size": "batch size", "lanes": "lanes", "shocks": "planned shocks",
               "steps": "length"}


def changed_fields(preset_id: str, config: RunConfig) -> list[str]:
    """The fields of ``config`` that differ from preset ``preset_id``'s, as the note names them
    (all of them for an unknown preset)."""
    try:
        base = presets.get(preset_id).config().to_dict()
    except ConfigError:  # an unknown id: nothing to compare with
        return list(FIELD_NAMES.values())
    mine = config.to_dict()
    return [name for key, name in FIELD_NAMES.items() if mine.get(key) != base.get(key)]


def describe(preset_id: str, config: RunConfig) -> tuple[str, str]:
    """(the preset line's text, the window title) for a run of ``config`` started from preset
    ``preset_id``."""
    changed = changed_fields(preset_id, config)
    if not changed:
        return presets.get(preset_id).description, f"{TITLE} — {preset_id}"
    what = ", ".join(changed)
    note = (f"Changed from {preset_id} ({what}): the preset's note does not describe this run; "
            f"the cards and plots show what this run does.")
    return note, f"{TITLE} — {preset_id}, changed ({what})"


def follow(window: Any) -> None:
    """Keep ``window``'s preset line and title true to its controller's run (on every reset)."""

    def show(_sim: Any = None) -> None:
        text, title = describe(window.preset_id, window.controller.config)
        window.transport.set_description(text)
        window.setWindowTitle(title)

    window.controller.model_changed.connect(show)
    show()
