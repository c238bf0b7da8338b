"""plax benchmarks, side by side with JAX (and PyTorch, where a row has a torch version).

    python benchmarks/run.py                    # every workload, plax (and JAX)
    python benchmarks/run.py --only matmul      # workloads whose name contains 'matmul'
    python benchmarks/run.py --jax-python /path/to/venv/bin/python   # JAX elsewhere
    python benchmarks/run.py --torch-python /path/to/venv/bin/python # PyTorch column
    python benchmarks/run.py --warm-cache       # first-call rows also with warm disk caches
    python benchmarks/run.py --no-jax

Each measurement runs in a fresh process (``--worker LIB WORKLOAD``), the libraries
interleaved round by round, with ``GLIBC_TUNABLES=glibc.malloc.hugetlb=1`` (large
fresh XLA buffers otherwise page-fault heavily here; docs/design.md) and a pause between
processes so BLAS threads of the previous one are idle.  A plax/JAX workload is written
once against a small namespace (``np``, ``jit``, ``grad``, ``vmap``, ...) that either
library fills; PyTorch's API differs, so a row's torch version (``t_*``) is written
beside it and paired with it in ``WORKLOADS``.  Workers run with
``PLAX_COMPILATION_CACHE=0``: first-call rows are cold compiles, as JAX's are without
its opt-in persistent cache.  The table shows the median over rounds, the ratios and
their geometric mean.
"""

from __future__ import annotations

import argparse
import functools
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
    if lib == "torch":
        import torch
        # XLA's CPU client runs one intra-op thread per core it may use; torch the same.
        torch.set_num_threads(len(os.sched_getaffinity(0)))
        return SimpleNamespace(torch=torch, block=lambda x: x)  # CPU torch is synchronous
    if lib == "plax":
        import plax
        import plax.numpy as pnp
        from plax.example_libraries import optimizers, stax
        return SimpleNamespace(np=pnp, lax=plax.lax, jit=plax.jit, grad=plax.grad, vmap=plax.vmap,
                               put=plax.device_put, block=plax.block_until_ready,
                               tree_map=plax.tree_util.tree_map, random=plax.random,
                               stax=stax, optimizers=optimizers)
    import jax
    import jax.numpy as jnp
    from jax.example_libraries import optimizers, stax
    return SimpleNamespace(np=jnp, lax=jax.lax, jit=jax.jit, grad=jax.grad, vmap=jax.vmap,
                           put=jax.device_put, block=jax.block_until_ready,
                           tree_map=jax.tree_util.tree_map, random=jax.random,
                           stax=stax, optimizers=optimizers)


# ------------------------------------------------------------------ workloads
# Each returns (step, kind): step() runs once and blocks; kind is "time" (seconds per
# step, steady state), "first" (seconds of the first call) or "latency" (per call).
# A ``t_*`` function is the PyTorch version of the ``w_*`` above it: same data (NumPy,
# same seeds), same architecture, float32; T.torch is the module.

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


def torch_mlp_params(T, sizes, seed=0):
    return [(T.torch.from_numpy(_normal((m, n), seed + i, 1 / np.sqrt(m))),
             T.torch.zeros(n)) for i, (m, n) in enumerate(zip(sizes[:-1], sizes[1:]))]


def torch_mlp_loss(T, params, x, y):
    h = x
    for W, b in params[:-1]:
        h = T.torch.tanh(h @ W + b)
    W, b = params[-1]
    return T.torch.mean((h @ W + b - y) ** 2)


def torch_sgd_step(T, params, loss):
    """torch's idiom for ``p - 0.01 * grad``: autograd, then an in-place update."""
    flat = [p for layer in params for p in layer]
    grads = T.torch.autograd.grad(loss(params), flat)
    with T.torch.no_grad():
        for p, g in zip(flat, grads):
            p.sub_(0.01 * g)


def w_elementwise(L):
    x = L.put(_normal((5000, 5000)))
    f = L.jit(lambda x: x * x + x * 2.0)
    return (lambda: L.block(f(x))), "time"


def t_elementwise(T):
    x = T.torch.from_numpy(_normal((5000, 5000)))
    return (lambda: x * x + x * 2.0), "time"


def w_matmul(L):
    a, b = L.put(_normal((2048, 2048), 1)), L.put(_normal((2048, 2048), 2))
    f = L.jit(lambda a, b: L.np.dot(a, b))
    return (lambda: L.block(f(a, b))), "time"


def t_matmul(T):
    a, b = (T.torch.from_numpy(_normal((2048, 2048), seed)) for seed in (1, 2))
    return (lambda: a @ b), "time"


def _sgd_run(L, loss, params, x, y, jit=None):
    """``run()``: one jitted SGD step (learning rate 0.01) of ``loss(params, x, y)``,
    blocked on; the parameters carry over from call to call."""
    def step(params, x, y):
        g = L.grad(loss)(params, x, y)
        return L.tree_map(lambda p, g: p - 0.01 * g, params, g)

    step = (jit or L.jit)(step)
    state = [params]

    def run():
        state[0] = step(state[0], x, y)
        L.block(state[0])
    return run


def w_mlp_train_step(L):
    params = mlp_params(L, [784, 1024, 1024, 10])
    x, y = L.put(_normal((256, 784), 5)), L.put(_normal((256, 10), 6))

    return _sgd_run(L, lambda p, x, y: mlp_loss(L, p, x, y), params, x, y), "time"


def t_mlp_train_step(T):
    params = [(W.requires_grad_(), b.requires_grad_())
              for W, b in torch_mlp_params(T, [784, 1024, 1024, 10])]
    x, y = T.torch.from_numpy(_normal((256, 784), 5)), T.torch.from_numpy(_normal((256, 10), 6))
    return (lambda: torch_sgd_step(T, params, lambda p: torch_mlp_loss(T, p, x, y))), "time"


def w_per_example_grads(L):
    params = mlp_params(L, [64, 256, 256, 1])
    x, y = L.put(_normal((256, 64), 7)), L.put(_normal((256, 1), 8))

    def example_loss(params, x, y):
        return mlp_loss(L, params, x[None], y[None])

    f = L.jit(L.vmap(L.grad(example_loss), in_axes=(None, 0, 0)))
    return (lambda: L.block(f(params, x, y))), "time"


def t_per_example_grads(T):
    """torch.func.vmap(torch.func.grad(...)), eager (torch has no jit here)."""
    params = torch_mlp_params(T, [64, 256, 256, 1])
    x, y = T.torch.from_numpy(_normal((256, 64), 7)), T.torch.from_numpy(_normal((256, 1), 8))

    def example_loss(params, x, y):
        return torch_mlp_loss(T, params, x[None], y[None])

    f = T.torch.func.vmap(T.torch.func.grad(example_loss), in_dims=(None, 0, 0))
    return (lambda: f(params, x, y)), "time"


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


def t_eager_scalar_ops(T):
    x = T.torch.from_numpy(_normal((16,), 1))
    return (lambda: x * 2.0 + 1.0), "latency"


def w_eager_sum(L):
    x = L.put(_normal((16,), 1))
    return (lambda: L.np.sum(x)), "latency"


def t_eager_sum(T):
    x = T.torch.from_numpy(_normal((16,), 1))
    return (lambda: x.sum()), "latency"


def w_eager_index(L):
    x = L.put(_normal((16,), 1))
    return (lambda: x[3]), "latency"


def t_eager_index(T):
    x = T.torch.from_numpy(_normal((16,), 1))
    return (lambda: x[3]), "latency"


def w_eager_at_set(L):
    x = L.put(_normal((16,), 1))
    return (lambda: x.at[3].set(1.0)), "latency"


def t_eager_at_set(T):
    """An out-of-place update, as .at[].set is: clone, then setitem with Python scalars."""
    x = T.torch.from_numpy(_normal((16,), 1))

    def at_set():
        y = x.clone()
        y[3] = 1.0
        return y
    return at_set, "latency"


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


def w_eager_random_uniform(L):
    key = L.random.PRNGKey(0)
    return (lambda: L.random.uniform(key, (16,))), "latency"


def w_eager_random_categorical(L):
    key, logits = L.random.PRNGKey(0), L.put(_normal((16,), 41))
    return (lambda: L.random.categorical(key, logits)), "latency"


MNIST_TRAIN = 6000  # a tenth of MNIST's 60000 training images: one row stays seconds long


def w_mnist_classifier_epoch(L):
    """JAX's examples/mnist_classifier.py (stax + optimizers.momentum), one epoch of
    ``MNIST_TRAIN`` synthetic MNIST-shaped images (nothing is downloaded): batches of 128
    sliced from NumPy arrays by a permutation as the example does, the last one shorter."""
    stax, jnp = L.stax, L.np
    rng = np.random.default_rng(40)
    train_images = rng.random((MNIST_TRAIN, 28 * 28), dtype=np.float32)
    train_labels = np.eye(10, dtype=np.float32)[rng.integers(0, 10, MNIST_TRAIN)]
    init_random_params, predict = stax.serial(stax.Dense(1024), stax.Relu,
                                              stax.Dense(1024), stax.Relu,
                                              stax.Dense(10), stax.LogSoftmax)

    def loss(params, batch):
        inputs, targets = batch
        return -jnp.mean(jnp.sum(predict(params, inputs) * targets, axis=1))

    opt_init, opt_update, get_params = L.optimizers.momentum(0.001, mass=0.9)

    @L.jit
    def update(i, opt_state, batch):
        return opt_update(i, L.grad(loss)(get_params(opt_state), batch), opt_state)

    _, init_params = init_random_params(L.random.PRNGKey(0), (-1, 28 * 28))
    num_batches = -(-MNIST_TRAIN // 128)
    perm_rng = np.random.RandomState(0)
    state = [opt_init(init_params), 0]

    def epoch():
        opt_state, count = state
        perm = perm_rng.permutation(MNIST_TRAIN)
        for i in range(num_batches):
            idx = perm[i * 128:(i + 1) * 128]
            opt_state = update(count, opt_state, (train_images[idx], train_labels[idx]))
            count += 1
        L.block(opt_state)
        state[:] = [opt_state, count]
    return epoch, "time"


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


def _cumulative(L, op, offset=0.0, scale=0.01):
    x = L.put(_normal((1_000_000,), 11, scale) + np.float32(offset))
    f = L.jit(getattr(L.lax, op))
    return (lambda: L.block(f(x))), "time"


def w_cumsum_1m(L):
    return _cumulative(L, "cumsum")


def w_cumlogsumexp_1m(L):
    return _cumulative(L, "cumlogsumexp")


def w_cumprod_1m(L):
    # Factors 1 +- 1e-3: the running product stays near 1 (no underflow to slow subnormals).
    return _cumulative(L, "cumprod", 1.0, 1e-3)


def w_cummax_1m(L):
    return _cumulative(L, "cummax")


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

    loss = lambda p, x, y: L.np.mean((conv_net(L, p, x) - y) ** 2)  # noqa: E731
    return _sgd_run(L, loss, params, x, y), "time"


def t_conv_train_step(T):
    """The same conv net: F.conv2d is a cross-correlation with NCHW/OIHW, as
    lax.conv_general_dilated; autograd, then an in-place SGD step."""
    torch, F = T.torch, T.torch.nn.functional
    params = [(torch.from_numpy(_normal((32, 1, 3, 3), 12, 1 / 3)), torch.zeros(32)),
              (torch.from_numpy(_normal((64, 32, 3, 3), 13, 1 / 17)), torch.zeros(64)),
              (torch.from_numpy(_normal((64 * 14 * 14, 10), 14, 0.01)), torch.zeros(10))]
    params = [(w.requires_grad_(), b.requires_grad_()) for w, b in params]
    x, y = torch.from_numpy(_normal((128, 1, 28, 28), 15)), torch.from_numpy(_normal((128, 10), 16))

    def loss(params):
        (w1, b1), (w2, b2), (w3, b3) = params
        h = F.relu(F.conv2d(x, w1, b1, padding="same"))
        h = F.relu(F.conv2d(h, w2, b2, padding="same"))
        h = h.reshape((h.shape[0], h.shape[1], 14, 2, 14, 2)).mean(dim=(3, 5))
        return torch.mean((h.reshape((h.shape[0], -1)) @ w3 + b3 - y) ** 2)
    return (lambda: torch_sgd_step(T, params, loss)), "time"


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

        jit = functools.partial(L.jit, in_shardings=(repl, data, data), out_shardings=repl)
        return _sgd_run(L, lambda p, x, y: mlp_loss(L, p, x, y), params, x, y, jit), "time"
    return workload


# name -> (plax/JAX workload, PyTorch workload or None where the row names no torch)
WORKLOADS = {
    "x*x+x*2.0 5000x5000 jit": (w_elementwise, t_elementwise),
    "matmul 2048x2048 jit": (w_matmul, t_matmul),
    "MLP train step jit(grad)": (w_mlp_train_step, t_mlp_train_step),
    "per-example grads jit(vmap(grad))": (w_per_example_grads, t_per_example_grads),
    "eager x+y (f32[16])": (w_eager_add, None),
    "eager lax.add(x, y) (f32[16])": (w_eager_lax_add, None),
    "jit call f(x) (f32[16])": (w_jit_call, None),
    "eager x * 2.0 + 1.0 (f32[16])": (w_eager_scalar_ops, t_eager_scalar_ops),
    "eager jnp.sum(x) (f32[16])": (w_eager_sum, t_eager_sum),
    "eager x[3] (f32[16])": (w_eager_index, t_eager_index),
    "eager x.at[3].set(1.0) (f32[16])": (w_eager_at_set, t_eager_at_set),
    "jit call, 40-leaf optimizer-state pytree": (w_jit_call_pytree40, None),
    "steady jit(grad) small MLP 32-64-64-1": (w_jit_grad_small_mlp, None),
    "first call jit(grad) 20-layer MLP": (w_first_call_mlp20, None),
    "random.normal 10M f32 jit": (w_random_normal_10m, None),
    "first call jit(grad) scan RNN, 10 steps": (w_scan_rnn_10_first, None),
    "first call jit(grad) scan RNN, 1000 steps": (w_scan_rnn_1000_first, None),
    "eager random.normal(key, (16,))": (w_eager_random_normal, None),
    "eager random.uniform(key, (16,))": (w_eager_random_uniform, None),
    "eager random.split(key)": (w_eager_random_split, None),
    "eager random.bernoulli(key, 0.5, (16,))": (w_eager_random_bernoulli, None),
    "eager random.categorical(key, f32[16])": (w_eager_random_categorical, None),
    "first call jit mnist_vae evaluate": (w_vae_evaluate_first, None),
    f"mnist_classifier epoch of {MNIST_TRAIN} (stax+momentum)": (w_mnist_classifier_epoch, None),
    "lax.cumsum 1M f32 jit": (w_cumsum_1m, None),
    "lax.cumlogsumexp 1M f32 jit": (w_cumlogsumexp_1m, None),
    "lax.cumprod 1M f32 jit": (w_cumprod_1m, None),
    "lax.cummax 1M f32 jit": (w_cummax_1m, None),
    "conv-net train step jit(grad), 128x1x28x28": (w_conv_train_step, t_conv_train_step),
    "data-parallel MLP step, 1 CPU device": (_data_parallel_mlp(1), None),
    "data-parallel MLP step, 2 CPU devices": (_data_parallel_mlp(2), None),
    "data-parallel MLP step, 4 CPU devices": (_data_parallel_mlp(4), None),
}


# ------------------------------------------------------------------ measuring

def _plax_compile_stats(lib):
    if lib != "plax":
        return None
    from plax_xla import compile_cache
    return dict(compile_cache.STATS)


def _check_first_call(lib, before):
    """A first-call row must time what it says: with the disk cache off (the default
    here) plax compiled and loaded nothing from disk; with ``--warm-cache`` it loaded."""
    if before is None:
        return
    after = _plax_compile_stats(lib)
    compiled = after["compiled"] - before["compiled"]
    loaded = after["loaded"] - before["loaded"]
    if os.environ.get("PLAX_COMPILATION_CACHE") == "0":
        assert compiled >= 1 and loaded == 0, f"cold first call: {compiled=} {loaded=}"
    else:
        assert loaded >= 1, f"warm first call loaded nothing from disk: {compiled=}"


def measure(lib: str, name: str) -> tuple[float, str]:
    L = load(lib)
    workload = WORKLOADS[name][1 if lib == "torch" else 0]
    step, kind = workload(L)
    if kind == "first":
        before = _plax_compile_stats(lib)
        start = time.perf_counter()
        step()
        seconds = time.perf_counter() - start
        _check_first_call(lib, before)
        return seconds, kind
    if kind == "latency":
        # Warm up (200 calls or 0.5 s), then 5 repeats of ~0.2 s each; the best repeat.
        calls, t0 = 0, time.perf_counter()
        while calls < 200 and (calls < 3 or time.perf_counter() - t0 < 0.5):
            out = step()
            calls += 1
        L.block(out)
        n = max(5, min(2000, int(0.2 * calls / (time.perf_counter() - t0))))
        best = float("inf")
        for _ in range(5):
            t0 = time.perf_counter()
            for _ in range(n):
                out = step()
            L.block(out)
            best = min(best, (time.perf_counter() - t0) / n)
        return best, kind
    for _ in range(2):
        step()
    times = []
    budget = time.perf_counter() + 3.0
    while len(times) < 3 or (time.perf_counter() < budget and len(times) < 50):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), kind


def worker_env(lib: str, warm_dirs: dict | None) -> dict:
    """Cold by default: plax's disk cache off.  ``warm_dirs`` (``--warm-cache``) turns on
    each library's persistent cache in a directory of this run (JAX's is opt-in: its
    minimums are lowered to zero so that every program is kept, as plax keeps them)."""
    env = dict(os.environ, GLIBC_TUNABLES="glibc.malloc.hugetlb=1", TF_CPP_MIN_LOG_LEVEL="2",
               JAX_PLATFORMS=os.environ.get("JAX_PLATFORMS", "cpu"), PLAX_COMPILATION_CACHE="0")
    if warm_dirs is not None:
        env.update(PLAX_COMPILATION_CACHE="1", PLAX_COMPILATION_CACHE_DIR=warm_dirs["plax"],
                   JAX_COMPILATION_CACHE_DIR=warm_dirs["jax"],
                   JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS="0",
                   JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES="0")
    return env


def run_worker(python: str, lib: str, name: str, warm_dirs=None) -> tuple[float | None, str]:
    proc = subprocess.run([python, HERE, "--worker", lib, name], capture_output=True,
                          text=True, env=worker_env(lib, warm_dirs))
    if proc.returncode != 0:
        sys.stderr.write(f"[{lib}] {name} failed:\n{proc.stderr[-2000:]}\n")
        return None, ""
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    return out["seconds"], out["kind"]


def fmt(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} us"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def geomean(ratios):
    return float(np.exp(np.mean(np.log(ratios)))) if ratios else None


def measure_row(name, pythons, rounds, pause, warm_dirs=None):
    """Median seconds per library over ``rounds`` fresh processes, libraries interleaved;
    with ``warm_dirs``, one untimed process per library first fills its disk cache."""
    results, kind = {lib: [] for lib in pythons}, ""
    if warm_dirs is not None:
        for lib, python in pythons.items():
            run_worker(python, lib, name, warm_dirs)
    for _ in range(rounds):
        for lib, python in pythons.items():
            t, k = run_worker(python, lib, name, warm_dirs)
            if t is not None:
                results[lib].append(t)
                kind = kind or k
            time.sleep(pause)
    return {lib: statistics.median(ts) if ts else None for lib, ts in results.items()}, kind


def _python_with(module: str, explicit: str | None, wanted: bool) -> str | None:
    if explicit:
        return explicit
    if wanted and importlib.util.find_spec(module) is not None:
        return sys.executable
    return None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", nargs=2, metavar=("LIB", "WORKLOAD"))
    parser.add_argument("--only", default="")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-jax", action="store_true")
    parser.add_argument("--jax-python", default=None,
                        help="a Python that can import jax (default: this one)")
    parser.add_argument("--torch", action="store_true",
                        help="add the PyTorch column (torch importable here or --torch-python)")
    parser.add_argument("--torch-python", default=None,
                        help="a Python that can import torch (implies --torch)")
    parser.add_argument("--warm-cache", action="store_true",
                        help="first-call rows also measured with warm persistent caches")
    parser.add_argument("--pause", type=float, default=1.0)
    args = parser.parse_args(argv)
    if args.worker:
        lib, name = args.worker
        seconds, kind = measure(lib, name)
        print(json.dumps({"seconds": seconds, "kind": kind}))
        return
    pythons = {"plax": sys.executable,
               "jax": None if args.no_jax else _python_with("jax", args.jax_python, True),
               "torch": _python_with("torch", args.torch_python, args.torch)}
    if args.torch and pythons["torch"] is None:
        parser.error("--torch: torch is not importable here; pass --torch-python")
    names = [n for n in WORKLOADS if args.only.lower() in n.lower()]
    rows = []
    for name in names:
        libs = {lib: py for lib, py in pythons.items()
                if py is not None and (lib != "torch" or WORKLOADS[name][1] is not None)}
        medians, kind = measure_row(name, libs, args.rounds, args.pause)
        rows.append(_row(name, medians, kind))
        if args.warm_cache and kind == "first":
            import tempfile
            with tempfile.TemporaryDirectory(prefix="plax-bench-") as tmp:
                warm_dirs = {lib: os.path.join(tmp, lib) for lib in ("plax", "jax")}
                medians, _ = measure_row(name, {k: v for k, v in libs.items() if k != "torch"},
                                         args.rounds, args.pause, warm_dirs)
            rows.append(_row(name + " [warm disk cache]", medians, "first-warm"))
    print()
    print("| workload | plax | JAX | PyTorch | plax/JAX | plax/PyTorch |")
    print("| --- | --- | --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row["cells"]) + " |")
    # Warm-cache rows repeat a cold row: left out so geomeans compare across runs.
    counted = [r for r in rows if r["kind"] != "first-warm"]
    g_jax = geomean([r["jax"] for r in counted if r["jax"]])
    g_torch = geomean([r["torch"] for r in counted if r["torch"]])
    print(f"| geomean ({sum(1 for r in counted if r['jax'])} rows vs JAX, "
          f"{sum(1 for r in counted if r['torch'])} vs PyTorch) | | | | "
          f"{f'{g_jax:.2f}' if g_jax else '-'} | {f'{g_torch:.2f}' if g_torch else '-'} |")


def _row(name, medians, kind):
    p, j, t = (medians.get(lib) for lib in ("plax", "jax", "torch"))
    r_jax = p / j if p and j else None
    r_torch = p / t if p and t else None
    cells = [name, fmt(p), fmt(j), fmt(t), f"{r_jax:.2f}" if r_jax else "-",
             f"{r_torch:.2f}" if r_torch else "-"]
    print(f"{name:44s} plax {cells[1]:>10s}   jax {cells[2]:>10s}   torch {cells[3]:>10s}   "
          f"plax/jax {cells[4]:>5s}   plax/torch {cells[5]}", flush=True)
    return {"cells": cells, "kind": kind, "jax": r_jax, "torch": r_torch}


if __name__ == "__main__":
    main()
