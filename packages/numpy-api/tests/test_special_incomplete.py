"""gammainc, gammaincc, betainc, zeta, polygamma, bernoulli against scipy.special.

Values over generated points in float32 and float64 (x64), JAX's edge conventions, and
derivatives: closed forms in x, forward mode through the loops in the shape parameters,
in both modes and under jit/vmap. Values marked "JAX 0.10.2" were obtained by running JAX
0.10.2 outside the repository.
"""

import numpy as np
import pytest
import scipy.special as osp

import plax
import plax.numpy as jnp
from plax.scipy import special
from plax_autodiff.test_util import check_grads


def _points(seed, n=64):
    rng = np.random.default_rng(seed)
    a = np.concatenate([rng.uniform(0.05, 3, n // 2), rng.uniform(3, 80, n // 2)])
    x = np.concatenate([rng.uniform(0, 5, n // 2), rng.uniform(0, 120, n // 2)])
    return a, x


# (name, oracle, argument builder)
def _gamma_args(seed):
    return _points(seed)


def _beta_args(seed):
    a, _ = _points(seed)
    b, _ = _points(seed + 7)
    u = np.random.default_rng(seed).uniform(0, 1, a.size)
    return a, b, u


def _zeta_args(seed):
    rng = np.random.default_rng(seed)
    return rng.uniform(1.05, 12, 64), rng.uniform(0.05, 30, 64)


CASES = [("gammainc", osp.gammainc, _gamma_args), ("gammaincc", osp.gammaincc, _gamma_args),
         ("betainc", osp.betainc, _beta_args), ("zeta", osp.zeta, _zeta_args)]


@pytest.mark.parametrize("name,oracle,build", CASES, ids=[c[0] for c in CASES])
def test_values_float32(name, oracle, build):
    args = build(0)
    got = getattr(special, name)(*[a.astype(np.float32) for a in args])
    assert got.dtype == jnp.float32
    want = oracle(*args)
    np.testing.assert_allclose(np.asarray(got), want, rtol=2e-4 if name == "zeta" else 1e-3,
                               atol=2e-5)


@pytest.mark.parametrize("name,oracle,build", CASES, ids=[c[0] for c in CASES])
def test_values_float64(name, oracle, build):
    args = build(1)
    with plax.config.override(enable_x64=True):
        got = getattr(special, name)(*args)
        assert got.dtype == jnp.float64
        np.testing.assert_allclose(np.asarray(got), oracle(*args), rtol=1e-9, atol=1e-13)


def test_polygamma_and_bernoulli():
    n = np.array([0, 1, 2, 3, 4, 1])
    x = np.array([1.5, 0.3, 2.0, 7.5, 0.9, -1.5])
    with plax.config.override(enable_x64=True):
        np.testing.assert_allclose(special.polygamma(n, x), osp.polygamma(n, x), rtol=1e-9)
        np.testing.assert_allclose(special.bernoulli(12), osp.bernoulli(12), rtol=1e-10)
    assert special.polygamma(2, 3).dtype == jnp.float32
    assert np.isnan(special.polygamma(-1, 2.0))
    with pytest.raises(ValueError, match="integer"):
        special.polygamma(1.5, 2.0)
    with pytest.raises(NotImplementedError, match="q=1"):
        special.zeta(2.0)


# JAX 0.10.2 values at the edges of the domains.
EDGES = [
    ("gammainc", (0.0, 1.0), 1.0), ("gammainc", (-1.0, 1.0), np.nan),
    ("gammainc", (1.0, -1.0), np.nan), ("gammainc", (1.0, 0.0), 0.0),
    ("gammainc", (1.0, np.inf), 1.0), ("gammainc", (0.0, 0.0), np.nan),
    ("gammainc", (np.nan, 1.0), np.nan), ("gammaincc", (0.0, 1.0), 0.0),
    ("gammaincc", (1.0, 0.0), 1.0), ("gammaincc", (0.0, 0.0), np.nan),
    ("betainc", (0.0, 1.0, 0.5), 1.0), ("betainc", (1.0, 0.0, 0.5), 0.0),
    ("betainc", (1.0, 1.0, -0.5), np.nan), ("betainc", (1.0, 1.0, 1.5), np.nan),
    ("betainc", (-1.0, 1.0, 0.5), np.nan), ("betainc", (0.0, 0.0, 0.5), np.nan),
    ("betainc", (2.0, 3.0, 0.0), 0.0), ("betainc", (2.0, 3.0, 1.0), 1.0),
    ("zeta", (0.5, 1.0), np.nan), ("zeta", (2.0, -1.5), 9.379246644989122),
    ("zeta", (1.0, 1.0), np.inf), ("zeta", (2.0, 0.0), np.inf), ("zeta", (2.0, -2.0), np.inf),
    ("zeta", (3.0, -2.5), 0.054102078),
]


@pytest.mark.parametrize("name,args,want", EDGES, ids=[f"{n}{a}" for n, a, _ in EDGES])
def test_edges_as_jax(name, args, want):
    np.testing.assert_allclose(np.asarray(getattr(special, name)(*args)), want, rtol=1e-5)


def test_derivatives_pinned_to_jax():
    # JAX 0.10.2 (x64): grad of gammainc in a and x at (2.5, 1.5), betainc in x at
    # (2.5, 1.5, 0.3), zeta in x and q at (2.5, 1.5).
    with plax.config.override(enable_x64=True):
        ga, gx = plax.grad(special.gammainc, argnums=(0, 1))(2.5, 1.5)
        np.testing.assert_allclose([ga, gx], [-0.2521754004236276, 0.3083606596075384],
                                   rtol=1e-8)
        gca, gcx = plax.grad(special.gammaincc, argnums=(0, 1))(2.5, 1.5)
        np.testing.assert_allclose([gca, gcx], [0.2521754004236276, -0.3083606596075384],
                                   rtol=1e-8)
        np.testing.assert_allclose(plax.grad(special.betainc, argnums=2)(2.5, 1.5, 0.3),
                                   0.7001659909871991, rtol=1e-8)
        np.testing.assert_allclose(plax.grad(special.zeta, argnums=0)(2.5, 1.5),
                                   -0.46481234813947625, rtol=1e-8)
        np.testing.assert_allclose(plax.grad(special.gammainc, argnums=1)(2.5, 0.0), 0.0)
        assert plax.grad(special.gammainc, argnums=1)(0.5, 0.0) == np.inf


GRADS = [
    (special.gammainc, (2.5, 1.5)), (special.gammainc, (0.7, 4.0)),
    (special.gammaincc, (6.0, 9.0)), (special.betainc, (2.5, 1.5, 0.3)),
    (special.betainc, (0.8, 4.0, 0.7)), (special.zeta, (2.5, 1.5)),
    (lambda x: special.polygamma(1, x), (1.7,)),
]


@pytest.mark.parametrize("fn,args", GRADS, ids=[str(i) for i in range(len(GRADS))])
def test_first_derivatives_numerically(fn, args):
    with plax.config.override(enable_x64=True):
        check_grads(fn, args, order=1, modes=("fwd", "rev"), atol=1e-6, rtol=1e-6)


def test_second_derivatives_in_x():
    with plax.config.override(enable_x64=True):
        check_grads(lambda x: special.gammainc(2.5, x), (1.5,), order=2, modes=("rev",),
                    atol=1e-6, rtol=1e-6)
        check_grads(lambda x: special.betainc(2.5, 1.5, x), (0.4,), order=2, modes=("rev",),
                    atol=1e-6, rtol=1e-6)
        check_grads(lambda q: special.zeta(3.0, q), (1.4,), order=2, modes=("rev",),
                    atol=1e-6, rtol=1e-6)


def test_jit_vmap_grad_compose():
    a = jnp.array([1.0, 2.0, 7.5])
    x = jnp.array([0.5, 3.0, 6.0])
    np.testing.assert_allclose(plax.jit(plax.vmap(special.gammainc))(a, x),
                               osp.gammainc(a, x), rtol=1e-5)
    g = plax.jit(plax.vmap(plax.grad(special.gammainc, argnums=1)))(a, x)
    want = np.exp((np.asarray(a) - 1) * np.log(x) - np.asarray(x) - osp.gammaln(a))
    np.testing.assert_allclose(g, want, rtol=1e-5)
    np.testing.assert_allclose(plax.vmap(special.betainc, in_axes=(0, None, 0))(a, 2.0, x / 7),
                               osp.betainc(a, 2.0, np.asarray(x) / 7), rtol=1e-5)
