"""The set-up panel shows a config and emits the edited values."""

from simulation import presets
from simulation.config import RunConfig
from widgets.setup_panel import SetupPanel


def test_shows_and_emits_config(qtbot):
    cfg = presets.get("bias-shock").config()
    panel = SetupPanel(cfg)
    qtbot.addWidget(panel)
    assert panel.seed.value() == cfg.seed and panel.n.value() == cfg.data.n
    assert [n for n, c in panel.lane_checks.items() if c.isChecked()] == \
        [lane.activation for lane in cfg.lanes]
    panel.seed.setValue(11)
    panel.w1.setValue(-0.25)
    panel.lane_checks["gelu"].setChecked(True)
    panel.lane_checks["prelu"].setChecked(False)
    with qtbot.waitSignal(panel.config_requested) as sig:
        panel.apply_button.click()
    overrides = sig.args[0]
    assert overrides["seed"] == 11 and overrides["init"]["w1"] == -0.25
    lanes = [lane["activation"] for lane in overrides["lanes"]]
    assert "gelu" in lanes and "prelu" not in lanes
    d = cfg.to_dict()
    d.update(overrides, data={**d["data"], **overrides["data"]})
    assert RunConfig.from_dict(d).seed == 11


def test_random_init_disables_weights(qtbot):
    panel = SetupPanel(RunConfig())
    qtbot.addWidget(panel)
    panel.random_init.setChecked(True)
    assert not panel.w1.isEnabled()
    assert panel.overrides()["init"] == "random"


def test_weight_shock_intent(qtbot):
    panel = SetupPanel(RunConfig())
    qtbot.addWidget(panel)
    panel.shock_w1.setValue(-3.0)
    panel.shock_w2.setValue(1.5)
    with qtbot.waitSignal(panel.weight_shock_requested) as sig:
        panel.findChildren(type(panel.apply_button))[-1].click()
    assert sig.args == [-3.0, 1.5]
