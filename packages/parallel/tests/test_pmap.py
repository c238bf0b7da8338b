"""pmap on 4 and 8 CPU devices: every collective against NumPy, derivatives inside pmap
by finite differences, a data-parallel training step, in/out axes, JAX's errors."""

import numpy as np
import plax_parallel as pp
import pytest
from plax_parallel.testing import collective_cases, linear_cases, need_devices

import plax_core
import plax_numpy as jnp
from plax_autodiff import grad, jvp, vjp
from plax_autodiff.test_util import numerical_jvp
from plax_batching import vmap
from plax_xla import jit

RNG = np.random.RandomState(1)


def _x(*shape):
    return RNG.randn(*shape).astype(np.float32)


def _cases(kind):
    out = []
    for n in (4, 8):
        for case in kind(n):
            out.append(pytest.param(n, *case, id=f"{case[0]}-{n}dev"))
    return out


@pytest.mark.parametrize("n,name,f,shape,oracle", _cases(collective_cases))
def test_collective_under_pmap_matches_numpy(n, name, f, shape, oracle):
    need_devices(n)
    X = _x(n, *shape)
    out = pp.pmap(f, axis_name="i")(X)
    np.testing.assert_allclose(np.asarray(out), oracle(X), rtol=1e-5, atol=1e-5)
    # the same values as under vmap (no devices)
    np.testing.assert_allclose(np.asarray(out), np.asarray(vmap(f, axis_name="i")(X)),
                               rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("n,name,f,shape,oracle", _cases(linear_cases))
def test_jvp_and_transpose_inside_pmap(n, name, f, shape, oracle):
    """jvp inside pmap = finite differences of the pmapped map; vjp inside is its adjoint."""
    need_devices(n)
    if n == 8 and name not in ("psum", "all_gather", "psum_scatter", "all_to_all",
                               "ppermute_ring"):
        pytest.skip("8 devices: the main collectives only (compile time)")
    X, T = _x(n, *shape), _x(n, *shape)
    G = pp.pmap(f, axis_name="i")
    tangent = np.asarray(pp.pmap(lambda x, t: jvp(f, (x,), (t,))[1], axis_name="i")(X, T))
    (expected,) = numerical_jvp(lambda X: np.asarray(G(X)), (X,), (T,), eps=1e-2)
    np.testing.assert_allclose(tangent, expected, rtol=1e-3, atol=1e-3)
    CT = _x(*tangent.shape)
    ct_in = np.asarray(pp.pmap(lambda x, c: vjp(f, x)[1](c)[0], axis_name="i")(X, CT))
    np.testing.assert_allclose(np.sum(tangent.astype(np.float64) * CT),
                               np.sum(ct_in.astype(np.float64) * T), rtol=1e-4, atol=1e-4)


def _loss(params, x, y):
    w, b = params
    h = jnp.tanh(x @ w + b)
    return jnp.sum((h - y) ** 2)


@pytest.mark.parametrize("n", [4, 8])
def test_data_parallel_step_equals_single_device_step(n):
    need_devices(n)
    per, din, dout = 3, 5, 2
    w, b = _x(din, dout), _x(dout)
    x, y = _x(n * per, din), _x(n * per, dout)

    def step(params, xb, yb):
        g = grad(_loss)(params, xb, yb)
        g = pp.psum(g, "batch")      # the gradient of the loss on the whole batch
        return [p - 0.1 * gi for p, gi in zip(params, g)]

    new = pp.pmap(step, axis_name="batch", in_axes=(None, 0, 0))(
        [w, b], x.reshape(n, per, din), y.reshape(n, per, dout))
    g = grad(_loss)([w, b], x, y)
    expected = [w - 0.1 * np.asarray(g[0]), b - 0.1 * np.asarray(g[1])]
    for got, want in zip(new, expected):
        got = np.asarray(got)
        assert got.shape == (n,) + want.shape
        for k in range(n):         # every device holds the same updated parameters
            np.testing.assert_allclose(got[k], want, rtol=1e-4, atol=1e-5)


def test_axes_statics_and_composition():
    need_devices(4)
    X = _x(4, 3)
    # in_axes None broadcasts; out_axes moves the device axis (JAX 0.10.2 values on
    # 2 devices: pmap(lambda x, y: x*y, in_axes=(0, None))(arange(4.).reshape(2,2), 3.)
    # -> [[0, 3], [6, 9]]; out_axes=1 transposes)
    out = pp.pmap(lambda x, c: x * c, in_axes=(0, None))(X, np.float32(3.0))
    np.testing.assert_allclose(np.asarray(out), X * 3, rtol=1e-6)
    out = pp.pmap(lambda x: x * 2, out_axes=1)(X)
    np.testing.assert_allclose(np.asarray(out), (X * 2).T, rtol=1e-6)
    out = pp.pmap(lambda x, k: x * k, static_broadcasted_argnums=1)(X, 5)
    np.testing.assert_allclose(np.asarray(out), X * 5, rtol=1e-6)
    out = pp.pmap(lambda x: x, in_axes=1)(X.T)
    np.testing.assert_allclose(np.asarray(out), X)
    # in_axes as a pytree prefix of an argument
    d = pp.pmap(lambda d: d["a"] * d["b"], in_axes=({"a": 0, "b": None},))(
        {"a": X, "b": np.float32(2.0)})
    np.testing.assert_allclose(np.asarray(d), 2 * X, rtol=1e-6)
    # pytrees in and out; vmap and jit inside, with collectives over the pmap axis
    tree = pp.pmap(lambda d: {"s": pp.psum(d["a"], "i"), "m": d["b"] * 2},
                   axis_name="i")({"a": X, "b": X})
    np.testing.assert_allclose(np.asarray(tree["s"]), np.broadcast_to(X.sum(0), X.shape),
                               rtol=1e-5)
    inner = pp.pmap(vmap(lambda v: pp.psum(v, "i")), axis_name="i")(X)
    np.testing.assert_allclose(np.asarray(inner), np.broadcast_to(X.sum(0), X.shape),
                               rtol=1e-5)
    both = pp.pmap(vmap(lambda v: pp.psum(v, ("i", "j")), axis_name="j"),
                   axis_name="i")(X)
    np.testing.assert_allclose(np.asarray(both), np.full(X.shape, X.sum()), rtol=1e-5)
    jitted = pp.pmap(jit(lambda v: pp.pmean(v, "i")), axis_name="i")(X)
    np.testing.assert_allclose(np.asarray(jitted), np.broadcast_to(X.mean(0), X.shape),
                               rtol=1e-5)
    # a pmap's output feeds the next pmap and eager operations
    again = pp.pmap(lambda v: v + 1)(out)
    np.testing.assert_allclose(np.asarray(again), X + 1)
    np.testing.assert_allclose(np.asarray(out + 1), X + 1)


def test_errors_follow_jax():
    have = len(plax_core.devices())
    too_many = np.ones((have + 1, 2), np.float32)
    with pytest.raises(ValueError, match=rf"{have + 1} entries.*only {have} devices"):
        pp.pmap(lambda x: x)(too_many)
    with pytest.raises(ValueError, match="inconsistent sizes"):
        pp.pmap(lambda x, y: x + y)(np.ones((2, 2)), np.ones((1, 2)))
    # JAX 0.10.2: ValueError "pmap requires at least one argument with a mapped axis."
    with pytest.raises(ValueError, match="at least one argument with a mapped axis"):
        pp.pmap(lambda x: x, in_axes=None)(np.ones((2, 2)))
    with pytest.raises(NameError, match="unbound axis name: j"):
        pp.pmap(lambda x: pp.psum(x, "j"), axis_name="i")(np.ones((2, 2)))


def test_pmap_under_grad_jit_vmap():
    """An outer transformation sees pmap's values (computed through vmap)."""
    need_devices(4)
    X = _x(4, 3)

    def f(x):
        return pp.pmap(lambda v: pp.psum(v * v, "i") * v, axis_name="i")(x)

    want = np.broadcast_to((X * X).sum(0), X.shape) * X
    np.testing.assert_allclose(np.asarray(jit(f)(X)), want, rtol=1e-5)
    g = grad(lambda x: f(x).sum())(X)
    # d/dx_jk sum_i (sum_l x_lk^2) x_ik = 2 x_jk sum_i x_ik + sum_l x_lk^2
    want_g = 2 * X * X.sum(0) + (X * X).sum(0)
    np.testing.assert_allclose(np.asarray(g), want_g, rtol=1e-4, atol=1e-5)
    batched = vmap(f)(np.stack([X, 2 * X]))
    np.testing.assert_allclose(np.asarray(batched)[1], 8 * want, rtol=1e-5)
    with pytest.raises(ValueError, match="only"):
        jit(lambda x: pp.pmap(lambda v: v)(x))(np.ones((len(plax_core.devices()) + 1, 2)))
