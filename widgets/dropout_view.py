"""The dropout-network tab: seed 002's experiment on a built-in 2-D dataset (or a local MNIST).

Training loss and test accuracy per epoch (the seed's figure) and the dead hidden units per epoch
from epoch 0, before training (seed 000's ``check_dead_neurons``), one colour per activation,
dashed with dropout. Run starts a :class:`simulation.dropout_net.DropoutExperiment`, driven a
few batches per timer tick.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QLineEdit,
    QProgressBar,
    QPushButton,
)

from simulation import activations, datasets2d, mnist
from simulation.dropout_net import SEED_ACTIVATIONS, SEED_DROPOUT, DropoutExperiment, RunSpec
from widgets import style
from widgets.capped_label import CappedLabel
from widgets.claim_common import (
    ActivationChecks,
    ClaimView,
    follow_y,
    form,
    hbox,
    hold_y,
    make_plot,
    pen,
    plot_area,
    side_panel,
    spin,
    vbox,
    wrap_label,
)
from widgets.claim_controls import pinned
from widgets.claim_plots import keep_y_labels_whole
from widgets.overlap_lines import overlap_note, widen_covered
from widgets.style import lane_color

CLAIM = ("Tutorial 002: ReLU + dropout “just works”: dropout does not make the dead-neuron "
         "problem worse. A 2 → 128 → K network (2 inputs, 128 hidden units, K outputs: one per "
         "class of the dataset; Adam, lr 0.001, batch 64), trained with and without dropout. "
         "Dead = 0 for every training sample.")
NAMES = ("relu", "leaky_relu", "elu", "prelu", "selu", "gelu", "silu")
MNIST = "mnist"
MNIST_NOTE = ("MNIST: an mnist.npz file or a folder of the four IDX files, read from your disk "
              "(never downloaded).")
NO_MNIST = ("Choose the MNIST data first: an mnist.npz file (Browse…), or type the folder that "
            "holds the four IDX files (train-images-idx3-ubyte or .gz and the others).")
CLASS_SYMBOLS = ("o", "t", "s")
EMPTY_LOSS_DECADES = (-2.0, 1.0)  # the y ranges before a run: loss 10⁻²..10, accuracy 0..100 %
EMPTY_ACCURACY = (0.0, 100.0)
MIN_DEAD_TOP = 8  # the dead-unit axis shows at least 0..8 units
PANEL_WIDTH = 470  # the controls' column, px; wider when presenting's fonts need it


class DropoutView(ClaimView):
    """Controls on the left; loss, accuracy, dead units and the data on the right."""

    def __init__(self) -> None:
        super().__init__("dropout-runner")
        self.experiment: DropoutExperiment | None = None
        self.dataset = QComboBox()
        for name, (_, k, text) in datasets2d.DATASETS.items():
            self.dataset.addItem(f"{name} ({k} classes)", name)
            self.dataset.setItemData(self.dataset.count() - 1, text, Qt.ItemDataRole.ToolTipRole)
        self.dataset.addItem("MNIST from a local file", MNIST)
        self.mnist_path = QLineEdit()
        self.mnist_path.setToolTip(MNIST_NOTE)
        # what goes in the field, in full: a placeholder cannot wrap, and was cut ("mnist.npz o…")
        self.mnist_note = wrap_label(MNIST_NOTE)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        self.n_train = spin(16, 60_000, 1000)
        self.epochs = spin(1, 500, 30)
        self.seed = spin(0, 2**31 - 1, 0)
        self.rate = QDoubleSpinBox()
        self.rate.setRange(0.05, 0.9)
        self.rate.setSingleStep(0.05)
        self.rate.setValue(SEED_DROPOUT)
        self.without = QCheckBox("without dropout ━")
        self.with_ = QCheckBox("with dropout ┅")
        for box in (self.without, self.with_):
            box.setChecked(True)
        self.checks = ActivationChecks(NAMES, SEED_ACTIVATIONS)
        self.progress = QProgressBar()
        self.progress.setVisible(False)  # until a run starts: empty, it looks like a text field
        self.status = wrap_label()

        controls = form(("Dataset", self.dataset),
                        ("MNIST file", hbox((self.mnist_path, 1), browse)),
                        ("Training samples", self.n_train), ("Epochs", self.epochs),
                        ("Dropout rate", self.rate), ("Seed", self.seed))
        controls.insertRow(2, self.mnist_note)  # under the field, across the form's width
        panel = side_panel(vbox(wrap_label(CLAIM), controls, hbox(self.without, self.with_),
                                self.checks, (self.status, 1)), PANEL_WIDTH)
        self.panel = panel
        panel.widget().installEventFilter(self)  # its least width grows with presenting's fonts

        self.plots = plot_area()
        self.loss_plot = make_plot(self.plots, 0, "training loss (log)", "epoch", log_y=True,
                                   whole_x=True)
        self.acc_plot = make_plot(self.plots, 0, "test accuracy %", "epoch", col=1, whole_x=True)
        self.dead_plot = make_plot(self.plots, 1, "dead hidden units", "epoch", whole_x=True)
        for p in (self.acc_plot, self.dead_plot):  # one epoch at one x in every epoch plot
            p.setXLink(self.loss_plot)
        self.data_plot = make_plot(self.plots, 1, "x2", "x1", col=1)
        self.data_plot.setAspectLocked(True)
        keep_y_labels_whole(*self._plots(), self.data_plot)
        th = style.theme()
        self.class_brushes = (th.text, th.muted, th.plot_bg)  # filled dark, grey, hollow
        self.scatter = pg.ScatterPlotItem(size=5, pen=pg.mkPen(th.text, width=0.6))
        self.data_plot.addItem(self.scatter)
        self.curves = {(n, d): [p.plot(pen=pen(n, dashed=d)) for p in self._plots()]
                       for n in NAMES for d in (False, True)}
        self.legend = CappedLabel(0.3)  # at most 0.3 of the height: the plots keep theirs
        self.place(pinned(panel, self.run_button, self.progress), self.legend, (self.plots, 1))
        self.dataset.currentIndexChanged.connect(self._dataset_changed)
        self.n_train.valueChanged.connect(self._dataset_changed)
        self.seed.valueChanged.connect(self._dataset_changed)
        self.epochs.valueChanged.connect(self._epochs_changed)
        self.runner.progressed.connect(self.refresh)
        self._dataset_changed()
        hold_y(self.loss_plot, *EMPTY_LOSS_DECADES)
        hold_y(self.acc_plot, *EMPTY_ACCURACY)
        self._show_dead_range(0)
        self._show_epochs(self.epochs.value())
        self.refresh()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.panel.widget() and event.type() == QEvent.Type.LayoutRequest:
            self._fit_panel()
        return super().eventFilter(watched, event)

    def _fit_panel(self) -> None:
        """The controls' column at least as wide as its content needs (presenting's larger
        fonts): never cut at its right edge, where its horizontal scroll bar is off."""
        bar = self.panel.verticalScrollBar().sizeHint().width()
        need = self.panel.widget().minimumSizeHint().width() + bar
        width = max(PANEL_WIDTH, need)
        if width != self.panel.width():
            self.panel.setFixedWidth(width)

    def _plots(self) -> tuple[pg.PlotItem, ...]:
        return self.loss_plot, self.acc_plot, self.dead_plot

    # --- intents ---------------------------------------------------------------------------------
    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "MNIST file", "", "NumPy archive (*.npz)")
        if path:
            self.mnist_path.setText(path)
            self.dataset.setCurrentIndex(self.dataset.findData(MNIST))

    def _dataset_changed(self) -> None:
        is_mnist = self.dataset.currentData() == MNIST
        self.mnist_path.setEnabled(is_mnist)
        self.data_plot.setVisible(not is_mnist)
        if not is_mnist:
            self._show_data(datasets2d.make(self.dataset.currentData(), self.n_train.value(), 1,
                                            self.seed.value()))

    def _epochs_changed(self) -> None:
        if self.experiment is None:  # before the first run the axes show the epochs Run trains
            self._show_epochs(self.epochs.value())

    def specs(self) -> list[RunSpec]:
        """The runs the controls ask for (at least ReLU without dropout)."""
        rates = [0.0] * self.without.isChecked() + [self.rate.value()] * self.with_.isChecked()
        names = self.checks.selected() or ("relu",)
        return [RunSpec(a, r) for r in (rates or [0.0]) for a in names]

    def split(self) -> datasets2d.Split:
        """The data the controls ask for (MnistError when the MNIST file is unusable)."""
        n = self.n_train.value()
        if self.dataset.currentData() == MNIST:
            return mnist.load(self.mnist_path.text().strip(), n_train=n, n_test=min(n, 10_000))
        return datasets2d.make(self.dataset.currentData(), n, n, self.seed.value())

    def _start_from_controls(self) -> None:
        no_file = self.dataset.currentData() == MNIST and not self.mnist_path.text().strip()
        try:
            split = None if no_file else self.split()
        except (mnist.MnistError, OSError) as e:
            split, problem = None, f"MNIST: {e}"
        else:
            problem = NO_MNIST
        if split is None:  # nothing of another dataset's run left looking like MNIST's
            self.clear()
            self.status.setText(f"<span style='color:#c33'>{html.escape(problem)}</span>")
            return
        self.start(DropoutExperiment(split, self.specs(), self.epochs.value(), self.seed.value()))

    def clear(self) -> None:
        """No run shown: empty plots on their first ranges, no progress bar, no key."""
        self.experiment = None
        for curves in self.curves.values():
            for c in curves:
                c.setData([], [])
        self.progress.setVisible(False)
        hold_y(self.loss_plot, *EMPTY_LOSS_DECADES)  # the axes of an empty plot, as at first
        hold_y(self.acc_plot, *EMPTY_ACCURACY)
        self._show_dead_range(0)
        self.legend.setText("")
        self.legend.setToolTip("")
        self.refresh()

    def start(self, experiment: DropoutExperiment) -> None:
        """Show and run ``experiment``."""
        self.experiment = experiment
        used = {(s.activation, s.dropout > 0) for s in (r.spec for r in experiment.runs)}
        for key, curves in self.curves.items():
            for c in curves:
                c.setVisible(key in used)
                c.setData([], [])
        self._show_epochs(experiment.epochs)
        for p in (self.loss_plot, self.acc_plot):
            follow_y(p)
        if experiment.split.n_features == 2:
            self._show_data(experiment.split)
        self._launch(experiment)

    # --- model -> view ----------------------------------------------------------------------------
    def _show_epochs(self, epochs: int) -> None:
        """Epochs 0..``epochs`` (at least 0..2) on the linked x axes of the curves, with room on
        the right for the label of the last epoch: the dead units from epoch 0 (before training),
        loss and accuracy from epoch 1, each epoch at the same x in every plot."""
        last = max(epochs, 2)
        for p in self._plots():  # linked, but not before they are laid out
            p.setXRange(-0.02 * last, 1.04 * last, padding=0)

    def _show_dead_range(self, most_dead: float, hidden: int | None = None) -> None:
        """Dead units from 0 to a quarter above ``most_dead`` (at least :data:`MIN_DEAD_TOP`, at
        most ``hidden``, all of them, if given), with room for the labels at the ends."""
        top = max(MIN_DEAD_TOP, 1.25 * most_dead)
        top = top if hidden is None else min(hidden, top)
        self.dead_plot.setYRange(-0.06 * top, 1.06 * top, padding=0)

    def _show_data(self, split: datasets2d.Split) -> None:
        x, y = split.x_train, split.y_train
        self.scatter.setData(x=x[:, 0], y=x[:, 1], brush=[self.class_brushes[c % 3] for c in y],
                             symbol=[CLASS_SYMBOLS[c % 3] for c in y])

    def refresh(self) -> None:
        """Draw the epochs finished so far and the dead-unit comparison."""
        e = self.experiment
        if e is None:
            self.status.setText("Press Run to train.")
            return
        self.progress.setVisible(True)
        self.progress.setValue(round(100 * e.progress))
        s = e.split
        self.status.setText(f"{s.name}: {len(s.y_train):,} training / {len(s.y_test):,} test "
                            f"samples, {s.n_classes} classes · epoch {e.epochs_done} of "
                            f"{e.epochs} · seed {e.seed}")
        for h in e.histories:
            epochs = np.arange(1, len(h.train_loss) + 1)
            loss, acc, dead = self.curves[(h.spec.activation, h.spec.dropout > 0)]
            loss.setData(epochs, h.train_loss)
            acc.setData(epochs, h.test_accuracy)
            if h.dead:  # from epoch 0: the count before training, as in the key
                dead.setData(np.arange(len(h.dead) + 1), [h.initial_dead, *h.dead])
            else:
                dead.setData([], [])
        self._show_dead_range(max(max(h.dead, default=h.initial_dead) for h in e.histories),
                              e.hidden)
        self._show_legend(e)

    def _show_overlaps(self) -> str:
        """Lines of equal values each visible (wider beneath); the key's words for them (which
        lines, in its tooltip)."""
        lanes = [(f"{activations.get(n).label} {'┅' if d else '━'}", curves)
                 for (n, d), curves in self.curves.items()]
        note, which = overlap_note({
            name: widen_covered(plot, [(label, c[k]) for label, c in lanes])
            for k, (name, plot) in enumerate(zip(("loss", "accuracy", "dead units"),
                                                 self._plots(), strict=True))})
        self.legend.setToolTip(which)
        return note

    def _show_legend(self, e: DropoutExperiment) -> None:
        """The key, which is also the results: dead units before → now, last test accuracy."""
        by_act: dict[str, list[str]] = {}  # one row per activation: its runs side by side
        for h in e.histories:
            end = f"{h.dead[-1]}" if h.dead else "…"
            acc = f"{h.test_accuracy[-1]:.1f} %" if h.test_accuracy else "…"
            by_act.setdefault(h.spec.activation, []).append(
                f"<td style='padding-right:24px'><span style='color:"
                f"{lane_color(h.spec.activation)}'><b>{'┅' if h.spec.dropout else '━'} "
                f"{h.spec.label}</b></span>: dead {h.initial_dead} → {end}, test {acc}</td>")
        rows = ["<tr>" + "".join(cells) + "</tr>" for cells in by_act.values()]
        note = self._show_overlaps()
        self.legend.setText(f"{html.escape(e.split.name)}: dead hidden units of {e.hidden} "
                            f"(before training → epoch {e.epochs_done}) and test accuracy:"
                            f"<table>{''.join(rows)}</table>{note}")
