"""plax.scipy.stats against SciPy (an independent oracle) over generated points.

One table row per (distribution, method): the argument domains, whether it takes
``loc``/``scale``, and the tolerance. Every row is checked in float32 with broadcasting
``loc``/``scale``, with integer inputs (promoted to the default float), at 0-d, and in
float64 under x64; support boundaries, gradients and the vector distributions follow.
"""

import numpy as np
import pytest
import scipy.stats as osp

import plax
import plax.numpy as jnp
from plax.scipy import stats
from plax_autodiff.test_util import check_grads

RNG_SEED = 0


def real(rng, n):
    return rng.normal(0, 2, n)


def unit(rng, n):
    return rng.uniform(0.03, 0.97, n)


def pos(rng, n):
    return rng.uniform(0.5, 6.0, n)


def small_pos(rng, n):
    return rng.uniform(0.6, 3.0, n)


def count(rng, n):
    return rng.integers(0, 12, n).astype(float)


def count_n(rng, n):
    return rng.integers(12, 20, n).astype(float)


def binary(rng, n):
    return rng.integers(0, 2, n).astype(float)


def above_one(rng, n):
    return rng.uniform(1.05, 8.0, n)


def circle(rng, n):
    return rng.uniform(-np.pi, np.pi, n)


def turn(rng, n):
    return rng.uniform(0.0, 2 * np.pi, n)


def lows(rng, n):
    return rng.uniform(-2.5, -0.5, n)


def highs(rng, n):
    return rng.uniform(0.5, 2.5, n)


def right_tail(rng, n):
    return rng.uniform(0.0, 6.0, n)


# (distribution, method, argument domains, loc/scale kind, rtol in float32)
# loc/scale kind: "ls" loc and scale, "l" loc only, "" neither.
CONT_LS = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"]
ROWS = [
    *[("norm", m, [real], "ls", 2e-4) for m in [*CONT_LS, "ppf", "isf"]],
    *[("t", m, [real, pos], "ls", 2e-4) for m in ["logpdf", "pdf"]],
    *[("logistic", m, [real], "ls", 2e-4) for m in ["logpdf", "pdf", "cdf", "sf"]],
    *[("logistic", m, [unit], "ls", 2e-4) for m in ["ppf", "isf"]],
    *[("uniform", m, [unit], "ls", 2e-4) for m in ["logpdf", "pdf", "cdf", "ppf"]],
    *[("expon", m, [right_tail], "ls", 2e-4) for m in [*CONT_LS, "ppf"] if m != "ppf"],
    ("expon", "ppf", [unit], "ls", 2e-4),
    *[("laplace", m, [real], "ls", 2e-4) for m in ["logpdf", "pdf", "cdf"]],
    *[("cauchy", m, [real], "ls", 2e-4) for m in CONT_LS],
    *[("cauchy", m, [unit], "ls", 2e-4) for m in ["ppf", "isf"]],
    *[("beta", m, [unit, pos, pos], "ls0", 1e-3) for m in CONT_LS],
    *[("gamma", m, [right_tail, pos], "ls0", 1e-3) for m in CONT_LS],
    *[("chi2", m, [right_tail, pos], "ls0", 1e-3) for m in CONT_LS],
    *[("pareto", m, [above_one, pos], "ls0", 1e-3) for m in [*CONT_LS, "ppf"] if m != "ppf"],
    ("pareto", "ppf", [unit, pos], "ls", 1e-3),
    *[("gumbel_r", m, [real], "ls", 1e-3) for m in CONT_LS],
    *[("gumbel_l", m, [real], "ls", 1e-3) for m in CONT_LS],
    ("gumbel_r", "ppf", [unit], "ls", 1e-3),
    ("gumbel_l", "ppf", [unit], "ls", 1e-3),
    *[("truncnorm", m, [real, lows, highs], "ls0", 1e-3) for m in CONT_LS],
    *[("gennorm", m, [real, small_pos], "", 1e-3) for m in ["logpdf", "pdf", "cdf"]],
    *[("vonmises", m, [circle, pos], "", 1e-4) for m in ["logpdf", "pdf"]],
    *[("wrapcauchy", m, [turn, unit], "", 1e-4) for m in ["logpdf", "pdf"]],
    *[("poisson", m, [count, pos], "l", 1e-4) for m in ["logpmf", "pmf", "cdf"]],
    *[("bernoulli", m, [binary, unit], "l", 1e-4) for m in ["logpmf", "pmf"]],
    ("bernoulli", "cdf", [real, unit], "", 1e-4),
    ("bernoulli", "ppf", [unit, unit], "", 1e-4),
    *[("binom", m, [count, count_n, unit], "l", 1e-3) for m in ["logpmf", "pmf"]],
    *[("betabinom", m, [count, count_n, pos, pos], "l", 1e-3) for m in ["logpmf", "pmf"]],
    *[("nbinom", m, [count, pos, unit], "l", 1e-3) for m in ["logpmf", "pmf"]],
    *[("geom", m, [count, unit], "l", 1e-3) for m in ["logpmf", "pmf"]],
]


def _case(row, rng, n=9):
    dist, method, domains, kind, _ = row
    args = [d(rng, n) for d in domains]
    kwargs = {}
    if kind.startswith("ls"):
        # loc is shape (1,) and scale a scalar: both broadcast against the arguments.
        shift = 0.0 if kind == "ls0" else 0.7
        kwargs = {"loc": np.array([shift]), "scale": 1.3}
        if method in ("ppf", "isf"):
            pass
        else:
            args[0] = args[0] * 1.3 + shift
    elif kind == "l":
        kwargs = {"loc": np.array([1.0])}
        args[0] = args[0] + 1.0
    return args, kwargs


def _scipy(dist, method, args, kwargs):
    return getattr(getattr(osp, dist), method)(*args, **kwargs)


def _ids(rows):
    return [f"{r[0]}.{r[1]}" for r in rows]


@pytest.mark.parametrize("row", ROWS, ids=_ids(ROWS))
def test_matches_scipy_float32(row):
    rng = np.random.default_rng(RNG_SEED)
    args, kwargs = _case(row, rng)
    dist, method, _, _, rtol = row
    got = getattr(getattr(stats, dist), method)(*[a.astype(np.float32) for a in args],
                                                **kwargs)
    assert got.dtype == jnp.float32
    want = _scipy(dist, method, args, kwargs)
    np.testing.assert_allclose(np.asarray(got), want, rtol=rtol, atol=2e-5)


@pytest.mark.parametrize("row", ROWS, ids=_ids(ROWS))
def test_zero_dim_and_jit(row):
    rng = np.random.default_rng(RNG_SEED + 1)
    args, kwargs = _case(row, rng, n=1)
    args = [np.float32(a[0]) for a in args]
    kwargs = {k: np.float32(np.ravel(v)[0]) for k, v in kwargs.items()}
    dist, method, _, _, rtol = row
    fn = getattr(getattr(stats, dist), method)
    got = plax.jit(lambda *a: fn(*a, **kwargs))(*args)
    assert got.shape == ()
    np.testing.assert_allclose(np.asarray(got), _scipy(dist, method, args, kwargs),
                               rtol=rtol, atol=2e-5)


@pytest.mark.parametrize("row", ROWS, ids=_ids(ROWS))
def test_float64_under_x64(row):
    rng = np.random.default_rng(RNG_SEED + 2)
    args, kwargs = _case(row, rng)
    dist, method, _, _, _ = row
    with plax.config.override(enable_x64=True):
        got = getattr(getattr(stats, dist), method)(*args, **kwargs)
        assert got.dtype == jnp.float64
        np.testing.assert_allclose(np.asarray(got), _scipy(dist, method, args, kwargs),
                                   rtol=1e-9, atol=1e-12)


def test_integer_inputs_promote_to_default_float():
    assert stats.norm.logpdf(1).dtype == jnp.float32
    assert stats.poisson.logpmf(np.array([1, 2, 3]), 2).dtype == jnp.float32
    np.testing.assert_allclose(stats.binom.pmf(3, 10, 0.5), osp.binom.pmf(3, 10, 0.5),
                               rtol=1e-5)
    np.testing.assert_allclose(stats.gamma.cdf(2, 3), osp.gamma.cdf(2, 3), rtol=1e-5)


# Outside the support: log densities are -inf, densities 0, cdfs 0 or 1.
SUPPORT = [
    (stats.expon.logpdf, (-0.5,), -np.inf), (stats.expon.cdf, (-0.5,), 0.0),
    (stats.expon.sf, (-0.5,), 1.0), (stats.expon.logsf, (-0.5,), 0.0),
    (stats.uniform.logpdf, (1.5,), -np.inf), (stats.uniform.logpdf, (-0.1,), -np.inf),
    (stats.uniform.cdf, (1.5,), 1.0), (stats.uniform.ppf, (1.5,), np.nan),
    (stats.beta.logpdf, (1.2, 2.0, 3.0), -np.inf), (stats.beta.logpdf, (-0.2, 2.0, 3.0), -np.inf),
    (stats.beta.cdf, (1.2, 2.0, 3.0), 1.0), (stats.beta.cdf, (-0.2, 2.0, 3.0), 0.0),
    (stats.beta.pdf, (0.0, 0.5, 3.0), np.inf),
    (stats.gamma.logpdf, (-1.0, 2.0), -np.inf), (stats.gamma.cdf, (-1.0, 2.0), 0.0),
    (stats.gamma.sf, (-1.0, 2.0), 1.0), (stats.chi2.logpdf, (-1.0, 3.0), -np.inf),
    (stats.pareto.logpdf, (0.5, 2.0), -np.inf), (stats.pareto.cdf, (0.5, 2.0), 0.0),
    (stats.truncnorm.logpdf, (3.0, -1.0, 1.0), -np.inf),
    (stats.truncnorm.cdf, (3.0, -1.0, 1.0), 1.0), (stats.truncnorm.cdf, (-3.0, -1.0, 1.0), 0.0),
    (stats.poisson.logpmf, (-1.0, 2.0), -np.inf), (stats.poisson.logpmf, (1.5, 2.0), -np.inf),
    (stats.poisson.cdf, (-1.0, 2.0), 0.0),
    (stats.bernoulli.logpmf, (2.0, 0.3), -np.inf), (stats.bernoulli.pmf, (-1.0, 0.3), 0.0),
    (stats.binom.logpmf, (11.0, 10.0, 0.3), -np.inf),
    (stats.binom.logpmf, (-1.0, 10.0, 0.3), -np.inf),
    (stats.nbinom.logpmf, (-1.0, 3.0, 0.3), -np.inf), (stats.geom.logpmf, (0.0, 0.3), -np.inf),
    (stats.betabinom.logpmf, (11.0, 10.0, 2.0, 3.0), -np.inf),
    (stats.wrapcauchy.logpdf, (7.0, 0.5), -np.inf),
    (stats.norm.ppf, (0.0,), -np.inf), (stats.norm.ppf, (1.0,), np.inf),
    (stats.cauchy.ppf, (0.0,), -np.inf), (stats.cauchy.ppf, (1.0,), np.inf),
    (stats.expon.ppf, (1.0,), np.inf), (stats.logistic.ppf, (0.0,), -np.inf),
]


@pytest.mark.parametrize("fn,args,want", SUPPORT,
                         ids=[f"{f.__module__.rsplit('.', 1)[-1]}.{f.__name__}{a}"
                              for f, a, _ in SUPPORT])
def test_support_boundaries(fn, args, want):
    np.testing.assert_equal(np.asarray(fn(*args)), np.float32(want))


def test_tails_stay_finite_in_log_space():
    # Deep tails: logs computed from the far side, not log(0).
    np.testing.assert_allclose(stats.norm.logcdf(-30.0), osp.norm.logcdf(-30.0), rtol=1e-4)
    np.testing.assert_allclose(stats.norm.logsf(30.0), osp.norm.logsf(30.0), rtol=1e-4)
    np.testing.assert_allclose(stats.truncnorm.logpdf(10.5, 10.0, 11.0),
                               osp.truncnorm.logpdf(10.5, 10.0, 11.0), rtol=1e-3)
    np.testing.assert_allclose(stats.gumbel_r.logcdf(-5.0), osp.gumbel_r.logcdf(-5.0),
                               rtol=1e-5)
    np.testing.assert_allclose(stats.logistic.logpdf(200.0), osp.logistic.logpdf(200.0),
                               rtol=1e-5)


def test_poisson_entropy():
    mu = np.array([0.5, 1.0, 5.0, 10.0, 50.0, 99.0, 150.0, 1000.0])
    with plax.config.override(enable_x64=True):
        np.testing.assert_allclose(stats.poisson.entropy(mu), osp.poisson.entropy(mu),
                                   rtol=1e-7)
    assert np.isnan(stats.poisson.entropy(-1.0))


def test_multivariate_normal():
    rng = np.random.default_rng(3)
    a = rng.normal(size=(3, 3))
    cov = a @ a.T + 3 * np.eye(3)
    mean = rng.normal(size=3)
    x = rng.normal(size=(5, 3))
    with plax.config.override(enable_x64=True):
        np.testing.assert_allclose(stats.multivariate_normal.logpdf(x, mean, cov),
                                   osp.multivariate_normal.logpdf(x, mean, cov), rtol=1e-10)
        np.testing.assert_allclose(stats.multivariate_normal.pdf(x[0], mean, cov),
                                   osp.multivariate_normal.pdf(x[0], mean, cov), rtol=1e-10)
        np.testing.assert_allclose(stats.multivariate_normal.logpdf(x, mean, 2.0),
                                   osp.multivariate_normal.logpdf(x, mean, 2.0), rtol=1e-10)
        np.testing.assert_allclose(stats.multivariate_normal.logpdf(0.3, 0.1, 2.0),
                                   osp.multivariate_normal.logpdf(0.3, 0.1, 2.0), rtol=1e-10)
    with pytest.raises(ValueError, match="cov"):
        stats.multivariate_normal.logpdf(x, mean, np.ones(4))
    with pytest.raises(NotImplementedError, match="allow_singular"):
        stats.multivariate_normal.logpdf(x, mean, cov, allow_singular=True)


def test_dirichlet_and_multinomial():
    alpha = np.array([0.7, 2.0, 3.5])
    x = np.array([[0.2, 0.5], [0.3, 0.1], [0.5, 0.4]])
    with plax.config.override(enable_x64=True):
        np.testing.assert_allclose(stats.dirichlet.logpdf(x, alpha),
                                   osp.dirichlet.logpdf(x, alpha), rtol=1e-10)
        np.testing.assert_allclose(stats.dirichlet.pdf(x[:2], alpha),
                                   osp.dirichlet.pdf(x, alpha), rtol=1e-10)
        assert stats.dirichlet.logpdf(np.array([0.5, 0.6, 0.1]), alpha) == -np.inf
        counts = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 6.0]])
        p = np.array([0.2, 0.3, 0.5])
        np.testing.assert_allclose(stats.multinomial.logpmf(counts, 6, p),
                                   osp.multinomial.logpmf(counts, 6, p), rtol=1e-10)
        np.testing.assert_allclose(stats.multinomial.pmf(counts[0], 6, p),
                                   osp.multinomial.pmf(counts[0], 6, p), rtol=1e-10)
        assert stats.multinomial.logpmf(counts[0], 7, p) == -np.inf
    with pytest.raises(ValueError, match="alpha"):
        stats.dirichlet.logpdf(x, alpha[:, None])


def test_mode_rankdata_sem():
    rng = np.random.default_rng(4)
    a = rng.integers(0, 4, (5, 7))
    for axis in (0, 1, None):
        got = stats.mode(a, axis=axis)
        want = osp.mode(a, axis=axis)
        np.testing.assert_array_equal(got.mode, want.mode)
        np.testing.assert_array_equal(got.count, want.count)
    for method in ("average", "min", "max", "dense", "ordinal"):
        for axis in (None, 0, 1):
            np.testing.assert_array_equal(stats.rankdata(a, method, axis=axis),
                                          osp.rankdata(a, method, axis=axis))
    x = rng.normal(size=(4, 6))
    np.testing.assert_allclose(stats.sem(x), osp.sem(x), rtol=1e-5)
    np.testing.assert_allclose(stats.sem(x, axis=1, ddof=0), osp.sem(x, axis=1, ddof=0),
                               rtol=1e-5)
    x[0, 0] = np.nan
    np.testing.assert_allclose(stats.sem(x, nan_policy="omit"),
                               osp.sem(x, nan_policy="omit"), rtol=1e-5)
    with pytest.raises(ValueError, match="method"):
        stats.rankdata(a, "foo")
    with pytest.raises(NotImplementedError, match="nan_policy"):
        stats.mode(a, nan_policy="omit")


def test_gaussian_kde():
    rng = np.random.default_rng(5)
    data = rng.normal(size=(2, 30))
    weights = rng.uniform(0.5, 1.5, 30)
    pts = rng.normal(size=(2, 4))
    with plax.config.override(enable_x64=True):
        for bw in (None, "silverman", 0.4):
            kde, ref = stats.gaussian_kde(data, bw, weights), osp.gaussian_kde(data, bw, weights)
            np.testing.assert_allclose(kde.evaluate(pts), ref.evaluate(pts), rtol=1e-9)
            np.testing.assert_allclose(kde.logpdf(pts), ref.logpdf(pts), rtol=1e-9)
            np.testing.assert_allclose(kde.integrate_gaussian(np.zeros(2), np.eye(2)),
                                       ref.integrate_gaussian(np.zeros(2), np.eye(2)),
                                       rtol=1e-9)
        other = stats.gaussian_kde(data[:, :10] + 0.5)
        np.testing.assert_allclose(
            stats.gaussian_kde(data).integrate_kde(other),
            osp.gaussian_kde(data).integrate_kde(osp.gaussian_kde(data[:, :10] + 0.5)),
            rtol=1e-9)
        one = stats.gaussian_kde(data[0])
        np.testing.assert_allclose(one.integrate_box_1d(-0.5, 1.0),
                                   osp.gaussian_kde(data[0]).integrate_box_1d(-0.5, 1.0),
                                   rtol=1e-9)
        out = plax.jit(lambda k, p: k.pdf(p))(one, np.array([0.1, 0.2]))
        np.testing.assert_allclose(out, osp.gaussian_kde(data[0]).pdf([0.1, 0.2]), rtol=1e-9)


GRADS = [
    (lambda x: stats.norm.logpdf(x, 0.3, 1.7), (0.4,)),
    (lambda x: stats.norm.logcdf(x), (-2.0,)),
    (lambda x, a: stats.gamma.logpdf(x, a), (1.5, 2.5)),
    (lambda x, a: stats.gamma.cdf(x, a), (1.5, 2.5)),
    (lambda x, a, b: stats.beta.cdf(x, a, b), (0.3, 2.0, 3.0)),
    (lambda x, df: stats.t.logpdf(x, df), (0.7, 4.0)),
    (lambda x, a, b: stats.truncnorm.logpdf(x, a, b), (0.2, -1.0, 1.5)),
    (lambda mu: stats.poisson.logpmf(3.0, mu), (2.5,)),
    (lambda x: stats.cauchy.cdf(x, 0.1, 2.0), (0.5,)),
    (lambda x, df: stats.chi2.sf(x, df), (2.0, 3.0)),
]


@pytest.mark.parametrize("fn,args", GRADS, ids=[str(i) for i in range(len(GRADS))])
def test_gradients(fn, args):
    with plax.config.override(enable_x64=True):
        check_grads(fn, args, order=1, modes=("fwd", "rev"), atol=1e-5, rtol=1e-5)
