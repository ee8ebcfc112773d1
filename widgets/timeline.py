"""The timeline: a slider over the steps run so far, to scrub back (rewind) and branch from there.

A view: it shows where the run stands (live) or which step is shown (rewound) and turns the
slider and buttons into intents; the app does the replaying.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

from widgets.readout import Readout

# the slider's events that read its range: it is brought up to date first (see set_live)
_REACHING = (QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress, QEvent.Type.Wheel,
             QEvent.Type.MouseButtonDblClick)


class TimelineBar(QWidget):
    """Slider 0..end, a step label, 'Continue from here' and 'Back to live'."""

    scrubbed = Signal(int)  # the person moved the slider to this step
    continue_requested = Signal()
    live_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("timelineBar")
        self.caption = QLabel("Rewind")
        self.caption.setToolTip("Drag back through the steps run so far: every view shows that "
                                "step exactly (the run is replayed from its settings and the "
                                "shocks you fired)")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("timelineSlider")
        self.slider.setRange(0, 0)
        self.slider.setToolTip(self.caption.toolTip())
        self.slider.valueChanged.connect(self._on_value)
        self._held: int | None = None  # a live step the slider's range does not show yet
        self.slider.installEventFilter(self)
        # held at the room of its longest text: a new step each frame relays out nothing
        self.label = Readout(reserve="step 200,000 of 200,000 (rewound) ")
        self.continue_button = QPushButton("Continue from here")
        self.continue_button.setToolTip("Branch a new run from the step shown: what came after "
                                        "it is dropped, and the run goes on live from here")
        self.continue_button.clicked.connect(self.continue_requested)
        self.live_button = QPushButton("Back to live")
        self.live_button.setToolTip("Leave the rewind: show the run where it stands")
        self.live_button.clicked.connect(self.live_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 2, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.label)
        layout.addWidget(self.continue_button)
        layout.addWidget(self.live_button)
        self.set_live(0)

    def _set(self, value: int, end: int) -> None:
        self._held = None
        self.slider.blockSignals(True)
        self.slider.setRange(0, end)
        self.slider.setValue(value)
        self.slider.setPageStep(max(1, end // 20))
        self.slider.blockSignals(False)

    def set_live(self, t: int, moving: bool = False) -> None:
        """The run stands at step ``t`` and is shown live; ``moving``: a frame of a run
        playing. While it plays, a slider already at its end (a new end every frame) is given
        its new range only when the person reaches for it (a press, a key, the wheel) or the
        run stops: its handle is at the end either way, and repainting the slider every frame
        cost ~0.65 ms of each."""
        if moving and t > 0 and 0 < self.slider.maximum() == self.slider.value() and (
                not self.slider.isSliderDown()):
            self._held = t
        else:
            self._set(t, t)
        self.label.setText(f"step {t:,} (live)")
        self.continue_button.setEnabled(False)
        self.live_button.setEnabled(False)

    def show_held(self) -> None:
        """Give the slider the live step it was not given while the run played."""
        if self._held is not None:
            self._set(self._held, self._held)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.slider and self._held is not None and event.type() in _REACHING:
            self.show_held()  # (before the slider reads its range)
        return False

    def set_rewound(self, t: int, end: int) -> None:
        """Step ``t`` of a run at ``end`` is shown."""
        self._set(t, end)
        self.label.setText(f"step {t:,} of {end:,} (rewound)")
        self.continue_button.setEnabled(t < end)
        self.live_button.setEnabled(True)

    def _on_value(self, value: int) -> None:
        self.scrubbed.emit(value)
