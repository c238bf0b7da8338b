"""Derivatives of conv_general_dilated and reduce_window_{sum,max,min}.

``check_grads`` (finite differences, forward and reverse, orders 1 and 2) over
convolutions with strides, padding (including negative), lhs/rhs dilation, feature
and batch groups and permuted dimension numbers; window reductions with strides,
padding and both dilations.  The transposes are also compared with a dense oracle:
the VJP of a conv equals the transpose of its Jacobian built column by column.
"""

from __future__ import annotations

import numpy as np
import pytest

import plax_autodiff as ad
from plax_autodiff.test_util import check_grads
from plax_core import lax
from plax_core.config import config
from plax_core.prims.windowed import ConvDimensionNumbers

CONV_CASES = [
    # lhs shape, rhs shape, strides, padding, lhs_dil, rhs_dil, dnums, G, B
    ((2, 3, 5), (4, 3, 2), (1,), ((0, 0),), (1,), (1,), None, 1, 1),
    ((1, 2, 6, 5), (3, 2, 3, 2), (2, 1), ((1, 1), (0, 1)), (1, 1), (1, 1), None, 1, 1),
    ((1, 2, 5, 4), (3, 2, 2, 2), (1, 2), ((1, -1), (2, 0)), (2, 1), (1, 2), None, 1, 1),
    ((2, 4, 5), (6, 2, 3), (2,), ((1, 2),), (1,), (2,), None, 2, 1),
    ((4, 2, 5), (6, 2, 2), (1,), ((0, 1),), (2,), (1,), None, 1, 2),
    ((2, 5, 4, 3), (3, 2, 3, 2), (1, 1), ((1, 0), (0, 1)), (1, 1), (1, 1),
     ("NHWC", "HWIO", "NHWC"), 1, 1),
    ((3, 4, 2, 6), (1, 4, 2, 4), (2, 1), ((0, 1), (1, 1)), (1, 2), (2, 1),
     ("HWCN", "IOHW", "CNWH"), 2, 1),
    ((1, 1, 3, 3, 3), (2, 1, 2, 2, 2), (1, 2, 1), ((0, 0), (1, 0), (0, 1)), (1, 1, 1),
     (1, 1, 1), None, 1, 1),
]


def _conv(strides, padding, lhs_dil, rhs_dil, dnums, G, B):
    def f(lhs, rhs):
        return lax.conv_general_dilated(lhs, rhs, strides, padding, lhs_dil, rhs_dil, dnums,
                                        feature_group_count=G, batch_group_count=B)
    return f


def _rand(rng, shape, dtype=np.float64):
    return rng.normal(size=shape).astype(dtype)


@pytest.mark.parametrize("case", range(len(CONV_CASES)))
def test_conv_check_grads(case):
    lhs_shape, rhs_shape, *params = CONV_CASES[case]
    rng = np.random.default_rng(case)
    with config.override(enable_x64=True):
        lhs, rhs = _rand(rng, lhs_shape), _rand(rng, rhs_shape)
        f = _conv(*params)
        check_grads(f, (lhs, rhs), order=2, modes=("fwd", "rev"))
        check_grads(lambda x: f(x, rhs), (lhs,), order=1, modes=("rev",))
        check_grads(lambda w: f(lhs, w), (rhs,), order=1, modes=("rev",))


@pytest.mark.parametrize("case", range(len(CONV_CASES)))
def test_conv_vjp_is_jacobian_transpose(case):
    lhs_shape, rhs_shape, *params = CONV_CASES[case]
    rng = np.random.default_rng(100 + case)
    with config.override(enable_x64=True):
        lhs, rhs = _rand(rng, lhs_shape), _rand(rng, rhs_shape)
        f = _conv(*params)
        out = np.asarray(f(lhs, rhs))
        ct = _rand(rng, out.shape)
        _, vjp = ad.vjp(f, lhs, rhs)
        g_lhs, g_rhs = (np.asarray(g) for g in vjp(ct))
        # conv is linear in lhs: column e_i of the Jacobian is f(e_i, rhs)
        expect_lhs = np.zeros(lhs.size)
        for i in range(lhs.size):
            e = np.zeros(lhs.size)
            e[i] = 1
            expect_lhs[i] = np.vdot(np.asarray(f(e.reshape(lhs.shape), rhs)), ct)
        expect_rhs = np.zeros(rhs.size)
        for i in range(rhs.size):
            e = np.zeros(rhs.size)
            e[i] = 1
            expect_rhs[i] = np.vdot(np.asarray(f(lhs, e.reshape(rhs.shape))), ct)
        np.testing.assert_allclose(g_lhs.ravel(), expect_lhs, rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(g_rhs.ravel(), expect_rhs, rtol=1e-10, atol=1e-10)


def test_conv_float32_grad_dtype():
    rng = np.random.default_rng(0)
    lhs, rhs = _rand(rng, (2, 3, 6, 6), np.float32), _rand(rng, (4, 3, 3, 3), np.float32)
    g = ad.grad(lambda w: lax.conv(lhs, w, (1, 1), "SAME").sum())(rhs)
    assert g.dtype == np.float32 and g.shape == rhs.shape
    check_grads(lambda x, w: lax.conv(x, w, (2, 2), "SAME"), (lhs, rhs), order=1)


def test_conv_transpose_grads():
    rng = np.random.default_rng(1)
    with config.override(enable_x64=True):
        x, w = _rand(rng, (1, 4, 3, 2)), _rand(rng, (3, 3, 2, 5))
        check_grads(lambda x, w: lax.conv_transpose(x, w, (2, 2), "SAME"), (x, w), order=2)


WINDOW_CASES = [
    # shape, window, strides, padding, base_dilation, window_dilation
    ((6,), (2,), (2,), ((0, 0),), (1,), (1,)),
    ((4, 5), (2, 3), (1, 2), ((1, 0), (0, 2)), (1, 1), (1, 1)),
    ((2, 5, 4, 3), (1, 2, 2, 1), (1, 2, 2, 1), ((0, 0), (0, 1), (1, 0), (0, 0)), (1, 1, 1, 1),
     (1, 1, 1, 1)),
    ((3, 4), (2, 2), (1, 1), ((1, 1), (0, 1)), (2, 1), (1, 2)),
    ((5, 3), (3, 2), (2, 1), ((2, 0), (0, 0)), (2, 1), (1, 2)),
]


def _distinct(rng, shape):
    """Values without ties, so that max/min are differentiable."""
    n = int(np.prod(shape))
    return (rng.permutation(n) * 0.37 + rng.uniform(0, 0.1, n)).reshape(shape)


@pytest.mark.parametrize("kind", ["sum", "max", "min"])
@pytest.mark.parametrize("case", range(len(WINDOW_CASES)))
def test_reduce_window_check_grads(kind, case):
    shape, *params = WINDOW_CASES[case]
    rng = np.random.default_rng(case)
    fn = getattr(lax, f"reduce_window_{kind}")
    with config.override(enable_x64=True):
        x = _distinct(rng, shape)
        check_grads(lambda x: fn(x, *params), (x,), order=2, modes=("fwd", "rev"))


def test_max_pool_gradient_routes_to_argmax():
    x = np.array([[1.0, 5.0, 2.0, 0.0], [3.0, 4.0, 8.0, 7.0]], np.float32)
    g = ad.grad(lambda x: lax.reduce_window_max(x, (2, 2), (2, 2), "VALID").sum())(x)
    np.testing.assert_array_equal(np.asarray(g), [[0, 1, 0, 0], [0, 0, 1, 0]])
    g = ad.grad(lambda x: lax.reduce_window_sum(x, (2, 2), (1, 2), "SAME").sum())(x)
    np.testing.assert_array_equal(np.asarray(g), [[1, 1, 1, 1], [2, 2, 2, 2]])


def test_reduce_window_general_function_grad():
    x = np.arange(6.0, dtype=np.float32).reshape(2, 3)
    g = ad.grad(lambda x: lax.reduce_window(x, 0.0, lax.add, (1, 2), (1, 1), "VALID").sum())(x)
    np.testing.assert_array_equal(np.asarray(g), [[1, 2, 1], [1, 2, 1]])


def test_integer_inputs_have_zero_tangents():
    x = np.arange(6, dtype=np.int32).reshape(2, 3)
    _, t = ad.jvp(lambda x: lax.reduce_window_max(x, (1, 2), (1, 1), "VALID"), (x,),
                  (np.zeros(x.shape, ad.float0),))
    assert np.asarray(t).dtype == ad.float0


def test_dimension_numbers_type_is_kept():
    dn = ConvDimensionNumbers((0, 1, 2), (0, 1, 2), (0, 1, 2))
    jaxpr = ad.make_jaxpr(ad.grad(lambda w: lax.conv_general_dilated(
        np.ones((1, 1, 4), np.float32), w, (1,), "VALID", dimension_numbers=dn).sum())
    )(np.ones((1, 1, 2), np.float32)) if hasattr(ad, "make_jaxpr") else None
    assert jaxpr is None or "conv_general_dilated" in str(jaxpr)
