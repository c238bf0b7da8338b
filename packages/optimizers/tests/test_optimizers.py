"""Every optimizer against a NumPy transcription of its update equations.

Each optimizer runs 5 steps on a quadratic loss over a pytree of parameters (a dict
holding a vector, a matrix and a scalar); the NumPy oracle applies the same
equations leaf by leaf in float64.  The state also goes through ``jit`` (when a
``jit`` transformation is installed) and through ``unpack``/``pack``.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import plax_core
import plax_numpy as jnp
import plax_optimizers as optimizers
from plax_core import tree_util

STEPS = 5
CURV = {"w": np.array([1.0, 2.0, 0.5]), "m": np.array([[1.5, 0.3], [0.7, 2.5]]),
        "s": np.array(3.0)}
TARGET = {"w": np.array([0.5, -1.0, 2.0]), "m": np.array([[1.0, 0.0], [-2.0, 0.5]]),
          "s": np.array(-0.25)}
X0 = {"w": np.array([1.0, 0.5, -0.5]), "m": np.array([[0.0, 1.0], [2.0, -1.0]]),
      "s": np.array(1.0)}


def grad_of(params):
    """The gradient of sum(curv * (x - target)**2 / 2): works for plax and NumPy values."""
    return {k: CURV[k] * (params[k] - TARGET[k]) for k in params}


def run_plax(opt, steps=STEPS, jit=False):
    init_fun, update_fun, get_params = opt
    state = init_fun({k: jnp.asarray(v, dtype=jnp.float32) for k, v in X0.items()})

    def step(i, state):
        g = grad_of(get_params(state))
        return update_fun(i, g, state)

    if jit:
        step = plax_core.transformations.jit(step)
    for i in range(steps):
        state = step(i, state)
    return state, {k: np.asarray(v) for k, v in get_params(state).items()}


# ------------------------------------------------------------ NumPy transcriptions

def np_sgd(lr):
    return lambda x: x, lambda i, g, x: x - lr * g, lambda x: x


def np_momentum(lr, mass):
    def update(i, g, s):
        x, v = s
        v = mass * v + g
        return x - lr * v, v
    return lambda x: (x, np.zeros_like(x)), update, lambda s: s[0]


def np_nesterov(lr, mass):
    def update(i, g, s):
        x, v = s
        v = mass * v + g
        return x - lr * (mass * v + g), v
    return lambda x: (x, np.zeros_like(x)), update, lambda s: s[0]


def np_adagrad(lr, mom=0.9):
    def update(i, g, s):
        x, gsq, m = s
        gsq = gsq + g * g
        inv = np.where(gsq > 0, 1 / np.sqrt(np.where(gsq > 0, gsq, 1)), 0)
        m = (1 - mom) * g * inv + mom * m
        return x - lr * m, gsq, m
    return lambda x: (x, np.zeros_like(x), np.zeros_like(x)), update, lambda s: s[0]


def np_rmsprop(lr, gamma=0.9, eps=1e-8):
    def update(i, g, s):
        x, avg = s
        avg = gamma * avg + (1 - gamma) * g * g
        return x - lr * g / np.sqrt(avg + eps), avg
    return lambda x: (x, np.zeros_like(x)), update, lambda s: s[0]


def np_rmsprop_momentum(lr, gamma=0.9, eps=1e-8, mom=0.9):
    def update(i, g, s):
        x, avg, m = s
        avg = gamma * avg + (1 - gamma) * g * g
        m = mom * m + lr * g / np.sqrt(avg + eps)
        return x - m, avg, m
    return lambda x: (x, np.zeros_like(x), np.zeros_like(x)), update, lambda s: s[0]


def np_adam(lr, b1=0.9, b2=0.999, eps=1e-8):
    def update(i, g, s):
        x, m, v = s
        m = (1 - b1) * g + b1 * m
        v = (1 - b2) * g * g + b2 * v
        mhat, vhat = m / (1 - b1 ** (i + 1)), v / (1 - b2 ** (i + 1))
        return x - lr * mhat / (np.sqrt(vhat) + eps), m, v
    return lambda x: (x, np.zeros_like(x), np.zeros_like(x)), update, lambda s: s[0]


def np_adamax(lr, b1=0.9, b2=0.999, eps=1e-8):
    def update(i, g, s):
        x, m, u = s
        m = (1 - b1) * g + b1 * m
        u = np.maximum(b2 * u, np.abs(g))
        return x - lr / (1 - b1 ** (i + 1)) * m / (u + eps), m, u
    return lambda x: (x, np.zeros_like(x), np.zeros_like(x)), update, lambda s: s[0]


def np_sm3(lr, mom=0.9):
    def init(x):
        x1 = np.atleast_1d(x)
        return x1, np.zeros_like(x1), [np.zeros(n) for n in x1.shape], np.shape(x)

    def update(i, g, s):
        x, m, vs, shape = s
        g = np.reshape(g, x.shape)
        accum = None
        for a, v in enumerate(vs):
            shp = [1] * x.ndim
            shp[a] = v.size
            v = v.reshape(shp)
            accum = v if accum is None else np.minimum(accum, v)
        accum = accum + g * g
        inv = np.where(accum > 0, 1 / np.sqrt(np.where(accum > 0, accum, 1)), 0)
        m = (1 - mom) * g * inv + mom * m
        x = x - lr * m
        vs = [accum.max(axis=tuple(d for d in range(x.ndim) if d != a)) for a in range(x.ndim)]
        return x, m, vs, shape
    return init, update, lambda s: s[0].reshape(s[3])


def run_numpy(np_opt, steps=STEPS):
    init, update, get = np_opt
    states = {k: init(v.astype(np.float64)) for k, v in X0.items()}
    for i in range(steps):
        g = grad_of({k: get(s) for k, s in states.items()})
        states = {k: update(i, g[k], s) for k, s in states.items()}
    return {k: get(s) for k, s in states.items()}


CASES = {
    "sgd": (lambda: optimizers.sgd(0.1), lambda: np_sgd(0.1)),
    "momentum": (lambda: optimizers.momentum(0.1, mass=0.9), lambda: np_momentum(0.1, 0.9)),
    "nesterov": (lambda: optimizers.nesterov(0.1, 0.8), lambda: np_nesterov(0.1, 0.8)),
    "adagrad": (lambda: optimizers.adagrad(0.3), lambda: np_adagrad(0.3)),
    "adagrad_mom": (lambda: optimizers.adagrad(0.3, momentum=0.5),
                    lambda: np_adagrad(0.3, 0.5)),
    "rmsprop": (lambda: optimizers.rmsprop(0.05), lambda: np_rmsprop(0.05)),
    "rmsprop_momentum": (lambda: optimizers.rmsprop_momentum(0.05, gamma=0.8, momentum=0.7),
                         lambda: np_rmsprop_momentum(0.05, 0.8, 1e-8, 0.7)),
    "adam": (lambda: optimizers.adam(0.1), lambda: np_adam(0.1)),
    "adam_b": (lambda: optimizers.adam(0.1, b1=0.5, b2=0.9, eps=1e-3),
               lambda: np_adam(0.1, 0.5, 0.9, 1e-3)),
    "adamax": (lambda: optimizers.adamax(0.1), lambda: np_adamax(0.1)),
    "sm3": (lambda: optimizers.sm3(0.2), lambda: np_sm3(0.2)),
    "sgd_schedule": (lambda: optimizers.sgd(optimizers.exponential_decay(0.1, 2, 0.5)),
                     None),
}


def _check(got, expected):
    for k in expected:
        np.testing.assert_allclose(got[k], expected[k], rtol=1e-4, atol=2e-5, err_msg=k)
        assert got[k].shape == expected[k].shape
        assert got[k].dtype == np.float32


@pytest.mark.parametrize("name", [n for n, (_, o) in CASES.items() if o is not None])
def test_five_steps_match_numpy(name):
    make, make_np = CASES[name]
    _, got = run_plax(make())
    _check(got, run_numpy(make_np()))


def test_schedule_used_by_optimizer():
    _, got = run_plax(CASES["sgd_schedule"][0]())
    x = {k: v.astype(np.float64) for k, v in X0.items()}
    for i in range(STEPS):
        g = grad_of(x)
        x = {k: x[k] - 0.1 * 0.5 ** (i / 2) * g[k] for k in x}
    _check(got, x)


@pytest.mark.parametrize("name", sorted(CASES))
def test_state_survives_jit(name):
    if "jit" not in plax_core.get_registry().transformations:
        pytest.skip("no jit transformation installed")
    make, _ = CASES[name]
    _, eager = run_plax(make())
    state, jitted = run_plax(make(), jit=True)
    for k in eager:
        np.testing.assert_allclose(jitted[k], eager[k], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(CASES))
def test_pack_unpack_roundtrip(name):
    make, _ = CASES[name]
    opt = make()
    state, _ = run_plax(opt, steps=2)
    marked = optimizers.unpack_optimizer_state(state)
    assert set(marked) == set(X0)
    assert all(isinstance(v, optimizers.JoinPoint) for v in marked.values())
    # The marked tree holds plain containers and arrays: it pickles (as NumPy).
    host = tree_util.tree_map(
        lambda j: optimizers.JoinPoint(tree_util.tree_map(np.asarray, j.subtree)), marked)
    restored = optimizers.pack_optimizer_state(pickle.loads(pickle.dumps(host)))
    assert tree_util.tree_structure(restored) == tree_util.tree_structure(state)
    for a, b in zip(tree_util.tree_leaves(restored), tree_util.tree_leaves(state)):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    # Training resumes identically from the restored state.
    init_fun, update_fun, get_params = opt
    g = grad_of(get_params(state))
    a = get_params(update_fun(2, g, state))
    b = get_params(update_fun(2, g, restored))
    for k in a:
        np.testing.assert_array_equal(np.asarray(a[k]), np.asarray(b[k]))


def test_optimizer_state_is_a_pytree():
    init_fun, _, _ = optimizers.adam(0.1)
    state = init_fun(X0)
    leaves, treedef = tree_util.tree_flatten(state)
    assert len(leaves) == 3 * len(X0)
    again = tree_util.tree_unflatten(treedef, leaves)
    assert isinstance(again, optimizers.OptimizerState)
    doubled = tree_util.tree_map(lambda x: x * 2, state)
    assert isinstance(doubled, optimizers.OptimizerState)


def test_sm3_shape_is_static():
    init_fun, update_fun, get_params = optimizers.sm3(0.1)
    state = init_fun({"s": jnp.float32(1.0), "m": jnp.ones((2, 3))})
    # scalar parameters get a rank-1 state; the original shapes are not leaves
    assert len(tree_util.tree_leaves(state)) == 3 + 4
    params = get_params(update_fun(0, {"s": 1.0, "m": jnp.ones((2, 3))}, state))
    assert params["s"].shape == () and params["m"].shape == (2, 3)


def test_mismatched_gradient_tree():
    init_fun, update_fun, _ = optimizers.sgd(0.1)
    state = init_fun({"a": jnp.ones(2)})
    with pytest.raises(TypeError, match="did not match the parameter tree"):
        update_fun(0, {"b": jnp.ones(2)}, state)


def test_custom_optimizer_with_decorator():
    @optimizers.optimizer
    def sign_sgd(step_size):
        def init(x0):
            return (x0,)

        def update(i, g, state):
            return (state[0] - step_size * jnp.sign(g),)
        return init, update, lambda s: s[0]

    init_fun, update_fun, get_params = sign_sgd(0.5)
    state = update_fun(0, [jnp.array([1.0, -2.0])], init_fun([jnp.zeros(2)]))
    np.testing.assert_array_equal(np.asarray(get_params(state)[0]), [-0.5, 0.5])


# ------------------------------------------------------------------ schedules

@pytest.mark.parametrize("i", [0, 1, 3, 7, 10, 25])
def test_schedules(i):
    f = float
    assert np.isclose(f(optimizers.constant(0.3)(i)), 0.3)
    assert np.isclose(f(optimizers.exponential_decay(0.3, 4, 0.5)(i)), 0.3 * 0.5 ** (i / 4))
    assert np.isclose(f(optimizers.inverse_time_decay(0.3, 4, 0.5)(i)), 0.3 / (1 + 0.5 * i / 4))
    assert np.isclose(f(optimizers.inverse_time_decay(0.3, 4, 0.5, staircase=True)(i)),
                      0.3 / (1 + 0.5 * np.floor(i / 4)))
    expected = (1 - min(i, 10) / 10) ** 2 * (0.3 - 0.01) + 0.01
    assert np.isclose(f(optimizers.polynomial_decay(0.3, 10, 0.01, power=2.0)(i)), expected)
    pc = optimizers.piecewise_constant([3, 10], [1.0, 0.5, 0.1])
    assert np.isclose(f(pc(i)), 1.0 if i <= 3 else 0.5 if i <= 10 else 0.1)


def test_schedule_under_jit():
    if "jit" not in plax_core.get_registry().transformations:
        pytest.skip("no jit transformation installed")
    jit = plax_core.transformations.jit
    pc = optimizers.piecewise_constant([3, 10], [1.0, 0.5, 0.1])
    for i in (0, 5, 20):
        assert np.isclose(float(jit(pc)(i)), float(pc(i)))
    decay = optimizers.inverse_time_decay(0.3, 4, 0.5, staircase=True)
    assert np.isclose(float(jit(decay)(jnp.int32(9))), float(decay(9)))


def test_make_schedule():
    assert optimizers.make_schedule(0.1)(5) == 0.1
    sched = optimizers.constant(0.2)
    assert optimizers.make_schedule(sched) is sched
    with pytest.raises(TypeError):
        optimizers.make_schedule(np.ones(3))
    with pytest.raises(ValueError):
        optimizers.piecewise_constant([1, 2], [0.1])


# ------------------------------------------------------------------ utilities

def test_l2_norm_and_clip_grads():
    tree = {"a": jnp.array([3.0, 0.0]), "b": [jnp.array([[4.0]])]}
    assert np.isclose(float(optimizers.l2_norm(tree)), 5.0)
    clipped = optimizers.clip_grads(tree, 1.0)
    assert np.isclose(float(optimizers.l2_norm(clipped)), 1.0)
    np.testing.assert_allclose(np.asarray(clipped["a"]), [0.6, 0.0], rtol=1e-6)
    same = optimizers.clip_grads(tree, 10.0)
    np.testing.assert_allclose(np.asarray(same["b"][0]), [[4.0]])
