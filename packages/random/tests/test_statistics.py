"""Statistical checks of every distribution at fixed seeds: moments and SciPy tests.

Continuous distributions get a Kolmogorov-Smirnov test against SciPy's CDF and, where
the moments exist, a check of the sample mean and variance within five standard
errors.  Discrete ones get a chi-square goodness-of-fit test against the pmf.  Seeds
are fixed, so the tests are deterministic; the thresholds (p > 1e-3) leave room for
the draw being unlucky only in the sense of a fixed, checked-in outcome.
"""

import zlib

import numpy as np
import pytest
import scipy.stats as st

import plax_random as random

N = 20000          # samples for the cheap samplers
NG = 5000          # samples for the rejection samplers (gamma family, poisson)
P_MIN = 1e-3


def key(i=0):
    return random.PRNGKey(1000 + i)


def np_(x):
    return np.asarray(x).astype(np.float64)


def check_ks(samples, dist):
    samples = np_(samples).ravel()
    assert np.all(np.isfinite(samples))
    p = st.kstest(samples, dist.cdf).pvalue
    assert p > P_MIN, f"KS p-value {p:.2e}"


def check_moments(samples, dist, k=5.0):
    x = np_(samples).ravel()
    n = x.size
    mean, var = dist.mean(), dist.var()
    assert abs(x.mean() - mean) < k * np.sqrt(var / n), (x.mean(), mean)
    if np.isfinite(dist.moment(4)):
        m4 = dist.expect(lambda y: (y - mean) ** 4)
        se_var = np.sqrt(max(m4 - var ** 2, 1e-12) / n)
        assert abs(x.var() - var) < k * se_var + 1e-9, (x.var(), var)


def check_chisquare(samples, support, pmf):
    x = np.asarray(samples).ravel()
    counts = np.array([(x == v).sum() for v in support], float)
    expected = np.array([pmf(v) for v in support], float) * x.size
    rest = x.size - counts.sum()
    rest_expected = x.size - expected.sum()
    if rest_expected > 5:
        counts, expected = np.append(counts, rest), np.append(expected, rest_expected)
    else:
        assert rest == 0 or rest_expected > 0
        expected *= counts.sum() / expected.sum()
    p = st.chisquare(counts, expected).pvalue
    assert p > P_MIN, f"chi-square p-value {p:.2e}"


CONTINUOUS = {
    "uniform": (lambda k, n: random.uniform(k, (n,), minval=-2.0, maxval=3.0),
                st.uniform(loc=-2, scale=5)),
    "normal": (lambda k, n: random.normal(k, (n,)), st.norm()),
    "normal_f64_shape2d": (lambda k, n: random.normal(k, (n // 100, 100)), st.norm()),
    "truncated_normal": (lambda k, n: random.truncated_normal(k, -1.0, 2.0, (n,)),
                         st.truncnorm(-1, 2)),
    "exponential": (lambda k, n: random.exponential(k, (n,)), st.expon()),
    "laplace": (lambda k, n: random.laplace(k, (n,)), st.laplace()),
    "logistic": (lambda k, n: random.logistic(k, (n,)), st.logistic()),
    "cauchy": (lambda k, n: random.cauchy(k, (n,)), st.cauchy()),
    "gumbel": (lambda k, n: random.gumbel(k, (n,)), st.gumbel_r()),
    "gumbel_high": (lambda k, n: random.gumbel(k, (n,), mode="high"), st.gumbel_r()),
    "gumbel_highest": (lambda k, n: random.gumbel(k, (n,), mode="highest"), st.gumbel_r()),
    "pareto": (lambda k, n: random.pareto(k, 3.0, (n,)), st.pareto(3.0)),
    "lognormal": (lambda k, n: random.lognormal(k, 0.5, (n,)), st.lognorm(0.5)),
    "maxwell": (lambda k, n: random.maxwell(k, (n,)), st.maxwell()),
    "rayleigh": (lambda k, n: random.rayleigh(k, 2.0, (n,)), st.rayleigh(scale=2.0)),
    "wald": (lambda k, n: random.wald(k, 1.5, (n,)), st.invgauss(1.5)),
    "weibull_min": (lambda k, n: random.weibull_min(k, 1.0, 1.5, (n,)), st.weibull_min(1.5)),
    "triangular": (lambda k, n: random.triangular(k, 0.0, 0.3, 1.0, (n,)), st.triang(0.3)),
}

GAMMA_FAMILY = {
    "gamma_0.3": (lambda k, n: random.gamma(k, 0.3, (n,)), st.gamma(0.3)),
    "gamma_1": (lambda k, n: random.gamma(k, 1.0, (n,)), st.gamma(1.0)),
    "gamma_4.5": (lambda k, n: random.gamma(k, 4.5, (n,)), st.gamma(4.5)),
    "exp_loggamma_0.3": (lambda k, n: np.exp(np_(random.loggamma(k, 0.3, (n,)))),
                         st.gamma(0.3)),
    "beta": (lambda k, n: random.beta(k, 2.0, 3.0, (n,)), st.beta(2.0, 3.0)),
    "beta_small": (lambda k, n: random.beta(k, 0.5, 0.5, (n,)), st.beta(0.5, 0.5)),
    "t": (lambda k, n: random.t(k, 5.0, (n,)), st.t(5.0)),
    "chisquare": (lambda k, n: random.chisquare(k, 3.0, (n,)), st.chi2(3.0)),
    "f": (lambda k, n: random.f(k, 3.0, 5.0, (n,)), st.f(3.0, 5.0)),
    "generalized_normal": (lambda k, n: random.generalized_normal(k, 1.5, (n,)),
                           st.gennorm(1.5)),
    "dirichlet_marginal": (lambda k, n: np.asarray(random.dirichlet(
        k, np.array([1.0, 2.0, 3.0], np.float32), (n,)))[:, 2], st.beta(3.0, 3.0)),
    "double_sided_maxwell_abs": (lambda k, n: np.abs(np.asarray(
        random.double_sided_maxwell(k, 0.0, 1.0, (n,)))), st.maxwell()),
}


@pytest.mark.filterwarnings("ignore::RuntimeWarning")   # SciPy's gumbel moment integral
@pytest.mark.parametrize("name", sorted(CONTINUOUS))
def test_continuous(name):
    sample, dist = CONTINUOUS[name]
    x = sample(key(zlib.crc32(name.encode()) % 97), N)
    assert np.asarray(x).dtype == np.float32
    check_ks(x, dist)
    if np.isfinite(dist.var()):
        check_moments(x, dist)


@pytest.mark.parametrize("name", sorted(GAMMA_FAMILY))
def test_gamma_family(name):
    sample, dist = GAMMA_FAMILY[name]
    x = sample(key(zlib.crc32(name.encode()) % 89), NG)
    check_ks(x, dist)
    if np.isfinite(dist.var()) and np.isfinite(dist.moment(4)):
        check_moments(x, dist)


def test_normal_complex():
    z = np.asarray(random.normal(key(1), (N,), np.complex64))
    assert z.dtype == np.complex64
    for part in (z.real, z.imag):
        check_ks(part, st.norm(scale=np.sqrt(0.5)))
    assert abs(np.corrcoef(z.real, z.imag)[0, 1]) < 5 / np.sqrt(N)


def test_dirichlet_sums_to_one():
    x = np.asarray(random.dirichlet(key(2), np.array([0.5, 1.0, 4.0], np.float32), (1000,)))
    assert x.shape == (1000, 3)
    np.testing.assert_allclose(x.sum(-1), 1.0, rtol=1e-5)
    assert np.all(x >= 0)
    np.testing.assert_allclose(x.mean(0), np.array([0.5, 1.0, 4.0]) / 5.5, atol=0.02)


def test_randint_uniform():
    x = random.randint(key(3), (N,), -3, 7)
    assert np.asarray(x).dtype == np.int32
    check_chisquare(x, range(-3, 7), lambda v: 0.1)


def test_randint_full_uint8_range():
    x = random.randint(key(4), (N,), 0, 256, np.uint8)
    check_chisquare(x, range(256), lambda v: 1 / 256)


def test_bernoulli():
    for p in (0.1, 0.5, 0.93):
        x = np.asarray(random.bernoulli(key(5), p, (N,)))
        assert x.dtype == np.bool_
        check_chisquare(x.astype(int), [0, 1], lambda v, p=p: p if v else 1 - p)
    x = np.asarray(random.bernoulli(key(6), 1e-3, (N,), mode="high")).astype(int)
    check_chisquare(x, [0, 1], lambda v: 1e-3 if v else 1 - 1e-3)


def test_rademacher():
    x = np.asarray(random.rademacher(key(7), (N,)))
    assert set(np.unique(x)) == {-1, 1}
    check_chisquare(x, [-1, 1], lambda v: 0.5)


def test_geometric():
    x = random.geometric(key(8), 0.3, (N,))
    check_chisquare(x, range(1, 20), st.geom(0.3).pmf)


@pytest.mark.parametrize("lam", [0.7, 4.0, 25.0, 300.0])
def test_poisson(lam):
    x = random.poisson(key(9), lam, (NG,))
    assert np.asarray(x).dtype == np.int32
    dist = st.poisson(lam)
    lo, hi = int(dist.ppf(1e-3)), int(dist.ppf(1 - 1e-3))
    check_chisquare(x, range(lo, hi + 1), dist.pmf)
    check_moments(x, dist)


def test_poisson_zero_rate():
    np.testing.assert_array_equal(np.asarray(random.poisson(key(10), 0.0, (5,))), 0)


def test_categorical_frequencies():
    p = np.array([0.1, 0.2, 0.3, 0.4], np.float32)
    x = random.categorical(key(11), np.log(p), shape=(N,))
    check_chisquare(x, range(4), lambda v: p[v])
    # along axis 0 of a 2-D logits array
    logits = np.log(np.array([[0.7, 0.1], [0.3, 0.9]], np.float32))
    x = np.asarray(random.categorical(key(12), logits, axis=0, shape=(N, 2)))
    check_chisquare(x[:, 0], [0, 1], lambda v: [0.7, 0.3][v])
    check_chisquare(x[:, 1], [0, 1], lambda v: [0.1, 0.9][v])


def test_categorical_without_replacement_is_distinct():
    x = np.asarray(random.categorical(key(13), np.zeros((6,), np.float32), shape=(6,),
                                      replace=False))
    assert sorted(x.tolist()) == list(range(6))


def test_choice_with_p_frequencies():
    p = np.array([0.1, 0.2, 0.3, 0.25, 0.15], np.float32)
    x = random.choice(key(14), 5, (N,), p=p)
    check_chisquare(x, range(5), lambda v: p[v])
    x = random.choice(key(15), 5, (N,))
    check_chisquare(x, range(5), lambda v: 0.2)


def test_choice_without_replacement_distinct():
    x = np.asarray(random.choice(key(16), 50, (20,), replace=False))
    assert len(set(x.tolist())) == 20 and x.min() >= 0 and x.max() < 50
    p = np.linspace(1, 2, 50).astype(np.float32)
    p /= p.sum()
    x = np.asarray(random.choice(key(17), 50, (20,), replace=False, p=p))
    assert len(set(x.tolist())) == 20


def test_permutation_positions_uniform():
    rows = np.tile(np.arange(5), (4000, 1))
    x = np.asarray(random.permutation(key(18), rows, axis=1, independent=True))
    assert np.all(np.sort(x, axis=1) == np.arange(5))
    check_chisquare(x[:, 0], range(5), lambda v: 0.2)
    check_chisquare(x[:, 3], range(5), lambda v: 0.2)
    # int argument and the two-round regime (n > 1625)
    p = np.asarray(random.permutation(key(19), 3000))
    assert sorted(p.tolist()) == list(range(3000))
    assert not np.array_equal(p, np.arange(3000))


def test_permutation_of_rows_keeps_rows():
    x = np.arange(30).reshape(10, 3)
    y = np.asarray(random.permutation(key(20), x))
    assert sorted(map(tuple, y.tolist())) == sorted(map(tuple, x.tolist()))


def test_multivariate_normal_moments():
    mean = np.array([1.0, -2.0, 0.5], np.float32)
    a = np.array([[1.0, 0.0, 0.0], [0.5, 1.0, 0.0], [-0.3, 0.2, 0.7]], np.float32)
    cov = a @ a.T
    x = np_(random.multivariate_normal(key(21), mean, cov, (N,)))
    assert x.shape == (N, 3)
    np.testing.assert_allclose(x.mean(0), mean, atol=5 * np.sqrt(np.diag(cov).max() / N))
    np.testing.assert_allclose(np.cov(x.T), cov, atol=0.05)
    # batched mean and covariance broadcast
    x = random.multivariate_normal(key(22), np.zeros((4, 3), np.float32), cov)
    assert x.shape == (4, 3)


def test_orthogonal_is_haar():
    q = np_(random.orthogonal(key(23), 3, (2000,)))
    eye = np.einsum("bij,bkj->bik", q, q)
    np.testing.assert_allclose(eye, np.broadcast_to(np.eye(3), eye.shape), atol=1e-5)
    # for Haar-random O(3), q[0, 0]**2 ~ Beta(1/2, 1)
    check_ks(q[:, 0, 0] ** 2, st.beta(0.5, 1.0))
    assert random.orthogonal(key(24), 2, m=5).shape == (2, 5)
    r = np_(random.orthogonal(key(24), 5, m=2))
    np.testing.assert_allclose(r.T @ r, np.eye(2), atol=1e-5)


def test_ball_uniform():
    x = np_(random.ball(key(25), 3, shape=(NG,)))
    r = np.linalg.norm(x, axis=-1)
    assert np.all(r <= 1.0 + 1e-6)
    check_ks(r ** 3, st.uniform())          # volume fraction is uniform
    x1 = np_(random.ball(key(26), 2, p=1, shape=(NG,)))
    assert np.all(np.abs(x1).sum(-1) <= 1.0 + 1e-6)


def test_bits_are_balanced():
    b = np.asarray(random.bits(key(27), (N,)))
    ones = np.unpackbits(b.view(np.uint8)).reshape(N, 32).mean(0)
    assert np.all(np.abs(ones - 0.5) < 5 * 0.5 / np.sqrt(N))
