"""Control flow and windowed primitives: the NumPy backend, eager XLA and jit agree.

These primitives (``cond``, ``while``, ``scan``, ``conv_general_dilated``,
``reduce_window_*``) are exercised through their ``lax`` functions: each case runs
under ``PLAX_PLATFORMS=numpy`` (the reference), eagerly on XLA, and under ``jit``.
"""

import zlib

import numpy as np
import pytest

import plax_core
from plax_core import lax
from plax_core.config import config
from plax_core.testing import random_array
from plax_xla.testing import backends_agree

pytestmark = pytest.mark.skipif(
    not hasattr(lax, "scan") or not hasattr(lax, "conv_general_dilated"),
    reason="this plax-core has no control-flow or windowed primitives")

BF16 = np.dtype(plax_core.dtypes.bfloat16)


def _rng(*key):
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


def agree(fun, *args, rtol=1e-5):
    backends_agree(fun, *args, rtol=rtol)


def test_cond_and_switch():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    for pred in (True, False):
        agree(lambda p, a: lax.cond(p, lambda a: a * 2.0, lambda a: lax.sin(a), a), pred, x)
    for index in (-1, 0, 1, 2, 5):
        agree(lambda i, a: lax.switch(i, [lambda a: a + 1, lambda a: a * a,
                                          lambda a: -a], a), np.int32(index), x)


def test_while_and_fori_loop():
    x = np.linspace(0.1, 1, 5).astype(np.float32)
    agree(lambda a: lax.while_loop(lambda c: c[0] < 7, lambda c: (c[0] + 1, c[1] * 1.1 + a),
                                   (0, a)), x)
    agree(lambda a, n: lax.fori_loop(0, n, lambda i, v: v + i * a, a), x, np.int32(4))


@pytest.mark.parametrize("reverse", [False, True])
def test_scan(reverse):
    xs = _rng("scan").normal(size=(5, 3)).astype(np.float32)

    def f(xs, w):
        def step(c, x):
            c = lax.tanh(c * w + x)
            return c, (c * 2.0, lax.reduce_sum(x, (0,)))
        return lax.scan(step, np.zeros(3, np.float32), xs, reverse=reverse)

    agree(f, xs, np.float32(0.7))
    agree(lambda xs: lax.scan(lambda c, x: (c + x, c), np.int32(0), xs), np.arange(
        4, dtype=np.int32))
    agree(lambda: lax.scan(lambda c, _: (c * 2, c), np.float32(1.0), None, length=4))
    agree(lambda xs: lax.scan(lambda c, x: (c + x, c * x), np.float32(1.0), xs),
          np.zeros((0,), np.float32))


@pytest.mark.parametrize("dt", [np.dtype(np.float32), np.dtype(np.float64), BF16,
                                np.dtype(np.int32), np.dtype(np.float16)], ids=str)
def test_conv_general_dilated(dt):
    rng = _rng("conv", dt.name)
    lhs = np.array(random_array(rng, (2, 4, 7, 6), dt))
    rhs = np.array(random_array(rng, (6, 2, 3, 2), dt))
    tol = 2e-2 if dt in (BF16, np.dtype(np.float16)) else 1e-5
    with config.override(enable_x64=dt.itemsize == 8):
        agree(lambda a, b: lax.conv_general_dilated(a, b, (1, 2), [(1, 0), (2, -1)],
                                                    lhs_dilation=(1, 2), rhs_dilation=(2, 1),
                                                    feature_group_count=2), lhs, rhs, rtol=tol)
        agree(lambda a, b: lax.conv_general_dilated(a, b, (1, 1), "SAME"), lhs[:, :2],
              rhs, rtol=tol)
        nhwc = np.transpose(lhs[:, :2], (0, 2, 3, 1))
        hwio = np.transpose(rhs, (2, 3, 1, 0))
        agree(lambda a, b: lax.conv_general_dilated(
            a, b, (2, 1), "VALID", dimension_numbers=("NHWC", "HWIO", "NHWC")),
            nhwc, hwio, rtol=tol)


@pytest.mark.parametrize("name", ["reduce_window_sum", "reduce_window_max",
                                  "reduce_window_min"])
@pytest.mark.parametrize("dt", [np.dtype(np.float32), np.dtype(np.int32), BF16,
                                np.dtype(np.uint8)], ids=str)
def test_reduce_window(name, dt):
    rng = _rng(name, dt.name)
    x = np.array(random_array(rng, (2, 7, 5), dt))
    fn = getattr(lax, name)
    tol = 2e-2 if dt == BF16 else 1e-5
    agree(lambda a: fn(a, (1, 3, 2), (1, 2, 1), [(0, 0), (1, 2), (0, 1)]), x, rtol=tol)
    agree(lambda a: fn(a, (1, 2, 2), (1, 1, 2), "SAME"), x, rtol=tol)
