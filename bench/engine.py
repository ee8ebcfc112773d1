"""Engine throughput: steps per second of the app's engine, a bare numpy step and PyTorch.

Every side computes the same thing: per lane ``z = w1 x1 + w2 x2 + b`` over the 64 samples, the
activation (ReLU, Leaky ReLU 0.01, PReLU with a learned slope, ELU, SELU), the mean squared error,
its gradients and a plain gradient-descent (SGD) update (lr 0.3; PReLU's slope 0.01), for 5 lanes
of one neuron (what the app runs) and for 5 lanes of a population of 10,000 neurons. All in
float64, from the same parameters (the engine's, after 400 steps of the bias-shock preset), and
the first step's gradients are compared to show it.

- engine: ``Simulation.run`` as the app runs it (ring history of 20,000 rows, one history row per
  step, health classification, recovery tracking);
- numpy (bare): forward, backward and update written plainly in numpy, nothing recorded;
- PyTorch: autograd ``backward()`` and ``torch.optim.SGD``, its fastest of four ways, each timed
  in the same run: the lanes as separate tensors or all lanes in one (5, P) tensor, on every
  core or on one thread (every figure is in the JSON).

Also the death map (issue 4): ``simulation.sweep.run`` on the 40 x 40 grid of the five default
activations, wall seconds.
"""

from __future__ import annotations

import os
import statistics
import time
from typing import Any

import numpy as np

from bench.common import area_main, calls_for, rate, summary
from simulation import presets
from simulation.engine import Simulation

HISTORY_CAPACITY = 20_000  # as app.controller.HISTORY_CAPACITY (not imported: no Qt here)
WARMUP = 400  # steps before timing: past the bias shock at step 300
LR, ALPHA_LR = 0.3, 0.01
SIZES = {"lane": 1, "population": 10_000}
# the PyTorch sides: (key, lanes stacked in one tensor, intra-op threads; None: every core)
TORCH_SIDES = (("torch", False, None), ("torch_stacked", True, None),
               ("torch_1thread", False, 1), ("torch_stacked_1thread", True, 1))


def engine_sim(population: int) -> Simulation:
    sim = Simulation(presets.get("bias-shock").config(), population=population,
                     history_capacity=HISTORY_CAPACITY)
    sim.run(WARMUP)
    return sim


def start_values(sim: Simulation) -> dict[str, np.ndarray]:
    p = sim.params
    return {"x": sim.data.x.copy(), "y": sim.data.y.copy(), "w1": p.w1.copy(), "w2": p.w2.copy(),
            "b": p.b.copy(), "alpha": p.alpha[2].copy()}


# --- a bare numpy step ----------------------------------------------------------------------------
class NumpyBare:
    """The step written plainly: no history, no health, no per-sample factors kept."""

    SELU_SCALE, SELU_ALPHA = 1.0507009873554805, 1.6732632423543772

    def __init__(self, v: dict[str, np.ndarray]):
        self.x1, self.x2, self.y = v["x"][:, 0].copy(), v["x"][:, 1].copy(), v["y"]
        self.w = np.stack([v["w1"], v["w2"], v["b"]])  # (3, 5, P)
        self.alpha = v["alpha"].copy()  # (P,)
        self.grads: np.ndarray | None = None

    def step(self) -> None:
        w1, w2, b = self.w
        z = w1[..., None] * self.x1 + w2[..., None] * self.x2 + b[..., None]  # (5, P, N)
        a, d = np.empty_like(z), np.empty_like(z)
        pos = z >= 0
        a[0] = np.maximum(z[0], 0.0)
        d[0] = z[0] > 0
        a[1] = np.where(pos[1], z[1], 0.01 * z[1])
        d[1] = np.where(pos[1], 1.0, 0.01)
        al = self.alpha[:, None]
        a[2] = np.where(pos[2], z[2], al * z[2])
        d[2] = np.where(pos[2], 1.0, al)
        e = np.exp(np.minimum(z[3:], 0.0))
        a[3] = np.where(pos[3], z[3], e[0] - 1.0)
        d[3] = np.where(pos[3], 1.0, e[0])
        s, c = self.SELU_SCALE, self.SELU_SCALE * self.SELU_ALPHA
        a[4] = np.where(pos[4], s * z[4], c * (e[1] - 1.0))
        d[4] = np.where(pos[4], s, c * e[1])
        n = len(self.y)
        err = a - self.y
        dz = (2.0 / n) * err * d
        g = np.stack([dz @ self.x1, dz @ self.x2, dz.sum(-1)])
        g_alpha = ((2.0 / n) * err[2] * np.minimum(z[2], 0.0)).sum(-1)
        self.grads = g
        self.w -= LR * g
        self.alpha -= ALPHA_LR * g_alpha

    def run(self, n: int) -> None:
        for _ in range(n):
            self.step()


# --- PyTorch --------------------------------------------------------------------------------------
class Torch:
    """Autograd and torch.optim.SGD; ``stacked``: one (5, P) tensor per parameter, lanes sliced;
    otherwise one tensor per lane and parameter. ``threads``: torch's intra-op threads while this
    side runs (None: every core)."""

    def __init__(self, v: dict[str, np.ndarray], stacked: bool, dtype: Any = None,
                 threads: int | None = None):
        import torch
        import torch.nn.functional as F  # noqa: N812

        self.torch, self.F = torch, F
        self.threads = threads or os.cpu_count() or 1
        dtype = dtype or torch.float64
        t = lambda a: torch.tensor(a, dtype=dtype)  # noqa: E731
        self.x1, self.x2 = t(v["x"][:, 0].copy()), t(v["x"][:, 1].copy())
        self.y = t(v["y"])
        self.stacked = stacked
        if stacked:
            self.w1, self.w2, self.b = (t(v[k][..., None]).requires_grad_()
                                        for k in ("w1", "w2", "b"))
            main = [self.w1, self.w2, self.b]
        else:
            self.lanes = [tuple(t(v[k][i][:, None]).requires_grad_() for k in ("w1", "w2", "b"))
                          for i in range(5)]
            main = [p for lane in self.lanes for p in lane]
        self.alpha = t(v["alpha"][:, None]).requires_grad_()
        self.opt = torch.optim.SGD([{"params": main, "lr": LR},
                                    {"params": [self.alpha], "lr": ALPHA_LR}], lr=LR)

    def _act(self, i: int, z):
        F = self.F
        if i == 0:
            return F.relu(z)
        if i == 1:
            return F.leaky_relu(z, 0.01)
        if i == 2:
            return self.torch.where(z >= 0, z, self.alpha * z)
        if i == 3:
            return F.elu(z)
        return F.selu(z)

    def step(self) -> None:
        if self.stacked:
            z = self.w1 * self.x1 + self.w2 * self.x2 + self.b  # (5, P, N)
            a = self.torch.stack([self._act(i, z[i]) for i in range(5)])
            loss = ((a - self.y) ** 2).mean(-1).sum()
        else:
            loss = 0.0
            for i, (w1, w2, b) in enumerate(self.lanes):
                z = w1 * self.x1 + w2 * self.x2 + b  # (P, N)
                loss = loss + ((self._act(i, z) - self.y) ** 2).mean(-1).sum()
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        self.opt.step()

    def grads(self) -> np.ndarray:
        if self.stacked:
            g = [p.grad[..., 0] for p in (self.w1, self.w2, self.b)]
        else:
            g = [self.torch.stack([lane[j].grad[:, 0] for lane in self.lanes]) for j in range(3)]
        return np.stack([x.detach().numpy() for x in g])

    def run(self, n: int) -> None:
        if self.torch.get_num_threads() != self.threads:
            self.torch.set_num_threads(self.threads)
        for _ in range(n):
            self.step()


def measure(args) -> dict[str, Any]:
    try:
        import torch

        torch.set_num_threads(os.cpu_count() or 1)
        has_torch = True
    except ImportError:
        has_torch = False
    min_time = 0.3 if args.quick else 1.0
    repeats = 3 if args.quick else 5
    out: dict[str, Any] = {"torch_threads": torch.get_num_threads() if has_torch else None,
                           "dtype": "float64", "sizes": {}}
    for name, population in SIZES.items():
        sim = engine_sim(population)
        v = start_values(sim)
        bare = NumpyBare(v)
        sides: dict[str, Any] = {"engine": sim, "numpy_bare": bare}
        agreement: dict[str, float] = {}
        fb = sim.current().fb  # what the engine's next step computes
        reference = np.stack([fb.grad_w1, fb.grad_w2, fb.grad_b])
        bare.step()
        agreement["numpy_bare"] = float(np.max(np.abs(bare.grads - reference)))
        if has_torch:
            # torch's best: one tensor per lane or all lanes stacked, on every core or on one
            # (this VM's two vCPUs share a core: one thread can be faster, see BENCHMARKS.md)
            for key, stacked, threads in TORCH_SIDES:
                t = Torch(v, stacked, threads=threads)
                t.run(1)
                agreement[key] = float(np.max(np.abs(t.grads() - reference)))
                sides[key] = t
            sides["torch_float32"] = Torch(v, False, dtype=torch.float32)
        per_call = {k: calls_for(s.run, 0.05) for k, s in sides.items()}
        rates: dict[str, list[float]] = {k: [] for k in sides}
        for _ in range(repeats):  # interleaved, so every side sees the same machine load
            for k, s in sides.items():
                n = per_call[k]
                rates[k].append(rate(lambda s=s, n=n: s.run(n), n, min_time))
        res = {k: summary(v_) for k, v_ in rates.items()}
        res["population"] = population
        res["max_abs_grad_difference_vs_engine"] = agreement
        if has_torch:
            best = max((k for k, _, _ in TORCH_SIDES), key=lambda k: res[k]["median"])
            res["torch_best"] = best
            res["ratio_engine_vs_torch"] = res["engine"]["median"] / res[best]["median"]
            res["ratio_numpy_bare_vs_torch"] = res["numpy_bare"]["median"] / res[best]["median"]
        out["sizes"][name] = res
    out["sweep"] = measure_sweep(1 if args.quick else 3)
    out["exponentials"] = measure_exponentials(torch if has_torch else None)
    return out


def measure_exponentials(torch: Any, size: int = 1 << 17) -> dict[str, Any]:
    """Nanoseconds a value of float64 exp and expm1, one thread, numpy and PyTorch: the ELU and
    SELU lanes' exponentials, half to two thirds of the population step's CPU time on a CPU
    without AVX-512 (numpy vectorizes them only with AVX-512; sessions 19 and 20). Best of 5
    runs of 20 calls."""
    import timeit

    x = -np.linspace(0.0, 10.0, size)  # (z <= 0: the values the lanes take the exponential of)
    out_np = np.empty_like(x)
    sides: dict[str, Any] = {"numpy_exp": lambda: np.exp(x, out=out_np),
                             "numpy_expm1": lambda: np.expm1(x, out=out_np)}
    if torch is not None:
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        tx = torch.from_numpy(x)
        out_t = torch.empty_like(tx)
        sides.update(torch_exp=lambda: torch.exp(tx, out=out_t),
                     torch_expm1=lambda: torch.expm1(tx, out=out_t))
    try:
        res = {k: min(timeit.repeat(f, number=20, repeat=5)) / 20 / size * 1e9
               for k, f in sides.items()}
    finally:
        if torch is not None:
            torch.set_num_threads(threads)
    simd = np.__config__.CONFIG.get("SIMD Extensions", {})
    res["numpy_simd_found"] = simd.get("found", [])
    return res


def measure_sweep(repeats: int) -> dict[str, Any]:
    """The death map as the tab and ``main.py sweep`` compute it: the healthy preset's five
    activations, bias shock x lr factor 40 x 40 (SweepSpec's defaults), 2,000 steps after the
    shock; wall seconds, median of ``repeats`` (and the same result every time)."""
    from simulation import sweep

    cfg = presets.get("healthy").config()
    spec = sweep.SweepSpec()
    seconds, first = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        res = sweep.run(cfg, spec)
        seconds.append(time.perf_counter() - t0)
        state = res.state.tobytes() + res.recovery.tobytes()
        assert first is None or state == first, "the death map changed between runs"
        first = state
    return {"grid": f"{len(spec.factor)} x {len(spec.bias)}", "lanes": len(cfg.lanes),
            "steps_after_shock": spec.steps - spec.shock_step, "cell_steps": res.cell_steps,
            "seconds": seconds, "median_s": statistics.median(seconds)}


if __name__ == "__main__":
    area_main(measure)
