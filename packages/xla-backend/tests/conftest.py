"""Shared fixtures of plax-xla's tests: the backends and the NumPy-vs-XLA comparison.

Tests compile with ``xla_backend_optimization_level=0`` (``PLAX_XLA_OPT_LEVEL``),
which halves compile time and changes no result the tests check.
"""

import contextlib
import os

os.environ.setdefault("PLAX_XLA_OPT_LEVEL", "0")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import plax_core  # noqa: E402
from plax_core.backend import NumpyBackend  # noqa: E402
from plax_core.config import config  # noqa: E402
from plax_core.testing import tolerance  # noqa: E402

X64 = {np.dtype(t) for t in (np.int64, np.uint64, np.float64, np.complex128)}


def x64_for(*dtypes):
    """A context enabling x64 when any of ``dtypes`` is a 64-bit type."""
    if any(np.dtype(d) in X64 for d in dtypes):
        return config.override(enable_x64=True)
    return contextlib.nullcontext()


def requires(transformation: str):
    """The named transformation, or a skip when no installed package provides it."""
    fn = plax_core.get_registry().transformations.get(transformation)
    if fn is None:
        pytest.skip(f"no installed package provides '{transformation}'")
    return fn


@pytest.fixture(scope="session")
def x64():
    """``x64(*dtypes)``: a context enabling x64 when a dtype needs it."""
    return x64_for


@pytest.fixture(scope="session")
def require():
    """``require(name)``: the named transformation, or skip the test."""
    return requires


@pytest.fixture(scope="session")
def xla():
    from plax_xla import backend_for
    return backend_for("cpu")


@pytest.fixture(scope="session")
def numpy_backend():
    return NumpyBackend()


def assert_same(expected, got, dtype=None, what="", rtol=None, atol=None):
    """Exact for bool/int values, ``tolerance(dtype)`` for inexact ones (NaNs equal)."""
    expected, got = np.asarray(expected), np.asarray(got)
    assert expected.dtype == got.dtype, (what, expected.dtype, got.dtype)
    assert expected.shape == got.shape, (what, expected.shape, got.shape)
    dtype = np.dtype(dtype or expected.dtype)
    if dtype.kind in "biu":
        np.testing.assert_array_equal(got, expected, err_msg=what)
        return
    tol = tolerance(dtype)
    if rtol is not None:
        tol = dict(rtol=rtol, atol=atol if atol is not None else rtol)
    wide = np.complex128 if dtype.kind == "c" else np.float64
    np.testing.assert_allclose(got.astype(wide), expected.astype(wide), equal_nan=True,
                               err_msg=what, **tol)


@pytest.fixture
def check_backends(xla, numpy_backend):
    """Run ``prim`` on both backends with host ``args`` and ``params``; compare."""
    def check(prim, args, params, rtol=None, atol=None):
        dtypes_in = [np.asarray(a).dtype for a in args]
        out_dt = [d for d in dtypes_in]
        with x64_for(*out_dt, *[v for v in params.values() if isinstance(v, np.dtype)]):
            expected = numpy_backend.apply_primitive(prim, list(args), params)
            on_device = [xla.device_put(a) for a in args]
            got = xla.apply_primitive(prim, on_device, params)
        outs_e = expected if prim.multiple_results else [expected]
        outs_g = got if prim.multiple_results else [got]
        for e, g in zip(outs_e, outs_g):
            assert e.aval == g.aval, (prim, e.aval, g.aval)
            assert_same(np.asarray(e), np.asarray(g), what=f"{prim} {params}", rtol=rtol,
                        atol=atol)
        return got
    return check
