"""plax.numpy.polyfit and roots against NumPy and JAX 0.10.2.

NumPy is the oracle for fits (same scaled least-squares problem); the ``roots``
values below marked JAX were obtained by running JAX 0.10.2 outside the repository.
"""

import numpy as np
import pytest

import plax_numpy as jnp

X = np.linspace(-1, 2, 7).astype(np.float32)
Y = (3 * X**2 - X + 0.5 + 0.1 * np.sin(5 * X)).astype(np.float32)
W = np.arange(1, 8, dtype=np.float32)


@pytest.mark.parametrize("kwargs", [{}, {"w": W}, {"rcond": 1e-3}])
@pytest.mark.parametrize("deg", [0, 1, 2, 4])
def test_polyfit_matches_numpy(deg, kwargs):
    got = jnp.polyfit(X, Y, deg, **kwargs)
    want = np.polyfit(X.astype(np.float64), Y.astype(np.float64), deg, **kwargs)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=2e-3, atol=2e-4)


def test_polyfit_full_cov_and_columns():
    c, res, rank, s, rcond = jnp.polyfit(X, Y, 2, full=True)
    wc, wres, wrank, ws, wrcond = np.polyfit(X.astype(np.float64), Y.astype(np.float64), 2,
                                             full=True)
    np.testing.assert_allclose(res, wres, rtol=1e-3)
    assert int(rank) == wrank
    np.testing.assert_allclose(s, ws, rtol=1e-4)
    np.testing.assert_allclose(float(rcond), 7 * np.finfo(np.float32).eps, rtol=1e-6)
    for cov in (True, "unscaled"):
        c, v = jnp.polyfit(X, Y, 2, cov=cov)
        _, wv = np.polyfit(X.astype(np.float64), Y.astype(np.float64), 2, cov=cov)
        np.testing.assert_allclose(v, wv, rtol=2e-3, atol=1e-7)
    yy = np.stack([Y, 2 * Y], 1)
    c2 = jnp.polyfit(X, yy, 2)
    np.testing.assert_allclose(c2, np.polyfit(X, yy, 2), rtol=1e-4)
    _, v2 = jnp.polyfit(X, yy, 2, cov=True)
    assert v2.shape == (3, 3, 2)


@pytest.mark.parametrize("bad,exc", [
    (lambda: jnp.polyfit(X, Y, -1), ValueError),
    (lambda: jnp.polyfit(X[:, None], Y, 1), TypeError),
    (lambda: jnp.polyfit(X, Y[:3], 1), TypeError),
    (lambda: jnp.polyfit(X[:3], Y[:3], 2, cov=True), ValueError),
    (lambda: jnp.roots(np.ones((2, 2))), ValueError),
])
def test_bad_inputs_raise_jax_exception_classes(bad, exc):
    with pytest.raises(exc):
        bad()


# (p, strip_zeros, JAX 0.10.2's roots)
ROOTS = [
    ([1., -6, 11, -6], True, [2.9999952, 2.0000014, 1.0000001]),
    ([0., 0, 1., 2, 1], True, [-0.9999999, -0.9999999]),
    ([1., 0, 1], True, [1j, -1j]),
    ([0., 0, 1., 2, 0], True, [0, -2]),
    ([0., 1., 2, 0], False, [-2, 0, complex(np.nan, np.nan)]),
    ([0., 0., 0], False, [complex(np.nan, np.nan)] * 2),
    ([2.], True, []),
]


@pytest.mark.parametrize("p,strip,want", ROOTS)
def test_roots_match_jax(p, strip, want):
    got = jnp.roots(np.array(p, np.float32), strip_zeros=strip)
    assert got.dtype == np.complex64
    np.testing.assert_allclose(np.asarray(got), np.array(want, np.complex64), atol=1e-5)


def test_roots_of_integers_are_complex_and_sorted_like_numpy():
    got = jnp.roots(np.array([1, -3, 2]))
    assert got.dtype == np.complex64
    np.testing.assert_allclose(np.sort_complex(np.asarray(got)), [1, 2], atol=1e-6)


def test_roots_under_jit_without_strip():
    import plax_core
    table = plax_core.get_registry().transformations
    if "jit" not in table:
        pytest.skip("jit needs plax-xla")
    got = table["jit"](lambda p: jnp.roots(p, strip_zeros=False))(
        np.array([0., 1., 2, 0], np.float32))
    np.testing.assert_allclose(np.asarray(got)[:2], [-2, 0], atol=1e-6)
    assert np.isnan(np.asarray(got)[2])
