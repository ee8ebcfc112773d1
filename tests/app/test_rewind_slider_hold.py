"""While the run plays, the rewind slider (already at its end) is not given a new range every
frame (each cost a repaint of the slider and the status bar under it, ~0.65 ms a frame): the
step label moves on; the slider takes the newest step when the person reaches for it or the
run stops, before it reads its range."""

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtTest import QTest

from tests.helpers import play


def _label_step(bar) -> int:
    return int(bar.label.text().split()[1].replace(",", ""))


class _Paints(QObject):
    def __init__(self):
        super().__init__()
        self.count = 0

    def eventFilter(self, obj, event):
        self.count += event.type() == QEvent.Type.Paint
        return False


def _play_until(win, qtbot, steps: int) -> None:
    c = win.controller
    c.play()
    qtbot.waitUntil(lambda: _label_step(win.rewind.bar) >= steps, timeout=10_000)


def test_a_playing_run_holds_the_slider_until_it_stops(win, qtbot):
    c, bar = win.controller, win.rewind.bar
    play(win, 50)
    assert bar.slider.maximum() == bar.slider.value() == 50
    paints = _Paints()
    bar.slider.installEventFilter(paints)
    frames = []
    c.frame.connect(frames.append)
    c.set_speed(2000)
    c.play()
    qtbot.waitUntil(lambda: len(frames) >= 5, timeout=20_000)  # (however fast the host)
    paints.count = 0  # (from here: the frames alone, not the play button's relayout)
    qtbot.waitUntil(lambda: len(frames) >= 25, timeout=20_000)
    shown = _label_step(bar)
    assert shown > 50
    assert bar.slider.maximum() == bar.slider.value() == 50  # (held: the handle at its end)
    # (each of the 20 frames repainted it before; a relayout of the status bar, its rate
    # readout once a second, may still repaint it)
    assert paints.count <= 3, (paints.count, len(frames))
    c.frame.disconnect(frames.append)
    c.pause()
    assert bar.slider.maximum() == bar.slider.value() == _label_step(bar) >= shown
    bar.slider.removeEventFilter(paints)


def test_a_press_on_the_slider_while_playing_reads_the_newest_range(win, qtbot):
    c, bar = win.controller, win.rewind.bar
    play(win, 50)
    c.set_speed(2000)
    _play_until(win, qtbot, 400)
    held = _label_step(bar)
    slider = bar.slider
    QTest.mousePress(slider, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(4, slider.height() // 2))
    assert slider.maximum() >= held > 50  # (the range was brought up first)
    QTest.mouseRelease(slider, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       QPoint(4, slider.height() // 2))
    c.pause()


def test_frames_of_a_paused_run_still_set_the_slider(win):
    bar = win.rewind.bar
    for n in (30, 60, 90):
        play(win, 30)
        assert bar.slider.maximum() == bar.slider.value() == n
