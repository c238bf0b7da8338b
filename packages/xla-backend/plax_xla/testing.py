"""Test support: the NumPy reference backend and XLA must agree (used by the tests of
plax-xla and of any package that adds primitives with lowerings)."""

from __future__ import annotations

import numpy as np

from plax_core import tree_util
from plax_core.config import config

from .jit import jit


def backends_agree(fun, *args, rtol=1e-5, atol=None, signed_zeros=False):
    """``fun(*args)`` on the NumPy backend, eagerly on XLA and under ``jit``: the same
    leaves, dtypes and shapes; integers and booleans exactly, inexact values to ``rtol``
    (NaNs in the same places; with ``signed_zeros``, zeros of the same sign too)."""
    atol = rtol if atol is None else atol
    with config.override(platforms="numpy"):
        expected = [np.asarray(e) for e in tree_util.tree_leaves(fun(*args))]
    for run in (fun, jit(fun)):
        got = [np.asarray(g) for g in tree_util.tree_leaves(run(*args))]
        assert len(got) == len(expected)
        for e, g in zip(expected, got):
            assert e.dtype == g.dtype and e.shape == g.shape, (e.dtype, g.dtype, e.shape,
                                                               g.shape)
            if e.dtype.kind in "biu":
                np.testing.assert_array_equal(g, e)
                continue
            kind = np.complex128 if e.dtype.kind == "c" else np.float64
            np.testing.assert_allclose(g.astype(kind), e.astype(kind), rtol=rtol, atol=atol,
                                       equal_nan=True)
            if signed_zeros and e.dtype.kind == "f":
                np.testing.assert_array_equal(np.signbit(g), np.signbit(e))
