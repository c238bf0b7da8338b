"""plax benchmarks, side by side with JAX where the ``jax`` package is importable.

    python benchmarks/run.py                    # every workload, plax (and JAX)
    python benchmarks/run.py --only matmul      # workloads whose name contains 'matmul'
    python benchmarks/run.py --jax-python /path/to/venv/bin/python   # JAX elsewhere
    python benchmarks/run.py --no-jax

Each measurement runs in a fresh process (``--worker LIB WORKLOAD``), plax and JAX
interleaved round by round, with ``GLIBC_TUNABLES=glibc.malloc.hugetlb=1`` (large
fresh XLA buffers otherwise page-fault heavily here; docs/design.md) and a pause between
processes so BLAS threads of the previous one are idle.  A workload is written once
against a small namespace (``np``, ``jit``, ``grad``, ``vmap``, ...) that either
library fills.  The table shows the median over rounds and the ratio plax/JAX.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time
from types import SimpleNamespace

import numpy as np

HERE = os.path.abspath(__file__)


# ------------------------------------------------------------------ the libraries

def load(lib: str) -> SimpleNamespace:
    if lib == "plax":
        import plax
        import plax.numpy as pnp
        return SimpleNamespace(np=pnp, lax=plax.lax, jit=plax.jit, grad=plax.grad, vmap=plax.vmap,
                               put=plax.device_put, block=plax.block_until_ready,
                               tree_map=plax.tree_util.tree_map, random=plax.random)
    import jax
    import jax.numpy as jnp
    return SimpleNamespace(np=jnp, lax=jax.lax, jit=jax.jit, grad=jax.grad, vmap=jax.vmap,
                           put=jax.device_put, block=jax.block_until_ready,
                           tree_map=jax.tree_util.tree_map, random=jax.random)


# ------------------------------------------------------------------ workloads
# Each returns (step, kind): step() runs once and blocks; kind is "time" (seconds per
# step, steady state), "first" (seconds of the first call) or "latency" (per call).

def _normal(shape, seed=0, scale=1.0):
    return (np.random.default_rng(seed).standard_normal(shape) * scale).astype(np.float32)


def mlp_params(L, sizes, seed=0):
    return [(L.put(_normal((m, n), seed + i, 1 / np.sqrt(m))), L.put(np.zeros(n, np.float32)))
            for i, (m, n) in enumerate(zip(sizes[:-1], sizes[1:]))]


def mlp_loss(L, params, x, y):
    h = x
    for W, b in params[:-1]:
        h = L.np.tanh(L.np.dot(h, W) + b)
    W, b = params[-1]
    out = L.np.dot(h, W) + b
    return L.np.mean((out - y) ** 2)


def w_elementwise(L):
    x = L.put(_normal((5000, 5000)))
    f = L.jit(lambda x: x * x + x * 2.0)
    return (lambda: L.block(f(x))), "time"


def w_matmul(L):
    a, b = L.put(_normal((2048, 2048), 1)), L.put(_normal((2048, 2048), 2))
    f = L.jit(lambda a, b: L.np.dot(a, b))
    return (lambda: L.block(f(a, b))), "time"


def w_mlp_train_step(L):
    params = mlp_params(L, [784, 1024, 1024, 10])
    x, y = L.put(_normal((256, 784), 5)), L.put(_normal((256, 10), 6))

    @L.jit
    def step(params, x, y):
        g = L.grad(lambda p: mlp_loss(L, p, x, y))(params)
        return L.tree_map(lambda p, g: p - 0.01 * g, params, g)

    state = [params]

    def run():
        state[0] = step(state[0], x, y)
        L.block(state[0])
    return run, "time"


def w_per_example_grads(L):
    params = mlp_params(L, [64, 256, 256, 1])
    x, y = L.put(_normal((256, 64), 7)), L.put(_normal((256, 1), 8))

    def example_loss(params, x, y):
        return mlp_loss(L, params, x[None], y[None])

    f = L.jit(L.vmap(L.grad(example_loss), in_axes=(None, 0, 0)))
    return (lambda: L.block(f(params, x, y))), "time"


def w_eager_add(L):
    x, y = L.put(_normal((16,), 1)), L.put(_normal((16,), 2))
    return (lambda: x + y), "latency"


def w_eager_lax_add(L):
    x, y = L.put(_normal((16,), 1)), L.put(_normal((16,), 2))
    return (lambda: L.lax.add(x, y)), "latency"


def w_jit_call(L):
    x = L.put(_normal((16,), 1))
    f = L.jit(lambda x: x + 1.0)
    return (lambda: f(x)), "latency"


def w_eager_scalar_ops(L):
    x = L.put(_normal((16,), 1))
    return (lambda: x * 2.0 + 1.0), "latency"


def w_eager_sum(L):
    x = L.put(_normal((16,), 1))
    return (lambda: L.np.sum(x)), "latency"


def w_eager_index(L):
    x = L.put(_normal((16,), 1))
    return (lambda: x[3]), "latency"


def w_eager_at_set(L):
    x = L.put(_normal((16,), 1))
    return (lambda: x.at[3].set(1.0)), "latency"


def w_jit_call_pytree40(L):
    """A call taking optimizer-state-shaped arguments: 20 parameters, 2 moments each."""
    shapes = [(64, 64), (64,)] * 10
    state = {"params": [L.put(_normal(s, i)) for i, s in enumerate(shapes)],
             "mu": [L.put(np.zeros(s, np.float32)) for s in shapes[:10]],
             "nu": [L.put(np.zeros(s, np.float32)) for s in shapes[10:]]}
    f = L.jit(lambda s: L.tree_map(lambda a: a * 0.9, s))
    return (lambda: f(state)), "latency"


def w_jit_grad_small_mlp(L):
    params = mlp_params(L, [32, 64, 64, 1], seed=30)
    x, y = L.put(_normal((16, 32), 31)), L.put(_normal((16, 1), 32))
    f = L.jit(L.grad(lambda p, x, y: mlp_loss(L, p, x, y)))
    return (lambda: L.block(f(params, x, y))), "latency"


def w_first_call_mlp20(L):
    params = mlp_params(L, [128] * 21)
    x, y = L.put(_normal((32, 128), 3)), L.put(_normal((32, 128), 4))
    f = L.jit(L.grad(lambda p, x, y: mlp_loss(L, p, x, y)))
    return (lambda: L.block(f(params, x, y))), "first"


def w_random_normal_10m(L):
    key = L.random.PRNGKey(0)
    f = L.jit(lambda k: L.random.normal(k, (10_000_000,), dtype=L.np.float32))
    return (lambda: L.block(f(key))), "time"


def _rnn_grad(L, length):
    W = L.put(_normal((16, 16), 5, 0.25))
    xs = L.put(_normal((length, 16), 6))

    def loss(W, xs):
        def step(h, x):
            h = L.np.tanh(L.np.dot(h, W) + x)
            return h, L.np.sum(h)
        _, ys = L.lax.scan(step, L.np.zeros(16, L.np.float32), xs)
        return L.np.sum(ys)

    f = L.jit(L.grad(loss))
    return (lambda: L.block(f(W, xs))), "first"


def w_scan_rnn_10_first(L):
    return _rnn_grad(L, 10)


def w_scan_rnn_1000_first(L):
    return _rnn_grad(L, 1000)


WORKLOADS = {
    "x*x+x*2.0 5000x5000 jit": w_elementwise,
    "matmul 2048x2048 jit": w_matmul,
    "MLP train step jit(grad)": w_mlp_train_step,
    "per-example grads jit(vmap(grad))": w_per_example_grads,
    "eager x+y (f32[16])": w_eager_add,
    "eager lax.add(x, y) (f32[16])": w_eager_lax_add,
    "jit call f(x) (f32[16])": w_jit_call,
    "eager x * 2.0 + 1.0 (f32[16])": w_eager_scalar_ops,
    "eager jnp.sum(x) (f32[16])": w_eager_sum,
    "eager x[3] (f32[16])": w_eager_index,
    "eager x.at[3].set(1.0) (f32[16])": w_eager_at_set,
    "jit call, 40-leaf optimizer-state pytree": w_jit_call_pytree40,
    "steady jit(grad) small MLP 32-64-64-1": w_jit_grad_small_mlp,
    "first call jit(grad) 20-layer MLP": w_first_call_mlp20,
    "random.normal 10M f32 jit": w_random_normal_10m,
    "first call jit(grad) scan RNN, 10 steps": w_scan_rnn_10_first,
    "first call jit(grad) scan RNN, 1000 steps": w_scan_rnn_1000_first,
}


# ------------------------------------------------------------------ measuring

def measure(lib: str, name: str) -> float:
    L = load(lib)
    start = time.perf_counter()
    step, kind = WORKLOADS[name](L)
    if kind == "first":
        start = time.perf_counter()
        step()
        return time.perf_counter() - start
    if kind == "latency":
        for _ in range(200):
            step()
        best = float("inf")
        for _ in range(5):
            n, t0 = 2000, time.perf_counter()
            for _ in range(n):
                out = step()
            L.block(out)
            best = min(best, (time.perf_counter() - t0) / n)
        return best
    for _ in range(2):
        step()
    times = []
    budget = time.perf_counter() + 3.0
    while len(times) < 3 or (time.perf_counter() < budget and len(times) < 50):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run_worker(python: str, lib: str, name: str) -> float | None:
    env = dict(os.environ, GLIBC_TUNABLES="glibc.malloc.hugetlb=1", TF_CPP_MIN_LOG_LEVEL="2",
               JAX_PLATFORMS=os.environ.get("JAX_PLATFORMS", "cpu"))
    proc = subprocess.run([python, HERE, "--worker", lib, name], capture_output=True,
                          text=True, env=env)
    if proc.returncode != 0:
        sys.stderr.write(f"[{lib}] {name} failed:\n{proc.stderr[-2000:]}\n")
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])["seconds"]


def fmt(seconds: float | None, name: str) -> str:
    if seconds is None:
        return "-"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} us"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", nargs=2, metavar=("LIB", "WORKLOAD"))
    parser.add_argument("--only", default="")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-jax", action="store_true")
    parser.add_argument("--jax-python", default=None,
                        help="a Python that can import jax (default: this one)")
    parser.add_argument("--pause", type=float, default=1.0)
    args = parser.parse_args(argv)
    if args.worker:
        lib, name = args.worker
        print(json.dumps({"seconds": measure(lib, name)}))
        return
    jax_python = None
    if not args.no_jax:
        if args.jax_python:
            jax_python = args.jax_python
        elif importlib.util.find_spec("jax") is not None:
            jax_python = sys.executable
    names = [n for n in WORKLOADS if args.only.lower() in n.lower()]
    rows = []
    for name in names:
        results = {"plax": [], "jax": []}
        for _ in range(args.rounds):
            for lib, python in (("plax", sys.executable), ("jax", jax_python)):
                if python is None:
                    continue
                t = run_worker(python, lib, name)
                if t is not None:
                    results[lib].append(t)
                time.sleep(args.pause)
        p = statistics.median(results["plax"]) if results["plax"] else None
        j = statistics.median(results["jax"]) if results["jax"] else None
        ratio = f"{p / j:.2f}" if p and j else "-"
        rows.append((name, fmt(p, name), fmt(j, name), ratio))
        print(f"{name:38s} plax {rows[-1][1]:>10s}   jax {rows[-1][2]:>10s}   "
              f"plax/jax {ratio}", flush=True)
    print()
    print("| workload | plax | JAX | plax/JAX |")
    print("| --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
