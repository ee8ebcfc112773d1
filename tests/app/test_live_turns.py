"""Live frames take turns: in one, every view but the time plots takes the model's state and
paints, and the time plots work out their ranges and points (the first part of their refresh);
in the next, the time plots' curves take those points (the run as it stood in the first frame:
the step the other views show) and the plots paint only what changed, nothing else being done.
While the plots' step range moves with every refresh (a sliding history at top speed: repainted
whole anyway), the first frame refreshes every view whole and the plots' painting waits for the
second. At rest, every view is refreshed and painted at once."""

from PySide6.QtWidgets import QApplication

from tests.helpers import count_paints


def frame(win, live, steps=17):
    win.controller.sim.run(steps)
    win.draw(win.controller.sim, live)
    for _ in range(3):
        QApplication.processEvents()


def _spy(win, monkeypatch):
    """(view, rows of history it shows) for every refresh (the time plots': every refresh
    begun), and how many second parts of the plots' refresh gave the curves their points."""
    shown = []
    for view in win.views:
        name = "begin_refresh" if view is win.plots else "refresh"
        real_refresh = getattr(view, name)

        def spy(sim, v=view, real=real_refresh):
            shown.append((v, sim.history.total))
            real(sim)
        monkeypatch.setattr(view, name, spy)
    finished = [0]

    def finish(real=win.plots.finish_refresh):
        finished[0] += win.plots._second_part is not None
        real()
    monkeypatch.setattr(win.plots, "finish_refresh", finish)
    return shown, finished


def test_live_frames_alternate_the_other_views_and_the_time_plots(win, monkeypatch):
    """One frame: every view but the time plots refreshed, the plots' refresh begun, the plots
    not painted; the next: the plots' curves given their points and painted, nothing else
    refreshed."""
    pairs = _turns(win, monkeypatch, 10_000, 17)
    assert all(p in (_partial(win), _deferred(win)) for p in pairs), pairs
    assert _partial(win) in pairs  # (a pair whose refresh moved the step range: deferred next)


def test_while_the_range_scrolls_the_time_plots_painting_waits_a_frame(win, monkeypatch):
    """A full ring sliding by 250 steps a frame: one frame refreshes every view (the time plots
    whole), the plots unpainted; the next paints them (with that data), nothing refreshed."""
    sim = win.controller.sim
    pairs = _turns(win, monkeypatch, sim.history.capacity + 1000, 250)
    assert pairs[1:] == [_deferred(win)] * 2, pairs


def _partial(win) -> tuple:
    """A pair of live frames: the other views and the first part of the time plots' refresh,
    then the second part and the plots' painting."""
    return (len(win.views), 0, 0), (0, 1, 1)


def _deferred(win) -> tuple:
    """A pair of live frames: every view refreshed whole, then the time plots painted."""
    return (len(win.views), 1, 0), (0, 0, 1)


def _turns(win, monkeypatch, first: int, steps: int) -> list[tuple]:
    """Three pairs of live frames of ``steps`` steps after ``first`` steps (and two frames to
    settle): for each frame, the views refreshed (the time plots: begun), the second parts of
    the plots' refresh done and the plots' paints."""
    viewport = win.plots.view.viewport()
    win.controller.sim.run(first)
    frame(win, False)
    frame(win, True, steps)
    frame(win, True, steps)
    assert win._turn == 0  # (the next frame starts a pair)
    shown, finished = _spy(win, monkeypatch)
    paints = count_paints(viewport)
    turns = []
    for _ in range(6):
        before, done, shown[:] = paints[viewport], finished[0], []
        frame(win, True, steps)
        turns.append((len(shown), finished[0] - done, paints[viewport] - before))
    return [tuple(turns[i:i + 2]) for i in range(0, 6, 2)]  # (each from a turn's first half)


def test_the_time_plots_show_the_step_the_other_views_showed(win, monkeypatch):
    frame(win, False)
    shown, _ = _spy(win, monkeypatch)
    for _ in range(6):
        frame(win, True)
    rows = [r for v, r in shown if v is win.plots]
    others = [r for v, r in shown if v is not win.plots]
    assert len(rows) == 3 and len(set(others)) == 3
    assert rows == sorted(set(others))  # each the rows the other views had a frame before
    assert win.plots._last_key[0] == rows[-1]
    assert win.controller.sim.history.total > rows[-1]  # (the run went on meanwhile)


def test_at_rest_or_paused_every_view_is_refreshed_and_painted(win, monkeypatch):
    viewport = win.plots.view.viewport()
    frame(win, False)
    frame(win, True)
    if win._turn == 0:  # (end on the turn of the other views: the plots a frame behind)
        frame(win, True)
    shown, _ = _spy(win, monkeypatch)
    paints = count_paints(viewport)
    frame(win, False)  # paused (the controller draws every view at rest)
    assert {v for v, _ in shown} == set(win.views)
    total = win.controller.sim.history.total
    assert all(r == total for _, r in shown)
    assert paints[viewport] >= 1
    win.tabs.setCurrentIndex(1)  # live frames on another tab draw nothing of this one
    shown.clear()
    frame(win, True)
    frame(win, True)
    assert shown == []
    win.tabs.setCurrentIndex(0)  # back: every view catches up
    assert {v for v, _ in shown} == set(win.views)
