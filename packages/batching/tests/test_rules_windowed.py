"""vmap of conv_general_dilated and reduce_window_* against the unbatched loop.

Each case draws a convolution (strides, padding, dilations, feature or batch groups,
permuted dimension numbers) or a window reduction, and compares ``vmap`` over every
batching position of every operand (unbatched, each axis, a negative axis) with
applying the function to each example and stacking.  Per-example gradients of a
convolution (``vmap(grad)``) and empty batches are checked too.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import plax_core
from plax_batching import vmap
from plax_core import lax
from plax_core.prims.windowed import ConvDimensionNumbers
from plax_core.testing import num_generated_cases


def random_conv(rng):
    nsp = int(rng.choice([1, 2]))
    G = B = 1
    kind = int(rng.integers(3))
    if kind == 1:
        G = int(rng.integers(2, 4))
    elif kind == 2:
        B = int(rng.integers(2, 4))
    n, i = B * int(rng.integers(1, 3)), int(rng.integers(1, 3))
    o = G * B * int(rng.integers(1, 3))
    spatial = [int(rng.integers(2, 6)) for _ in range(nsp)]
    window = [int(rng.integers(1, 3)) for _ in range(nsp)]
    params = dict(
        window_strides=tuple(int(rng.integers(1, 3)) for _ in range(nsp)),
        padding=tuple((int(rng.integers(0, 2)), int(rng.integers(0, 2))) for _ in range(nsp)),
        lhs_dilation=tuple(int(rng.integers(1, 3)) for _ in range(nsp)),
        rhs_dilation=tuple(int(rng.integers(1, 3)) for _ in range(nsp)),
        dimension_numbers=ConvDimensionNumbers(
            *(tuple(int(v) for v in rng.permutation(nsp + 2)) for _ in range(3))),
        feature_group_count=G, batch_group_count=B)
    dn = params["dimension_numbers"]

    def place(spec, canonical):
        shape = [0] * len(spec)
        for j, d in enumerate(spec):
            shape[d] = canonical[j]
        return tuple(shape)

    lhs_shape = place(dn.lhs_spec, (n, i * G, *spatial))
    rhs_shape = place(dn.rhs_spec, (o, i, *window))
    return lhs_shape, rhs_shape, params


def loop(f, args, axes, size):
    outs = []
    for b in range(size):
        ex = [x if a is None else np.take(x, b, axis=a) for x, a in zip(args, axes)]
        outs.append(np.asarray(f(*ex)))
    return np.stack(outs)


def batched_args(rng, examples, axes, size):
    out = []
    for x, a in zip(examples, axes):
        if a is None:
            out.append(x)
        else:
            stacked = rng.normal(size=(size,) + x.shape).astype(x.dtype)
            out.append(np.moveaxis(stacked, 0, a))
    return out


def check(f, rng, examples, axes, size):
    args = batched_args(rng, examples, axes, size)
    got = np.asarray(vmap(f, in_axes=tuple(axes))(*args))
    want = loop(f, args, axes, size)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4, err_msg=str(axes))


def position_choices(rng, rank):
    return [None, 0, rank, int(rng.integers(0, rank + 1)), -1]


def test_conv_batching_matches_loop():
    rng = np.random.default_rng(0)
    for case in range(max(6, 3 * num_generated_cases())):
        lhs_shape, rhs_shape, params = random_conv(rng)

        def f(lhs, rhs, params=params):
            return lax.conv_general_dilated_p.bind(
                lhs, rhs, precision=None, preferred_element_type=None,
                **{k: v for k, v in params.items()})

        examples = [rng.normal(size=lhs_shape).astype(np.float32),
                    rng.normal(size=rhs_shape).astype(np.float32)]
        rank = len(lhs_shape)
        for axes in itertools.product(position_choices(rng, rank), repeat=2):
            if axes == (None, None):
                continue
            check(f, rng, examples, list(axes), size=1 + case % 3)


@pytest.mark.parametrize("kind", ["sum", "max", "min"])
def test_reduce_window_batching_matches_loop(kind):
    rng = np.random.default_rng(len(kind))
    fn = getattr(lax, f"reduce_window_{kind}")
    for case in range(max(4, 2 * num_generated_cases())):
        nd = 1 + case % 3
        shape = tuple(int(rng.integers(1, 5)) for _ in range(nd))
        window = tuple(int(rng.integers(1, 3)) for _ in range(nd))
        strides = tuple(int(rng.integers(1, 3)) for _ in range(nd))
        padding = tuple((int(rng.integers(0, 2)), int(rng.integers(0, 2))) for _ in range(nd))
        base = tuple(int(rng.integers(1, 3)) for _ in range(nd))
        wdil = tuple(int(rng.integers(1, 3)) for _ in range(nd))

        def f(x, params=(window, strides, padding, base, wdil)):
            return fn(x, *params)

        x = rng.normal(size=shape).astype(np.float32)
        for a in (0, nd, -1, int(rng.integers(0, nd + 1))):
            check(f, rng, [x], [a], size=1 + case % 3)


def test_per_example_conv_gradients():
    """vmap(grad) of a small conv net: batched lhs and rhs cotangent convolutions."""
    if "grad" not in plax_core.get_registry().transformations:
        pytest.skip("no grad transformation installed (plax-autodiff)")
    grad = plax_core.get_registry().transformations["grad"]
    rng = np.random.default_rng(3)
    w = rng.normal(size=(3, 3, 2, 4)).astype(np.float32)
    xs = rng.normal(size=(5, 6, 6, 2)).astype(np.float32)

    def loss(w, x):
        y = lax.conv_general_dilated(x[None], w, (1, 1), "SAME",
                                     dimension_numbers=("NHWC", "HWIO", "NHWC"))
        y = lax.reduce_window_max(y, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")
        return (y * y).sum()

    got = np.asarray(vmap(grad(loss), in_axes=(None, 0))(w, xs))
    want = np.stack([np.asarray(grad(loss)(w, x)) for x in xs])
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)
    got_x = np.asarray(vmap(grad(loss, argnums=1), in_axes=(None, 0))(w, xs))
    want_x = np.stack([np.asarray(grad(loss, argnums=1)(w, x)) for x in xs])
    np.testing.assert_allclose(got_x, want_x, rtol=1e-4, atol=1e-4)


def test_empty_batch():
    x = np.zeros((0, 1, 2, 5), np.float32)
    w = np.ones((3, 2, 2), np.float32)
    out = vmap(lambda x: lax.conv(x, w, (1,), "VALID"))(x)
    assert out.shape == (0, 1, 3, 4)
    out = vmap(lambda x: lax.reduce_window_max(x, (1, 2), (1, 1), "VALID"), in_axes=0)(
        np.zeros((0, 2, 3), np.float32))
    assert out.shape == (0, 2, 2)
