"""Signatures, dtype rules, shapes, ranges and error messages of the samplers."""

import numpy as np
import pytest

import plax_random as random
from plax_core import config

K = random.PRNGKey(0)

FLOAT_SAMPLERS = {
    "uniform": lambda dtype: random.uniform(K, (3,), dtype),
    "normal": lambda dtype: random.normal(K, (3,), dtype),
    "truncated_normal": lambda dtype: random.truncated_normal(K, -1.0, 1.0, (3,), dtype),
    "exponential": lambda dtype: random.exponential(K, (3,), dtype),
    "laplace": lambda dtype: random.laplace(K, (3,), dtype),
    "logistic": lambda dtype: random.logistic(K, (3,), dtype),
    "cauchy": lambda dtype: random.cauchy(K, (3,), dtype),
    "gumbel": lambda dtype: random.gumbel(K, (3,), dtype),
    "gamma": lambda dtype: random.gamma(K, 2.0, (3,), dtype),
    "beta": lambda dtype: random.beta(K, 2.0, 2.0, (3,), dtype),
    "t": lambda dtype: random.t(K, 3.0, (3,), dtype),
    "dirichlet": lambda dtype: random.dirichlet(K, np.ones(3, np.float32), None, dtype),
    "ball": lambda dtype: random.ball(K, 3, dtype=dtype),
    "orthogonal": lambda dtype: random.orthogonal(K, 3, dtype=dtype),
}


@pytest.mark.parametrize("name", sorted(FLOAT_SAMPLERS))
def test_default_float_dtype_follows_x64(name):
    f = FLOAT_SAMPLERS[name]
    assert f(None).dtype == np.float32
    with config.override(enable_x64=True):
        assert f(None).dtype == np.float64
        assert f(np.float32).dtype == np.float32


@pytest.mark.parametrize("dtype", [np.float16, "bfloat16", np.float32])
def test_small_floats(dtype):
    for name in ("uniform", "normal", "exponential", "gumbel"):
        x = FLOAT_SAMPLERS[name](dtype)
        assert x.dtype == np.dtype(dtype) if dtype != "bfloat16" else x.dtype.name == "bfloat16"
        assert np.all(np.isfinite(np.asarray(x).astype(np.float32)))


def test_float64_without_x64_is_float32():
    assert random.uniform(K, (2,), np.float64).dtype == np.float32


def test_integer_dtypes():
    assert random.randint(K, (3,), 0, 5).dtype == np.int32
    assert random.poisson(K, 2.0, (3,)).dtype == np.int32
    assert random.rademacher(K, (3,)).dtype == np.int32
    assert random.categorical(K, np.zeros(3, np.float32)).dtype == np.int32
    assert random.randint(K, (3,), 0, 5, np.int16).dtype == np.int16
    with config.override(enable_x64=True):
        assert random.randint(K, (3,), 0, 5).dtype == np.int64
        assert random.poisson(K, 2.0, (3,)).dtype == np.int64
    assert random.rademacher(K, (3,), np.float32).dtype == np.float32


@pytest.mark.parametrize("call,exc,match", [
    (lambda: random.uniform(K, (2,), np.int32), ValueError, "must be a float dtype"),
    (lambda: random.normal(K, (2,), np.int32), ValueError, "float or complex"),
    (lambda: random.gamma(K, 1.0, (2,), np.int32), ValueError, "float dtype"),
    (lambda: random.randint(K, (2,), 0, 5, np.float32), TypeError, "integer dtypes"),
    (lambda: random.bernoulli(K, 1, (2,)), TypeError, "floating dtype"),
    (lambda: random.bernoulli(K, 0.5, (2,), mode="mid"), ValueError, "mode"),
    (lambda: random.poisson(K, 1.0, (2,), np.float32), ValueError, "int dtype"),
    (lambda: random.gumbel(K, (2,), mode="huge"), ValueError, "valid mode"),
    # JAX 0.10.2 raises TypeError here (incompatible shapes for broadcasting)
    (lambda: random.uniform(K, (3,), minval=np.zeros(4, np.float32)), TypeError, "shapes"),
    (lambda: random.randint(K, (3,), np.zeros(4, np.int32), 5), ValueError, "shape"),
    (lambda: random.bernoulli(K, np.full(4, 0.5, np.float32), (3,)), ValueError, "shape"),
    (lambda: random.randint(K, (3,), 5, 2), ValueError, "minval must not exceed maxval"),
    (lambda: random.choice(K, 5, 3), TypeError, "must be a sequence"),
    (lambda: random.choice(K, 5, (6,), replace=False), ValueError, "larger sample"),
    (lambda: random.choice(K, 0, (2,)), ValueError, "greater than 0"),
    (lambda: random.choice(K, 5, (2,), p=np.ones(4, np.float32) / 4), ValueError, "p must be"),
    (lambda: random.permutation(K, 2.5), TypeError, "integer or at least 1-dimensional"),
    (lambda: random.categorical(K, np.zeros(3, np.float32), shape=(5,), replace=False),
     ValueError, "cannot exceed"),
    (lambda: random.multivariate_normal(K, np.zeros(2), np.eye(2), method="qr"),
     ValueError, "method"),
    (lambda: random.multivariate_normal(K, np.zeros(2), np.eye(3)), ValueError, "cov.shape"),
    (lambda: random.dirichlet(K, 1.0), ValueError, "alpha.ndim"),
])
def test_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_randint_equal_bounds_and_clipping():
    np.testing.assert_array_equal(np.asarray(random.randint(K, (4,), 3, 3)), 3)
    x = np.asarray(random.randint(K, (1000,), -1000, 1000, np.int8))
    assert x.min() >= -128 and x.max() <= 127
    x = np.asarray(random.randint(K, (1000,), 250, 1000, np.uint8))
    assert x.min() >= 250
    x = np.asarray(random.randint(K, (100,), 2.7, 5.9))       # float bounds truncate
    assert x.min() >= 2 and x.max() <= 4


def test_ranges():
    x = np.asarray(random.uniform(K, (10000,), minval=-3.0, maxval=-2.0))
    assert x.min() >= -3.0 and x.max() < -2.0
    x = np.asarray(random.truncated_normal(K, 0.5, 0.7, (10000,)))
    assert x.min() > 0.5 and x.max() < 0.7
    x = np.asarray(random.normal(K, (10000,)))
    assert np.all(np.isfinite(x))
    x = np.asarray(random.randint(K, (10000,), -2, 3))
    assert set(np.unique(x)) == {-2, -1, 0, 1, 2}
    x = np.asarray(random.beta(K, 0.1, 0.1, (2000,)))
    assert x.min() >= 0 and x.max() <= 1
    x = np.asarray(random.gamma(K, 0.01, (2000,)))
    assert np.all(x >= 0) and np.all(np.isfinite(x))
    assert np.all(np.isfinite(np.asarray(random.loggamma(K, 0.01, (2000,)))))


def test_shapes():
    assert random.normal(K, ()).shape == ()
    assert random.normal(K, (0,)).shape == (0,)
    assert random.uniform(K, (2, 0, 3)).shape == (2, 0, 3)
    assert random.gamma(K, np.ones((2, 3), np.float32)).shape == (2, 3)
    assert random.gamma(K, 1.0, (0,)).shape == (0,)
    assert random.bernoulli(K, np.full((2, 1), 0.5, np.float32), (3, 2, 4)).shape == (3, 2, 4)
    assert random.truncated_normal(K, np.zeros(3, np.float32), 1.0).shape == (3,)
    assert random.beta(K, np.ones(3, np.float32), 2.0).shape == (3,)
    assert random.t(K, np.ones((2, 1), np.float32), (2, 5)).shape == (2, 5)
    assert random.dirichlet(K, np.ones((4, 3), np.float32)).shape == (4, 3)
    assert random.dirichlet(K, np.ones(3, np.float32), (2, 5)).shape == (2, 5, 3)
    assert random.choice(K, 5, (2, 3)).shape == (2, 3)
    assert random.choice(K, 5, (0,)).shape == (0,)
    assert random.choice(K, np.arange(12).reshape(3, 4), (2,), axis=1).shape == (3, 2)
    assert random.categorical(K, np.zeros((2, 3), np.float32), shape=(5, 2)).shape == (5, 2)
    assert random.categorical(K, np.zeros((2, 3), np.float32), axis=0).shape == (3,)
    assert random.multivariate_normal(K, np.zeros(2, np.float32), np.eye(2, dtype=np.float32),
                                      (4, 5)).shape == (4, 5, 2)
    assert random.orthogonal(K, 3, (2,)).shape == (2, 3, 3)
    assert random.ball(K, 4, shape=(2, 3)).shape == (2, 3, 4)
    assert random.poisson(K, np.ones((2, 2), np.float32)).shape == (2, 2)
    assert random.double_sided_maxwell(K, np.zeros(2, np.float32), 1.0, (3,)).shape == (3, 2)
    assert random.split(K, (2, 3)).shape == (2, 3, 2)


def test_shuffle_is_deprecated_independent_permutation():
    x = np.arange(10)
    with pytest.warns(FutureWarning, match="deprecated"):
        y = random.shuffle(K, x)
    np.testing.assert_array_equal(np.asarray(y),
                                  np.asarray(random.permutation(K, x, independent=True)))


def test_choice_values_come_from_array():
    a = np.array([10, 20, 30, 40], np.int32)
    x = np.asarray(random.choice(K, a, (50,)))
    assert set(x.tolist()) <= set(a.tolist())
    x = np.asarray(random.choice(K, np.arange(5.0, dtype=np.float32), (3,), replace=False))
    assert x.dtype == np.float32 and len(set(x.tolist())) == 3


def test_multivariate_normal_other_methods():
    """JAX's factors: ``V sqrt(w)`` (eigh) and ``U sqrt(s)`` (svd); for a diagonal
    covariance both equal the Cholesky factor up to column signs and order."""
    cov = np.array([[2.0, 0.5], [0.5, 1.0]], np.float32)
    mean = np.array([1.0, -1.0], np.float32)
    z = np.asarray(random.normal(K, (3, 2)))
    w, v = np.linalg.eigh(cov.astype(np.float64))
    uu, s, _ = np.linalg.svd(cov.astype(np.float64))
    for method, factor in (("eigh", v * np.sqrt(w)), ("svd", uu * np.sqrt(s))):
        x = np.asarray(random.multivariate_normal(K, mean, cov, (3,), method=method))
        assert x.shape == (3, 2) and x.dtype == np.float32
        # x - mean = z F^T: recover F; its columns' signs are the backend's choice
        f = np.linalg.lstsq(z.astype(np.float64), (x - mean).astype(np.float64),
                            rcond=None)[0].T
        np.testing.assert_allclose(np.abs(f), np.abs(factor), rtol=1e-4, atol=1e-4)
        np.testing.assert_allclose(f @ f.T, cov, rtol=1e-4, atol=1e-4)
    # the factor squared is the covariance whatever the method
    for method in ("cholesky", "eigh", "svd"):
        x = np.asarray(random.multivariate_normal(K, np.zeros(2, np.float32), cov, (20000,),
                                                  method=method))
        np.testing.assert_allclose(np.cov(x.T), cov, atol=0.06)


def test_orthogonal_complex_is_unitary():
    q = np.asarray(random.orthogonal(K, 3, (2,), dtype=np.complex64))
    assert q.shape == (2, 3, 3) and q.dtype == np.complex64
    eye = np.broadcast_to(np.eye(3), q.shape)
    np.testing.assert_allclose(q @ np.conj(np.swapaxes(q, -1, -2)), eye, atol=1e-5)


def test_bernoulli_extremes():
    assert not np.any(np.asarray(random.bernoulli(K, 0.0, (1000,))))
    assert np.all(np.asarray(random.bernoulli(K, 1.0, (1000,))))
