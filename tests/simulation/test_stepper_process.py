"""The second process that steps the live lanes: its chunks, absorbed, are the run bit for bit."""

import time

import numpy as np
import pytest

from simulation import presets
from simulation.config import RunConfig
from simulation.engine import Simulation
from simulation.stepper_process import StepperProcess, absorb


def same(a, b):
    return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)


def config(name: str) -> RunConfig:
    if name in presets.PRESETS:
        return presets.get(name).config()
    d = presets.get("bias-shock").config().to_dict()
    if name == "dropout":
        d["lanes"] = [{"activation": "relu", "dropout": 0.2}, {"activation": "elu"}]
    elif name == "mini-batch prelu":
        d["lanes"] = [{"activation": a} for a in ("relu", "prelu", "gelu", "selu")]
        d["batch_size"] = 16
    elif name == "diverging":
        d["lr"] = 40.0
    return RunConfig.from_dict(d)


@pytest.fixture
def stepper():
    s = StepperProcess()
    s.start()
    yield s
    s.close()


def wait_ready(s: StepperProcess) -> None:
    deadline = time.monotonic() + 60
    while not s.ready:
        assert s.failed is None, s.failed
        assert time.monotonic() < deadline, "the stepping process never said it was ready"
        time.sleep(0.005)


def answers(s: StepperProcess, count: int) -> list:
    got: list = []
    deadline = time.monotonic() + 60
    while len(got) < count:
        assert s.failed is None, s.failed
        assert time.monotonic() < deadline, "no answer from the stepping process"
        got += s.results()
    return got


@pytest.mark.parametrize("name", [*presets.PRESETS, "dropout", "mini-batch prelu", "diverging"])
def test_chunks_from_the_second_process_are_the_run_bit_for_bit(stepper, name):
    cfg = config(name)
    here, there = Simulation(cfg, history_capacity=5000), Simulation(cfg, history_capacity=5000)
    wait_ready(stepper)
    stepper.load(there)
    rng = np.random.default_rng(3)
    for i in range(24):
        sizes = [int(k) for k in rng.integers(1, 150, size=2)]
        for k in sizes:  # two chunks asked for at once, as the live loop does
            here.run(k)
            stepper.request(k)
        got = answers(stepper, 2)
        assert [t0 for t0, _rows, _state in got] == [there.t, there.t + sizes[0]]
        assert absorb(there, got) == sum(sizes)
        assert there.t == here.t and stepper.in_flight == 0
        if i % 6 == 2:  # an action here: the copy there is stale and is loaded again
            for sim in (here, there):
                sim.bias_shock(-10.0) if i % 12 == 2 else sim.lr_shock(factor=30.0, steps=40)
            stepper.load(there)
    assert same(here.history.window(), there.history.window())
    for sim in (here, there):  # and the absorbed simulation goes on as the other does
        sim.run(321)
    assert same(here.history.window(), there.history.window())
    assert same(here._u, there._u) and here.events == there.events
    assert [vars(r) if r else r for r in here.recoveries] == [
        vars(r) if r else r for r in there.recoveries]
    assert here.divergence == there.divergence
    assert same(here.current().fb.z, there.current().fb.z)
    if name == "diverging":
        assert any(d is not None for d in there.divergence)


def test_answers_to_an_older_load_are_dropped(stepper):
    sim = Simulation(config("bias-shock"))
    wait_ready(stepper)
    stepper.load(sim)
    stepper.request(500)  # answered for a copy that is stale by the time it arrives
    sim.bias_shock(-3.0)
    stepper.load(sim)
    stepper.request(7)
    (t0, rows, _state), = answers(stepper, 1)
    assert t0 == 0 and len(rows) == 7
    time.sleep(0.2)
    assert stepper.results() == []


def test_answers_that_do_not_go_on_from_the_simulation_are_not_taken(stepper):
    sim = Simulation(config("healthy"))
    wait_ready(stepper)
    stepper.load(sim)
    stepper.request(5)
    stepper.request(6)
    first, second = answers(stepper, 2)
    assert absorb(sim, [second]) == 0 and sim.t == 0 and sim.history.total == 0
    assert absorb(sim, [first, first]) == 5 and sim.t == 5  # (the second first: not from 5)
    assert absorb(sim, [second]) == 6 and sim.t == 11 and sim.history.total == 11


def test_a_dead_child_is_said_and_nothing_is_raised(stepper, capsys):
    wait_ready(stepper)
    stepper._proc.kill()
    stepper._proc.wait()
    stepper.load(Simulation(config("healthy")))
    stepper.request(10)
    assert stepper.results() == []
    assert stepper.failed and not stepper.ready
    assert "stepping in the window's process" in capsys.readouterr().err


def test_close_ends_the_child():
    s = StepperProcess()
    s.start()
    proc = s._proc
    wait_ready(s)
    s.close()
    assert proc.poll() is not None and s.failed == "closed" and not s.ready


def test_without_posix_pipes_no_child_is_started(monkeypatch):
    from simulation import stepper_process

    monkeypatch.setattr(stepper_process.os, "name", "nt")
    s = StepperProcess()
    s.start()
    assert s._proc is None and not s.ready and "POSIX" in s.failed
