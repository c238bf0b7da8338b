"""Sorting, cumulative and bit-level primitives: the NumPy backend, eager XLA and jit
agree (values, dtypes and shapes), including NaNs, signed zeros and ties."""

import zlib

import numpy as np
import pytest

import plax_core
from plax_core import lax
from plax_core.config import config
from plax_xla.testing import backends_agree

pytestmark = pytest.mark.skipif(not hasattr(lax, "sort") or not hasattr(lax, "cumsum"),
                                reason="this plax-core has no sorting primitives")

BF16 = np.dtype(plax_core.dtypes.bfloat16)


def _rng(*key):
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


def agree(fun, *args, rtol=1e-5):
    backends_agree(fun, *args, rtol=rtol, signed_zeros=True)


def _values(rng, shape, dtype):
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return rng.integers(0, 2, size=shape).astype(bool)
    if dtype.kind in "iu":
        return rng.integers(0, 4, size=shape).astype(dtype)
    x = np.round(rng.normal(size=shape) * 2).astype(dtype)
    flat = x.reshape(-1)
    if flat.size:
        pos = rng.integers(0, flat.size, size=min(4, flat.size))
        flat[pos] = rng.choice(np.array([0.0, -0.0, np.nan, -np.nan, np.inf, -np.inf]),
                               size=pos.size).astype(dtype)
    return x


@pytest.mark.parametrize("dtype", [np.float32, np.float16, BF16, np.int32, np.uint8,
                                   np.bool_, np.complex64])
def test_sort(dtype):
    rng = _rng("sort", str(dtype))
    x = _values(rng, (3, 7), dtype)
    agree(lambda a: lax.sort(a, 1), x)
    agree(lambda a: lax.sort(a, 0), x)
    payload = np.arange(21, dtype=np.int32).reshape(3, 7)
    agree(lambda a, b: lax.sort((a, b), dimension=1), x, payload)
    keys = _values(rng, (3, 7), np.int32)
    agree(lambda k, a, b: lax.sort((k, a, b), dimension=1, num_keys=2), keys, x, payload)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, BF16])
def test_top_k(dtype):
    rng = _rng("top_k", str(dtype))
    with config.override(enable_x64=True):
        x = _values(rng, (2, 3, 6), dtype)
        for k in (0, 1, 4, 6):
            agree(lambda a, k=k: lax.top_k(a, k), x)


@pytest.mark.parametrize("name,dtypes", [
    ("cumsum", [np.float32, np.int32, np.float16, np.complex64]),
    ("cumprod", [np.float32, np.int32]),
    ("cummax", [np.float32, np.int8, np.bool_]),
    ("cummin", [np.float32, np.uint32]),
    ("cumlogsumexp", [np.float32, np.float16]),
])
def test_cumulative(name, dtypes):
    for dtype in dtypes:
        rng = _rng(name, str(dtype))
        x = (rng.normal(size=(3, 5)) if np.dtype(dtype).kind in "fc"
             else rng.integers(0, 3, size=(3, 5))).astype(dtype)
        for axis in (0, 1):
            for reverse in (False, True):
                agree(lambda a, axis=axis, reverse=reverse: getattr(lax, name)(a, axis, reverse),
                      x, rtol=2e-3)
    x = np.array([1.0, np.nan, -np.inf, 2.0, np.inf], np.float32)
    for name in ("cummax", "cummin", "cumlogsumexp", "cumsum"):
        agree(lambda a, name=name: getattr(lax, name)(a), x)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
def test_reduce_precision_and_bit_counts(dtype):
    rng = _rng("rp", str(dtype))
    with config.override(enable_x64=True), np.errstate(over="ignore"):
        x = (rng.normal(size=30) * 10.0 ** rng.integers(-8, 8, 30)).astype(dtype)
        x[:3] = [np.nan, np.inf, -0.0]
        for e, m in ((8, 7), (5, 10), (4, 3), (5, 2)):
            agree(lambda a, e=e, m=m: lax.reduce_precision(a, e, m), x, rtol=0)
        for it in (np.int8, np.uint16, np.int32, np.uint64):
            info = np.iinfo(it)
            i = rng.integers(info.min, info.max, size=20, dtype=it, endpoint=True)
            agree(lambda a: (lax.population_count(a), lax.clz(a)), i)
