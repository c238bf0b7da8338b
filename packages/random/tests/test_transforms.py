"""Samplers under transformations: vmap over keys equals the loop; tracing; jit; grad.

Transformations come from the registry, so each test skips when the package that
provides it is not installed (``nox -s random`` installs only plax-core and
plax-random: there only the tracing tests run).
"""

import numpy as np
import pytest

import plax_core
import plax_random as random

TRANSFORMS = plax_core.get_registry().transformations


def transform(name):
    if name not in TRANSFORMS:
        pytest.skip(f"no '{name}' transformation installed")
    return TRANSFORMS[name]


F32 = np.float32
COV = np.array([[2.0, 0.5], [0.5, 1.0]], F32)

SAMPLERS = {
    "uniform": lambda k: random.uniform(k, (3,), minval=-1.0, maxval=2.0),
    "normal": lambda k: random.normal(k, (2, 3)),
    "normal_complex": lambda k: random.normal(k, (3,), np.complex64),
    "bits": lambda k: random.bits(k, (4,)),
    "bits8": lambda k: random.bits(k, (4,), np.uint8),
    "randint": lambda k: random.randint(k, (5,), -3, 9),
    "randint_u8": lambda k: random.randint(k, (5,), 0, 256, np.uint8),
    "bernoulli": lambda k: random.bernoulli(k, 0.3, (6,)),
    "bernoulli_high": lambda k: random.bernoulli(k, 0.3, (6,), mode="high"),
    "permutation_int": lambda k: random.permutation(k, 7),
    "permutation_rows": lambda k: random.permutation(k, np.arange(12).reshape(4, 3)),
    "permutation_independent": lambda k: random.permutation(
        k, np.arange(12).reshape(3, 4), axis=1, independent=True),
    "choice": lambda k: random.choice(k, 10, (4,)),
    "choice_norep": lambda k: random.choice(k, 10, (4,), replace=False),
    "choice_p": lambda k: random.choice(k, 4, (5,), p=np.array([0.1, 0.2, 0.3, 0.4], F32)),
    "choice_p_norep": lambda k: random.choice(k, 4, (2,), replace=False,
                                              p=np.array([0.1, 0.2, 0.3, 0.4], F32)),
    "categorical": lambda k: random.categorical(k, np.log(np.array([0.2, 0.3, 0.5], F32)),
                                                shape=(4,)),
    "gumbel": lambda k: random.gumbel(k, (3,)),
    "gumbel_highest": lambda k: random.gumbel(k, (3,), mode="highest"),
    "truncated_normal": lambda k: random.truncated_normal(k, -1.0, 1.5, (3,)),
    "exponential": lambda k: random.exponential(k, (3,)),
    "laplace": lambda k: random.laplace(k, (3,)),
    "logistic": lambda k: random.logistic(k, (3,)),
    "cauchy": lambda k: random.cauchy(k, (3,)),
    "rademacher": lambda k: random.rademacher(k, (5,)),
    "multivariate_normal": lambda k: random.multivariate_normal(
        k, np.zeros(2, F32), COV, (3,)),
    "orthogonal": lambda k: random.orthogonal(k, 3),
    "lognormal": lambda k: random.lognormal(k, 0.5, (3,)),
    "maxwell": lambda k: random.maxwell(k, (3,)),
    "rayleigh": lambda k: random.rayleigh(k, 2.0, (3,)),
    "wald": lambda k: random.wald(k, 1.5, (3,)),
    "geometric": lambda k: random.geometric(k, 0.3, (3,)),
    "triangular": lambda k: random.triangular(k, 0.0, 0.3, 1.0, (3,)),
    "weibull_min": lambda k: random.weibull_min(k, 1.0, 1.5, (3,)),
    "pareto": lambda k: random.pareto(k, 3.0, (3,)),
    "split": lambda k: random.split(k, 3),
    "fold_in": lambda k: random.fold_in(k, 17),
}
# These loop until every draw is accepted (lax.while_loop).
LOOPING = {
    "gamma": lambda k: random.gamma(k, np.array([0.5, 2.0], F32)),
    "beta": lambda k: random.beta(k, 2.0, 3.0, (2,)),
    "dirichlet": lambda k: random.dirichlet(k, np.array([1.0, 2.0], F32)),
    "t": lambda k: random.t(k, 4.0, (2,)),
    "poisson": lambda k: random.poisson(k, np.array([2.0, 40.0], F32)),
    "ball": lambda k: random.ball(k, 2, shape=(2,)),
}


def _assert_same(a, b, name):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape and a.dtype == b.dtype, (name, a.shape, b.shape)
    if a.dtype.kind in "biu":
        np.testing.assert_array_equal(a, b, err_msg=name)
    else:
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6, err_msg=name)


def _data(x):
    return random.key_data(x) if isinstance(x, random.PRNGKeyArray) else x


def _check_vmap(name, f, typed):
    vmap = transform("vmap")
    keys = random.split(random.key(5) if typed else random.PRNGKey(5), 3)
    batched = _data(vmap(f)(keys))
    looped = np.stack([np.asarray(_data(f(k))) for k in keys])
    _assert_same(batched, looped, name)


@pytest.mark.parametrize("name", sorted(SAMPLERS))
def test_vmap_over_keys_equals_loop(name):
    _check_vmap(name, SAMPLERS[name], typed=False)


@pytest.mark.parametrize("name", ["uniform", "normal", "randint", "permutation_int",
                                  "choice_p", "split", "fold_in"])
def test_vmap_over_typed_keys_equals_loop(name):
    _check_vmap(name, SAMPLERS[name], typed=True)


@pytest.mark.parametrize("name", sorted(LOOPING))
def test_vmap_of_rejection_samplers(name):
    _check_vmap(name, LOOPING[name], typed=False)


def test_vmap_over_parameters():
    vmap = transform("vmap")
    k = random.PRNGKey(3)
    lows = np.array([-1.0, 0.0, 5.0], F32)
    out = vmap(lambda lo: random.uniform(k, (2,), minval=lo, maxval=lo + 1))(lows)
    loop = np.stack([np.asarray(random.uniform(k, (2,), minval=lo, maxval=lo + 1))
                     for lo in lows])
    _assert_same(out, loop, "uniform minval")
    data = np.arange(5, dtype=np.uint32)
    out = vmap(lambda d: random.fold_in(k, d))(data)
    _assert_same(out, np.stack([np.asarray(random.fold_in(k, int(d))) for d in data]),
                 "fold_in data")
    seeds = np.array([0, 1, 42], np.int32)
    _assert_same(vmap(random.PRNGKey)(seeds),
                 np.stack([np.asarray(random.PRNGKey(int(s))) for s in seeds]), "PRNGKey")


@pytest.mark.parametrize("name", ["uniform", "normal", "randint", "bernoulli",
                                  "permutation_int", "choice", "choice_p", "categorical",
                                  "truncated_normal", "multivariate_normal", "split",
                                  "fold_in", "orthogonal"])
def test_make_jaxpr_and_eval(name):
    f = SAMPLERS[name]
    k = random.PRNGKey(11)
    closed = plax_core.make_jaxpr(f)(k)
    assert closed.jaxpr.eqns, name
    text = str(closed)
    assert "u32[2]" in text
    out = plax_core.eval_jaxpr(closed.jaxpr, closed.consts, k)
    _assert_same(out[0], f(k), name)


def test_make_jaxpr_of_seed_and_typed_key():
    closed = plax_core.make_jaxpr(lambda s: random.normal(random.PRNGKey(s), (2,)))(np.int32(7))
    out = plax_core.eval_jaxpr(closed.jaxpr, closed.consts, np.int32(7))
    _assert_same(out[0], random.normal(random.PRNGKey(7), (2,)), "seed")
    closed = plax_core.make_jaxpr(lambda k: random.uniform(k, (2,)))(random.key(3))
    out = plax_core.eval_jaxpr(closed.jaxpr, closed.consts, random.key_data(random.key(3)))
    _assert_same(out[0], random.uniform(random.key(3), (2,)), "typed")


@pytest.mark.parametrize("name", sorted(LOOPING))
def test_rejection_samplers_trace_to_while(name):
    f = LOOPING[name]
    k = random.PRNGKey(12)
    closed = plax_core.make_jaxpr(f)(k)
    assert "while" in str(closed), name
    out = plax_core.eval_jaxpr(closed.jaxpr, closed.consts, k)
    _assert_same(out[0], f(k), name)


@pytest.mark.parametrize("name", ["uniform", "normal", "randint", "permutation_int",
                                  "choice_p", "split"])
def test_jit_matches_eager(name):
    jit = transform("jit")
    f = SAMPLERS[name]
    k = random.PRNGKey(8)
    _assert_same(_data(jit(f)(k)), _data(f(k)), name)


def test_jit_with_typed_keys_and_traced_seed():
    jit = transform("jit")
    k = random.key(3)
    _assert_same(jit(lambda k: random.uniform(k, (2,)))(k), random.uniform(k, (2,)), "typed")
    out = jit(lambda k: random.split(k))(k)
    assert isinstance(out, random.PRNGKeyArray) and out.shape == (2,)
    _assert_same(random.key_data(out), random.key_data(random.split(k)), "split")
    _assert_same(jit(random.PRNGKey)(np.int32(5)), random.PRNGKey(5), "seed")


def test_grad_through_bounds_and_covariance():
    grad = transform("grad")
    k = random.PRNGKey(0)

    def numeric(f, x, eps=1e-3):
        return (float(f(x + eps)) - float(f(x - eps))) / (2 * eps)

    for f, x in [
        (lambda lo: random.truncated_normal(k, lo, 2.0, (5,)).sum(), -1.0),
        (lambda lo: random.uniform(k, (5,), minval=lo, maxval=3.0).sum(), 0.5),
        (lambda s: random.multivariate_normal(k, np.zeros(2, F32), s * np.eye(2, dtype=F32),
                                              (3,)).sum(), 2.0),
    ]:
        np.testing.assert_allclose(float(grad(f)(x)), numeric(f, x), rtol=2e-2, atol=1e-3)


def test_grad_of_reparameterised_normal():
    grad = transform("grad")
    k = random.PRNGKey(2)
    z = np.asarray(random.normal(k, (4,)))

    def loss(mu, sigma):
        return (mu + sigma * random.normal(k, (4,))).sum()

    g_mu, g_sigma = grad(loss, argnums=(0, 1))(1.0, 2.0)
    np.testing.assert_allclose(float(g_mu), 4.0, rtol=1e-6)
    np.testing.assert_allclose(float(g_sigma), z.sum(), rtol=1e-5)
