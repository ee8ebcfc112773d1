"""While not playing, every view shows the newest step and the status bar claims no live rate:
the rate readout is cleared when the loop stops and filled again by the next measurement; the
time plots are redrawn for a new width (a dock closed while paused), not left binned for the
old one."""

import math

from PySide6.QtWidgets import QApplication

from widgets.decimate import bin_size


class FakeClock:
    def __init__(self):
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def _measure(c, clock):
    """Ticks for a little over a second of the fake clock: one rate measurement."""
    for _ in range(70):
        clock.t += 0.016
        c._tick()


def test_rate_readout_is_cleared_while_not_playing(win):
    c = win.controller
    clock = FakeClock()
    c.clock = clock
    seen = []
    c.stats.connect(lambda sps, fps: seen.append((sps, fps)))
    for stop in (c.pause, c.step_once, lambda: c.reset(), lambda: win.rewind.go_to(5)):
        c.play()
        _measure(c, clock)
        assert "steps/s" in win.rate_label.text() and "fps" in win.rate_label.text()
        stop()
        assert not c.running
        assert win.rate_label.text() == ""  # no claim of a live rate
        assert all(math.isnan(v) for v in seen[-1])
    win.rewind.back_to_live()
    c.play()
    _measure(c, clock)  # measured rates again once playing
    sps, fps = seen[-1]
    assert sps > 0 and fps > 0
    assert win.rate_label.text() == f"{sps:,.0f} steps/s · {fps:.0f} fps"
    c.pause()


def test_time_plots_follow_their_width_when_it_changes_while_paused(win):
    """A dock closing, a window resized: nothing else redraws while paused, and the curves
    stayed binned for the old width (found after closing the guided tour)."""
    win.controller.sim.run(2000)
    win.controller.frame.emit(win.controller.sim)
    QApplication.processEvents()
    plots = win.plots
    narrow_k = plots._last_key[1]
    win.resize(1920, 1080)
    QApplication.processEvents()
    QApplication.processEvents()
    sim = win.controller.sim
    k = bin_size(len(sim.history.window()), plots._pixels())
    assert k < narrow_k  # the plots are wider now: finer bins ...
    assert plots._last_key == (sim.history.total, k)  # ... and they were redrawn with them
    for lane in plots.lanes:
        for curve in (lane.loss, lane.a, lane.z_mean, *lane.params.values()):
            assert curve.xData[-1] >= sim.t - k  # every curve reaches the newest bin


def test_weight_shock_while_paused_shows_the_newest_step(win):
    win.controller.sim.run(2000)
    win.controller.frame.emit(win.controller.sim)
    win.setup_dock.show()
    QApplication.processEvents()
    QApplication.processEvents()
    win.setup.weight_shock_requested.emit(1.0, 1.0)
    QApplication.processEvents()
    sim, plots = win.controller.sim, win.plots
    k = plots._last_key[1]
    assert plots._last_key[0] == sim.history.total
    for lane in plots.lanes:
        for curve in (lane.loss, lane.a, lane.z_mean, *lane.params.values()):
            assert curve.xData[-1] >= sim.t - k
    assert plots.plots["params"].vb.viewRange()[0][1] >= sim.t
