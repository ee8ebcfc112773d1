"""Live frames take turns: in one, every view but the time plots takes the model's state and
paints; in the next, the time plots take the run as it stood in the first (the same step the
other views show) and paint only what changed, nothing else being done. While the plots' step
range moves with every refresh (a sliding history at top speed: repainted whole anyway), the
first frame refreshes every view and the plots' painting waits for the second. At rest, every
view is refreshed and painted at once."""

from PySide6.QtWidgets import QApplication

from tests.helpers import count_paints


def frame(win, live, steps=17):
    win.controller.sim.run(steps)
    win.draw(win.controller.sim, live)
    for _ in range(3):
        QApplication.processEvents()


def _spy(win, monkeypatch):
    """(view, rows of history it shows) for every refresh."""
    shown = []
    for view in win.views:
        def spy(sim, *args, v=view, real=view.refresh):
            upto = args[0] if args else None
            shown.append((v, upto[0] if upto else sim.history.total))
            real(sim, *args)
        monkeypatch.setattr(view, "refresh", spy)
    return shown


def test_live_frames_alternate_the_other_views_and_the_time_plots(win, monkeypatch):
    """One frame: every view but the time plots refreshed, the plots not painted; the next: the
    time plots refreshed and painted, nothing else refreshed."""
    pairs = _turns(win, monkeypatch, 10_000, 17)
    assert all(p in (_partial(win), _deferred(win)) for p in pairs), pairs
    assert _partial(win) in pairs  # (a pair whose refresh moved the step range: deferred next)


def test_while_the_range_scrolls_the_time_plots_painting_waits_a_frame(win, monkeypatch):
    """A full ring sliding by 250 steps a frame: one frame refreshes every view, the time plots
    unpainted; the next paints them (with that data), nothing refreshed."""
    sim = win.controller.sim
    pairs = _turns(win, monkeypatch, sim.history.capacity + 1000, 250)
    assert pairs[1:] == [_deferred(win)] * 2, pairs


def _partial(win) -> tuple:
    """A pair of live frames: the other views, then the time plots refreshed and painted."""
    return (len(win.views) - 1, False, 0), (1, True, 1)


def _deferred(win) -> tuple:
    """A pair of live frames: every view refreshed, then the time plots painted."""
    return (len(win.views), True, 0), (0, False, 1)


def _turns(win, monkeypatch, first: int, steps: int) -> list[tuple]:
    """Three pairs of live frames of ``steps`` steps after ``first`` steps (and two frames to
    settle): for each frame, the views refreshed, whether the time plots were, and the plots'
    paints."""
    viewport = win.plots.view.viewport()
    win.controller.sim.run(first)
    frame(win, False)
    frame(win, True, steps)
    frame(win, True, steps)
    assert win._turn == 0  # (the next frame starts a pair)
    shown = _spy(win, monkeypatch)
    paints = count_paints(viewport)
    turns = []
    for _ in range(6):
        before, shown[:] = paints[viewport], []
        frame(win, True, steps)
        turns.append((len(shown), any(v is win.plots for v, _ in shown),
                      paints[viewport] - before))
    return [tuple(turns[i:i + 2]) for i in range(0, 6, 2)]  # (each from a turn's first half)


def test_the_time_plots_show_the_step_the_other_views_showed(win, monkeypatch):
    frame(win, False)
    shown = _spy(win, monkeypatch)
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
    shown = _spy(win, monkeypatch)
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
