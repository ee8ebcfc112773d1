"""The timeline: a slider over the steps run so far, to scrub back (rewind) and branch from there.

A view: it shows where the run stands (live) or which step is shown (rewound) and turns the
slider and buttons into intents; the app does the replaying.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

from widgets.readout import Readout


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
        self.slider.blockSignals(True)
        self.slider.setRange(0, end)
        self.slider.setValue(value)
        self.slider.setPageStep(max(1, end // 20))
        self.slider.blockSignals(False)

    def set_live(self, t: int) -> None:
        """The run stands at step ``t`` and is shown live."""
        self._set(t, t)
        self.label.setText(f"step {t:,} (live)")
        self.continue_button.setEnabled(False)
        self.live_button.setEnabled(False)

    def set_rewound(self, t: int, end: int) -> None:
        """Step ``t`` of a run at ``end`` is shown."""
        self._set(t, end)
        self.label.setText(f"step {t:,} of {end:,} (rewound)")
        self.continue_button.setEnabled(t < end)
        self.live_button.setEnabled(True)

    def _on_value(self, value: int) -> None:
        self.scrubbed.emit(value)
