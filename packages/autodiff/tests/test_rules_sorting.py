"""Derivatives of sort, top_k, the cumulative primitives and reduce_precision.

``check_grads`` (finite differences, forward and reverse, orders 1 and 2) over
generated shapes, axes and directions; inputs are distinct (no ties), where the
functions are differentiable.  The VJP of the permuting ``sort`` tangent is also
compared with the transpose of its Jacobian.
"""

from __future__ import annotations

import numpy as np
import pytest

import plax_autodiff as ad
from plax_autodiff.test_util import check_grads
from plax_core import lax
from plax_core.config import config
from plax_core.testing import num_generated_cases

N = num_generated_cases(10)


def _distinct(rng, shape):
    n = int(np.prod(shape))
    return (rng.permutation(n) + rng.uniform(0.1, 0.4, n)).reshape(shape) / max(n, 1)


def _shape_axis(rng):
    rank = int(rng.integers(1, 4))
    shape = tuple(int(d) for d in rng.integers(1, 5, size=rank))
    return shape, int(rng.integers(0, rank))


@pytest.mark.parametrize("case", range(N))
def test_sort_grads(case):
    rng = np.random.default_rng(case)
    shape, axis = _shape_axis(rng)
    with config.override(enable_x64=True):
        x, y = _distinct(rng, shape), rng.normal(size=shape)
        check_grads(lambda a: lax.sort(a, axis) ** 2, (x,), order=2, modes=("fwd", "rev"))
        check_grads(lambda a, b: lax.sort((a, b), dimension=axis)[1] * a, (x, y), order=2,
                    modes=("fwd", "rev"))
        keys = rng.integers(0, 2, size=shape).astype(np.int32)
        check_grads(lambda a, b: lax.sort((keys, a, b), dimension=axis, num_keys=2)[2],
                    (x, y), order=1, modes=("fwd", "rev"))


@pytest.mark.parametrize("case", range(N))
def test_top_k_grads(case):
    rng = np.random.default_rng(50 + case)
    shape, _ = _shape_axis(rng)
    k = int(rng.integers(1, shape[-1] + 1))
    with config.override(enable_x64=True):
        x = _distinct(rng, shape)
        check_grads(lambda a: lax.top_k(a, k)[0] ** 3, (x,), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("name", ["cumsum", "cumprod", "cummax", "cummin", "cumlogsumexp"])
@pytest.mark.parametrize("case", range(max(N // 2, 2)))
def test_cumulative_grads(name, case):
    rng = np.random.default_rng(100 + case)
    shape, axis = _shape_axis(rng)
    reverse = bool(case % 2)
    with config.override(enable_x64=True):
        x = _distinct(rng, shape) + 0.5
        if case % 3 == 2:
            x = -x
        f = getattr(lax, name)
        check_grads(lambda a: f(a, axis, reverse), (x,), order=2, modes=("fwd", "rev"))


def test_cumlogsumexp_grad_at_ties_and_minus_inf():
    with config.override(enable_x64=True):
        x = np.array([0.5, 0.5, -np.inf, 0.5])
        g = np.asarray(ad.grad(lambda a: lax.cumlogsumexp(a)[-1])(x))
        np.testing.assert_allclose(g, [1 / 3, 1 / 3, 0, 1 / 3])


def test_sort_vjp_is_jacobian_transpose():
    rng = np.random.default_rng(3)
    with config.override(enable_x64=True):
        keys = rng.integers(0, 3, size=(3, 4))
        x, ct = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
        f = lambda a: lax.sort((keys, a), dimension=1)[1]  # noqa: E731
        (g,) = ad.vjp(f, x)[1](ct)
        jac = np.stack([np.asarray(f(e.reshape(3, 4))).ravel() for e in np.eye(12)], 1)
        np.testing.assert_allclose(np.asarray(g).ravel(), jac.T @ ct.ravel())


def test_reduce_precision_grads_and_integer_ops():
    rng = np.random.default_rng(4)
    with config.override(enable_x64=True):
        x = rng.normal(size=(3, 2))
        check_grads(lambda a: lax.reduce_precision(a, 11, 52) * a, (x,), order=2,
                    modes=("fwd", "rev"))
        f = lambda a: a * lax.convert_element_type(  # noqa: E731
            lax.population_count(lax.convert_element_type(a, "int32")), a.dtype)
        check_grads(f, (x,), order=1, modes=("fwd", "rev"))
