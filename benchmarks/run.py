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


def w_eager_random_normal(L):
    key = L.random.PRNGKey(0)
    return (lambda: L.random.normal(key, (16,))), "latency"


def w_eager_random_split(L):
    key = L.random.PRNGKey(0)
    return (lambda: L.random.split(key)), "latency"


def w_eager_random_bernoulli(L):
    key = L.random.PRNGKey(0)
    return (lambda: L.random.bernoulli(key, 0.5, (16,))), "latency"


def w_vae_evaluate_first(L):
    """JAX's examples/mnist_vae.py ``evaluate``: Bernoulli draws whose (10, 10) image
    grid is cut into 100 slices (the pattern whose XLA compile once took minutes)."""
    jnp, random = L.np, L.random

    def mlp(params, x):
        for W, b in params[:-1]:
            x = jnp.maximum(jnp.dot(x, W) + b, 0.0)
        W, b = params[-1]
        return jnp.dot(x, W) + b

    def elbo(rng, params, images):
        h = mlp(params[0], images)
        mu, s = h[:, :10], jnp.logaddexp(0.0, h[:, 10:])
        logits = mlp(params[1], mu + jnp.sqrt(s) * random.normal(rng, mu.shape))
        kl = -0.5 * jnp.sum(1.0 + jnp.log(s) - mu ** 2 - s)
        return -jnp.sum(jnp.logaddexp(0.0, jnp.where(images, -1.0, 1.0) * logits)) - kl

    def image_grid(imagevecs):
        images = iter(imagevecs.reshape((-1, 28, 28)))
        return jnp.vstack([jnp.hstack([next(images).T for _ in range(10)][::-1])
                           for _ in range(10)]).T

    def evaluate(params, images):
        elbo_rng, data_rng, image_rng = random.split(random.PRNGKey(1), 3)
        test_elbo = elbo(elbo_rng, params, random.bernoulli(data_rng, images))
        code_rng, img_rng = random.split(image_rng)
        logits = mlp(params[1], random.normal(code_rng, (100, 10)))
        sampled = random.bernoulli(img_rng, jnp.logaddexp(0.0, logits))
        return test_elbo / images.shape[0], image_grid(sampled)

    enc = mlp_params(L, [784, 512, 512, 20], seed=10)
    dec = mlp_params(L, [10, 512, 512, 784], seed=20)
    images = L.put(np.abs(_normal((10000, 784), 9)) % 1.0)
    f = L.jit(evaluate)
    return (lambda: L.block(f((enc, dec), images))), "first"


def _cumulative(L, op):
    x = L.put(_normal((1_000_000,), 11, 0.01))
    f = L.jit(getattr(L.lax, op))
    return (lambda: L.block(f(x))), "time"


def w_cumsum_1m(L):
    return _cumulative(L, "cumsum")


def w_cumlogsumexp_1m(L):
    return _cumulative(L, "cumlogsumexp")


def conv_net(L, params, x):
    """Two 3x3 convolutions (NCHW/OIHW), ReLU, 2x2 average pooling, a dense layer."""
    lax, np = L.lax, L.np
    (w1, b1), (w2, b2), (w3, b3) = params
    h = lax.conv_general_dilated(x, w1, (1, 1), "SAME") + b1[None, :, None, None]
    h = np.maximum(h, 0.0)
    h = lax.conv_general_dilated(h, w2, (1, 1), "SAME") + b2[None, :, None, None]
    h = np.maximum(h, 0.0)
    h = h.reshape((h.shape[0], h.shape[1], 14, 2, 14, 2)).mean(axis=(3, 5))
    return np.dot(h.reshape((h.shape[0], -1)), w3) + b3


def w_conv_train_step(L):
    params = [(L.put(_normal((32, 1, 3, 3), 12, 1 / 3)), L.put(np.zeros(32, np.float32))),
              (L.put(_normal((64, 32, 3, 3), 13, 1 / 17)), L.put(np.zeros(64, np.float32))),
              (L.put(_normal((64 * 14 * 14, 10), 14, 0.01)), L.put(np.zeros(10, np.float32)))]
    x, y = L.put(_normal((128, 1, 28, 28), 15)), L.put(_normal((128, 10), 16))

    @L.jit
    def step(params, x, y):
        g = L.grad(lambda p: L.np.mean((conv_net(L, p, x) - y) ** 2))(params)
        return L.tree_map(lambda p, g: p - 0.01 * g, params, g)

    state = [params]

    def run():
        state[0] = step(state[0], x, y)
        L.block(state[0])
    return run, "time"


def _data_parallel_mlp(n_devices):
    """One data-parallel MLP training step over ``n_devices`` CPU devices: the batch split
    over a one-axis mesh, the parameters replicated, one jit with shardings (XLA inserts
    the gradient all-reduce).  The device count is set before the client is made."""
    def workload(L):
        os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") +
                                   f" --xla_force_host_platform_device_count={n_devices}")
        if L.jit.__module__.startswith("plax"):
            import plax
            from plax.sharding import Mesh, NamedSharding, P
            devices = plax.devices()
        else:
            import jax
            from jax.sharding import Mesh, NamedSharding
            from jax.sharding import PartitionSpec as P
            devices = jax.devices()
        assert len(devices) >= n_devices, f"{len(devices)} devices, wanted {n_devices}"
        mesh = Mesh(np.array(devices[:n_devices]), ("data",))
        data, repl = NamedSharding(mesh, P("data")), NamedSharding(mesh, P())
        sizes = [256, 512, 512, 10]
        params = [(L.put(_normal((m, n), 20 + i, 1 / np.sqrt(m)), repl),
                   L.put(np.zeros(n, np.float32), repl))
                  for i, (m, n) in enumerate(zip(sizes[:-1], sizes[1:]))]
        x = L.put(_normal((512, 256), 30), data)
        y = L.put(_normal((512, 10), 31), data)

        def step(params, x, y):
            g = L.grad(lambda p: mlp_loss(L, p, x, y))(params)
            return L.tree_map(lambda p, g: p - 0.01 * g, params, g)

        step = L.jit(step, in_shardings=(repl, data, data), out_shardings=repl)
        state = [params]

        def run():
            state[0] = step(state[0], x, y)
            L.block(state[0])
        return run, "time"
    return workload


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
    "eager random.normal(key, (16,))": w_eager_random_normal,
    "eager random.split(key)": w_eager_random_split,
    "eager random.bernoulli(key, 0.5, (16,))": w_eager_random_bernoulli,
    "first call jit mnist_vae evaluate": w_vae_evaluate_first,
    "lax.cumsum 1M f32 jit": w_cumsum_1m,
    "lax.cumlogsumexp 1M f32 jit": w_cumlogsumexp_1m,
    "conv-net train step jit(grad), 128x1x28x28": w_conv_train_step,
    "data-parallel MLP step, 1 CPU device": _data_parallel_mlp(1),
    "data-parallel MLP step, 2 CPU devices": _data_parallel_mlp(2),
    "data-parallel MLP step, 4 CPU devices": _data_parallel_mlp(4),
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
