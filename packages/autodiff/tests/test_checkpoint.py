"""checkpoint / remat: same values and derivatives, but only inputs are saved."""

from __future__ import annotations

import numpy as np
import pytest

import plax_autodiff as ad
import plax_core
from plax_autodiff.partial_eval import linearize_flat
from plax_autodiff.test_util import check_grads
from plax_core import lax
from plax_core.config import config


@pytest.fixture
def x64():
    with config.override(enable_x64=True):
        yield


def chain(x):
    return lax.sin(lax.sin(lax.sin(x)))


def residuals(f, x):
    _, _, res, _, _ = linearize_flat(lambda x: [f(x)], [x], [True])
    return res


def test_values_and_derivatives_unchanged(x64):
    x = np.array([0.3, -1.2, 2.0])
    g = ad.checkpoint(chain)
    np.testing.assert_allclose(np.asarray(g(x)), np.asarray(chain(x)))
    f = lambda x: lax.reduce_sum(g(x) * x, (0,))        # noqa: E731
    f0 = lambda x: lax.reduce_sum(chain(x) * x, (0,))   # noqa: E731
    np.testing.assert_allclose(np.asarray(ad.grad(f)(x)), np.asarray(ad.grad(f0)(x)))
    np.testing.assert_allclose(np.asarray(ad.hessian(f)(x)), np.asarray(ad.hessian(f0)(x)))
    check_grads(g, (x,), order=2)


def test_only_inputs_are_saved():
    x = np.array([0.3, -1.2, 2.0], np.float32)
    plain = residuals(chain, x)
    assert len(plain) == 3                     # cos of each intermediate value
    saved = residuals(ad.checkpoint(chain), x)
    assert len(saved) == 1 and saved[0] is x   # just the input: the rest is recomputed
    assert len(residuals(ad.remat(chain), x)) == 1
    everything = ad.checkpoint(chain, policy=ad.checkpoint_policies.everything_saveable)
    assert len(residuals(everything, x)) == 3


def test_backward_pass_recomputes():
    f = lambda x: lax.sin(lax.sin(x))     # noqa: E731
    plain = str(plax_core.make_jaxpr(ad.grad(f))(1.0))
    remat = str(plax_core.make_jaxpr(ad.grad(ad.checkpoint(f)))(1.0))
    assert plain.count(" sin ") == 2
    assert remat.count(" sin ") == 3           # sin(x) again in the backward pass


def test_static_argnums_pytrees_and_kwargs(x64):
    def f(params, n, scale=1.0):
        y = params["x"]
        for _ in range(n):
            y = lax.sin(y) * params["w"]
        return {"y": y * scale}

    g = ad.checkpoint(f, static_argnums=(1,))
    params = {"x": np.array([0.1, 0.2]), "w": np.float64(1.5)}
    loss = lambda p, fn: lax.reduce_sum(fn(p, 3, scale=2.0)["y"], (0,))   # noqa: E731
    g1 = ad.grad(loss)(params, g)
    g0 = ad.grad(loss)(params, f)
    for k in params:
        np.testing.assert_allclose(np.asarray(g1[k]), np.asarray(g0[k]))


def test_nested_checkpoint_and_closure(x64):
    a = np.array([1.0, 2.0])
    inner = ad.checkpoint(lambda x: lax.sin(x) * a)
    outer = ad.checkpoint(lambda x: inner(inner(x)))
    check_grads(outer, (np.array([0.4, 0.9]),), order=2)

    def with_closure(w):
        return lax.reduce_sum(ad.checkpoint(lambda x: lax.sin(x * w))(a), (0,))

    np.testing.assert_allclose(np.asarray(ad.grad(with_closure)(0.5)),
                               np.sum(np.cos(a * 0.5) * a))


def test_checkpoint_in_jaxpr():
    text = str(plax_core.make_jaxpr(ad.checkpoint(chain))(1.0))
    assert "checkpoint" in text and "sin" in text


def test_unsupported_policy():
    with pytest.raises(NotImplementedError, match="policy"):
        ad.checkpoint(chain, policy=lambda *a, **k: True)
