"""Stepping the live lanes in a second process while the window's process draws.

One Python process has one core for both the stepping and the drawing (numpy holds the GIL on
arrays this small, so a thread would not help). This module runs a copy of the live simulation
in a child process (``python -m simulation.stepper_process``, which imports numpy and this
package only): the window's process sends the simulation's state once (``load``), then asks for
chunks of steps (``run``); the child answers each with the chunk's history rows and the state
after it. :func:`absorb` writes both into the window's simulation, which stays the one the views
read: the same numbers, bit for bit, as if it had run the steps itself (the child runs the same
code on a copy of the same state).

Anything done to the window's simulation between chunks (a shock, a new learning rate, a reset)
makes the child's copy stale: :meth:`StepperProcess.invalidate` drops every answer still coming
and the next ``load`` sends the state again. Pipes only, to the child this process started: no
network.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from simulation.engine import Simulation
from simulation.replay import _SKIP, _capture, _Obj, _put

if TYPE_CHECKING:  # (imported when the child starts: ~2-4 ms off the window's start-up)
    import subprocess
    from multiprocessing.connection import Connection

ROOT = Path(__file__).resolve().parents[1]
STALL_S = 5.0  # no answer for this long while steps are asked for: the child is given up
PIPE_BYTES = 1 << 20  # a pipe this large holds a few chunks' answers: the child rarely waits
# what a step never changes, or what each process keeps its own of (views, scratch, caches)
_FIXED = _SKIP | {"_block", "data", "network", "params", "dropout", "population", "n_lanes",
                  "_inv_n", "_classify_rows", "_prelu_rates", "_rows", "_rates", "_rates_lr",
                  "_summary_in_row", "batches", "masks"}


def moving_state(sim: Simulation, unchanged: frozenset[str] = frozenset()) -> _Obj:
    """What stepping changes in ``sim`` (parameters, step, events, random streams, recovery and
    divergence tracking), as copies that pickle; without the attributes named ``unchanged``."""
    seen: set[int] = set()
    return _Obj(type(sim), {k: _capture(v, seen) for k, v in vars(sim).items()
                            if k not in _FIXED and k not in unchanged})


class _Streams:
    """The child's random streams (mini-batches, dropout) as the parent last got them: a stream
    a chunk did not draw from is not sent again (a full-batch run without dropout never draws;
    unpickling a Generator and copying it in took ~15% of a tick's absorbing)."""

    NAMES = ("rng", "_drop_rng")

    def __init__(self, sim: Simulation):
        self.sent = {k: self._state(sim, k) for k in self.NAMES}

    @staticmethod
    def _state(sim: Simulation, name: str) -> object:
        g = getattr(sim, name, None)
        return None if g is None else g.bit_generator.state

    def unchanged(self, sim: Simulation) -> frozenset[str]:
        """The streams as last sent (and note the others as sent now)."""
        same = []
        for k in self.NAMES:
            state = self._state(sim, k)
            if state == self.sent[k]:
                same.append(k)
            self.sent[k] = state
        return frozenset(same)


def absorb(sim: Simulation, answers: list[tuple[int, np.ndarray, _Obj]]) -> int:
    """Make ``sim`` what running the answers' steps would have made it: their rows go into its
    history, their states (each the last one's where both have an attribute) into its arrays,
    in place (every view of them stays a view).
    Only the answers that go on from ``sim.t``, each from where the last one ended, are taken;
    the steps taken."""
    start = t = sim.t
    last: _Obj | None = None
    for t0, rows, state in answers:
        if t0 != t:
            break
        sim.history.extend(rows)
        t += len(rows)
        if last is None:
            last = state
        else:  # (an answer's state leaves out the random streams it did not draw from)
            last.update(state)
    if last is not None:
        _put(sim, last)
        sim._current = None
    return t - start


def _widen(fd: int) -> None:
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):  # not Linux, or over the limit: the default
        pass


class StepperProcess:
    """The child process, seen from the window's process.

    ``start`` launches it (it takes a few tenths of a second to import numpy: until it says it
    is ready, :attr:`ready` is False and the caller steps by itself). ``gen`` counts the loads:
    an answer to an older load is dropped. After any failure (the child died, raised, or could
    not start) :attr:`failed` says why and the object stays unusable.
    """

    def __init__(self) -> None:
        self._proc: subprocess.Popen | None = None
        self._send_to: Connection | None = None
        self._recv_from: Connection | None = None
        self._ready = False
        self.failed: str | None = None
        self.gen = 0
        self.loaded = False  # the child holds the state of load number ``gen``
        self.in_flight = 0  # chunks asked for since that load, not answered yet
        self._heard = 0.0  # when an answer last came, or the first chunk was asked for
        self.clock = time.monotonic

    def start(self) -> None:
        """Launch the child (once)."""
        if self._proc is not None or self.failed:
            return
        if os.name != "posix":  # (the child's pipes are handed over as POSIX descriptors)
            self.failed = "a second process needs POSIX pipes"
            return
        import subprocess
        from multiprocessing.connection import Connection

        p2c_r, p2c_w = os.pipe()
        c2p_r, c2p_w = os.pipe()
        _widen(c2p_w)
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "simulation.stepper_process", str(p2c_r), str(c2p_w)],
                pass_fds=(p2c_r, c2p_w), cwd=ROOT, stdin=subprocess.DEVNULL)
        except OSError as e:
            for fd in (p2c_r, p2c_w, c2p_r, c2p_w):
                os.close(fd)
            self.failed = f"could not start the stepping process: {e}"
            return
        os.close(p2c_r)
        os.close(c2p_w)
        self._send_to = Connection(p2c_w, readable=False)
        self._recv_from = Connection(c2p_r, writable=False)

    @property
    def ready(self) -> bool:
        """Started, answering, and not failed."""
        if not self._ready and self._recv_from is not None and not self.failed:
            self._read()
        return self._ready and not self.failed

    def invalidate(self) -> None:
        """The window's simulation changed: drop the answers on their way, load again."""
        self.gen += 1
        self.loaded = False
        self.in_flight = 0

    def load(self, sim: Simulation) -> None:
        """Give the child a copy of ``sim`` to step from."""
        self.invalidate()
        self._send(("load", self.gen, sim.config, moving_state(sim)))
        self.loaded = True

    def request(self, n: int) -> None:
        """Ask for ``n`` more steps of the loaded copy."""
        if not self.in_flight:
            self._heard = self.clock()
        self._send(("run", self.gen, int(n)))
        self.in_flight += 1

    def results(self) -> list[tuple[int, np.ndarray, _Obj]]:
        """The answers to this load that have come, oldest first: (first step, history rows,
        state after them). Never waits. A child that has not answered for STALL_S seconds while
        steps were asked of it (stopped, or stuck) is given up: :attr:`failed` says so."""
        out = self._read()
        if out:
            self._heard = self.clock()
        elif self.in_flight > 0 and not self.failed and self.clock() - self._heard > STALL_S:
            self._fail(f"the stepping process has not answered for {STALL_S:g} s")
        return out

    def close(self) -> None:
        """End the child (it exits when its pipe closes) and close the pipes."""
        for conn in (self._send_to, self._recv_from):
            if conn is not None:
                conn.close()
        self._send_to = self._recv_from = None
        proc, self._proc = self._proc, None
        if proc is not None:
            import subprocess

            try:
                proc.wait(timeout=0 if self.failed else 2)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self._ready = False
        if not self.failed:
            self.failed = "closed"

    def _send(self, message: tuple) -> None:
        if self.failed or self._send_to is None:  # (said once, when it failed)
            return
        try:
            self._send_to.send(message)
        except OSError as e:
            self._fail(f"the stepping process is gone ({e})")

    def _read(self) -> list[tuple[int, np.ndarray, _Obj]]:
        out = []
        try:
            while self._recv_from is not None and self._recv_from.poll(0):
                kind, gen, *rest = self._recv_from.recv()
                if kind == "ready":
                    self._ready = True
                elif kind == "failed":
                    self._fail(f"the stepping process failed:\n{rest[0]}")
                elif gen == self.gen:
                    self.in_flight -= 1
                    out.append(tuple(rest))
        except (OSError, EOFError) as e:
            self._fail(f"the stepping process is gone ({e!r})")
        return [] if self.failed else out

    def _fail(self, why: str) -> None:
        self.failed = why
        print(f"Dying ReLU Lab: {why}; stepping in the window's process from now on",
              file=sys.stderr)
        self.close()


def serve(inbox: Connection, outbox: Connection) -> None:
    """The child's loop: answer ``load`` and ``run`` messages until the parent closes the pipe."""
    sim: Simulation | None = None
    streams: _Streams | None = None
    outbox.send(("ready", 0))
    while True:
        try:
            message = inbox.recv()
        except (EOFError, OSError):
            return
        kind, gen, *rest = message
        try:
            if kind == "load":
                config, state = rest
                sim = Simulation(config)  # a growing history, emptied before each chunk
                _put(sim, state)
                sim._current = None
                streams = _Streams(sim)  # (the parent's, as loaded)
            elif kind == "run" and sim is not None:
                t0 = sim.t
                sim.history.clear()
                sim.run(rest[0])
                state = moving_state(sim, streams.unchanged(sim))
                outbox.send(("ran", gen, t0, sim.history.window(), state))
        except (EOFError, OSError):  # the parent closed the pipe while this answered
            return
        except Exception:  # (said to the parent, which steps by itself from then on)
            outbox.send(("failed", gen, traceback.format_exc()))
            return


if __name__ == "__main__":
    from multiprocessing.connection import Connection

    serve(Connection(int(sys.argv[1]), writable=False),
          Connection(int(sys.argv[2]), readable=False))
