"""What the preset line and the window title say about the run on screen.

A preset's description states what its run shows (checked by tests against the engine). Once the
run is no longer the preset's (own data loaded, another seed, other lanes, a session of other
settings, a learning rate typed while it runs), the description would describe a run that is not
on screen: the line then names what changed and says the preset's note need not hold. The shocks
pressed live are the demonstration itself, not a change (the preset's planned ones are in its
configuration, never in the journal).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from simulation import presets
from simulation.config import SHOCK_KINDS, ConfigError, RunConfig

TITLE = "Dying ReLU Lab"

# the run-config fields a person can change, as the note names them
FIELD_NAMES = {"data": "data", "seed": "seed", "lr": "learning rate", "init": "start weights",
               "batch_size": "batch size", "lanes": "lanes", "shocks": "planned shocks",
               "steps": "length"}


def live_changes(config: RunConfig, journal: Sequence[dict] = ()) -> list[str]:
    """What ``journal`` (the actions taken live, :mod:`simulation.replay`'s form) changed in a
    run of ``config`` beyond shocks, as the note names it: "learning rate at step 560" for each
    base learning rate typed that differs from the one in force ("steps 5, 560 and 1,200")."""
    lr, steps, other = config.lr, [], []
    for action in journal:
        kind = action.get("kind")
        if kind in SHOCK_KINDS:  # pressed live: what the preset is there to show
            continue
        if kind == "set_lr":
            if action.get("lr") != lr:
                lr = action.get("lr")
                steps.append(action.get("step", 0))
        else:  # (replay knows no other kind today)
            other.append(f"{kind} at step {action.get('step', 0):,}")
    if steps:
        shown = [f"{t:,}" for t in steps]
        at = (f"step {shown[0]}" if len(shown) == 1
              else f"steps {', '.join(shown[:-1])} and {shown[-1]}")
        other.insert(0, f"learning rate at {at}")
    return other


def changed_fields(preset_id: str, config: RunConfig, journal: Sequence[dict] = ()) -> list[str]:
    """The fields of ``config`` that differ from preset ``preset_id``'s, as the note names them
    (all of them for an unknown preset), then what ``journal`` changed live
    (:func:`live_changes`)."""
    live = live_changes(config, journal)
    try:
        base = presets.get(preset_id).config().to_dict()
    except ConfigError:  # an unknown id: nothing to compare with
        return [*FIELD_NAMES.values(), *live]
    mine = config.to_dict()
    return [*(name for key, name in FIELD_NAMES.items() if mine.get(key) != base.get(key)),
            *live]


def describe(preset_id: str, config: RunConfig, journal: Sequence[dict] = ()) -> tuple[str, str]:
    """(the preset line's text, the window title) for a run of ``config`` started from preset
    ``preset_id`` and changed live by ``journal``."""
    changed = changed_fields(preset_id, config, journal)
    if not changed:
        return presets.get(preset_id).description, f"{TITLE} — {preset_id}"
    what = ", ".join(changed)
    note = (f"Changed from {preset_id} ({what}): the preset's note does not describe this run; "
            f"the cards and plots show what this run does.")
    return note, f"{TITLE} — {preset_id}, changed ({what})"


def follow(window: Any) -> None:
    """Keep ``window``'s preset line, title and Presets-menu check true to its controller's run:
    on every reset, and on a frame after a live action (the journal grew)."""
    c = window.controller
    seen: list[tuple[int, int]] = []  # the journal shown: (its identity, its length)

    def show(_sim: Any = None) -> None:
        seen[:] = [(id(c.journal), len(c.journal))]
        text, title = describe(window.preset_id, c.config, c.journal)
        window.transport.set_description(text)
        window.setWindowTitle(title)
        window._mark_preset()

    def on_frame(_sim: Any) -> None:
        if seen != [(id(c.journal), len(c.journal))]:
            show()

    c.model_changed.connect(show)
    c.frame.connect(on_frame)
    show()
