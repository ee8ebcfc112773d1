"""Words a newcomer needs in the self-normalization and dropout tabs: the table's "dead" and
"∞-width var" headers explained, the dropout claim saying what K is, and the source documents
called tutorials (the random seed keeps the word "seed")."""

from PySide6.QtWidgets import QLabel

from app.claim_tabs import TABS
from tests import helpers
from widgets.dropout_view import DropoutView
from widgets.selfnorm_view import SelfNormView


def texts(view) -> list[str]:
    return [label.text() for label in view.findChildren(QLabel)]


def test_selfnorm_table_headers_dead_and_infinite_width_have_tooltips(qtbot):
    v = helpers.show(qtbot, SelfNormView())
    header = {v.table.horizontalHeaderItem(c).text(): v.table.horizontalHeaderItem(c).toolTip()
              for c in range(v.table.columnCount())}
    assert "share of units" in header["dead"]
    assert "infinitely many units" in header["∞-width\nvar"]


def test_dropout_claim_says_what_k_is(qtbot):
    v = helpers.show(qtbot, DropoutView())
    claim = next(t for t in texts(v) if "→ K network" in t)
    assert "K outputs: one per class" in claim


def test_the_claims_name_their_tutorials_not_seeds(qtbot):
    for view in (SelfNormView(), DropoutView()):
        v = helpers.show(qtbot, view)
        shown = " ".join(texts(v))
        assert "Tutorial 00" in shown
        assert "Seed 00" not in shown and "seed's" not in shown


def test_the_tabs_tooltips_name_tutorials_and_say_what_k_is():
    tips = {title: tip for _, title, tip in TABS}
    for title in ("Self-normalization", "Dropout network"):
        assert tips[title].startswith("Tutorial 00") and "Seed" not in tips[title]
    assert "K: one output per class" in tips["Dropout network"]
