"""``binomial`` and ``multinomial``: JAX's bits, edge cases, transformations, statistics.

Every expected count in ``JAX`` was produced by running ``jax==0.10.2`` (CPU, default
configuration, then ``jax_enable_x64=True``) in a scratch environment outside this
project, with the call written next to it in ``CASES`` (``jnp.asarray`` for the lists).
No project file imports jax.  Counts are integers stored as floats, so they must match
exactly; JAX also gave the same values under ``jit`` for every case.
"""

import math

import numpy as np
import pytest
import scipy.stats as st

import plax_core
import plax_random as random
from plax_core import config, dtypes


def K(seed=0):
    return random.PRNGKey(seed)


TRANSFORMS = plax_core.get_registry().transformations


def transform(name):
    if name not in TRANSFORMS:
        pytest.skip(f"no '{name}' transformation installed")
    return TRANSFORMS[name]


def A(x):
    """A list as JAX's ``jnp.asarray`` makes it: the default float dtype."""
    return np.asarray(x, dtypes.default_float_dtype())


nan, inf = np.nan, np.inf

CASES = {
    "small": lambda: random.binomial(K(0), 10.0, 0.3, (5,)),
    "btrs": lambda: random.binomial(K(1), 100.0, 0.4, (6,)),
    "mixed": lambda: random.binomial(K(2), A([0.0, 5.0, 20.0, 1000.0, 1e6, 7.0]),
                                     A([0.5, 0.0, 1.0, 0.7, 0.01, 0.95])),
    "bcast": lambda: random.binomial(K(3), 5.0, A([0.1, 0.5, 0.9]), (2, 3)),
    "edge": lambda: random.binomial(K(4), A([3.0, -1.0, inf, 4.0, nan, 10.0]),
                                    A([0.5, 0.5, 0.5, -0.1, 0.5, nan])),
    "large": lambda: random.binomial(K(5), 1e9, 0.3, (3,)),
    "float_n": lambda: random.binomial(K(6), 7.6, 0.5, (4,)),
    "scalar": lambda: random.binomial(K(7), 40, 0.25),
    "p_half": lambda: random.binomial(K(8), A([21.0, 10.0, 1e4]), 0.5),
    "vmap_keys": lambda: transform("vmap")(
        lambda k: random.binomial(k, 30.0, 0.5, (4,)))(random.split(K(9), 3)),
    "vmap_n": lambda: transform("vmap")(
        lambda n: random.binomial(K(10), n, 0.3))(A([0.0, 5.0, 50.0, 500.0])),
    "f16": lambda: random.binomial(K(11), 12.0, 0.4, (3,), dtype=np.float16),
    "m_basic": lambda: random.multinomial(K(0), A(20.0), A([0.2, 0.3, 0.5])),
    "m_batch": lambda: random.multinomial(K(1), A([10.0, 100.0]),
                                          A([[0.1, 0.6, 0.3], [0.25, 0.25, 0.5]])),
    "m_zero": lambda: random.multinomial(K(2), A(50.0), A([0.0, 0.5, 0.0, 0.5])),
    "m_unnorm": lambda: random.multinomial(K(3), A(30.0), A([1.0, 2.0, 3.0])),
    "m_large": lambda: random.multinomial(K(4), A(1e6), A([0.1, 0.2, 0.3, 0.4])),
    "m_shape": lambda: random.multinomial(K(5), A(15.0), A([0.3, 0.7]), shape=(4, 2)),
    "m_n0": lambda: random.multinomial(K(6), A(0.0), A([0.3, 0.7])),
    "m_int": lambda: random.multinomial(K(7), 10.0, A([0.5, 0.5]), dtype=np.int32),
    "m_unroll": lambda: random.multinomial(K(8), 10.0, A([0.2, 0.8]), unroll=2),
    "m_vmap": lambda: transform("vmap")(
        lambda k: random.multinomial(k, 12.0, A([0.2, 0.3, 0.5])))(random.split(K(9), 2)),
    "typed": lambda: random.binomial(random.key(12), 25.0, 0.6, (3,)),
}

# name: (values with x64 off, values with x64 on)
# fmt: off
JAX = {
    'small': ([2.0, 2.0, 1.0, 2.0, 1.0],
        [4.0, 1.0, 3.0, 4.0, 3.0]),
    'btrs': ([39.0, 41.0, 36.0, 35.0, 47.0, 41.0],
        [37.0, 39.0, 44.0, 38.0, 41.0, 44.0]),
    'mixed': ([0.0, 0.0, 20.0, 683.0, 10250.0, 7.0],
        [0.0, 0.0, 20.0, 691.0, 9940.0, 6.0]),
    'bcast': ([[0.0, 4.0, 5.0], [0.0, 0.0, 4.0]],
        [[0.0, 3.0, 5.0], [0.0, 1.0, 5.0]]),
    'edge': ([2.0, nan, inf, nan, nan, nan],
        [2.0, nan, inf, nan, nan, nan]),
    'large': ([299975488.0, 300003328.0, 300018752.0],
        [299986063.0, 299998510.0, 299996279.0]),
    'float_n': ([5.0, 4.0, 4.0, 2.0],
        [3.0, 3.0, 6.0, 4.0]),
    'scalar': (18.0,
        10.0),
    'p_half': ([8.0, 4.0, 4974.0],
        [12.0, 6.0, 5076.0]),
    'vmap_keys': ([[10.0, 12.0, 12.0, 12.0], [14.0, 13.0, 14.0, 17.0], [12.0, 16.0, 10.0, 16.0]],
        [[12.0, 11.0, 15.0, 11.0], [15.0, 13.0, 20.0, 22.0], [15.0, 12.0, 17.0, 8.0]]),
    'vmap_n': ([0.0, 3.0, 7.0, 122.0],
        [0.0, 3.0, 14.0, 148.0]),
    'f16': ([5.0, 6.0, 7.0],
        [5.0, 7.0, 4.0]),
    'm_basic': ([1.0, 6.0, 13.0],
        [3.0, 6.0, 11.0]),
    'm_batch': ([[1.0, 9.0, 0.0], [20.0, 25.0, 55.0]],
        [[1.0, 9.0, 0.0], [24.0, 28.0, 48.0]]),
    'm_zero': ([0.0, 23.0, 0.0, 27.0],
        [0.0, 24.0, 0.0, 26.0]),
    'm_unnorm': ([5.0, 9.0, 16.0],
        [7.0, 8.0, 15.0]),
    'm_large': ([99766.0, 200130.0, 298856.0, 401248.0],
        [99709.0, 199970.0, 300078.0, 400243.0]),
    'm_shape': ([[5.0, 10.0], [0.0, 15.0], [2.0, 13.0], [4.0, 11.0]],
        [[1.0, 14.0], [3.0, 12.0], [2.0, 13.0], [4.0, 11.0]]),
    'm_n0': ([0.0, 0.0],
        [0.0, 0.0]),
    'm_int': ([4, 6],
        [7, 3]),
    'm_unroll': ([1.0, 9.0],
        [1.0, 9.0]),
    'm_vmap': ([[3.0, 2.0, 7.0], [2.0, 4.0, 6.0]],
        [[3.0, 5.0, 4.0], [1.0, 4.0, 7.0]]),
    'typed': ([18.0, 16.0, 17.0],
        [13.0, 15.0, 16.0]),
}
# fmt: on
DTYPES = {"f16": "float16", "m_int": "int32"}


@pytest.mark.parametrize("x64", [False, True], ids=["x32", "x64"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_jax(name, x64):
    with config.override(enable_x64=x64):
        got = CASES[name]()
        default = "float64" if x64 else "float32"
        if not name.startswith(("vmap", "m_vmap")):
            assert str(got.dtype) == DTYPES.get(name, default)
    want = np.asarray(JAX[name][x64], np.float64)
    np.testing.assert_array_equal(np.asarray(got).astype(np.float64), want, err_msg=name)


@pytest.mark.parametrize("name", ["small", "btrs", "mixed", "edge", "m_batch", "typed"])
def test_jit_matches_eager(name):
    got = transform("jit")(lambda: CASES[name]())()
    np.testing.assert_array_equal(np.asarray(got, np.float64),
                                  np.asarray(JAX[name][False], np.float64))


def test_edges():
    """n = 0 gives 0; p = 0 gives 0; p = 1 gives n; p > 1/2 mirrors; floats n floor."""
    n = np.float32([0, 0, 7, 7, 1e6, 3.9])
    p = np.float32([0.5, 1.0, 0.0, 1.0, 1.0, 1.0])
    np.testing.assert_array_equal(np.asarray(random.binomial(K(3), n, p)),
                                  [0, 0, 0, 7, 1e6, 3])
    counts = np.asarray(random.multinomial(K(4), np.float32(9), np.float32([0, 1, 0])))
    np.testing.assert_array_equal(counts, [0, 9, 0])


def test_errors():
    with pytest.raises(ValueError, match="float dtype"):
        random.binomial(K(), 5.0, 0.5, dtype=np.int32)
    with pytest.raises(ValueError, match="single key"):
        random.binomial(random.split(K()), 3.0, 0.5)
    with pytest.raises(ValueError):
        random.binomial(K(), np.ones(3, np.float32), 0.5, shape=(2,))
    with pytest.raises(ValueError, match="at least one dimension"):
        random.multinomial(K(), 5.0, 0.5)
    with pytest.raises(ValueError):
        random.multinomial(K(), 5.0, np.float32([0.5, 0.5]), shape=(3,))
    with pytest.raises(TypeError):
        random.binomial(K(), [5.0], 0.5)


def test_grad_is_zero():
    """Counts are piecewise constant in ``p``: JAX's gradient is 0 (and ours)."""
    grad = transform("grad")
    assert float(grad(lambda p: random.binomial(K(), 10.0, p))(0.3)) == 0.0
    g = grad(lambda p: random.multinomial(K(), 10.0, p).sum())(np.float32([0.3, 0.7]))
    np.testing.assert_array_equal(np.asarray(g), [0.0, 0.0])


# ------------------------------------------------------------------- statistics

N = 20000


@pytest.mark.parametrize("n,p", [(10, 0.3), (4, 0.9), (100, 0.4), (1000, 0.7), (60, 0.5)],
                         ids=["inversion", "inversion_mirrored", "btrs", "btrs_mirrored",
                              "btrs_half"])
def test_binomial_distribution(n, p):
    x = np.asarray(random.binomial(K(100 + n), float(n), p, (N,))).astype(np.int64)
    dist = st.binom(n, p)
    assert abs(x.mean() - dist.mean()) < 5 * math.sqrt(dist.var() / N)
    m4 = dist.expect(lambda y: (y - dist.mean()) ** 4)
    assert abs(x.var() - dist.var()) < 5 * math.sqrt((m4 - dist.var() ** 2) / N)
    support = np.arange(n + 1)
    expected = dist.pmf(support) * N
    keep = expected >= 5                       # pool the thin tails into one bin
    counts = np.bincount(x, minlength=n + 1)[: n + 1]
    obs = np.append(counts[keep], counts[~keep].sum())
    exp = np.append(expected[keep], expected[~keep].sum())
    if exp[-1] < 5:
        obs, exp = obs[:-1], exp[:-1] * obs[:-1].sum() / exp[:-1].sum()
    assert st.chisquare(obs, exp).pvalue > 1e-3


def test_multinomial_distribution():
    p = np.array([0.1, 0.2, 0.3, 0.4])
    n = 6
    x = np.asarray(random.multinomial(K(7), np.float32(n), p.astype(np.float32),
                                      shape=(N, 4))).astype(np.int64)
    assert np.all(x.sum(-1) == n) and np.all(x >= 0)
    np.testing.assert_allclose(x.mean(0), n * p, atol=5 * np.sqrt(n * p * (1 - p) / N).max())
    cov = np.cov(x.T)
    want = n * (np.diag(p) - np.outer(p, p))
    np.testing.assert_allclose(cov, want, atol=0.06)
    # chi-square of the joint outcome against scipy's multinomial pmf
    outcomes, obs = np.unique(x, axis=0, return_counts=True)
    exp = st.multinomial(n, p).pmf(outcomes) * N
    keep = exp >= 5
    obs_k, exp_k = obs[keep], exp[keep]
    rest_o, rest_e = N - obs_k.sum(), N - exp_k.sum()
    assert st.chisquare(np.append(obs_k, rest_o), np.append(exp_k, rest_e)).pvalue > 1e-3


def test_multinomial_batched_rows_sum_to_n():
    n = np.float32([0, 3, 250])
    p = np.float32([[0.5, 0.5, 0.0], [0.2, 0.2, 0.6], [0.6, 0.3, 0.1]])
    x = np.asarray(random.multinomial(K(8), n, p, shape=(1000, 3, 3)))
    np.testing.assert_array_equal(x.sum(-1), np.broadcast_to(n, (1000, 3)))
    assert np.all(x[:, 0] == 0) and np.all(x[:, 1:, :][:, 0, :] >= 0)
    assert np.all(x[:, 1, 2] <= 3) and np.all(x[:, 2, :] >= 0)
    np.testing.assert_allclose(x[:, 2].mean(0), 250 * p[2], rtol=0.02)
