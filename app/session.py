"""Sessions in the window: save the live run (or its settings) to a file, open one, the menu.

The file format and its validation are :mod:`app.session_file` (re-exported here). Opening
replays the session and makes it the live run only after the whole file validated; a refused
file leaves the current session as it was, with one clear message.
"""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app import dialogs
from app.controller import HISTORY_CAPACITY
from app.files import FileError, describe_os_error, write_text_atomic
from app.session_file import (  # noqa: F401  (re-exported: the session's public names)
    FILTER,
    FORMAT,
    GRAD_MODES,
    LR_MODES,
    LR_STEPS,
    MAX_BYTES,
    MAX_EVENTS,
    MAX_STEP,
    SHOCK_KEYS,
    SHOCK_NUMBERS,
    SUFFIX,
    Session,
    default_shock_settings,
    preset_shock_settings,
    read_session,
    session_from_dict,
)
from simulation import presets
from simulation.config import RunConfig
from simulation.replay import replay


# --- the window's session -------------------------------------------------------------------------
def current_session(window: Any, with_run: bool = True) -> Session:
    """The window's live session; without the run: the settings only, at step 0."""
    c = window.controller
    config = c.config
    if not with_run and c.sim.lr != config.lr:  # the learning rate set live is a setting too
        config = RunConfig.from_dict({**config.to_dict(), "lr": c.sim.lr})
    hidden = [lane.id for lane in config.lanes if not window.plots.lane_visible(lane.id)]
    view = {"lane": max(window.cards.selected(), 0), "grad_mode": window.plots.grad_mode,
            "hidden": hidden}
    return Session(config, window.preset_id, list(c.journal) if with_run else [],
                   c.sim.t if with_run else 0, float(c.speed), view, shock_settings(window))


def shock_settings(window: Any) -> dict[str, Any]:
    """What the shock buttons would fire now (transport bar and set-up panel)."""
    t, setup = window.transport, window.setup
    mode = next((m for m, shown in LR_MODES.items() if shown == t.lr_mode.currentText()),
                "factor")
    d = {"bias_b": t.bias_value.value(), "lr_mode": mode, "lr_amount": t.lr_amount.value(),
         "lr_steps": t.lr_steps.value(), "weight_w1": setup.shock_w1.value(),
         "weight_w2": setup.shock_w2.value()}
    return {key: d[key] for key in SHOCK_KEYS}


def show_shock_settings(window: Any, settings: dict[str, Any]) -> None:
    """Put validated ``settings`` on the shock buttons' fields (nothing fires)."""
    t, setup = window.transport, window.setup
    t.bias_value.setValue(settings["bias_b"])
    t.lr_mode.setCurrentText(LR_MODES[settings["lr_mode"]])
    t.lr_amount.setValue(settings["lr_amount"])
    t.lr_steps.setValue(settings["lr_steps"])
    setup.shock_w1.setValue(settings["weight_w1"])
    setup.shock_w2.setValue(settings["weight_w2"])


def apply_session(window: Any, session: Session) -> None:
    """Replay ``session`` and make it the window's live run (only after it fully validated)."""
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        sim = replay(session.config, session.events, session.step,
                     history_capacity=HISTORY_CAPACITY)
    finally:
        QApplication.restoreOverrideCursor()
    preset = session.preset or presets.DEFAULT_PRESET
    window.preset_id = preset
    window.transport.set_preset(preset)
    window.setWindowTitle(f"Dying ReLU Lab — {preset}")
    window.controller.set_speed(session.speed)
    window.transport.set_speed(session.speed)
    window.controller.adopt(sim, session.events)
    view = session.view
    hidden = set(view.get("hidden", []))
    for action, lane in zip(window.lanes_menu.actions(), session.config.lanes, strict=False):
        action.setChecked(lane.id not in hidden)
    window.plots.set_grad_mode(view.get("grad_mode", window.plots.grad_mode))
    window.select_lane(view.get("lane", 0))
    show_shock_settings(window, session.shock_settings)


def save_session(window: Any, path: str | Path, with_run: bool = True) -> None:
    """Write the window's session to ``path`` atomically (FileError if it cannot)."""
    text = current_session(window, with_run).dumps()
    try:
        write_text_atomic(path, text)
    except OSError as e:
        raise FileError(f"Cannot write {Path(path).name}: {describe_os_error(e, path)}.") from None


def replace_confirmed(window: Any, name: str) -> bool:
    """True if opening ``name`` may replace the live run: at once if it has nothing to lose
    (no steps, no live actions), else only if the person agrees (as choosing a preset asks)."""
    c = window.controller
    if c.sim.t == 0 and not c.journal:
        return True
    return dialogs.confirm(window, f"Opening {name} replaces the run: the current run "
                                   f"(step {c.sim.t:,}) will be discarded. Save it first with "
                                   "File ▸ Save session if you want to keep it.\n\n"
                                   f"Open {name} now?")


def open_session(window: Any, path: str | Path, ask: bool = False) -> bool:
    """Open a session file in ``window``; a refused file leaves the session untouched. With
    ``ask`` (the menu, a drop), a valid file replaces a run with steps only if the person agrees,
    and the run stands still while asked (it plays on if it was playing and was kept)."""
    try:
        session = read_session(path)
    except FileError as e:
        dialogs.error(window, "This session was not opened; the current one is unchanged.",
                      str(e))
        return False
    with dialogs.paused(window) if ask else nullcontext():
        if ask and not replace_confirmed(window, Path(path).name):
            return False
        apply_session(window, session)
    window.statusBar().showMessage(f"Opened {Path(path).name}: step {session.step:,}", 6000)
    return True


# --- menu actions ---------------------------------------------------------------------------------
def default_name(window: Any) -> str:
    """The file name the save dialog offers: the preset's."""
    return f"{window.preset_id}{SUFFIX}"


def save_dialog(window: Any, with_run: bool = True) -> bool:
    """File ▸ Save session (``with_run`` False: settings only); True once saved. The run stands
    still meanwhile (:func:`app.dialogs.paused`): the file holds the step shown when asked."""
    with dialogs.paused(window):
        return _save(window, with_run)


def _save(window: Any, with_run: bool) -> bool:
    caption = "Save session" if with_run else "Save session settings (starts at step 0)"
    path = dialogs.ask_save(window, caption, default_name(window), FILTER)
    if path is None:
        return False
    if Path(path).suffix == "":
        path += SUFFIX
    try:
        save_session(window, path, with_run)
    except FileError as e:
        dialogs.error(window, "The session was not saved.", str(e))
        return False
    window.statusBar().showMessage(f"Saved {Path(path).name}", 6000)
    return True


def open_dialog(window: Any) -> bool:
    """File ▸ Open; True once a session was opened. The run stands still while the dialogs are
    open; a run with steps is replaced only if the person agrees (:func:`replace_confirmed`)."""
    with dialogs.paused(window):
        path = dialogs.ask_open(window, "Open session", FILTER)
        return False if path is None else open_session(window, path, ask=True)
