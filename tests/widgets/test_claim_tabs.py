"""The claim tabs: each builds, a tiny run completes, the plots hold the model's numbers, runs stop
when the window closes (not when another tab is shown), and nothing is left running. Before a
run the plots show the ranges the controls describe, with readable ticks."""

from itertools import pairwise

import numpy as np
import pytest
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QApplication

from app.application import configure_pyqtgraph
from app.claim_tabs import TABS, LazyTab
from simulation import claims, cost, datasets2d, selfnorm
from simulation.dropout_net import DropoutExperiment, RunSpec
from tests import helpers
from tests.test_claim_cli import lost_shares
from widgets.claim_plots import MIN_TICK_GAP, LogTicks
from widgets.claims_view import ClaimsView
from widgets.cost_view import CostView
from widgets.dropout_view import DropoutView
from widgets.selfnorm_view import SelfNormView


@pytest.fixture
def show(qtbot):
    """show(view): the view shown at 1280x720, pyqtgraph set up as the app does."""
    configure_pyqtgraph()
    return lambda view: helpers.show(qtbot, view)


def finish(qtbot, view, timeout=20_000):
    qtbot.waitUntil(lambda: not view.runner.running, timeout=timeout)


def small_selfnorm_run(show, qtbot):
    """A SelfNormView shown, after a run of 4 layers x 16 units x 30 samples."""
    v = show(SelfNormView())
    v.depth.setValue(4)
    v.width.setValue(16)
    v.samples.setValue(30)
    v.toggle()
    finish(qtbot, v)
    return v


def small_dropout_run(show, qtbot):
    """A DropoutView shown, after a run of 2 epochs on 64 samples."""
    v = show(DropoutView())
    v.epochs.setValue(2)
    v.n_train.setValue(64)
    v.toggle()
    finish(qtbot, v)
    return v


def labels(plot, side="left"):
    """The tick labels the axis on ``side`` of ``plot`` draws now (pyqtgraph leaves out those
    that would stick out of the axis), in the order of their values."""
    QApplication.processEvents()
    axis = plot.getAxis(side)
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        _, _, texts = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    across = (lambda r: -r.center().y()) if side == "left" else (lambda r: r.center().x())
    texts = sorted(texts, key=lambda t: across(t[0]))
    rects = [r for r, _, _ in texts]
    for a, b in pairwise(rects):  # none touching its neighbour
        assert not a.intersects(b), [t for _, _, t in texts]
    return [t for _, _, t in texts]


def x_range(plot):
    return plot.viewRange()[0]


def test_selfnorm_plots_before_a_run_show_the_layers_and_decades(show):
    v = show(SelfNormView())
    assert v.run is None and v.depth.value() == 50
    lo, hi = x_range(v.mean_plot)
    assert -2 < lo <= 0 and 50 <= hi < 52
    assert labels(v.dead_plot, "bottom") == ["0", "10", "20", "30", "40", "50"]
    assert labels(v.var_plot) == ["10⁻²", "10⁻¹", "1", "10", "10²"]  # whole decades only
    mean = labels(v.mean_plot)
    assert (mean[0], mean[-1]) == ("-1", "1") and "0" in mean
    assert labels(v.dead_plot) == ["0", "50", "100"]
    v.depth.setValue(3)  # the axis follows the depth Run would measure, in whole layers
    assert labels(v.dead_plot, "bottom") == ["0", "1", "2", "3"]
    assert labels(v.mean_plot, "bottom") == ["0", "1", "2", "3"]


def test_selfnorm_plots_follow_the_data_once_run(show, qtbot):
    v = small_selfnorm_run(show, qtbot)
    for p in (v.mean_plot, v.var_plot):
        assert p.vb.autoRangeEnabled()[1]  # y autoranges to the data again
    lo, hi = v.var_plot.viewRange()[1]
    logs = np.log10(np.concatenate([s.var for s in v.run.stats]))
    assert lo <= logs.min() and logs.max() <= hi and hi - lo < 4  # not the empty 10⁻²..10²
    v.depth.setValue(10)  # after a run the axis keeps the layers measured
    assert x_range(v.mean_plot)[1] < 5


def test_dropout_plots_before_a_run_show_the_epochs_and_ranges(show):
    v = show(DropoutView())
    assert v.experiment is None and v.epochs.value() == 30
    for p in v._plots():
        lo, hi = x_range(p)
        assert -1 < lo <= 0 and 30 <= hi < 32  # one epoch axis: dead units from epoch 0
        assert labels(p, "bottom")[-1] == "30"
    assert labels(v.dead_plot, "bottom")[0] == "0"
    assert labels(v.loss_plot) == ["10⁻²", "10⁻¹", "1", "10"]
    lo, hi = v.acc_plot.viewRange()[1]
    assert lo <= 0 and 100 <= hi < 110
    acc = labels(v.acc_plot)
    assert (acc[0], acc[-1]) == ("0", "100")
    dead = labels(v.dead_plot)
    assert (dead[0], dead[-1]) == ("0", "8")
    v.epochs.setValue(12)  # the axes follow the epochs Run would train
    assert 12 <= x_range(v.acc_plot)[1] < 13
    v.epochs.setValue(1)  # whole epochs only (the run shows epochs 1..2 at least)
    assert labels(v.loss_plot, "bottom") == ["0", "1", "2"]


def test_dropout_plots_follow_the_data_once_run(show, qtbot):
    v = small_dropout_run(show, qtbot)
    for p in (v.loss_plot, v.acc_plot):
        assert p.vb.autoRangeEnabled()[1]
    acc = np.concatenate([h.test_accuracy for h in v.experiment.histories])
    lo, hi = v.acc_plot.viewRange()[1]
    assert lo <= acc.min() and acc.max() <= hi and hi - lo < 100  # not the empty 0..100
    v.epochs.setValue(30)  # after a run the axes keep the epochs trained
    assert x_range(v.acc_plot)[1] < 3


@pytest.mark.parametrize("lo, hi", [(0, 1), (-0.2, 0.9), (0.3, 0.6), (-0.4, 2.1), (-3, 2)])
@pytest.mark.parametrize("size", [100, 140, 250, 600, 1000])
def test_log_ticks_are_never_crowded(lo, hi, size):
    axis = LogTicks("left")
    axis.logMode = True
    values = sorted(v for _, level in axis.tickValues(lo, hi, size) for v in level)
    assert values and all(lo <= v <= hi for v in values)
    gaps = np.diff(values) * size / (hi - lo)
    assert (gaps >= MIN_TICK_GAP).all(), axis.tickStrings(values, 1.0, 1.0)


def test_selfnorm_plots_hold_the_layer_statistics(show, qtbot):
    v = small_selfnorm_run(show, qtbot)
    assert v.run.done and v.run_button.text() == "Run"
    for s in v.run.stats:
        mean_c, var_c, dead_c = v.curves[s.activation]
        assert list(mean_c.getData()[1]) == s.mean
        np.testing.assert_allclose(var_c.yData, s.var)  # getData() is log10 in log mode
        np.testing.assert_allclose(dead_c.getData()[1], 100 * np.asarray(s.dead_fraction))
        assert mean_c.isVisible()
    assert not v.curves["gelu"][0].isVisible()
    assert v.table.rowCount() == len(selfnorm.DEFAULT_ACTIVATIONS)
    assert "Layer 4 of 4" in v.status.text()


def test_dropout_plots_hold_the_histories(show, qtbot):
    v = small_dropout_run(show, qtbot)
    e = v.experiment
    assert e.done and len(e.runs) == 6  # ReLU, Leaky ReLU, ELU, without and with dropout
    for h in e.histories:
        loss, acc, dead = v.curves[(h.spec.activation, h.spec.dropout > 0)]
        np.testing.assert_allclose(loss.yData, h.train_loss)
        assert list(acc.getData()[1]) == h.test_accuracy
        # the dead units from epoch 0 (before training: the first number of the key) on
        x, y = dead.getData()
        assert list(x) == list(range(len(h.dead) + 1)) and list(y) == [h.initial_dead, *h.dead]
        assert f"dead {h.initial_dead} → {h.dead[-1]}" in v.legend.text()
    lo, _ = x_range(v.dead_plot)
    assert -1 < lo <= 0
    assert "ReLU + dropout 0.5</b></span>: dead " in v.legend.text()
    assert len(v.scatter.data) == 64


def test_dropout_reports_an_unusable_mnist_file(show, tmp_path):
    v = show(DropoutView())
    v.dataset.setCurrentIndex(v.dataset.findData("mnist"))
    v.mnist_path.setText(str(tmp_path / "missing.npz"))
    v.toggle()
    assert "does not exist" in v.status.text() and not v.runner.running


def test_cost_table_and_bars(show, qtbot):
    v = show(CostView())
    v.start(cost.CostRun(size=2000, repeats=2))
    finish(qtbot, v)
    rows = v.run.rows()
    assert v.table.rowCount() == len(rows) == 7
    assert v.table.item(0, 4).text() == "1.00×"
    heights, base = np.asarray(v.bars.opts["height"]), v.bars.opts["y0"]
    np.testing.assert_allclose(base + heights, np.log10([r.ratio for r in rows]))
    assert len(v.seed_marks.data) == 3  # ReLU, Leaky ReLU, ELU have a seed number


def test_cost_bars_are_all_visible(show, qtbot):
    """ReLU's 1.00x was a bar of height 0 on a log axis starting at 1: every bar now stands on
    the bottom of the axis, below the smallest ratio, with its value above it."""
    v = show(CostView())
    v.start(cost.CostRun(size=2000, repeats=2))
    finish(qtbot, v)
    rows = v.run.rows()
    heights, base = np.asarray(v.bars.opts["height"]), v.bars.opts["y0"]
    bottom, top = v.plot.viewRange()[1]
    assert bottom == pytest.approx(base)
    px = v.plot.vb.height() / (top - bottom)  # pixels per decade
    assert (heights * px >= 10).all()  # every bar at least 10 px tall, ReLU's too
    assert bottom < 0 and "1" in labels(v.plot)  # the axis starts below 1 (ratio 1: log 0)
    for i, row in enumerate(rows):
        label = v.value_labels[i]
        assert label.isVisible() and label.toPlainText() == f"{row.ratio:.2f}×"
        assert bottom < label.pos().y() < top
        assert v.plot.vb.sceneBoundingRect().contains(label.sceneBoundingRect())  # not cut


def test_star_table_fills_and_explains_cells(show, qtbot):
    v = show(ClaimsView())
    assert "here  ?" in v.table.item(0, 0).text()  # not measured yet
    v.start(claims.ClaimsRun(epochs=2, n_train=64, repeats=1, seeds=2, grid=3))
    finish(qtbot, v, timeout=60_000)
    assert v.table_cells
    # what was done, not "Now: done"
    n_acts = len(claims.COLUMNS)
    trained = len(datasets2d.DATASETS) * 2 * n_acts
    stage = v.stage.text()
    assert stage.startswith(f"Measured in {v.elapsed:.1f} s: the numpy cost of {n_acts} "
                            f"activations, {trained} network trainings") and "done" not in stage
    assert f"{3 * 3 * n_acts} death-map shocks" in stage and v.elapsed > 0
    speed_relu = v.table.item(0, 0).text()
    assert "here  ★★★★★" in speed_relu and "1.00× ReLU" in speed_relu
    v.table.setCurrentCell(2, 3)  # dead-neuron risk, ELU
    assert "presets" in v.detail.text() and "ELU" in v.detail.text()
    assert "Death map" in v.detail.text() and "3 × 3 = 9 shocks" in v.detail.text()
    shares = lost_shares(3)  # straight from a sweep with the same settings
    row = claims.METRICS.index("risk")
    for c, a in enumerate(claims.COLUMNS):
        cell = v.table_cells["risk"][a]
        assert cell.evidence["death_map_share"] == pytest.approx(shares[a])
        assert cell.value == max(cell.evidence[k] for k in ("death_map_share", "preset_share",
                                                            "network_share"))
        item = v.table.item(row, c)
        assert f"here  {claims.stars_text(cell.stars)}" in item.text()
        assert "Death map" in item.toolTip()
        if v._three_lines:
            assert f"map {shares[a]:.0%} · risk {cell.value:.0%}" in item.text()
        # pastel agreement colours: dark text whatever the theme (light text was unreadable)
        assert item.foreground().color().lightness() < 60
        assert item.background().color().lightness() > 200


def test_measure_uses_the_seed_count(show):
    v = show(ClaimsView())
    v.seeds.setValue(2)
    v.toggle()
    try:
        assert v.runner.running and v.run.seeds == 2
    finally:
        v.toggle()
    assert not v.runner.running and v.run_button.text() == "Measure"
    assert v.stage.text().startswith("Stopped while ")  # not "Now: ..." once stopped


def test_runs_survive_tab_switches_and_stop_when_the_window_closes(qtbot):
    w = helpers.open_window(qtbot)
    titles = [w.tabs.tabText(i) for i in range(w.tabs.count())]
    assert titles[1:5] == [t for _, t, _ in TABS]
    pages = [w.tabs.widget(i) for i in range(1, 5)]
    assert all(isinstance(p, LazyTab) and not p.is_built for p in pages)  # built on demand
    w.tabs.setCurrentIndex(2)
    view = pages[1].view
    split = datasets2d.make("xor", 2000, 500)
    view.start(DropoutExperiment(split, [RunSpec("relu")], epochs=200))
    qtbot.wait(50)
    w.tabs.setCurrentIndex(0)
    qtbot.wait(50)
    assert view.runner.running  # another tab in front: the run goes on
    w.close()
    assert not view.runner.running


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)])
def test_every_tab_fits_the_window(qtbot, size):
    w = helpers.open_window(qtbot, size)
    for i in range(1, 5):
        w.tabs.setCurrentIndex(i)
        qtbot.wait(10)
        hint = w.minimumSizeHint()
        assert hint.width() <= 1280 and hint.height() <= 720
        assert w.width() == size[0] and w.height() == size[1]
