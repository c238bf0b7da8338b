"""Helpers for plax's generated tests (shared by every package's test suite)."""

from __future__ import annotations

import os

import numpy as np

from . import dtypes


def num_generated_cases(default: int = 10) -> int:
    """How many cases each generated test draws (``PLAX_NUM_GENERATED_CASES``)."""
    return int(os.environ.get("PLAX_NUM_GENERATED_CASES", default))


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def random_array(rng: np.random.Generator, shape, dtype, low=-3.0, high=3.0) -> np.ndarray:
    """Random values of ``dtype`` (canonical) in a range every primitive tolerates."""
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return rng.random(shape) < 0.5
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        lo, hi = max(int(low), info.min), min(int(high), info.max)
        return rng.integers(lo, hi + 1, size=shape).astype(dtype)
    if dtype.kind == "c":
        return (rng.uniform(low, high, shape) + 1j * rng.uniform(low, high, shape)).astype(dtype)
    return rng.uniform(low, high, shape).astype(dtype)


def random_shapes(rng: np.random.Generator, n: int, max_rank: int = 3, max_dim: int = 4,
                  allow_empty: bool = True) -> list[tuple[int, ...]]:
    """``n`` shapes including 0-d and (optionally) zero-sized ones."""
    shapes = [(), (3,)]
    if allow_empty:
        shapes.append((0, 2))
    while len(shapes) < n:
        rank = int(rng.integers(0, max_rank + 1))
        shapes.append(tuple(int(d) for d in rng.integers(1, max_dim + 1, size=rank)))
    return shapes[:n]


def tolerance(dtype) -> dict:
    dtype = np.dtype(dtype)
    if dtype in (np.dtype(np.float16), np.dtype(dtypes.bfloat16)):
        return dict(rtol=1e-2, atol=1e-2)
    if dtype in (np.dtype(np.float32), np.dtype(np.complex64)):
        return dict(rtol=1e-5, atol=1e-6)
    return dict(rtol=1e-12, atol=1e-12)
