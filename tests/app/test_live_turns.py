"""Live frames take turns: in one, every view takes the model's state and paints except the time
plots, whose painting (the costlier half) waits for the next frame, in which nothing else is
done; the longer of two frames was the time plots' data and painting together. At rest, every
view is refreshed and painted at once, and the plots never stay unpainted."""

from PySide6.QtWidgets import QApplication

from tests.helpers import count_paints


def frame(win, live):
    win.controller.sim.run(17)
    win.draw(win.controller.sim, live)
    for _ in range(3):
        QApplication.processEvents()


def test_live_frames_alternate_data_and_the_time_plots_painting(win, monkeypatch):
    """One frame: every view refreshed, the time plots not painted; the next: the time plots
    painted (with that data), nothing refreshed."""
    viewport = win.plots.view.viewport()
    frame(win, False)
    refreshed = []
    for view in win.views:
        monkeypatch.setattr(view, "refresh",
                            lambda sim, v=view, real=view.refresh: (refreshed.append(v),
                                                                     real(sim)))
    paints = count_paints(viewport)
    turns = []
    for _ in range(6):
        before, refreshed[:] = paints[viewport], []
        frame(win, True)
        turns.append((len(refreshed), paints[viewport] - before))
    views = len(win.views)
    assert turns in ([(views, 0), (0, 1)] * 3, [(0, 1), (views, 0)] * 3), turns


def test_the_cards_and_the_time_plots_take_the_same_step_in_a_live_frame(win, monkeypatch):
    refreshed = []
    for view in win.views:
        monkeypatch.setattr(view, "refresh",
                            lambda sim, v=view, real=view.refresh: (refreshed.append((v, sim.t)),
                                                                     real(sim)))
    for _ in range(4):
        frame(win, True)
    steps = {}
    for view, t in refreshed:
        steps.setdefault(t, set()).add(view)
    assert len(steps) == 2  # two of the four frames refreshed ...
    for views in steps.values():  # ... every view, the time plots with the others
        assert views == set(win.views)


def test_at_rest_or_paused_between_turns_the_time_plots_are_painted(win):
    viewport = win.plots.view.viewport()
    frame(win, False)
    paints = count_paints(viewport)
    frame(win, True)
    if viewport.updatesEnabled():  # (the turn that paints: one more, to stop after the data)
        frame(win, True)
    assert not viewport.updatesEnabled()
    before = paints[viewport]
    frame(win, False)  # paused (the controller draws every view at rest)
    assert viewport.updatesEnabled()
    assert paints[viewport] > before
    win.tabs.setCurrentIndex(1)  # a live frame on another tab leaves the plots paintable
    frame(win, True)
    frame(win, True)
    assert viewport.updatesEnabled()
    win.tabs.setCurrentIndex(0)
