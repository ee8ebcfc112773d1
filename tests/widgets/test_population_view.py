"""The Population and Death-map tabs: the population follows the lanes step for step (shocks,
reset, settings), the views draw what the models hold, and nothing is left running."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from app.application import configure_pyqtgraph
from app.controller import LiveController
from app.population_tabs import PopulationFollower
from simulation import presets, sweep
from simulation.health import State
from tests import helpers
from widgets.death_map_view import DeathMapView, recovery_image, state_image
from widgets.population_drawing import counts_before_step
from widgets.population_view import (
    PopulationView,
    bins_of,
    dropout_finding,
    histogram_range,
)


@pytest.fixture
def controller(qtbot):
    c = LiveController(presets.get("lr-shock").config())
    yield c
    c.pause()


@pytest.fixture
def show(qtbot):
    """show(view): the view shown at 1280x640, pyqtgraph set up as the app does."""
    configure_pyqtgraph()
    return lambda view: helpers.show(qtbot, view, (1280, 640))


@pytest.mark.parametrize("threaded", [False, True])
def test_population_follows_the_lanes_in_lockstep(controller, show, qtbot, threaded):
    v = show(PopulationView(controller, PopulationFollower(size=50, threaded=threaded)))
    assert v.follower in controller.followers
    controller.set_speed(2000)
    controller.play()
    qtbot.waitUntil(lambda: controller.sim.t > 40, timeout=10_000)
    controller.bias_shock(-10.0)
    shocked = controller.sim.t
    qtbot.waitUntil(lambda: controller.sim.t > shocked + 5, timeout=10_000)
    controller.pause()
    f = v.follower
    qtbot.waitUntil(lambda: f.sync(controller.sim, controller.journal), timeout=10_000)
    pop = f.pop
    assert pop.t == controller.sim.t
    assert pop.events[-1] == {"step": shocked, "kind": "bias_shock", "b": -10.0}
    assert pop.counts()[-1, 0, State.DEAD] == 50  # ReLU, b = -10: every neuron dead
    assert [lane.id for lane in pop.lanes][-1] == "relu+dropout"


def test_catch_up_after_reset_and_settings(controller, show, qtbot):
    v = show(PopulationView(controller, PopulationFollower(size=40)))
    controller.sim.run(120)
    controller.step_once()  # a frame: the view catches up, a slice at a time
    qtbot.waitUntil(lambda: v.follower.pop.t == 121, timeout=10_000)
    assert not v._catch_up.isActive()
    first = v.follower.pop
    v.random_box.setChecked(True)  # new settings: a new population, caught up again
    qtbot.waitUntil(lambda: v.follower.pop is not first and v.follower.pop.t == 121,
                    timeout=10_000)
    assert v.follower.pop.random_shocks
    controller.reset()
    qtbot.waitUntil(lambda: v.follower.pop.t == 0, timeout=5_000)
    assert v.follower.pop.steps_recorded == 0


def test_hidden_view_leaves_the_loop(controller, show, qtbot):
    v = show(PopulationView(controller, PopulationFollower(size=10)))
    assert controller.followers == [v.follower]
    v.hide()
    assert controller.followers == []


def test_views_draw_the_counts(controller, show, qtbot):
    v = show(PopulationView(controller, PopulationFollower(size=100)))
    controller.sim.run(60)
    v.follower.sync(controller.sim, controller.journal)
    v.refresh(force=True)
    pop = v.follower.pop
    lost = pop.counts()[:, :, [2, 3, 4]].sum(-1) * 100 / 100
    x, y = v.curves[0].getData()
    # at rest: the 60 rows counted (steps 0-59), then the state after the 60 steps (x = 60)
    assert len(x) == 61 and x[-1] == 60 and y[-2] == lost[-1, 0]
    assert y[-1] == counts_before_step(pop)[0, 2:].sum() * 100 / 100
    assert "ReLU +\ndropout 0.5" in _plain(v.table.text())  # (on two lines: room for shares)
    assert f"{pop.counts()[-1, 0, State.DEAD]:,} of 100 dead" in v.finding.text()
    _, h = v.hist["b"][0].getData()
    assert np.isclose(np.sum(10 ** h - 1), 100)  # log10(1 + count), every neuron once
    img = v.strip_images[1].image
    assert img.shape == (60, 40)


def test_before_the_first_step(controller, show):
    """No step yet: the table shows the states as the neurons start, and says so (see
    test_population_start), the step axis shows whole steps, and the note on the z histogram
    stays inside its plot."""
    v = show(PopulationView(controller, PopulationFollower(size=100)))
    v.follower.sync(controller.sim, controller.journal)
    v.refresh(force=True)
    assert v.follower.pop.t == 0
    text = v.table.text()
    assert "–" not in text and "at start, before step 0, by state:" in text
    assert v.capacity.vb.viewRange()[0] == [0.0, 10.0]
    lo, hi = v.z_plot.vb.viewRange()[0]
    note = v.z_note.mapRectToView(v.z_note.boundingRect())
    assert lo <= note.left() and note.right() <= hi
    controller.sim.run(3)
    v.follower.sync(controller.sim, controller.journal)
    v.refresh(force=True)
    assert "–" not in v.table.text() and v.capacity.vb.viewRange()[0] == [0.0, 10.0]


def test_dropout_finding_without_a_dropout_lane(controller):
    f = PopulationFollower(size=20, dropout=0.0)
    controller.sim.run(5)
    f.sync(controller.sim, controller.journal)
    assert "set a dropout rate" in dropout_finding(f.pop)


def test_helpers():
    x = np.arange(1000.0)
    y = np.vstack([np.sin(x / 50), np.cos(x / 50)])
    xs, ys = bins_of(x, y, 100)
    assert ys.shape[0] == 2 and len(xs) == ys.shape[1] <= 2 * 100 + 10
    assert ys.max() == y.max() and ys.min() == y.min()
    lo, hi = histogram_range(np.array([-10.0, -9.0, np.nan]))
    assert lo < -10 and hi > 0
    assert histogram_range(np.array([-10.0, -9.1])) == (lo, hi)  # a small change: same bins
    assert histogram_range(np.array([np.nan])) == (-1.0, 1.0)
    assert histogram_range(np.zeros(5)) == pytest.approx((-0.6, 0.6))
    lo, hi = histogram_range(np.array([-1e300, 1e300]))  # diverged: in the edge bins
    assert -2e12 < lo < hi < 2e12


def small_job():
    spec = sweep.SweepSpec(bias=(-10.0, -1.0, 0.5, 5.0), factor=(1.0, 10.0, 100.0),
                           shock_step=10, steps=160)
    return sweep.Sweep(presets.get("healthy").config(), spec)


def test_death_map_runs_and_draws(controller, show, qtbot):
    v = show(DeathMapView(controller))
    items = v.area.ci.items  # before a run: a note of what will appear, and no maps
    assert list(items) == [v.placeholder] and "Run the sweep" in v.placeholder.text
    job = small_job()
    v.start(job)
    qtbot.waitUntil(lambda: not v.runner.running, timeout=30_000)
    assert job.done
    res = job.result()
    _, s_img, _, _ = v.maps[0]
    assert v.placeholder not in v.area.ci.items and len(v.area.ci.items) == 2 * len(v.maps)
    np.testing.assert_array_equal(s_img.image, state_image(res.state[0]))
    assert s_img.image.shape[:2] == (4, 3)  # x = bias, y = factor
    text = v.framework.text()
    for word in ("Speed critical", "Leaky ReLU", "very deep", "SELU"):
        assert word in text
    v._describe(0, -10.0, 0.0)
    assert "ReLU" in v.hover.text() and "dead" in v.hover.text()
    assert "done" in v.status.text()


def test_death_map_controls_make_the_spec(controller, show):
    v = show(DeathMapView(controller))
    v.grid.setCurrentIndex(v.grid.findData(20))
    spec = v.spec()
    assert len(spec.bias) == len(spec.factor) == 20
    assert spec.bias[0] == -10.0 and spec.factor[-1] == pytest.approx(100.0)
    assert v.base_config() is controller.config
    v.shock_step.setValue(50)
    assert v.spec().steps == 50 + v.after.value()


def test_images():
    rec = np.array([[0.0, 5.0], [np.nan, 2000.0]])
    img = recovery_image(rec, 2000)
    assert img.shape == (2, 2, 4)
    assert tuple(img[0, 0]) == (255, 255, 255, 255)  # never knocked out: white
    assert tuple(img[0, 1]) != tuple(img[1, 1])
    st = state_image(np.array([[0, 3]]))
    assert st.shape == (2, 1, 4)


def test_tabs_are_in_the_window(qtbot):
    from app.application import create_window, ensure_app

    ensure_app()
    w = create_window("bias-shock")
    qtbot.addWidget(w)
    titles = [w.tabs.tabText(i) for i in range(w.tabs.count())]
    assert "Population" in titles and "Death map" in titles
    w.tabs.setCurrentIndex(titles.index("Population"))
    w.show()
    qtbot.waitExposed(w)
    view = w.tabs.currentWidget().view  # built when first shown
    qtbot.waitUntil(lambda: view.follower in w.controller.followers, timeout=5_000)
    w.tabs.setCurrentIndex(0)
    assert view.follower not in w.controller.followers
    w.close()


def test_large_own_data_caps_the_population():
    from simulation.config import DataSpec, RunConfig

    f = PopulationFollower(size=10_000)
    cfg = RunConfig(data=DataSpec(n=5000))
    assert f.effective_size(f.config_for(cfg), 5000) == 4_000_000 // (6 * 5000)
    assert f.effective_size(f.config_for(RunConfig()), 64) == 10_000


def test_lanes_run_ahead_of_a_threaded_population_by_its_lead(controller):
    """Threaded, the population steps on its worker while the lanes go on, at most its lead
    ahead (so neither waits for the other each frame); past the lead the lanes wait."""
    from app.population_tabs import LEAD_FRAMES

    f = PopulationFollower(size=10, threaded=True)
    sim = controller.sim
    assert f.room(sim) == 0  # no population yet: the lanes wait for it
    assert f.sync(sim, controller.journal)
    lead = f.steps_within(LEAD_FRAMES * f._period)
    assert lead >= 1 and f.room(sim) == lead
    sim.run(lead)
    assert f.room(sim) == 0 and not f.lagging(sim)
    sim.run(1)
    assert f.lagging(sim)


def _histograms(view):
    return {name: (view._ranges[name], [h.getData() for h in view.hist[name]])
            for name in ("b", "z")}


def test_histograms_are_a_function_of_the_population_now(show, qtbot):
    """The same population is drawn the same, whatever was drawn before (the timing of the
    catch-up slices decides which intermediate steps a view draws)."""
    views = []
    for drawn_between in ((), (33,), (35,), (20, 38)):
        c = LiveController(presets.get("lr-shock").config())
        v = show(PopulationView(c, PopulationFollower(size=100)))
        for t in (*drawn_between, 40):  # a view drawn at these steps on the way
            c.sim.run(t - c.sim.t)
            assert v.follower.sync(c.sim, c.journal)
            v.refresh(force=True)
        c.bias_shock(-3.0)
        c.sim.run(40)
        assert v.follower.sync(c.sim, c.journal)
        v.refresh(force=True)
        views.append(v)
    first = _histograms(views[0])
    for v in views[1:]:
        np.testing.assert_array_equal(v.follower.pop.biases(), views[0].follower.pop.biases())
        drawn = _histograms(v)
        for name in ("b", "z"):
            assert drawn[name][0] == first[name][0]
            for (x, y), (x0, y0) in zip(drawn[name][1], first[name][1], strict=True):
                np.testing.assert_array_equal(x, x0)
                np.testing.assert_array_equal(y, y0)
        assert v.b_plot.vb.viewRange()[0] == views[0].b_plot.vb.viewRange()[0]


def test_a_paused_threaded_population_catches_up_and_is_drawn(controller, show, qtbot):
    """Live, a threaded population runs a little behind the lanes; at the pause it catches up
    and the view draws the population at the lanes' step (not whatever the last frame had)."""
    f = PopulationFollower(size=50, threaded=True)
    f.steps_within = lambda seconds: 10  # slices of 10 steps (not as many as a frame's time)
    v = show(PopulationView(controller, f))
    controller.play()  # running, but no tick before the event loop runs again
    controller.sim.run(30)
    controller.bias_shock(-3.0)  # a live frame: a slice starts on the worker, the lanes go on
    controller.sim.run(30)
    controller.frame.emit(controller.sim)
    f.wait()
    assert f.pop.t < controller.sim.t
    controller.pause()
    qtbot.waitUntil(lambda: f.pop.t == controller.sim.t and not v._catch_up.isActive(),
                    timeout=10_000)
    assert f.pop.events[-1] == {"step": 30, "kind": "bias_shock", "b": -3.0}
    assert "after 60 steps," in v.table.text()  # at rest: the lanes' step, the status bar's
    _, h = v.hist["b"][0].getData()
    lo, hi = v._ranges["b"]
    counts, _ = np.histogram(np.clip(f.pop.biases()[0], lo, hi), bins=np.linspace(lo, hi, 61))
    np.testing.assert_array_equal(h, np.log10(1.0 + counts))


def _plain(html_text):
    """The text a rich-text label shows (no tags, no-break spaces as spaces)."""
    from PySide6.QtGui import QTextDocument

    doc = QTextDocument()
    doc.setHtml(html_text)
    return doc.toPlainText().replace("\u00a0", " ")


def test_table_names_the_step_of_the_plots_last_point(controller, show):
    """The capacity plot's last point was at step N - 1 while the table said 'at step N'; then
    both said 'at step N - 1' while the status bar said 'step N'. Row i of the counts is the state
    step i found before its update: that after i steps (a shock fired at step i included). At
    rest the plot ends, and the table is, at the state after the N steps run (what step N will
    count); live, both name the last row counted."""
    v = show(PopulationView(controller, PopulationFollower(size=50)))
    controller.sim.run(30)
    controller.bias_shock(-10.0)  # applied before step 30's forward pass
    controller.sim.run(1)
    assert v.follower.sync(controller.sim, controller.journal)
    v.refresh(force=True)
    pop = v.follower.pop
    assert pop.t == 31 and pop.counts()[-2, 0, State.DEAD] < 50  # step 29: before the shock
    assert pop.counts()[-1, 0, State.DEAD] == 50  # step 30: after it, ReLU dead
    x, y = v.capacity_values[0], v.capacity_values[1][0]
    assert np.array_equal(x, v.curves[0].getData()[0])
    assert x[-2] == 30 and y[-2] == 100.0 and x[-1] == 31 and y[-1] == 100.0
    assert "after 31 steps, by state:" in v.table.text()
    assert "<td align='right'>50</td><td align='right'>0</td><td align='right'>100.0&nbsp;%</td>"\
        "<td align='right'><b>100.0&nbsp;%" in v.table.text()  # ReLU: 50 dead, 0 div., none fire
    assert v.capacity.getAxis("bottom").labelText.startswith("steps run")
    controller.play()  # live (no tick before the event loop runs): the last row counted
    try:
        v.refresh(force=True)
        x, _ = v.curves[0].getData()
        assert x[-1] == 30 and "after 30 steps and the shock, by state:" in v.table.text()
    finally:
        controller.pause()


def test_at_rest_the_table_is_at_the_status_bars_step(qtbot):
    """After the catch-up the table said 'at step 1,999' and the status bar 'step 2,000'. At rest
    the table shows the counts after the steps run, the status bar's number, and they are the
    counts the next step records."""
    w = helpers.open_window(qtbot)
    try:
        w.controller.sim.run(200)
        w.controller.step_once()  # the status bar: step 201
        titles = [w.tabs.tabText(i) for i in range(w.tabs.count())]
        w.tabs.setCurrentIndex(titles.index("Population"))
        view = w.tabs.currentWidget().view
        f = view.follower
        qtbot.waitUntil(lambda: not view._catch_up.isActive() and f.pop is not None
                        and f.pop.t == w.controller.sim.t and not f.busy, timeout=30_000)
        view.refresh(force=True)
        t = w.controller.sim.t
        assert w.step_label.text() == f"step {t:,}"
        assert f"after {t:,} steps, by state:" in view.table.text()
        assert view.status.text().startswith(f"{len(f.pop.lanes)} × ")  # not catching up
        x, _ = view.curves[0].getData()
        assert x[-1] == t
        shown = view._now.copy()
        f.pop.run(1)  # what step t then counts: the same numbers
        np.testing.assert_array_equal(f.pop.counts()[-1], shown)
    finally:
        w.controller.pause()
        w.close()


def _fully_shown(label):
    """The whole text of ``label`` fits in it (wrapped, or on its one line)."""
    if label.wordWrap():
        return label.heightForWidth(label.width()) <= label.height()
    return label.fontMetrics().horizontalAdvance(label.text()) <= label.contentsRect().width()


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_status_line_is_never_cut(qtbot, size):
    """At 1280 px the status ('6 × 1,000 neurons · 10.0 ms a…') was cut in the controls row."""
    w = helpers.open_window(qtbot, size)
    titles = [w.tabs.tabText(i) for i in range(w.tabs.count())]
    w.tabs.setCurrentIndex(titles.index("Population"))
    view = w.tabs.currentWidget().view
    qtbot.waitUntil(lambda: bool(view.follower.pop is not None and view.status.text()),
                    timeout=5_000)
    view.follower.wait()
    view.refresh(force=True)
    qtbot.wait(20)  # the layout settles
    assert "neurons" in view.status.text() and _fully_shown(view.status)
    view.status.setText("catching up with the lanes: step 12,345 of 23,456")  # the longest
    qtbot.wait(20)
    assert _fully_shown(view.status)
    w.close()


def test_before_the_first_step_the_texts_say_what_is_measured(controller, show):
    """Step 0: the dropout lane is there (no 'set a dropout rate'), and the table does not claim
    counts 'at step 0' it does not have: it shows the states at the start, before step 0."""
    v = show(PopulationView(controller, PopulationFollower(size=50, dropout=0.5)))
    v.follower.sync(controller.sim, controller.journal)
    v.refresh(force=True)
    assert v.follower.pop.t == 0
    finding = v.finding.text()
    assert "set a dropout rate" not in finding
    assert "ReLU + dropout 0.5" in finding and "from the first step" in finding
    table = v.table.text()
    assert "at step 0" not in table and "before step 0" in table
    controller.sim.run(2)
    v.follower.sync(controller.sim, controller.journal)
    v.refresh(force=True)
    assert "after 2 steps," in v.table.text() and "of 50 dead" in v.finding.text()


def test_dropout_lane_looks_different_from_relu(controller, show):
    """ReLU + dropout had exactly ReLU's colour: now a dashed pen in a variant of it, the same
    in the capacity plot, the histograms and the table's key."""
    v = show(PopulationView(controller, PopulationFollower(size=20, dropout=0.5)))
    controller.sim.run(3)
    v.follower.sync(controller.sim, controller.journal)
    v.refresh(force=True)
    lanes = v.follower.pop.lanes
    relu = next(i for i, s in enumerate(lanes) if s.activation == "relu" and not s.dropout)
    drop = next(i for i, s in enumerate(lanes) if s.dropout)
    for items in (v.curves, v.hist["b"], v.hist["z"]):
        a, b = items[relu].opts["pen"], items[drop].opts["pen"]
        assert a.color().name() != b.color().name()
        assert b.style() == Qt.PenStyle.DashLine and a.style() == Qt.PenStyle.SolidLine
    color = v.curves[drop].opts["pen"].color().name()
    assert f"color:{color}'><b>┅</b>" in v.table.text()
    relu_color = v.curves[relu].opts['pen'].color().name()
    assert f"color:{relu_color}'><b>━</b>" in v.table.text().lower()


def _lines(html_text, width, qfont):
    """The lines ``html_text`` is laid out in at ``width`` px (as a word-wrapped QLabel does)."""
    from PySide6.QtGui import QTextDocument

    doc = QTextDocument()
    doc.setDefaultFont(qfont)
    doc.setDocumentMargin(0)
    doc.setHtml(html_text)
    doc.setTextWidth(width)
    doc.size()  # lays the text out
    out = []
    block = doc.begin()
    while block.isValid():
        layout = block.layout()
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            out.append(block.text()[line.textStart():line.textStart() + line.textLength()])
        block = block.next()
    return out


@pytest.mark.parametrize("top", [100, 2000])
def test_death_map_key_never_parts_a_swatch_from_its_label(controller, show, top):
    """At 1280 px the magenta swatch ended a line and 'diverged' began the next ('not by the ⏎
    end' split); at 1920 px the '1,000' swatch and its label were on separate lines."""
    from widgets.death_map_images import legend_text

    v = show(DeathMapView(controller))
    text = legend_text(top)
    labels = ["alive", "recovering", "saturated", "dead", "diverged", "never knocked out",
              "1", "10", "not by the end"] + (["100", "1,000"] if top >= 1000 else [])
    for width in range(200, 1700, 9):
        lines = _lines(text, width, v.legend.font())
        for label in labels:  # every swatch and its whole label on one line
            entry = "██\u00a0" + label.replace(" ", "\u00a0")
            assert any(entry in line for line in lines), (width, label, lines)
        assert not any(line.rstrip().endswith("█") for line in lines), (width, lines)
