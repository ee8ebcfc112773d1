"""A frame that only changes texts (the step number in the rewind bar and the step-through's
header, the rates) relays out nothing: before, every frame posted a layout request up to the main
window (~400 in 400 frames), which laid out the splitter, the tab widget and the status bar."""

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QLabel

from tests.helpers import play
from widgets.layout_shield import LayoutShield
from widgets.readout import Readout
from widgets.timeline import TimelineBar


class LayoutRequests(QObject):
    """Counts the layout requests delivered to each object."""

    def __init__(self):
        super().__init__()
        self.seen: dict[str, int] = {}

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.LayoutRequest:
            name = type(obj).__name__
            self.seen[name] = self.seen.get(name, 0) + 1
        return False


def test_frames_post_no_layout_request_to_the_window(win):
    assert win.fold_columns["right"].isVisible()  # the step-through, with its header, is shown
    play(win, 1000)
    QApplication.processEvents()
    counter = LayoutRequests()
    app = QApplication.instance()
    app.installEventFilter(counter)
    try:
        for _ in range(40):
            play(win, 7)  # a new step number every frame
            QApplication.processEvents()
    finally:
        app.removeEventFilter(counter)
    assert win.findChild(TimelineBar).label.text().startswith("step 1,2")
    assert counter.seen.get("MainWindow", 0) <= 2, counter.seen
    assert counter.seen.get("QSplitter", 0) + counter.seen.get("Columns", 0) <= 2, counter.seen


def test_the_shield_passes_on_only_a_change_of_height(qtbot):
    from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

    host = QWidget()
    qtbot.addWidget(host)
    label = QLabel("step 1")
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    layout = QVBoxLayout(host)
    layout.addWidget(LayoutShield(label))
    layout.addStretch(1)
    host.resize(300, 200)
    host.show()
    qtbot.waitExposed(host)
    for _ in range(3):
        QApplication.processEvents()
    counter = LayoutRequests()
    host.installEventFilter(counter)
    for k in range(2, 30):
        label.setText(f"step {k * 1000:,}")  # wider each time, the same height
        QApplication.processEvents()
    assert counter.seen == {}
    one_line = label.height()
    label.setText("step 30,000<br>two lines")  # a new height: the layout around hears of it
    for _ in range(3):
        QApplication.processEvents()
    assert counter.seen.get("QWidget", 0) >= 1
    assert label.height() > one_line and label.width() == 300 - 2 * layout.contentsMargins().left()


def test_a_readout_keeps_the_room_of_its_reserve(qtbot):
    label = Readout(reserve="step 200,000 of 200,000 (rewound)")
    qtbot.addWidget(label)
    label.setText("step 1 (live)")
    wide = label.width()
    label.setText("step 199,999 of 200,000 (rewound)")
    assert label.width() == wide >= label.fontMetrics().horizontalAdvance(label.text())
    assert label.minimumSize() == label.maximumSize()  # held: a new text asks for no layout
