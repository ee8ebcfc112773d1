"""The presets of the main window: choosing one (asking before it discards a run), loading it
with its shocks' values on the shock buttons, and checking the run's preset in the Presets menu.

:class:`WindowPresets` is a mixin of :class:`app.main_window.MainWindow` (it uses its
``controller``, ``transport``, ``preset_id`` and ``preset_actions``).
"""

from __future__ import annotations

from app.dialogs import TITLE, confirm
from app.preset_note import changed_fields, describe
from app.session import preset_shock_settings, show_shock_settings
from simulation import presets


class WindowPresets:
    """Preset choice of the main window."""

    def choose_preset(self, preset_id: str) -> bool:
        """The person chose a preset (menu or picker): load it, but ask first if that discards
        a run with steps or live actions; Cancel leaves everything as it was. True if loaded."""
        c = self.controller
        if c.sim.t > 0 or c.journal:
            was_running = c.running
            c.pause()  # (the question names the step: it must not move meanwhile)
            if not confirm(self, f"Choosing {preset_id} restarts the run: the current run "
                                 f"(step {c.sim.t:,}) will be discarded. Save it first with "
                                 "File ▸ Save session if you want to keep it.\n\n"
                                 f"Load {preset_id} now?"):
                self.transport.set_preset(self.preset_id)  # the picker back on the run's
                # (with the line about the run: set_preset showed the preset's description)
                self.transport.set_description(describe(self.preset_id, c.config, c.journal)[0])
                self._mark_preset()
                if was_running:
                    c.play()
                return False
        self.load_preset(preset_id)
        return True

    def load_preset(self, preset_id: str) -> None:
        """Start preset ``preset_id`` at step 0, its shocks' values on the shock buttons."""
        self.preset_id = preset_id
        self.transport.set_preset(preset_id)
        self.setWindowTitle(f"{TITLE} — {preset_id}")
        config = presets.get(preset_id).config()
        show_shock_settings(self, preset_shock_settings(config))
        self.controller.reset(config)

    def _mark_preset(self) -> None:
        """Check the run's preset in the Presets menu; none if the run's settings differ or were
        changed live (a learning rate typed; shocks pressed are the preset's demonstration)."""
        c = self.controller
        same = not changed_fields(self.preset_id, c.config, c.journal)
        for pid, action in self.preset_actions.items():
            action.setChecked(same and pid == self.preset_id)
