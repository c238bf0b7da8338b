"""The JAX README's ``jit`` examples, and jit composed with the other transformations.

They are written with ``plax_core.lax`` and array methods only (``nox -s xla``
installs just plax-core and plax-xla); the parts that need ``grad``, ``jacfwd`` or
``vmap`` skip when no installed package provides them.
"""

import numpy as np
import pytest

import plax_core
from plax_core import lax
from plax_xla import jit


def arr(x, dtype=np.float32):
    return plax_core.device_put(np.asarray(x, dtype))


def dot(a, b):
    return lax.dot_general(a, b, (((a.ndim - 1,), (0,)), ((), ())))


def sigmoid(x):
    return 0.5 * (lax.tanh(x / 2) + 1)


def predict(W, b, inputs):
    return sigmoid(dot(inputs, W) + b)


def loss(W, b, inputs, targets):
    preds = predict(W, b, inputs)
    label_probs = preds * targets + (1 - preds) * (1 - targets)
    return -lax.reduce_sum(lax.log(label_probs), (0,))


INPUTS = np.array([[0.52, 1.12, 0.77], [0.88, -1.08, 0.15], [0.52, 0.06, -1.30],
                   [0.74, -2.49, 1.39]], np.float32)
TARGETS = np.array([True, True, False, True])


def test_fast_f_is_slow_f():
    def slow_f(x):
        return x * x + x * 2.0

    x = arr(np.random.default_rng(0).normal(size=(500, 500)))
    fast_f = jit(slow_f)
    np.testing.assert_allclose(np.asarray(fast_f(x)), np.asarray(slow_f(x)), rtol=1e-6)


def test_logistic_regression_training(require, capsys):
    grad = require("grad")
    training_gradient_fun = jit(grad(loss))
    W, b = arr([0.1, -0.2, 0.3]), arr(0.0)
    inputs, targets = arr(INPUTS), arr(TARGETS, np.float32)
    before = float(loss(W, b, inputs, targets))
    for _ in range(100):
        W = W - 0.1 * training_gradient_fun(W, b, inputs, targets)
    after = float(loss(W, b, inputs, targets))
    print(f"Trained loss: {after:0.2f}")
    assert after < before and "Trained loss" in capsys.readouterr().out
    assert training_gradient_fun._cache_size() == 1


def test_grad_of_jit_equals_jit_of_grad(require):
    grad = require("grad")
    W, b, inputs, targets = arr([0.1, -0.2, 0.3]), arr(0.5), arr(INPUTS), arr(TARGETS)
    g1 = grad(jit(loss), argnums=(0, 1))(W, b, inputs, targets)
    g2 = jit(grad(loss, argnums=(0, 1)))(W, b, inputs, targets)
    g3 = grad(loss, argnums=(0, 1))(W, b, inputs, targets)
    for a, c, d in zip(g1, g2, g3):
        np.testing.assert_allclose(np.asarray(a), np.asarray(d), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(np.asarray(c), np.asarray(d), rtol=1e-5, atol=1e-6)


def test_hessian_jit_jacfwd_jacrev(require):
    jacfwd, jacrev = require("jacfwd"), require("jacrev")

    def fun(x):
        return lax.reduce_sum(lax.sin(x) * x * x, (0,))

    hessian = jit(jacfwd(jacrev(fun)))
    x = np.array([0.3, -1.2, 2.0], np.float32)
    h = np.asarray(hessian(arr(x)))
    expected = np.diag(2 * np.sin(x) + 4 * x * np.cos(x) - x * x * np.sin(x))
    np.testing.assert_allclose(h, expected, rtol=1e-5, atol=1e-5)


def test_per_example_gradients(require):
    grad, vmap = require("grad"), require("vmap")

    def example_loss(W, x, y):
        pred = sigmoid(dot(x, W))
        return -(y * lax.log(pred) + (1 - y) * lax.log(1 - pred))

    grad_fun = grad(example_loss)
    per_example = jit(vmap(grad_fun, in_axes=(None, 0, 0)))
    W = arr([0.1, -0.2, 0.3])
    out = per_example(W, arr(INPUTS), arr(TARGETS, np.float32))
    assert out.shape == (4, 3)
    for i in range(4):
        np.testing.assert_allclose(
            np.asarray(out[i]),
            np.asarray(grad_fun(W, arr(INPUTS[i]), arr(float(TARGETS[i])))), rtol=1e-5)


def test_custom_jvp_and_checkpoint_lower_inside_jit(require):
    custom_jvp, checkpoint, grad = (require("custom_jvp"), require("checkpoint"),
                                    require("grad"))

    @custom_jvp
    def softplus(x):
        return lax.log1p(lax.exp(x))

    @softplus.defjvp
    def softplus_jvp(primals, tangents):
        (x,), (t,) = primals, tangents
        return softplus(x), t * sigmoid(x)

    f = jit(lambda x: lax.reduce_sum(checkpoint(softplus)(x) * 2.0, (0,)))
    x = arr([0.5, -1.0])
    eager = checkpoint(softplus)(x)                      # call primitives run eagerly too
    np.testing.assert_allclose(np.asarray(eager), np.log1p(np.exp([0.5, -1.0])), rtol=1e-6)
    np.testing.assert_allclose(float(f(x)), 2 * np.log1p(np.exp([0.5, -1.0])).sum(),
                               rtol=1e-6)
    g = jit(grad(f))(x)
    np.testing.assert_allclose(np.asarray(g), 2 / (1 + np.exp(-np.array([0.5, -1.0]))),
                               rtol=1e-5)
    assert "custom_jvp_call" not in jit(f).lower(x).as_text()


@pytest.mark.parametrize("shape", [(3,), (2, 3)])
def test_vmap_inside_jit_matches_loop(require, shape):
    vmap = require("vmap")
    xs = np.random.default_rng(1).normal(size=(4,) + shape).astype(np.float32)
    f = jit(vmap(lambda x: lax.reduce_max(lax.exp(x) - x, tuple(range(len(shape))))))
    expected = [float(np.max(np.exp(x) - x)) for x in xs]
    np.testing.assert_allclose(np.asarray(f(arr(xs))), expected, rtol=1e-6)
