"""The set-up form: data, initial weights, seed, lanes, and the weight shock.

It shows a RunConfig and emits the edited values as an intent; the app validates and applies.
A number typed beyond a field's limits (1e300, 9999999) becomes the nearest limit, and the form
says so right below that field, and in whole sentences at its bottom (the spin boxes used to drop
the keys that overflowed: 1e300 became 130 without a word; the sentences alone, ~400 px below the
fields at 1280x720, went unseen).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from simulation import activations
from simulation.config import RunConfig
from widgets import style
from widgets.limited_spin import FieldNote, LimitedDoubleSpin, LimitedSpin, _shown
from widgets.style import lane_color

# The most samples the live lab takes: every lane sees every sample every step, and 99,999
# samples left the window at 13 steps/s, unresponsive. Own data (app.own_data) has the same cap.
MAX_SAMPLES = 5_000


def _limited(box: Any, what: str, tip: str) -> Any:
    box.what = what
    box.limited = False
    box.told_at = None  # the value the field was limited to, while its note line shows
    box.setToolTip(f"{tip} ({_shown(box.minimum())} … {_shown(box.maximum())})")
    box.setKeyboardTracking(False)
    return box


def _dspin(lo: float, hi: float, decimals: int, step: float, tip: str,
           what: str = "The value") -> LimitedDoubleSpin:
    box = LimitedDoubleSpin()
    box.setRange(lo, hi)
    box.setDecimals(decimals)
    box.setSingleStep(step)
    return _limited(box, what, tip)


def _spin(lo: int, hi: int, tip: str, what: str) -> LimitedSpin:
    box = LimitedSpin()
    box.setRange(lo, hi)
    return _limited(box, what, tip)


class _Foot(QWidget):
    """The room left at the panel's bottom, with the note at its foot. The note takes no more
    (it used to grow the panel: the fields squeezed, the dock widened); the lines that do not fit
    are cut (whole lines only): each field says its own below itself, and the tooltip has all."""

    def __init__(self, note: QLabel):
        super().__init__()
        self.note = note
        note.setParent(self)
        note.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)

    def place(self) -> None:
        height = self.note.heightForWidth(self.width())
        if height > self.height():  # as many whole lines as fit
            line = self.note.fontMetrics().lineSpacing()
            height = self.height() // line * line
        self.note.setGeometry(0, self.height() - height, self.width(), height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.place()


class SetupPanel(QWidget):
    """Edit the run's configuration; Apply restarts the run with it."""

    config_requested = Signal(dict)  # overrides for RunConfig.from_dict
    weight_shock_requested = Signal(float, float)

    def __init__(self, config: RunConfig, parent: QWidget | None = None):
        super().__init__(parent)
        self.seed = _spin(0, 2_000_000_000, "One seed fixes the data, random initial weights "
                          "and batch order", "The seed")
        self.n = _spin(1, MAX_SAMPLES, "Number of samples x in [0, 1]², y from the teacher; "
                       "every lane sees every sample every step", "Samples N")
        self.noise = _dspin(0, 100, 3, 0.01, "Standard deviation of Gaussian noise on the targets",
                            "Target noise σ")
        self.w1 = _dspin(-1000, 1000, 3, 0.1, "Initial w1 of every lane", "Initial w1")
        self.w2 = _dspin(-1000, 1000, 3, 0.1, "Initial w2 of every lane", "Initial w2")
        self.b = _dspin(-1000, 1000, 3, 0.1, "Initial bias b of every lane", "Initial b")
        self.random_init = QCheckBox("random (He) instead")
        self.random_init.setToolTip("Draw w1, w2 from N(0, 2/2) with the seed; b = 0")
        self.random_init.toggled.connect(lambda on: [w.setEnabled(not on)
                                                     for w in (self.w1, self.w2, self.b)])
        # each field's line of what was done to a value typed out of range, right below it; its
        # room is kept when empty (in place of the rows' spacing), so that nothing moves
        self.field_notes: dict[str, FieldNote] = {}  # field -> its line, made with its row
        self._here: dict[str, str] = {}  # field -> its line ("99999 → 5,000 (max)")
        self._short: dict[str, str] = {}  # the same where the field is narrow ("99999 → max")
        self._run_line = ""  # Samples N's line about a run with more samples than the cap
        form = QFormLayout()
        form.setVerticalSpacing(0)
        for label, box in (("Seed", self.seed), ("Samples N", self.n),
                           ("Target noise σ", self.noise), ("Initial w1", self.w1),
                           ("Initial w2", self.w2), ("Initial b", self.b)):
            form.addRow(label, self._with_note(box))
        form.addRow("", self.random_init)
        # what happened to each value typed beyond a field's limits since the last Apply, one
        # sentence a field; in the room left at the bottom (``_Foot``), so that it moves nothing
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setObjectName("setupNote")
        self.note.hide()
        self._notes: dict[str, str] = {}  # field (or "run") -> its line

        lanes_box = QGroupBox("Lanes")
        lanes_box.setToolTip("Which activations run side by side (same data, start and shocks)")
        grid = QGridLayout(lanes_box)
        grid.setVerticalSpacing(2)  # (room for the fields' note lines at 720)
        self.lane_checks: dict[str, QCheckBox] = {}
        for i, (name, act) in enumerate(activations.ACTIVATIONS.items()):
            check = QCheckBox(act.label)
            bold = check.font()  # the lane's colour and a bold font, without a style sheet:
            bold.setBold(True)  # a sheet froze the font a theme change polished it with
            check.setFont(bold)
            check.setToolTip(f"f(z) = {act.formula};  f′(z) = {act.derivative}")
            self.lane_checks[name] = check
            grid.addWidget(check, i // 2, i % 2)

        self.apply_button = QPushButton("Apply and restart")
        self.apply_button.setToolTip("Restart from step 0 with these settings")
        self.apply_button.clicked.connect(self._emit_config)

        shock_box = QGroupBox("Weight shock")
        self.shock_w1 = _dspin(-1000, 1000, 3, 0.5, "w1 every lane is set to", "Shock w1")
        self.shock_w2 = _dspin(-1000, 1000, 3, 0.5, "w2 every lane is set to", "Shock w2")
        self.shock_w1.setValue(-2.0)
        self.shock_w2.setValue(-2.0)
        shock_button = QPushButton("Weight shock now")
        shock_button.setToolTip("Set w1 and w2 of every lane now; negative weights with "
                                "x ≥ 0 push z below 0")
        shock_button.clicked.connect(lambda: self.weight_shock_requested.emit(
            self.shock_w1.value(), self.shock_w2.value()))
        rows = QGridLayout(shock_box)  # the button below the values: a narrow panel
        rows.setVerticalSpacing(0)
        # each value's name above it (beside it, the labels widened the panel and the window)
        self.shock_labels: list[QLabel] = []
        for col, box in enumerate((self.shock_w1, self.shock_w2)):
            rows.addWidget(self._name_of(box), 0, col)
            rows.addWidget(box, 1, col)
            rows.addWidget(self._note_for(box), 2, col)
        rows.addWidget(shock_button, 3, 0, 1, 2)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(lanes_box)
        layout.addWidget(self.apply_button)
        layout.addWidget(shock_box)
        self._foot = _Foot(self.note)
        layout.addWidget(self._foot, 1)
        for box in self.fields():
            box.clamped.connect(lambda _typed, limit, b=box: self._limited_to(b, limit))
            box.told.connect(lambda text, b=box: self.tell(text, b.what))
            box.editingFinished.connect(lambda b=box: self._edited(b))
        self._color_lanes()
        self.show_config(config)

    def fields(self) -> list[Any]:
        """The number fields, in the form's order."""
        return [self.seed, self.n, self.noise, self.w1, self.w2, self.b, self.shock_w1,
                self.shock_w2]

    def _note_for(self, box: Any) -> FieldNote:
        self.field_notes[box.what] = FieldNote()
        return self.field_notes[box.what]

    def _name_of(self, box: Any) -> QLabel:
        """A weight shock field's label: "Set w1 to" (from its name "Shock w1"), its buddy."""
        label = QLabel(f"Set {box.what.split()[-1]} to")
        label.setBuddy(box)
        label.setToolTip(box.toolTip())
        self.shock_labels.append(label)
        return label

    def _with_note(self, box: Any) -> QWidget:
        """The field with its note line right below it (a form row's field)."""
        cell = QWidget()
        cell.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        column = QVBoxLayout(cell)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(box)
        column.addWidget(self._note_for(box))
        return cell

    def _limited_to(self, box: Any, limit: float) -> None:
        """The short line below ``box``: the text typed, the limit used instead."""
        end = "min" if limit == box.minimum() else "max"
        typed = box.typed if len(box.typed) <= 12 else box.typed[:10] + "…"  # the limit shows
        self._here[box.what] = f"{typed} → {_shown(type(box.minimum())(limit))} ({end})"
        self._short[box.what] = f"{typed} → {end}"

    def tell(self, text: str, key: str = "run") -> None:
        """Show ``text`` as field ``key``'s line of the note (what was done to a value out of
        range); the other fields' lines stay."""
        self._notes[key] = text
        self._show_notes()

    def forget(self, key: str | None = None) -> None:
        """Drop field ``key``'s line of the note, or every line."""
        if key is None:
            self._notes.clear()
        else:
            self._notes.pop(key, None)
        self._show_notes()

    def _show_notes(self) -> None:
        order = ["run", *(b.what for b in self.fields())]
        text = "\n".join(self._notes[k] for k in order if k in self._notes)
        if text != self.note.text():
            self.note.setText(text)
            self.note.setToolTip(text)
        self.note.setVisible(bool(text))
        self._foot.place()
        for box in self.fields():
            tip = self._notes.get(box.what, "")
            line = self._here.get(box.what, "") if tip else ""
            short = self._short.get(box.what, "") if tip else ""
            if box is self.n and not tip and "run" in self._notes:  # a run with more samples
                line, tip, short = self._run_line, self._notes["run"], ""
            self.field_notes[box.what].set_note(line, tip, short)

    def _edited(self, box: Any) -> None:
        """A field was committed: its line of the note goes once another value is committed
        (not when the field merely loses focus with the limited value still in it)."""
        if box.limited:
            box.limited, box.told_at = False, box.value()
        elif box.value() != box.told_at:
            self.forget(box.what)

    def _color_lanes(self) -> None:
        """Each lane's name in its colour in the current theme (SiLU's black is light on dark),
        darkened or lightened to 4.5:1 against the window and the Lanes box, which Fusion fills a
        shade darker (ELU's orange was 2:1 on the light theme, Leaky ReLU's blue 3.1:1 on the
        dark one); the fields' note lines in the theme's warning red, made readable the same way
        (the shock fields' lines are in the Weight shock box)."""
        window = style.theme().window
        box = QColor(window).darker(102).name()
        inks = [(check, lane_color(name)) for name, check in self.lane_checks.items()]
        inks += [(note, style.theme().stop) for note in self.field_notes.values()]
        for check, ink in inks:
            color = QColor(style.readable(style.readable(ink, window), box))
            palette = check.palette()
            if palette.color(QPalette.ColorRole.WindowText) != color:
                palette.setColor(QPalette.ColorRole.WindowText, color)
                palette.setColor(QPalette.ColorRole.ButtonText, color)
                check.setPalette(palette)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._color_lanes()

    def show_config(self, config: RunConfig) -> None:
        """Fill the form from ``config`` (no signal is emitted); the lines of the note about
        the fields it refills go (a run was applied or loaded: they show its values now)."""
        for box in (self.seed, self.n, self.noise, self.w1, self.w2, self.b):
            self._notes.pop(box.what, None)
        self._show_notes()
        self.seed.setValue(config.seed)
        self.n.setValue(config.data.n)
        if config.data.n > MAX_SAMPLES:  # (a session file written with a larger N)
            self._run_line = f"this run: {config.data.n:,} → {MAX_SAMPLES:,} (max)"
            self.tell(f"This run has {config.data.n:,} samples; Samples N is limited to "
                      f"{MAX_SAMPLES:,}: Apply would use {MAX_SAMPLES:,}.")
        else:
            self.forget("run")
        self.noise.setValue(config.data.noise)
        if isinstance(config.init, dict):
            self.random_init.setChecked(False)
            self.w1.setValue(config.init["w1"])
            self.w2.setValue(config.init["w2"])
            self.b.setValue(config.init["b"])
        else:
            self.random_init.setChecked(True)
        on = {lane.activation for lane in config.lanes}
        for name, check in self.lane_checks.items():
            check.setChecked(name in on)

    def overrides(self) -> dict[str, Any]:
        """The form's values as RunConfig overrides."""
        lanes = [{"activation": n} for n, c in self.lane_checks.items() if c.isChecked()]
        init: Any = "random" if self.random_init.isChecked() else {
            "w1": self.w1.value(), "w2": self.w2.value(), "b": self.b.value()}
        return {"seed": self.seed.value(), "init": init, "lanes": lanes,
                "data": {"n": self.n.value(), "noise": self.noise.value()}}

    def _emit_config(self) -> None:
        self.config_requested.emit(self.overrides())
