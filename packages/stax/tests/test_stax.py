"""Every stax layer: init_fun's output shape matches apply_fun's output, values against
NumPy/SciPy oracles (convolutions against scipy.signal, pooling against loops), and
the layers under grad (check_grads), vmap (against a loop) and jit (when installed
and able to compile the layer's primitives)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import scipy.signal
import scipy.special

import plax_core
import plax_random as random
import plax_stax as stax
from plax_core import tree_util
from plax_stax import initializers

KEY = random.PRNGKey(0)


def transformation(name):
    """A transformation from the registry; the test skips when no package offers it
    (``nox -s stax`` installs only core, numpy, random and stax)."""
    table = plax_core.get_registry().transformations
    if name not in table:
        pytest.skip(f"no '{name}' transformation installed")
    return table[name]


def rand(shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype(np.float32)


def host(tree):
    return tree_util.tree_map(np.asarray, tree)


# ------------------------------------------------------------------ oracles

def np_conv_nhwc(x, W, b, strides, pads):
    """NHWC x HWIO correlation with scipy.signal, then strides and bias."""
    xp = np.pad(x, ((0, 0), *pads, (0, 0)))
    n, _, _, c = x.shape
    kh, kw, _, o = W.shape
    full = np.stack([np.stack([sum(scipy.signal.correlate2d(xp[i, :, :, ci], W[:, :, ci, oi],
                                                            "valid") for ci in range(c))
                               for oi in range(o)], -1) for i in range(n)])
    return full[:, ::strides[0], ::strides[1]] + b.reshape(1, 1, 1, o)


def np_conv_transpose_nhwc(x, W, b, strides, padding):
    n, h, w, c = x.shape
    kh, kw, _, o = W.shape
    dil = np.zeros((n, (h - 1) * strides[0] + 1, (w - 1) * strides[1] + 1, c), x.dtype)
    dil[:, ::strides[0], ::strides[1]] = x
    pads = []
    for k, s in zip((kh, kw), strides):
        if padding == "VALID":
            total, lo = k + s - 2 + max(k - s, 0), k - 1
        else:
            total = k + s - 2
            lo = k - 1 if s > k - 1 else math.ceil(total / 2)
        pads.append((lo, total - lo))
    return np_conv_nhwc(dil, W, b, (1, 1), pads)


def np_pool(x, window, strides, kind, pads=((0, 0), (0, 0))):
    fill = {"max": -np.inf, "sum": 0.0, "avg": 0.0}[kind]
    xp = np.pad(x, ((0, 0), *pads, (0, 0)), constant_values=fill)
    cnt = np.pad(np.ones(x.shape[1:3]), pads)
    oh = (xp.shape[1] - window[0]) // strides[0] + 1
    ow = (xp.shape[2] - window[1]) // strides[1] + 1
    out = np.zeros((x.shape[0], oh, ow, x.shape[3]), np.float64)
    for i, j in itertools.product(range(oh), range(ow)):
        win = xp[:, i * strides[0]:i * strides[0] + window[0],
                 j * strides[1]:j * strides[1] + window[1]]
        if kind == "max":
            out[:, i, j] = win.max(axis=(1, 2))
        else:
            out[:, i, j] = win.sum(axis=(1, 2))
            if kind == "avg":
                out[:, i, j] /= cnt[i * strides[0]:i * strides[0] + window[0],
                                    j * strides[1]:j * strides[1] + window[1]].sum()
    return out


def np_log_softmax(x):
    return x - scipy.special.logsumexp(x, axis=-1, keepdims=True)


def np_selu(x):
    alpha, scale = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
    return scale * np.where(x > 0, x, alpha * np.expm1(x))


def np_gelu(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))


ELEMENTWISE = {
    "Tanh": np.tanh, "Relu": lambda x: np.maximum(x, 0), "Exp": np.exp,
    "LogSoftmax": np_log_softmax, "Softmax": lambda x: np.exp(np_log_softmax(x)),
    "Softplus": lambda x: np.logaddexp(0, x), "Sigmoid": scipy.special.expit,
    "Elu": lambda x: np.where(x > 0, x, np.expm1(x)),
    "LeakyRelu": lambda x: np.where(x >= 0, x, 0.01 * x), "Selu": np_selu, "Gelu": np_gelu,
}


# ------------------------------------------------------------------ the layer table
# name -> (layer, input shape, oracle(params, x) or None)

def _bn_oracle(axis, center=True, scale=True):
    def oracle(params, x):
        beta, gamma = params
        mean = x.mean(axis=axis, keepdims=True)
        var = x.var(axis=axis, keepdims=True)
        z = (x - mean) / np.sqrt(var + 1e-5)
        kept = [i for i in range(x.ndim) if i not in axis]
        shape = [x.shape[i] if i in kept else 1 for i in range(x.ndim)]
        if scale:
            z = z * np.reshape(gamma, shape)
        if center:
            z = z + np.reshape(beta, shape)
        return z
    return oracle


def _conv1d_transpose_oracle(params, x):
    W, b = params
    n, length, c = x.shape
    k, _, o = W.shape
    out = np.zeros((n, (length - 1) * 2 + max(k, 2), o))
    Wf = W[::-1]           # conv_transpose correlates with the kernel as given
    dil = np.zeros((n, (length - 1) * 2 + 1, c))
    dil[:, ::2] = x
    padded = np.pad(dil, ((0, 0), (k - 1, k - 1 + max(2 - k, 0)), (0, 0)))
    for t in range(out.shape[1]):
        out[:, t] = np.einsum("nkc,kco->no", padded[:, t:t + k], W)
    _ = Wf
    return out + b.reshape(1, 1, o)


LAYERS = {
    "Dense": (stax.Dense(5), (3, 4), lambda p, x: x @ p[0] + p[1]),
    "Conv": (stax.Conv(4, (3, 2)), (2, 6, 5, 3),
             lambda p, x: np_conv_nhwc(x, *p, (1, 1), [(0, 0), (0, 0)])),
    "Conv_same_strided": (stax.Conv(3, (3, 3), strides=(2, 1), padding="SAME"), (2, 7, 6, 2),
                          lambda p, x: np_conv_nhwc(x, *p, (2, 1), [(1, 1), (1, 1)])),
    "Conv_explicit": (stax.Conv(2, (2, 2), padding=((1, 0), (0, 2))), (1, 4, 4, 2),
                      lambda p, x: np_conv_nhwc(x, *p, (1, 1), [(1, 0), (0, 2)])),
    "GeneralConv_NCHW": (stax.GeneralConv(("NCHW", "OIHW", "NCHW"), 3, (2, 2)), (2, 2, 5, 4),
                         lambda p, x: np.transpose(np_conv_nhwc(
                             np.transpose(x, (0, 2, 3, 1)), np.transpose(p[0], (2, 3, 1, 0)),
                             np.ravel(p[1]), (1, 1), [(0, 0), (0, 0)]), (0, 3, 1, 2))),
    "ConvTranspose": (stax.ConvTranspose(3, (3, 3), strides=(2, 2)), (2, 3, 4, 2),
                      lambda p, x: np_conv_transpose_nhwc(x, *p, (2, 2), "VALID")),
    "ConvTranspose_same": (stax.ConvTranspose(2, (2, 3), strides=(1, 2), padding="SAME"),
                           (1, 4, 3, 2),
                           lambda p, x: np_conv_transpose_nhwc(x, *p, (1, 2), "SAME")),
    "Conv1DTranspose": (stax.Conv1DTranspose(3, (3,), strides=(2,)), (2, 5, 2),
                        _conv1d_transpose_oracle),
    "BatchNorm": (stax.BatchNorm(), (4, 3, 3, 2), _bn_oracle((0, 1, 2))),
    "BatchNorm_axis0": (stax.BatchNorm(axis=0, center=False), (6, 3), _bn_oracle((0,), False)),
    "MaxPool": (stax.MaxPool((2, 2)), (2, 5, 4, 3),
                lambda p, x: np_pool(x, (2, 2), (1, 1), "max")),
    "MaxPool_strided": (stax.MaxPool((2, 2), strides=(2, 2), padding="SAME"), (2, 5, 4, 3),
                        lambda p, x: np_pool(x, (2, 2), (2, 2), "max", ((0, 1), (0, 0)))),
    "SumPool": (stax.SumPool((3, 2), strides=(1, 2)), (1, 5, 6, 2),
                lambda p, x: np_pool(x, (3, 2), (1, 2), "sum")),
    "AvgPool": (stax.AvgPool((2, 2), strides=(2, 2)), (2, 4, 6, 1),
                lambda p, x: np_pool(x, (2, 2), (2, 2), "avg")),
    "AvgPool_same": (stax.AvgPool((3, 3), padding="SAME"), (1, 4, 5, 2),
                     lambda p, x: np_pool(x, (3, 3), (1, 1), "avg", ((1, 1), (1, 1)))),
    "Flatten": (stax.Flatten, (3, 2, 4), lambda p, x: x.reshape(3, 8)),
    "Identity": (stax.Identity, (3, 2), lambda p, x: x),
    # JAX's Dropout wants an rng even in test mode, where it is the identity
    "Dropout_test": ((stax.Dropout(0.5, mode="test")[0],
                      lambda p, x: stax.Dropout(0.5, mode="test")[1](p, x, rng=KEY)),
                     (3, 4), lambda p, x: x),
    "serial": (stax.serial(stax.Dense(4), stax.Relu, stax.Dense(2)), (5, 3),
               lambda p, x: np.maximum(x @ p[0][0] + p[0][1], 0) @ p[2][0] + p[2][1]),
    "residual": (stax.serial(stax.FanOut(2), stax.parallel(stax.Dense(3), stax.Identity),
                             stax.FanInSum), (4, 3),
                 lambda p, x: x @ p[1][0][0] + p[1][0][1] + x),
    "concat": (stax.serial(stax.FanOut(3), stax.parallel(stax.Tanh, stax.Identity, stax.Exp),
                           stax.FanInConcat()), (2, 3),
               lambda p, x: np.concatenate([np.tanh(x), x, np.exp(x)], -1)),
    "shape_dependent": (stax.shape_dependent(lambda shape: stax.Dense(shape[-1] * 2)), (3, 2),
                        lambda p, x: x @ p[0] + p[1]),
}
LAYERS.update({name: (getattr(stax, name), (3, 5), (lambda f: lambda p, x: f(x))(fn))
               for name, fn in ELEMENTWISE.items()})


def _apply(name):
    layer, shape, _ = LAYERS[name]
    init_fun, apply_fun = layer
    out_shape, params = init_fun(KEY, shape)
    x = rand(shape, seed=len(name))
    return apply_fun, params, x, out_shape


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_shape_and_value(name):
    apply_fun, params, x, out_shape = _apply(name)
    out = np.asarray(apply_fun(params, x))
    assert out.shape == tuple(out_shape)
    assert out.dtype == np.float32
    oracle = LAYERS[name][2]
    want = oracle(host(params), x.astype(np.float64))
    np.testing.assert_allclose(out, want, rtol=2e-4, atol=2e-4)


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_unknown_batch_size_passes_through(name):
    layer, shape, _ = LAYERS[name]
    if name == "BatchNorm_axis0":
        pytest.skip("normalises over the batch axis itself")
    out_shape, _ = layer[0](KEY, (-1,) + tuple(shape[1:]))
    assert out_shape[0] == -1


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_grad(name):
    check_grads = pytest.importorskip("plax_autodiff.test_util").check_grads
    apply_fun, params, x, _ = _apply(name)
    if name == "Exp" or name == "concat":
        x = x * 0.3
    check_grads(lambda p, x: apply_fun(p, x), (params, x), order=1, modes=("rev",),
                atol=5e-2, rtol=5e-2)


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_vmap(name):
    apply_fun, params, x, _ = _apply(name)
    xs = np.stack([x, rand(x.shape, 1), rand(x.shape, 2)])
    got = np.asarray(transformation("vmap")(apply_fun, in_axes=(None, 0))(params, xs))
    want = np.stack([np.asarray(apply_fun(params, xi)) for xi in xs])
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def _jit_or_skip():
    registry = plax_core.get_registry()
    if "jit" not in registry.transformations:
        pytest.skip("no jit transformation installed")
    if plax_core.default_backend() == "numpy":
        return registry.transformations["jit"]
    lowering = registry.rules("lowering")
    missing = [n for n in ("conv_general_dilated", "reduce_window_sum", "reduce_window_max")
               if n in registry.primitives and registry.primitives[n] not in lowering]
    if missing:
        pytest.skip(f"the jit backend cannot compile {missing} yet")
    return registry.transformations["jit"]


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_jit(name):
    jit = _jit_or_skip()
    apply_fun, params, x, _ = _apply(name)
    got = np.asarray(jit(apply_fun)(params, x))
    np.testing.assert_allclose(got, np.asarray(apply_fun(params, x)), rtol=1e-5, atol=1e-5)


# ------------------------------------------------------------------ dropout and rng

def test_dropout_train():
    init_fun, apply_fun = stax.Dropout(0.75)
    x = np.ones((200, 50), np.float32)
    assert init_fun(KEY, x.shape) == (x.shape, ())
    out = np.asarray(apply_fun((), x, rng=random.PRNGKey(1)))
    kept = out != 0
    assert 0.7 < kept.mean() < 0.8
    np.testing.assert_allclose(out[kept], 1 / 0.75, rtol=1e-6)
    keep = np.asarray(random.bernoulli(random.PRNGKey(1), 0.75, x.shape))
    np.testing.assert_array_equal(kept, keep)
    with pytest.raises(ValueError, match="PRNG key"):
        apply_fun((), x)


def test_serial_splits_rng_among_layers():
    init_fun, apply_fun = stax.serial(stax.Dropout(0.5), stax.Dropout(0.5))
    _, params = init_fun(KEY, (10, 10))
    x = np.ones((10, 10), np.float32)
    a = np.asarray(apply_fun(params, x, rng=random.PRNGKey(3)))
    b = np.asarray(apply_fun(params, x, rng=random.PRNGKey(3)))
    np.testing.assert_array_equal(a, b)
    r1, r2 = random.split(random.PRNGKey(3), 2)
    step1 = np.asarray(stax.Dropout(0.5)[1]((), x, rng=r1))
    np.testing.assert_array_equal(a, np.asarray(stax.Dropout(0.5)[1]((), step1, rng=r2)))


def test_parallel_init_unpacks_like_jax():
    init_fun, apply_fun = stax.parallel(stax.Dense(2), stax.Dense(3))
    shapes, params = init_fun(KEY, [(4, 5), (4, 6)])
    assert tuple(shapes) == ((4, 2), (4, 3))
    outs = apply_fun(params, [rand((4, 5)), rand((4, 6))])
    assert [o.shape for o in outs] == [(4, 2), (4, 3)]


def test_conv_net_trains_under_grad():
    init_fun, apply_fun = stax.serial(stax.Conv(4, (3, 3), padding="SAME"), stax.Relu,
                                      stax.MaxPool((2, 2), (2, 2)), stax.Flatten,
                                      stax.Dense(3), stax.LogSoftmax)
    _, params = init_fun(KEY, (-1, 6, 6, 1))
    x = rand((8, 6, 6, 1))
    labels = np.eye(3, dtype=np.float32)[np.arange(8) % 3]

    def loss(params):
        return -(apply_fun(params, x) * labels).sum() / 8

    grad = transformation("grad")
    before = float(loss(params))
    for _ in range(20):
        g = grad(loss)(params)
        params = tree_util.tree_map(lambda p, g: p - 0.1 * g, params, g)
    assert float(loss(params)) < before


# ------------------------------------------------------------------ initialisers

def test_initializers_statistics():
    w = np.asarray(initializers.glorot_normal()(KEY, (400, 600)))
    assert w.dtype == np.float32
    np.testing.assert_allclose(w.std(), np.sqrt(2 / 1000), rtol=0.05)
    assert np.abs(w).max() <= 2 * np.sqrt(2 / 1000) / 0.87962566103423978 + 1e-6
    u = np.asarray(initializers.he_uniform()(KEY, (300, 200)))
    np.testing.assert_allclose(np.abs(u).max(), np.sqrt(3 * 2 / 300), rtol=0.02)
    n = np.asarray(initializers.normal(0.5)(KEY, (1000,) * 2))
    np.testing.assert_allclose(n.std(), 0.5, rtol=0.02)
    conv = np.asarray(initializers.glorot_normal(2, 3)(KEY, (3, 3, 16, 32)))
    np.testing.assert_allclose(conv.std(), np.sqrt(2 / (9 * 16 + 9 * 32)), rtol=0.1)
    assert np.asarray(initializers.zeros(KEY, (2, 3))).sum() == 0
    assert np.asarray(initializers.ones(KEY, (2, 3))).sum() == 6
    with pytest.raises(ValueError, match="at least 2D"):
        initializers.lecun_normal()(KEY, (5,))


def test_initializers_match_plax_random():
    """The samples are plax-random's (hence JAX's) for the same key."""
    w = np.asarray(initializers.normal(0.1)(KEY, (3, 4)))
    np.testing.assert_allclose(w, 0.1 * np.asarray(random.normal(KEY, (3, 4))), rtol=1e-6)
    g = np.asarray(initializers.glorot_normal()(KEY, (3, 4)))
    std = np.sqrt(1 / 3.5) / 0.87962566103423978
    np.testing.assert_allclose(
        g, std * np.asarray(random.truncated_normal(KEY, -2, 2, (3, 4))), rtol=1e-6)
